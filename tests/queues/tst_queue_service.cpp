// QueueService through the real server and the Telegram emulator, on both storage backends: offers go to the
// operator idle longest among three; an offer returns at once when its operator's last connection closes; a
// reconnect within the grace period keeps the operator's dialogs and after it they return to the queue; every
// field of queues.stats; the queue positions of waiting dialogs; and paging through dialog.history. The grace
// period is 1 s (--queues.disconnect_grace=1).
#include "StorageTestBackend.h"
#include "TestServer.h"
#include "telegram/FakeTelegram.h"

#include <QDateTime>
#include <QElapsedTimer>
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

static qint64 offeredDialog(const QJsonObject &event)
{
    return event.value(u"data"_s).toObject().value(u"dialog_id"_s).toInteger();
}

// Offers go longest idle first by the millisecond clock: steps a test orders must not share a millisecond.
static void nextMillisecond()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    while (QDateTime::currentMSecsSinceEpoch() == now) {
    }
}

class TestQueueService : public QObject {
    Q_OBJECT
    StorageTestBackend m_db;
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<FakeTelegram> m_telegram;
    std::unique_ptr<WsClient> m_admin;
    // The members of the queue "Support", in this order: Olga, Petr, Ivan. None is connected at first.
    QStringList m_tokens;
    QList<qint64> m_ids;
    qint64 m_queue = 0;
    qint64 m_channel = 0;
    QList<FakeTelegram::Customer> m_customers; // each writes in a dialog of their own

    void setUpQueue()
    {
        m_admin = signIn(m_server->adminToken());
        QVERIFY(m_admin);
        auto queue = m_admin->call(u"queues.create"_s, {{u"name"_s, u"Support"_s}});
        QVERIFY2(queue.value(u"ok"_s).toBool(), QJsonDocument(queue).toJson().constData());
        m_queue = resultOf(queue).value(u"queue"_s).toObject().value(u"id"_s).toInteger();
        QJsonArray members;
        for (const QString &login : {u"olga"_s, u"petr"_s, u"ivan"_s}) {
            m_tokens.append(m_server->createUserAndLogin(login));
            QVERIFY(!m_tokens.last().isEmpty());
            m_ids.append(m_server->request("GET", u"/api/v1/me"_s, {}, m_tokens.last())
                             .json.value(u"user"_s)
                             .toObject()
                             .value(u"id"_s)
                             .toInteger());
            members.append(QJsonObject{{u"user_id"_s, m_ids.last()}});
        }
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
        QTRY_VERIFY_WITH_TIMEOUT(polling.count() > 0, 10000);
    }

    std::unique_ptr<WsClient> signIn(const QString &token)
    {
        auto c = std::make_unique<WsClient>(*m_server);
        if (!c->open() || !c->hello(token).value(u"ok"_s).toBool())
            return nullptr;
        return c;
    }

    // Member `i` signs in and sets this presence.
    std::unique_ptr<WsClient> member(int i, const QString &presence = u"online"_s)
    {
        auto c = signIn(m_tokens.at(i));
        if (!c || !c->call(u"presence.set"_s, {{u"presence"_s, presence}}).value(u"ok"_s).toBool())
            return nullptr;
        return c;
    }

    bool setCapacity(int member, int capacity)
    {
        return m_admin
            ->call(u"operators.set_capacity"_s, {{u"user_id"_s, m_ids.at(member)}, {u"capacity"_s, capacity}})
            .value(u"ok"_s)
            .toBool();
    }

    // Customer `i` writes; returns the dialog the admin then sees for them (0 on timeout).
    qint64 customerWrites(int i, const QString &text = u"hello"_s)
    {
        m_telegram->injectText(Token, m_customers.at(i), text);
        const QString name = m_customers.at(i).firstName;
        qint64 id = 0;
        (void)QTest::qWaitFor(
            [&] {
                for (const QJsonValue &d :
                     resultOf(m_admin->call(u"dialogs.list"_s)).value(u"active"_s).toArray())
                    if (d.toObject().value(u"subscriber_name"_s).toString() == name)
                        id = d.toObject().value(u"id"_s).toInteger();
                return id > 0;
            },
            10000);
        return id;
    }

    QJsonObject dialogAsAdmin(qint64 dialog)
    {
        return resultOf(m_admin->call(u"dialog.open"_s, {{u"dialog_id"_s, dialog}}))
            .value(u"dialog"_s)
            .toObject();
    }

