// Durable writes per second through era-server's public path: N WebSocket clients, each sending `prefs.set`
// and waiting for its acknowledgement (sent only after the group commit is durable) before the next one.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTextStream>
#include <QTimer>
#include <QWebSocket>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

struct Client {
    std::unique_ptr<QWebSocket> socket = std::make_unique<QWebSocket>();
    int sent = 0;
    int acked = 0;
};

QJsonObject post(const QString &base, const QString &path, const QJsonObject &body, const QString &token = {})
{
    QNetworkAccessManager nam;
    QNetworkRequest req(QUrl(base + path));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    if (!token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + token.toLatin1());
    QNetworkReply *r = nam.post(req, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QEventLoop loop;
    QObject::connect(r, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    r->deleteLater();
    return QJsonDocument::fromJson(r->readAll()).object();
}

QString login(const QString &base, const QString &user, const QString &password)
{
    return post(base, u"/api/v1/auth/login"_s, {{u"login"_s, user}, {u"password"_s, password}})
        .value(u"token"_s)
        .toString();
}

// One operator per client, as in production: each write's event goes to its own user's sessions only.
QStringList operatorTokens(const QString &base, const QString &adminToken, int count)
{
    QStringList tokens;
    for (int i = 0; i < count; ++i) {
        const QString name = u"bench-op-%1"_s.arg(i);
        const QString password = u"bench-password-%1"_s.arg(i);
        post(base, u"/api/v1/users"_s, {{u"login"_s, name}, {u"password"_s, password}}, adminToken);
        tokens.append(login(base, name, password));
        if (tokens.last().isEmpty())
            return {};
    }
    return tokens;
}

QByteArray command(const QString &id, const QString &name, const QJsonObject &args)
{
    return QJsonDocument(
               QJsonObject{{u"type"_s, u"cmd"_s}, {u"id"_s, id}, {u"name"_s, name}, {u"args"_s, args}})
        .toJson(QJsonDocument::Compact);
}

// Runs one round with `clients` connections and `perClient` writes each; returns acked writes per second.
double round(const QString &base, const QStringList &tokens, int clients, int perClient, int roundNo)
{
    std::vector<Client> all(static_cast<size_t>(clients));
    QEventLoop loop;
    int ready = 0;
    int finished = 0;
    QElapsedTimer clock;
    QString wsUrl = base + u"/api/v1/ws"_s;
    wsUrl.replace(0, 4, u"ws"_s);

    auto sendNext = [&](Client &c, int index) {
        const QString name = u"bench.r%1.c%2.w%3"_s.arg(roundNo).arg(index).arg(c.sent);
        c.socket->sendTextMessage(QString::fromUtf8(
            command(QString::number(c.sent), u"prefs.set"_s, {{u"name"_s, name}, {u"value"_s, c.sent}})));
        ++c.sent;
    };
    for (int i = 0; i < clients; ++i) {
        Client &c = all[size_t(i)];
        QObject::connect(c.socket.get(), &QWebSocket::connected, [&, i] {
            all[size_t(i)].socket->sendTextMessage(QString::fromUtf8(
                command(u"hello"_s, u"hello"_s, {{u"protocol"_s, 1}, {u"token"_s, tokens.at(i)}})));
        });
        QObject::connect(c.socket.get(), &QWebSocket::textMessageReceived, [&, i](const QString &text) {
            Client &me = all[size_t(i)];
            const QJsonObject f = QJsonDocument::fromJson(text.toUtf8()).object();
            if (f.value(u"type"_s) != u"res"_s)
                return;
            if (!f.value(u"ok"_s).toBool()) {
                QTextStream(stderr) << "error: " << text << '\n';
                QCoreApplication::exit(1);
                return;
            }
            if (f.value(u"id"_s) == u"hello"_s) {
                if (++ready == clients) {
                    clock.start();
                    for (int k = 0; k < clients; ++k)
                        sendNext(all[size_t(k)], k);
                }
                return;
            }
            ++me.acked;
            if (me.sent < perClient)
                sendNext(me, i);
            else if (++finished == clients)
                loop.quit();
        });
        c.socket->open(QUrl(wsUrl));
    }
    loop.exec();
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    for (Client &c : all)
        c.socket->close();
    return double(clients) * perClient / seconds;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(
        u"Acknowledged prefs.set writes per second through era-server's WebSocket API."_s);
    p.addHelpOption();
    p.addOption({u"url"_s, u"era-server base URL"_s, u"url"_s, u"http://127.0.0.1:8080"_s});
    p.addOption({u"login"_s, u"login"_s, u"login"_s, u"admin"_s});
    p.addOption({u"password"_s, u"password"_s, u"password"_s});
    p.addOption({u"clients"_s, u"comma-separated client counts"_s, u"list"_s, u"1,16,64,256"_s});
    p.addOption({u"writes"_s, u"total writes per round (at least 20 per client)"_s, u"n"_s, u"8000"_s});
    p.addOption({u"label"_s, u"engine label for the table"_s, u"text"_s, u"era-server"_s});
    p.process(app);

    const QString base = p.value(u"url"_s);
    const QString token = login(base, p.value(u"login"_s), p.value(u"password"_s));
    if (token.isEmpty()) {
        QTextStream(stderr) << "login failed at " << base << '\n';
        return 1;
    }
    int most = 1;
    for (const QString &n : p.value(u"clients"_s).split(u','))
        most = qMax(most, n.toInt());
    const QStringList tokens = operatorTokens(base, token, most);
    if (tokens.isEmpty()) {
        QTextStream(stderr) << "could not create the bench operators\n";
        return 1;
    }
    QTextStream out(stdout);
    int roundNo = 0;
    for (const QString &n : p.value(u"clients"_s).split(u',')) {
        const int clients = n.toInt();
        const int perClient = qMax(20, p.value(u"writes"_s).toInt() / qMax(1, clients));
        const double rate = round(base, tokens, clients, perClient, ++roundNo);
        out << "| " << p.value(u"label"_s) << " | public path: " << clients
            << " WebSocket clients, 1 outstanding each | " << clients * perClient << " | " << qRound(rate)
            << " |\n";
        out.flush();
    }
    return 0;
}
