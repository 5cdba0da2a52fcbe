#pragma once

#include <QByteArray>
#include <QSslConfiguration>
#include <QSslSocket>
#include <optional>

// A hand-driven WebSocket client over a plain TCP (or TLS) socket: it can break the protocol on purpose and
// never answers pings by itself. Waits spin the event loop (the server runs in the same thread).
class RawWebSocketClient {
public:
    struct Frame {
        quint8 opcode = 0;
        bool fin = false;
        QByteArray payload;
        quint16 closeCode() const;
    };

    // From then on connectTo() speaks TLS with this configuration (to 127.0.0.1, which it must trust).
    void useTls(const QSslConfiguration &config) { m_tls = config; }
    bool connectTo(quint16 port);
    bool upgrade(quint16 port, const QByteArray &path = "/api/v1/ws");
    void sendRaw(const QByteArray &bytes) { m_socket.write(bytes); }
    void sendFrame(quint8 firstByte, const QByteArray &payload, bool masked = true);
    std::optional<Frame> nextFrame(int timeoutMs = 5000);
    // Everything received until the server closes the connection (or the timeout).
    QByteArray readUntilClosed(int timeoutMs = 5000);
    bool waitForDisconnect(int timeoutMs = 5000);
    QTcpSocket &socket() { return m_socket; }

    static QByteArray frame(quint8 firstByte, const QByteArray &payload, bool masked = true);

private:
    std::optional<Frame> takeFrame();

    QSslSocket m_socket; // used plain unless useTls() was called
    std::optional<QSslConfiguration> m_tls;
    QByteArray m_buffer;
};
