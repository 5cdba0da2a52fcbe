// The WebSocket protocol against the real server with a real QWebSocket client, on both storage backends:
// hello, commands and their errors, live events, resume from a seq with no gap and no duplicate.
#include "StorageTestBackend.h"
#include "TestServer.h"
#include "WriterGate.h"
#include "net/RawWebSocketClient.h"
#include "storage/Database.h"
#include "storage/EventLog.h"
#include "storage/OpenConnection.h"

#include <QJsonArray>
#include <QScopeGuard>
#include <QTest>

using namespace Qt::StringLiterals;

static QString errorCode(const QJsonObject &reply)
{
    return reply.value(u"error"_s).toObject().value(u"code"_s).toString();
}

class TestWsProtocol : public QObject {
    Q_OBJECT
    StorageTestBackend m_db;
    std::unique_ptr<TestServer> m_server;

    bool startServer(const QStringList &extra = {})
    {
        QFETCH_GLOBAL(bool, tls);
        m_server = std::make_unique<TestServer>();
        const bool ok = m_server->start(m_db.url(), tls, extra);
        if (!ok)
            qWarning("server did not start: %s", qPrintable(m_server->error()));
        return ok;
    }

    // The newest seq of the event log, read from the server's database (-1 when that fails).
    qint64 lastSeq()
    {
        auto c = era::storage::openConnection(m_db.url());
        if (!c)
            return -1;
        auto last = era::storage::eventlog::lastSeq(**c);
        return last ? *last : -1;
    }

private Q_SLOTS:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<bool>("tls");
        QTest::newRow("sqlite-ws") << u"sqlite"_s << false;
        QTest::newRow("postgres-ws") << u"postgres"_s << false;
        QTest::newRow("sqlite-wss") << u"sqlite"_s << true;
    }
    void init()
    {
        m_db.prepare();
        QVERIFY(startServer());
    }
    void cleanup()
    {
        m_server.reset();
        m_db.cleanup();
    }

    void helloWithAValidTokenStartsTheSession()
    {
        WsClient c(*m_server);
        QVERIFY(c.open());
        auto r = c.hello(m_server->adminToken());
        QCOMPARE(r.value(u"ok"_s).toBool(), true);
        const QJsonObject result = r.value(u"result"_s).toObject();
        QCOMPARE(result.value(u"protocol"_s).toInt(), 1);
        QCOMPARE(result.value(u"user"_s).toObject().value(u"login"_s).toString(), u"admin"_s);
        QCOMPARE(result.value(u"resync_required"_s).toBool(), false);
        QVERIFY(result.contains(u"last_seq"_s));
        auto pong = c.call(u"ping"_s);
        QCOMPARE(pong.value(u"ok"_s).toBool(), true);
    }

    void badTokensAreRefusedAndTheConnectionClosed_data()
    {
        QTest::addColumn<QString>("which");
        QTest::addColumn<QString>("code");
        QTest::newRow("unknown") << u"unknown"_s << u"unauthorized"_s;
        QTest::newRow("revoked") << u"revoked"_s << u"token_revoked"_s;
        QTest::newRow("expired") << u"expired"_s << u"token_expired"_s;
    }
    void badTokensAreRefusedAndTheConnectionClosed()
    {
        QFETCH(QString, which);
        QFETCH(QString, code);
        QString token = u"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"_s;
        if (which == u"revoked"_s) {
            token = m_server->createUserAndLogin(u"rita"_s);
            QCOMPARE(m_server->request("POST", u"/api/v1/auth/logout"_s, {}, token).status, 204);
        } else if (which == u"expired"_s) {
            QVERIFY(!m_server->createUserAndLogin(u"eve"_s).isEmpty());
            QVERIFY(m_server->restart({u"--auth.session_ttl_hours=0"_s}));
            token = m_server->login(u"eve"_s, u"pw-eve-123"_s); // born expired
            QVERIFY(!token.isEmpty());
        }
        const qint64 seqBefore = lastSeq();
        QVERIFY(seqBefore >= 0);
        WsClient c(*m_server);
        QVERIFY(c.open());
        auto r = c.hello(token);
        QCOMPARE(r.value(u"ok"_s).toBool(), false);
        QCOMPARE(errorCode(r), code);
        QVERIFY(c.waitClosed());
        QCOMPARE(int(c.socket.closeCode()), 4001);
        QCOMPARE(lastSeq(), seqBefore); // nothing was written
    }

    void helloWithBadArgumentsIsRefusedAndTheConnectionStays_data()
    {
        QTest::addColumn<QByteArray>("args"); // TOKEN stands for a valid token
        QTest::newRow("missing token") << QByteArray(R"({"protocol":1})");
        QTest::newRow("token not a string") << QByteArray(R"({"protocol":1,"token":5})");
        QTest::newRow("since not a number") << QByteArray(R"({"protocol":1,"token":"TOKEN","since":"7"})");
        QTest::newRow("since not whole") << QByteArray(R"({"protocol":1,"token":"TOKEN","since":1.5})");
        QTest::newRow("since negative") << QByteArray(R"({"protocol":1,"token":"TOKEN","since":-1})");
    }
    void helloWithBadArgumentsIsRefusedAndTheConnectionStays()
    {
        QFETCH(QByteArray, args);
        const QString token = m_server->adminToken();
        WsClient c(*m_server);
        QVERIFY(c.open());
        c.sendRaw(R"({"type":"cmd","id":"h1","name":"hello","args":)" +
                  args.replace("TOKEN", token.toLatin1()) + '}');
        const QJsonObject refused = c.reply(u"h1"_s);
        QCOMPARE(refused.value(u"ok"_s).toBool(), false);
        QCOMPARE(errorCode(refused), u"bad_args"_s);
        // Still in the hello phase: a valid hello on the same connection starts the session.
        QCOMPARE(c.socket.state(), QAbstractSocket::ConnectedState);
        QCOMPARE(c.hello(token).value(u"ok"_s).toBool(), true);
        QCOMPARE(c.call(u"ping"_s).value(u"ok"_s).toBool(), true);
    }

    void badFramesGetAnErrorAndTheConnectionStays_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<QString>("code");
        QTest::newRow("malformed JSON") << QByteArray("{\"type\":\"cmd\",") << u"bad_json"_s;
        QTest::newRow("not an object") << QByteArray("[1,2]") << u"bad_json"_s;
        QTest::newRow("missing id") << QByteArray(R"({"type":"cmd","name":"ping"})") << u"bad_frame"_s;
        QTest::newRow("wrong type") << QByteArray(R"({"type":"event","id":"x","name":"ping"})")
                                    << u"bad_frame"_s;
        QTest::newRow("args not an object")
            << QByteArray(R"({"type":"cmd","id":"x","name":"ping","args":5})") << u"bad_frame"_s;
        QTest::newRow("unknown command")
            << QByteArray(R"({"type":"cmd","id":"x","name":"fly"})") << u"unknown_command"_s;
        QTest::newRow("missing argument")
            << QByteArray(R"({"type":"cmd","id":"x","name":"prefs.set","args":{}})") << u"bad_args"_s;
        QTest::newRow("wrong argument type")
            << QByteArray(R"({"type":"cmd","id":"x","name":"prefs.set","args":{"name":5,"value":1}})")
            << u"bad_args"_s;
        QTest::newRow("unknown argument")
            << QByteArray(R"({"type":"cmd","id":"x","name":"ping","args":{"extra":true}})") << u"bad_args"_s;
        QTest::newRow("second hello")
            << QByteArray(R"({"type":"cmd","id":"x","name":"hello","args":{"protocol":1,"token":"t"}})")
            << u"already_authenticated"_s;
    }
    void badFramesGetAnErrorAndTheConnectionStays()
    {
        QFETCH(QByteArray, frame);
        QFETCH(QString, code);
        WsClient c(*m_server);
        QVERIFY(c.open());
        QCOMPARE(c.hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
        const qsizetype before = c.frames.size();
        c.sendRaw(frame);
        QTRY_VERIFY(c.frames.size() > before);
        const QJsonObject r = c.frames.at(before);
        QCOMPARE(r.value(u"type"_s).toString(), u"res"_s);
        QCOMPARE(r.value(u"ok"_s).toBool(), false);
        QCOMPARE(errorCode(r), code);
        QVERIFY(!r.value(u"error"_s).toObject().value(u"message"_s).toString().isEmpty());
        // Still usable, and nothing was stored.
        QCOMPARE(c.call(u"ping"_s).value(u"ok"_s).toBool(), true);
        auto prefs = c.call(u"prefs.get"_s);
        QCOMPARE(prefs.value(u"result"_s).toObject().value(u"prefs"_s).toObject().size(), 0);
    }

    void commandsBeforeHelloAreRefused()
    {
        WsClient c(*m_server);
        QVERIFY(c.open());
        QCOMPARE(errorCode(c.call(u"ping"_s)), u"not_authenticated"_s);
        QCOMPARE(c.hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
    }

    void unsupportedProtocolVersionIsRefused()
    {
        WsClient c(*m_server);
        QVERIFY(c.open());
        auto r = c.call(u"hello"_s, {{u"protocol"_s, 99}, {u"token"_s, m_server->adminToken()}});
        QCOMPARE(errorCode(r), u"unsupported_protocol"_s);
        QVERIFY(c.waitClosed());
    }

    void oversizedFrameClosesWith1009()
    {
        QVERIFY(m_server->restart({u"--ws.max_message_bytes=4096"_s}));
        WsClient c(*m_server);
        QVERIFY(c.open());
        QCOMPARE(c.hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
        const qint64 seqBefore = lastSeq();
        QVERIFY(seqBefore >= 0);
        c.send(u"prefs.set"_s, {{u"name"_s, u"big"_s}, {u"value"_s, QString(8000, u'x')}});
        QVERIFY(c.waitClosed());
        QCOMPARE(int(c.socket.closeCode()), 1009);
        // Nothing was written: no event, no preference.
        QCOMPARE(lastSeq(), seqBefore);
        WsClient again(*m_server);
        QVERIFY(again.open());
        QCOMPARE(again.hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
        QVERIFY(!again.call(u"prefs.get"_s)
                     .value(u"result"_s)
                     .toObject()
                     .value(u"prefs"_s)
                     .toObject()
                     .contains(u"big"_s));
    }

    void silentWebSocketIsPingedThenClosedAfterTheIdleTimeout()
    {
        QFETCH_GLOBAL(bool, tls);
        QVERIFY(m_server->restart({u"--ws.heartbeat_interval=1"_s, u"--ws.idle_timeout=2"_s}));
        RawWebSocketClient client; // never answers a ping
        if (tls)
            client.useTls(TestTls::get().clientConfig);
        QVERIFY(client.upgrade(m_server->port()));
        const auto ping = client.nextFrame(3000);
        QVERIFY(ping);
        QCOMPARE(ping->opcode, quint8(0x9));
        const auto close = client.nextFrame(3000);
        QVERIFY(close);
        QCOMPARE(close->opcode, quint8(0x8));
        QCOMPARE(int(close->closeCode()), 1001);
        QVERIFY(client.waitForDisconnect(5000));
    }

    void webSocketAnsweringPingsOutlivesTheIdleTimeout()
    {
        QVERIFY(m_server->restart({u"--ws.heartbeat_interval=1"_s, u"--ws.idle_timeout=2"_s}));
        WsClient c(*m_server); // QWebSocket answers the server's pings by itself
        QVERIFY(c.open());
        QCOMPARE(c.hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
        QVERIFY(!QTest::qWaitFor([&] { return c.socket.state() != QAbstractSocket::ConnectedState; }, 3500));
        QCOMPARE(c.call(u"ping"_s).value(u"ok"_s).toBool(), true);
    }

    void healthAndReadsAreAnsweredWhileTheWriterIsHeld()
    {
        WsClient c(*m_server);
        QVERIFY(c.open());
        QCOMPARE(c.hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);

        auto gate = std::make_shared<WriterGate>();
        const auto release = qScopeGuard([gate] { gate->open(); }); // a failing check must not hang the stop
        QObject context;
        bool heldWriteDone = false;
        m_server->database().write<int>(
            &context,
            [gate](era::storage::WriteTx &) -> era::Result<int> {
                if (era::Status s = gate->holdWriter(); !s)
                    return s.error();
                return 1;
            },
            [&heldWriteDone](era::Result<int> r) { heldWriteDone = r.ok(); });
        QTRY_VERIFY(gate->writerIsHeld());
        const QString queuedWrite = c.send(u"prefs.set"_s, {{u"name"_s, u"queued"_s}, {u"value"_s, 1}});

        const HttpResult health = m_server->request("GET", u"/healthz"_s);
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json.value(u"database"_s).toString(), u"ok"_s);
        const QJsonObject prefs = c.call(u"prefs.get"_s, {}); // a read, on a reader thread
        QCOMPARE(prefs.value(u"ok"_s).toBool(), true);
        QVERIFY(!prefs.value(u"result"_s).toObject().value(u"prefs"_s).toObject().contains(u"queued"_s));
        QVERIFY(!heldWriteDone);
        QVERIFY(c.reply(queuedWrite, 0).isEmpty()); // waits behind the held write

        gate->open();
        QTRY_VERIFY(heldWriteDone);
        QCOMPARE(c.reply(queuedWrite).value(u"ok"_s).toBool(), true);
    }

    void silentConnectionsAreClosedAfterTheHelloTimeout()
    {
        QVERIFY(m_server->restart({u"--ws.hello_timeout=1"_s}));
        WsClient c(*m_server);
        QVERIFY(c.open());
        QVERIFY(c.waitClosed(5000));
        QCOMPARE(int(c.socket.closeCode()), 4008);
    }

    void eventsReachOnlyTheirAudience()
    {
        const QString opToken = m_server->createUserAndLogin(u"oleg"_s);
        WsClient admin(*m_server), op(*m_server);
        QVERIFY(admin.open() && op.open());
        QCOMPARE(admin.hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
        QCOMPARE(op.hello(opToken).value(u"ok"_s).toBool(), true);

        // Admins see user.created; the operator only sees its own prefs.changed.
        QCOMPARE(admin.call(u"users.create"_s, {{u"login"_s, u"nina"_s}, {u"password"_s, u"12345678"_s}})
                     .value(u"ok"_s)
                     .toBool(),
                 true);
        auto created = admin.waitEvent(u"user.created"_s);
        QCOMPARE(created.value(u"data"_s).toObject().value(u"user"_s).toObject().value(u"login"_s).toString(),
                 u"nina"_s);
        QVERIFY(created.value(u"seq"_s).toInteger() > 0);

        QCOMPARE(
            op.call(u"prefs.set"_s, {{u"name"_s, u"lang"_s}, {u"value"_s, u"ru"_s}}).value(u"ok"_s).toBool(),
            true);
        auto changed = op.waitEvent(u"prefs.changed"_s);
        QCOMPARE(changed.value(u"data"_s).toObject().value(u"value"_s).toString(), u"ru"_s);
        for (const QJsonObject &e : op.eventsAfterQuiet())
            QVERIFY2(e.value(u"name"_s).toString() != u"user.created"_s,
                     "an operator saw an admin-only event");
        for (const QJsonObject &e : admin.eventsAfterQuiet())
            QVERIFY2(e.value(u"name"_s).toString() != u"prefs.changed"_s,
                     "an admin saw another user's prefs");
    }

    void resumeDeliversExactlyTheMissedEventsInOrder()
    {
        const QString token = m_server->adminToken();
        WsClient first(*m_server);
        QVERIFY(first.open());
        QCOMPARE(first.hello(token).value(u"ok"_s).toBool(), true);
        QCOMPARE(first.call(u"prefs.set"_s, {{u"name"_s, u"a"_s}, {u"value"_s, 1}}).value(u"ok"_s).toBool(),
                 true);
        const qint64 seen = first.waitEvent(u"prefs.changed"_s).value(u"seq"_s).toInteger();
        QVERIFY(seen > 0);
        first.socket.close();
        QVERIFY(first.waitClosed());

        // While disconnected: 30 events for this admin, and one it must not see.
        const QString other = m_server->createUserAndLogin(u"quiet"_s);
        WsClient writer(*m_server);
        QVERIFY(writer.open());
        QCOMPARE(writer.hello(token).value(u"ok"_s).toBool(), true);
        for (int i = 0; i < 29; ++i)
            QCOMPARE(writer.call(u"prefs.set"_s, {{u"name"_s, u"k%1"_s.arg(i)}, {u"value"_s, i}})
                         .value(u"ok"_s)
                         .toBool(),
                     true);
        WsClient otherClient(*m_server);
        QVERIFY(otherClient.open());
        QCOMPARE(otherClient.hello(other).value(u"ok"_s).toBool(), true);
        QCOMPARE(otherClient.call(u"prefs.set"_s, {{u"name"_s, u"secret"_s}, {u"value"_s, 1}})
                     .value(u"ok"_s)
                     .toBool(),
                 true);

        WsClient again(*m_server);
        QVERIFY(again.open());
        auto hello = again.hello(token, seen);
        QCOMPARE(hello.value(u"ok"_s).toBool(), true);
        QCOMPARE(hello.value(u"result"_s).toObject().value(u"resync_required"_s).toBool(), false);
        // Keep writing while the replay runs: live events must follow with no gap and no duplicate.
        writer.send(u"prefs.set"_s, {{u"name"_s, u"late"_s}, {u"value"_s, true}});
        const QList<QJsonObject> events = again.eventsAfterQuiet(500);
        QList<qint64> seqs;
        QStringList prefNames;
        for (const QJsonObject &e : events) {
            seqs.append(e.value(u"seq"_s).toInteger());
            if (e.value(u"name"_s).toString() == u"prefs.changed"_s)
                prefNames.append(e.value(u"data"_s).toObject().value(u"name"_s).toString());
        }
        QVERIFY(!prefNames.contains(u"secret"_s));
        QVERIFY(!prefNames.contains(u"a"_s)); // seen before the disconnect
        QCOMPARE(prefNames.size(), 30);       // k0..k28 and late
        QCOMPARE(prefNames.last(), u"late"_s);
        for (qsizetype i = 1; i < seqs.size(); ++i)
            QVERIFY2(seqs.at(i) > seqs.at(i - 1), "events out of order or duplicated");
        QVERIFY(seqs.first() > seen);
    }

    void resumeFromBeyondTheLogAsksForResync()
    {
        WsClient c(*m_server);
        QVERIFY(c.open());
        auto hello = c.hello(m_server->adminToken(), 1000000);
        QCOMPARE(hello.value(u"ok"_s).toBool(), true);
        QCOMPARE(hello.value(u"result"_s).toObject().value(u"resync_required"_s).toBool(), true);
        // Live from here on.
        QCOMPARE(c.call(u"prefs.set"_s, {{u"name"_s, u"x"_s}, {u"value"_s, 1}}).value(u"ok"_s).toBool(),
                 true);
        QVERIFY(!c.waitEvent(u"prefs.changed"_s).isEmpty());
    }

    void resumeTooFarBackAsksForResync()
    {
        QVERIFY(m_server->restart({u"--ws.replay_limit=5"_s}));
        WsClient c(*m_server);
        QVERIFY(c.open());
        QCOMPARE(c.hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
        for (int i = 0; i < 10; ++i)
            QCOMPARE(c.call(u"prefs.set"_s, {{u"name"_s, u"p%1"_s.arg(i)}, {u"value"_s, i}})
                         .value(u"ok"_s)
                         .toBool(),
                     true);
        WsClient late(*m_server);
        QVERIFY(late.open());
        auto hello = late.hello(m_server->adminToken(), 0);
        QCOMPARE(hello.value(u"result"_s).toObject().value(u"resync_required"_s).toBool(), true);
        QVERIFY(late.eventsAfterQuiet(300).isEmpty());
    }

    void resumeFromPrunedEventsAsksForResync()
    {
        WsClient c(*m_server);
        QVERIFY(c.open());
        QCOMPARE(c.hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(c.call(u"prefs.set"_s, {{u"name"_s, u"p%1"_s.arg(i)}, {u"value"_s, i}})
                         .value(u"ok"_s)
                         .toBool(),
                     true);
        {
            // Prune everything but the newest event, as the retention timer would after a month.
            auto db = m_db.openDatabase();
            QVERIFY(db);
            auto pruned = db->writeSync<qint64>([](era::storage::WriteTx &tx) {
                return era::storage::eventlog::prune(tx, QDateTime::currentMSecsSinceEpoch() + 60000);
            });
            QVERIFY(pruned && *pruned > 0);
        }
        WsClient late(*m_server);
        QVERIFY(late.open());
        auto hello = late.hello(m_server->adminToken(), 1);
        QCOMPARE(hello.value(u"result"_s).toObject().value(u"resync_required"_s).toBool(), true);
        QVERIFY(late.eventsAfterQuiet(300).isEmpty());
    }

    void logoutRepliesThenClosesTheConnection()
    {
        const QString token = m_server->createUserAndLogin(u"leo"_s);
        WsClient c(*m_server);
        QVERIFY(c.open());
        QCOMPARE(c.hello(token).value(u"ok"_s).toBool(), true);
        QCOMPARE(c.call(u"logout"_s).value(u"ok"_s).toBool(), true);
        QVERIFY(c.waitClosed());
        QCOMPARE(int(c.socket.closeCode()), 1000);
        QCOMPARE(m_server->request("GET", u"/api/v1/me"_s, {}, token).status, 401);
    }

    void revokedSessionsAreToldAndDisconnected()
    {
        const QString token = m_server->createUserAndLogin(u"lev"_s);
        WsClient c(*m_server);
        QVERIFY(c.open());
        const QJsonObject hello = c.hello(token);
        QCOMPARE(hello.value(u"ok"_s).toBool(), true);
        const qint64 id =
            hello.value(u"result"_s).toObject().value(u"user"_s).toObject().value(u"id"_s).toInteger();
        auto r =
            m_server->request("DELETE", u"/api/v1/users/%1/sessions"_s.arg(id), {}, m_server->adminToken());
        QCOMPARE(r.status, 200);
        QCOMPARE(
            c.waitEvent(u"session.revoked"_s).value(u"data"_s).toObject().value(u"user_id"_s).toInteger(),
            id);
        QVERIFY(c.waitClosed());
        QCOMPARE(int(c.socket.closeCode()), 4003);
    }

    void revokingOwnSessionsRepliesBeforeClosing()
    {
        WsClient c(*m_server);
        QVERIFY(c.open());
        const QJsonObject hello = c.hello(m_server->adminToken());
        const qint64 me =
            hello.value(u"result"_s).toObject().value(u"user"_s).toObject().value(u"id"_s).toInteger();
        auto r = c.call(u"users.revoke_sessions"_s, {{u"id"_s, me}});
        QCOMPARE(r.value(u"ok"_s).toBool(), true);
        QVERIFY(r.value(u"result"_s).toObject().value(u"revoked"_s).toInt() >= 1);
        QVERIFY(c.waitClosed());
        QCOMPARE(int(c.socket.closeCode()), 4003);
    }

    void meFollowsChangesToTheUser()
    {
        WsClient c(*m_server);
        QVERIFY(c.open());
        const QJsonObject hello = c.hello(m_server->adminToken());
        const qint64 me =
            hello.value(u"result"_s).toObject().value(u"user"_s).toObject().value(u"id"_s).toInteger();
        QCOMPARE(c.call(u"users.update"_s, {{u"id"_s, me}, {u"display_name"_s, u"Главный"_s}})
                     .value(u"ok"_s)
                     .toBool(),
                 true);
        QVERIFY(!c.waitEvent(u"user.updated"_s).isEmpty());
        const QJsonObject user = c.call(u"me"_s).value(u"result"_s).toObject().value(u"user"_s).toObject();
        QCOMPARE(user.value(u"display_name"_s).toString(), u"Главный"_s);
    }

    void userIdsMustBeWholeNumbers()
    {
        WsClient c(*m_server);
        QVERIFY(c.open());
        QCOMPARE(c.hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
        QCOMPARE(errorCode(c.call(u"users.update"_s, {{u"id"_s, 1.5}, {u"disabled"_s, true}})),
                 u"bad_args"_s);
        QCOMPARE(errorCode(c.call(u"users.update"_s, {{u"disabled"_s, true}})), u"bad_args"_s);
    }

    void operatorsCannotRunAdminCommands()
    {
        const QString token = m_server->createUserAndLogin(u"max"_s);
        WsClient c(*m_server);
        QVERIFY(c.open());
        QCOMPARE(c.hello(token).value(u"ok"_s).toBool(), true);
        QCOMPARE(errorCode(c.call(u"users.list"_s)), u"forbidden"_s);
        QCOMPARE(
            errorCode(c.call(u"users.create"_s, {{u"login"_s, u"x1"_s}, {u"password"_s, u"12345678"_s}})),
            u"forbidden"_s);
        QCOMPARE(errorCode(c.call(u"users.update"_s, {{u"id"_s, 1}, {u"disabled"_s, true}})), u"forbidden"_s);
        QCOMPARE(errorCode(c.call(u"users.revoke_sessions"_s, {{u"id"_s, 1}})), u"forbidden"_s);
    }
};

QTEST_GUILESS_MAIN(TestWsProtocol)
#include "tst_ws_protocol.moc"
