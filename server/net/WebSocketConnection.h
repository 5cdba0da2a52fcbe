#pragma once

#include "net/ConnectionSweep.h"
#include "net/WebSocketCodec.h"
#include "net/WebSocketPeer.h"

class QSocketNotifier;

namespace era::net {

// Our own RFC 6455 server endpoint on a socket descriptor whose handshake is done: a read notifier, a
// frame decoder that holds no buffer while idle, output gathered during one pass of the event loop and
// sent with one non-blocking send (ConnectionSweep::flushLater), kept only while the kernel's send buffer
// is full. Pings and idle timeouts come from the shared ConnectionSweep.
class WebSocketConnection final : public WebSocketPeer,
                                  public SweptConnection,
                                  private ws::FrameDecoder::Sink {
    Q_OBJECT
public:
    // Takes over `descriptor` (already non-blocking) and `readNotifier` (reparented to this).
    WebSocketConnection(int descriptor, QSocketNotifier *readNotifier, QByteArray upgradeHead,
                        QHostAddress peer, const ConnectionSettings *settings, ConnectionSweep *sweep);
    ~WebSocketConnection() override;

    void sendText(const QByteArray &utf8) override;
    void sendBinary(const QByteArray &data);
    void close(quint16 code, const QByteArray &reason) override;
    QHostAddress peerAddress() const override { return m_peer; }
    QByteArray header(const QByteArray &lowercaseName) const override;

    // Writes bytes as they are (the 101 response); only before any frame.
    void sendRaw(const QByteArray &bytes);
    void sweep(qint64 nowMs) override;
    void abandon() override;

Q_SIGNALS:
    void binaryReceived(const QByteArray &data);

private:
    enum class State : quint8 { Open, Closing, Finished };

    bool onMessage(ws::Opcode opcode, QByteArray &&payload) override;
    bool onControl(ws::Opcode opcode, QByteArray &&payload) override;
    void onProtocolError(quint16 closeCode, const char *reason) override;

    void onReadable();
    void flush() override;
    void sendOutput();
    void sendFrame(ws::Opcode opcode, const char *payload, qsizetype size);
    void write(const char *a, qsizetype aSize, const char *b, qsizetype bSize);
    void startClosing(quint16 code, QByteArrayView reason);
    void shutdownIfFlushed();
    void abortLater();
    void finish();

    ws::FrameDecoder m_decoder;
    QByteArray m_head;   // the upgrade request, parsed again only when header() is asked
    QByteArray m_output; // what the kernel did not take yet
    QHostAddress m_peer;
    const ConnectionSettings *m_settings;
    QSocketNotifier *m_readNotifier;
    QSocketNotifier *m_writeNotifier = nullptr;
    qint64 m_lastReceivedMs;
    qint64 m_lastPingMs;
    qint64 m_closingSinceMs = 0;
    int m_fd;
    State m_state = State::Open;
    bool m_closeSent = false;
    bool m_writeShut = false;
    bool m_awaitingWritable = false; // the kernel's buffer was full: the write notifier is on
};

} // namespace era::net
