#include "net/WebSocketCodec.h"

#include <QCryptographicHash>
#include <cstring>
#include <utility>

namespace era::net::ws {

bool Utf8Validator::feed(const char *data, qsizetype size)
{
    const auto *p = reinterpret_cast<const uchar *>(data);
    const auto *end = p + size;
    while (p < end) {
        if (m_need == 0) {
            // Fast path over ASCII, eight bytes at a time.
            while (end - p >= 8) {
                quint64 word;
                std::memcpy(&word, p, 8);
                if (word & 0x8080808080808080ULL)
                    break;
                p += 8;
            }
            if (p == end)
                break;
            const uchar b = *p++;
            if (b < 0x80)
                continue;
            m_low = 0x80;
            m_high = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                m_need = 1;
            } else if (b == 0xE0) {
                m_need = 2;
                m_low = 0xA0;
            } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
                m_need = 2;
            } else if (b == 0xED) {
                m_need = 2;
                m_high = 0x9F; // no UTF-16 surrogates
            } else if (b == 0xF0) {
                m_need = 3;
                m_low = 0x90;
            } else if (b >= 0xF1 && b <= 0xF3) {
                m_need = 3;
            } else if (b == 0xF4) {
                m_need = 3;
                m_high = 0x8F; // nothing above U+10FFFF
            } else {
                return false;
            }
        } else {
            const uchar b = *p++;
            if (b < m_low || b > m_high)
                return false;
            --m_need;
            m_low = 0x80;
            m_high = 0xBF;
        }
    }
    return true;
}

bool isValidUtf8(QByteArrayView text)
{
    Utf8Validator v;
    return v.feed(text.data(), text.size()) && v.complete();
}

bool isValidCloseCode(quint16 code)
{
    if (code >= 3000 && code <= 4999)
        return true;
    switch (code) {
    case 1000:
    case 1001:
    case 1002:
    case 1003:
    case 1007:
    case 1008:
    case 1009:
    case 1010:
    case 1011:
        return true;
    default:
        return false;
    }
}

int writeFrameHeader(uchar *out, Opcode opcode, quint64 payloadSize)
{
    out[0] = uchar(0x80 | opcode);
    if (payloadSize < 126) {
        out[1] = uchar(payloadSize);
        return 2;
    }
    if (payloadSize <= 0xFFFF) {
        out[1] = 126;
        out[2] = uchar(payloadSize >> 8);
        out[3] = uchar(payloadSize);
        return 4;
    }
    out[1] = 127;
    for (int i = 0; i < 8; ++i)
        out[2 + i] = uchar(payloadSize >> (56 - 8 * i));
    return 10;
}

QByteArray closePayload(quint16 code, QByteArrayView reason)
{
    QByteArray payload;
    payload.reserve(2 + qMin<qsizetype>(reason.size(), 123));
    payload.append(char(code >> 8));
    payload.append(char(code & 0xFF));
    payload.append(reason.first(qMin<qsizetype>(reason.size(), 123))); // control payloads are <= 125 bytes
    return payload;
}

