#include "net/Listener.h"

#include "net/HttpHead.h"
#include "net/QtWebSocketPeer.h"
#include "net/WebSocketCodec.h"
#include "net/WebSocketConnection.h"

#include <QAbstractHttpServer>
#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QSocketNotifier>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QTimer>
#include <QWebSocket>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace era::net {

namespace {

void setReceiveLowWater(int fd, int bytes)
{
    ::setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &bytes, sizeof bytes);
}

QString peerKey(const QHostAddress &address, quint16 port)
{
    return address.toString() + QLatin1Char('|') + QString::number(port);
}

HeadVerdict headTooLarge(qint64 maxHeadBytes)
{
    return rejection(431, "header_too_large",
                     "the request head may be at most " + QByteArray::number(maxHeadBytes) + " bytes",
                     maxHeadBytes);
}

HeadVerdict malformedHead()
{
    return rejection(400, "bad_request", "the request head is not HTTP/1.x");
}

} // namespace

// The listening socket bound to the HTTP server. It accepts, but leaves the new descriptor to the
// Listener; QHttpServer only sees the connections handed to it later through addPendingConnection().
class AcceptingServer final : public QTcpServer {
public:
    AcceptingServer(Listener *listener) : m_listener(listener) {}

    void handOver(QTcpSocket *socket)
    {
        addPendingConnection(socket); // QHttpServer 6.4 takes it on pendingConnectionAvailable
        Q_EMIT newConnection();
    }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        if (m_listener)
            m_listener->incoming(descriptor);
        else
            ::close(int(descriptor));
    }

private:
    QPointer<Listener> m_listener;
};

// A socket handed to QHttpServer: counts itself as an open HTTP connection until it is destroyed
// (QHttpServer may disconnect() every signal of a socket, so destroyed() is not enough), and closes
// itself when a keep-alive connection stays idle (QHttpServer 6.4 never does), or aborts it when its peer
// has taken none of the answer for as long (a stalled reader would hold the rest in memory forever).
class HttpIdleWatch final : public SweptConnection {
public:
    explicit HttpIdleWatch(QTcpSocket *socket) : m_socket(socket) {}

    void start(Listener *listener)
    {
        m_listener = listener;
        ++listener->m_httpConnections;
        listener->m_sweep.add(this);
        touch();
        m_connections[0] = QObject::connect(m_socket, &QIODevice::readyRead, m_socket, [this] { touch(); });
        m_connections[1] =
            QObject::connect(m_socket, &QIODevice::bytesWritten, m_socket, [this] { touch(); });
        // Under TLS, bytesWritten says "encrypted"; what reached the peer is encryptedBytesWritten.
        if (auto *tls = qobject_cast<QSslSocket *>(m_socket))
            m_connections[2] =
                QObject::connect(tls, &QSslSocket::encryptedBytesWritten, m_socket, [this] { touch(); });
    }
    void stop()
    {
        for (const auto &c : m_connections)
            QObject::disconnect(c);
        if (m_listener)
            --m_listener->m_httpConnections;
        m_listener = nullptr;
        leaveSweep();
    }
    void touch() { m_lastActivityMs = ConnectionSweep::nowMs(); }

    void sweep(qint64 nowMs) override
    {
        if (nowMs - m_lastActivityMs < m_listener->m_settings.httpIdleMs)
            return;
        touch(); // give disconnectFromHost() its time before asking again
        qint64 unsent = m_socket->bytesToWrite();
        if (auto *tls = qobject_cast<QSslSocket *>(m_socket))
            unsent += tls->encryptedBytesToWrite();
        if (unsent == 0)
            m_socket->disconnectFromHost();
        else
            m_socket->abort(); // disconnectFromHost() would wait for a peer that takes nothing
    }
    void abandon() override
    {
        stop();
        m_socket->abort();
    }

private:
    QTcpSocket *m_socket;
    QPointer<Listener> m_listener;
    QMetaObject::Connection m_connections[3];
    qint64 m_lastActivityMs = 0;
};

