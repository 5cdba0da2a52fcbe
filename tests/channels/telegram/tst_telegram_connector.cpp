// TelegramConnector against the Bot API emulator (tests/fakes/telegram) over real loopback HTTP.
#include "channels/telegram/TelegramConnector.h"
#include "channels/telegram/TelegramParse.h"

#include <FakeTelegram.h>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryFile>
#include <QTest>

using namespace era;
using namespace era::channels;
using namespace era::content;

Q_DECLARE_METATYPE(era::channels::SendRequest)
Q_DECLARE_METATYPE(era::channels::SendResult::Outcome)

namespace {

const QString kToken = QStringLiteral("123456789:AAEraTestTokenForTheFakeTelegram_x");
const QString kSecret = QStringLiteral("s3cret-Token_for_tests");
constexpr qint64 kChat = 100000001;

struct Delivery {
    QList<InboundEvent> events;
    QString cursor;
    Connector::Committed committed;
};

SendRequest textTo(qint64 chat, const QString &text)
{
    SendRequest request;
    request.externalChatId = QString::number(chat);
    request.content.body = Text::of(text);
    return request;
}

} // namespace

class TelegramConnectorTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void pollingDeliversInjectedUpdatesWithTheNextOffsetAsCursor();
    void pollingDoesNotAskAgainBeforeTheCommit();
    void failedCommitDeliversTheSameBatchAgain();
    void skippedUpdatesAdvanceTheOffsetWithoutADelivery();
    void rejectedTokenIsReportedAsAnError();
    void serverFaultsAtStartAreRetried();
    void stopEndsTheLongPollAndDeliversNothingMore();
    void customApiBaseUrlIsUsed();

    void webhookModeRegistersUrlSecretAndUpdateTypes();
    void webhookAnswersOnlyAfterTheCommit_data();
    void webhookAnswersOnlyAfterTheCommit();
    void webhookWithWrongOrMissingSecretIsRefused_data();
    void webhookWithWrongOrMissingSecretIsRefused();
    void webhookWithMalformedBodyIsRejected();

    void sendingMakesTheRightBotApiCall_data();
    void sendingMakesTheRightBotApiCall();
    void sendResultsAreClassified_data();
    void sendResultsAreClassified();
    void unreachableTelegramMeansRetryLater();

    void sendsToOneChatAreSpaced();
    void sendsOfTheBotArePacedPerSecond();
    void pacingKeepsTheEmulatorsFloodLimit();

    void mediaIsDownloaded();
    void mediaOverTheCapIsTooLargeWithoutDownload();
    void unknownMediaIsAnError();
    void downloadIsCutWhenTheBodyPassesTheCap_data();
    void downloadIsCutWhenTheBodyPassesTheCap();

private:
    TelegramSettings settings() const;
    std::unique_ptr<TelegramConnector> startPolling(const QString &cursor = {});
    Connector::Deliver recorder();
    std::optional<SendResult> sendAndWait(TelegramConnector &connector, const SendRequest &request);
    std::optional<Result<QByteArray>> fetchAndWait(TelegramConnector &connector, const QString &ref,
                                                   qint64 max);

    std::unique_ptr<FakeTelegram> m_fake;
    QList<Delivery> m_deliveries;
    FakeTelegram::Customer m_customer;
};

void TelegramConnectorTest::init()
{
    m_fake = std::make_unique<FakeTelegram>();
    QVERIFY(m_fake->listen());
    m_fake->addBot(kToken, QStringLiteral("era_support_bot"), QStringLiteral("ERA Support"));
    m_fake->addChat(kToken, m_customer);
    m_deliveries.clear();
}

void TelegramConnectorTest::cleanup()
{
    m_fake.reset();
}

TelegramSettings TelegramConnectorTest::settings() const
{
    TelegramSettings s;
    s.token = kToken;
    s.apiBaseUrl = m_fake->baseUrl();
    s.pollTimeoutSec = 5;
    s.retryMinMs = 20;
    s.retryMaxMs = 100;
    s.commitRetryMs = 20;
    s.requestTimeoutMs = 5000;
    return s;
}

Connector::Deliver TelegramConnectorTest::recorder()
{
    return [this](const QList<InboundEvent> &events, const QString &cursor, Connector::Committed committed) {
        m_deliveries.append(Delivery{events, cursor, std::move(committed)});
    };
}

