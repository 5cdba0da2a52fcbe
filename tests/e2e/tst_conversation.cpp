// The whole path of a conversation against the Telegram Bot API emulator over real HTTP, on both storage
// backends: a customer writes, the operator is offered the dialog, accepts, reads the history with its media,
// answers with text, a reply, a reaction and a photo, the emulator receives the right Bot API calls, Finish,
// and the next customer message opens a new dialog.
#include "StorageTestBackend.h"
#include "TestServer.h"
#include "telegram/FakeTelegram.h"

#include <QBuffer>
#include <QImage>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

static const QString Token = u"123456789:AAHfakeTokenForTheEmulator_xyz"_s;

static QString errorCode(const QJsonObject &reply)
{
    return reply.value(u"error"_s).toObject().value(u"code"_s).toString();
}

static QByteArray pngBytes()
{
    QImage image(64, 48, QImage::Format_RGB32);
    image.fill(Qt::darkCyan);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

class TestConversation : public QObject {
    Q_OBJECT
    StorageTestBackend m_db;
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<FakeTelegram> m_telegram;
    std::unique_ptr<WsClient> m_operator;
    QString m_secondToken; // a second member of the queue, not connected unless a test connects it
    QList<qint64> m_operatorIds;
    qint64 m_queue = 0;
    qint64 m_channel = 0;
    FakeTelegram::Customer m_customer;

    // Admin sets up a queue with one operator, and the Telegram channel pointing at the emulator.
    void setUpChannel(const QJsonObject &extraSettings = {}, int offerTimeoutSec = 30)
    {
        WsClient admin(*m_server);
        QVERIFY(admin.open());
        QCOMPARE(admin.hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
        auto queue = admin.call(u"queues.create"_s,
                                {{u"name"_s, u"Support"_s}, {u"offer_timeout_sec"_s, offerTimeoutSec}});
        QVERIFY2(queue.value(u"ok"_s).toBool(), QJsonDocument(queue).toJson().constData());
        m_queue = queue.value(u"result"_s).toObject().value(u"queue"_s).toObject().value(u"id"_s).toInteger();

        const QString opToken = m_server->createUserAndLogin(u"olga"_s);
        m_secondToken = m_server->createUserAndLogin(u"petr"_s);
        QJsonArray members;
        for (const QString &token : {opToken, m_secondToken}) {
            auto me = m_server->request("GET", u"/api/v1/me"_s, {}, token);
            m_operatorIds.append(me.json.value(u"user"_s).toObject().value(u"id"_s).toInteger());
            members.append(QJsonObject{{u"user_id"_s, m_operatorIds.last()}, {u"skill"_s, 5}});
        }
        auto set = admin.call(u"queues.set_members"_s, {{u"queue_id"_s, m_queue}, {u"members"_s, members}});
        QVERIFY2(set.value(u"ok"_s).toBool(), QJsonDocument(set).toJson().constData());

        QSignalSpy polling(m_telegram.get(), &FakeTelegram::longPollStarted);
        QJsonObject settings{{u"api_base_url"_s, m_telegram->baseUrl().toString()},
                             {u"mode"_s, u"polling"_s}};
        for (auto it = extraSettings.begin(); it != extraSettings.end(); ++it)
            settings.insert(it.key(), it.value());
        auto channel = m_server->json("POST", u"/api/v1/channels"_s,
                                      {{u"kind"_s, u"telegram"_s},
                                       {u"name"_s, u"Support bot"_s},
                                       {u"default_queue_id"_s, m_queue},
                                       {u"settings"_s, settings},
                                       {u"credentials"_s, QJsonObject{{u"token"_s, Token}}}},
                                      m_server->adminToken());
        QVERIFY2(channel.status == 201, channel.body.constData());
        const QJsonObject c = channel.json.value(u"channel"_s).toObject();
        QCOMPARE(c.value(u"has_credentials"_s).toBool(), true);
        QVERIFY(!channel.body.contains(Token.toUtf8())); // write-only
        m_channel = c.value(u"id"_s).toInteger();

        m_operator = std::make_unique<WsClient>(*m_server);
        QVERIFY(m_operator->open());
        QCOMPARE(m_operator->hello(opToken).value(u"ok"_s).toBool(), true);
        QCOMPARE(m_operator->call(u"presence.set"_s, {{u"presence"_s, u"online"_s}}).value(u"ok"_s).toBool(),
                 true);
        // The connector is polling the emulator.
        QTRY_VERIFY_WITH_TIMEOUT(polling.count() > 0, 10000);
    }

    std::unique_ptr<WsClient> connectSecondOperator()
    {
        auto c = std::make_unique<WsClient>(*m_server);
        if (!c->open() || !c->hello(m_secondToken).value(u"ok"_s).toBool() ||
            !c->call(u"presence.set"_s, {{u"presence"_s, u"online"_s}}).value(u"ok"_s).toBool())
            return nullptr;
        return c;
    }

    // The sorted waiting positions of these dialogs, as dialog.open tells a supervisor.
    static QList<int> queuePositions(WsClient &client, const QJsonArray &dialogs)
    {
        QList<int> positions;
        for (const QJsonValue &d : dialogs) {
            const QJsonObject opened =
                client.call(u"dialog.open"_s, {{u"dialog_id"_s, d.toObject().value(u"id"_s)}});
            positions.append(opened.value(u"result"_s)
                                 .toObject()
                                 .value(u"dialog"_s)
                                 .toObject()
                                 .value(u"queue_position"_s)
                                 .toInt());
        }
        std::sort(positions.begin(), positions.end());
        return positions;
    }

    static qint64 offeredDialog(const QJsonObject &event)
    {
        return event.value(u"data"_s).toObject().value(u"dialog_id"_s).toInteger();
    }

    // Waits for the offer of a new dialog and accepts it; returns its id.
    qint64 acceptNextOffer()
    {
        const QJsonObject offer = m_operator->waitEvent(u"dialog.offered"_s, 15000);
        const qint64 dialog = offer.value(u"data"_s).toObject().value(u"dialog_id"_s).toInteger();
        if (dialog <= 0)
            return 0;
        auto accepted = m_operator->call(u"dialog.accept"_s, {{u"dialog_id"_s, dialog}});
        return accepted.value(u"ok"_s).toBool() ? dialog : 0;
    }

    QJsonArray history(qint64 dialog)
    {
        auto h = m_operator->call(u"dialog.history"_s, {{u"dialog_id"_s, dialog}, {u"limit"_s, 100}});
        return h.value(u"result"_s).toObject().value(u"messages"_s).toArray();
    }

private Q_SLOTS:
    void initTestCase_data() { StorageTestBackend::addBackendRows(); }
    void init()
    {
        m_db.prepare();
        m_telegram = std::make_unique<FakeTelegram>();
        QVERIFY(m_telegram->listen());
        m_telegram->addBot(Token, u"era_support_bot"_s);
        m_customer.id = 555000111;
        m_customer.firstName = u"Мария"_s;
        m_customer.lastName = u"Иванова"_s;
        m_customer.username = u"maria_i"_s;
        m_customer.languageCode = u"ru"_s;
        m_telegram->addChat(Token, m_customer);
        m_server = std::make_unique<TestServer>();
        QVERIFY2(m_server->start(m_db.url(), false), qPrintable(m_server->error()));
    }
    void cleanup()
    {
        m_operatorIds.clear();
        m_operator.reset();
        m_server.reset();
        m_telegram.reset();
        m_db.cleanup();
    }

    void aCustomerMessageReachesTheOperatorAndTheRepliesGoBack()
    {
        setUpChannel();
        m_telegram->injectText(Token, m_customer, u"Здравствуйте! Где мой заказ?"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);

        // The whole history, with the subscriber created from the Telegram profile.
        QJsonArray messages = history(dialog);
        QCOMPARE(messages.size(), 1);
        const QJsonObject first = messages.at(0).toObject();
        QCOMPARE(first.value(u"content"_s).toObject().value(u"text"_s).toString(),
                 u"Здравствуйте! Где мой заказ?"_s);
        auto opened = m_operator->call(u"dialog.open"_s, {{u"dialog_id"_s, dialog}});
        QCOMPARE(opened.value(u"result"_s)
                     .toObject()
                     .value(u"subscriber"_s)
                     .toObject()
                     .value(u"name"_s)
                     .toString(),
                 u"Мария Иванова"_s);

        // Text.
        auto sent = m_operator->call(
            u"message.send"_s,
            {{u"dialog_id"_s, dialog},
             {u"client_id"_s, u"c-1"_s},
             {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"Сейчас проверю"_s}}}});
        QVERIFY2(sent.value(u"ok"_s).toBool(), QJsonDocument(sent).toJson().constData());
        QTRY_COMPARE_WITH_TIMEOUT(m_telegram->calls(u"sendMessage"_s).size(), 1, 10000);
        const auto call = m_telegram->calls(u"sendMessage"_s).first();
        QCOMPARE(call.params.value(u"text"_s).toString(), u"Сейчас проверю"_s);
        QCOMPARE(call.params.value(u"chat_id"_s).toVariant().toLongLong(), m_customer.id);
        const QJsonObject status = m_operator->waitEvent(u"message.status"_s);
        QCOMPARE(status.value(u"data"_s).toObject().value(u"status"_s).toString(), u"sent"_s);

        // A reply to the customer's message, and a reaction on it.
        const qint64 customerMessage = first.value(u"id"_s).toInteger();
        QVERIFY(m_operator
                    ->call(u"message.send"_s,
                           {{u"dialog_id"_s, dialog},
                            {u"client_id"_s, u"c-2"_s},
                            {u"reply_to"_s, customerMessage},
                            {u"content"_s,
                             QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"Ваш заказ в пути"_s}}}})
                    .value(u"ok"_s)
                    .toBool());
        QTRY_COMPARE_WITH_TIMEOUT(m_telegram->calls(u"sendMessage"_s).size(), 2, 10000);
        const QJsonObject replyParams =
            m_telegram->calls(u"sendMessage"_s).last().params.value(u"reply_parameters"_s).toObject();
        QVERIFY(replyParams.value(u"message_id"_s).toInt() > 0);
        QVERIFY(m_operator
                    ->call(u"message.react"_s,
                           {{u"message_id"_s, customerMessage}, {u"emojis"_s, QJsonArray{u"👍"_s}}})
                    .value(u"ok"_s)
                    .toBool());
        QTRY_COMPARE_WITH_TIMEOUT(m_telegram->calls(u"setMessageReaction"_s).size(), 1, 10000);

        // A photo: uploaded to the file store, then sent as a multipart sendPhoto.
        const QByteArray png = pngBytes();
        auto upload = m_server->request("POST", u"/api/v1/files"_s, png, m_server->adminToken(),
                                        {{"X-File-Name", "map.png"}});
        QCOMPARE(upload.status, 201);
        const QString fileId = upload.json.value(u"id"_s).toString();
        auto photo = m_operator->call(
            u"message.send"_s,
            {{u"dialog_id"_s, dialog},
             {u"client_id"_s, u"c-3"_s},
             {u"content"_s, QJsonObject{{u"kind"_s, u"image"_s},
                                        {u"file"_s, QJsonObject{{u"id"_s, fileId}, {u"state"_s, u"ready"_s}}},
                                        {u"caption"_s, u"Схема проезда"_s}}}});
        QVERIFY2(photo.value(u"ok"_s).toBool(), QJsonDocument(photo).toJson().constData());
        QTRY_COMPARE_WITH_TIMEOUT(m_telegram->calls(u"sendPhoto"_s).size(), 1, 10000);
        const auto photoCall = m_telegram->calls(u"sendPhoto"_s).first();
        QCOMPARE(photoCall.uploads.size(), 1);
        QCOMPARE(photoCall.uploads.first().bytes, png);

        // The same client id again is acknowledged and not sent twice.
        auto again = m_operator->call(
            u"message.send"_s,
            {{u"dialog_id"_s, dialog},
             {u"client_id"_s, u"c-1"_s},
             {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"Сейчас проверю"_s}}}});
        QCOMPARE(again.value(u"result"_s).toObject().value(u"duplicate"_s).toBool(), true);

        // Finish; the customer's next message opens a new dialog.
        QVERIFY(m_operator->call(u"dialog.finish"_s, {{u"dialog_id"_s, dialog}}).value(u"ok"_s).toBool());
        m_telegram->injectText(Token, m_customer, u"Спасибо!"_s);
        const qint64 next = acceptNextOffer();
        QVERIFY(next > 0);
        QVERIFY(next != dialog);
        QCOMPARE(m_telegram->calls(u"sendMessage"_s).size(), 2);
        QCOMPARE(errorCode(m_operator->call(
                     u"message.send"_s,
                     {{u"dialog_id"_s, dialog},
                      {u"client_id"_s, u"c-9"_s},
                      {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"?"_s}}}})),
                 u"dialog_closed"_s);
    }

    void everyContentTypeArrivesWithItsMedia()
    {
        setUpChannel();
        const QByteArray png = pngBytes();
        m_telegram->injectText(Token, m_customer, u"👍"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        FakeTelegram::Media photo;
        photo.bytes = png;
        photo.fileName = u"photo.png"_s;
        photo.mimeType = u"image/png"_s;
        photo.caption = u"Вот"_s;
        m_telegram->injectPhoto(Token, m_customer, photo);
        FakeTelegram::Media pdf;
        pdf.bytes = QByteArray("%PDF-1.4\n%fake\n");
        pdf.fileName = u"invoice.pdf"_s;
        pdf.mimeType = u"application/pdf"_s;
        m_telegram->injectDocument(Token, m_customer, pdf);
        m_telegram->injectLocation(Token, m_customer, 59.9386, 30.3141);
        m_telegram->injectContact(Token, m_customer, u"+79001234567"_s, u"Пётр"_s);
        FakeTelegram::Media voice;
        voice.bytes = QByteArray(2048, 'v');
        voice.mimeType = u"audio/ogg"_s;
        voice.duration = 3;
        m_telegram->injectVoice(Token, m_customer, voice);
        QJsonArray messages;
        QTRY_VERIFY_WITH_TIMEOUT((messages = history(dialog)).size() == 6, 15000);
        QStringList kinds;
        for (const QJsonValue &v : messages)
            kinds.prepend(v.toObject().value(u"content"_s).toObject().value(u"kind"_s).toString());
        QCOMPARE(kinds, (QStringList{u"text"_s, u"image"_s, u"document"_s, u"location"_s, u"contact"_s,
                                     u"voice"_s}));
        const QJsonObject emoji = messages.last().toObject().value(u"content"_s).toObject();
        QCOMPARE(emoji.value(u"emoji_only"_s).toBool(), true);
        // Media are fetched into the file store and the operator can download the bytes.
        QString imageFileId;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const QJsonValue &v : history(dialog)) {
                    const QJsonObject c = v.toObject().value(u"content"_s).toObject();
                    if (c.value(u"kind"_s) == u"image"_s &&
                        c.value(u"file"_s).toObject().value(u"state"_s) == u"ready"_s)
                        imageFileId = c.value(u"file"_s).toObject().value(u"id"_s).toString();
                }
                return !imageFileId.isEmpty();
            }(),
            15000);
        auto download =
            m_server->request("GET", u"/api/v1/files/"_s + imageFileId, {}, m_server->adminToken());
        QCOMPARE(download.status, 200);
        QCOMPARE(download.body, png);
    }

    void theSameUpdateDeliveredTwiceIsStoredOnce()
    {
        setUpChannel();
        const QJsonObject update = m_telegram->injectText(Token, m_customer, u"once"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        // The provider retries the very same message (same message_id) in a new update.
        QJsonObject retry = update;
        retry.remove(u"update_id"_s);
        m_telegram->injectUpdate(Token, retry);
        m_telegram->injectText(Token, m_customer, u"twice?"_s);
        QTRY_VERIFY_WITH_TIMEOUT(history(dialog).size() == 2, 10000);
        QCOMPARE(history(dialog).size(), 2);
    }

    void operatorsCannotTouchDialogsThatAreNotTheirs()
    {
        setUpChannel();
        m_telegram->injectText(Token, m_customer, u"hello"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        const QString otherToken = m_server->createUserAndLogin(u"stranger"_s);
        WsClient other(*m_server);
        QVERIFY(other.open());
        QCOMPARE(other.hello(otherToken).value(u"ok"_s).toBool(), true);
        QCOMPARE(errorCode(other.call(u"dialog.history"_s, {{u"dialog_id"_s, dialog}})), u"forbidden"_s);
        QCOMPARE(errorCode(other.call(u"dialog.open"_s, {{u"dialog_id"_s, dialog}})), u"forbidden"_s);
        QCOMPARE(errorCode(other.call(u"dialog.accept"_s, {{u"dialog_id"_s, dialog}})), u"not_offered"_s);
        QCOMPARE(errorCode(other.call(u"dialog.finish"_s, {{u"dialog_id"_s, dialog}})), u"forbidden"_s);
        QCOMPARE(
            errorCode(other.call(u"dialog.transfer"_s, {{u"dialog_id"_s, dialog}, {u"queue_id"_s, m_queue}})),
            u"forbidden"_s);
        QCOMPARE(errorCode(
                     other.call(u"message.send"_s,
                                {{u"dialog_id"_s, dialog},
                                 {u"client_id"_s, u"x"_s},
                                 {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"hi"_s}}}})),
                 u"forbidden"_s);
        const qint64 customerMessage = history(dialog).at(0).toObject().value(u"id"_s).toInteger();
        QCOMPARE(errorCode(other.call(u"message.react"_s, {{u"message_id"_s, customerMessage},
                                                           {u"emojis"_s, QJsonArray{u"👎"_s}}})),
                 u"forbidden"_s);
        QCOMPARE(errorCode(other.call(u"channels.list"_s)), u"forbidden"_s);
        QCOMPARE(errorCode(other.call(u"queues.stats"_s)), u"forbidden"_s);
        QCOMPARE(m_telegram->calls(u"sendMessage"_s).size(), 0);
    }

    void theOutboxWaitsOutRateLimitsAndServerErrorsAndDeliversOnce()
    {
        setUpChannel();
        m_telegram->injectText(Token, m_customer, u"hi"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        m_telegram->failNext(u"sendMessage"_s, 1, 429, u"Too Many Requests: retry after 1"_s, 1);
        m_telegram->failNext(u"sendMessage"_s, 1, 500, u"Internal Server Error"_s);
        QVERIFY(m_operator
                    ->call(u"message.send"_s,
                           {{u"dialog_id"_s, dialog},
                            {u"client_id"_s, u"r-1"_s},
                            {u"content"_s,
                             QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"after the storm"_s}}}})
                    .value(u"ok"_s)
                    .toBool());
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                int delivered = 0;
                for (const auto &c : m_telegram->calls(u"sendMessage"_s))
                    delivered += c.httpStatus == 200 ? 1 : 0;
                return delivered == 1;
            }(),
            20000);
        QCOMPARE(m_telegram->sentMessages(Token, m_customer.id).size(), 1);
    }

    void aBlockedBotFailsTheMessageWithTheReason()
    {
        setUpChannel();
        m_telegram->injectText(Token, m_customer, u"bye"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        m_telegram->blockChat(m_customer.id, true);
        QVERIFY(m_operator
                    ->call(u"message.send"_s, {{u"dialog_id"_s, dialog},
                                               {u"client_id"_s, u"b-1"_s},
                                               {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s},
                                                                          {u"text"_s, u"are you there?"_s}}}})
                    .value(u"ok"_s)
                    .toBool());
        const QJsonObject status = m_operator->waitEvent(u"message.status"_s, 15000);
        QCOMPARE(status.value(u"data"_s).toObject().value(u"status"_s).toString(), u"failed"_s);
        QVERIFY(status.value(u"data"_s).toObject().value(u"reason"_s).toString().contains(u"blocked"_s));
    }

    void anOfferNotAcceptedInTimeGoesToTheNextOperator()
    {
        setUpChannel({}, 5);
        auto second = connectSecondOperator();
        QVERIFY(second);
        m_telegram->injectText(Token, m_customer, u"anyone?"_s);
        // Olga went online first, so she has waited longest and gets the offer.
        const qint64 dialog = offeredDialog(m_operator->waitEvent(u"dialog.offered"_s));
        QVERIFY(dialog > 0);
        const QJsonObject withdrawn = m_operator->waitEvent(u"dialog.offer_withdrawn"_s, 10000);
        QCOMPARE(withdrawn.value(u"data"_s).toObject().value(u"reason"_s).toString(), u"expired"_s);
        QCOMPARE(offeredDialog(second->waitEvent(u"dialog.offered"_s, 10000)), dialog);
        QCOMPARE(errorCode(m_operator->call(u"dialog.accept"_s, {{u"dialog_id"_s, dialog}})),
                 u"not_offered"_s);
        QVERIFY(second->call(u"dialog.accept"_s, {{u"dialog_id"_s, dialog}}).value(u"ok"_s).toBool());
    }

    void aDeclinedOfferGoesToTheNextOperatorAtOnce()
    {
        setUpChannel();
        auto second = connectSecondOperator();
        QVERIFY(second);
        m_telegram->injectText(Token, m_customer, u"hello"_s);
        const qint64 dialog = offeredDialog(m_operator->waitEvent(u"dialog.offered"_s));
        QVERIFY(m_operator->call(u"dialog.decline"_s, {{u"dialog_id"_s, dialog}}).value(u"ok"_s).toBool());
        QCOMPARE(offeredDialog(second->waitEvent(u"dialog.offered"_s, 5000)), dialog);
    }

    void offersReturnAtOnceAndActiveDialogsAfterTheGraceWhenAnOperatorDisconnects()
    {
        QVERIFY(m_server->restart({u"--queues.disconnect_grace=1"_s}));
        setUpChannel();
        m_telegram->injectText(Token, m_customer, u"first"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        auto second = connectSecondOperator();
        QVERIFY(second);
        m_operator->socket.close();
        QVERIFY(m_operator->waitClosed());
        // After the grace period the dialog goes back to the queue and to the operator still connected.
        QCOMPARE(offeredDialog(second->waitEvent(u"dialog.offered"_s, 10000)), dialog);
        QVERIFY(second->call(u"dialog.accept"_s, {{u"dialog_id"_s, dialog}}).value(u"ok"_s).toBool());
    }

    void capacityLimitsHowManyDialogsAnOperatorIsOffered()
    {
        setUpChannel();
        WsClient admin(*m_server);
        QVERIFY(admin.open());
        QCOMPARE(admin.hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
        QVERIFY(
            admin.call(u"operators.set_capacity"_s, {{u"user_id"_s, m_operatorIds.at(0)}, {u"capacity"_s, 1}})
                .value(u"ok"_s)
                .toBool());
        m_telegram->injectText(Token, m_customer, u"one"_s);
        QVERIFY(acceptNextOffer() > 0);
        FakeTelegram::Customer other;
        other.id = 555000222;
        other.firstName = u"Anna"_s;
        m_telegram->addChat(Token, other);
        m_telegram->injectText(Token, other, u"two"_s);
        auto second = connectSecondOperator();
        QVERIFY(second);
        QVERIFY(offeredDialog(second->waitEvent(u"dialog.offered"_s, 10000)) > 0);
        QVERIFY(m_operator->waitEvent(u"dialog.offered"_s, 1000).isEmpty()); // Olga is full
    }

    void aDialogIsTransferredToAQueueAndToAnOperator()
    {
        setUpChannel();
        auto second = connectSecondOperator();
        QVERIFY(second);
        m_telegram->injectText(Token, m_customer, u"help"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        // To Petr directly: he is assigned at once and can write.
        auto moved = m_operator->call(u"dialog.transfer"_s,
                                      {{u"dialog_id"_s, dialog}, {u"operator_id"_s, m_operatorIds.at(1)}});
        QVERIFY2(moved.value(u"ok"_s).toBool(), QJsonDocument(moved).toJson().constData());
        QVERIFY(!second->waitEvent(u"dialog.transferred"_s).isEmpty());
        QCOMPARE(errorCode(m_operator->call(u"dialog.history"_s, {{u"dialog_id"_s, dialog}})),
                 u"forbidden"_s);
        QVERIFY(second
                    ->call(u"message.send"_s,
                           {{u"dialog_id"_s, dialog},
                            {u"client_id"_s, u"t-1"_s},
                            {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"Petr here"_s}}}})
                    .value(u"ok"_s)
                    .toBool());
        // Back to the queue: it waits and is offered again (to Olga, the only one with room who has not had
        // it).
        QVERIFY(second->call(u"dialog.transfer"_s, {{u"dialog_id"_s, dialog}, {u"queue_id"_s, m_queue}})
                    .value(u"ok"_s)
                    .toBool());
        QCOMPARE(offeredDialog(m_operator->waitEvent(u"dialog.offered"_s, 10000)), dialog);
    }

    void waitingCustomersKnowTheirPlaceInTheQueue()
    {
        setUpChannel();
        QVERIFY(m_operator->call(u"presence.set"_s, {{u"presence"_s, u"away"_s}}).value(u"ok"_s).toBool());
        FakeTelegram::Customer other;
        other.id = 555000333;
        other.firstName = u"Ivan"_s;
        m_telegram->addChat(Token, other);
        m_telegram->injectText(Token, m_customer, u"first in line"_s);
        m_telegram->injectText(Token, other, u"second in line"_s);
        WsClient admin(*m_server);
        QVERIFY(admin.open());
        QCOMPARE(admin.hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
        QJsonArray open;
        QTRY_VERIFY_WITH_TIMEOUT(
            (open = admin.call(u"dialogs.list"_s).value(u"result"_s).toObject().value(u"active"_s).toArray())
                    .size() == 2,
            10000);
        QTRY_COMPARE_WITH_TIMEOUT(queuePositions(admin, open), QList<int>({1, 2}), 10000);
    }

    void supervisorsSeeLiveQueueFigures()
    {
        setUpChannel();
        WsClient admin(*m_server);
        QVERIFY(admin.open());
        QCOMPARE(admin.hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
        m_telegram->injectText(Token, m_customer, u"waiting"_s);
        QVERIFY(!m_operator->waitEvent(u"dialog.offered"_s, 15000).isEmpty());
        const QJsonObject stats = admin.waitEvent(u"queue.stats"_s, 10000);
        const QJsonObject queue =
            stats.value(u"data"_s).toObject().value(u"queues"_s).toArray().at(0).toObject();
        QCOMPARE(queue.value(u"waiting"_s).toInt(), 1);
        QCOMPARE(queue.value(u"operators"_s).toObject().value(u"online"_s).toInt(), 1);
    }
};

QTEST_GUILESS_MAIN(TestConversation)
#include "tst_conversation.moc"
