// The era-server binary as an operator runs it: killed with SIGKILL in the middle of a burst of
// acknowledged writes, stopped with SIGTERM or SIGINT in the middle of one, refused on a database newer than
// itself, and its `user`, `queue` and `channel` commands.
#include "StorageTestBackend.h"
#include "TestServer.h"
#include "storage/OpenConnection.h"
#include "telegram/FakeTelegram.h"

#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <csignal>

using namespace Qt::StringLiterals;

// One era-server process on a data directory and database of the test's.
class ServerProcess {
public:
    ServerProcess(const QString &dataDir, const QString &dbUrl) : m_dataDir(dataDir), m_dbUrl(dbUrl) {}
    ~ServerProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    static QString binary() { return qEnvironmentVariable("ERA_SERVER_BINARY"); }

    QStringList baseArgs() const
    {
        return {u"--data_dir="_s + m_dataDir, u"--database.url="_s + m_dbUrl, u"--auth.argon2_ops=1"_s,
                u"--auth.argon2_memory_kib=8192"_s, u"--log.level=info"_s};
    }

    // Starts and waits for "listening on <url>".
    bool start(const QStringList &extra = {})
    {
        m_output.clear();
        m_process.setProgram(binary());
        m_process.setArguments(baseArgs() + QStringList{u"--http.port=0"_s} + extra);
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start();
        if (!m_process.waitForStarted(10000))
            return false;
        static const QRegularExpression listening(u"listening on (\\S+)"_s);
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 30000) {
            m_process.waitForReadyRead(200);
            m_output += m_process.readAll();
            const auto m = listening.match(QString::fromUtf8(m_output));
            if (m.hasMatch()) {
                m_url = m.captured(1);
                static const QRegularExpression pw(u"password: (\\S+)"_s);
                const auto p = pw.match(QString::fromUtf8(m_output));
                if (p.hasMatch())
                    m_adminPassword = p.captured(1);
                return true;
            }
            if (m_process.state() == QProcess::NotRunning)
                return false;
        }
        return false;
    }

    int runToEnd(const QStringList &args, QByteArray *output, const QByteArray &stdinData = {})
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(binary(), baseArgs() + args);
        p.write(stdinData);
        p.closeWriteChannel();
        p.waitForFinished(60000);
        *output = p.readAll();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    void signal(int sig)
    {
        if (m_process.processId() > 0) // never 0: that would signal our own process group
            ::kill(pid_t(m_process.processId()), sig);
    }
    bool waitFinished(int ms = 20000)
    {
        const bool done = m_process.state() == QProcess::NotRunning || m_process.waitForFinished(ms);
        m_output += m_process.readAll();
        return done;
    }
    // Reads the output until it contains `text` (or the process ended, or the timeout).
    bool waitForOutput(const QByteArray &text, int ms = 10000)
    {
        QElapsedTimer t;
        t.start();
        while (!m_output.contains(text) && t.elapsed() < ms && m_process.state() != QProcess::NotRunning) {
            m_process.waitForReadyRead(50);
            m_output += m_process.readAll();
        }
        m_output += m_process.readAll();
        return m_output.contains(text);
    }
    int exitCode() const { return m_process.exitCode(); }
    QProcess::ExitStatus exitStatus() const { return m_process.exitStatus(); }
    QString url() const { return m_url; }
    QString adminPassword() const { return m_adminPassword; }
    QByteArray output() const { return m_output; }

private:
    QString m_dataDir;
    QString m_dbUrl;
    QProcess m_process;
    QByteArray m_output;
    QString m_url;
    QString m_adminPassword;
};

// A minimal client of a server process: REST login and a WebSocket session.
class ProcessClient {
public:
    explicit ProcessClient(const QString &url) : m_url(url) {}

    QString login(const QString &login, const QString &password)
    {
        QNetworkRequest req(QUrl(m_url + u"/api/v1/auth/login"_s));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        QNetworkReply *r =
            m_nam.post(req, QJsonDocument(QJsonObject{{u"login"_s, login}, {u"password"_s, password}})
                                .toJson(QJsonDocument::Compact));
        QSignalSpy done(r, &QNetworkReply::finished);
        done.wait(15000);
        const QString token = QJsonDocument::fromJson(r->readAll()).object().value(u"token"_s).toString();
        r->deleteLater();
        return token;
    }