std::unique_ptr<TelegramConnector> TelegramConnectorTest::startPolling(const QString &cursor)
{
    auto connector = std::make_unique<TelegramConnector>(settings());
    connector->start(cursor, recorder());
    return connector;
}

std::optional<SendResult> TelegramConnectorTest::sendAndWait(TelegramConnector &connector,
                                                             const SendRequest &request)
{
    std::optional<SendResult> result;
    connector.send(request, this, [&result](const SendResult &r) { result = r; });
    (void)QTest::qWaitFor([&result] { return result.has_value(); }, 10000); // the caller checks
    return result;
}

std::optional<Result<QByteArray>> TelegramConnectorTest::fetchAndWait(TelegramConnector &connector,
                                                                      const QString &ref, qint64 max)
{
    std::optional<Result<QByteArray>> result;
    connector.fetchMedia(ref, max, this, [&result](Result<QByteArray> r) { result.emplace(std::move(r)); });
    (void)QTest::qWaitFor([&result] { return result.has_value(); }, 10000); // the caller checks
    return result;
}

// ---- polling ----

void TelegramConnectorTest::pollingDeliversInjectedUpdatesWithTheNextOffsetAsCursor()
{
    auto connector = startPolling();
    const QJsonObject first = m_fake->injectText(kToken, m_customer, QStringLiteral("Hello"));
    const QJsonObject second = m_fake->injectText(kToken, m_customer, QStringLiteral("Where is my order?"));
    QTRY_COMPARE(m_deliveries.size(), 1);
    QCOMPARE(connector->state(), QStringLiteral("running"));

    const Delivery &delivery = m_deliveries.constFirst();
    QCOMPARE(delivery.events.size(), 2);
    QCOMPARE(std::get<Text>(delivery.events.at(0).content.body).text, QStringLiteral("Hello"));
    QCOMPARE(telegram::messageIdOf(delivery.events.at(1).externalMessageId),
             qint64(second.value(QLatin1String("message"))
                        .toObject()
                        .value(QLatin1String("message_id"))
                        .toInteger()));
    QCOMPARE(delivery.cursor, QString::number(second.value(QLatin1String("update_id")).toInteger() + 1));
    QVERIFY(first.value(QLatin1String("update_id")).toInteger() <
            second.value(QLatin1String("update_id")).toInteger());

    const auto polls = m_fake->calls(QStringLiteral("getUpdates"));
    QVERIFY(!polls.isEmpty());
    QCOMPARE(polls.constFirst().params.value(QLatin1String("timeout")).toInt(), 5);
    QCOMPARE(polls.constFirst().params.value(QLatin1String("allowed_updates")).toArray(),
             (QJsonArray{QStringLiteral("message"), QStringLiteral("edited_message"),
                         QStringLiteral("message_reaction")}));
}

void TelegramConnectorTest::pollingDoesNotAskAgainBeforeTheCommit()
{
    auto connector = startPolling();
    const QJsonObject first = m_fake->injectText(kToken, m_customer, QStringLiteral("one"));
    QTRY_COMPARE(m_deliveries.size(), 1);
    const int pollsBefore = m_fake->calls(QStringLiteral("getUpdates")).size();

    m_fake->injectText(kToken, m_customer, QStringLiteral("two"));
    QSignalSpy calls(m_fake.get(), &FakeTelegram::called);
    QVERIFY(!calls.wait(300)); // no request at all while the batch is not committed
    QCOMPARE(m_fake->calls(QStringLiteral("getUpdates")).size(), pollsBefore);
    QCOMPARE(m_deliveries.size(), 1);

    m_deliveries.constFirst().committed(ok());
    QTRY_COMPARE(m_deliveries.size(), 2);
    QCOMPARE(std::get<Text>(m_deliveries.at(1).events.constFirst().content.body).text, QStringLiteral("two"));
    const auto polls = m_fake->calls(QStringLiteral("getUpdates"));
    QCOMPARE(polls.at(pollsBefore).params.value(QLatin1String("offset")).toInteger(),
             first.value(QLatin1String("update_id")).toInteger() + 1);
}

