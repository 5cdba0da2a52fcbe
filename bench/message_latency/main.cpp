// Customer message to the operator's screen: Telegram webhook POST -> durable commit -> message.created at a
// WebSocket. One process: a Bot API stand-in (getMe/setWebhook), era-server as a child (the command after
// "--"), N operator WebSockets (hello, presence online, accept every offer) and one supervisor WebSocket.
// Webhook updates are sent open loop on a fixed schedule; the latency of a message runs from its scheduled
// send time (so a client that falls behind counts against the figure) to its message.created event.
#include "../common/ProcCpu.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTextStream>
#include <QTimer>
#include <QWebSocket>
#include <algorithm>
#include <deque>
#include <memory>
#include <unistd.h>
#include <vector>

using namespace Qt::StringLiterals;
using bench::cpuSeconds;
using bench::postgresCpu;
using bench::threadCpu;

namespace {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QElapsedTimer g_clock;
qint64 nowNs()
{
    return g_clock.nsecsElapsed();
}

// A counter without labels from era-server's /metrics.
double metric(const QString &base, const QByteArray &name)
{
    QNetworkAccessManager nam;
    QNetworkReply *r = nam.get(QNetworkRequest(QUrl(base + u"/metrics"_s)));
    QEventLoop loop;
    QObject::connect(r, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    r->deleteLater();
    for (const QByteArray &line : r->readAll().split('\n')) {
        if (line.startsWith(QByteArray(name + ' ')))
            return line.mid(name.size() + 1).toDouble();
    }
    return 0;
}

// Answers every Bot API call: getMe with a bot, anything else (setWebhook) with ok/true.
class BotApiStandIn : public QTcpServer {
public:
    explicit BotApiStandIn(QObject *parent = nullptr) : QTcpServer(parent)
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = nextPendingConnection()) {
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
                connect(s, &QTcpSocket::readyRead, s, [s] { serve(s); });
            }
        });
    }

private:
    static void serve(QTcpSocket *s)
    {
        QByteArray buf = s->property("buf").toByteArray() + s->readAll();
        for (;;) {
            const qsizetype end = buf.indexOf("\r\n\r\n");
            if (end < 0)
                break;
            const QByteArray head = buf.left(end);
            qsizetype length = 0;
            for (const QByteArray &h : head.split('\n'))
                if (h.toLower().startsWith("content-length:"))
                    length = h.mid(15).trimmed().toLongLong();
            if (buf.size() < end + 4 + length)
                break;
            buf.remove(0, end + 4 + length);
            const QByteArray body =
                head.contains("/getMe")
                    ? QByteArrayLiteral("{\"ok\":true,\"result\":{\"id\":1,\"is_bot\":true,"
                                        "\"first_name\":\"Bench\",\"username\":\"bench_bot\"}}")
                    : QByteArrayLiteral("{\"ok\":true,\"result\":true}");
            s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                     QByteArray::number(body.size()) + "\r\n\r\n" + body);
        }
        s->setProperty("buf", buf);
    }
};

// One keep-alive HTTP/1.1 connection carrying one webhook POST at a time.
struct HookConnection {
    std::unique_ptr<QTcpSocket> socket = std::make_unique<QTcpSocket>();
    QByteArray buffer;
    qint64 seq = -1; // the request in flight, or -1
};

struct Stats {
    std::vector<double> ms;
    double percentile(double p)
    {
        if (ms.empty())
            return 0;
        std::sort(ms.begin(), ms.end());
        const size_t i = std::min(ms.size() - 1, size_t(p / 100.0 * double(ms.size())));
        return ms[i];
    }
};

class Bench : public QObject {
public:
    QString base;
    QString hookPath;
    QByteArray secret;
    int connections = 128;
    int customers = 800;
    bool accept = true;
    qint64 serverPid = 0;