class CountedTcpSocket final : public QTcpSocket {
public:
    explicit CountedTcpSocket(Listener *listener) : m_watch(this) { m_watch.start(listener); }
    ~CountedTcpSocket() override { m_watch.stop(); }

private:
    HttpIdleWatch m_watch;
};

class CountedSslSocket final : public QSslSocket {
public:
    CountedSslSocket() : m_watch(this) {}
    ~CountedSslSocket() override { m_watch.stop(); }
    void countAsHttp(Listener *listener) { m_watch.start(listener); }

private:
    HttpIdleWatch m_watch;
};

// A plain connection whose first request head has not fully arrived. The head is peeked with
// recv(MSG_PEEK), never read, so the HTTP server can still read it; SO_RCVLOWAT keeps a partial head
// from waking us again until more bytes arrive.
class PendingHead final : public SweptConnection {
public:
    PendingHead(Listener *listener, int fd)
        : m_listener(listener), m_acceptedMs(ConnectionSweep::nowMs()), m_fd(fd)
    {
        m_notifier = new QSocketNotifier(qintptr(fd), QSocketNotifier::Read);
        QObject::connect(m_notifier, &QSocketNotifier::activated, m_notifier, [this] { onReadable(); });
        ++m_listener->m_pendingHeads;
        m_listener->m_sweep.add(this);
    }

    ~PendingHead() override
    {
        --m_listener->m_pendingHeads;
        if (m_notifier) {
            m_notifier->setEnabled(false);
            m_notifier->deleteLater();
        }
        if (m_fd >= 0)
            ::close(m_fd);
    }

    void sweep(qint64 nowMs) override
    {
        const qint64 limit =
            m_draining ? m_listener->m_settings.closeGraceMs : m_listener->m_settings.headTimeoutMs;
        if (nowMs - (m_draining ? m_drainSinceMs : m_acceptedMs) >= limit)
            delete this; // slowloris, or a rejected client that does not hang up
    }

private:
    void onReadable()
    {
        if (m_draining)
            return drain();
        const qint64 maxHead = m_listener->m_options.maxHeaderBytes;
        QByteArray &buffer = m_listener->peekBuffer();
        ssize_t n;
        do {
            n = ::recv(m_fd, buffer.data(), size_t(maxHead + 1), MSG_PEEK);
        } while (n < 0 && errno == EINTR);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            delete this; // gone before saying anything
            return;
        }
        if (n == m_lastPeeked) {
            // Woken with nothing new: with the low-water mark above what we have, that is the peer's EOF
            // (a half-closed connection would otherwise wake us forever).
            delete this;
            return;
        }
        m_lastPeeked = n;
        const QByteArrayView peeked(buffer.constData(), n);
        const qsizetype end = findHeadEnd(peeked);
        if (end < 0) {
            if (n > maxHead)
                return reject(headTooLarge(maxHead));
            setReceiveLowWater(m_fd, int(n) + 1);
            m_lowWaterRaised = true;
            return;
        }
        if (end > maxHead)
            return reject(headTooLarge(maxHead));
        const auto head = parseHttpHead(peeked.first(end));
        if (!head)
            return reject(malformedHead());
        const HeadVerdict verdict = classifyHead(*head, m_listener->m_headLimits);
        if (std::exchange(m_lowWaterRaised, false))
            setReceiveLowWater(m_fd, 1);
        switch (verdict.kind) {
        case HeadVerdict::Reject:
            return reject(verdict);
        case HeadVerdict::WebSocket: {
            QByteArray raw = peeked.first(end).toByteArray();
            ssize_t consumed;
            do {
                consumed = ::recv(m_fd, buffer.data(), size_t(end), 0);
            } while (consumed < 0 && errno == EINTR);
            if (consumed != end) {
                delete this;
                return;
            }
            Listener *listener = m_listener;
            QSocketNotifier *notifier = std::exchange(m_notifier, nullptr);
            const int fd = std::exchange(m_fd, -1);
            notifier->disconnect();
            delete this;
            listener->acceptPlainWebSocket(fd, notifier, std::move(raw));
            return;
        }
        case HeadVerdict::Http: {
            Listener *listener = m_listener;
            const int fd = std::exchange(m_fd, -1);
            delete this; // drops our notifier before QTcpSocket registers its own
            auto *socket = new CountedTcpSocket(listener);
            if (!socket->setSocketDescriptor(fd)) {
                ::close(fd);
                delete socket;
                return;
            }
            listener->handToHttp(socket);
            return;
        }
        }
    }

    void reject(const HeadVerdict &verdict)
    {
        const QByteArray response = rejectResponse(verdict);
        ::send(m_fd, response.constData(), size_t(response.size()), MSG_NOSIGNAL);
        // Read and drop what the client still sends until it hangs up: closing with unread input
        // would reset the connection and could destroy the response before the client reads it.
        ::shutdown(m_fd, SHUT_WR);
        if (std::exchange(m_lowWaterRaised, false))
            setReceiveLowWater(m_fd, 1);
        m_draining = true;
        m_drainSinceMs = ConnectionSweep::nowMs();
        drain();
    }

    void drain()
    {
        QByteArray &buffer = m_listener->peekBuffer();
        for (;;) {
            const ssize_t n = ::recv(m_fd, buffer.data(), size_t(buffer.size()), 0);
            if (n > 0)
                continue;
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return;
            delete this;
            return;
        }
    }

    Listener *m_listener;
    QSocketNotifier *m_notifier = nullptr;
    qint64 m_acceptedMs;
    qint64 m_drainSinceMs = 0;
    ssize_t m_lastPeeked = -1;
    int m_fd;
    bool m_draining = false;
    bool m_lowWaterRaised = false;
};