    static int framesNamed(const WsClient &client, const QString &name)
    {
        return int(std::count_if(client.frames.cbegin(), client.frames.cend(), [&](const QJsonObject &f) {
            return f.value(u"name"_s).toString() == name;
        }));
    }

    static bool accept(WsClient &client, qint64 dialog)
    {
        return client.call(u"dialog.accept"_s, {{u"dialog_id"_s, dialog}}).value(u"ok"_s).toBool();
    }

    // Whether the admin sees this member connected.
    bool connected(int i)
    {
        for (const QJsonValue &o :
             resultOf(m_admin->call(u"operators.list"_s)).value(u"operators"_s).toArray())
            if (o.toObject().value(u"id"_s).toInteger() == m_ids.at(i))
                return o.toObject().value(u"connected"_s).toBool();
        return false;
    }

    // Closes a client's connection and waits until the server has seen it go.
    bool disconnect(std::unique_ptr<WsClient> &client, int i)
    {
        client->socket.close();
        if (!client->waitClosed())
            return false;
        client.reset();
        return QTest::qWaitFor([&] { return !connected(i); }, 10000);
    }

    QJsonObject history(WsClient &client, qint64 dialog, const QJsonObject &paging)
    {
        QJsonObject args = paging;
        args.insert(u"dialog_id"_s, dialog);
        return client.call(u"dialog.history"_s, args);
    }

    static QList<qint64> idsOf(const QJsonObject &page)
    {
        QList<qint64> ids;
        for (const QJsonValue &m : resultOf(page).value(u"messages"_s).toArray())
            ids.append(m.toObject().value(u"id"_s).toInteger());
        return ids;
    }

private Q_SLOTS:
    void initTestCase_data() { StorageTestBackend::addBackendRows(); }
    void init()
    {
        m_db.prepare();
        m_telegram = std::make_unique<FakeTelegram>();
        QVERIFY(m_telegram->listen());
        m_telegram->addBot(Token, u"era_support_bot"_s);
        m_customers.clear();
        for (const QString &name : {u"Anna"_s, u"Boris"_s, u"Vera"_s, u"Gleb"_s, u"Dina"_s}) {
            FakeTelegram::Customer c;
            c.id = 555000100 + m_customers.size();
            c.firstName = name;
            m_customers.append(c);
            m_telegram->addChat(Token, c);
        }
        m_server = std::make_unique<TestServer>();
        QVERIFY2(m_server->start(m_db.url(), false, {u"--queues.disconnect_grace=1"_s}),
                 qPrintable(m_server->error()));
        setUpQueue();
    }
    void cleanup()
    {
        m_admin.reset();
        m_server.reset();
        m_telegram.reset();
        m_tokens.clear();
        m_ids.clear();
        m_db.cleanup();
    }

    void theOperatorIdleLongestIsOfferedFirst()
    {
        // One dialog each at a time, so that each offer shows whom the queue picked.
        for (int i = 0; i < 3; ++i)
            QVERIFY(setCapacity(i, 1));
        // Online in the reverse of the members' order: Ivan has waited longest, then Petr, then Olga.
        std::unique_ptr<WsClient> ops[3];
        for (int i : {2, 1, 0}) {
            ops[i] = member(i);
            QVERIFY(ops[i]);
            nextMillisecond();
        }
        qint64 dialogs[3] = {};
        for (int k = 0; k < 3; ++k) {
            const int expected = 2 - k;
            dialogs[k] = customerWrites(k);
            QVERIFY(dialogs[k] > 0);
            QCOMPARE(offeredDialog(ops[expected]->waitEvent(u"dialog.offered"_s)), dialogs[k]);
        }
        for (int i = 0; i < 3; ++i)
            QCOMPARE(framesNamed(*ops[i], u"dialog.offered"_s), 1);
        for (int i : {2, 1, 0}) {
            QVERIFY(accept(*ops[i], dialogs[2 - i]));
            nextMillisecond();
        }

        // Idle counts from when an operator last got room: Olga finishes before Ivan, so she is next.
        QVERIFY(ops[0]->call(u"dialog.finish"_s, {{u"dialog_id"_s, dialogs[2]}}).value(u"ok"_s).toBool());
        nextMillisecond();
        QVERIFY(ops[2]->call(u"dialog.finish"_s, {{u"dialog_id"_s, dialogs[0]}}).value(u"ok"_s).toBool());
        const qint64 fourth = customerWrites(3);
        QCOMPARE(offeredDialog(ops[0]->waitEvent(u"dialog.offered"_s)), fourth);
        const qint64 fifth = customerWrites(4);
        QCOMPARE(offeredDialog(ops[2]->waitEvent(u"dialog.offered"_s)), fifth);
        QCOMPARE(framesNamed(*ops[1], u"dialog.offered"_s), 1); // Petr is full
    }