void TelegramConnectorTest::failedCommitDeliversTheSameBatchAgain()
{
    auto connector = startPolling();
    m_fake->injectText(kToken, m_customer, QStringLiteral("keep me"));
    QTRY_COMPARE(m_deliveries.size(), 1);
    m_deliveries.constFirst().committed(Error{QStringLiteral("storage"), QStringLiteral("disk full")});
    QTRY_COMPARE(m_deliveries.size(), 2);
    QCOMPARE(m_deliveries.at(1).cursor, m_deliveries.at(0).cursor);
    QCOMPARE(m_deliveries.at(1).events.size(), 1);
    QCOMPARE(m_deliveries.at(1).events.constFirst().externalMessageId,
             m_deliveries.at(0).events.constFirst().externalMessageId);

    m_fake->injectText(kToken, m_customer, QStringLiteral("next"));
    m_deliveries.at(1).committed(ok());
    QTRY_COMPARE(m_deliveries.size(), 3);
    QCOMPARE(QString::number(m_fake->calls(QStringLiteral("getUpdates"))
                                 .constLast()
                                 .params.value(QLatin1String("offset"))
                                 .toInteger()),
             m_deliveries.at(1).cursor);
}

void TelegramConnectorTest::skippedUpdatesAdvanceTheOffsetWithoutADelivery()
{
    auto connector = startPolling();
    // A group message is not a customer's dialog: the connector skips it and asks past it without a delivery.
    const QJsonObject group = QJsonDocument::fromJson(R"({"message":{"message_id":1,"date":1,
        "chat":{"id":-100123,"type":"supergroup","title":"G"},"text":"hi"}})")
                                  .object();
    const int groupUpdate = m_fake->injectUpdate(kToken, group);
    QVERIFY(groupUpdate > 0);
    QSignalSpy longPoll(m_fake.get(), &FakeTelegram::longPollStarted);
    QVERIFY(longPoll.wait(5000)); // the next poll is open: the skipped update was answered
    m_fake->injectText(kToken, m_customer, QStringLiteral("after the group"));
    QTRY_COMPARE(m_deliveries.size(), 1);
    QCOMPARE(m_deliveries.constFirst().events.size(), 1);
    const auto polls = m_fake->calls(QStringLiteral("getUpdates"));
    QCOMPARE(polls.constLast().params.value(QLatin1String("offset")).toInteger(), groupUpdate + 1);
}

void TelegramConnectorTest::rejectedTokenIsReportedAsAnError()
{
    TelegramSettings s = settings();
    s.token = QStringLiteral("999:unknown");
    TelegramConnector connector(s);
    QSignalSpy states(&connector, &Connector::stateChanged);
    connector.start({}, recorder());
    QTRY_VERIFY(connector.state().startsWith(QLatin1String("error:")));
    QVERIFY2(connector.state().contains(QLatin1String("token")), qPrintable(connector.state()));
    QVERIFY(m_fake->calls(QStringLiteral("getUpdates")).isEmpty());
}

void TelegramConnectorTest::serverFaultsAtStartAreRetried()
{
    m_fake->failNext(QStringLiteral("getMe"), 2, 502);
    TelegramConnector connector(settings());
    QSignalSpy states(&connector, &Connector::stateChanged);
    connector.start({}, recorder());
    QTRY_COMPARE(connector.state(), QStringLiteral("running"));
    QCOMPARE(m_fake->calls(QStringLiteral("getMe")).size(), 3);
    QVERIFY(states.constFirst().constFirst().toString().startsWith(QLatin1String("error:")));
}

void TelegramConnectorTest::stopEndsTheLongPollAndDeliversNothingMore()
{
    auto connector = startPolling();
    QSignalSpy longPoll(m_fake.get(), &FakeTelegram::longPollStarted);
    QVERIFY(longPoll.wait(5000));
    connector->stop();
    QCOMPARE(connector->state(), QStringLiteral("stopped"));
    m_fake->injectText(kToken, m_customer, QStringLiteral("too late"));
    QSignalSpy calls(m_fake.get(), &FakeTelegram::called);
    QVERIFY(!calls.wait(300) || m_deliveries.isEmpty());
    QCOMPARE(m_deliveries.size(), 0);
    QCOMPARE(m_fake->pendingUpdateCount(kToken), 1);
}

void TelegramConnectorTest::customApiBaseUrlIsUsed()
{
    QCOMPARE(TelegramSettings{}.apiBaseUrl, QUrl(QStringLiteral("https://api.telegram.org")));
    // A self-hosted Bot API server at another address, given with a trailing slash.
    FakeTelegram selfHosted;
    QVERIFY(selfHosted.listen());
    selfHosted.addBot(kToken, QStringLiteral("era_support_bot"));
    TelegramSettings s = settings();
    s.apiBaseUrl = QUrl(selfHosted.baseUrl().toString() + QStringLiteral("/"));
    TelegramConnector connector(s);
    connector.start({}, recorder());
    QTRY_COMPARE(connector.state(), QStringLiteral("running"));
    QCOMPARE(selfHosted.calls(QStringLiteral("getMe")).size(), 1);
    QVERIFY(m_fake->calls().isEmpty());
}

