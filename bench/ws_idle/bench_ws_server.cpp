// A minimal server on era_net that answers the `hello` command the way era-server's session gateway
// does (without checking the token), for measuring the network layer alone.
//   bench_ws_server [--port N] [--qt-dispatcher]
// Prints "LISTENING <port>" once ready.
#include "net/EpollEventDispatcher.h"
#include "net/Listener.h"

#include <QCoreApplication>
#include <QHttpServer>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstdio>
#include <cstring>

int main(int argc, char **argv)
{
    bool qtDispatcher = false;
    quint16 port = 0;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--qt-dispatcher") == 0)
            qtDispatcher = true;
        else if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc)
            port = quint16(std::atoi(argv[++i]));
    }
    if (!qtDispatcher)
        QCoreApplication::setEventDispatcher(new era::net::EpollEventDispatcher);
    QCoreApplication app(argc, argv);

    QHttpServer http;
    http.route(QStringLiteral("/health"), [] { return QStringLiteral("ok"); });
    era::net::ListenerOptions options;
    options.address = QHostAddress::LocalHost;
    options.port = port;
    era::net::Listener listener(&http, options);
    QObject::connect(&listener, &era::net::Listener::newPeer, &listener, [](era::net::WebSocketPeer *peer) {
        QObject::connect(peer, &era::net::WebSocketPeer::textReceived, peer, [peer](const QByteArray &text) {
            const QJsonObject command = QJsonDocument::fromJson(text).object();
            if (command.value(QLatin1String("type")).toString() != QLatin1String("cmd"))
                return;
            QJsonObject reply{{QStringLiteral("type"), QStringLiteral("res")},
                              {QStringLiteral("id"), command.value(QLatin1String("id"))},
                              {QStringLiteral("ok"), true},
                              {QStringLiteral("result"), QJsonObject{{QStringLiteral("protocol"), 1}}}};
            peer->sendText(QJsonDocument(reply).toJson(QJsonDocument::Compact));
        });
    });
    const quint16 bound = listener.listen();
    if (bound == 0) {
        std::fprintf(stderr, "listen failed: %s\n", qPrintable(listener.errorString()));
        return 1;
    }
    std::printf("LISTENING %u\n", unsigned(bound));
    std::fflush(stdout);
    return app.exec();
}
