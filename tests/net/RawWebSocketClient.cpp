#include "RawWebSocketClient.h"

#include <QTest>

quint16 RawWebSocketClient::Frame::closeCode() const
{
    return payload.size() >= 2 ? quint16((uchar(payload[0]) << 8) | uchar(payload[1])) : 0;
}

bool RawWebSocketClient::connectTo(quint16 port)
{
    if (m_tls) {
        m_socket.setSslConfiguration(*m_tls);
        m_socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
        return QTest::qWaitFor([this] { return m_socket.isEncrypted(); }, 5000);
    }
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 5000);
}

bool RawWebSocketClient::upgrade(quint16 port, const QByteArray &path)
{
    if (!connectTo(port))
        return false;
    m_socket.write("GET " + path +
                   " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    const bool headArrived = QTest::qWaitFor(
        [this] {
            m_buffer += m_socket.readAll();
            return m_buffer.contains("\r\n\r\n");
        },
        5000);
    if (!headArrived || !m_buffer.startsWith("HTTP/1.1 101 ") ||
        !m_buffer.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"))
        return false;
    m_buffer.remove(0, m_buffer.indexOf("\r\n\r\n") + 4);
    return true;
}

QByteArray RawWebSocketClient::frame(quint8 firstByte, const QByteArray &payload, bool masked)
{
    QByteArray out;
    out.append(char(firstByte));
    const quint8 maskBit = masked ? 0x80 : 0;
    if (payload.size() < 126) {
        out.append(char(maskBit | payload.size()));
    } else if (payload.size() <= 0xFFFF) {
        out.append(char(maskBit | 126));
        out.append(char(payload.size() >> 8));
        out.append(char(payload.size()));
    } else {
        out.append(char(maskBit | 127));
        for (int i = 7; i >= 0; --i)
            out.append(char(quint64(payload.size()) >> (8 * i)));
    }
    const char mask[4] = {0x3a, 0x11, 0x7f, 0x42};
    if (masked)
        out.append(mask, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        out.append(masked ? char(payload[i] ^ mask[i % 4]) : payload[i]);
    return out;
}

void RawWebSocketClient::sendFrame(quint8 firstByte, const QByteArray &payload, bool masked)
{
    m_socket.write(frame(firstByte, payload, masked));
}

std::optional<RawWebSocketClient::Frame> RawWebSocketClient::takeFrame()
{
    if (m_buffer.size() < 2)
        return std::nullopt;
    const auto *h = reinterpret_cast<const uchar *>(m_buffer.constData());
    quint64 length = h[1] & 0x7F;
    qsizetype pos = 2;
    if (length == 126) {
        if (m_buffer.size() < 4)
            return std::nullopt;
        length = (quint64(h[2]) << 8) | h[3];
        pos = 4;
    } else if (length == 127) {
        if (m_buffer.size() < 10)
            return std::nullopt;
        length = 0;
        for (int i = 0; i < 8; ++i)
            length = (length << 8) | h[2 + i];
        pos = 10;
    }
    if (m_buffer.size() < pos + qsizetype(length))
        return std::nullopt;
    Frame f;
    f.fin = h[0] & 0x80;
    f.opcode = h[0] & 0x0F;
    f.payload = m_buffer.mid(pos, qsizetype(length));
    m_buffer.remove(0, pos + qsizetype(length));
    return f;
}

std::optional<RawWebSocketClient::Frame> RawWebSocketClient::nextFrame(int timeoutMs)
{
    std::optional<Frame> result;
    (void)QTest::qWaitFor(
        [&] {
            m_buffer += m_socket.readAll();
            result = takeFrame();
            return result.has_value() || m_socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
    if (!result) {
        m_buffer += m_socket.readAll();
        result = takeFrame();
    }
    return result;
}

QByteArray RawWebSocketClient::readUntilClosed(int timeoutMs)
{
    (void)QTest::qWaitFor(
        [&] {
            m_buffer += m_socket.readAll();
            return m_socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
    m_buffer += m_socket.readAll();
    return std::exchange(m_buffer, QByteArray());
}

bool RawWebSocketClient::waitForDisconnect(int timeoutMs)
{
    return QTest::qWaitFor(
        [&] {
            m_buffer += m_socket.readAll();
            return m_socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
}
