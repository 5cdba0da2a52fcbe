#include "net/QtWebSocketPeer.h"

#include "net/HttpHead.h"

#include <QWebSocket>

namespace era::net {

QtWebSocketPeer::QtWebSocketPeer(std::unique_ptr<QWebSocket> socket, QByteArray upgradeHead,
                                 const ConnectionSettings *settings, ConnectionSweep *sweep)
    : m_socket(std::move(socket)), m_head(std::move(upgradeHead)), m_settings(settings),
      m_lastReceivedMs(ConnectionSweep::nowMs()), m_lastPingMs(m_lastReceivedMs)
{
    m_socket->setParent(nullptr);
    m_socket->setMaxAllowedIncomingMessageSize(quint64(settings->maxMessageBytes));
    m_socket->setMaxAllowedIncomingFrameSize(quint64(settings->maxMessageBytes));
    const auto alive = [this] { m_lastReceivedMs = ConnectionSweep::nowMs(); };
    connect(m_socket.get(), &QWebSocket::textMessageReceived, this, [this, alive](const QString &text) {
        alive();
        Q_EMIT textReceived(text.toUtf8());
    });
    connect(m_socket.get(), &QWebSocket::binaryMessageReceived, this, alive);
    connect(m_socket.get(), &QWebSocket::pong, this, alive);
    connect(m_socket.get(), &QWebSocket::disconnected, this, &QtWebSocketPeer::finish);
    sweep->add(this);
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        QMetaObject::invokeMethod(this, &QtWebSocketPeer::finish, Qt::QueuedConnection);
}

QtWebSocketPeer::~QtWebSocketPeer()
{
    if (m_socket)
        m_socket->disconnect(this);
}

void QtWebSocketPeer::sendText(const QByteArray &utf8)
{
    if (m_finished || m_closingSinceMs >= 0)
        return;
    // A peer that stops reading must not make us buffer without end: drop it, like our own engine does.
    if (m_socket->bytesToWrite() > m_settings->maxOutputBytes) {
        m_socket->abort();
        return;
    }
    m_socket->sendTextMessage(QString::fromUtf8(utf8));
}

void QtWebSocketPeer::close(quint16 code, const QByteArray &reason)
{
    if (m_finished || m_closingSinceMs >= 0)
        return;
    m_closingSinceMs = ConnectionSweep::nowMs();
    m_socket->close(QWebSocketProtocol::CloseCode(code), QString::fromUtf8(reason));
}

QHostAddress QtWebSocketPeer::peerAddress() const
{
    return m_socket->peerAddress();
}

QByteArray QtWebSocketPeer::header(const QByteArray &lowercaseName) const
{
    const auto head = parseHttpHead(m_head);
    return head ? head->value(lowercaseName) : QByteArray();
}

void QtWebSocketPeer::sweep(qint64 nowMs)
{
    if (m_finished)
        return;
    if (m_closingSinceMs >= 0) {
        if (nowMs - m_closingSinceMs >= m_settings->closeGraceMs)
            m_socket->abort();
        return;
    }
    if (nowMs - m_lastReceivedMs >= m_settings->idleMs) {
        close(1001, "idle timeout");
    } else if (nowMs - m_lastReceivedMs >= m_settings->heartbeatMs &&
               nowMs - m_lastPingMs >= m_settings->heartbeatMs) {
        m_lastPingMs = nowMs;
        m_socket->ping();
    }
}

void QtWebSocketPeer::abandon()
{
    m_socket->abort();
    finish();
    delete this;
}

void QtWebSocketPeer::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    leaveSweep();
    Q_EMIT closed();
    deleteLater();
}

} // namespace era::net
