// What the desk client reads about dialogs and colleagues, against the real server and the Telegram emulator
// on both storage backends: read markers and unread counts (dialog.read, dialogs.list, dialog.open), the
// channel and last message of every summary, the offer's countdown in the list and in its event, and
// operators.list.
#include "StorageTestBackend.h"
#include "TestServer.h"
#include "telegram/FakeTelegram.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

static const QString Token = u"123456789:AAHfakeTokenForTheEmulator_xyz"_s;

static QString errorCode(const QJsonObject &reply)
{
    return reply.value(u"error"_s).toObject().value(u"code"_s).toString();
}

static QJsonObject resultOf(const QJsonObject &reply)
{
    return reply.value(u"result"_s).toObject();
}

static int countEvents(const QList<QJsonObject> &events, const QString &name)
{
    return int(std::count_if(events.cbegin(), events.cend(),
                             [&](const QJsonObject &e) { return e.value(u"name"_s).toString() == name; }));
}

class TestDialogReads : public QObject {
    Q_OBJECT
    StorageTestBackend m_db;
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<FakeTelegram> m_telegram;
    std::unique_ptr<WsClient> m_admin;
    std::unique_ptr<WsClient> m_olga; // an operator of the queue, online
    QString m_olgaToken;
    QString m_petrToken; // the queue's second operator, not connected unless a test connects him
    qint64 m_olgaId = 0;
    qint64 m_petrId = 0;
    qint64 m_queue = 0;
    qint64 m_channel = 0;
    FakeTelegram::Customer m_customer;