// ---- webhook ----

namespace {

TelegramSettings webhookSettings(TelegramSettings s)
{
    s.mode = TelegramSettings::Mode::Webhook;
    s.webhookUrl = QUrl(QStringLiteral("https://era.example.com/api/hooks/telegram/7"));
    s.webhookSecret = kSecret;
    return s;
}

WebhookRequest webhookCall(const QByteArray &secret, const QByteArray &body)
{
    WebhookRequest request;
    request.headers.append({QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json")});
    if (!secret.isNull())
        request.headers.append({QByteArrayLiteral("x-telegram-bot-api-secret-token"), secret});
    request.body = body;
    return request;
}

QByteArray textUpdateBody()
{
    return QByteArrayLiteral(R"({"update_id":900,"message":{"message_id":12,"date":1732442400,
        "from":{"id":100000001,"is_bot":false,"first_name":"Ivan"},
        "chat":{"id":100000001,"type":"private","first_name":"Ivan"},"text":"via webhook"}})");
}

} // namespace

void TelegramConnectorTest::webhookModeRegistersUrlSecretAndUpdateTypes()
{
    TelegramConnector connector(webhookSettings(settings()));
    connector.start({}, recorder());
    QTRY_COMPARE(connector.state(), QStringLiteral("running"));
    const auto calls = m_fake->calls(QStringLiteral("setWebhook"));
    QCOMPARE(calls.size(), 1);
    QCOMPARE(calls.constFirst().params.value(QLatin1String("url")).toString(),
             QStringLiteral("https://era.example.com/api/hooks/telegram/7"));
    QCOMPARE(calls.constFirst().params.value(QLatin1String("secret_token")).toString(), kSecret);
    QCOMPARE(calls.constFirst().params.value(QLatin1String("allowed_updates")).toArray().size(), 3);
    QVERIFY(m_fake->calls(QStringLiteral("deleteWebhook")).isEmpty());
    QVERIFY(m_fake->calls(QStringLiteral("getUpdates")).isEmpty());
    QCOMPARE(m_fake->webhookUrl(kToken), QStringLiteral("https://era.example.com/api/hooks/telegram/7"));
}

void TelegramConnectorTest::webhookAnswersOnlyAfterTheCommit_data()
{
    QTest::addColumn<bool>("commitOk");
    QTest::addColumn<int>("status");
    QTest::newRow("stored") << true << 200;
    QTest::newRow("not stored: Telegram must retry") << false << 500;
}

void TelegramConnectorTest::webhookAnswersOnlyAfterTheCommit()
{
    QFETCH(bool, commitOk);
    QFETCH(int, status);
    TelegramConnector connector(webhookSettings(settings()));
    connector.start({}, recorder());
    QTRY_COMPARE(connector.state(), QStringLiteral("running"));

    std::optional<WebhookReply> reply;
    connector.handleWebhook(webhookCall(kSecret.toUtf8(), textUpdateBody()),
                            [&reply](const WebhookReply &r) { reply = r; });
    QCOMPARE(m_deliveries.size(), 1);
    QVERIFY(!reply.has_value());
    QCOMPARE(m_deliveries.constFirst().events.size(), 1);
    QCOMPARE(std::get<Text>(m_deliveries.constFirst().events.constFirst().content.body).text,
             QStringLiteral("via webhook"));
    QVERIFY(m_deliveries.constFirst().cursor.isEmpty());
    m_deliveries.constFirst().committed(commitOk ? ok()
                                                 : Status(Error{QStringLiteral("db"), QStringLiteral("x")}));
    QVERIFY(reply.has_value());
    QCOMPARE(reply->status, status);
}

void TelegramConnectorTest::webhookWithWrongOrMissingSecretIsRefused_data()
{
    QTest::addColumn<QByteArray>("secret");
    QTest::newRow("missing") << QByteArray();
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("wrong") << QByteArray("s3cret-Token_for_testz");
    QTest::newRow("prefix") << QByteArray("s3cret");
}

