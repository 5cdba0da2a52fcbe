#pragma once

#include "app/Server.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QUrl>
#include <QWebSocket>
#include <memory>

// A self-signed certificate for 127.0.0.1 made with openssl for this test run.
struct TestTls {
    static const TestTls &get(); // generated once per process; QFAIL-free: check ok()
    bool ok() const { return !certPath.isEmpty(); }
    QString certPath;
    QString keyPath;
    QSslConfiguration clientConfig; // trusts only that certificate
    std::shared_ptr<QTemporaryDir> dir;
};

struct HttpResult {
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QList<QNetworkReply::RawHeaderPair> headers;
    QByteArray header(const QByteArray &name) const;
};

// era-server running in this process on a fresh database, on loopback, optionally over TLS.
class TestServer {
public:
    // `extraArgs` are more era-server flags (e.g. "--ws.hello_timeout=1").
    bool start(const QString &databaseUrl, bool tls, const QStringList &extraArgs = {});
    // Stops and starts again on the same data directory and database with other extra flags.
    bool restart(const QStringList &extraArgs = {});
    void stop();

    QUrl url(const QString &path) const;
    QUrl wsUrl() const;
    quint16 port() const;
    QString databaseUrl() const { return m_databaseUrl; }
    era::storage::Database &database() const { return m_server->database(); }
    QString adminPassword() const { return m_adminPassword; }
    QString error() const { return m_error; }
    bool tls() const { return m_tls; }

    HttpResult request(const QByteArray &method, const QString &path, const QByteArray &body = {},
                       const QString &token = {},
                       const QList<std::pair<QByteArray, QByteArray>> &headers = {});
    HttpResult json(const QByteArray &method, const QString &path, const QJsonObject &body,
                    const QString &token = {});
    // Logs in and returns the token (empty on failure).
    QString login(const QString &login, const QString &password);
    QString adminToken();
    // Creates a user through the API as admin and returns its token.
    QString createUserAndLogin(const QString &login, const QString &role = QStringLiteral("operator"));

private:
    std::unique_ptr<era::app::Server> m_server;
    QTemporaryDir m_dataDir;
    QNetworkAccessManager m_nam;
    QString m_error;
    QString m_adminToken;
    QString m_adminPassword;
    QString m_databaseUrl;
    bool m_tls = false;
};

// A raw HTTP connection to the server (TLS when the server has it), for what QNetworkAccessManager cannot
// send: a request head without its body, several requests on one keep-alive connection.
class RawHttpClient {
public:
    explicit RawHttpClient(const TestServer &server) : m_server(server) {}
    bool connect();
    void write(const QByteArray &bytes) { m_socket.write(bytes); }
    // The next whole response (head and Content-Length body), or empty after the timeout.
    QByteArray nextResponse(int timeoutMs = 10000);
    bool waitClosed(int timeoutMs = 10000);

    static int status(const QByteArray &response);
    static QByteArray header(const QByteArray &response, const QByteArray &name);
    static QJsonObject json(const QByteArray &response);

private:
    const TestServer &m_server;
    QSslSocket m_socket;
    QByteArray m_buffer;
};

// A WebSocket client speaking the era protocol; collects every frame it receives.
class WsClient : public QObject {
    Q_OBJECT
public:
    explicit WsClient(const TestServer &server);
    bool open();
    // Sends a command frame; returns its id.
    QString send(const QString &name, const QJsonObject &args = {});
    void sendRaw(const QByteArray &text);
    // Waits for the reply with this id.
    QJsonObject reply(const QString &id, int timeoutMs = 10000);
    QJsonObject call(const QString &name, const QJsonObject &args = {}) { return reply(send(name, args)); }
    QJsonObject hello(const QString &token, std::optional<qint64> since = std::nullopt);
    // Waits for the next frame that matches (events by name, or any frame when name is empty).
    QJsonObject waitEvent(const QString &name, int timeoutMs = 10000);
    bool waitClosed(int timeoutMs = 10000);
    // Waits until no frame arrives for `quietMs`, then returns the events received so far.
    QList<QJsonObject> eventsAfterQuiet(int quietMs = 300);

    QWebSocket socket;
    QList<QJsonObject> frames;
    qsizetype consumed = 0; // frames before this index were returned by waitEvent

private:
    const TestServer &m_server;
    int m_nextId = 0;
};