    // Admin sets up the queue "Support" (Olga and Petr) and the Telegram channel "Support bot" on the
    // emulator; Olga goes online.
    void setUpChannel()
    {
        m_admin = std::make_unique<WsClient>(*m_server);
        QVERIFY(m_admin->open());
        QCOMPARE(m_admin->hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
        auto queue = m_admin->call(u"queues.create"_s, {{u"name"_s, u"Support"_s}});
        QVERIFY2(queue.value(u"ok"_s).toBool(), QJsonDocument(queue).toJson().constData());
        m_queue = resultOf(queue).value(u"queue"_s).toObject().value(u"id"_s).toInteger();

        m_olgaToken = m_server->createUserAndLogin(u"olga"_s);
        m_petrToken = m_server->createUserAndLogin(u"petr"_s);
        QVERIFY(!m_olgaToken.isEmpty() && !m_petrToken.isEmpty());
        m_olgaId = m_server->request("GET", u"/api/v1/me"_s, {}, m_olgaToken)
                       .json.value(u"user"_s)
                       .toObject()
                       .value(u"id"_s)
                       .toInteger();
        m_petrId = m_server->request("GET", u"/api/v1/me"_s, {}, m_petrToken)
                       .json.value(u"user"_s)
                       .toObject()
                       .value(u"id"_s)
                       .toInteger();
        const QJsonArray members{QJsonObject{{u"user_id"_s, m_olgaId}},
                                 QJsonObject{{u"user_id"_s, m_petrId}}};
        auto set =
            m_admin->call(u"queues.set_members"_s, {{u"queue_id"_s, m_queue}, {u"members"_s, members}});
        QVERIFY2(set.value(u"ok"_s).toBool(), QJsonDocument(set).toJson().constData());

        QSignalSpy polling(m_telegram.get(), &FakeTelegram::longPollStarted);
        auto channel =
            m_server->json("POST", u"/api/v1/channels"_s,
                           {{u"kind"_s, u"telegram"_s},
                            {u"name"_s, u"Support bot"_s},
                            {u"default_queue_id"_s, m_queue},
                            {u"settings"_s, QJsonObject{{u"api_base_url"_s, m_telegram->baseUrl().toString()},
                                                        {u"mode"_s, u"polling"_s}}},
                            {u"credentials"_s, QJsonObject{{u"token"_s, Token}}}},
                           m_server->adminToken());
        QVERIFY2(channel.status == 201, channel.body.constData());
        m_channel = channel.json.value(u"channel"_s).toObject().value(u"id"_s).toInteger();

        m_olga = std::make_unique<WsClient>(*m_server);
        QVERIFY(m_olga->open());
        QCOMPARE(m_olga->hello(m_olgaToken).value(u"ok"_s).toBool(), true);
        QCOMPARE(m_olga->call(u"presence.set"_s, {{u"presence"_s, u"online"_s}}).value(u"ok"_s).toBool(),
                 true);
        QTRY_VERIFY_WITH_TIMEOUT(polling.count() > 0, 10000);
    }

    std::unique_ptr<WsClient> signIn(const QString &token)
    {
        auto c = std::make_unique<WsClient>(*m_server);
        if (!c->open() || !c->hello(token).value(u"ok"_s).toBool())
            return nullptr;
        return c;
    }

    static FakeTelegram::Customer secondCustomer()
    {
        FakeTelegram::Customer c;
        c.id = 555000222;
        c.firstName = u"Anna"_s;
        c.username = u"anna_k"_s;
        return c;
    }

    // Waits for Olga's next offer; returns its event.
    QJsonObject nextOffer() { return m_olga->waitEvent(u"dialog.offered"_s, 15000); }

    // Waits for Olga's next offer and accepts it; returns the dialog id (0 on failure).
    qint64 acceptNextOffer()
    {
        const qint64 dialog = nextOffer().value(u"data"_s).toObject().value(u"dialog_id"_s).toInteger();
        if (dialog <= 0)
            return 0;
        return m_olga->call(u"dialog.accept"_s, {{u"dialog_id"_s, dialog}}).value(u"ok"_s).toBool() ? dialog
                                                                                                    : 0;
    }

    // The ids of the dialog's incoming messages, oldest first, as Olga reads them.
    QList<qint64> incoming(qint64 dialog)
    {
        auto h = m_olga->call(u"dialog.history"_s, {{u"dialog_id"_s, dialog}, {u"limit"_s, 200}});
        QList<qint64> ids;
        for (const QJsonValue &m : resultOf(h).value(u"messages"_s).toArray())
            if (m.toObject().value(u"direction"_s).toString() == u"in"_s)
                ids.prepend(m.toObject().value(u"id"_s).toInteger());
        return ids;
    }

    // The summary of a dialog in one of the caller's lists (empty when it is not there).
    static QJsonObject rowOf(WsClient &client, const QString &list, qint64 dialog)
    {
        const QJsonArray rows = resultOf(client.call(u"dialogs.list"_s)).value(list).toArray();
        for (const QJsonValue &row : rows)
            if (row.toObject().value(u"id"_s).toInteger() == dialog)
                return row.toObject();
        return {};
    }

    static QJsonObject markRead(WsClient &client, qint64 dialog, qint64 message)
    {
        return client.call(u"dialog.read"_s, {{u"dialog_id"_s, dialog}, {u"message_id"_s, message}});
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
        m_telegram->addChat(Token, m_customer);
        m_telegram->addChat(Token, secondCustomer());
        m_server = std::make_unique<TestServer>();
        QVERIFY2(m_server->start(m_db.url(), false), qPrintable(m_server->error()));
        setUpChannel();
    }
    void cleanup()
    {
        m_olga.reset();
        m_admin.reset();
        m_server.reset();
        m_telegram.reset();
        m_db.cleanup();
    }

    void unreadCountsInTheListFollowTheReadMarker()
    {
        m_telegram->injectText(Token, m_customer, u"one"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        m_telegram->injectText(Token, m_customer, u"two"_s);
        m_telegram->injectText(Token, m_customer, u"three"_s);
        QTRY_COMPARE_WITH_TIMEOUT(incoming(dialog).size(), 3, 10000);
        const QList<qint64> ids = incoming(dialog);

        // Nothing read yet: every incoming message counts.
        QCOMPARE(rowOf(*m_olga, u"active"_s, dialog).value(u"unread"_s).toInt(), 3);

        const QJsonObject read = markRead(*m_olga, dialog, ids.at(1));
        QVERIFY2(read.value(u"ok"_s).toBool(), QJsonDocument(read).toJson().constData());
        QCOMPARE(resultOf(read).value(u"dialog_id"_s).toInteger(), dialog);
        QCOMPARE(resultOf(read).value(u"message_id"_s).toInteger(), ids.at(1));
        QCOMPARE(resultOf(read).value(u"unread"_s).toInt(), 1);
        QCOMPARE(rowOf(*m_olga, u"active"_s, dialog).value(u"unread"_s).toInt(), 1);
        // Markers are per user: the admin has read nothing.
        QCOMPARE(rowOf(*m_admin, u"active"_s, dialog).value(u"unread"_s).toInt(), 3);

        // Olga's own reply is never unread.
        auto sent =
            m_olga->call(u"message.send"_s,
                         {{u"dialog_id"_s, dialog},
                          {u"client_id"_s, u"c-1"_s},
                          {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"Hello"_s}}}});
        QVERIFY2(sent.value(u"ok"_s).toBool(), QJsonDocument(sent).toJson().constData());
        QCOMPARE(rowOf(*m_olga, u"active"_s, dialog).value(u"unread"_s).toInt(), 1);

        QCOMPARE(resultOf(markRead(*m_olga, dialog, ids.at(2))).value(u"unread"_s).toInt(), 0);
        QCOMPARE(rowOf(*m_olga, u"active"_s, dialog).value(u"unread"_s).toInt(), 0);
    }