void TelegramConnectorTest::webhookWithWrongOrMissingSecretIsRefused()
{
    QFETCH(QByteArray, secret);
    TelegramConnector connector(webhookSettings(settings()));
    connector.start({}, recorder());
    QTRY_COMPARE(connector.state(), QStringLiteral("running"));
    std::optional<WebhookReply> reply;
    connector.handleWebhook(webhookCall(secret, textUpdateBody()),
                            [&reply](const WebhookReply &r) { reply = r; });
    QVERIFY(reply.has_value());
    QCOMPARE(reply->status, 403);
    QCOMPARE(m_deliveries.size(), 0);
}

void TelegramConnectorTest::webhookWithMalformedBodyIsRejected()
{
    TelegramConnector connector(webhookSettings(settings()));
    connector.start({}, recorder());
    QTRY_COMPARE(connector.state(), QStringLiteral("running"));
    std::optional<WebhookReply> reply;
    connector.handleWebhook(webhookCall(kSecret.toUtf8(), QByteArrayLiteral("{\"update_id\":")),
                            [&reply](const WebhookReply &r) { reply = r; });
    QVERIFY(reply.has_value());
    QCOMPARE(reply->status, 400);
    QCOMPARE(m_deliveries.size(), 0);
}

// ---- sending ----

void TelegramConnectorTest::sendingMakesTheRightBotApiCall_data()
{
    QTest::addColumn<SendRequest>("request");
    QTest::addColumn<QByteArray>("fileBytes"); // written to the upload file when not empty
    QTest::addColumn<QString>("method");
    QTest::addColumn<QJsonObject>("params"); // must be among the call's parameters
    QTest::addColumn<QString>("uploadField");
    QTest::addColumn<QString>("uploadName");
    QTest::addColumn<QString>("uploadMime");

    const QJsonObject chat{{QStringLiteral("chat_id"), kChat}};
    auto with = [&chat](const QJsonObject &more) {
        QJsonObject all = chat;
        for (auto it = more.begin(); it != more.end(); ++it)
            all.insert(it.key(), it.value());
        return all;
    };

    QTest::newRow("text") << textTo(kChat, QStringLiteral("Добрый день!")) << QByteArray()
                          << QStringLiteral("sendMessage")
                          << with({{QStringLiteral("text"), QStringLiteral("Добрый день!")}}) << QString()
                          << QString() << QString();

    SendRequest reply = textTo(kChat, QStringLiteral("Yes"));
    reply.replyToExternalId = QStringLiteral("1");
    QTest::newRow("reply") << reply << QByteArray() << QStringLiteral("sendMessage")
                           << with({{QStringLiteral("reply_parameters"),
                                     QJsonObject{{QStringLiteral("message_id"), 1},
                                                 {QStringLiteral("allow_sending_without_reply"), true}}}})
                           << QString() << QString() << QString();

    SendRequest photo;
    photo.externalChatId = QString::number(kChat);
    photo.content.body = Image{{}, QStringLiteral("Your parcel")};
    photo.file = OutboundFile{{}, QStringLiteral("parcel.jpg"), QStringLiteral("image/jpeg"), 0};
    QTest::newRow("photo") << photo << QByteArray("\xff\xd8\xff\xe0 fake jpeg bytes", 21)
                           << QStringLiteral("sendPhoto")
                           << with({{QStringLiteral("caption"), QStringLiteral("Your parcel")}})
                           << QStringLiteral("photo") << QStringLiteral("parcel.jpg")
                           << QStringLiteral("image/jpeg");

    SendRequest document;
    document.externalChatId = QString::number(kChat);
    document.content.body = Document{{}, {}};
    document.file = OutboundFile{{}, QStringLiteral("Счёт 1024.pdf"), QStringLiteral("application/pdf"), 0};
    QTest::newRow("document") << document << QByteArray("%PDF-1.4 tiny") << QStringLiteral("sendDocument")
                              << chat << QStringLiteral("document") << QStringLiteral("Счёт 1024.pdf")
                              << QStringLiteral("application/pdf");

    SendRequest react;
    react.action = SendRequest::Action::React;
    react.externalChatId = QString::number(kChat);
    react.targetExternalId = QStringLiteral("1");
    react.emojis = QStringList{QStringLiteral("👍")};
    QTest::newRow("reaction") << react << QByteArray() << QStringLiteral("setMessageReaction")
                              << with({{QStringLiteral("message_id"), 1},
                                       {QStringLiteral("reaction"),
                                        QJsonArray{
                                            QJsonObject{{QStringLiteral("type"), QStringLiteral("emoji")},
                                                        {QStringLiteral("emoji"), QStringLiteral("👍")}}}}})
                              << QString() << QString() << QString();
    react.emojis.clear();
    QTest::newRow("reaction removed")
        << react << QByteArray() << QStringLiteral("setMessageReaction")
        << with({{QStringLiteral("message_id"), 1}, {QStringLiteral("reaction"), QJsonArray{}}}) << QString()
        << QString() << QString();

    // sendLocation / sendVenue / sendContact / sendVideo... are not in the emulator yet.
}

