#include "TestServer.h"

#include "core/Config.h"
#include "storage/Database.h"

#include <QElapsedTimer>
#include <QFile>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QSslKey>
#include <QTest>

using namespace Qt::StringLiterals;

const TestTls &TestTls::get()
{
    static const TestTls tls = [] {
        TestTls t;
        t.dir = std::make_shared<QTemporaryDir>();
        const QString cert = t.dir->filePath(u"cert.pem"_s);
        const QString key = t.dir->filePath(u"key.pem"_s);
        QProcess openssl;
        openssl.start(u"openssl"_s,
                      {u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-days"_s, u"2"_s,
                       u"-subj"_s, u"/CN=127.0.0.1"_s, u"-addext"_s,
                       u"subjectAltName=IP:127.0.0.1,DNS:localhost"_s, u"-keyout"_s, key, u"-out"_s, cert});
        if (!openssl.waitForFinished(60000) || openssl.exitCode() != 0) {
            qWarning("openssl failed: %s", openssl.readAllStandardError().constData());
            return t;
        }
        QFile f(cert);
        if (!f.open(QIODevice::ReadOnly))
            return t;
        t.clientConfig = QSslConfiguration::defaultConfiguration();
        t.clientConfig.setCaCertificates(QSslCertificate::fromData(f.readAll(), QSsl::Pem));
        t.certPath = cert;
        t.keyPath = key;
        return t;
    }();
    return tls;
}

QByteArray HttpResult::header(const QByteArray &name) const
{
    for (const auto &[k, v] : headers)
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    return {};
}

bool TestServer::restart(const QStringList &extraArgs)
{
    stop();
    m_adminToken.clear();
    return start(m_databaseUrl, m_tls, extraArgs);
}

bool TestServer::start(const QString &databaseUrl, bool tls, const QStringList &extraArgs)
{
    m_tls = tls;
    m_databaseUrl = databaseUrl;
    QStringList args{u"era-server"_s, u"--data_dir="_s + m_dataDir.path(), u"--database.url="_s + databaseUrl,
                     u"--http.port=0"_s,
                     // Cheap hashes keep the tests quick; production cost is covered by tst_credentials.
                     u"--auth.argon2_ops=1"_s, u"--auth.argon2_memory_kib=8192"_s, u"--log.level=warning"_s};
    if (tls) {
        const TestTls &t = TestTls::get();
        if (!t.ok()) {
            m_error = u"could not make a TLS certificate"_s;
            return false;
        }
        args << u"--tls.cert="_s + t.certPath << u"--tls.key="_s + t.keyPath;
    }
    auto config = era::Config::load(args + extraArgs, QProcessEnvironment());
    if (!config) {
        m_error = config.error().message;
        return false;
    }
    auto server = era::app::Server::start(*config);
    if (!server) {
        m_error = server.error().message;
        return false;
    }
    m_server = std::move(*server);
    if (!m_server->firstAdminPassword().isEmpty())
        m_adminPassword = m_server->firstAdminPassword();
    return true;
}

void TestServer::stop()
{
    m_server.reset();
}

QUrl TestServer::url(const QString &path) const
{
    return QUrl(m_server->url() + path);
}

quint16 TestServer::port() const
{
    return m_server->port();
}

QUrl TestServer::wsUrl() const
{
    QString u = m_server->url() + u"/api/v1/ws"_s;
    u.replace(0, 4, u"ws"_s); // http -> ws, https -> wss
    return QUrl(u);
}

HttpResult TestServer::request(const QByteArray &method, const QString &path, const QByteArray &body,
                               const QString &token, const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest req(url(path));
    if (m_tls)
        req.setSslConfiguration(TestTls::get().clientConfig);
    if (!body.isEmpty())
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    if (!token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + token.toLatin1());
    for (const auto &[k, v] : headers)
        req.setRawHeader(k, v);
    QNetworkReply *reply = m_nam.sendCustomRequest(req, method, body);
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !done.wait(15000))
        qWarning("request %s %s timed out", method.constData(), qPrintable(path));
    HttpResult r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.json = QJsonDocument::fromJson(r.body).object();
    r.headers = reply->rawHeaderPairs();
    if (r.status == 0)
        qWarning("request %s %s failed: %s", method.constData(), qPrintable(path),
                 qPrintable(reply->errorString()));
    reply->deleteLater();
    return r;
}

HttpResult TestServer::json(const QByteArray &method, const QString &path, const QJsonObject &body,
                            const QString &token)
{
    return request(method, path, QJsonDocument(body).toJson(QJsonDocument::Compact), token);
}

QString TestServer::login(const QString &login, const QString &password)
{
    auto r = json("POST", u"/api/v1/auth/login"_s, {{u"login"_s, login}, {u"password"_s, password}});
    return r.status == 200 ? r.json.value(u"token"_s).toString() : QString();
}

QString TestServer::adminToken()
{
    if (m_adminToken.isEmpty())
        m_adminToken = login(u"admin"_s, adminPassword());
    return m_adminToken;
}

