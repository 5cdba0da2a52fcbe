#include "net/WebSocketConnection.h"

#include "net/HttpHead.h"

#include <QSocketNotifier>
#include <cerrno>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace era::net {

namespace {

// One receive buffer per thread: a connection keeps only what it could not decode yet.
char *scratch(qsizetype &size)
{
    static thread_local QByteArray buffer(64 * 1024, Qt::Uninitialized);
    size = buffer.size();
    return buffer.data();
}

} // namespace

WebSocketConnection::WebSocketConnection(int descriptor, QSocketNotifier *readNotifier,
                                         QByteArray upgradeHead, QHostAddress peer,
                                         const ConnectionSettings *settings, ConnectionSweep *sweep)
    : m_head(std::move(upgradeHead)), m_peer(std::move(peer)), m_settings(settings),
      m_readNotifier(readNotifier), m_lastReceivedMs(ConnectionSweep::nowMs()),
      m_lastPingMs(m_lastReceivedMs), m_fd(descriptor)
{
    m_readNotifier->setParent(this);
    QObject::connect(m_readNotifier, &QSocketNotifier::activated, this, &WebSocketConnection::onReadable);
    m_readNotifier->setEnabled(true);
    sweep->add(this);
}

WebSocketConnection::~WebSocketConnection()
{
    if (m_state != State::Finished) {
        // Destroyed while open (listener shutdown): what the kernel takes of the output now is sent (a close
        // frame, say), then the socket goes without signalling.
        if (!m_output.isEmpty() && !m_writeShut)
            (void)::send(m_fd, m_output.constData(), size_t(m_output.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
        m_readNotifier->setEnabled(false);
        if (m_writeNotifier)
            m_writeNotifier->setEnabled(false);
        ::close(m_fd);
    }
}

QByteArray WebSocketConnection::header(const QByteArray &lowercaseName) const
{
    const auto head = parseHttpHead(m_head);
    return head ? head->value(lowercaseName) : QByteArray();
}

void WebSocketConnection::sendText(const QByteArray &utf8)
{
    if (m_state == State::Open && !m_closeSent)
        sendFrame(ws::Text, utf8.constData(), utf8.size());
}

void WebSocketConnection::sendBinary(const QByteArray &data)
{
    if (m_state == State::Open && !m_closeSent)
        sendFrame(ws::Binary, data.constData(), data.size());
}

void WebSocketConnection::close(quint16 code, const QByteArray &reason)
{
    if (m_state == State::Open)
        startClosing(code, reason);
}

void WebSocketConnection::sendRaw(const QByteArray &bytes)
{
    write(bytes.constData(), bytes.size(), nullptr, 0);
}

void WebSocketConnection::sendFrame(ws::Opcode opcode, const char *payload, qsizetype size)
{
    uchar header[10];
    const int headerSize = ws::writeFrameHeader(header, opcode, quint64(size));
    write(reinterpret_cast<const char *>(header), headerSize, payload, size);
}

void WebSocketConnection::write(const char *a, qsizetype aSize, const char *b, qsizetype bSize)
{
    if (m_state == State::Finished || m_writeShut)
        return;
    m_output.append(a, aSize);
    if (bSize > 0)
        m_output.append(b, bSize);
    if (m_output.size() > m_settings->maxOutputBytes) {
        abortLater(); // a reader this slow would hold unbounded memory
        return;
    }
    // Everything written in this pass of the event loop leaves in one send (an event and the reply that
    // follows it, say); while the kernel's buffer is full, the write notifier sends it.
    if (!m_awaitingWritable && !flushLater())
        sendOutput();
}

void WebSocketConnection::flush()
{
    if (m_state != State::Finished && !m_awaitingWritable)
        sendOutput();
}

void WebSocketConnection::sendOutput()
{
    qsizetype done = 0;
    while (done < m_output.size()) {
        const ssize_t n =
            ::send(m_fd, m_output.constData() + done, size_t(m_output.size() - done), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            m_output = QByteArray();
            abortLater(); // the peer is gone; reading will see it too
            return;
        }
        done += qsizetype(n);
    }
    if (done == m_output.size()) {
        m_output = QByteArray(); // give the memory back while idle
        if (m_awaitingWritable) {
            m_awaitingWritable = false;
            m_writeNotifier->setEnabled(false);
        }
        shutdownIfFlushed();
        return;
    }
    m_output.remove(0, done);
    if (!m_writeNotifier) {
        m_writeNotifier = new QSocketNotifier(qintptr(m_fd), QSocketNotifier::Write, this);
        QObject::connect(m_writeNotifier, &QSocketNotifier::activated, this,
                         &WebSocketConnection::sendOutput);
    }
    m_awaitingWritable = true;
    m_writeNotifier->setEnabled(true);
}

void WebSocketConnection::onReadable()
{
    qsizetype capacity = 0;
    char *buffer = scratch(capacity);
    for (;;) {
        const ssize_t n = ::recv(m_fd, buffer, size_t(capacity), 0);
        if (n > 0) {
            m_lastReceivedMs = ConnectionSweep::nowMs();
            if (m_state == State::Open && !m_closeSent) {
                m_decoder.feed(buffer, qsizetype(n), m_settings->maxMessageBytes, *this);
                if (m_state == State::Finished)
                    return;
            }
            // While closing, whatever else arrives is read and dropped until the peer hangs up.
            if (n < capacity)
                return; // drained for now; the notifier fires again when more arrives
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        finish(); // end of stream or a reset
        return;
    }
}

bool WebSocketConnection::onMessage(ws::Opcode opcode, QByteArray &&payload)
{
    if (opcode == ws::Text)
        Q_EMIT textReceived(payload);
    else
        Q_EMIT binaryReceived(payload);
    return m_state == State::Open && !m_closeSent;
}

bool WebSocketConnection::onControl(ws::Opcode opcode, QByteArray &&payload)
{
    switch (opcode) {
    case ws::Ping:
        sendFrame(ws::Pong, payload.constData(), payload.size());
        return true;
    case ws::Pong:
        return true;
    case ws::Close: {
        if (payload.size() == 1) {
            startClosing(ws::CloseProtocolError, "close payload of one byte");
            return false;
        }
        quint16 code = ws::CloseNormal;
        if (payload.size() >= 2) {
            code = quint16((uchar(payload[0]) << 8) | uchar(payload[1]));
            if (!ws::isValidCloseCode(code)) {
                startClosing(ws::CloseProtocolError, "invalid close code");
                return false;
            }
            if (!ws::isValidUtf8(QByteArrayView(payload).sliced(2))) {
                startClosing(ws::CloseInvalidPayload, "close reason is not UTF-8");
                return false;
            }
        }
        startClosing(code, {}); // echo the peer's code, then hang up
        return false;
    }
    default:
        return true;
    }
}

void WebSocketConnection::onProtocolError(quint16 closeCode, const char *reason)
{
    startClosing(closeCode, reason);
}

void WebSocketConnection::startClosing(quint16 code, QByteArrayView reason)
{
    if (m_state != State::Open)
        return;
    if (!m_closeSent) {
        const QByteArray payload = ws::closePayload(code, reason);
        sendFrame(ws::Close, payload.constData(), payload.size());
        m_closeSent = true;
    }
    if (m_state == State::Finished)
        return;
    m_state = State::Closing;
    m_closingSinceMs = ConnectionSweep::nowMs();
    shutdownIfFlushed();
}

void WebSocketConnection::shutdownIfFlushed()
{
    // Half-close instead of close(): unread input at close() would make the kernel send a reset, and a
    // reset can destroy our close frame in the peer's receive buffer before it is read.
    if (m_state == State::Closing && m_output.isEmpty() && !m_writeShut) {
        ::shutdown(m_fd, SHUT_WR);
        m_writeShut = true;
    }
}

void WebSocketConnection::sweep(qint64 nowMs)
{
    switch (m_state) {
    case State::Open:
        if (nowMs - m_lastReceivedMs >= m_settings->idleMs) {
            startClosing(ws::CloseGoingAway, "idle timeout");
        } else if (nowMs - m_lastReceivedMs >= m_settings->heartbeatMs &&
                   nowMs - m_lastPingMs >= m_settings->heartbeatMs) {
            m_lastPingMs = nowMs;
            sendFrame(ws::Ping, nullptr, 0);
        }
        break;
    case State::Closing:
        if (nowMs - m_closingSinceMs >= m_settings->closeGraceMs)
            finish();
        break;
    case State::Finished:
        break;
    }
}

void WebSocketConnection::abandon()
{
    finish();
    delete this;
}

void WebSocketConnection::abortLater()
{
    // Never emit closed() from inside sendText(): the caller may be iterating its own peers.
    if (m_state == State::Finished)
        return;
    m_state = State::Closing;
    m_writeShut = true;
    m_output = QByteArray();
    QMetaObject::invokeMethod(this, &WebSocketConnection::finish, Qt::QueuedConnection);
}

void WebSocketConnection::finish()
{
    if (m_state == State::Finished)
        return;
    m_state = State::Finished;
    leaveSweep();
    m_readNotifier->setEnabled(false);
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(false);
    ::close(m_fd);
    m_output = QByteArray();
    Q_EMIT closed();
    deleteLater();
}

} // namespace era::net
