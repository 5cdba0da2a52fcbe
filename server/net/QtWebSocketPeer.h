#pragma once

#include "net/ConnectionSweep.h"
#include "net/WebSocketPeer.h"

#include <memory>

class QWebSocket;

namespace era::net {

// A WebSocketPeer over Qt's QWebSocket, used when TLS is on (QHttpServer's own upgrade handling does
// the handshake); the same sweep gives it the same heartbeat, idle timeout and message size limit.
class QtWebSocketPeer final : public WebSocketPeer, public SweptConnection {
    Q_OBJECT
public:
    QtWebSocketPeer(std::unique_ptr<QWebSocket> socket, QByteArray upgradeHead,
                    const ConnectionSettings *settings, ConnectionSweep *sweep);
    ~QtWebSocketPeer() override;

    void sendText(const QByteArray &utf8) override;
    void close(quint16 code, const QByteArray &reason) override;
    QHostAddress peerAddress() const override;
    QByteArray header(const QByteArray &lowercaseName) const override;
    void sweep(qint64 nowMs) override;
    void abandon() override;

private:
    void finish();

    std::unique_ptr<QWebSocket> m_socket;
    QByteArray m_head;
    const ConnectionSettings *m_settings;
    qint64 m_lastReceivedMs;
    qint64 m_lastPingMs;
    qint64 m_closingSinceMs = -1;
    bool m_finished = false;
};

} // namespace era::net
