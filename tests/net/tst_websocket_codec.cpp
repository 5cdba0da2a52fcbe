// The pure parts of the network layer: RFC 6455 frame decoding, UTF-8 checking, request heads.
#include "net/HttpHead.h"
#include "net/WebSocketCodec.h"

#include <QRandomGenerator>
#include <QTest>

using namespace era::net;

namespace {

QByteArray maskedFrame(quint8 firstByte, const QByteArray &payload, bool masked = true)
{
    QByteArray frame;
    frame.append(char(firstByte));
    const quint8 maskBit = masked ? 0x80 : 0;
    if (payload.size() < 126) {
        frame.append(char(maskBit | payload.size()));
    } else if (payload.size() <= 0xFFFF) {
        frame.append(char(maskBit | 126));
        frame.append(char(payload.size() >> 8));
        frame.append(char(payload.size()));
    } else {
        frame.append(char(maskBit | 127));
        for (int i = 7; i >= 0; --i)
            frame.append(char(quint64(payload.size()) >> (8 * i)));
    }
    const char mask[4] = {0x12, 0x34, 0x56, 0x78};
    if (masked)
        frame.append(mask, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        frame.append(masked ? char(payload[i] ^ mask[i % 4]) : payload[i]);
    return frame;
}

struct RecordingSink : ws::FrameDecoder::Sink {
    QList<QByteArray> messages;
    QList<int> controls;
    int errorCode = 0;
    bool onMessage(ws::Opcode, QByteArray &&payload) override
    {
        messages.append(payload);
        return true;
    }
    bool onControl(ws::Opcode opcode, QByteArray &&) override
    {
        controls.append(opcode);
        return true;
    }
    void onProtocolError(quint16 closeCode, const char *) override { errorCode = closeCode; }
};

} // namespace

class TestWebSocketCodec : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void utf8ValidatorAcceptsOnlyWellFormedText_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("valid");
        QTest::newRow("ascii") << QByteArray("hello") << true;
        QTest::newRow("cyrillic") << QByteArray("\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82") << true;
        QTest::newRow("emoji") << QByteArray("\xf0\x9f\x98\x80") << true;
        QTest::newRow("overlong slash") << QByteArray("\xc0\xaf") << false;
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << false;
        QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << false;
        QTest::newRow("truncated") << QByteArray("abc\xe2\x82") << false;
        QTest::newRow("stray continuation") << QByteArray("\x80") << false;
        QTest::newRow("long ascii then bad") << QByteArray(40, 'a') + QByteArray("\xff") << false;
    }
    void utf8ValidatorAcceptsOnlyWellFormedText()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, valid);
        QCOMPARE(ws::isValidUtf8(text), valid);
    }

    void decoderReassemblesFragmentsFedByteByByte()
    {
        const QByteArray stream = maskedFrame(0x01, "Hel") + maskedFrame(0x89, "p") +
                                  maskedFrame(0x00, QByteArray(300, 'l')) + maskedFrame(0x80, "o");
        ws::FrameDecoder decoder;
        RecordingSink sink;
        for (char c : stream)
            QVERIFY(decoder.feed(&c, 1, 1 << 20, sink));
        QCOMPARE(sink.messages, QList<QByteArray>{"Hel" + QByteArray(300, 'l') + "o"});
        QCOMPARE(sink.controls, QList<int>{ws::Ping});
        QVERIFY(!decoder.holdsData());
    }

    void decoderReportsProtocolErrors_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<int>("code");
        QTest::newRow("unmasked") << maskedFrame(0x81, "hi", false) << 1002;
        QTest::newRow("reserved bit") << maskedFrame(0xC1, "hi") << 1002;
        QTest::newRow("unknown opcode") << maskedFrame(0x83, "hi") << 1002;
        QTest::newRow("lonely continuation") << maskedFrame(0x80, "hi") << 1002;
        QTest::newRow("fragmented ping") << maskedFrame(0x09, "hi") << 1002;
        QTest::newRow("long ping") << maskedFrame(0x89, QByteArray(126, 'x')) << 1002;
        QTest::newRow("text inside fragments") << maskedFrame(0x01, "a") + maskedFrame(0x81, "b") << 1002;
        QTest::newRow("invalid utf8") << maskedFrame(0x81, "\xff") << 1007;
        QTest::newRow("utf8 cut at the end") << maskedFrame(0x81, "\xe2\x82") << 1007;
        QTest::newRow("too big at once") << maskedFrame(0x82, QByteArray(2000, 'x')) << 1009;
        QTest::newRow("too big in fragments")
            << maskedFrame(0x02, QByteArray(600, 'x')) + maskedFrame(0x80, QByteArray(600, 'x')) << 1009;
    }
    void decoderReportsProtocolErrors()
    {
        QFETCH(QByteArray, stream);
        QFETCH(int, code);
        ws::FrameDecoder decoder;
        RecordingSink sink;
        QVERIFY(!decoder.feed(stream.constData(), stream.size(), 1024, sink));
        QCOMPARE(sink.errorCode, code);
        QVERIFY(sink.messages.isEmpty());
    }

    void decoderSurvivesRandomBytesInRandomPieces()
    {
        QRandomGenerator random(20261124);
        for (int round = 0; round < 2000; ++round) {
            QByteArray bytes(random.bounded(1, 300), Qt::Uninitialized);
            for (char &c : bytes)
                c = char(random.bounded(256));
            if (round % 2 && bytes.size() > 1)
                bytes[1] = char(bytes[1] | 0x80); // masked, so decoding gets past the first check
            ws::FrameDecoder decoder;
            RecordingSink sink;
            qsizetype at = 0;
            while (at < bytes.size()) {
                const qsizetype piece = qMin<qsizetype>(random.bounded(1, 40), bytes.size() - at);
                if (!decoder.feed(bytes.constData() + at, piece, 4096, sink))
                    break;
                at += piece;
            }
            for (const QByteArray &message : sink.messages)
                QVERIFY(message.size() <= 4096);
        }
    }

    void acceptKeyMatchesTheRfcExample()
    {
        QCOMPARE(ws::acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    }

    void headIsFoundOnlyAfterTheBlankLine()
    {
        QCOMPARE(findHeadEnd("GET / HTTP/1.1\r\nHost: x\r\n"), -1);
        QCOMPARE(findHeadEnd("GET / HTTP/1.1\r\n\r\nbody"), 18);
    }

    void headsAreClassified_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("status");
        const QByteArray upgrade = "Upgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
                                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        QTest::newRow("plain GET") << QByteArray("GET /api/v1/x?y=1 HTTP/1.1\r\nHost: a\r\n\r\n")
                                   << int(HeadVerdict::Http) << 0;
        QTest::newRow("upgrade") << "GET /api/v1/ws?t=1 HTTP/1.1\r\n" + upgrade +
                                        "Sec-WebSocket-Version: 13\r\n\r\n"
                                 << int(HeadVerdict::WebSocket) << 0;
        QTest::newRow("upgrade elsewhere")
            << "GET /other HTTP/1.1\r\n" + upgrade + "Sec-WebSocket-Version: 13\r\n\r\n"
            << int(HeadVerdict::Reject) << 404;
        QTest::newRow("old version") << "GET /api/v1/ws HTTP/1.1\r\n" + upgrade +
                                            "Sec-WebSocket-Version: 8\r\n\r\n"
                                     << int(HeadVerdict::Reject) << 426;
        QTest::newRow("POST upgrade")
            << "POST /api/v1/ws HTTP/1.1\r\n" + upgrade + "Sec-WebSocket-Version: 13\r\n\r\n"
            << int(HeadVerdict::Reject) << 400;
        QTest::newRow("short key")
            << QByteArray("GET /api/v1/ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: YWJj\r\nSec-WebSocket-Version: 13\r\n\r\n")
            << int(HeadVerdict::Reject) << 400;
        QTest::newRow("plain GET on ws path")
            << QByteArray("GET /api/v1/ws HTTP/1.1\r\n\r\n") << int(HeadVerdict::Reject) << 426;
        QTest::newRow("big body") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 1001\r\n\r\n")
                                  << int(HeadVerdict::Reject) << 413;
        QTest::newRow("body at the limit")
            << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 1000\r\n\r\n") << int(HeadVerdict::Http) << 0;
        QTest::newRow("two lengths")
            << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
            << int(HeadVerdict::Reject) << 400;
    }
    void headsAreClassified()
    {
        QFETCH(QByteArray, head);
        QFETCH(int, kind);
        QFETCH(int, status);
        const auto parsed = parseHttpHead(head);
        QVERIFY(parsed);
        const HeadVerdict verdict = classifyHead(*parsed, {"/api/v1/ws", {1000, {}}});
        QCOMPARE(int(verdict.kind), kind);
        QCOMPARE(verdict.status, status);
    }

    void bodyLimitIsThatOfTheLongestMatchingPrefix_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<qint64>("limit");
        QTest::newRow("another route") << QByteArray("/api/v1/users") << qint64(1000);
        QTest::newRow("the prefix itself") << QByteArray("/api/v1/files") << qint64(5000);
        QTest::newRow("below the prefix") << QByteArray("/api/v1/files/abc") << qint64(5000);
        QTest::newRow("a sibling sharing its letters") << QByteArray("/api/v1/filesx") << qint64(1000);
        QTest::newRow("a longer prefix wins") << QByteArray("/api/v1/files/big/x") << qint64(9000);
        QTest::newRow("the root") << QByteArray("/") << qint64(1000);
    }
    void bodyLimitIsThatOfTheLongestMatchingPrefix()
    {
        QFETCH(QByteArray, path);
        QFETCH(qint64, limit);
        const BodyLimits limits{1000, {{"/api/v1/files/big", 9000}, {"/api/v1/files", 5000}}};
        QCOMPARE(limits.forPath(path), limit);
        QCOMPARE(limits.largest(), qint64(9000));
    }

    void declaredBodyIsCheckedAgainstItsRoutesLimit_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<int>("status");
        QTest::newRow("JSON route over its limit")
            << QByteArray("POST /api/v1/users HTTP/1.1\r\nContent-Length: 1001\r\n\r\n") << 413;
        QTest::newRow("upload under its limit")
            << QByteArray("POST /api/v1/files HTTP/1.1\r\nContent-Length: 5000\r\n\r\n") << 0;
        QTest::newRow("upload over its limit")
            << QByteArray("POST /api/v1/files?x=1 HTTP/1.1\r\nContent-Length: 5001\r\n\r\n") << 413;
    }
    void declaredBodyIsCheckedAgainstItsRoutesLimit()
    {
        QFETCH(QByteArray, head);
        QFETCH(int, status);
        const auto parsed = parseHttpHead(head);
        QVERIFY(parsed);
        const HeadVerdict verdict = classifyHead(*parsed, {"/api/v1/ws", {1000, {{"/api/v1/files", 5000}}}});
        QCOMPARE(verdict.status, status);
        if (status == 413) {
            QCOMPARE(verdict.code, QByteArray("too_large"));
            QCOMPARE(verdict.maxBytes, parsed->path == "/api/v1/files" ? qint64(5000) : qint64(1000));
        }
    }

    void rejectionIsTheJsonErrorEnvelope()
    {
        const QByteArray response = rejectResponse(rejection(413, "too_large", "at most 1000 bytes", 1000));
        QVERIFY(response.startsWith("HTTP/1.1 413 Payload Too Large\r\n"));
        QVERIFY(response.contains("\r\nConnection: close\r\n"));
        QVERIFY(response.contains("\r\nContent-Type: application/json\r\n"));
        const qsizetype end = findHeadEnd(response);
        QVERIFY(end > 0);
        const QByteArray body = response.sliced(end);
        QVERIFY(
            response.contains(QByteArray("\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n")));
        QCOMPARE(
            body,
            QByteArray(R"({"error":{"code":"too_large","max_bytes":1000,"message":"at most 1000 bytes"}})"));
    }

    void malformedHeadsAreRefused()
    {
        QVERIFY(!parseHttpHead("GARBAGE\r\n\r\n"));
        QVERIFY(!parseHttpHead("GET / HTTP/1.1\r\nno colon here\r\n\r\n"));
        QVERIFY(!parseHttpHead("GET / SPDY/3\r\n\r\n"));
    }
};

QTEST_GUILESS_MAIN(TestWebSocketCodec)
#include "tst_websocket_codec.moc"