// A TLS connection: Qt does the handshake on the descriptor; the first head is peeked from the
// decrypted buffer with the same rules, then the socket goes to QHttpServer either way (WebSocket
// upgrades to wsPath are finished by QHttpServer's QWebSocketServer and come back as QWebSocket).
class PendingTlsHead final : public SweptConnection {
public:
    PendingTlsHead(Listener *listener, qintptr fd)
        : m_listener(listener), m_acceptedMs(ConnectionSweep::nowMs())
    {
        ++m_listener->m_pendingHeads;
        m_listener->m_sweep.add(this);
        m_socket = new CountedSslSocket;
        if (!m_socket->setSocketDescriptor(fd)) {
            ::close(int(fd));
            QMetaObject::invokeMethod(
                m_socket, [this] { delete this; }, Qt::QueuedConnection);
            return;
        }
        m_socket->setSslConfiguration(*listener->m_options.tls);
        m_socket->setReadBufferSize(listener->m_options.maxHeaderBytes + 1);
        m_connections[0] = QObject::connect(m_socket, &QIODevice::readyRead, m_socket, [this] { check(); });
        m_connections[1] =
            QObject::connect(m_socket, &QAbstractSocket::disconnected, m_socket, [this] { delete this; });
        m_socket->startServerEncryption();
    }

    ~PendingTlsHead() override
    {
        --m_listener->m_pendingHeads;
        if (m_socket) {
            for (const auto &c : m_connections)
                QObject::disconnect(c);
            m_socket->abort();
            m_socket->deleteLater();
        }
    }

    void sweep(qint64 nowMs) override
    {
        if (nowMs - m_acceptedMs >= m_listener->m_settings.headTimeoutMs)
            delete this;
    }

private:
    void check()
    {
        if (m_rejected) {
            m_socket
                ->readAll(); // lingering: drain what the client still sends so that it can read our answer
            return;
        }
        const qint64 maxHead = m_listener->m_options.maxHeaderBytes;
        const QByteArray peeked = m_socket->peek(maxHead + 1);
        const qsizetype end = findHeadEnd(peeked);
        if (end < 0) {
            if (peeked.size() > maxHead)
                reject(headTooLarge(maxHead));
            return;
        }
        if (end > maxHead)
            return reject(headTooLarge(maxHead));
        const auto head = parseHttpHead(QByteArrayView(peeked).first(end));
        if (!head)
            return reject(malformedHead());
        const HeadVerdict verdict = classifyHead(*head, m_listener->m_headLimits);
        if (verdict.kind == HeadVerdict::Reject)
            return reject(verdict);

        for (const auto &c : m_connections)
            QObject::disconnect(c);
        CountedSslSocket *socket = std::exchange(m_socket, nullptr);
        Listener *listener = m_listener;
        socket->setReadBufferSize(0);
        if (verdict.kind == HeadVerdict::WebSocket)
            listener->rememberTlsUpgrade(socket, peeked.first(end));
        else
            socket->countAsHttp(listener);
        delete this;
        listener->handToHttp(socket);
        Q_EMIT socket->readyRead(); // its head is already decrypted and buffered
    }