    void theReadMarkerNeverMovesBack()
    {
        m_telegram->injectText(Token, m_customer, u"first"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        m_telegram->injectText(Token, m_customer, u"second"_s);
        QTRY_COMPARE_WITH_TIMEOUT(incoming(dialog).size(), 2, 10000);
        const QList<qint64> ids = incoming(dialog);

        QCOMPARE(resultOf(markRead(*m_olga, dialog, ids.at(1))).value(u"unread"_s).toInt(), 0);
        // An older id, or the same one again: the same answer, and no event.
        for (qint64 id : {ids.at(0), ids.at(1)}) {
            const QJsonObject again = markRead(*m_olga, dialog, id);
            QVERIFY2(again.value(u"ok"_s).toBool(), QJsonDocument(again).toJson().constData());
            QCOMPARE(resultOf(again).value(u"message_id"_s).toInteger(), ids.at(1));
            QCOMPARE(resultOf(again).value(u"unread"_s).toInt(), 0);
        }
        QCOMPARE(countEvents(m_olga->eventsAfterQuiet(), u"dialog.read"_s), 1);
        QCOMPARE(rowOf(*m_olga, u"active"_s, dialog).value(u"unread"_s).toInt(), 0);

        // A new message after the marker is unread again.
        m_telegram->injectText(Token, m_customer, u"third"_s);
        QTRY_COMPARE_WITH_TIMEOUT(rowOf(*m_olga, u"active"_s, dialog).value(u"unread"_s).toInt(), 1, 10000);
    }

    void aReadReachesTheUsersOtherSessionsAndNobodyElse()
    {
        m_telegram->injectText(Token, m_customer, u"hello"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        const qint64 message = incoming(dialog).value(0);
        QVERIFY(message > 0);
        auto olgaElsewhere = signIn(m_olgaToken);
        auto petr = signIn(m_petrToken);
        QVERIFY(olgaElsewhere && petr);

        QVERIFY(markRead(*m_olga, dialog, message).value(u"ok"_s).toBool());
        const QJsonObject event = olgaElsewhere->waitEvent(u"dialog.read"_s);
        const QJsonObject data = event.value(u"data"_s).toObject();
        QCOMPARE(data.value(u"dialog_id"_s).toInteger(), dialog);
        QCOMPARE(data.value(u"message_id"_s).toInteger(), message);
        QCOMPARE(data.value(u"unread"_s).toInt(), 0);

        // The admin's own read goes to the admin's sessions only.
        QVERIFY(markRead(*m_admin, dialog, message).value(u"ok"_s).toBool());
        QVERIFY(!m_admin->waitEvent(u"dialog.read"_s).isEmpty());
        QCOMPARE(countEvents(olgaElsewhere->eventsAfterQuiet(), u"dialog.read"_s), 1);
        QCOMPARE(countEvents(m_admin->eventsAfterQuiet(), u"dialog.read"_s), 1);
        QCOMPARE(countEvents(petr->eventsAfterQuiet(), u"dialog.read"_s), 0);
    }

    void aMessageOfAnotherDialogIsRefused()
    {
        m_telegram->injectText(Token, m_customer, u"mine"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        m_telegram->injectText(Token, secondCustomer(), u"theirs"_s);
        const qint64 other = acceptNextOffer();
        QVERIFY(other > 0 && other != dialog);
        QTRY_COMPARE_WITH_TIMEOUT(incoming(other).size(), 1, 10000);
        const qint64 foreign = incoming(other).at(0);

        QCOMPARE(errorCode(markRead(*m_olga, dialog, foreign)), u"bad_args"_s);
        QCOMPARE(errorCode(markRead(*m_olga, dialog, foreign + 1000000)), u"bad_args"_s);
        QCOMPARE(errorCode(m_olga->call(u"dialog.read"_s, {{u"dialog_id"_s, dialog}})), u"bad_args"_s);
        QCOMPARE(errorCode(markRead(*m_olga, other + 1000000, foreign)), u"not_found"_s);
        QCOMPARE(rowOf(*m_olga, u"active"_s, dialog).value(u"unread"_s).toInt(), 1);
        QCOMPARE(countEvents(m_olga->eventsAfterQuiet(), u"dialog.read"_s), 0);
    }

    void anOperatorWithoutAccessCannotMarkADialog()
    {
        m_telegram->injectText(Token, m_customer, u"hello"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        const qint64 message = incoming(dialog).value(0);
        QVERIFY(message > 0);
        auto petr = signIn(m_petrToken);
        QVERIFY(petr);
        QCOMPARE(errorCode(markRead(*petr, dialog, message)), u"forbidden"_s);
        QCOMPARE(rowOf(*m_olga, u"active"_s, dialog).value(u"unread"_s).toInt(), 1);
    }

    void theOfferedOperatorSeesTheCountdownAndMayMarkRead()
    {
        m_telegram->injectText(Token, m_customer, u"anyone?"_s);
        const QJsonObject offer = nextOffer().value(u"data"_s).toObject();
        const qint64 dialog = offer.value(u"dialog_id"_s).toInteger();
        QVERIFY(dialog > 0);

        const QJsonArray offered = resultOf(m_olga->call(u"dialogs.list"_s)).value(u"offered"_s).toArray();
        QCOMPARE(offered.size(), 1);
        const QJsonObject row = offered.at(0).toObject();
        QCOMPARE(row.value(u"id"_s).toInteger(), dialog);
        QCOMPARE(row.value(u"state"_s).toString(), u"waiting"_s);
        QCOMPARE(row.value(u"offer_expires_at"_s).toString(), offer.value(u"expires_at"_s).toString());
        QCOMPARE(row.value(u"offer_timeout_sec"_s).toInt(), 30);
        QCOMPARE(row.value(u"unread"_s).toInt(), 1);
        QCOMPARE(row.value(u"channel_kind"_s).toString(), u"telegram"_s);

        const QJsonObject read = markRead(*m_olga, dialog, row.value(u"last_message_id"_s).toInteger());
        QVERIFY2(read.value(u"ok"_s).toBool(), QJsonDocument(read).toJson().constData());
        QCOMPARE(resultOf(read).value(u"unread"_s).toInt(), 0);
    }

    void theOfferEventNamesTheChannelAndTheCustomer()
    {
        m_telegram->injectText(Token, m_customer, u"Где мой заказ?"_s);
        const QJsonObject offer = nextOffer().value(u"data"_s).toObject();
        QVERIFY(offer.value(u"dialog_id"_s).toInteger() > 0);
        QCOMPARE(offer.value(u"queue_id"_s).toInteger(), m_queue);
        QCOMPARE(offer.value(u"timeout_sec"_s).toInt(), 30);
        QVERIFY(!offer.value(u"expires_at"_s).toString().isEmpty());
        QCOMPARE(offer.value(u"channel_id"_s).toInteger(), m_channel);
        QCOMPARE(offer.value(u"channel_kind"_s).toString(), u"telegram"_s);
        QCOMPARE(offer.value(u"channel_name"_s).toString(), u"Support bot"_s);
        QCOMPARE(offer.value(u"subscriber_name"_s).toString(), u"Мария Иванова"_s);
        QCOMPARE(offer.value(u"subscriber_username"_s).toString(), u"maria_i"_s);
        QCOMPARE(offer.value(u"last_message"_s).toObject().value(u"text"_s).toString(), u"Где мой заказ?"_s);
    }

    void everySummaryNamesItsChannelAndLastMessage()
    {
        m_telegram->injectText(Token, m_customer, u"hello"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        const qint64 message = incoming(dialog).value(0);
        QVERIFY(message > 0);
        auto check = [&](const QJsonObject &row) {
            QCOMPARE(row.value(u"channel_id"_s).toInteger(), m_channel);
            QCOMPARE(row.value(u"channel_kind"_s).toString(), u"telegram"_s);
            QCOMPARE(row.value(u"channel_name"_s).toString(), u"Support bot"_s);
            QCOMPARE(row.value(u"last_message_id"_s).toInteger(), message);
            QCOMPARE(row.value(u"last_message_direction"_s).toString(), u"in"_s);
            QCOMPARE(row.value(u"last_message"_s).toObject().value(u"text"_s).toString(), u"hello"_s);
            QCOMPARE(row.value(u"subscriber_username"_s).toString(), u"maria_i"_s);
            QCOMPARE(row.value(u"unread"_s).toInt(), 1);
        };
        check(rowOf(*m_olga, u"active"_s, dialog));
        if (QTest::currentTestFailed())
            return;
        check(rowOf(*m_admin, u"active"_s, dialog));
        if (QTest::currentTestFailed())
            return;
        QVERIFY(m_olga->call(u"dialog.finish"_s, {{u"dialog_id"_s, dialog}}).value(u"ok"_s).toBool());
        check(rowOf(*m_olga, u"finished"_s, dialog));
    }

    void dialogOpenNamesTheChannelAndTheCallersUnreadCount()
    {
        m_telegram->injectText(Token, m_customer, u"hello"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        const qint64 message = incoming(dialog).value(0);
        QVERIFY(message > 0);

        QJsonObject opened = resultOf(m_olga->call(u"dialog.open"_s, {{u"dialog_id"_s, dialog}}));
        const QJsonObject channel = opened.value(u"channel"_s).toObject();
        QCOMPARE(channel.value(u"id"_s).toInteger(), m_channel);
        QCOMPARE(channel.value(u"kind"_s).toString(), u"telegram"_s);
        QCOMPARE(channel.value(u"name"_s).toString(), u"Support bot"_s);
        QCOMPARE(channel.size(), 3);
        QCOMPARE(opened.value(u"dialog"_s).toObject().value(u"unread"_s).toInt(), 1);

        QVERIFY(markRead(*m_olga, dialog, message).value(u"ok"_s).toBool());
        opened = resultOf(m_olga->call(u"dialog.open"_s, {{u"dialog_id"_s, dialog}}));
        QCOMPARE(opened.value(u"dialog"_s).toObject().value(u"unread"_s).toInt(), 0);
        opened = resultOf(m_admin->call(u"dialog.open"_s, {{u"dialog_id"_s, dialog}}));
        QCOMPARE(opened.value(u"dialog"_s).toObject().value(u"unread"_s).toInt(), 1);
    }

    void operatorsListShowsEveryEnabledUserWithPresenceAndLoad()
    {
        // Zoe: a connected supervisor who is away. Dan: disabled, so not listed.
        for (const QString &login : {u"zoe"_s, u"dan"_s}) {
            auto created =
                m_admin->call(u"users.create"_s, {{u"login"_s, login},
                                                  {u"password"_s, u"pw-%1-123"_s.arg(login)},
                                                  {u"display_name"_s, login == u"zoe"_s ? u"Zoe"_s : login},
                                                  {u"role"_s, u"supervisor"_s}});
            QVERIFY2(created.value(u"ok"_s).toBool(), QJsonDocument(created).toJson().constData());
        }
        const QJsonArray users = resultOf(m_admin->call(u"users.list"_s)).value(u"users"_s).toArray();
        for (const QJsonValue &u : users)
            if (u.toObject().value(u"login"_s).toString() == u"dan"_s)
                QVERIFY(m_admin
                            ->call(u"users.update"_s,
                                   {{u"id"_s, u.toObject().value(u"id"_s)}, {u"disabled"_s, true}})
                            .value(u"ok"_s)
                            .toBool());
        auto zoe = signIn(m_server->login(u"zoe"_s, u"pw-zoe-123"_s));
        QVERIFY(zoe);
        QVERIFY(zoe->call(u"presence.set"_s, {{u"presence"_s, u"away"_s}}).value(u"ok"_s).toBool());
        QVERIFY(m_admin->call(u"operators.set_capacity"_s, {{u"user_id"_s, m_olgaId}, {u"capacity"_s, 3}})
                    .value(u"ok"_s)
                    .toBool());
        m_telegram->injectText(Token, m_customer, u"hello"_s);
        QVERIFY(acceptNextOffer() > 0);

        // Any user may ask, an operator too. By display name, whatever its case.
        const QJsonObject reply = m_olga->call(u"operators.list"_s);
        QVERIFY2(reply.value(u"ok"_s).toBool(), QJsonDocument(reply).toJson().constData());
        const QJsonArray operators = resultOf(reply).value(u"operators"_s).toArray();
        QStringList names;
        for (const QJsonValue &o : operators)
            names.append(o.toObject().value(u"display_name"_s).toString());
        QCOMPARE(names, QStringList({u"Administrator"_s, u"olga"_s, u"petr"_s, u"Zoe"_s}));

        const QStringList fields{u"active"_s, u"capacity"_s, u"connected"_s, u"display_name"_s,
                                 u"id"_s,     u"login"_s,    u"presence"_s,  u"role"_s};
        for (const QJsonValue &o : operators)
            QCOMPARE(o.toObject().keys(), fields);
        struct Expected {
            QString role, presence;
            bool connected;
            int active, capacity;
        };
        const QList<Expected> expected{{u"admin"_s, u"offline"_s, true, 0, 5},
                                       {u"operator"_s, u"online"_s, true, 1, 3},
                                       {u"operator"_s, u"offline"_s, false, 0, 5},
                                       {u"supervisor"_s, u"away"_s, true, 0, 5}};
        for (qsizetype i = 0; i < expected.size(); ++i) {
            const QJsonObject o = operators.at(i).toObject();
            QCOMPARE(o.value(u"role"_s).toString(), expected.at(i).role);
            QCOMPARE(o.value(u"presence"_s).toString(), expected.at(i).presence);
            QCOMPARE(o.value(u"connected"_s).toBool(), expected.at(i).connected);
            QCOMPARE(o.value(u"active"_s).toInt(), expected.at(i).active);
            QCOMPARE(o.value(u"capacity"_s).toInt(), expected.at(i).capacity);
        }
        QCOMPARE(operators.at(1).toObject().value(u"id"_s).toInteger(), m_olgaId);
        QCOMPARE(operators.at(2).toObject().value(u"login"_s).toString(), u"petr"_s);

        // Petr's presence goes with his last connection.
        auto petr = signIn(m_petrToken);
        QVERIFY(petr);
        QVERIFY(petr->call(u"presence.set"_s, {{u"presence"_s, u"online"_s}}).value(u"ok"_s).toBool());
        QCOMPARE(resultOf(m_olga->call(u"operators.list"_s))
                     .value(u"operators"_s)
                     .toArray()
                     .at(2)
                     .toObject()
                     .value(u"presence"_s)
                     .toString(),
                 u"online"_s);
        petr->socket.close();
        QVERIFY(petr->waitClosed());
        QTRY_COMPARE_WITH_TIMEOUT(resultOf(m_olga->call(u"operators.list"_s))
                                      .value(u"operators"_s)
                                      .toArray()
                                      .at(2)
                                      .toObject()
                                      .value(u"connected"_s)
                                      .toBool(),
                                  false, 10000);
        QCOMPARE(errorCode(m_olga->call(u"operators.list"_s, {{u"all"_s, true}})), u"bad_args"_s);
    }
};

QTEST_GUILESS_MAIN(TestDialogReads)
#include "tst_dialog_reads.moc"