void TelegramConnectorTest::sendingMakesTheRightBotApiCall()
{
    QFETCH(SendRequest, request);
    QFETCH(QByteArray, fileBytes);
    QFETCH(QString, method);
    QFETCH(QJsonObject, params);
    QFETCH(QString, uploadField);
    QFETCH(QString, uploadName);
    QFETCH(QString, uploadMime);

    m_fake->injectText(kToken, m_customer, QStringLiteral("a message to answer")); // message_id 1
    QTemporaryFile file;
    if (!fileBytes.isEmpty()) {
        QVERIFY(file.open());
        file.write(fileBytes);
        file.flush();
        request.file->path = file.fileName();
        request.file->size = fileBytes.size();
    }
    TelegramConnector connector(settings());
    const auto result = sendAndWait(connector, request);
    QVERIFY(result.has_value());

    const auto calls = m_fake->calls(method);
    QCOMPARE(calls.size(), 1);
    const FakeTelegramCall &call = calls.constFirst();
    for (auto it = params.begin(); it != params.end(); ++it)
        QVERIFY2(call.params.value(it.key()) == it.value(),
                 qPrintable(it.key() + QStringLiteral(": ") +
                            QString::fromUtf8(QJsonDocument(call.params).toJson(QJsonDocument::Compact))));
    if (!uploadField.isEmpty()) {
        QCOMPARE(call.uploads.size(), 1);
        QCOMPARE(call.uploads.constFirst().field, uploadField);
        QCOMPARE(call.uploads.constFirst().fileName, uploadName);
        QCOMPARE(call.uploads.constFirst().mimeType, uploadMime);
        QCOMPARE(call.uploads.constFirst().bytes, fileBytes);
    }
    QCOMPARE(result->outcome, SendResult::Outcome::Sent);
    QVERIFY(!result->externalId.isEmpty());
}

void TelegramConnectorTest::sendResultsAreClassified_data()
{
    QTest::addColumn<int>("failStatus"); // 0: no injected fault
    QTest::addColumn<int>("retryAfter");
    QTest::addColumn<bool>("blocked");
    QTest::addColumn<qint64>("chat");
    QTest::addColumn<SendResult::Outcome>("outcome");
    QTest::addColumn<int>("expectedRetryAfter");
    QTest::addColumn<QString>("reasonContains");

    QTest::newRow("sent") << 0 << 0 << false << kChat << SendResult::Outcome::Sent << 0 << QString();
    QTest::newRow("429 with retry_after") << 429 << 7 << false << kChat << SendResult::Outcome::RateLimited
                                          << 7 << QStringLiteral("Too Many Requests");
    QTest::newRow("500") << 500 << 0 << false << kChat << SendResult::Outcome::RetryLater << 0 << QString();
    QTest::newRow("502") << 502 << 0 << false << kChat << SendResult::Outcome::RetryLater << 0 << QString();
    QTest::newRow("blocked by the user") << 0 << 0 << true << kChat << SendResult::Outcome::Permanent << 0
                                         << QStringLiteral("bot was blocked by the user");
    QTest::newRow("chat not found") << 0 << 0 << false << qint64(555) << SendResult::Outcome::Permanent << 0
                                    << QStringLiteral("chat not found");
}