    void reject(const HeadVerdict &verdict)
    {
        m_rejected = true;
        m_socket->write(rejectResponse(verdict));
        // A client still uploading a refused body would get a reset instead of our answer if we closed now
        // with its data unread: drain for a moment (lingering close), then hang up. The head timeout bounds
        // it.
        m_socket->setReadBufferSize(0);
        m_socket->readAll();
        QTimer::singleShot(LingerMs, m_socket, [socket = m_socket] { socket->disconnectFromHost(); });
    }

    static constexpr int LingerMs = 2000;
    Listener *m_listener;
    CountedSslSocket *m_socket = nullptr;
    QMetaObject::Connection m_connections[2];
    qint64 m_acceptedMs;
    bool m_rejected = false;
};

std::optional<QSslConfiguration> ListenerOptions::tlsFromPemFiles(const QString &certificatePath,
                                                                  const QString &keyPath, QString *error)
{
    const auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QFile certFile(certificatePath);
    if (!certFile.open(QIODevice::ReadOnly))
        return fail(
            QStringLiteral("cannot read certificate %1: %2").arg(certificatePath, certFile.errorString()));
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    if (chain.isEmpty())
        return fail(QStringLiteral("no PEM certificate in %1").arg(certificatePath));
    QFile keyFile(keyPath);
    if (!keyFile.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read key %1: %2").arg(keyPath, keyFile.errorString()));
    const QByteArray keyPem = keyFile.readAll();
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        key = QSslKey(keyPem, algorithm, QSsl::Pem);
        if (!key.isNull())
            break;
    }
    if (key.isNull())
        return fail(QStringLiteral("no usable PEM private key in %1").arg(keyPath));
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificateChain(chain);
    config.setPrivateKey(key);
    config.setPeerVerifyMode(QSslSocket::VerifyNone);
    config.setAllowedNextProtocols({QByteArrayLiteral("http/1.1")});
    return config;
}

Listener::Listener(QAbstractHttpServer *http, ListenerOptions options, QObject *parent)
    : QObject(parent), m_http(http),
      m_options(std::move(options)), m_headLimits{m_options.wsPath, m_options.bodyLimits}
{
    m_settings.maxMessageBytes = m_options.maxMessageBytes;
    m_settings.maxOutputBytes = qMax<qint64>(8 << 20, 2 * m_options.maxMessageBytes);
    m_settings.heartbeatMs = qint64(m_options.heartbeatIntervalSec) * 1000;
    m_settings.idleMs = qint64(m_options.idleTimeoutSec) * 1000;
    m_settings.headTimeoutMs = m_options.headTimeoutMs;
    m_settings.closeGraceMs = qMin<qint64>(3000, m_settings.idleMs);
    m_settings.httpIdleMs = qint64(m_options.httpIdleTimeoutSec) * 1000;
    m_peekBuffer.resize(qMax<qint64>(64 * 1024, m_options.maxHeaderBytes + 1));

    if (m_options.tls && m_http) {
        // QHttpServer hands an upgrade over only when a route matches it and newWebSocketConnection has
        // a receiver. The route writes nothing for an upgrade; anything else on that path gets 426.
        if (auto *router = qobject_cast<QHttpServer *>(m_http.data())) {
            router->route(QString::fromLatin1(m_options.wsPath),
                          [](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                              if (request.value("upgrade").compare("websocket", Qt::CaseInsensitive) != 0)
                                  responder.write(QHttpServerResponder::StatusCode::UpgradeRequired);
                          });
        }
        connect(m_http, &QAbstractHttpServer::newWebSocketConnection, this, &Listener::takeQtWebSockets);
    }
}