    bool open(QWebSocket &ws, const QString &token, QList<QJsonObject> &frames)
    {
        QObject::connect(&ws, &QWebSocket::textMessageReceived, [&frames](const QString &t) {
            frames.append(QJsonDocument::fromJson(t.toUtf8()).object());
        });
        QSignalSpy connected(&ws, &QWebSocket::connected);
        QString wsUrl = m_url + u"/api/v1/ws"_s;
        wsUrl.replace(0, 4, u"ws"_s);
        ws.open(QUrl(wsUrl));
        if (!connected.wait(10000))
            return false;
        ws.sendTextMessage(QString::fromUtf8(
            QJsonDocument(QJsonObject{{u"type"_s, u"cmd"_s},
                                      {u"id"_s, u"hello"_s},
                                      {u"name"_s, u"hello"_s},
                                      {u"args"_s, QJsonObject{{u"protocol"_s, 1}, {u"token"_s, token}}}})
                .toJson(QJsonDocument::Compact)));
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 10000) {
            for (const QJsonObject &f : std::as_const(frames))
                if (f.value(u"id"_s) == u"hello"_s)
                    return f.value(u"ok"_s).toBool();
            QSignalSpy more(&ws, &QWebSocket::textMessageReceived);
            more.wait(100);
        }
        return false;
    }

    static void command(QWebSocket &ws, const QString &id, const QString &name, const QJsonObject &args)
    {
        ws.sendTextMessage(QString::fromUtf8(
            QJsonDocument(
                QJsonObject{{u"type"_s, u"cmd"_s}, {u"id"_s, id}, {u"name"_s, name}, {u"args"_s, args}})
                .toJson(QJsonDocument::Compact)));
    }

    // The stored preferences of the logged-in user.
    QJsonObject prefs(const QString &token)
    {
        QWebSocket ws;
        QList<QJsonObject> frames;
        if (!open(ws, token, frames))
            return {};
        command(ws, u"p"_s, u"prefs.get"_s, {});
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 10000) {
            for (const QJsonObject &f : std::as_const(frames))
                if (f.value(u"id"_s) == u"p"_s)
                    return f.value(u"result"_s).toObject().value(u"prefs"_s).toObject();
            QSignalSpy more(&ws, &QWebSocket::textMessageReceived);
            more.wait(100);
        }
        return {};
    }

private:
    QString m_url;
    QNetworkAccessManager m_nam;
};

// What a connection attempted now gets: "refused", "closed" (accepted, then closed with no answer), or the
// status line of the answer it was given.
static QByteArray newConnectionOutcome(const QUrl &url)
{
    QTcpSocket socket;
    socket.connectToHost(url.host(), quint16(url.port()));
    (void)QTest::qWaitFor(
        [&] {
            return socket.state() == QAbstractSocket::ConnectedState ||
                   socket.state() == QAbstractSocket::UnconnectedState;
        },
        5000);
    if (socket.state() != QAbstractSocket::ConnectedState)
        return "refused";
    socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    QByteArray answer;
    (void)QTest::qWaitFor(
        [&] {
            answer += socket.readAll();
            return answer.contains("\r\n") || socket.state() == QAbstractSocket::UnconnectedState;
        },
        10000);
    answer += socket.readAll();
    return answer.isEmpty() ? QByteArray("closed") : answer.left(answer.indexOf("\r\n"));
}

class TestServerProcess : public QObject {
    Q_OBJECT
    StorageTestBackend m_db;
    std::unique_ptr<QTemporaryDir> m_dataDir;

    // Sends `count` prefs.set commands over `clients` connections, a few at a time while reading the answers;
    // runs `duringBurst` once `stopAfterAcks` of them are acknowledged (ok) and goes on sending the rest.
    // Returns the names acknowledged by the time every connection is closed (or the timeout).
    QSet<QString> burst(ServerProcess &server, int clients, int count, int stopAfterAcks,
                        const std::function<void()> &duringBurst)
    {
        ProcessClient client(server.url());
        const QString token = client.login(u"admin"_s, server.adminPassword());
        std::vector<std::unique_ptr<QWebSocket>> sockets;
        std::vector<QList<QJsonObject>> frames(static_cast<size_t>(clients));
        for (int c = 0; c < clients; ++c) {
            sockets.push_back(std::make_unique<QWebSocket>());
            if (!client.open(*sockets.back(), token, frames[size_t(c)])) {
                qWarning("could not open WebSocket %d", c);
                duringBurst();
                return {};
            }
        }
        QSet<QString> acked;
        const auto collect = [&] {
            for (const auto &list : frames)
                for (const QJsonObject &f : list)
                    if (f.value(u"type"_s) == u"res"_s && f.value(u"ok"_s).toBool() &&
                        f.value(u"id"_s).toString().startsWith(u'w'))
                        acked.insert(f.value(u"id"_s).toString());
        };
        int sent = 0;
        bool fired = false;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 30000 && !(fired && sent == count)) {
            for (int k = 0; k < 4 * clients && sent < count; ++k, ++sent)
                ProcessClient::command(*sockets[size_t(sent % clients)], u"w%1"_s.arg(sent), u"prefs.set"_s,
                                       {{u"name"_s, u"w%1"_s.arg(sent)}, {u"value"_s, sent}});
            QSignalSpy more(sockets.front().get(), &QWebSocket::textMessageReceived);
            more.wait(5);
            collect();
            if (!fired && acked.size() >= stopAfterAcks) {
                fired = true;
                duringBurst();
            }
        }
        if (!fired)
            duringBurst();
        // Acks that were already on the wire when the server stopped count too.
        (void)QTest::qWaitFor(
            [&] {
                return std::all_of(sockets.begin(), sockets.end(), [](const auto &ws) {
                    return ws->state() == QAbstractSocket::UnconnectedState;
                });
            },
            15000);
        collect();
        return acked;
    }