    void anOfferReturnsAtOnceWhenTheOperatorsLastConnectionCloses()
    {
        auto olga = member(0);
        QVERIFY(olga);
        auto olgaElsewhere = signIn(m_tokens.at(0));
        QVERIFY(olgaElsewhere);
        nextMillisecond();
        auto petr = member(1);
        QVERIFY(petr);
        const qint64 dialog = customerWrites(0);
        const QJsonObject offer = olga->waitEvent(u"dialog.offered"_s);
        QCOMPARE(offeredDialog(offer), dialog);
        const qint64 seen = offer.value(u"seq"_s).toInteger();

        // One of her two connections goes: the offer stays hers.
        QVERIFY(olga->socket.state() == QAbstractSocket::ConnectedState);
        olgaElsewhere->socket.close();
        QVERIFY(olgaElsewhere->waitClosed());
        QVERIFY(olga->call(u"ping"_s).value(u"ok"_s).toBool());
        QVERIFY(petr->waitEvent(u"dialog.offered"_s, 500).isEmpty());

        // The last one goes: Petr has it well before the 30 s the offer had left.
        QElapsedTimer sinceClose;
        sinceClose.start();
        olga->socket.close();
        QVERIFY(olga->waitClosed());
        QCOMPARE(offeredDialog(petr->waitEvent(u"dialog.offered"_s, 5000)), dialog);
        QVERIFY2(sinceClose.elapsed() < 5000, qPrintable(QString::number(sinceClose.elapsed())));

        // What Olga missed says why.
        auto back = std::make_unique<WsClient>(*m_server);
        QVERIFY(back->open());
        QVERIFY(back->hello(m_tokens.at(0), seen).value(u"ok"_s).toBool());
        const QJsonObject withdrawn = back->waitEvent(u"dialog.offer_withdrawn"_s);
        QCOMPARE(withdrawn.value(u"data"_s).toObject().value(u"dialog_id"_s).toInteger(), dialog);
        QCOMPARE(withdrawn.value(u"data"_s).toObject().value(u"reason"_s).toString(), u"disconnected"_s);
    }

