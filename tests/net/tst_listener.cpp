// The Listener end to end: real QWebSocket clients and raw sockets against a QHttpServer with test
// routes, all on one port, over plain TCP and over TLS, with the epoll dispatcher installed.
#include "RawWebSocketClient.h"
#include "net/EpollEventDispatcher.h"
#include "net/Listener.h"
#include "net/WebSocketPeer.h"

#include <QCoreApplication>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QPointer>
#include <QProcess>
#include <QSignalSpy>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <memory>

using namespace era::net;

namespace {

int statusOf(const QByteArray &response)
{
    return response.startsWith("HTTP/1.1 ") ? response.mid(9, 3).toInt() : 0;
}

// Waits until a whole response with a Content-Length body is in `buffer`; returns it and keeps the rest.
QByteArray takeResponse(QTcpSocket &socket, QByteArray &buffer, int timeoutMs = 5000)
{
    QByteArray response;
    (void)QTest::qWaitFor(
        [&] {
            buffer += socket.readAll();
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return false;
            qsizetype length = 0;
            for (const QByteArray &line : buffer.left(end).split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            if (buffer.size() < end + 4 + length)
                return false;
            response = buffer.left(end + 4 + length);
            buffer.remove(0, response.size());
            return true;
        },
        timeoutMs);
    return response;
}

} // namespace

class TestListener : public QObject {
    Q_OBJECT

    std::unique_ptr<QHttpServer> m_http;
    std::unique_ptr<Listener> m_listener;
    QList<QPointer<WebSocketPeer>> m_peers;
    quint16 m_port = 0;
    QTemporaryDir m_certDir;
    std::optional<QSslConfiguration> m_tls;

    static ListenerOptions defaults()
    {
        ListenerOptions o;
        o.address = QHostAddress::LocalHost;
        o.maxHeaderBytes = 4096;
        o.bodyLimits.defaultBytes = 1000;
        o.maxMessageBytes = 64 * 1024;
        o.heartbeatIntervalSec = 30;
        o.idleTimeoutSec = 60;
        return o;
    }

    quint16 start(ListenerOptions options = defaults())
    {
        m_http = std::make_unique<QHttpServer>();
        m_http->route(QStringLiteral("/hello"), [] { return QStringLiteral("hi"); });
        // More than the kernel's socket buffers on both sides hold, so a reader that stalls leaves most of it
        // unsent in the server.
        m_http->route(QStringLiteral("/big"), [] { return QByteArray(32 << 20, 'b'); });
        m_http->route(QStringLiteral("/echo"), QHttpServerRequest::Method::Post,
                      [](const QHttpServerRequest &request) { return QHttpServerResponse(request.body()); });
        m_listener = std::make_unique<Listener>(m_http.get(), std::move(options));
        connect(m_listener.get(), &Listener::newPeer, this, [this](WebSocketPeer *peer) {
            m_peers.append(peer);
            connect(peer, &WebSocketPeer::textReceived, peer, [peer](const QByteArray &text) {
                if (text == "close please")
                    peer->close(4000, "bye");
                else
                    peer->sendText(text);
            });
        });
        m_port = m_listener->listen();
        return m_port;
    }

    QUrl wsUrl(const QByteArray &path = "/api/v1/ws", const QString &scheme = QStringLiteral("ws")) const
    {
        return QUrl(scheme + QStringLiteral("://localhost:") + QString::number(m_port) +
                    QString::fromLatin1(path));
    }

