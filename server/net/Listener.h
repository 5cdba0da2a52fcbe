#pragma once

#include "net/ConnectionSweep.h"
#include "net/HttpHead.h"
#include "net/WebSocketPeer.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <optional>
#include <utility>

class QAbstractHttpServer;
class QSocketNotifier;
class QTcpSocket;

namespace era::net {

class AcceptingServer;

struct ListenerOptions {
    QHostAddress address = QHostAddress::Any;
    quint16 port = 0; // 0 = any free port; listen() says which
    QByteArray wsPath = QByteArrayLiteral("/api/v1/ws");
    qint64 maxHeaderBytes = 16 * 1024;    // a longer request head gets 431
    BodyLimits bodyLimits;                // a larger declared Content-Length gets 413 at once, by path
    qint64 maxMessageBytes = 1024 * 1024; // a larger WebSocket message closes the peer with 1009
    int heartbeatIntervalSec = 30;        // ping a peer silent this long
    int idleTimeoutSec = 75;              // close a peer silent this long
    int headTimeoutMs = 10'000;           // a request head must be complete this soon (slowloris)
    int httpIdleTimeoutSec = 60;          // close keep-alive HTTP connections idle this long
    std::optional<QSslConfiguration> tls; // HTTPS + WSS on the same port when set

    // A server TLS configuration from PEM files; nullopt (with the reason in *error) when unreadable.
    static std::optional<QSslConfiguration> tlsFromPemFiles(const QString &certificatePath,
                                                            const QString &keyPath, QString *error = nullptr);
};

// Serves one port for REST (handed to QHttpServer) and WebSockets (our engine, or QWebSocket under TLS).
// Each connection is looked at before any socket object exists: its first request head is peeked, limits
// are enforced, WebSocket upgrades to wsPath become peers, everything else goes to the HTTP server.
class Listener : public QObject {
    Q_OBJECT
public:
    Listener(QAbstractHttpServer *http, ListenerOptions options, QObject *parent = nullptr);
    ~Listener() override; // open peers signal closed() and are deleted

    quint16 listen(); // the port, or 0 with the reason in errorString()
    QString errorString() const { return m_error; }
    void stopAccepting();
    quint16 port() const;

    int openConnections() const; // HTTP + WebSocket, including those whose head is still awaited
    int openWebSockets() const { return m_webSockets; }

Q_SIGNALS:
    void newPeer(era::net::WebSocketPeer *peer);

private:
    friend class PendingHead;
    friend class PendingTlsHead;
    friend class AcceptingServer;
    friend class HttpIdleWatch;

    void incoming(qintptr descriptor);
    void handToHttp(QTcpSocket *socket);
    void acceptPlainWebSocket(int descriptor, QSocketNotifier *notifier, QByteArray head);
    void takeQtWebSockets();
    void rememberTlsUpgrade(QTcpSocket *socket, QByteArray head);
    void peerAdded(WebSocketPeer *peer);
    QByteArray &peekBuffer();

    QPointer<QAbstractHttpServer> m_http;
    ListenerOptions m_options;
    HeadLimits m_headLimits;
    ConnectionSettings m_settings;
    ConnectionSweep m_sweep;
    QPointer<AcceptingServer> m_server;
    // WSS upgrade heads by "address|port" until QHttpServer hands the QWebSocket over; the socket pointer
    // lets entries of connections that died during the handshake be dropped.
    QHash<QString, std::pair<QPointer<QTcpSocket>, QByteArray>> m_tlsUpgradeHeads;
    QByteArray m_peekBuffer;
    QString m_error;
    int m_pendingHeads = 0;
    int m_httpConnections = 0;
    int m_webSockets = 0;
};

} // namespace era::net