void TelegramConnectorTest::sendResultsAreClassified()
{
    QFETCH(int, failStatus);
    QFETCH(int, retryAfter);
    QFETCH(bool, blocked);
    QFETCH(qint64, chat);
    QFETCH(SendResult::Outcome, outcome);
    QFETCH(int, expectedRetryAfter);
    QFETCH(QString, reasonContains);

    if (failStatus)
        m_fake->failNext(QStringLiteral("sendMessage"), 1, failStatus, {}, retryAfter);
    m_fake->blockChat(kChat, blocked);
    TelegramConnector connector(settings());
    const auto result = sendAndWait(connector, textTo(chat, QStringLiteral("hi")));
    QVERIFY(result.has_value());
    QCOMPARE(result->outcome, outcome);
    QCOMPARE(result->retryAfterSec, expectedRetryAfter);
    QVERIFY2(result->reason.contains(reasonContains), qPrintable(result->reason));
    if (outcome == SendResult::Outcome::Sent)
        QCOMPARE(telegram::messageIdOf(result->externalId), qint64(m_fake->sentMessages(kToken, kChat)
                                                                       .constLast()
                                                                       .value(QLatin1String("message_id"))
                                                                       .toInteger()));
}

void TelegramConnectorTest::unreachableTelegramMeansRetryLater()
{
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const quint16 port = closed.serverPort();
    closed.close(); // nothing listens there now
    TelegramSettings s = settings();
    s.apiBaseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    TelegramConnector connector(s);
    const auto result = sendAndWait(connector, textTo(kChat, QStringLiteral("hi")));
    QVERIFY(result.has_value());
    QCOMPARE(result->outcome, SendResult::Outcome::RetryLater);
}

// ---- pacing ----

void TelegramConnectorTest::sendsToOneChatAreSpaced()
{
    TelegramSettings s = settings();
    s.perChatIntervalMs = 300;
    TelegramConnector connector(s);
    QList<SendResult> results;
    for (int i = 0; i < 3; ++i)
        connector.send(textTo(kChat, QStringLiteral("burst %1").arg(i)), this,
                       [&results](const SendResult &r) { results.append(r); });
    QCOMPARE(connector.queuedSends(), 2); // the first went at once, the others wait for their slot
    QTRY_COMPARE(results.size(), 3);
    const auto calls = m_fake->calls(QStringLiteral("sendMessage"));
    QCOMPARE(calls.size(), 3);
    for (int i = 1; i < 3; ++i) {
        QCOMPARE(calls.at(i).params.value(QLatin1String("text")).toString(),
                 QStringLiteral("burst %1").arg(i));
        QVERIFY2(calls.at(i - 1).at.msecsTo(calls.at(i).at) >= 250,
                 qPrintable(QString::number(calls.at(i - 1).at.msecsTo(calls.at(i).at))));
    }
    for (const SendResult &r : results)
        QCOMPARE(r.outcome, SendResult::Outcome::Sent);
}