    static bool openSocket(QWebSocket &socket, const QUrl &url)
    {
        QObject::connect(&socket, &QWebSocket::sslErrors, &socket, [&socket] { socket.ignoreSslErrors(); });
        socket.open(url);
        return QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance()));
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        if (openssl.isEmpty() || !m_certDir.isValid())
            return;
        QProcess process;
        process.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                                QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                                QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                                QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"),
                                QStringLiteral("/CN=localhost"), QStringLiteral("-keyout"),
                                m_certDir.filePath(QStringLiteral("key.pem")), QStringLiteral("-out"),
                                m_certDir.filePath(QStringLiteral("cert.pem"))});
        if (process.waitForFinished(30000) && process.exitCode() == 0) {
            QString error;
            m_tls = ListenerOptions::tlsFromPemFiles(m_certDir.filePath(QStringLiteral("cert.pem")),
                                                     m_certDir.filePath(QStringLiteral("key.pem")), &error);
            QVERIFY2(m_tls, qPrintable(error));
        }
    }

    void cleanup()
    {
        m_listener.reset();
        m_http.reset();
        m_peers.clear();
    }

    void listenReportsAPortOrWhyNot()
    {
        QVERIFY(start() > 0);
        ListenerOptions clash = defaults();
        clash.port = m_port;
        QHttpServer other;
        Listener second(&other, clash);
        QCOMPARE(second.listen(), quint16(0));
        QVERIFY(!second.errorString().isEmpty());
    }

    void echoesTextMessages_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("ascii") << QStringLiteral("hello");
        QTest::newRow("cyrillic and emoji") << QStringLiteral("привет \U0001F600");
        QTest::newRow("16-bit length") << QString(300, QLatin1Char('x'));
        QTest::newRow("64-bit length") << QString(70'000 / 2, QLatin1Char('y'));
    }
    void echoesTextMessages()
    {
        QFETCH(QString, text);
        ListenerOptions options = defaults();
        options.maxMessageBytes = 1 << 20;
        QVERIFY(start(options));
        QWebSocket client;
        QVERIFY(openSocket(client, wsUrl()));
        QSignalSpy received(&client, &QWebSocket::textMessageReceived);
        client.sendTextMessage(text);
        QVERIFY(received.wait(5000));
        QCOMPARE(received.first().first().toString(), text);
    }

    void reassemblesFragmentedMessageWithPingInBetween()
    {
        QVERIFY(start());
        RawWebSocketClient client;
        QVERIFY(client.upgrade(m_port));
        const QByteArray part(20'000, 'a');
        client.sendFrame(0x01, part);
        client.sendFrame(0x89, "mid");
        client.sendFrame(0x00, part);
        client.sendFrame(0x80, "end");
        auto pong = client.nextFrame();
        QVERIFY(pong);
        QCOMPARE(pong->opcode, quint8(0xA));
        QCOMPARE(pong->payload, QByteArray("mid"));
        auto echo = client.nextFrame();
        QVERIFY(echo);
        QCOMPARE(echo->opcode, quint8(0x1));
        QCOMPARE(echo->payload, part + part + "end");
    }

    void answersPingWithPong()
    {
        QVERIFY(start());
        RawWebSocketClient client;
        QVERIFY(client.upgrade(m_port));
        client.sendFrame(0x89, "are you there");
        auto frame = client.nextFrame();
        QVERIFY(frame);
        QCOMPARE(frame->opcode, quint8(0xA));
        QCOMPARE(frame->payload, QByteArray("are you there"));
    }

    void messageAboveTheLimitClosesWith1009()
    {
        QVERIFY(start());
        QWebSocket client;
        QVERIFY(openSocket(client, wsUrl()));
        QSignalSpy disconnected(&client, &QWebSocket::disconnected);
        client.sendTextMessage(QString(64 * 1024 + 1, QLatin1Char('z')));
        QVERIFY(disconnected.wait(5000));
        QCOMPARE(int(client.closeCode()), 1009);
        QTRY_COMPARE(m_listener->openWebSockets(), 0);
    }

    void protocolErrorsCloseWithTheirCode_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("code");
        QTest::newRow("invalid UTF-8") << RawWebSocketClient::frame(0x81, "ok \xff") << 1007;
        QTest::newRow("UTF-8 split badly across fragments")
            << RawWebSocketClient::frame(0x01, "\xe2\x82") + RawWebSocketClient::frame(0x80, "x") << 1007;
        QTest::newRow("unmasked frame") << RawWebSocketClient::frame(0x81, "hi", false) << 1002;
        QTest::newRow("reserved bits") << RawWebSocketClient::frame(0xF1, "hi") << 1002;
        QTest::newRow("continuation first") << RawWebSocketClient::frame(0x80, "hi") << 1002;
        QTest::newRow("fragmented ping") << RawWebSocketClient::frame(0x09, "hi") << 1002;
        QTest::newRow("too big in fragments") << RawWebSocketClient::frame(0x02, QByteArray(40'000, 'b')) +
                                                     RawWebSocketClient::frame(0x80, QByteArray(40'000, 'b'))
                                              << 1009;
        QTest::newRow("bad close code") << RawWebSocketClient::frame(0x88, QByteArray("\x03\xed", 2)) << 1002;
    }
    void protocolErrorsCloseWithTheirCode()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, code);
        QVERIFY(start());
        RawWebSocketClient client;
        QVERIFY(client.upgrade(m_port));
        client.sendRaw(bytes);
        auto frame = client.nextFrame();
        QVERIFY(frame);
        QCOMPARE(frame->opcode, quint8(0x8));
        QCOMPARE(int(frame->closeCode()), code);
        QVERIFY(client.waitForDisconnect()); // the server hangs up after its close frame
        QTRY_COMPARE(m_listener->openConnections(), 0);
    }

    void clientCloseIsEchoedAndPeerSignalsClosed()
    {
        QVERIFY(start());
        QWebSocket client;
        QVERIFY(openSocket(client, wsUrl()));
        QTRY_COMPARE(m_peers.size(), 1);
        QSignalSpy closed(m_peers.first().data(), &WebSocketPeer::closed);
        client.close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("done"));
        QVERIFY(closed.wait(5000));
        QTRY_VERIFY(m_peers.first().isNull()); // deleteLater ran
        QCOMPARE(m_listener->openWebSockets(), 0);
    }

    void serverCloseSendsCodeAndReason()
    {
        QVERIFY(start());
        QWebSocket client;
        QVERIFY(openSocket(client, wsUrl()));
        QSignalSpy disconnected(&client, &QWebSocket::disconnected);
        client.sendTextMessage(QStringLiteral("close please"));
        QVERIFY(disconnected.wait(5000));
        QCOMPARE(int(client.closeCode()), 4000);
        QCOMPARE(client.closeReason(), QStringLiteral("bye"));
    }

    void sendingAfterCloseIsHarmless()
    {
        QVERIFY(start());
        QWebSocket client;
        QVERIFY(openSocket(client, wsUrl()));
        QTRY_COMPARE(m_peers.size(), 1);
        QPointer<WebSocketPeer> peer = m_peers.first();
        peer->close(1000, "bye");
        peer->sendText("ignored");
        peer->close(1000, "twice");
        QTRY_VERIFY(peer.isNull());
    }

    void peerKnowsItsAddressAndUpgradeHeaders()
    {
        QVERIFY(start());
        QWebSocket client;
        QNetworkRequest request(wsUrl("/api/v1/ws?client=test"));
        request.setRawHeader("X-Client-Version", "7.1");
        client.open(request);
        QTRY_COMPARE(m_peers.size(), 1);
        QCOMPARE(m_peers.first()->header("x-client-version"), QByteArray("7.1"));
        QCOMPARE(m_peers.first()->header("no-such-header"), QByteArray());
        QVERIFY(m_peers.first()->peerAddress().isLoopback());
    }

    void silentPeerIsPingedThenClosedAfterIdleTimeout()
    {
        ListenerOptions options = defaults();
        options.heartbeatIntervalSec = 1;
        options.idleTimeoutSec = 2;
        QVERIFY(start(options));
        RawWebSocketClient client; // never answers pings
        QVERIFY(client.upgrade(m_port));
        auto ping = client.nextFrame(3000);
        QVERIFY(ping);
        QCOMPARE(ping->opcode, quint8(0x9));
        auto close = client.nextFrame(3000);
        QVERIFY(close);
        QCOMPARE(close->opcode, quint8(0x8));
        QCOMPARE(int(close->closeCode()), 1001);
        QVERIFY(client.waitForDisconnect(5000));
        QTRY_COMPARE(m_listener->openWebSockets(), 0);
    }

    void peerAnsweringPingsStaysOpen()
    {
        ListenerOptions options = defaults();
        options.heartbeatIntervalSec = 1;
        options.idleTimeoutSec = 2;
        QVERIFY(start(options));
        QWebSocket client; // Qt answers pings by itself
        QVERIFY(openSocket(client, wsUrl()));
        // Past the idle timeout the peer must still be open: the server's pings, answered, keep it alive.
        QVERIFY(!QTest::qWaitFor([&] { return client.state() != QAbstractSocket::ConnectedState; }, 3500));
        QCOMPARE(m_listener->openWebSockets(), 1);
    }

    void httpRoutesShareThePortWithKeepAlive()
    {
        QVERIFY(start());
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        QByteArray buffer;
        socket.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        const QByteArray first = takeResponse(socket, buffer);
        QCOMPARE(statusOf(first), 200);
        QVERIFY(first.endsWith("hi"));
        QCOMPARE(m_listener->openConnections(), 1);
        socket.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde");
        const QByteArray second = takeResponse(socket, buffer);
        QCOMPARE(statusOf(second), 200);
        QVERIFY(second.endsWith("abcde"));
        QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
        socket.disconnectFromHost();
        QTRY_COMPARE(m_listener->openConnections(), 0);
    }

    void idleKeepAliveHttpConnectionIsClosed()
    {
        ListenerOptions options = defaults();
        options.httpIdleTimeoutSec = 1;
        QVERIFY(start(options));
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        QByteArray buffer;
        socket.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(statusOf(takeResponse(socket, buffer)), 200);
        QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 5000);
        QTRY_COMPARE(m_listener->openConnections(), 0);
    }

    void aClientThatStopsReadingIsDroppedAfterTheIdleTimeout_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::newRow("http") << false;
        QTest::newRow("https") << true;
    }
    void aClientThatStopsReadingIsDroppedAfterTheIdleTimeout()
    {
        QFETCH(bool, tls);
        if (tls && !m_tls)
            QSKIP("openssl is not available to make a test certificate");
        ListenerOptions options = defaults();
        options.httpIdleTimeoutSec = 1;
        if (tls)
            options.tls = m_tls;
        QVERIFY(start(options));
        QSslSocket client;
        client.setReadBufferSize(4096); // takes a little of the answer, then nothing
        if (tls) {
            client.setPeerVerifyMode(QSslSocket::VerifyNone);
            client.connectToHostEncrypted(QStringLiteral("localhost"), m_port);
            QVERIFY(QTest::qWaitFor([&] { return client.isEncrypted(); }, 5000));
        } else {
            client.connectToHost(QHostAddress::LocalHost, m_port);
            QVERIFY(client.waitForConnected(5000));
        }
        client.write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE(m_listener->openConnections(), 1);
        // Not a keep-alive connection at rest: most of the answer waits for the client, and once the client
        // has taken nothing for the idle timeout, the server lets go of the connection and what it held.
        QTRY_COMPARE_WITH_TIMEOUT(m_listener->openConnections(), 0, 10000);
    }

    void destroyingTheListenerClosesItsPeers()
    {
        QVERIFY(start());
        QWebSocket client;
        QVERIFY(openSocket(client, wsUrl()));
        QTRY_COMPARE(m_peers.size(), 1);
        QSignalSpy closed(m_peers.first().data(), &WebSocketPeer::closed);
        QSignalSpy disconnected(&client, &QWebSocket::disconnected);
        m_listener.reset();
        QCOMPARE(closed.size(), 1);
        QVERIFY(m_peers.first().isNull());
        QVERIFY(disconnected.wait(5000));
    }

    void requestsAreRefusedBeforeTheHttpServer_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("declared body too large")
            << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n") << 413
            << QStringLiteral("too_large");
        QTest::newRow("head too large")
            << "GET /hello HTTP/1.1\r\nHost: x\r\nX-Padding: " + QByteArray(5000, 'p') + "\r\n\r\n"
            << 431 << QStringLiteral("header_too_large");
        QTest::newRow("head too large and unfinished")
            << "GET /hello HTTP/1.1\r\nX-Padding: " + QByteArray(5000, 'p') << 431
            << QStringLiteral("header_too_large");
        QTest::newRow("upgrade on another path")
            << QByteArray("GET /hello HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            << 404 << QStringLiteral("not_found");
        QTest::newRow("unsupported WebSocket version")
            << QByteArray(
                   "GET /api/v1/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n")
            << 426 << QStringLiteral("upgrade_required");
        QTest::newRow("missing key")
            << QByteArray(
                   "GET /api/v1/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Version: 13\r\n\r\n")
            << 400 << QStringLiteral("bad_request");
        QTest::newRow("garbage") << QByteArray("HELLO\r\n\r\n") << 400 << QStringLiteral("bad_request");
    }
    void requestsAreRefusedBeforeTheHttpServer()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QString, code);
        QVERIFY(start());
        RawWebSocketClient client;
        QVERIFY(client.connectTo(m_port));
        client.sendRaw(request);
        const QByteArray response = client.readUntilClosed();
        QCOMPARE(statusOf(response), status);
        QVERIFY(response.contains("Connection: close"));
        QVERIFY(response.contains("Content-Type: application/json"));
        const QJsonObject error = QJsonDocument::fromJson(response.sliced(response.indexOf("\r\n\r\n") + 4))
                                      .object()
                                      .value(QStringLiteral("error"))
                                      .toObject();
        QCOMPARE(error.value(QStringLiteral("code")).toString(), code);
        QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
        QTRY_COMPARE(m_listener->openConnections(), 0);
    }

    void aPathWithItsOwnBodyLimitTakesBodiesUpToIt()
    {
        ListenerOptions options = defaults();
        options.bodyLimits.byPathPrefix = {{"/echo", 3000}};
        QVERIFY(start(options));
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        QByteArray buffer;
        socket.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2500\r\n\r\n" +
                     QByteArray(2500, 'e'));
        const QByteArray answer = takeResponse(socket, buffer);
        QCOMPARE(statusOf(answer), 200);
        QVERIFY(answer.endsWith(QByteArray(2500, 'e')));

        RawWebSocketClient over;
        QVERIFY(over.connectTo(m_port));
        over.sendRaw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3001\r\n\r\n");
        QCOMPARE(statusOf(over.readUntilClosed()), 413);
    }

    void oversizedBodyIsRefusedWithoutWaitingForIt()
    {
        QVERIFY(start());
        RawWebSocketClient client;
        QVERIFY(client.connectTo(m_port));
        client.sendRaw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n" +
                       QByteArray(64 * 1024, 'b')); // the body has hardly begun
        const QByteArray response = client.readUntilClosed();
        QCOMPARE(statusOf(response), 413);
    }

    void webSocketUpgradeOnWrongPathIsRefused()
    {
        QVERIFY(start());
        QWebSocket client;
        QSignalSpy errors(&client, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error));
        client.open(wsUrl("/not/ws"));
        QVERIFY(errors.wait(5000));
        QVERIFY(client.state() != QAbstractSocket::ConnectedState);
        QCOMPARE(m_peers.size(), 0);
    }

    void unfinishedHeadIsDroppedAfterTheHeadTimeout()
    {
        ListenerOptions options = defaults();
        options.headTimeoutMs = 300;
        QVERIFY(start(options));
        RawWebSocketClient client;
        QVERIFY(client.connectTo(m_port));
        client.sendRaw("GET /hello HTTP/1.1\r\nHost:");
        QTRY_COMPARE(m_listener->openConnections(), 1);
        QVERIFY(client.waitForDisconnect(3000));
        QCOMPARE(m_listener->openConnections(), 0);
    }

    void headArrivingInPiecesIsServed()
    {
        QVERIFY(start());
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }));
        for (const char *piece : {"GET /hel", "lo HTTP/1.1\r\nHo", "st: x\r\n", "\r\n"}) {
            socket.write(piece);
            QTest::qWait(20); // deliberate: a slow client whose head arrives over several reads
        }
        QByteArray buffer;
        QCOMPARE(statusOf(takeResponse(socket, buffer)), 200);
    }

    void countsOpenConnectionsOfBothKinds()
    {
        QVERIFY(start());
        QWebSocket a, b;
        QVERIFY(openSocket(a, wsUrl()));
        QVERIFY(openSocket(b, wsUrl()));
        QTcpSocket http;
        http.connectToHost(QHostAddress::LocalHost, m_port);
        QByteArray buffer;
        http.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(statusOf(takeResponse(http, buffer)), 200);
        QCOMPARE(m_listener->openWebSockets(), 2);
        QCOMPARE(m_listener->openConnections(), 3);
        a.close();
        http.disconnectFromHost();
        QTRY_COMPARE(m_listener->openConnections(), 1);
        QCOMPARE(m_listener->openWebSockets(), 1);
    }

    void stopAcceptingRefusesNewConnectionsButKeepsOpenOnes()
    {
        QVERIFY(start());
        QWebSocket open;
        QVERIFY(openSocket(open, wsUrl()));
        m_listener->stopAccepting();
        QTcpSocket late;
        QSignalSpy error(&late, &QTcpSocket::errorOccurred);
        late.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(error.wait(5000));
        QSignalSpy echoed(&open, &QWebSocket::textMessageReceived);
        open.sendTextMessage(QStringLiteral("still here"));
        QVERIFY(echoed.wait(5000));
    }

    void httpsAndWssShareOnePort()
    {
        if (!m_tls)
            QSKIP("openssl is not available to make a test certificate");
        ListenerOptions options = defaults();
        options.tls = m_tls;
        QVERIFY(start(options));

        QSslSocket https;
        https.setPeerVerifyMode(QSslSocket::VerifyNone);
        https.connectToHostEncrypted(QStringLiteral("localhost"), m_port);
        QVERIFY(QTest::qWaitFor([&] { return https.isEncrypted(); }, 5000));
        QByteArray buffer;
        https.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        const QByteArray first = takeResponse(https, buffer);
        QCOMPARE(statusOf(first), 200);
        QVERIFY(first.endsWith("hi"));
        https.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
        QVERIFY(takeResponse(https, buffer).endsWith("abc"));

        QWebSocket wss;
        QNetworkRequest request(wsUrl("/api/v1/ws", QStringLiteral("wss")));
        request.setRawHeader("X-Client-Version", "9");
        connect(&wss, &QWebSocket::sslErrors, &wss, [&wss] { wss.ignoreSslErrors(); });
        wss.open(request);
        QVERIFY(QTest::qWaitFor([&] { return wss.state() == QAbstractSocket::ConnectedState; }, 5000));
        QSignalSpy received(&wss, &QWebSocket::textMessageReceived);
        wss.sendTextMessage(QStringLiteral("secure привет"));
        QVERIFY(received.wait(5000));
        QCOMPARE(received.first().first().toString(), QStringLiteral("secure привет"));
        QCOMPARE(m_peers.size(), 1);
        QCOMPARE(m_peers.first()->header("x-client-version"), QByteArray("9"));
        QCOMPARE(m_listener->openWebSockets(), 1);
        QCOMPARE(m_listener->openConnections(), 2);

        QSignalSpy disconnected(&wss, &QWebSocket::disconnected);
        wss.sendTextMessage(QString(64 * 1024 + 1, QLatin1Char('z')));
        QVERIFY(disconnected.wait(5000));
        QCOMPARE(int(wss.closeCode()), 1009);
    }

    void tlsRequestsAreCheckedToo()
    {
        if (!m_tls)
            QSKIP("openssl is not available to make a test certificate");
        ListenerOptions options = defaults();
        options.tls = m_tls;
        QVERIFY(start(options));
        QSslSocket https;
        https.setPeerVerifyMode(QSslSocket::VerifyNone);
        https.connectToHostEncrypted(QStringLiteral("localhost"), m_port);
        QVERIFY(QTest::qWaitFor([&] { return https.isEncrypted(); }, 5000));
        https.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
        QByteArray buffer;
        QCOMPARE(statusOf(takeResponse(https, buffer)), 413);
    }

    void plainRequestOnTlsPortIsDropped()
    {
        if (!m_tls)
            QSKIP("openssl is not available to make a test certificate");
        ListenerOptions options = defaults();
        options.tls = m_tls;
        options.headTimeoutMs = 500;
        QVERIFY(start(options));
        RawWebSocketClient client;
        QVERIFY(client.connectTo(m_port));
        client.sendRaw("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(client.waitForDisconnect(5000));
        QTRY_COMPARE(m_listener->openConnections(), 0);
    }
};

int main(int argc, char **argv)
{
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    TestListener test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_listener.moc"
