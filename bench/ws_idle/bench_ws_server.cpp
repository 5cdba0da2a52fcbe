// A minimal server that answers the `hello` command the way era-server's session gateway does (without
// checking the token), for measuring a network layer alone:
//   bench_ws_server [--port N] [--qt-dispatcher] [--plain-qt]
// By default era_net (our Listener on the epoll dispatcher); --qt-dispatcher keeps Qt's own dispatcher;
// --plain-qt is Qt's QWebSocketServer on Qt's dispatcher, what a Qt server gets without era_net.
// Prints "LISTENING <port>" once ready.
#include "net/EpollEventDispatcher.h"
#include "net/Listener.h"

#include <QCoreApplication>
#include <QHttpServer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QWebSocket>
#include <QWebSocketServer>
#include <cstdio>
#include <cstring>

namespace {

// The reply to a `cmd` frame, or nothing for anything else.
QByteArray replyTo(const QByteArray &text)
{
    const QJsonObject command = QJsonDocument::fromJson(text).object();
    if (command.value(QLatin1String("type")).toString() != QLatin1String("cmd"))
        return {};
    const QJsonObject reply{{QStringLiteral("type"), QStringLiteral("res")},
                            {QStringLiteral("id"), command.value(QLatin1String("id"))},
                            {QStringLiteral("ok"), true},
                            {QStringLiteral("result"), QJsonObject{{QStringLiteral("protocol"), 1}}}};
    return QJsonDocument(reply).toJson(QJsonDocument::Compact);
}

int listening(quint16 bound, const QString &error)
{
    if (bound == 0) {
        std::fprintf(stderr, "listen failed: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("LISTENING %u\n", unsigned(bound));
    std::fflush(stdout);
    return 0;
}

int runPlainQt(QCoreApplication &app, quint16 port)
{
    QWebSocketServer server(QStringLiteral("bench"), QWebSocketServer::NonSecureMode);
    server.setMaxPendingConnections(1 << 16);
    QObject::connect(&server, &QWebSocketServer::newConnection, &server, [&server] {
        while (QWebSocket *socket = server.nextPendingConnection()) {
            QObject::connect(socket, &QWebSocket::textMessageReceived, socket, [socket](const QString &text) {
                const QByteArray reply = replyTo(text.toUtf8());
                if (!reply.isEmpty())
                    socket->sendTextMessage(QString::fromUtf8(reply));
            });
            QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        }
    });
    server.listen(QHostAddress::LocalHost, port);
    if (int failed = listening(server.serverPort(), server.errorString()))
        return failed;
    return app.exec();
}

} // namespace

int main(int argc, char **argv)
{
    bool qtDispatcher = false;
    bool plainQt = false;
    quint16 port = 0;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--qt-dispatcher") == 0)
            qtDispatcher = true;
        else if (std::strcmp(argv[i], "--plain-qt") == 0)
            plainQt = true;
        else if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc)
            port = quint16(std::atoi(argv[++i]));
    }
    if (!qtDispatcher && !plainQt)
        QCoreApplication::setEventDispatcher(new era::net::EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    if (plainQt)
        return runPlainQt(app, port);

    QHttpServer http;
    http.route(QStringLiteral("/health"), [] { return QStringLiteral("ok"); });
    era::net::ListenerOptions options;
    options.address = QHostAddress::LocalHost;
    options.port = port;
    era::net::Listener listener(&http, options);
    QObject::connect(&listener, &era::net::Listener::newPeer, &listener, [](era::net::WebSocketPeer *peer) {
        QObject::connect(peer, &era::net::WebSocketPeer::textReceived, peer, [peer](const QByteArray &text) {
            const QByteArray reply = replyTo(text);
            if (!reply.isEmpty())
                peer->sendText(reply);
        });
    });
    if (int failed = listening(listener.listen(), listener.errorString()))
        return failed;
    return app.exec();
}