private Q_SLOTS:
    void initTestCase_data() { StorageTestBackend::addBackendRows(); }
    void initTestCase() { QVERIFY2(QFile::exists(ServerProcess::binary()), "ERA_SERVER_BINARY not found"); }
    void init()
    {
        m_db.prepare();
        m_dataDir = std::make_unique<QTemporaryDir>();
    }
    void cleanup()
    {
        m_dataDir.reset();
        m_db.cleanup();
    }

    void firstStartPrintsTheAdminPasswordOnce()
    {
        ServerProcess server(m_dataDir->path(), m_db.url());
        QVERIFY2(server.start(), server.output().constData());
        QVERIFY(!server.adminPassword().isEmpty());
        server.signal(SIGTERM);
        QVERIFY(server.waitFinished());
        ServerProcess again(m_dataDir->path(), m_db.url());
        QVERIFY2(again.start(), again.output().constData());
        QVERIFY(again.adminPassword().isEmpty());
        ProcessClient client(again.url());
        QVERIFY(!client.login(u"admin"_s, server.adminPassword()).isEmpty());
    }

    void everyAcknowledgedWriteSurvivesSigkill()
    {
        QSet<QString> acked;
        QString password;
        {
            ServerProcess server(m_dataDir->path(), m_db.url());
            QVERIFY2(server.start(), server.output().constData());
            password = server.adminPassword();
            acked = burst(server, 4, 2000, 300, [&] { server.signal(SIGKILL); });
            QVERIFY(server.waitFinished());
            QCOMPARE(server.exitStatus(), QProcess::CrashExit);
        }
        QVERIFY2(acked.size() >= 300, qPrintable(u"only %1 acks before the kill"_s.arg(acked.size())));
        ServerProcess restarted(m_dataDir->path(), m_db.url());
        QVERIFY2(restarted.start(), restarted.output().constData());
        ProcessClient client(restarted.url());
        const QJsonObject stored = client.prefs(client.login(u"admin"_s, password));
        QVERIFY(!stored.isEmpty());
        for (const QString &name : std::as_const(acked)) {
            QVERIFY2(stored.contains(name), qPrintable(u"acknowledged write %1 was lost"_s.arg(name)));
            QCOMPARE(stored.value(name).toInt(), name.mid(1).toInt());
        }
        qInfo("%lld acknowledged before SIGKILL, %lld stored after restart", qint64(acked.size()),
              qint64(stored.size()));
    }

    void aStopSignalMidBurstKeepsEveryAcknowledgedWriteAndExitsCleanly_data()
    {
        QTest::addColumn<int>("signal");
        QTest::newRow("SIGTERM") << SIGTERM;
        QTest::newRow("SIGINT") << SIGINT;
    }
    void aStopSignalMidBurstKeepsEveryAcknowledgedWriteAndExitsCleanly()
    {
        QFETCH(int, signal);
        const int graceSeconds = 5;
        ServerProcess server(m_dataDir->path(), m_db.url());
        QVERIFY2(server.start({u"--shutdown.grace_seconds=%1"_s.arg(graceSeconds)}),
                 server.output().constData());
        const QString password = server.adminPassword();
        const QUrl url(server.url());
        QElapsedTimer sinceSignal;
        bool sawShutdown = false;
        QByteArray lateConnection;
        const QSet<QString> acked = burst(server, 4, 2000, 100, [&] {
            server.signal(signal);
            sinceSignal.start();
            // Once the server says it stopped accepting, a new connection must not be served.
            sawShutdown = server.waitForOutput("shutting down");
            lateConnection = newConnectionOutcome(url);
        });
        QVERIFY2(sawShutdown, server.output().constData());
        QVERIFY2(lateConnection == "refused" || lateConnection == "closed", lateConnection.constData());
        QVERIFY(server.waitFinished(3 * graceSeconds * 1000));
        const qint64 stopMs = sinceSignal.elapsed();
        QCOMPARE(server.exitStatus(), QProcess::NormalExit);
        QCOMPARE(server.exitCode(), 0);
        QVERIFY2(stopMs < (graceSeconds + 5) * 1000, qPrintable(u"stopping took %1 ms"_s.arg(stopMs)));
        QVERIFY2(server.output().contains("stopped"), server.output().constData());
        QVERIFY2(acked.size() >= 100, qPrintable(u"only %1 acks before the signal"_s.arg(acked.size())));

        ServerProcess restarted(m_dataDir->path(), m_db.url());
        QVERIFY2(restarted.start(), restarted.output().constData());
        ProcessClient client(restarted.url());
        const QJsonObject stored = client.prefs(client.login(u"admin"_s, password));
        for (const QString &name : acked) {
            QVERIFY2(stored.contains(name), qPrintable(u"acknowledged write %1 was lost"_s.arg(name)));
            QCOMPARE(stored.value(name).toInt(), name.mid(1).toInt());
        }
        qInfo("%lld acknowledged, %lld stored; stopped %lld ms after the signal", qint64(acked.size()),
              qint64(stored.size()), stopMs);
    }

    void databaseNewerThanTheBinaryIsRefused()
    {
        {
            ServerProcess server(m_dataDir->path(), m_db.url());
            QVERIFY2(server.start(), server.output().constData());
            server.signal(SIGTERM);
            QVERIFY(server.waitFinished());
        }
        auto c = era::storage::openConnection(m_db.url());
        ERA_VERIFY_OK(c);
        auto r = (*c)->exec(
            u"INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)"_s);
        ERA_VERIFY_OK(r);
        ServerProcess server(m_dataDir->path(), m_db.url());
        QVERIFY(!server.start());
        QVERIFY(server.waitFinished());
        QCOMPARE(server.exitCode(), 1);
        QVERIFY2(server.output().contains("9999"), server.output().constData());
    }

    void userCommandsManageAccounts()
    {
        ServerProcess cli(m_dataDir->path(), m_db.url());
        QByteArray out;
        QCOMPARE(cli.runToEnd({u"user"_s, u"add"_s, u"Bob"_s, u"--role"_s, u"supervisor"_s, u"--name"_s,
                               u"Bob Stone"_s},
                              &out),
                 0);
        QVERIFY2(out.contains("created supervisor 'bob'"), out.constData());
        const QString generated =
            QRegularExpression(u"password: (\\S+)"_s).match(QString::fromUtf8(out)).captured(1);
        QVERIFY(!generated.isEmpty());

        QCOMPARE(
            cli.runToEnd({u"user"_s, u"passwd"_s, u"bob"_s, u"--password-stdin"_s}, &out, "typed-pass-1\n"),
            0);
        QCOMPARE(cli.runToEnd({u"user"_s, u"list"_s}, &out), 0);
        QVERIFY2(out.contains("bob") && out.contains("supervisor") && out.contains("Bob Stone"),
                 out.constData());

        // Mistakes are refused with the reason and change nothing.
        QCOMPARE(cli.runToEnd({u"user"_s, u"add"_s, u"bob"_s}, &out), 1);
        QVERIFY2(out.contains("already exists"), out.constData());
        QCOMPARE(cli.runToEnd({u"user"_s, u"add"_s, u"x1"_s, u"--role"_s, u"king"_s}, &out), 1);
        QCOMPARE(cli.runToEnd({u"user"_s, u"fly"_s}, &out), 2);
        QCOMPARE(cli.runToEnd({u"user"_s, u"passwd"_s, u"bob"_s, u"--password-stdin"_s}, &out, "short\n"), 1);

        ServerProcess server(m_dataDir->path(), m_db.url());
        QVERIFY2(server.start(), server.output().constData());
        ProcessClient client(server.url());
        QVERIFY(client.login(u"bob"_s, generated).isEmpty());
        QVERIFY(!client.login(u"bob"_s, u"typed-pass-1"_s).isEmpty());
        QCOMPARE(cli.runToEnd({u"user"_s, u"disable"_s, u"bob"_s}, &out), 0);
        QVERIFY(client.login(u"bob"_s, u"typed-pass-1"_s).isEmpty());
    }

    // The command line writes to the running server's database: its events reach the server's live
    // sessions, so a disabled user is signed out at once and the admins' user lists change while they look.
    void aUserDisabledFromTheCommandLineIsSignedOutLiveAndAdminsSeeIt()
    {
        ServerProcess server(m_dataDir->path(), m_db.url());
        QVERIFY2(server.start(), server.output().constData());
        ProcessClient client(server.url());
        QWebSocket adminWs;
        QList<QJsonObject> adminFrames;
        QVERIFY(client.open(adminWs, client.login(u"admin"_s, server.adminPassword()), adminFrames));

        ServerProcess cli(m_dataDir->path(), m_db.url());
        QByteArray out;
        QCOMPARE(
            cli.runToEnd({u"user"_s, u"add"_s, u"carol"_s, u"--password-stdin"_s}, &out, "carol-pass-1\n"),
            0);
        const auto eventAboutCarol = [&](const QString &name) {
            return std::any_of(adminFrames.cbegin(), adminFrames.cend(), [&](const QJsonObject &f) {
                return f.value(u"type"_s) == u"event"_s && f.value(u"name"_s) == name &&
                       f.value(u"data"_s)[u"user"_s][u"login"_s] == u"carol"_s;
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(eventAboutCarol(u"user.created"_s), 10000);

        QWebSocket carolWs;
        QList<QJsonObject> carolFrames;
        QVERIFY(client.open(carolWs, client.login(u"carol"_s, u"carol-pass-1"_s), carolFrames));
        QCOMPARE(cli.runToEnd({u"user"_s, u"disable"_s, u"carol"_s}, &out), 0);
        QTRY_COMPARE_WITH_TIMEOUT(carolWs.state(), QAbstractSocket::UnconnectedState, 10000);
        QCOMPARE(int(carolWs.closeCode()), 4003);
        QVERIFY(std::any_of(carolFrames.cbegin(), carolFrames.cend(),
                            [](const QJsonObject &f) { return f.value(u"name"_s) == u"session.revoked"_s; }));
        QTRY_VERIFY_WITH_TIMEOUT(eventAboutCarol(u"user.updated"_s), 10000);
        QCOMPARE(adminWs.state(), QAbstractSocket::ConnectedState);

        // Every event the admin got live came in seq order, once, and none of the log's was left out.
        QList<qint64> seqs;
        for (const QJsonObject &f : std::as_const(adminFrames))
            if (f.value(u"type"_s) == u"event"_s)
                seqs.append(f.value(u"seq"_s).toInteger());
        QVERIFY(std::is_sorted(seqs.cbegin(), seqs.cend()));
        QCOMPARE(QSet<qint64>(seqs.cbegin(), seqs.cend()).size(), seqs.size());
        auto c = era::storage::openConnection(m_db.url());
        QVERIFY(c);
        auto logged = (*c)->exec(u"SELECT COUNT(*) FROM events WHERE seq >= $1 AND seq <= $2 AND "
                                 "audience LIKE '%role:admin%'"_s,
                                 {seqs.first(), seqs.last()});
        QVERIFY(logged);
        QCOMPARE(logged->at(0, 0).toLongLong(), qint64(seqs.size()));
    }

    void queueAndChannelCommandsPrepareAChannel()
    {
        ServerProcess cli(m_dataDir->path(), m_db.url());
        QByteArray out;
        QCOMPARE(cli.runToEnd({u"queue"_s, u"add"_s, u"Sales"_s, u"--offer-timeout"_s, u"20"_s}, &out), 0);
        QCOMPARE(cli.runToEnd({u"user"_s, u"add"_s, u"anna"_s}, &out), 0);
        QCOMPARE(cli.runToEnd({u"queue"_s, u"members"_s, u"Sales"_s, u"anna:3"_s}, &out), 0);
        QCOMPARE(cli.runToEnd({u"queue"_s, u"members"_s, u"Sales"_s, u"nobody"_s}, &out), 1);
        QVERIFY2(out.contains("nobody"), out.constData());
        QCOMPARE(
            cli.runToEnd({u"channel"_s, u"add"_s, u"telegram"_s, u"Shop"_s, u"--token"_s, u"not-a-token"_s},
                         &out),
            1);
        QVERIFY2(out.contains("token"), out.constData());
        QCOMPARE(cli.runToEnd({u"channel"_s, u"add"_s, u"telegram"_s, u"Shop"_s, u"--token"_s,
                               u"123456:ABCdef-ghi_jkl"_s, u"--api-base-url"_s, u"http://127.0.0.1:9"_s,
                               u"--queue"_s, u"Sales"_s},
                              &out),
                 0);
        QCOMPARE(cli.runToEnd({u"channel"_s, u"list"_s}, &out), 0);
        QVERIFY2(out.contains("telegram") && out.contains("Shop"), out.constData());
        QVERIFY(!out.contains("ABCdef"));

        // The server creates its admin although users exist, and shows the channel without its token.
        ServerProcess server(m_dataDir->path(), m_db.url());
        QVERIFY2(server.start(), server.output().constData());
        QVERIFY(!server.adminPassword().isEmpty());
        ProcessClient client(server.url());
        const QString token = client.login(u"admin"_s, server.adminPassword());
        QNetworkAccessManager nam;
        QNetworkRequest req(QUrl(server.url() + u"/api/v1/channels"_s));
        req.setRawHeader("Authorization", "Bearer " + token.toLatin1());
        QNetworkReply *r = nam.get(req);
        QSignalSpy done(r, &QNetworkReply::finished);
        QVERIFY(done.wait(10000));
        const QByteArray body = r->readAll();
        r->deleteLater();
        QVERIFY2(body.contains("\"has_credentials\":true") && body.contains("Shop"), body.constData());
        QVERIFY(!body.contains("ABCdef"));
    }

    // channel update / enable / disable / delete by name or id, through the same rules as the API, and every
    // mistake refused with the reason and nothing changed.
    void channelCommandsUpdateEnableDisableAndDeleteChannels()
    {
        ServerProcess cli(m_dataDir->path(), m_db.url());
        QByteArray out;
        const QString token = u"123456:ABCdef-ghi_jkl"_s;
        QCOMPARE(cli.runToEnd({u"queue"_s, u"add"_s, u"Sales"_s}, &out), 0);
        QCOMPARE(cli.runToEnd({u"queue"_s, u"add"_s, u"Night"_s}, &out), 0);
        const qint64 night =
            QRegularExpression(u"id (\\d+)"_s).match(QString::fromUtf8(out)).captured(1).toLongLong();
        QVERIFY(night > 0);
        QCOMPARE(cli.runToEnd({u"channel"_s, u"add"_s, u"telegram"_s, u"Shop"_s, u"--token"_s, token,
                               u"--api-base-url"_s, u"http://127.0.0.1:9"_s, u"--queue"_s, u"Sales"_s},
                              &out),
                 0);
        const QString shop = QRegularExpression(u"id (\\d+)"_s).match(QString::fromUtf8(out)).captured(1);
        QVERIFY(!shop.isEmpty());
        QCOMPARE(cli.runToEnd({u"channel"_s, u"add"_s, u"telegram"_s, u"Spare"_s, u"--token"_s,
                               u"654321:Spare-token"_s, u"--api-base-url"_s, u"http://127.0.0.1:9"_s},
                              &out),
                 0);

        // By name: a new name, base URL and queue; the other settings stay as they were.
        QCOMPARE(cli.runToEnd({u"channel"_s, u"update"_s, u"Shop"_s, u"--name"_s, u"Shop bot"_s,
                               u"--api-base-url"_s, u"http://127.0.0.1:10"_s, u"--queue"_s, u"Night"_s},
                              &out),
                 0);
        QVERIFY2(out.contains(QByteArray("updated telegram channel 'Shop bot' (id " + shop.toLatin1() + ")")),
                 out.constData());
        // By id: to webhook mode, with new credentials.
        QCOMPARE(cli.runToEnd({u"channel"_s, u"update"_s, shop, u"--mode"_s, u"webhook"_s, u"--webhook-url"_s,
                               u"https://era.example.com/api/v1/webhooks/"_s + shop, u"--token"_s,
                               u"123456:NEWtoken-after-revoke"_s, u"--webhook-secret"_s, u"hook-Secret_1"_s},
                              &out),
                 0);

        // Mistakes: each refused with the reason (1) or the usage (2).
        struct Refused {
            QStringList args;
            int code;
            QByteArray says;
        };
        const QList<Refused> refused{
            {{u"update"_s, u"Nope"_s, u"--name"_s, u"X"_s}, 1, "no channel named or numbered 'Nope'"},
            {{u"enable"_s, u"999"_s}, 1, "no channel named or numbered '999'"},
            {{u"delete"_s, u"Nope"_s}, 1, "no channel named or numbered 'Nope'"},
            {{u"update"_s, u"Shop bot"_s}, 2, "nothing to change"},
            {{u"update"_s, u"Shop bot"_s, u"--colour"_s, u"red"_s}, 2, "usage: era-server channel"},
            {{u"update"_s, u"Shop bot"_s, u"extra"_s, u"--name"_s, u"X"_s}, 2, "usage: era-server channel"},
            {{u"update"_s, u"Shop bot"_s, u"--name"_s}, 2, "--name needs a value"},
            {{u"disable"_s, u"Shop bot"_s, u"--name"_s, u"X"_s}, 2, "usage: era-server channel"},
            {{u"delete"_s}, 2, "usage: era-server channel"},
            {{u"fly"_s, u"Shop bot"_s}, 2, "usage: era-server channel"},
            {{u"update"_s, u"Shop bot"_s, u"--name"_s, u" "_s}, 1, "name: 1-200 characters"},
            {{u"update"_s, u"Shop bot"_s, u"--mode"_s, u"carrier-pigeon"_s}, 1, "mode must be"},
            {{u"update"_s, u"Shop bot"_s, u"--token"_s, u"not-a-token"_s, u"--webhook-secret"_s, u"x"_s},
             1,
             "token must look like"},
            {{u"update"_s, u"Shop bot"_s, u"--token"_s, u"123456:Only-the-token"_s}, 1, "webhook_secret"},
            {{u"update"_s, u"Shop bot"_s, u"--webhook-secret"_s, u"another"_s}, 2, "give --token with it"},
            {{u"update"_s, u"Spare"_s, u"--mode"_s, u"webhook"_s}, 1, "webhook_url"},
            {{u"update"_s, u"Shop bot"_s, u"--queue"_s, u"Nowhere"_s}, 1, "no queue named 'Nowhere'"},
        };
        for (const Refused &r : refused) {
            const int code = cli.runToEnd(QStringList{u"channel"_s} + r.args, &out);
            QVERIFY2(
                code == r.code && out.contains(r.says),
                qPrintable(
                    u"channel %1 -> %2: %3"_s.arg(r.args.join(u' ')).arg(code).arg(QString::fromUtf8(out))));
        }

        QCOMPARE(cli.runToEnd({u"channel"_s, u"disable"_s, u"Spare"_s}, &out), 0);
        QVERIFY2(out.contains("channel 'Spare'") && out.contains("is now disabled"), out.constData());
        QCOMPARE(cli.runToEnd({u"channel"_s, u"disable"_s, shop}, &out), 0);
        QCOMPARE(cli.runToEnd({u"channel"_s, u"enable"_s, u"Shop bot"_s}, &out), 0);
        QVERIFY2(out.contains("is now enabled"), out.constData());
        QCOMPARE(cli.runToEnd({u"channel"_s, u"list"_s}, &out), 0);
        QVERIFY2(out.contains("Shop bot  enabled") && out.contains("Spare  disabled"), out.constData());

        // A channel without conversations may be deleted; then it is gone.
        QCOMPARE(cli.runToEnd({u"channel"_s, u"delete"_s, u"Spare"_s}, &out), 0);
        QVERIFY2(out.contains("deleted telegram channel 'Spare'"), out.constData());
        QCOMPARE(cli.runToEnd({u"channel"_s, u"delete"_s, u"Spare"_s}, &out), 1);
        QCOMPARE(cli.runToEnd({u"channel"_s, u"list"_s}, &out), 0);
        QVERIFY2(!out.contains("Spare"), out.constData());

        // The API shows what the commands did, and no credential.
        ServerProcess server(m_dataDir->path(), m_db.url());
        QVERIFY2(server.start(), server.output().constData());
        ProcessClient client(server.url());
        const QString admin = client.login(u"admin"_s, server.adminPassword());
        QNetworkAccessManager nam;
        QNetworkRequest req(QUrl(server.url() + u"/api/v1/channels"_s));
        req.setRawHeader("Authorization", "Bearer " + admin.toLatin1());
        QNetworkReply *r = nam.get(req);
        QSignalSpy done(r, &QNetworkReply::finished);
        QVERIFY(done.wait(10000));
        const QByteArray body = r->readAll();
        r->deleteLater();
        const QJsonArray channels = QJsonDocument::fromJson(body).object().value(u"channels"_s).toArray();
        QCOMPARE(channels.size(), 1);
        const QJsonObject c = channels.at(0).toObject();
        QCOMPARE(c.value(u"name"_s).toString(), u"Shop bot"_s);
        QCOMPARE(c.value(u"enabled"_s).toBool(), true);
        QCOMPARE(c.value(u"default_queue_id"_s).toInteger(), night);
        const QJsonObject settings = c.value(u"settings"_s).toObject();
        QCOMPARE(settings.value(u"mode"_s).toString(), u"webhook"_s);
        QCOMPARE(settings.value(u"api_base_url"_s).toString(), u"http://127.0.0.1:10"_s);
        QCOMPARE(settings.value(u"webhook_url"_s).toString(),
                 u"https://era.example.com/api/v1/webhooks/"_s + shop);
        QVERIFY(!body.contains("NEWtoken") && !body.contains("hook-Secret_1") && !body.contains("ABCdef"));
    }

    // Deleting would orphan the customers' dialogs: the command line refuses it with the reason, as the API
    // does, and the channel can be disabled instead, while the server runs.
    void aChannelWithConversationsIsNotDeleted()
    {
        const QString botToken = u"987654322:AAdelete-test_token"_s;
        FakeTelegram telegram;
        QVERIFY(telegram.listen());
        telegram.addBot(botToken, u"keep_bot"_s);
        FakeTelegram::Customer customer;
        customer.id = 777002;
        telegram.addChat(botToken, customer);
        ServerProcess cli(m_dataDir->path(), m_db.url());
        QByteArray out;
        QCOMPARE(cli.runToEnd({u"queue"_s, u"add"_s, u"Support"_s}, &out), 0);
        QCOMPARE(
            cli.runToEnd({u"channel"_s, u"add"_s, u"telegram"_s, u"Bot"_s, u"--token"_s, botToken,
                          u"--api-base-url"_s, telegram.baseUrl().toString(), u"--queue"_s, u"Support"_s},
                         &out),
            0);
        ServerProcess server(m_dataDir->path(), m_db.url());
        QVERIFY2(server.start(), server.output().constData());
        QVERIFY(!telegram.injectText(botToken, customer, u"hello"_s).isEmpty());
        // The next getUpdates confirms the update only after the server committed it.
        QTRY_COMPARE_WITH_TIMEOUT(telegram.pendingUpdateCount(botToken), 0, 15000);

        QCOMPARE(cli.runToEnd({u"channel"_s, u"delete"_s, u"Bot"_s}, &out), 1);
        QVERIFY2(out.contains("the channel has conversations; disable it instead of deleting"),
                 out.constData());
        QCOMPARE(cli.runToEnd({u"channel"_s, u"list"_s}, &out), 0);
        QVERIFY2(out.contains("Bot  enabled"), out.constData());
        QCOMPARE(cli.runToEnd({u"channel"_s, u"disable"_s, u"Bot"_s}, &out), 0);
        QCOMPARE(cli.runToEnd({u"channel"_s, u"list"_s}, &out), 0);
        QVERIFY2(out.contains("Bot  disabled"), out.constData());
    }

    // A customer message is stored and acknowledged, the operator's reply is acknowledged but not yet
    // delivered (the Bot API asked us to wait), and the server is killed: after the restart nothing is lost,
    // the message the customer sent meanwhile arrives, and the reply reaches Telegram exactly once.
    void aConversationSurvivesSigkillWithNothingLostOrSentTwice()
    {
        const QString botToken = u"987654321:AAkill-test_token"_s;
        FakeTelegram telegram;
        QVERIFY(telegram.listen());
        telegram.addBot(botToken, u"kill_bot"_s);
        FakeTelegram::Customer customer;
        customer.id = 777001;
        customer.firstName = u"Oleg"_s;
        telegram.addChat(botToken, customer);

        ServerProcess cli(m_dataDir->path(), m_db.url());
        QByteArray out;
        QCOMPARE(cli.runToEnd({u"queue"_s, u"add"_s, u"Support"_s}, &out), 0);
        QCOMPARE(
            cli.runToEnd({u"user"_s, u"add"_s, u"olga"_s, u"--password-stdin"_s}, &out, "olga-password\n"),
            0);
        QCOMPARE(cli.runToEnd({u"queue"_s, u"members"_s, u"Support"_s, u"olga"_s}, &out), 0);
        QCOMPARE(
            cli.runToEnd({u"channel"_s, u"add"_s, u"telegram"_s, u"Bot"_s, u"--token"_s, botToken,
                          u"--api-base-url"_s, telegram.baseUrl().toString(), u"--queue"_s, u"Support"_s},
                         &out),
            0);

        // A session of the operator that can wait for events and replies.
        struct Operator {
            QWebSocket ws;
            QList<QJsonObject> frames;
            int next = 0;
            QJsonObject waitFor(const std::function<bool(const QJsonObject &)> &match, int ms = 15000)
            {
                QElapsedTimer t;
                t.start();
                while (t.elapsed() < ms) {
                    for (const QJsonObject &f : std::as_const(frames))
                        if (match(f))
                            return f;
                    QSignalSpy more(&ws, &QWebSocket::textMessageReceived);
                    more.wait(100);
                }
                return {};
            }
            QJsonObject call(const QString &name, const QJsonObject &args)
            {
                const QString id = u"k%1"_s.arg(++next);
                ProcessClient::command(ws, id, name, args);
                return waitFor([&](const QJsonObject &f) { return f.value(u"id"_s) == id; });
            }
        };
        auto connectOperator = [](ServerProcess &server, Operator &op) {
            ProcessClient client(server.url());
            const QString token = client.login(u"olga"_s, u"olga-password"_s);
            return client.open(op.ws, token, op.frames) &&
                   op.call(u"presence.set"_s, {{u"presence"_s, u"online"_s}}).value(u"ok"_s).toBool();
        };

        qint64 dialog = 0;
        {
            ServerProcess server(m_dataDir->path(), m_db.url());
            QVERIFY2(server.start({u"--queues.disconnect_grace=600"_s}), server.output().constData());
            Operator op;
            QVERIFY(connectOperator(server, op));
            telegram.injectText(botToken, customer, u"before the crash"_s);
            const QJsonObject offer =
                op.waitFor([](const QJsonObject &f) { return f.value(u"name"_s) == u"dialog.offered"_s; });
            dialog = offer.value(u"data"_s).toObject().value(u"dialog_id"_s).toInteger();
            QVERIFY(dialog > 0);
            QVERIFY(op.call(u"dialog.accept"_s, {{u"dialog_id"_s, dialog}}).value(u"ok"_s).toBool());
            telegram.failNext(u"sendMessage"_s, 1, 429, {}, 3);
            QVERIFY(op.call(u"message.send"_s, {{u"dialog_id"_s, dialog},
                                                {u"client_id"_s, u"reply-1"_s},
                                                {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s},
                                                                           {u"text"_s, u"on my way"_s}}}})
                        .value(u"ok"_s)
                        .toBool());
            QTRY_COMPARE_WITH_TIMEOUT(telegram.calls(u"sendMessage"_s).size(), 1, 10000); // the 429
            server.signal(SIGKILL);
            QVERIFY(server.waitFinished());
        }
        telegram.injectText(botToken, customer, u"during the outage"_s);

        ServerProcess restarted(m_dataDir->path(), m_db.url());
        QVERIFY2(restarted.start(), restarted.output().constData());
        Operator op;
        QVERIFY(connectOperator(restarted, op));
        QTRY_VERIFY_WITH_TIMEOUT(telegram.sentMessages(botToken, customer.id).size() == 1, 20000);
        QStringList texts;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                texts.clear();
                const QJsonObject h = op.call(u"dialog.history"_s, {{u"dialog_id"_s, dialog}});
                for (const QJsonValue &m : h.value(u"result"_s).toObject().value(u"messages"_s).toArray())
                    texts.prepend(m.toObject().value(u"content"_s).toObject().value(u"text"_s).toString());
                return texts.size() == 3;
            }(),
            15000);
        QCOMPARE(texts, (QStringList{u"before the crash"_s, u"on my way"_s, u"during the outage"_s}));
        // Some time for a duplicate to show up, if there were one.
        QVERIFY(
            !QTest::qWaitFor([&] { return telegram.sentMessages(botToken, customer.id).size() > 1; }, 2000));
        QCOMPARE(telegram.sentMessages(botToken, customer.id).size(), 1);
    }

    void badConfigurationStopsWithTheReason()
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(ServerProcess::binary(), {u"--http.port=notaport"_s});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAll().contains("http.port"));
        p.start(ServerProcess::binary(), {u"--help"_s});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 0);
        const QByteArray help = p.readAll();
        QVERIFY(help.contains("--database.url") && help.contains("ERA_HTTP_PORT"));
    }
};

QTEST_GUILESS_MAIN(TestServerProcess)
#include "tst_server_process.moc"
