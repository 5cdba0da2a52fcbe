// A Telegram channel in webhook mode through the real server, on both storage backends: the route
// /api/v1/webhooks/<channel id> refuses a call without the channel's secret and stores nothing, and answers a
// call with it only after the message is committed; the emulator, told the route by setWebhook, delivers the
// customer's messages there.
#include "ConversationTest.h"

#include <QDateTime>

using namespace Qt::StringLiterals;
using e2e::Token;

static const QByteArray Secret = "whk-Secret_for_the_e2e_test";

class TestWebhook : public e2e::ConversationTest {
    Q_OBJECT
    std::unique_ptr<WsClient> m_admin;
    QString m_route;

    // The admin moves the polling channel to webhook mode with the route of its id as the public address.
    void switchToWebhook()
    {
        m_route = u"/api/v1/webhooks/%1"_s.arg(m_channel);
        const QString url = m_server->url(m_route).toString();
        auto changed = m_server->json(
            "PATCH", u"/api/v1/channels/%1"_s.arg(m_channel),
            {{u"settings"_s, channelSettings({{u"mode"_s, u"webhook"_s}, {u"webhook_url"_s, url}})},
             {u"credentials"_s,
              QJsonObject{{u"token"_s, Token}, {u"webhook_secret"_s, QString::fromLatin1(Secret)}}}},
            m_server->adminToken());
        QVERIFY2(changed.status == 200, changed.body.constData());
        QTRY_COMPARE_WITH_TIMEOUT(m_telegram->webhookUrl(Token), url, 10000);
        m_admin = std::make_unique<WsClient>(*m_server);
        QVERIFY(m_admin->open());
        QCOMPARE(m_admin->hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
    }

    // An Update as Telegram posts it: a text message from the customer.
    QByteArray update(int updateId, int messageId, const QString &text) const
    {
        const QJsonObject message{{u"message_id"_s, messageId},
                                  {u"from"_s, m_customer.user()},
                                  {u"chat"_s, m_customer.chat()},
                                  {u"date"_s, QDateTime::currentSecsSinceEpoch()},
                                  {u"text"_s, text}};
        return QJsonDocument(QJsonObject{{u"update_id"_s, updateId}, {u"message"_s, message}})
            .toJson(QJsonDocument::Compact);
    }

    HttpResult post(const QByteArray &body, const std::optional<QByteArray> &secret)
    {
        QList<std::pair<QByteArray, QByteArray>> headers;
        if (secret)
            headers.append({"X-Telegram-Bot-Api-Secret-Token", *secret});
        return m_server->request("POST", m_route, body, {}, headers);
    }

    // Every open dialog as a supervisor lists them.
    QJsonArray openDialogs()
    {
        return m_admin->call(u"dialogs.list"_s).value(u"result"_s).toObject().value(u"active"_s).toArray();
    }

    QStringList textsOf(qint64 dialog)
    {
        QStringList texts;
        const QJsonObject h =
            m_admin->call(u"dialog.history"_s, {{u"dialog_id"_s, dialog}, {u"limit"_s, 100}});
        for (const QJsonValue &m : h.value(u"result"_s).toObject().value(u"messages"_s).toArray())
            texts.prepend(m.toObject().value(u"content"_s).toObject().value(u"text"_s).toString());
        return texts;
    }

private Q_SLOTS:
    void initTestCase_data() { StorageTestBackend::addBackendRows(); }
    void init() { start(); }
    void cleanup()
    {
        m_admin.reset();
        stop();
    }

    void aCallWithoutTheChannelsSecretIsRefusedAndStoresNothing_data()
    {
        QTest::addColumn<bool>("withHeader");
        QTest::addColumn<QByteArray>("secret");
        QTest::newRow("missing") << false << QByteArray();
        QTest::newRow("wrong") << true << QByteArray("not-the-secret");
        QTest::newRow("a prefix of it") << true << Secret.left(Secret.size() - 1);
    }
    void aCallWithoutTheChannelsSecretIsRefusedAndStoresNothing()
    {
        QFETCH(bool, withHeader);
        QFETCH(QByteArray, secret);
        setUpChannel();
        switchToWebhook();
        const HttpResult r = post(update(900001, 1, u"let me in"_s),
                                  withHeader ? std::optional<QByteArray>(secret) : std::nullopt);
        QCOMPARE(r.status, 403);
        QVERIFY(openDialogs().isEmpty());
        QVERIFY(m_operator->waitEvent(u"dialog.offered"_s, 500).isEmpty());
    }

    void aCallWithTheSecretIsAnsweredAfterTheCommit()
    {
        setUpChannel();
        switchToWebhook();
        const QByteArray body = update(900002, 1, u"Здравствуйте, я через вебхук"_s);
        const HttpResult r = post(body, Secret);
        QCOMPARE(r.status, 200);
        // Answered only after the commit: the message is there at once, without waiting.
        const QJsonArray open = openDialogs();
        QCOMPARE(open.size(), 1);
        const qint64 dialog = open.at(0).toObject().value(u"id"_s).toInteger();
        QCOMPARE(textsOf(dialog), QStringList{u"Здравствуйте, я через вебхук"_s});
        QCOMPARE(acceptNextOffer(), dialog);

        // Telegram's retry of the same update: acknowledged, stored once.
        QCOMPARE(post(body, Secret).status, 200);
        QCOMPARE(textsOf(dialog), QStringList{u"Здравствуйте, я через вебхук"_s});
        // A body that is not an Update is refused, also with the secret.
        QCOMPARE(post("not json", Secret).status, 400);
    }

    void theEmulatorDeliversTheCustomersMessagesToTheRoute()
    {
        setUpChannel();
        switchToWebhook();
        QSignalSpy delivered(m_telegram.get(), &FakeTelegram::webhookDelivered);
        m_telegram->injectText(Token, m_customer, u"через Telegram"_s);
        QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 1, 10000);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        QCOMPARE(textsOf(dialog), QStringList{u"через Telegram"_s});
        const FakeTelegram::Call setWebhook = m_telegram->calls(u"setWebhook"_s).last();
        QCOMPARE(setWebhook.params.value(u"secret_token"_s).toString(), QString::fromLatin1(Secret));
    }
};

QTEST_GUILESS_MAIN(TestWebhook)
#include "tst_webhook.moc"
