#pragma once

// What the desk's tests share: a private settings folder per test, a notification sink that records what it
// was asked to show, and the server side of a conversation (era-server in this process on SQLite, the
// Telegram Bot API emulator, a queue with an operator whose password we know, a Telegram channel).
#include "TestServer.h"
#include "notify/Notifier.h"
#include "telegram/FakeTelegram.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace desktest {

using namespace Qt::StringLiterals;

inline const QString BotToken = u"123456789:AAHfakeTokenForTheDeskTests_xyz"_s;

// Points the desk's settings, cache and downloads at a fresh folder.
class DeskFolders {
public:
    DeskFolders()
    {
        qputenv("ERA_DESK_CONFIG_DIR", m_dir.filePath(u"config"_s).toUtf8());
        qputenv("ERA_DESK_CACHE_DIR", m_dir.filePath(u"cache"_s).toUtf8());
        qputenv("ERA_DESK_DOWNLOAD_DIR", m_dir.filePath(u"downloads"_s).toUtf8());
    }
    QString path(const QString &name) const { return m_dir.filePath(name); }

private:
    QTemporaryDir m_dir;
};

class RecordingSink : public era::desk::NotificationSink {
public:
    using NotificationSink::NotificationSink;
    void show(const era::desk::Notice &notice) override { shown.append(notice); }
    void withdraw(era::desk::Notice::Kind kind, qint64 dialogId) override
    {
        withdrawn.append({int(kind), dialogId});
    }
    void click(qint64 dialogId) { Q_EMIT activated(dialogId); }
    QList<era::desk::Notice> shown;
    QList<std::pair<int, qint64>> withdrawn;
};

// era-server with one queue, operators `olga` and `petr` (members), a supervisor `svetlana`, and a Telegram
// channel polling the emulator.
class ServerSide {
public:
    static QString password(const QString &login) { return u"pw-"_s + login + u"-123"_s; }

    bool start(const QStringList &serverArgs = {})
    {
        telegram = std::make_unique<FakeTelegram>();
        if (!telegram->listen())
            return false;
        telegram->addBot(BotToken, u"era_support_bot"_s);
        customer.id = 555000111;
        customer.firstName = u"Мария"_s;
        customer.lastName = u"Иванова"_s;
        customer.username = u"maria_i"_s;
        customer.languageCode = u"ru"_s;
        telegram->addChat(BotToken, customer);
        server = std::make_unique<TestServer>();
        if (!server->start(u"sqlite:"_s + m_db.filePath(u"era.db"_s), false, serverArgs)) {
            qWarning("server: %s", qPrintable(server->error()));
            return false;
        }
        return setUp();
    }

    QUrl url() const { return server->url(QString()); }

    bool setUp()
    {
        WsClient admin(*server);
        if (!admin.open() || !admin.hello(server->adminToken()).value(u"ok"_s).toBool())
            return false;
        const auto queue =
            admin.call(u"queues.create"_s, {{u"name"_s, u"Support"_s}, {u"offer_timeout_sec"_s, 60}});
        queueId = queue.value(u"result"_s).toObject().value(u"queue"_s).toObject().value(u"id"_s).toInteger();
        second = admin.call(u"queues.create"_s, {{u"name"_s, u"Returns"_s}})
                     .value(u"result"_s)
                     .toObject()
                     .value(u"queue"_s)
                     .toObject()
                     .value(u"id"_s)
                     .toInteger();
        QJsonArray members;
        for (const QString &login : {u"olga"_s, u"petr"_s}) {
            const qint64 id = createUser(login, u"operator"_s);
            if (id <= 0)
                return false;
            operatorIds.append(id);
            members.append(QJsonObject{{u"user_id"_s, id}, {u"skill"_s, 5}});
        }
        if (createUser(u"svetlana"_s, u"supervisor"_s) <= 0)
            return false;
        if (!admin.call(u"queues.set_members"_s, {{u"queue_id"_s, queueId}, {u"members"_s, members}})
                 .value(u"ok"_s)
                 .toBool())
            return false;
        QSignalSpy polling(telegram.get(), &FakeTelegram::longPollStarted);
        const auto channel =
            server->json("POST", u"/api/v1/channels"_s,
                         {{u"kind"_s, u"telegram"_s},
                          {u"name"_s, u"Support bot"_s},
                          {u"default_queue_id"_s, queueId},
                          {u"settings"_s, QJsonObject{{u"api_base_url"_s, telegram->baseUrl().toString()},
                                                      {u"mode"_s, u"polling"_s}}},
                          {u"credentials"_s, QJsonObject{{u"token"_s, BotToken}}}},
                         server->adminToken());
        if (channel.status != 201)
            return false;
        return polling.count() > 0 || polling.wait(10000);
    }

    qint64 createUser(const QString &login, const QString &role)
    {
        const QString displayName = login.at(0).toUpper() + login.mid(1);
        const auto r = server->json("POST", u"/api/v1/users"_s,
                                    {{u"login"_s, login},
                                     {u"password"_s, password(login)},
                                     {u"role"_s, role},
                                     {u"display_name"_s, displayName}},
                                    server->adminToken());
        return r.json.value(u"user"_s).toObject().value(u"id"_s).toInteger();
    }

    // The texts the bot sent to the customer, in order.
    QStringList sentTexts() const
    {
        QStringList texts;
        for (const QJsonObject &m : telegram->sentMessages(BotToken, customer.id))
            texts.append(m.value(u"text"_s).toString());
        return texts;
    }

    std::unique_ptr<TestServer> server;
    std::unique_ptr<FakeTelegram> telegram;
    FakeTelegram::Customer customer;
    qint64 queueId = 0;
    qint64 second = 0;
    QList<qint64> operatorIds;

private:
    QTemporaryDir m_db;
};

} // namespace desktest