    std::vector<qint64> scheduled; // seq -> scheduled send time (ns)
    std::vector<qint64> hookDone;  // seq -> webhook reply time (ns), 0 = none yet
    std::vector<qint64> supSeen;   // seq -> event at the supervisor (ns)
    std::vector<qint64> opSeen;    // seq -> event at the dialog's operator (ns)
    std::vector<HookConnection> pool;
    std::deque<qint64> waiting; // due but no free connection
    qint64 hookErrors = 0;
    qint64 accepted = 0;
    qint64 nextSeq = 0;
    qint64 maxLagNs = 0;
    std::vector<std::unique_ptr<QWebSocket>> sockets; // operators, then the supervisor last
    int ready = 0;

    ~Bench() override
    {
        // Sockets emit disconnected while they are destroyed: nothing of ours may run then.
        for (auto &c : pool)
            c.socket->disconnect(this);
        for (auto &ws : sockets)
            ws->disconnect(this);
    }

    QByteArray update(qint64 seq) const
    {
        const qint64 customer = 500000000 + seq % customers;
        const QByteArray c = QByteArray::number(customer);
        const QByteArray body =
            "{\"update_id\":" + QByteArray::number(100000000 + seq) +
            ",\"message\":{\"message_id\":" + QByteArray::number(seq + 1) + ",\"from\":{\"id\":" + c +
            ",\"is_bot\":false,\"first_name\":\"Customer\",\"last_name\":\"" + c +
            "\"},\"chat\":{\"id\":" + c + ",\"type\":\"private\",\"first_name\":\"Customer\"},\"date\":" +
            QByteArray::number(QDateTime::currentSecsSinceEpoch()) + ",\"text\":\"bench #" +
            QByteArray::number(seq) + "\"}}";
        return "POST " + hookPath.toLatin1() +
               " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               "X-Telegram-Bot-Api-Secret-Token: " +
               secret + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    }

    void openPool()
    {
        const QUrl url(base);
        pool.resize(size_t(connections));
        for (auto &c : pool) {
            HookConnection *conn = &c;
            connect(c.socket.get(), &QTcpSocket::readyRead, this, [this, conn] { onHookData(*conn); });
            connect(c.socket.get(), &QTcpSocket::disconnected, this, [this, conn] {
                if (conn->seq >= 0) {
                    ++hookErrors;
                    conn->seq = -1;
                }
                conn->buffer.clear();
            });
            c.socket->connectToHost(url.host(), quint16(url.port()));
            c.socket->waitForConnected(5000);
            c.socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        }
    }

    void sendOn(HookConnection &c, qint64 seq)
    {
        const QUrl url(base);
        if (c.socket->state() != QAbstractSocket::ConnectedState) {
            c.socket->connectToHost(url.host(), quint16(url.port()));
            c.socket->waitForConnected(5000);
        }
        c.seq = seq;
        maxLagNs = std::max(maxLagNs, nowNs() - scheduled[size_t(seq)]);
        c.socket->write(update(seq));
    }

    void due(qint64 seq)
    {
        for (auto &c : pool)
            if (c.seq < 0) {
                sendOn(c, seq);
                return;
            }
        waiting.push_back(seq);
    }

    void onHookData(HookConnection &c)
    {
        c.buffer += c.socket->readAll();
        for (;;) {
            const qsizetype end = c.buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            qsizetype length = 0;
            bool close = false;
            const QByteArray head = c.buffer.left(end);
            for (const QByteArray &h : head.split('\n')) {
                const QByteArray l = h.toLower();
                if (l.startsWith("content-length:"))
                    length = l.mid(15).trimmed().toLongLong();
                if (l.startsWith("connection:") && l.contains("close"))
                    close = true;
            }
            if (c.buffer.size() < end + 4 + length)
                return;
            const int status = head.mid(9, 3).toInt();
            c.buffer.remove(0, end + 4 + length);
            if (c.seq >= 0) {
                if (status == 200)
                    hookDone[size_t(c.seq)] = nowNs();
                else
                    ++hookErrors;
            }
            c.seq = -1;
            if (close)
                c.socket->disconnectFromHost();
            if (!waiting.empty()) {
                const qint64 next = waiting.front();
                waiting.pop_front();
                sendOn(c, next);
            }
        }
    }