Listener::~Listener()
{
    if (m_server) {
        m_server->close();
        m_server->deleteLater();
    }
    while (SweptConnection *connection = m_sweep.first())
        connection->abandon(); // pending heads close their descriptors, peers their sockets
}

quint16 Listener::listen()
{
    if (!m_http) {
        m_error = QStringLiteral("no HTTP server to serve");
        return 0;
    }
    auto *server = new AcceptingServer(this);
    server->setListenBacklogSize(4096); // bursts of connects must not overflow a short accept queue
    if (!server->listen(m_options.address, m_options.port)) {
        m_error = server->errorString();
        delete server;
        return 0;
    }
    m_server = server;
    m_http->bind(server); // parents it to the HTTP server
    const qint64 shortest =
        qMin(qMin(m_settings.heartbeatMs, m_settings.idleMs),
             qMin(qMin(m_settings.headTimeoutMs, m_settings.closeGraceMs), m_settings.httpIdleMs));
    m_sweep.start(qBound(qint64(50), shortest / 4, qint64(1000)));
    return server->serverPort();
}

void Listener::stopAccepting()
{
    if (m_server)
        m_server->close();
}

quint16 Listener::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

int Listener::openConnections() const
{
    return m_pendingHeads + m_httpConnections + m_webSockets;
}

QByteArray &Listener::peekBuffer()
{
    return m_peekBuffer;
}

void Listener::incoming(qintptr descriptor)
{
    const int fd = int(descriptor);
    ::fcntl(fd, F_SETFL, O_NONBLOCK); // a fresh socket has no other changeable flag
    if (m_options.tls)
        new PendingTlsHead(this, descriptor);
    else
        new PendingHead(this, fd);
}

void Listener::handToHttp(QTcpSocket *socket)
{
    // QHttpServer 6.4 buffers a whole request with no limit of its own. Our head check covers the first
    // request; later keep-alive requests are bounded here so one connection cannot hold unbounded memory
    // (their handlers refuse a body over their route's limit).
    const qint64 limit = m_options.maxHeaderBytes + m_options.bodyLimits.largest() + 64 * 1024;
    connect(socket, &QIODevice::readyRead, this, [socket, limit] {
        if (socket->bytesAvailable() > limit)
            socket->abort();
    });
    if (m_server)
        m_server->handOver(socket);
    else
        socket->deleteLater();
}

void Listener::acceptPlainWebSocket(int descriptor, QSocketNotifier *notifier, QByteArray head)
{
    const int one = 1;
    ::setsockopt(descriptor, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    QHostAddress peer;
    if (::getpeername(descriptor, reinterpret_cast<sockaddr *>(&address), &length) == 0)
        peer.setAddress(reinterpret_cast<const sockaddr *>(&address));
    const QByteArray accept = ws::acceptKey(parseHttpHead(head)->value("sec-websocket-key"));
    auto *connection = new WebSocketConnection(descriptor, notifier, std::move(head), std::move(peer),
                                               &m_settings, &m_sweep);
    connection->sendRaw("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Accept: " +
                        accept + "\r\n\r\n");
    peerAdded(connection);
}

void Listener::rememberTlsUpgrade(QTcpSocket *socket, QByteArray head)
{
    m_tlsUpgradeHeads.removeIf([](const auto &entry) { return entry.value().first.isNull(); });
    m_tlsUpgradeHeads.insert(peerKey(socket->peerAddress(), socket->peerPort()), {socket, std::move(head)});
}

void Listener::takeQtWebSockets()
{
    while (m_http && m_http->hasPendingWebSocketConnections()) {
        std::unique_ptr<QWebSocket> socket = m_http->nextPendingWebSocketConnection();
        if (!socket)
            break;
        QByteArray head = m_tlsUpgradeHeads.take(peerKey(socket->peerAddress(), socket->peerPort())).second;
        peerAdded(new QtWebSocketPeer(std::move(socket), std::move(head), &m_settings, &m_sweep));
    }
}

void Listener::peerAdded(WebSocketPeer *peer)
{
    ++m_webSockets;
    connect(peer, &WebSocketPeer::closed, this, [this] { --m_webSockets; });
    Q_EMIT newPeer(peer);
}

} // namespace era::net