QString TestServer::createUserAndLogin(const QString &login, const QString &role)
{
    const QString password = u"pw-"_s + login + u"-123"_s;
    auto r = json("POST", u"/api/v1/users"_s,
                  {{u"login"_s, login}, {u"password"_s, password}, {u"role"_s, role}}, adminToken());
    if (r.status != 201) {
        qWarning("creating %s failed: %d %s", qPrintable(login), r.status, r.body.constData());
        return {};
    }
    return this->login(login, password);
}

WsClient::WsClient(const TestServer &server) : m_server(server)
{
    connect(&socket, &QWebSocket::textMessageReceived, this,
            [this](const QString &text) { frames.append(QJsonDocument::fromJson(text.toUtf8()).object()); });
    if (server.tls())
        socket.setSslConfiguration(TestTls::get().clientConfig);
}

bool WsClient::open()
{
    QSignalSpy connected(&socket, &QWebSocket::connected);
    socket.open(m_server.wsUrl());
    return connected.wait(10000);
}

QString WsClient::send(const QString &name, const QJsonObject &args)
{
    const QString id = QString::number(++m_nextId);
    sendRaw(
        QJsonDocument(QJsonObject{{u"type"_s, u"cmd"_s}, {u"id"_s, id}, {u"name"_s, name}, {u"args"_s, args}})
            .toJson(QJsonDocument::Compact));
    return id;
}

void WsClient::sendRaw(const QByteArray &text)
{
    socket.sendTextMessage(QString::fromUtf8(text));
}

QJsonObject WsClient::reply(const QString &id, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        for (const QJsonObject &f : std::as_const(frames))
            if (f.value(u"type"_s) == u"res"_s && f.value(u"id"_s).toVariant().toString() == id)
                return f;
        QSignalSpy more(&socket, &QWebSocket::textMessageReceived);
        more.wait(100);
    }
    return {};
}

QJsonObject WsClient::hello(const QString &token, std::optional<qint64> since)
{
    QJsonObject args{{u"protocol"_s, 1}, {u"token"_s, token}};
    if (since)
        args.insert(u"since"_s, *since);
    return call(u"hello"_s, args);
}

QJsonObject WsClient::waitEvent(const QString &name, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        for (; consumed < frames.size(); ++consumed) {
            const QJsonObject &f = frames.at(consumed);
            if (f.value(u"type"_s) == u"event"_s &&
                (name.isEmpty() || f.value(u"name"_s).toString() == name)) {
                ++consumed;
                return f;
            }
        }
        QSignalSpy more(&socket, &QWebSocket::textMessageReceived);
        more.wait(100);
    }
    return {};
}

bool WsClient::waitClosed(int timeoutMs)
{
    if (socket.state() == QAbstractSocket::UnconnectedState)
        return true;
    QSignalSpy closed(&socket, &QWebSocket::disconnected);
    return closed.wait(timeoutMs);
}

QList<QJsonObject> WsClient::eventsAfterQuiet(int quietMs)
{
    for (;;) {
        QSignalSpy more(&socket, &QWebSocket::textMessageReceived);
        if (!more.wait(quietMs))
            break;
    }
    QList<QJsonObject> out;
    for (const QJsonObject &f : std::as_const(frames))
        if (f.value(u"type"_s) == u"event"_s)
            out.append(f);
    return out;
}

bool RawHttpClient::connect()
{
    if (m_server.tls()) {
        m_socket.setSslConfiguration(TestTls::get().clientConfig);
        m_socket.connectToHostEncrypted(u"127.0.0.1"_s, m_server.port());
        return QTest::qWaitFor([this] { return m_socket.isEncrypted(); }, 10000);
    }
    m_socket.connectToHost(QHostAddress::LocalHost, m_server.port());
    return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 10000);
}

QByteArray RawHttpClient::nextResponse(int timeoutMs)
{
    QByteArray response;
    (void)QTest::qWaitFor(
        [&] {
            m_buffer += m_socket.readAll();
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return false;
            const qsizetype length = header(m_buffer.left(end + 4), "Content-Length").toLongLong();
            if (m_buffer.size() < end + 4 + length)
                return false;
            response = m_buffer.left(end + 4 + length);
            m_buffer.remove(0, response.size());
            return true;
        },
        timeoutMs);
    return response;
}

bool RawHttpClient::waitClosed(int timeoutMs)
{
    return QTest::qWaitFor(
        [this] {
            m_buffer += m_socket.readAll();
            return m_socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
}

int RawHttpClient::status(const QByteArray &response)
{
    return response.startsWith("HTTP/1.1 ") ? response.mid(9, 3).toInt() : 0;
}

QByteArray RawHttpClient::header(const QByteArray &response, const QByteArray &name)
{
    const qsizetype end = response.indexOf("\r\n\r\n");
    for (const QByteArray &line : response.left(end < 0 ? response.size() : end).split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

QJsonObject RawHttpClient::json(const QByteArray &response)
{
    const qsizetype end = response.indexOf("\r\n\r\n");
    return end < 0 ? QJsonObject() : QJsonDocument::fromJson(response.mid(end + 4)).object();
}