    static qint64 seqOf(const QJsonObject &data)
    {
        const QString text =
            data.value(u"message"_s).toObject().value(u"content"_s).toObject().value(u"text"_s).toString();
        if (!text.startsWith(u"bench #"_s))
            return -1;
        return QStringView(text).mid(7).toLongLong();
    }

    void onEvent(QWebSocket *ws, bool supervisor, const QString &frame)
    {
        const qint64 t = nowNs();
        if (!frame.contains(u"\"type\":\"event\""_s))
            return;
        const QJsonObject o = QJsonDocument::fromJson(frame.toUtf8()).object();
        const QString name = o.value(u"name"_s).toString();
        const QJsonObject data = o.value(u"data"_s).toObject();
        if (name == u"message.created"_s) {
            const qint64 seq = seqOf(data);
            if (seq < 0 || seq >= qint64(scheduled.size()))
                return;
            std::vector<qint64> &seen = supervisor ? supSeen : opSeen;
            if (seen[size_t(seq)] == 0)
                seen[size_t(seq)] = t;
        } else if (name == u"dialog.offered"_s && accept && !supervisor) {
            ws->sendTextMessage(QString::fromUtf8(
                QJsonDocument(
                    QJsonObject{{u"type"_s, u"cmd"_s},
                                {u"id"_s, u"a"_s},
                                {u"name"_s, u"dialog.accept"_s},
                                {u"args"_s, QJsonObject{{u"dialog_id"_s, data.value(u"dialog_id"_s)}}}})
                    .toJson(QJsonDocument::Compact)));
            ++accepted;
        }
    }

    void connectSocket(const QString &token, bool supervisor)
    {
        sockets.push_back(std::make_unique<QWebSocket>());
        QWebSocket *ws = sockets.back().get();
        auto phase = std::make_shared<int>(0);
        connect(ws, &QWebSocket::connected, this, [ws, token] {
            ws->sendTextMessage(QString::fromUtf8(
                QJsonDocument(
                    QJsonObject{{u"type"_s, u"cmd"_s},
                                {u"id"_s, u"h"_s},
                                {u"name"_s, u"hello"_s},
                                {u"args"_s, QJsonObject{{u"protocol"_s, 1},
                                                        {u"token"_s, token},
                                                        {u"client"_s, u"bench_message_latency"_s}}}})
                    .toJson(QJsonDocument::Compact)));
        });
        connect(ws, &QWebSocket::textMessageReceived, this, [this, ws, supervisor, phase](const QString &m) {
            if (*phase == 2) {
                onEvent(ws, supervisor, m);
                return;
            }
            const QJsonObject o = QJsonDocument::fromJson(m.toUtf8()).object();
            if (o.value(u"type"_s).toString() != u"res"_s)
                return;
            if (!o.value(u"ok"_s).toBool()) {
                out() << "websocket command failed: " << m << Qt::endl;
                QCoreApplication::exit(1);
                return;
            }
            if (*phase == 0) {
                *phase = 1;
                ws->sendTextMessage(QString::fromUtf8(
                    QJsonDocument(QJsonObject{{u"type"_s, u"cmd"_s},
                                              {u"id"_s, u"p"_s},
                                              {u"name"_s, u"presence.set"_s},
                                              {u"args"_s, QJsonObject{{u"presence"_s, u"online"_s}}}})
                        .toJson(QJsonDocument::Compact)));
            } else if (*phase == 1) {
                *phase = 2;
                ++ready;
            }
        });
        QString url = base + u"/api/v1/ws"_s;
        url.replace(0, 4, u"ws"_s);
        ws->open(QUrl(url));
    }
};

