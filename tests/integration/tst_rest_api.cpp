// REST under /api/v1, /healthz and /metrics through the real router, on both storage backends, over plain
// HTTP and TLS.
#include "StorageTestBackend.h"
#include "TestServer.h"
#include "storage/OpenConnection.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;

class TestRestApi : public QObject {
    Q_OBJECT
    StorageTestBackend m_db;
    std::unique_ptr<TestServer> m_server;

private Q_SLOTS:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<bool>("tls");
        for (const QString &backend : {u"sqlite"_s, u"postgres"_s})
            for (bool tls : {false, true})
                QTest::newRow(qPrintable(backend + (tls ? u"-https"_s : u"-http"_s))) << backend << tls;
    }
    void init()
    {
        QFETCH_GLOBAL(bool, tls);
        m_db.prepare();
        m_server = std::make_unique<TestServer>();
        QVERIFY2(m_server->start(m_db.url(), tls), qPrintable(m_server->error()));
    }
    void cleanup()
    {
        m_server.reset();
        m_db.cleanup();
    }

    void healthzReportsTheDatabase()
    {
        auto r = m_server->request("GET", u"/healthz"_s);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(u"status"_s).toString(), u"ok"_s);
        QCOMPARE(r.json.value(u"database"_s).toString(), u"ok"_s);
    }

    void loginReturnsATokenThatOpensMe()
    {
        auto r = m_server->json("POST", u"/api/v1/auth/login"_s,
                                {{u"login"_s, u"admin"_s}, {u"password"_s, m_server->adminPassword()}});
        QCOMPARE(r.status, 200);
        const QString token = r.json.value(u"token"_s).toString();
        QCOMPARE(token.size(), 43);
        QVERIFY(!r.json.value(u"expires_at"_s).toString().isEmpty());
        auto me = m_server->request("GET", u"/api/v1/me"_s, {}, token);
        QCOMPARE(me.status, 200);
        QCOMPARE(me.json.value(u"user"_s).toObject().value(u"login"_s).toString(), u"admin"_s);
        QCOMPARE(me.json.value(u"user"_s).toObject().value(u"role"_s).toString(), u"admin"_s);
    }

    void wrongPasswordIs401AndRepeatedFailuresAre429WithRetryAfter()
    {
        for (int i = 0; i < 5; ++i) {
            auto r = m_server->json("POST", u"/api/v1/auth/login"_s,
                                    {{u"login"_s, u"admin"_s}, {u"password"_s, u"wrong-password"_s}});
            QCOMPARE(r.status, 401);
            QCOMPARE(r.json.value(u"error"_s).toObject().value(u"code"_s).toString(), u"bad_credentials"_s);
        }
        auto sixth = m_server->json("POST", u"/api/v1/auth/login"_s,
                                    {{u"login"_s, u"admin"_s}, {u"password"_s, u"wrong-password"_s}});
        QCOMPARE(sixth.status, 401); // the failure that starts the lock-out
        auto locked = m_server->json("POST", u"/api/v1/auth/login"_s,
                                     {{u"login"_s, u"admin"_s}, {u"password"_s, m_server->adminPassword()}});
        QCOMPARE(locked.status, 429);
        QVERIFY(locked.header("Retry-After").toInt() >= 1);
        QCOMPARE(locked.json.value(u"error"_s).toObject().value(u"code"_s).toString(),
                 u"too_many_attempts"_s);
    }

    void badTokensAre401_data()
    {
        QTest::addColumn<QString>("token");
        QTest::newRow("none") << QString();
        QTest::newRow("garbage") << u"not-a-token"_s;
        QTest::newRow("well-formed but unknown") << u"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"_s;
    }
    void badTokensAre401()
    {
        QFETCH(QString, token);
        auto r = m_server->request("GET", u"/api/v1/me"_s, {}, token);
        QCOMPARE(r.status, 401);
        QVERIFY(!r.json.value(u"error"_s).toObject().value(u"message"_s).toString().isEmpty());
    }

    void expiredTokenIs401()
    {
        QVERIFY(!m_server->createUserAndLogin(u"ewa"_s).isEmpty());
        QVERIFY(m_server->restart({u"--auth.session_ttl_hours=0"_s}));
        const QString token = m_server->login(u"ewa"_s, u"pw-ewa-123"_s); // born expired
        QVERIFY(!token.isEmpty());
        auto r = m_server->request("GET", u"/api/v1/me"_s, {}, token);
        QCOMPARE(r.status, 401);
        QCOMPARE(r.json.value(u"error"_s).toObject().value(u"code"_s).toString(), u"token_expired"_s);
    }

    void sessionTokensAreStoredOnlyAsTheirHash()
    {
        const QString token = m_server->createUserAndLogin(u"hana"_s);
        QVERIFY(!token.isEmpty());
        const QByteArray raw = QByteArray::fromBase64(token.toLatin1(), QByteArray::Base64UrlEncoding);
        QCOMPARE(raw.size(), 32);
        const QString sha256 = QString::fromLatin1(
            QCryptographicHash::hash(token.toLatin1(), QCryptographicHash::Sha256).toHex());

        auto c = era::storage::openConnection(m_server->databaseUrl());
        ERA_VERIFY_OK(c);
        auto sessions = (*c)->exec(u"SELECT * FROM sessions"_s);
        ERA_VERIFY_OK(sessions);
        QCOMPARE(sessions->size(), 2); // the admin's and hana's
        bool hashFound = false;
        for (const QVariantList &row : sessions->rows) {
            for (const QVariant &cell : row) {
                const QByteArray bytes =
                    cell.typeId() == QMetaType::QByteArray ? cell.toByteArray() : cell.toString().toUtf8();
                QVERIFY2(!bytes.contains(token.toLatin1()) && !bytes.contains(raw),
                         "the session token is stored in the clear");
            }
            hashFound = hashFound || row.at(sessions->columns.indexOf(u"token_hash"_s)).toString() == sha256;
        }
        QVERIFY2(hashFound, "the token's SHA-256 is not among the stored sessions");
    }

    void logoutRevokesTheToken()
    {
        const QString token = m_server->createUserAndLogin(u"olga"_s);
        QVERIFY(!token.isEmpty());
        QCOMPARE(m_server->request("POST", u"/api/v1/auth/logout"_s, {}, token).status, 204);
        auto r = m_server->request("GET", u"/api/v1/me"_s, {}, token);
        QCOMPARE(r.status, 401);
        QCOMPARE(r.json.value(u"error"_s).toObject().value(u"code"_s).toString(), u"token_revoked"_s);
    }

    void adminManagesUsers()
    {
        const QString admin = m_server->adminToken();
        auto created = m_server->json("POST", u"/api/v1/users"_s,
                                      {{u"login"_s, u"Ivan.Petrov"_s},
                                       {u"password"_s, u"s3cret-pass"_s},
                                       {u"display_name"_s, u"Иван Петров"_s},
                                       {u"role"_s, u"supervisor"_s}},
                                      admin);
        QCOMPARE(created.status, 201);
        const QJsonObject user = created.json.value(u"user"_s).toObject();
        QCOMPARE(user.value(u"login"_s).toString(), u"ivan.petrov"_s);
        QCOMPARE(user.value(u"display_name"_s).toString(), u"Иван Петров"_s);
        const qint64 id = user.value(u"id"_s).toInteger();

        auto list = m_server->request("GET", u"/api/v1/users"_s, {}, admin);
        QCOMPARE(list.status, 200);
        QCOMPARE(list.json.value(u"users"_s).toArray().size(), 2);

        const QString token = m_server->login(u"ivan.petrov"_s, u"s3cret-pass"_s);
        QVERIFY(!token.isEmpty());
        auto disabled =
            m_server->json("PATCH", u"/api/v1/users/%1"_s.arg(id), {{u"disabled"_s, true}}, admin);
        QCOMPARE(disabled.status, 200);
        QCOMPARE(disabled.json.value(u"user"_s).toObject().value(u"disabled"_s).toBool(), true);
        QCOMPARE(m_server->request("GET", u"/api/v1/me"_s, {}, token).status, 401);
        auto again = m_server->json("POST", u"/api/v1/auth/login"_s,
                                    {{u"login"_s, u"ivan.petrov"_s}, {u"password"_s, u"s3cret-pass"_s}});
        QCOMPARE(again.status, 403);
        QCOMPARE(again.json.value(u"error"_s).toObject().value(u"code"_s).toString(), u"user_disabled"_s);
    }

    void revokingSessionsEndsEveryTokenOfTheUser()
    {
        const QString a = m_server->createUserAndLogin(u"petr"_s);
        const QString b = m_server->login(u"petr"_s, u"pw-petr-123"_s);
        auto me = m_server->request("GET", u"/api/v1/me"_s, {}, a);
        const qint64 id = me.json.value(u"user"_s).toObject().value(u"id"_s).toInteger();
        auto r =
            m_server->request("DELETE", u"/api/v1/users/%1/sessions"_s.arg(id), {}, m_server->adminToken());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(u"revoked"_s).toInt(), 2);
        QCOMPARE(m_server->request("GET", u"/api/v1/me"_s, {}, a).status, 401);
        QCOMPARE(m_server->request("GET", u"/api/v1/me"_s, {}, b).status, 401);
    }

    void operatorsCannotManageUsers()
    {
        const QString op = m_server->createUserAndLogin(u"anna"_s);
        QCOMPARE(m_server->request("GET", u"/api/v1/users"_s, {}, op).status, 403);
        auto r = m_server->json("POST", u"/api/v1/users"_s,
                                {{u"login"_s, u"mallory"_s}, {u"password"_s, u"12345678"_s}}, op);
        QCOMPARE(r.status, 403);
        QCOMPARE(m_server->json("PATCH", u"/api/v1/users/1"_s, {{u"disabled"_s, true}}, op).status, 403);
        // Nothing changed.
        auto list = m_server->request("GET", u"/api/v1/users"_s, {}, m_server->adminToken());
        QCOMPARE(list.json.value(u"users"_s).toArray().size(), 2);
        QCOMPARE(list.json.value(u"users"_s).toArray().at(0).toObject().value(u"disabled"_s).toBool(), false);
    }

    void badBodiesGetAClearErrorAndChangeNothing_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("malformed JSON") << QByteArray("{\"login\":") << 400 << u"bad_json"_s;
        QTest::newRow("not an object") << QByteArray("[1]") << 400 << u"bad_json"_s;
        QTest::newRow("missing password") << QByteArray(R"({"login":"zed"})") << 400 << u"bad_args"_s;
        QTest::newRow("wrong type") << QByteArray(R"({"login":"zed","password":12345678})") << 400
                                    << u"bad_args"_s;
        QTest::newRow("unknown field")
            << QByteArray(R"({"login":"zed","password":"12345678","x":1})") << 400 << u"bad_args"_s;
        QTest::newRow("bad role") << QByteArray(R"({"login":"zed","password":"12345678","role":"god"})")
                                  << 400 << u"bad_args"_s;
        QTest::newRow("short password")
            << QByteArray(R"({"login":"zed","password":"123"})") << 422 << u"weak_password"_s;
        QTest::newRow("bad login") << QByteArray(R"({"login":"a b","password":"12345678"})") << 400
                                   << u"bad_args"_s;
    }
    void badBodiesGetAClearErrorAndChangeNothing()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        auto r = m_server->request("POST", u"/api/v1/users"_s, body, m_server->adminToken());
        QCOMPARE(r.status, status);
        QCOMPARE(r.json.value(u"error"_s).toObject().value(u"code"_s).toString(), code);
        auto list = m_server->request("GET", u"/api/v1/users"_s, {}, m_server->adminToken());
        QCOMPARE(list.json.value(u"users"_s).toArray().size(), 1);
    }

    void duplicateLoginIs409()
    {
        const QJsonObject spec{{u"login"_s, u"dup"_s}, {u"password"_s, u"12345678"_s}};
        QCOMPARE(m_server->json("POST", u"/api/v1/users"_s, spec, m_server->adminToken()).status, 201);
        auto r = m_server->json("POST", u"/api/v1/users"_s, spec, m_server->adminToken());
        QCOMPARE(r.status, 409);
        QCOMPARE(r.json.value(u"error"_s).toObject().value(u"code"_s).toString(), u"login_taken"_s);
    }

    void oversizedBodyIs413()
    {
        const QByteArray big = "{\"login\":\"" + QByteArray(2 * 1024 * 1024, 'a') + "\",\"password\":\"x\"}";
        auto r = m_server->request("POST", u"/api/v1/auth/login"_s, big);
        QCOMPARE(r.status, 413);
    }

    // Only the head is sent: the 413 must come from the declared length, before any of the body is read.
    void bodyOverItsRoutesLimitIs413FromTheHead_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<qint64>("length");
        QTest::addColumn<qint64>("limit");
        const qint64 jsonLimit = 1024 * 1024;      // http.max_body_bytes
        const qint64 fileLimit = 20 * 1024 * 1024; // files.max_bytes
        QTest::newRow("REST route, one byte over")
            << QByteArray("/api/v1/users") << jsonLimit + 1 << jsonLimit;
        QTest::newRow("REST route, below the upload limit")
            << QByteArray("/api/v1/auth/login") << fileLimit << jsonLimit;
        QTest::newRow("webhook, one byte over")
            << QByteArray("/api/v1/webhooks/1") << jsonLimit + 1 << jsonLimit;
        QTest::newRow("upload, one byte over") << QByteArray("/api/v1/files") << fileLimit + 1 << fileLimit;
    }
    void bodyOverItsRoutesLimitIs413FromTheHead()
    {
        QFETCH(QByteArray, path);
        QFETCH(qint64, length);
        QFETCH(qint64, limit);
        RawHttpClient client(*m_server);
        QVERIFY(client.connect());
        client.write("POST " + path +
                     " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: " +
                     QByteArray::number(length) + "\r\n\r\n");
        const QByteArray response = client.nextResponse();
        QCOMPARE(RawHttpClient::status(response), 413);
        QCOMPARE(RawHttpClient::header(response, "Content-Type"), QByteArray("application/json"));
        const QJsonObject error = RawHttpClient::json(response).value(u"error"_s).toObject();
        QCOMPARE(error.value(u"code"_s).toString(), u"too_large"_s);
        QCOMPARE(error.value(u"max_bytes"_s).toInteger(), limit);
        QVERIFY(!error.value(u"message"_s).toString().isEmpty());
        QVERIFY(client.waitClosed());
    }

    // The first request of its connection, so that the listener's check of the head is what lets it in.
    void uploadBetweenTheBodyAndFileLimitsIsAccepted()
    {
        const QByteArray bytes(2 * 1024 * 1024, 'u'); // over http.max_body_bytes, under files.max_bytes
        const QString token = m_server->adminToken();
        RawHttpClient client(*m_server);
        QVERIFY(client.connect());
        client.write("POST /api/v1/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token.toLatin1() +
                     "\r\nX-File-Name: big.txt\r\nContent-Length: " + QByteArray::number(bytes.size()) +
                     "\r\n\r\n" + bytes);
        const QByteArray response = client.nextResponse(30000);
        QCOMPARE(RawHttpClient::status(response), 201);
        QCOMPARE(RawHttpClient::json(response).value(u"size"_s).toInteger(), bytes.size());
    }

    // The listener checks the first request of a connection; the handler refuses a later one on the same
    // keep-alive connection.
    void webhookBodyOverTheLimitLaterOnAKeepAliveConnectionIs413()
    {
        RawHttpClient client(*m_server);
        QVERIFY(client.connect());
        client.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(RawHttpClient::status(client.nextResponse()), 200);
        const QByteArray body(1024 * 1024 + 1, 'w');
        client.write("POST /api/v1/webhooks/1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: " +
                     QByteArray::number(body.size()) + "\r\n\r\n" + body);
        const QByteArray response = client.nextResponse(20000);
        QCOMPARE(RawHttpClient::status(response), 413);
        QCOMPARE(RawHttpClient::json(response).value(u"error"_s).toObject().value(u"code"_s).toString(),
                 u"too_large"_s);
    }

    void changingOwnPasswordKeepsThisSessionAndEndsOthers()
    {
        const QString a = m_server->createUserAndLogin(u"vera"_s);
        const QString b = m_server->login(u"vera"_s, u"pw-vera-123"_s);
        auto wrong = m_server->json(
            "POST", u"/api/v1/me/password"_s,
            {{u"current_password"_s, u"nope-nope"_s}, {u"new_password"_s, u"newpass-123"_s}}, a);
        QCOMPARE(wrong.status, 401);
        auto r = m_server->json(
            "POST", u"/api/v1/me/password"_s,
            {{u"current_password"_s, u"pw-vera-123"_s}, {u"new_password"_s, u"newpass-123"_s}}, a);
        QCOMPARE(r.status, 204);
        QCOMPARE(m_server->request("GET", u"/api/v1/me"_s, {}, a).status, 200);
        QCOMPARE(m_server->request("GET", u"/api/v1/me"_s, {}, b).status, 401);
        QVERIFY(m_server->login(u"vera"_s, u"pw-vera-123"_s).isEmpty());
        QVERIFY(!m_server->login(u"vera"_s, u"newpass-123"_s).isEmpty());
    }

    void metricsExposeRequestsConnectionsAndCommitLatency()
    {
        QCOMPARE(m_server->request("GET", u"/healthz"_s).status, 200);
        m_server->adminToken(); // at least one commit (the session row)
        auto r = m_server->request("GET", u"/metrics"_s);
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("Content-Type").startsWith("text/plain"));
        const QByteArray text = r.body;
        QVERIFY(text.contains("era_uptime_seconds "));
        QVERIFY(text.contains("era_open_connections "));
        QVERIFY(text.contains("era_http_requests_total{route=\"/healthz\",status=\"200\"} 1"));
        QVERIFY(text.contains("era_commit_latency_seconds_bucket{le=\"+Inf\"}"));
        QVERIFY(text.contains("era_commit_latency_seconds_count "));
        QVERIFY(text.contains("era_file_downloads{state=\"sending\"} 0"));
        QVERIFY(text.contains("era_file_downloads{state=\"waiting_for_client\"} 0"));
    }
};

QTEST_GUILESS_MAIN(TestRestApi)
#include "tst_rest_api.moc"