    void aReconnectWithinTheGraceKeepsTheActiveDialogs()
    {
        auto olga = member(0);
        QVERIFY(olga);
        nextMillisecond();
        auto petr = member(1);
        QVERIFY(petr);
        const qint64 hers = customerWrites(0);
        QCOMPARE(offeredDialog(olga->waitEvent(u"dialog.offered"_s)), hers);
        QVERIFY(accept(*olga, hers));
        nextMillisecond();
        // Olga has room too, but accepted after Petr went online: he has been idle longer.
        const qint64 his = customerWrites(1);
        QVERIFY(his > 0);
        QCOMPARE(offeredDialog(petr->waitEvent(u"dialog.offered"_s)), his);
        QVERIFY(accept(*petr, his));

        // Olga drops and comes back at once; then Petr drops for good. Grace periods end in the order they
        // began, so when Petr's dialog returns, Olga's grace is over as well.
        QVERIFY(disconnect(olga, 0));
        olga = member(0);
        QVERIFY(olga);
        QVERIFY(disconnect(petr, 1));
        const QJsonObject returned = m_admin->waitEvent(u"dialog.returned"_s);
        QCOMPARE(returned.value(u"data"_s).toObject().value(u"dialog_id"_s).toInteger(), his);
        QCOMPARE(framesNamed(*m_admin, u"dialog.returned"_s), 1);

        const QJsonObject kept = dialogAsAdmin(hers);
        QCOMPARE(kept.value(u"state"_s).toString(), u"active"_s);
        QCOMPARE(kept.value(u"operator_id"_s).toInteger(), m_ids.at(0));
        const QJsonObject sent =
            olga->call(u"message.send"_s,
                       {{u"dialog_id"_s, hers},
                        {u"client_id"_s, u"k-1"_s},
                        {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"Я тут"_s}}}});
        QVERIFY2(sent.value(u"ok"_s).toBool(), QJsonDocument(sent).toJson().constData());
    }

    void afterTheGraceTheActiveDialogsReturnToTheQueue()
    {
        auto olga = member(0);
        QVERIFY(olga);
        const qint64 dialog = customerWrites(0);
        QCOMPARE(offeredDialog(olga->waitEvent(u"dialog.offered"_s)), dialog);
        QVERIFY(accept(*olga, dialog));
        auto petr = member(1);
        QVERIFY(petr);

        // The whole grace period, counted from her going (not from the server's start, as the dialogs loaded
        // at start are).
        QElapsedTimer sinceGone;
        sinceGone.start();
        QVERIFY(disconnect(olga, 0));
        const QJsonObject returned = m_admin->waitEvent(u"dialog.returned"_s, 5000);
        QVERIFY2(sinceGone.elapsed() >= 1000, qPrintable(QString::number(sinceGone.elapsed())));
        const QJsonObject data = returned.value(u"data"_s).toObject();
        QCOMPARE(data.value(u"dialog_id"_s).toInteger(), dialog);
        QCOMPARE(data.value(u"queue_id"_s).toInteger(), m_queue);
        QCOMPARE(data.value(u"reason"_s).toString(), u"operator disconnected"_s);

        QCOMPARE(offeredDialog(petr->waitEvent(u"dialog.offered"_s)), dialog);
        const QJsonObject waiting = dialogAsAdmin(dialog);
        QCOMPARE(waiting.value(u"state"_s).toString(), u"waiting"_s);
        QVERIFY(waiting.value(u"operator_id"_s).isNull());
        QCOMPARE(waiting.value(u"queue_position"_s).toInt(), 1);
        QVERIFY(accept(*petr, dialog));
        // Olga, back, no longer serves it.
        olga = member(0);
        QVERIFY(olga);
        QCOMPARE(errorCode(olga->call(u"dialog.history"_s, {{u"dialog_id"_s, dialog}})), u"forbidden"_s);
    }

    void afterARestartOnlyTheOperatorsWhoDoNotComeBackLoseTheirDialogs()
    {
        auto olga = member(0);
        QVERIFY(olga);
        nextMillisecond();
        auto petr = member(1);
        QVERIFY(petr);
        const qint64 hers = customerWrites(0);
        QCOMPARE(offeredDialog(olga->waitEvent(u"dialog.offered"_s)), hers);
        QVERIFY(accept(*olga, hers));
        const qint64 his = customerWrites(1);
        QCOMPARE(offeredDialog(petr->waitEvent(u"dialog.offered"_s)), his);
        QVERIFY(accept(*petr, his));

        olga.reset();
        petr.reset();
        m_admin.reset();
        QVERIFY2(m_server->restart({u"--queues.disconnect_grace=1"_s}), qPrintable(m_server->error()));
        olga = member(0); // back within the grace; Petr is not
        QVERIFY(olga);
        m_admin = signIn(m_server->adminToken());
        QVERIFY(m_admin);
        const QJsonObject returned = m_admin->waitEvent(u"dialog.returned"_s, 5000);
        QCOMPARE(returned.value(u"data"_s).toObject().value(u"dialog_id"_s).toInteger(), his);
        QCOMPARE(dialogAsAdmin(his).value(u"state"_s).toString(), u"waiting"_s);
        QCOMPARE(dialogAsAdmin(hers).value(u"state"_s).toString(), u"active"_s);
        QCOMPARE(dialogAsAdmin(hers).value(u"operator_id"_s).toInteger(), m_ids.at(0));
        QCOMPARE(framesNamed(*m_admin, u"dialog.returned"_s), 1);
    }

    void queueStatsCountEveryField()
    {
        auto empty = m_admin->call(u"queues.create"_s, {{u"name"_s, u"Empty"_s}});
        QVERIFY(empty.value(u"ok"_s).toBool());
        const qint64 emptyId = resultOf(empty).value(u"queue"_s).toObject().value(u"id"_s).toInteger();
        QVERIFY(setCapacity(0, 1));
        // Olga online with her one dialog; Petr connected but away; Ivan not connected.
        auto olga = member(0);
        QVERIFY(olga);
        const qint64 served = customerWrites(0);
        QCOMPARE(offeredDialog(olga->waitEvent(u"dialog.offered"_s)), served);
        QVERIFY(accept(*olga, served));
        auto petr = member(1, u"away"_s);
        QVERIFY(petr);
        QElapsedTimer waited;
        waited.start();
        QVERIFY(customerWrites(1) > 0);
        QVERIFY(customerWrites(2) > 0);

        QJsonObject stats;
        auto support = [&] { return stats.value(u"queues"_s).toArray().at(0).toObject(); };
        QTRY_VERIFY_WITH_TIMEOUT((stats = resultOf(m_admin->call(u"queues.stats"_s)),
                                  support().value(u"longest_wait_sec"_s).toInt() >= 1),
                                 5000);
        QVERIFY(!stats.value(u"at"_s).toString().isEmpty());
        const QJsonArray queues = stats.value(u"queues"_s).toArray();
        QCOMPARE(queues.size(), 2);

        const QJsonObject s = support();
        QCOMPARE(s.keys(), (QStringList{u"active_dialogs"_s, u"id"_s, u"longest_wait_sec"_s, u"members"_s,
                                        u"name"_s, u"operators"_s, u"waiting"_s}));
        QCOMPARE(s.value(u"id"_s).toInteger(), m_queue);
        QCOMPARE(s.value(u"name"_s).toString(), u"Support"_s);
        QCOMPARE(s.value(u"waiting"_s).toInt(), 2);
        // Telegram dates are whole seconds, so a dialog may look up to a second older than it is.
        QVERIFY(s.value(u"longest_wait_sec"_s).toInt() <= waited.elapsed() / 1000 + 2);
        QCOMPARE(s.value(u"active_dialogs"_s).toInt(), 1);
        QCOMPARE(s.value(u"operators"_s).toObject(),
                 (QJsonObject{{u"online"_s, 1}, {u"away"_s, 1}, {u"offline"_s, 1}}));
        const QJsonArray members = s.value(u"members"_s).toArray();
        QCOMPARE(members.size(), 3);
        const QList<QJsonObject> expected{
            {{u"user_id"_s, m_ids.at(0)}, {u"presence"_s, u"online"_s}, {u"active"_s, 1}, {u"capacity"_s, 1}},
            {{u"user_id"_s, m_ids.at(1)}, {u"presence"_s, u"away"_s}, {u"active"_s, 0}, {u"capacity"_s, 5}},
            {{u"user_id"_s, m_ids.at(2)},
             {u"presence"_s, u"offline"_s},
             {u"active"_s, 0},
             {u"capacity"_s, 5}}};
        for (qsizetype i = 0; i < expected.size(); ++i)
            QCOMPARE(members.at(i).toObject(), expected.at(i));

        QCOMPARE(
            queues.at(1).toObject(),
            (QJsonObject{{u"id"_s, emptyId},
                         {u"name"_s, u"Empty"_s},
                         {u"waiting"_s, 0},
                         {u"longest_wait_sec"_s, 0},
                         {u"operators"_s, QJsonObject{{u"online"_s, 0}, {u"away"_s, 0}, {u"offline"_s, 0}}},
                         {u"active_dialogs"_s, 0},
                         {u"members"_s, QJsonArray()}}));

        // Supervisors are told as it changes: the same figures in queue.stats.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (qsizetype i = m_admin->frames.size() - 1; i >= 0; --i)
                    if (m_admin->frames.at(i).value(u"name"_s) == u"queue.stats"_s)
                        return m_admin->frames.at(i)
                                   .value(u"data"_s)
                                   .toObject()
                                   .value(u"queues"_s)
                                   .toArray()
                                   .at(0)
                                   .toObject()
                                   .value(u"waiting"_s)
                                   .toInt() == 2;
                return false;
            }(),
            5000);
    }

    void waitingDialogsKnowTheirPlaceInLine()
    {
        QList<qint64> dialogs;
        for (int i = 0; i < 3; ++i) {
            dialogs.append(customerWrites(i));
            QVERIFY(dialogs.last() > 0);
        }
        auto positions = [&] {
            QList<int> out;
            for (qint64 d : std::as_const(dialogs))
                out.append(dialogAsAdmin(d).value(u"queue_position"_s).toInt());
            return out;
        };
        QTRY_COMPARE_WITH_TIMEOUT(positions(), QList<int>({1, 2, 3}), 10000);

        // Offered, the first still waits first; accepted, it leaves the line and the others move up.
        QVERIFY(setCapacity(0, 1));
        auto olga = member(0);
        QVERIFY(olga);
        QCOMPARE(offeredDialog(olga->waitEvent(u"dialog.offered"_s)), dialogs.at(0));
        QCOMPARE(positions(), QList<int>({1, 2, 3}));
        QVERIFY(accept(*olga, dialogs.at(0)));
        QTRY_COMPARE_WITH_TIMEOUT(positions(), QList<int>({0, 1, 2}), 5000);
        // A supervisor finishes the second: the third is next.
        QVERIFY(m_admin->call(u"dialog.finish"_s, {{u"dialog_id"_s, dialogs.at(1)}}).value(u"ok"_s).toBool());
        QTRY_COMPARE_WITH_TIMEOUT(positions(), QList<int>({0, 0, 1}), 5000);
    }

    void historyPagesBackwardsWithBeforeIdAndHasMore()
    {
        auto olga = member(0);
        QVERIFY(olga);
        const qint64 dialog = customerWrites(0, u"m1"_s);
        QCOMPARE(offeredDialog(olga->waitEvent(u"dialog.offered"_s)), dialog);
        QVERIFY(accept(*olga, dialog));
        for (const QString &text : {u"m2"_s, u"m3"_s, u"m4"_s, u"m5"_s})
            m_telegram->injectText(Token, m_customers.at(0), text);
        QTRY_COMPARE_WITH_TIMEOUT(idsOf(history(*olga, dialog, {{u"limit"_s, 200}})).size(), 5, 10000);
        QVERIFY(olga->call(u"message.send"_s,
                           {{u"dialog_id"_s, dialog},
                            {u"client_id"_s, u"h-1"_s},
                            {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"m6"_s}}}})
                    .value(u"ok"_s)
                    .toBool());
        const QJsonObject whole = history(*olga, dialog, {});
        const QList<qint64> all = idsOf(whole); // the default limit (50) takes all six
        QCOMPARE(all.size(), 6);
        QCOMPARE(resultOf(whole).value(u"has_more"_s).toBool(), false);
        QCOMPARE(resultOf(whole).value(u"dialog_id"_s).toInteger(), dialog);
        QVERIFY(std::is_sorted(all.crbegin(), all.crend())); // newest first
        const QJsonObject newest = resultOf(whole).value(u"messages"_s).toArray().at(0).toObject();
        QCOMPARE(newest.value(u"content"_s).toObject().value(u"text"_s).toString(), u"m6"_s);

        // Pages of two, each before the oldest of the last: every message once, has_more until the end.
        QList<qint64> paged;
        QList<bool> more;
        qint64 before = 0;
        for (int page = 0; page < 4; ++page) {
            QJsonObject args{{u"limit"_s, 2}};
            if (before > 0)
                args.insert(u"before_id"_s, before);
            const QJsonObject r = history(*olga, dialog, args);
            QVERIFY2(r.value(u"ok"_s).toBool(), QJsonDocument(r).toJson().constData());
            const QList<qint64> ids = idsOf(r);
            paged += ids;
            more.append(resultOf(r).value(u"has_more"_s).toBool());
            if (ids.isEmpty())
                break;
            before = ids.last();
        }
        QCOMPARE(paged, all);
        QCOMPARE(more, (QList<bool>{true, true, false, false}));

        // Exactly as many as there are: no more. One fewer: more.
        QCOMPARE(resultOf(history(*olga, dialog, {{u"limit"_s, 6}})).value(u"has_more"_s).toBool(), false);
        QCOMPARE(resultOf(history(*olga, dialog, {{u"limit"_s, 5}})).value(u"has_more"_s).toBool(), true);
        QCOMPARE(idsOf(history(*olga, dialog, {{u"limit"_s, 1}})), QList<qint64>{all.first()});
        QCOMPARE(idsOf(history(*olga, dialog, {{u"limit"_s, 200}})), all);
        QCOMPARE(idsOf(history(*olga, dialog, {{u"before_id"_s, all.at(2)}, {u"limit"_s, 200}})), all.mid(3));
        QCOMPARE(idsOf(history(*olga, dialog, {{u"before_id"_s, all.last()}})), QList<qint64>());

        // Limits are 1-200.
        for (int limit : {0, -1, 201})
            QCOMPARE(errorCode(history(*olga, dialog, {{u"limit"_s, limit}})), u"bad_args"_s);
        QCOMPARE(errorCode(history(*olga, dialog, {{u"limit"_s, u"10"_s}})), u"bad_args"_s);
    }
};

QTEST_GUILESS_MAIN(TestQueueService)
#include "tst_queue_service.moc"
