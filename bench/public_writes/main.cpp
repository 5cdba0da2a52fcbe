// Durable writes per second through era-server's public path: N WebSocket clients, each sending `prefs.set`
// and waiting for its acknowledgement (sent only after the group commit is durable) before the next one.
// The clients are LoadClients (raw sockets, one epoll loop), so that the load generator takes as little as
// it can of the cores it shares with the server; each round also reports the CPU per write of the bench,
// era-server and PostgreSQL.
#include "../common/ProcCpu.h"
#include "LoadClients.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTextStream>
#include <optional>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

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

// CPU seconds of this process, of era-server and of the PostgreSQL server on `postgresPort` (its backends
// and background writers), so each round can say where a write's CPU went.
struct CpuSample {
    double bench = 0;
    double server = 0;
    double postgres = 0;

    static CpuSample take(qint64 serverPid, int postgresPort)
    {
        CpuSample s;
        s.bench = bench::cpuSeconds(QCoreApplication::applicationPid());
        if (serverPid > 0)
            s.server = bench::cpuSeconds(serverPid);
        for (double seconds : bench::postgresCpu(postgresPort))
            s.postgres += seconds;
        return s;
    }
};

struct RoundResult {
    double writesPerSecond = 0;
    CpuSample cpu; // CPU seconds spent during the round
};

// Runs one round with `clients` connections and `perClient` writes each, every client with one write
// outstanding; nullopt if anything failed (printed).
std::optional<RoundResult> round(const QUrl &base, const QStringList &tokens, int clients, int perClient,
                                 int roundNo, qint64 serverPid, int postgresPort)
{
    LoadClients load(base.host(), quint16(base.port(80)), "/api/v1/ws");
    if (!load.open(clients))
        return std::nullopt;

    std::vector<int> sent(size_t(clients), 0);
    int ready = 0;
    int finished = 0;
    QByteArray text;
    // The command is written by hand, as QJsonDocument would write it: the load generator must cost little.
    auto sendNext = [&](int client) {
        int &n = sent[size_t(client)];
        const QByteArray number = QByteArray::number(n);
        text = "{\"args\":{\"name\":\"bench.r" + QByteArray::number(roundNo) + ".c" +
               QByteArray::number(client) + ".w" + number + "\",\"value\":" + number + "},\"id\":\"" +
               number + "\",\"name\":\"prefs.set\",\"type\":\"cmd\"}";
        ++n;
        return load.sendText(client, text);
    };
    for (int i = 0; i < clients; ++i)
        if (!load.sendText(i,
                           command(u"hello"_s, u"hello"_s, {{u"protocol"_s, 1}, {u"token"_s, tokens.at(i)}})))
            return std::nullopt;

    // Replies must say ok and answer the command sent; events (prefs.changed) pass. The server writes its
    // frames compact with sorted keys, so the reply awaited and an event are recognized by their text; any
    // other frame is parsed.
    auto acknowledged = [&](int client) {
        if (sent[size_t(client)] < perClient)
            return sendNext(client);
        ++finished;
        return true;
    };
    QByteArray awaited;
    auto onMessage = [&](int client, QByteArrayView message) {
        const int last = sent[size_t(client)] - 1;
        if (last >= 0) {
            awaited = "{\"id\":\"" + QByteArray::number(last) + "\",\"ok\":true,";
            if (message.startsWith(awaited) && message.endsWith("\"type\":\"res\"}"))
                return acknowledged(client);
        }
        if (message.startsWith("{\"data\":") && message.endsWith("\"type\":\"event\"}"))
            return true;
        const QJsonObject f = QJsonDocument::fromJson(message.toByteArray()).object();
        const QString type = f.value(u"type"_s).toString();
        if (type == u"event"_s)
            return true;
        if (type != u"res"_s || !f.value(u"ok"_s).toBool()) {
            QTextStream(stderr) << "client " << client << ": " << message.toByteArray() << '\n';
            return false;
        }
        if (f.value(u"id"_s) == u"hello"_s) {
            ++ready;
            return true;
        }
        if (f.value(u"id"_s).toString() != QString::number(sent[size_t(client)] - 1)) {
            QTextStream(stderr) << "client " << client
                                << ": a reply to a command it did not send last: " << message.toByteArray()
                                << '\n';
            return false;
        }
        return acknowledged(client);
    };
    if (!load.run(onMessage, [&] { return ready == clients; }))
        return std::nullopt;

    const CpuSample before = CpuSample::take(serverPid, postgresPort);
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < clients; ++i)
        if (!sendNext(i))
            return std::nullopt;
    if (!load.run(onMessage, [&] { return finished == clients; }))
        return std::nullopt;
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    const CpuSample after = CpuSample::take(serverPid, postgresPort);
    load.closeAll();
    return RoundResult{
        double(clients) * perClient / seconds,
        {after.bench - before.bench, after.server - before.server, after.postgres - before.postgres}};
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
    p.addOption({u"clients"_s, u"comma-separated client counts"_s, u"list"_s, u"1,16,64,256,1024"_s});
    p.addOption({u"writes"_s, u"total writes per round (at least 20 per client)"_s, u"n"_s, u"8000"_s});
    p.addOption({u"label"_s, u"engine label for the table"_s, u"text"_s, u"era-server"_s});
    p.addOption({u"server-pid"_s, u"era-server's process id, to report its CPU per write"_s, u"pid"_s});
    p.addOption({u"postgres-port"_s, u"the database server's port, to report PostgreSQL's CPU per write"_s,
                 u"port"_s});
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
        const auto r = round(QUrl(base), tokens, clients, perClient, ++roundNo,
                             p.value(u"server-pid"_s).toLongLong(), p.value(u"postgres-port"_s).toInt());
        if (!r)
            return 1;
        const double writes = double(clients) * perClient;
        auto perWrite = [&](double cpuSeconds) { return QString::number(qRound(cpuSeconds * 1e6 / writes)); };
        out << "| " << p.value(u"label"_s) << " | public path: " << clients
            << " WebSocket clients, 1 outstanding each | " << clients * perClient << " | "
            << qRound(r->writesPerSecond) << " | " << perWrite(r->cpu.bench) << " | "
            << (p.isSet(u"server-pid"_s) ? perWrite(r->cpu.server) : u"-"_s) << " | "
            << (p.isSet(u"postgres-port"_s) ? perWrite(r->cpu.postgres) : u"-"_s) << " |\n";
        out.flush();
    }
    return 0;
}