QString login(QNetworkAccessManager &nam, const QString &base, const QString &user, const QString &password)
{
    QNetworkRequest req(QUrl(base + u"/api/v1/auth/login"_s));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    QNetworkReply *r = nam.post(req, QJsonDocument(QJsonObject{{u"login"_s, user}, {u"password"_s, password}})
                                         .toJson(QJsonDocument::Compact));
    QEventLoop loop;
    QObject::connect(r, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    r->deleteLater();
    return QJsonDocument::fromJson(r->readAll()).object().value(u"token"_s).toString();
}

void waitMs(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    g_clock.start();
    QCommandLineParser p;
    p.setApplicationDescription(u"webhook -> commit -> WebSocket latency; era-server command after --"_s);
    p.addHelpOption();
    const QCommandLineOption botPort(u"botapi-port"_s, u"port of the Bot API stand-in"_s, u"port"_s);
    const QCommandLineOption channel(u"channel"_s, u"Telegram channel id"_s, u"id"_s);
    const QCommandLineOption secretOpt(u"secret"_s, u"webhook secret"_s, u"secret"_s);
    const QCommandLineOption operators(u"operators"_s, u"operator logins op0..opN-1"_s, u"n"_s, u"200"_s);
    const QCommandLineOption password(u"password"_s, u"password of every bench user"_s, u"pw"_s);
    const QCommandLineOption rates(
        u"rates"_s, u"rate:seconds,..."_s, u"list"_s,
        u"100:20,200:10,500:10,1000:10,2000:10,3000:10,4000:10,5000:10,6000:10,8000:10"_s);
    const QCommandLineOption conns(u"connections"_s, u"webhook keep-alive connections"_s, u"n"_s, u"128"_s);
    const QCommandLineOption custs(u"customers"_s, u"distinct customers (round robin)"_s, u"n"_s, u"800"_s);
    const QCommandLineOption limit(u"max-p99"_s, u"p99 limit in ms"_s, u"ms"_s, u"100"_s);
    const QCommandLineOption label(u"label"_s, u"database label for the table"_s, u"text"_s, u"sqlite"_s);
    const QCommandLineOption noAccept(u"no-accept"_s, u"operators do not accept offers"_s);
    const QCommandLineOption dbPort(u"db-port"_s, u"port of the PostgreSQL server, for its CPU"_s, u"port"_s);
    p.addOptions({botPort, channel, secretOpt, operators, password, rates, conns, custs, limit, label,
                  noAccept, dbPort});
    p.process(app);
    const QStringList serverCmd = p.positionalArguments();
    if (serverCmd.isEmpty() || !p.isSet(botPort) || !p.isSet(channel)) {
        p.showHelp(2);
    }

    BotApiStandIn bot;
    if (!bot.listen(QHostAddress::LocalHost, quint16(p.value(botPort).toUInt()))) {
        out() << "cannot listen on the Bot API port: " << bot.errorString() << Qt::endl;
        return 1;
    }

    QProcess server;
    server.setProcessChannelMode(QProcess::MergedChannels);
    server.start(serverCmd.first(), serverCmd.mid(1));
    if (!server.waitForStarted(10000)) {
        out() << "cannot start era-server: " << server.errorString() << Qt::endl;
        return 1;
    }
    QString serverLog;
    QString base;
    static const QRegularExpression listening(u"listening on (\\S+)"_s);
    for (int i = 0; i < 300 && base.isEmpty(); ++i) {
        server.waitForReadyRead(100);
        serverLog += QString::fromUtf8(server.readAll());
        const auto m = listening.match(serverLog);
        if (m.hasMatch())
            base = m.captured(1);
        if (server.state() == QProcess::NotRunning)
            break;
    }
    if (base.isEmpty()) {
        out() << "era-server did not start:\n" << serverLog << Qt::endl;
        return 1;
    }
    while (base.endsWith(u'/'))
        base.chop(1);
    QObject::connect(&server, &QProcess::readyRead, &server, [&server, &serverLog] {
        serverLog += QString::fromUtf8(server.readAll());
        if (serverLog.size() > 200000)
            serverLog = serverLog.right(100000);
    });

    Bench bench;
    bench.base = base;
    bench.hookPath = u"/api/v1/webhooks/%1"_s.arg(p.value(channel));
    bench.secret = p.value(secretOpt).toLatin1();
    bench.connections = p.value(conns).toInt();
    bench.customers = p.value(custs).toInt();
    bench.accept = !p.isSet(noAccept);
    bench.serverPid = server.processId();
    const int nOps = p.value(operators).toInt();

    // Logins, then every socket through hello and presence.set online.
    QNetworkAccessManager nam;
    QStringList tokens;
    for (int i = 0; i < nOps; ++i)
        tokens.append(login(nam, base, u"op%1"_s.arg(i), p.value(password)));
    const QString supToken = login(nam, base, u"sup"_s, p.value(password));
    if (tokens.contains(QString()) || supToken.isEmpty()) {
        out() << "login failed\n" << serverLog << Qt::endl;
        return 1;
    }
    for (const QString &t : tokens)
        bench.connectSocket(t, false);
    bench.connectSocket(supToken, true);
    for (int i = 0; i < 600 && bench.ready < nOps + 1; ++i)
        waitMs(50);
    if (bench.ready < nOps + 1) {
        out() << "only " << bench.ready << " of " << nOps + 1 << " websockets ready" << Qt::endl;
        return 1;
    }
    // The channel starts after getMe and setWebhook; give it a moment, then open the webhook connections.
    waitMs(1000);
    bench.openPool();

    out() << "era-server " << base << " (pid " << bench.serverPid << "), " << nOps
          << " operators online + 1 supervisor, " << bench.connections << " webhook connections, "
          << bench.customers << " customers round robin, operators "
          << (bench.accept ? "accept every offer" : "do not accept offers") << Qt::endl;
    out() << "latency = scheduled send -> message.created at the supervisor's WebSocket (every message);"
             " 'op p99' = same at the dialog's operator (messages in dialogs already accepted)"
          << Qt::endl
          << Qt::endl;
    out()
        << "| db | rate msg/s | sent | hook p50 ms | p50 ms | p90 ms | p99 ms | max ms | op p50/p99 ms (n) | "
           "errors | lost | send lag max ms | server CPU (busiest thread) | db CPU | jobs/commit | bench CPU "
           "| "
           "ok |"
        << Qt::endl;
    out() << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
          << Qt::endl;

    const double maxP99 = p.value(limit).toDouble();
    int best = 0;
    double p99At100 = -1;
    bool allOk = true;
    for (const QString &step : p.value(rates).split(u',', Qt::SkipEmptyParts)) {
        const int rate = step.section(u':', 0, 0).toInt();
        const int seconds = step.section(u':', 1, 1).toInt();
        const qint64 count = qint64(rate) * seconds;
        const qint64 first = bench.nextSeq;
        const size_t total = size_t(first + count);
        bench.scheduled.resize(total, 0);
        bench.hookDone.resize(total, 0);
        bench.supSeen.resize(total, 0);
        bench.opSeen.resize(total, 0);
        const qint64 errorsBefore = bench.hookErrors;
        bench.maxLagNs = 0;
        const double serverCpu0 = cpuSeconds(bench.serverPid);
        const QHash<QString, double> threads0 = threadCpu(bench.serverPid);
        const double benchCpu0 = cpuSeconds(QCoreApplication::applicationPid());
        const QHash<qint64, double> db0 = postgresCpu(p.value(dbPort).toInt());
        const double commits0 = metric(base, "era_commits_total");
        const double jobs0 = metric(base, "era_write_jobs_total");
        const qint64 start = nowNs();
        const double periodNs = 1e9 / rate;

        QEventLoop loop;
        QTimer ticker;
        ticker.setTimerType(Qt::PreciseTimer);
        ticker.setInterval(1);
        QObject::connect(&ticker, &QTimer::timeout, &loop, [&] {
            const qint64 t = nowNs();
            qint64 dueCount = std::min(count, qint64(double(t - start) / periodNs) + 1);
            while (bench.nextSeq - first < dueCount) {
                const qint64 seq = bench.nextSeq++;
                bench.scheduled[size_t(seq)] = start + qint64(double(seq - first) * periodNs);
                bench.due(seq);
            }
            if (bench.nextSeq - first >= count)
                loop.quit();
        });
        ticker.start();
        loop.exec();
        ticker.stop();
        // Drain: wait until every message of this step was seen, at most 10 s.
        for (int i = 0; i < 200; ++i) {
            bool all = true;
            for (qint64 s = first; s < first + count && all; ++s)
                all = bench.supSeen[size_t(s)] != 0;
            if (all)
                break;
            waitMs(50);
        }
        const qint64 end = nowNs();
        const double serverCpu = (cpuSeconds(bench.serverPid) - serverCpu0) / (double(end - start) / 1e9);
        const double benchCpu =
            (cpuSeconds(QCoreApplication::applicationPid()) - benchCpu0) / (double(end - start) / 1e9);
        double dbCpu = 0;
        const QHash<qint64, double> db1 = postgresCpu(p.value(dbPort).toInt());
        for (auto it = db1.cbegin(); it != db1.cend(); ++it)
            dbCpu += it.value() - db0.value(it.key());
        dbCpu /= double(end - start) / 1e9;
        const double commits = metric(base, "era_commits_total") - commits0;
        const double jobsPerCommit =
            commits > 0 ? (metric(base, "era_write_jobs_total") - jobs0) / commits : 0;

        QString busiest;
        double busiestCpu = 0;
        const QHash<QString, double> threads1 = threadCpu(bench.serverPid);
        for (auto it = threads1.cbegin(); it != threads1.cend(); ++it) {
            const double used = (it.value() - threads0.value(it.key())) / (double(end - start) / 1e9);
            if (used > busiestCpu) {
                busiestCpu = used;
                busiest = it.key().section(u'/', 0, 0);
            }
        }
        Stats sup, hook, op;
        qint64 lost = 0;
        for (qint64 s = first; s < first + count; ++s) {
            const size_t i = size_t(s);
            if (bench.supSeen[i])
                sup.ms.push_back(double(bench.supSeen[i] - bench.scheduled[i]) / 1e6);
            else
                ++lost;
            if (bench.hookDone[i])
                hook.ms.push_back(double(bench.hookDone[i] - bench.scheduled[i]) / 1e6);
            if (bench.opSeen[i])
                op.ms.push_back(double(bench.opSeen[i] - bench.scheduled[i]) / 1e6);
        }
        const qint64 errors = bench.hookErrors - errorsBefore;
        const double p99 = sup.percentile(99);
        const bool ok = errors == 0 && lost == 0 && p99 <= maxP99;
        if (rate == 100 && p99At100 < 0)
            p99At100 = p99;
        out() << "| " << p.value(label) << " | " << rate << " | " << count << " | "
              << QString::number(hook.percentile(50), 'f', 1) << " | "
              << QString::number(sup.percentile(50), 'f', 1) << " | "
              << QString::number(sup.percentile(90), 'f', 1) << " | " << QString::number(p99, 'f', 1) << " | "
              << QString::number(sup.percentile(100), 'f', 1) << " | "
              << QString::number(op.percentile(50), 'f', 1) << "/"
              << QString::number(op.percentile(99), 'f', 1) << " (" << op.ms.size() << ") | " << errors
              << " | " << lost << " | " << QString::number(double(bench.maxLagNs) / 1e6, 'f', 1) << " | "
              << QString::number(serverCpu * 100, 'f', 0) << "% (" << busiest << " "
              << QString::number(busiestCpu * 100, 'f', 0) << "%) | "
              << (p.isSet(dbPort) ? QString::number(dbCpu * 100, 'f', 0) + u'%' : u"-"_s) << " | "
              << QString::number(jobsPerCommit, 'f', 1) << " | " << QString::number(benchCpu * 100, 'f', 0)
              << "% | " << (ok ? "yes" : "NO") << " |" << Qt::endl;
        if (!ok) {
            allOk = false;
            break;
        }
        best = rate;
        if (server.state() == QProcess::NotRunning)
            break;
        waitMs(1000);
    }
    out() << Qt::endl
          << "highest rate with p99 <= " << maxP99 << " ms, no webhook errors, nothing lost: " << best
          << " msg/s" << (allOk ? " (every step passed; raise --rates to find the limit)" : "") << Qt::endl;
    out() << "p99 at 100 msg/s: " << QString::number(p99At100, 'f', 1)
          << " ms; offers accepted: " << bench.accepted << Qt::endl;
    server.terminate();
    server.waitForFinished(15000);
    return 0;
}
