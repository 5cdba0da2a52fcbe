#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QObject>

namespace era::net {

// One accepted WebSocket connection, whatever carries it (our engine, or QWebSocket when TLS is on).
class WebSocketPeer : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    virtual void sendText(const QByteArray &utf8) = 0; // queues one text message; safe after close (no-op)
    virtual void close(quint16 code, const QByteArray &reason) = 0; // sends close, then closes the socket
    virtual QHostAddress peerAddress() const = 0;
    virtual QByteArray header(const QByteArray &lowercaseName) const = 0; // from the upgrade request
Q_SIGNALS:
    void textReceived(const QByteArray &utf8); // one complete text message
    void closed();                             // socket gone; the peer deletes itself later (deleteLater)
};

} // namespace era::net