void TelegramConnectorTest::sendsOfTheBotArePacedPerSecond()
{
    TelegramSettings s = settings();
    s.perBotPerSecond = 2;
    TelegramConnector connector(s);
    QList<SendResult> results;
    for (qint64 chat : {kChat, kChat + 1, kChat + 2}) {
        FakeTelegram::Customer other;
        other.id = chat;
        m_fake->addChat(kToken, other);
        connector.send(textTo(chat, QStringLiteral("hi")), this,
                       [&results](const SendResult &r) { results.append(r); });
    }
    QCOMPARE(connector.queuedSends(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(results.size(), 3, 5000);
    const auto calls = m_fake->calls(QStringLiteral("sendMessage"));
    QCOMPARE(calls.size(), 3);
    QVERIFY(calls.at(0).at.msecsTo(calls.at(2).at) >= 900);
}

void TelegramConnectorTest::pacingKeepsTheEmulatorsFloodLimit()
{
    m_fake->setFloodLimit(kToken, true);
    TelegramConnector connector(settings()); // the defaults: 1 per second per chat
    QList<SendResult> results;
    for (int i = 0; i < 3; ++i)
        connector.send(textTo(kChat, QStringLiteral("n%1").arg(i)), this,
                       [&results](const SendResult &r) { results.append(r); });
    QTRY_COMPARE_WITH_TIMEOUT(results.size(), 3, 10000);
    for (const SendResult &r : results)
        QCOMPARE(r.outcome, SendResult::Outcome::Sent);
}

// ---- media ----

void TelegramConnectorTest::mediaIsDownloaded()
{
    const QByteArray bytes("\x89PNG\r\n\x1a\n a tiny picture", 24);
    const QString fileId = m_fake->registerFile(bytes, QStringLiteral("photos"), QStringLiteral("p.png"));
    TelegramConnector connector(settings());
    const auto result = fetchAndWait(connector, fileId, 1024);
    QVERIFY(result.has_value());
    QVERIFY2(result->ok(), qPrintable(result->ok() ? QString() : result->error().message));
    QCOMPARE(result->value(), bytes);
}

void TelegramConnectorTest::mediaOverTheCapIsTooLargeWithoutDownload()
{
    const QString fileId = m_fake->registerFile(QByteArray("x"), QStringLiteral("documents"),
                                                QStringLiteral("big.bin"), 5 * 1024 * 1024);
    TelegramConnector connector(settings());
    const auto result = fetchAndWait(connector, fileId, 1024 * 1024);
    QVERIFY(result.has_value());
    QVERIFY(!result->ok());
    QCOMPARE(result->error().code, QStringLiteral("too_large"));
    QCOMPARE(result->error().details.value(QLatin1String("size")).toInteger(), 5 * 1024 * 1024);
    QCOMPARE(m_fake->calls(QStringLiteral("getFile")).size(), 1);

    // Above the Bot API's own 20 MB limit Telegram refuses getFile itself: also too_large.
    const QString huge = m_fake->registerFile(QByteArray("x"), QStringLiteral("videos"),
                                              QStringLiteral("v.mp4"), 30 * 1024 * 1024);
    const auto refused = fetchAndWait(connector, huge, 100 * 1024 * 1024);
    QVERIFY(refused.has_value());
    QCOMPARE(refused->error().code, QStringLiteral("too_large"));
}

void TelegramConnectorTest::unknownMediaIsAnError()
{
    TelegramConnector connector(settings());
    const auto result = fetchAndWait(connector, QStringLiteral("no-such-file"), 1024);
    QVERIFY(result.has_value());
    QVERIFY(!result->ok());
    QCOMPARE(result->error().code, QStringLiteral("not_found"));
}

namespace {

// A Bot API server that understates file_size in getFile and then serves a bigger body, to prove that the
// download itself is capped. Raw HTTP over QTcpServer: the emulator is too faithful to lie like this.
class LyingFileServer : public QTcpServer {
public:
    QByteArray body;
    bool announceLength = false;
    int downloads = 0;

    LyingFileServer()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = nextPendingConnection()) {
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { serve(socket); });
            }
        });
    }

private:
    void serve(QTcpSocket *socket)
    {
        QByteArray request = socket->property("buffer").toByteArray() + socket->readAll();
        socket->setProperty("buffer", request);
        const qsizetype headerEnd = request.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        const QByteArray lower = request.left(headerEnd).toLower();
        const qsizetype lengthAt = lower.indexOf("content-length:");
        const qsizetype length =
            lengthAt < 0 ? 0
                         : lower.mid(lengthAt + 15, lower.indexOf("\r\n", lengthAt) - lengthAt - 15)
                               .trimmed()
                               .toLongLong();
        if (request.size() < headerEnd + 4 + length)
            return;
        QByteArray answer;
        if (request.startsWith("POST") && request.contains("/getFile")) {
            const QByteArray json =
                R"({"ok":true,"result":{"file_id":"f","file_unique_id":"u","file_size":10,)"
                R"("file_path":"documents/file_1.bin"}})";
            answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                     QByteArray::number(json.size()) + "\r\nConnection: close\r\n\r\n" + json;
        } else {
            ++downloads;
            answer = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n";
            if (announceLength)
                answer += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
            answer += "Connection: close\r\n\r\n" + body;
        }
        socket->write(answer);
        socket->disconnectFromHost();
    }
};

} // namespace

void TelegramConnectorTest::downloadIsCutWhenTheBodyPassesTheCap_data()
{
    QTest::addColumn<bool>("announceLength");
    QTest::newRow("Content-Length above the cap") << true;
    QTest::newRow("no Content-Length, body runs past the cap") << false;
}

void TelegramConnectorTest::downloadIsCutWhenTheBodyPassesTheCap()
{
    QFETCH(bool, announceLength);
    LyingFileServer server;
    server.body = QByteArray(256 * 1024, 'z');
    server.announceLength = announceLength;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    TelegramSettings s = settings();
    s.apiBaseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort()));
    TelegramConnector connector(s);
    const auto result = fetchAndWait(connector, QStringLiteral("f"), 1000);
    QVERIFY(result.has_value());
    QVERIFY(!result->ok());
    QCOMPARE(result->error().code, QStringLiteral("too_large"));
    QCOMPARE(server.downloads, 1);
}

QTEST_GUILESS_MAIN(TelegramConnectorTest)
#include "tst_telegram_connector.moc"