QByteArray acceptKey(QByteArrayView clientKey)
{
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(clientKey);
    sha1.addData(QByteArrayView("258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
    return sha1.result().toBase64();
}

bool FrameDecoder::fail(Sink &sink, quint16 code, const char *reason)
{
    m_broken = true;
    m_pending = QByteArray();
    m_message = QByteArray();
    m_control = QByteArray();
    sink.onProtocolError(code, reason);
    return false;
}

namespace {

qsizetype headerLength(const uchar *h)
{
    const uchar len7 = h[1] & 0x7F;
    return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((h[1] & 0x80) ? 4 : 0);
}

} // namespace

bool FrameDecoder::feed(const char *data, qsizetype size, qint64 maxMessageBytes, Sink &sink)
{
    if (m_broken)
        return false;
    for (;;) {
        if (!m_inFrame) {
            if (size == 0)
                return true;
            // Assemble the header on the stack; keep only a split remainder between calls.
            uchar h[14];
            qsizetype have = m_pending.size();
            std::memcpy(h, m_pending.constData(), size_t(have));
            qsizetype need = 2;
            qsizetype used = 0;
            for (;;) {
                if (have >= 2)
                    need = headerLength(h);
                if (have >= need)
                    break;
                const qsizetype take = qMin(need - have, size - used);
                if (take == 0) {
                    m_pending = QByteArray(reinterpret_cast<const char *>(h), have);
                    return true;
                }
                std::memcpy(h + have, data + used, size_t(take));
                have += take;
                used += take;
            }
            m_pending = QByteArray();
            data += used;
            size -= used;

            const bool fin = h[0] & 0x80;
            const quint8 opcode = h[0] & 0x0F;
            if (h[0] & 0x70)
                return fail(sink, CloseProtocolError, "reserved bits set without an extension");
            if (!(h[1] & 0x80))
                return fail(sink, CloseProtocolError, "client frames must be masked");
            quint64 length = h[1] & 0x7F;
            int pos = 2;
            if (length == 126) {
                length = (quint64(h[2]) << 8) | h[3];
                pos = 4;
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; ++i)
                    length = (length << 8) | h[2 + i];
                pos = 10;
                if (length >> 63)
                    return fail(sink, CloseProtocolError, "frame length out of range");
            }
            std::memcpy(&m_mask, h + pos, 4);

            if (opcode & 0x8) {
                if (opcode != Close && opcode != Ping && opcode != Pong)
                    return fail(sink, CloseProtocolError, "unknown control opcode");
                if (!fin || length > 125)
                    return fail(sink, CloseProtocolError, "control frames must be whole and short");
            } else {
                if (opcode == Continuation) {
                    if (!m_inMessage)
                        return fail(sink, CloseProtocolError, "continuation without a message");
                } else if (opcode == Text || opcode == Binary) {
                    if (m_inMessage)
                        return fail(sink, CloseProtocolError, "new message inside a fragmented one");
                    m_inMessage = true;
                    m_messageOpcode = opcode;
                    m_utf8.reset();
                } else {
                    return fail(sink, CloseProtocolError, "unknown data opcode");
                }
                if (length > quint64(maxMessageBytes) - quint64(m_message.size()))
                    return fail(sink, CloseTooBig, "message too big");
            }
            m_inFrame = true;
            m_frameLeft = length;
            m_frameFin = fin;
            m_frameOpcode = opcode;
            m_maskPos = 0;
        }

        // Payload: unmask what arrived into the message (or control) buffer.
        const bool control = m_frameOpcode & 0x8;
        QByteArray &target = control ? m_control : m_message;
        const qsizetype take = qsizetype(qMin<quint64>(m_frameLeft, quint64(size)));
        if (take > 0) {
            const qsizetype offset = target.size();
            if (offset + take > target.capacity())
                target.reserve(qMax(offset + take,
                                    qMin<qsizetype>(target.capacity() * 2, offset + qsizetype(m_frameLeft))));
            target.resize(offset + take);
            auto *dst = reinterpret_cast<uchar *>(target.data()) + offset;
            const auto *src = reinterpret_cast<const uchar *>(data);
            const auto *mask = reinterpret_cast<const uchar *>(&m_mask);
            for (qsizetype i = 0; i < take; ++i)
                dst[i] = src[i] ^ mask[(m_maskPos + i) & 3];
            m_maskPos = quint8((m_maskPos + take) & 3);
            if (!control && m_messageOpcode == Text && !m_utf8.feed(target.constData() + offset, take))
                return fail(sink, CloseInvalidPayload, "invalid UTF-8 in a text message");
            m_frameLeft -= quint64(take);
            data += take;
            size -= take;
        }
        if (m_frameLeft > 0)
            return true; // wait for more
        m_inFrame = false;

        if (control) {
            if (!sink.onControl(Opcode(m_frameOpcode), std::exchange(m_control, QByteArray())))
                return false;
        } else if (m_frameFin) {
            if (m_messageOpcode == Text && !m_utf8.complete())
                return fail(sink, CloseInvalidPayload, "text message ends inside a UTF-8 sequence");
            m_inMessage = false;
            if (!sink.onMessage(Opcode(m_messageOpcode), std::exchange(m_message, QByteArray())))
                return false;
        }
    }
}

} // namespace era::net::ws
