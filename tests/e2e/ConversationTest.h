#pragma once

// What every end-to-end conversation test starts from: era-server in this process on a fresh database of the
// backend row, the Telegram Bot API emulator with one bot and one customer, and helpers for the admin's setup
// (a queue with two operators, a Telegram channel pointing at the emulator) and the operator's side.
#include "StorageTestBackend.h"
#include "TestServer.h"
#include "telegram/FakeTelegram.h"

#include <QBuffer>
#include <QImage>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

namespace e2e {

using namespace Qt::StringLiterals;

inline const QString Token = u"123456789:AAHfakeTokenForTheEmulator_xyz"_s;

inline QString errorCode(const QJsonObject &reply)
{
    return reply.value(u"error"_s).toObject().value(u"code"_s).toString();
}

inline QByteArray pngBytes()
{
    QImage image(64, 48, QImage::Format_RGB32);
    image.fill(Qt::darkCyan);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

// The base of the test classes (which add Q_OBJECT and the test slots); call start() from init() and stop()
// from cleanup().
class ConversationTest : public QObject {
protected:
    StorageTestBackend m_db;
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<FakeTelegram> m_telegram;
    std::unique_ptr<WsClient> m_operator;
    QString m_operatorToken; // the first operator's (m_operator's) token, for REST
    QString m_secondToken;   // a second member of the queue, not connected unless a test connects it
    QList<qint64> m_operatorIds;
    qint64 m_queue = 0;
    qint64 m_channel = 0;
    FakeTelegram::Customer m_customer;

    void start(const QStringList &serverArgs = {})
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
        QVERIFY2(m_server->start(m_db.url(), false, serverArgs), qPrintable(m_server->error()));
    }

    void stop()
    {
        m_operatorIds.clear();
        m_operator.reset();
        m_server.reset();
        m_telegram.reset();
        m_db.cleanup();
    }

    // Admin sets up a queue with two operators (the first one connected and online), and the Telegram channel
    // pointing at the emulator, polling it, with that queue as its default queue unless told otherwise.
    void setUpChannel(const QJsonObject &extraSettings = {}, int offerTimeoutSec = 30,
                      bool defaultQueue = true)
    {
        WsClient admin(*m_server);
        QVERIFY(admin.open());
        QCOMPARE(admin.hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
        auto queue = admin.call(u"queues.create"_s,
                                {{u"name"_s, u"Support"_s}, {u"offer_timeout_sec"_s, offerTimeoutSec}});
        QVERIFY2(queue.value(u"ok"_s).toBool(), QJsonDocument(queue).toJson().constData());
        m_queue = queue.value(u"result"_s).toObject().value(u"queue"_s).toObject().value(u"id"_s).toInteger();

        m_operatorToken = m_server->createUserAndLogin(u"olga"_s);
        m_secondToken = m_server->createUserAndLogin(u"petr"_s);
        QJsonArray members;
        for (const QString &token : {m_operatorToken, m_secondToken}) {
            auto me = m_server->request("GET", u"/api/v1/me"_s, {}, token);
            m_operatorIds.append(me.json.value(u"user"_s).toObject().value(u"id"_s).toInteger());
            members.append(QJsonObject{{u"user_id"_s, m_operatorIds.last()}, {u"skill"_s, 5}});
        }
        auto set = admin.call(u"queues.set_members"_s, {{u"queue_id"_s, m_queue}, {u"members"_s, members}});
        QVERIFY2(set.value(u"ok"_s).toBool(), QJsonDocument(set).toJson().constData());

        QSignalSpy polling(m_telegram.get(), &FakeTelegram::longPollStarted);
        QJsonObject spec{{u"kind"_s, u"telegram"_s},
                         {u"name"_s, u"Support bot"_s},
                         {u"settings"_s, channelSettings(extraSettings)},
                         {u"credentials"_s, QJsonObject{{u"token"_s, Token}}}};
        if (defaultQueue)
            spec.insert(u"default_queue_id"_s, m_queue);
        auto channel = m_server->json("POST", u"/api/v1/channels"_s, spec, m_server->adminToken());
        QVERIFY2(channel.status == 201, channel.body.constData());
        const QJsonObject c = channel.json.value(u"channel"_s).toObject();
        QCOMPARE(c.value(u"has_credentials"_s).toBool(), true);
        QVERIFY(!channel.body.contains(Token.toUtf8())); // write-only
        m_channel = c.value(u"id"_s).toInteger();

        m_operator = std::make_unique<WsClient>(*m_server);
        QVERIFY(m_operator->open());
        QCOMPARE(m_operator->hello(m_operatorToken).value(u"ok"_s).toBool(), true);
        QCOMPARE(m_operator->call(u"presence.set"_s, {{u"presence"_s, u"online"_s}}).value(u"ok"_s).toBool(),
                 true);
        // The connector is polling the emulator.
        QTRY_VERIFY_WITH_TIMEOUT(polling.count() > 0, 10000);
    }

    // The channel settings pointing at the emulator, with `extra` over them.
    QJsonObject channelSettings(const QJsonObject &extra = {}) const
    {
        QJsonObject settings{{u"api_base_url"_s, m_telegram->baseUrl().toString()},
                             {u"mode"_s, u"polling"_s}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            settings.insert(it.key(), it.value());
        return settings;
    }

    std::unique_ptr<WsClient> connectSecondOperator()
    {
        auto c = std::make_unique<WsClient>(*m_server);
        if (!c->open() || !c->hello(m_secondToken).value(u"ok"_s).toBool() ||
            !c->call(u"presence.set"_s, {{u"presence"_s, u"online"_s}}).value(u"ok"_s).toBool())
            return nullptr;
        return c;
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

    // The dialog's messages as dialog.history pages them: newest first.
    QJsonArray history(qint64 dialog)
    {
        auto h = m_operator->call(u"dialog.history"_s, {{u"dialog_id"_s, dialog}, {u"limit"_s, 100}});
        return h.value(u"result"_s).toObject().value(u"messages"_s).toArray();
    }

    // The same, oldest first, as the contents.
    QList<QJsonObject> contents(qint64 dialog)
    {
        QList<QJsonObject> out;
        for (const QJsonValue &m : history(dialog))
            out.prepend(m.toObject().value(u"content"_s).toObject());
        return out;
    }

    // The bytes of a file in the store as an admin downloads them.
    QByteArray download(const QString &fileId)
    {
        auto r = m_server->request("GET", u"/api/v1/files/"_s + fileId, {}, m_server->adminToken());
        return r.status == 200 ? r.body : QByteArray("HTTP ") + QByteArray::number(r.status);
    }

    // A signed-in WebSocket client of this user (nullptr when it cannot connect or say hello).
    std::unique_ptr<WsClient> signIn(const QString &token)
    {
        auto c = std::make_unique<WsClient>(*m_server);
        if (!c->open() || !c->hello(token).value(u"ok"_s).toBool())
            return nullptr;
        return c;
    }
};

} // namespace e2e
