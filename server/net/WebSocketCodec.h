#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace era::net::ws {

// RFC 6455 opcodes and the close codes this server sends.
enum Opcode : quint8 { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };

enum CloseCode : quint16 {
    CloseNormal = 1000,
    CloseGoingAway = 1001,
    CloseProtocolError = 1002,
    CloseInvalidPayload = 1007,
    ClosePolicyViolation = 1008,
    CloseTooBig = 1009,
    CloseInternalError = 1011,
};

// Incremental UTF-8 check (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF), so a
// fragmented text message fails as soon as the first bad byte arrives.
class Utf8Validator {
public:
    bool feed(const char *data, qsizetype size);
    bool complete() const { return m_need == 0; }
    void reset() { *this = Utf8Validator(); }

private:
    quint8 m_need = 0;
    quint8 m_low = 0x80;
    quint8 m_high = 0xBF;
};

bool isValidUtf8(QByteArrayView text);
bool isValidCloseCode(quint16 code);

// Writes a server frame header (FIN set, never masked) into `out` (10 bytes at most); returns its size.
int writeFrameHeader(uchar *out, Opcode opcode, quint64 payloadSize);
QByteArray closePayload(quint16 code, QByteArrayView reason);
// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
QByteArray acceptKey(QByteArrayView clientKey);

// Turns the bytes a client sends into messages and control frames. It keeps only what it must between
// calls (a split header, the message being assembled), so an idle connection holds no buffer.
class FrameDecoder {
public:
    class Sink {
    public:
        virtual ~Sink() = default;
        // Return false to stop decoding (the connection is closing).
        virtual bool onMessage(Opcode opcode, QByteArray &&payload) = 0;
        virtual bool onControl(Opcode opcode, QByteArray &&payload) = 0;
        virtual void onProtocolError(quint16 closeCode, const char *reason) = 0;
    };

    // Returns false once the stream is broken (the sink has been told why) or the sink asked to stop.
    bool feed(const char *data, qsizetype size, qint64 maxMessageBytes, Sink &sink);
    bool holdsData() const { return !m_pending.isEmpty() || !m_message.isEmpty() || m_inFrame; }

private:
    bool fail(Sink &sink, quint16 code, const char *reason);

    QByteArray m_pending; // a header split across reads
    QByteArray m_message; // the data message being assembled
    QByteArray m_control; // a control frame's payload (may arrive between fragments)
    quint64 m_frameLeft = 0;
    quint32 m_mask = 0;
    quint8 m_maskPos = 0;
    quint8 m_frameOpcode = 0;
    quint8 m_messageOpcode = 0;
    bool m_frameFin = false;
    bool m_inFrame = false;
    bool m_inMessage = false;
    bool m_broken = false;
    Utf8Validator m_utf8;
};

} // namespace era::net::ws
