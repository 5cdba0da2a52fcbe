// bench_storage: how many small rows per second each way of writing makes durable, on SQLite and PostgreSQL.
//
//   (a) the engine's limit for one row per commit: a loop of single-row INSERTs (autocommit) on a raw
//   Connection (b) the engine's limit for bulk: all rows in one transaction on a raw Connection (c)
//   Database::submitWrite from C concurrent submitters, each waiting for its durable ack before sending the
//       next: the group commit shares one COMMIT among everything that queued up during the previous one
//   (d) the same with jobs shaped like a customer message from a webhook (what IngestService does for a
//       message in an open dialog): upsert the subscriber, look up the message id (dedupe) and the open
//       dialog, insert the message, update the dialog, append an event. Six statements, five of which the job
//       waits for; the writer's ceiling for bench/message_latency without HTTP, JSON or WebSocket costs.
#include "core/Metrics.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
#include "storage/OpenConnection.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

using namespace era;
using namespace era::storage;

namespace {

QTextStream out(stdout);

struct Figure {
    QString engine;
    QString mode;
    int rows = 0;
    double seconds = 0;
    double commits = 0;    // 0: not measured
    double clientCpu = -1; // CPU seconds of this process during the measurement; < 0: not measured
    double serverCpu = -1; // CPU seconds of the PostgreSQL server's processes; < 0: not measured
    double rate() const { return seconds > 0 ? rows / seconds : 0; }
};

double ownCpuSeconds()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// CPU seconds of every child of the postmaster listening on the url's port (backends, WAL writer...), or -1.
double postgresCpuSeconds(const QString &url)
{
    const QUrl u(url);
    int port = u.port();
    if (port <= 0)
        port = QUrlQuery(u).queryItemValue(QStringLiteral("port")).toInt();
    if (port <= 0)
        port = 5432;
    qint64 postmaster = 0;
    QHash<qint64, std::pair<qint64, double>> postgres; // pid -> (parent, cpu)
    const QDir proc(QStringLiteral("/proc"));
    for (const QString &entry : proc.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        QFile stat(proc.filePath(entry + QStringLiteral("/stat")));
        if (!isPid || !stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        if (!line.contains("(postgres)"))
            continue;
        const QList<QByteArray> f = line.mid(line.lastIndexOf(')') + 2).split(' ');
        postgres.insert(
            pid, {f.value(1).toLongLong(), double(f.value(11).toLongLong() + f.value(12).toLongLong()) /
                                               double(sysconf(_SC_CLK_TCK))});
        QFile cmd(proc.filePath(entry + QStringLiteral("/cmdline")));
        if (cmd.open(QIODevice::ReadOnly) && cmd.readAll().split('\0').contains(QByteArray::number(port)))
            postmaster = pid;
    }
    if (!postmaster)
        return -1;
    double cpu = 0;
    for (const auto &[parent, used] : std::as_const(postgres)) {
        if (parent == postmaster)
            cpu += used;
    }
    return cpu;
}

const QString kCreate =
    QStringLiteral("CREATE TABLE bench_rows (id {{id}}, payload TEXT NOT NULL, at BIGINT NOT NULL)");
const QString kInsert = QStringLiteral("INSERT INTO bench_rows (payload, at) VALUES ($1, $2)");

QVariantList rowParams(int i)
{
    return {QStringLiteral("row %1 of the storage benchmark").arg(i), QDateTime::currentMSecsSinceEpoch()};
}

[[noreturn]] void die(const QString &what, const Error &e)
{
    QTextStream(stderr) << "bench_storage: " << what << ": " << e.message << Qt::endl;
    std::exit(1);
}

// A fresh, empty database per measurement.
class Target {
public:
    Target(QString engine, QString base) : m_engine(std::move(engine)), m_base(std::move(base)) {}
    ~Target() { dropSchemas(); }

    QString engine() const { return m_engine; }

    QString freshUrl()
    {
        const int n = ++m_count;
        if (m_engine == u"sqlite")
            return u"sqlite:" + m_base + QStringLiteral("/bench-%1.db").arg(n);
        const QString schema = QStringLiteral("bench_%1_%2").arg(QCoreApplication::applicationPid()).arg(n);
        auto admin = openConnection(m_base);
        if (!admin)
            die(QStringLiteral("connecting"), admin.error());
        if (auto r = (*admin)->exec(u"CREATE SCHEMA " + schema); !r)
            die(QStringLiteral("creating a schema"), r.error());
        m_schemas.append(schema);
        return m_base + (m_base.contains(u'?') ? u"&" : u"?") + u"options=-csearch_path%3D" + schema;
    }

    QString describe()
    {
        if (m_engine == u"sqlite")
            return QStringLiteral("SQLite %1, WAL, synchronous=FULL, file in %2")
                .arg(QString::fromLatin1(sqlite3_libversion()), m_base);
        auto admin = openConnection(m_base);
        if (!admin)
            die(QStringLiteral("connecting"), admin.error());
        auto v = (*admin)->exec(
            QStringLiteral("SELECT current_setting('server_version'), current_setting('fsync'), "
                           "current_setting('synchronous_commit')"));
        if (!v)
            die(QStringLiteral("asking the server version"), v.error());
        return QStringLiteral("PostgreSQL %1, fsync=%2, synchronous_commit=%3")
            .arg(v->at(0, 0).toString(), v->at(0, 1).toString(), v->at(0, 2).toString());
    }

private:
    void dropSchemas()
    {
        if (m_schemas.isEmpty())
            return;
        auto admin = openConnection(m_base);
        if (!admin)
            return;
        for (const QString &s : std::as_const(m_schemas))
            (void)(*admin)->exec(u"DROP SCHEMA " + s + u" CASCADE");
    }

    QString m_engine;
    QString m_base; // directory (sqlite) or server url (postgres)
    int m_count = 0;
    QStringList m_schemas;
};

std::unique_ptr<Connection> rawTable(Target &t)
{
    auto c = openConnection(t.freshUrl());
    if (!c)
        die(QStringLiteral("opening"), c.error());
    if (Status s = (*c)->execScript(migrations::expand(kCreate, (*c)->dialect())); !s)
        die(QStringLiteral("creating the table"), s.error());
    return std::move(c).value();
}

Figure onePerCommit(Target &t, int rows)
{
    auto c = rawTable(t);
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < rows; ++i) {
        if (auto r = c->exec(kInsert, rowParams(i)); !r)
            die(QStringLiteral("inserting"), r.error());
    }
    return {t.engine(), QStringLiteral("(a) raw, one row per commit"), rows, timer.nsecsElapsed() / 1e9,
            double(rows)};
}

Figure oneTransaction(Target &t, int rows)
{
    auto c = rawTable(t);
    QElapsedTimer timer;
    timer.start();
    if (auto r = c->exec(QStringLiteral("BEGIN")); !r)
        die(QStringLiteral("BEGIN"), r.error());
    for (int i = 0; i < rows; ++i) {
        if (auto r = c->exec(kInsert, rowParams(i)); !r)
            die(QStringLiteral("inserting"), r.error());
    }
    if (auto r = c->exec(QStringLiteral("COMMIT")); !r)
        die(QStringLiteral("COMMIT"), r.error());
    return {t.engine(), QStringLiteral("(b) raw, all rows in one transaction"), rows,
            timer.nsecsElapsed() / 1e9, 1};
}

Figure groupCommit(Target &t, int rows, int concurrency)
{
    Metrics metrics;
    DatabaseOptions options;
    options.url = t.freshUrl();
    options.metrics = &metrics;
    auto opened = Database::open(options);
    if (!opened)
        die(QStringLiteral("opening"), opened.error());
    Database &db = **opened;
    const QString create = migrations::expand(kCreate, db.dialect());
    if (Status s = db.submitWriteSync([&](WriteTx &tx) -> Status {
            auto r = tx.exec(create);
            return r ? Status(ok()) : Status(r.error());
        });
        !s)
        die(QStringLiteral("creating the table"), s.error());
    const double commitsBefore = metrics.histogram("era_commit_latency_seconds").count();

    // Each submitter sends its next row only when the previous one is durable, like a webhook handler would.
    QObject context;
    QEventLoop loop;
    int sent = 0, done = 0;
    std::function<void()> sendOne = [&] {
        const int i = sent++;
        db.submitWrite(
            &context,
            [i](WriteTx &tx) -> Status {
                auto r = tx.exec(kInsert, rowParams(i));
                return r ? Status(ok()) : Status(r.error());
            },
            [&](Status s) {
                if (!s)
                    die(QStringLiteral("writing"), s.error());
                ++done;
                if (sent < rows)
                    sendOne();
                else if (done == rows)
                    loop.quit();
            });
    };
    QElapsedTimer timer;
    timer.start();
    for (int c = 0; c < concurrency && sent < rows; ++c)
        sendOne();
    loop.exec();
    const double seconds = timer.nsecsElapsed() / 1e9;
    const double commits = metrics.histogram("era_commit_latency_seconds").count() - commitsBefore;
    return {t.engine(), QStringLiteral("(c) Database, %1 outstanding").arg(concurrency), rows, seconds,
            commits};
}

const QString kIngestSchema = QStringLiteral(
    "CREATE TABLE bench_subscribers (id {{id}}, external_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, "
    "updated_at BIGINT NOT NULL);"
    "CREATE TABLE bench_dialogs (id {{id}}, subscriber_id BIGINT NOT NULL REFERENCES bench_subscribers(id), "
    "state TEXT NOT NULL, last_message_at BIGINT NOT NULL);"
    "CREATE INDEX bench_dialogs_open ON bench_dialogs (subscriber_id, state);"
    "CREATE TABLE bench_messages (id {{id}}, dialog_id BIGINT NOT NULL REFERENCES bench_dialogs(id), "
    "external_id TEXT NOT NULL UNIQUE, content TEXT NOT NULL, at BIGINT NOT NULL);");

// One webhook message of customer `customer`, as IngestService writes it.
Status ingestOne(WriteTx &tx, int i, int customer)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto sub = tx.exec(
        QStringLiteral("INSERT INTO bench_subscribers (external_id, name, updated_at) "
                       "VALUES ($1, $2, $3) ON CONFLICT (external_id) DO UPDATE SET "
                       "name = excluded.name, updated_at = excluded.updated_at RETURNING id"),
        {QStringLiteral("customer-%1").arg(customer), QStringLiteral("Customer %1").arg(customer), now});
    if (!sub)
        return sub.error();
    const qint64 subscriber = sub->at(0, 0).toLongLong();
    const QString externalId = QStringLiteral("message-%1").arg(i);
    auto dup =
        tx.exec(QStringLiteral("SELECT id, dialog_id, content FROM bench_messages WHERE external_id = $1"),
                {externalId});
    if (!dup)
        return dup.error();
    if (!dup->isEmpty())
        return ok();
    auto open = tx.exec(QStringLiteral("SELECT id, state, last_message_at FROM bench_dialogs "
                                       "WHERE subscriber_id = $1 AND state <> 'closed'"),
                        {subscriber});
    if (!open)
        return open.error();
    qint64 dialog = 0;
    if (open->isEmpty()) {
        auto created =
            tx.exec(QStringLiteral("INSERT INTO bench_dialogs (subscriber_id, state, last_message_at) "
                                   "VALUES ($1, 'waiting', $2) RETURNING id"),
                    {subscriber, now});
        if (!created)
            return created.error();
        dialog = created->at(0, 0).toLongLong();
    } else {
        dialog = open->at(0, 0).toLongLong();
    }
    const QString content = QStringLiteral("{\"kind\":\"text\",\"text\":\"bench #%1\"}").arg(i);
    auto message = tx.exec(QStringLiteral("INSERT INTO bench_messages (dialog_id, external_id, content, at) "
                                          "VALUES ($1, $2, $3, $4) RETURNING id, dialog_id, external_id, at"),
                           {dialog, externalId, content, now});
    if (!message)
        return message.error();
    auto touched =
        tx.exec(QStringLiteral("UPDATE bench_dialogs SET last_message_at = $2 WHERE id = $1"), {dialog, now});
    if (!touched)
        return touched.error();
    auto event = tx.appendEvent(QStringLiteral("message.created"), {QStringLiteral("user:1")},
                                {{QStringLiteral("dialog_id"), dialog},
                                 {QStringLiteral("message"), message->at(0, 0).toLongLong()},
                                 {QStringLiteral("text"), content}});
    return event ? Status(ok()) : Status(event.error());
}

// The same message with two statements the job waits for: the subscriber upsert, and one statement that finds
// the open dialog and inserts the message unless its id is known (ON CONFLICT DO NOTHING); the dialog's
// update is queued (execDeferred). Not what IngestService does today: what it could do.
Status ingestFused(WriteTx &tx, int i, int customer)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto sub = tx.exec(
        QStringLiteral("INSERT INTO bench_subscribers (external_id, name, updated_at) "
                       "VALUES ($1, $2, $3) ON CONFLICT (external_id) DO UPDATE SET "
                       "name = excluded.name, updated_at = excluded.updated_at RETURNING id"),
        {QStringLiteral("customer-%1").arg(customer), QStringLiteral("Customer %1").arg(customer), now});
    if (!sub)
        return sub.error();
    const qint64 subscriber = sub->at(0, 0).toLongLong();
    const QString externalId = QStringLiteral("message-%1").arg(i);
    const QString content = QStringLiteral("{\"kind\":\"text\",\"text\":\"bench #%1\"}").arg(i);
    auto message =
        tx.exec(QStringLiteral(
                    "INSERT INTO bench_messages (dialog_id, external_id, content, at) "
                    "SELECT id, $2, $3, $4 FROM bench_dialogs WHERE subscriber_id = $1 AND state <> 'closed' "
                    "ON CONFLICT (external_id) DO NOTHING RETURNING id, dialog_id, external_id, at"),
                {subscriber, externalId, content, now});
    if (!message)
        return message.error();
    if (message->isEmpty()) // a duplicate, or no open dialog yet: the long way
        return ingestOne(tx, i, customer);
    const qint64 dialog = message->at(0, 1).toLongLong();
    if (Status s = tx.connection().execDeferred(
            QStringLiteral("UPDATE bench_dialogs SET last_message_at = $2 WHERE id = $1"), {dialog, now});
        !s)
        return s;
    auto event = tx.appendEvent(QStringLiteral("message.created"), {QStringLiteral("user:1")},
                                {{QStringLiteral("dialog_id"), dialog},
                                 {QStringLiteral("message"), message->at(0, 0).toLongLong()},
                                 {QStringLiteral("text"), content}});
    return event ? Status(ok()) : Status(event.error());
}

Figure ingestShaped(Target &t, int jobs, int concurrency, int customers, bool fused)
{
    Metrics metrics;
    DatabaseOptions options;
    options.url = t.freshUrl();
    options.metrics = &metrics;
    auto opened = Database::open(options);
    if (!opened)
        die(QStringLiteral("opening"), opened.error());
    Database &db = **opened;
    const QString schema = migrations::expand(kIngestSchema, db.dialect());
    if (Status s = db.submitWriteSync([&](WriteTx &tx) { return tx.connection().execScript(schema); }); !s)
        die(QStringLiteral("creating the tables"), s.error());
    // Every customer has an open dialog already, as in the latency bench after its first 800 messages.
    for (int c = 0; c < customers; ++c) {
        if (Status s = db.submitWriteSync([c](WriteTx &tx) { return ingestOne(tx, -1 - c, c); }); !s)
            die(QStringLiteral("opening the dialogs"), s.error());
    }
    const double commitsBefore = metrics.histogram("era_commit_latency_seconds").count();
    const double clientBefore = ownCpuSeconds();
    const double serverBefore = t.engine() == u"postgres" ? postgresCpuSeconds(options.url) : -1;
    QObject context;
    QEventLoop loop;
    int sent = 0, done = 0;
    std::function<void()> sendOne = [&] {
        const int i = sent++;
        db.submitWrite(
            &context,
            [i, customers, fused](WriteTx &tx) {
                return fused ? ingestFused(tx, i, i % customers) : ingestOne(tx, i, i % customers);
            },
            [&](Status s) {
                if (!s)
                    die(QStringLiteral("writing"), s.error());
                ++done;
                if (sent < jobs)
                    sendOne();
                else if (done == jobs)
                    loop.quit();
            });
    };
    QElapsedTimer timer;
    timer.start();
    for (int c = 0; c < concurrency && sent < jobs; ++c)
        sendOne();
    loop.exec();
    const double seconds = timer.nsecsElapsed() / 1e9;
    const double commits = metrics.histogram("era_commit_latency_seconds").count() - commitsBefore;
    const double serverAfter = serverBefore < 0 ? -1 : postgresCpuSeconds(options.url);
    return {t.engine(),
            fused ? QStringLiteral("(e) same, 2 waited-for stmts, %1 out").arg(concurrency)
                  : QStringLiteral("(d) webhook-shaped jobs, %1 outstanding").arg(concurrency),
            jobs,
            seconds,
            commits,
            ownCpuSeconds() - clientBefore,
            serverAfter < 0 ? -1 : serverAfter - serverBefore};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Durable small-row insert rates on SQLite and PostgreSQL."));
    parser.addHelpOption();
    const QCommandLineOption rowsOption(QStringLiteral("rows"),
                                        QStringLiteral("Rows for (b) and (c) (default 20000)."),
                                        QStringLiteral("n"), QStringLiteral("20000"));
    const QCommandLineOption singleOption(
        QStringLiteral("single-rows"),
        QStringLiteral("Rows for (a), and per submitter for (c) (default 1000)."), QStringLiteral("n"),
        QStringLiteral("1000"));
    const QCommandLineOption concurrencyOption(
        QStringLiteral("concurrency"), QStringLiteral("Outstanding writes for (c) (default 1,8,64,256)."),
        QStringLiteral("list"), QStringLiteral("1,8,64,256"));
    const QCommandLineOption pgOption(
        QStringLiteral("pg"),
        QStringLiteral("PostgreSQL URL (default $ERA_BENCH_PG_URL or $ERA_TEST_PG_URL)."),
        QStringLiteral("url"));
    const QCommandLineOption dirOption(
        QStringLiteral("dir"), QStringLiteral("Directory for the SQLite files (default: a temporary one)."),
        QStringLiteral("path"));
    const QCommandLineOption noSqliteOption(QStringLiteral("no-sqlite"), QStringLiteral("Skip SQLite."));
    const QCommandLineOption ingestOption(
        QStringLiteral("ingest"),
        QStringLiteral("Jobs for (d), webhook-shaped (default 0: skip), with 128 outstanding over 800 "
                       "customers."),
        QStringLiteral("n"), QStringLiteral("0"));
    parser.addOptions(
        {rowsOption, singleOption, concurrencyOption, pgOption, dirOption, noSqliteOption, ingestOption});
    parser.process(app);

    const int rows = qMax(1, parser.value(rowsOption).toInt());
    const int single = qMax(1, parser.value(singleOption).toInt());
    QList<int> concurrency;
    for (const QString &c : parser.value(concurrencyOption).split(u','))
        concurrency.append(qMax(1, c.toInt()));
    QString pgUrl = parser.value(pgOption);
    if (pgUrl.isEmpty())
        pgUrl = qEnvironmentVariable("ERA_BENCH_PG_URL", qEnvironmentVariable("ERA_TEST_PG_URL"));

    QTemporaryDir tempDir;
    const QString dir = parser.isSet(dirOption) ? parser.value(dirOption) : tempDir.path();

    std::vector<std::unique_ptr<Target>> targets;
    if (!parser.isSet(noSqliteOption))
        targets.push_back(std::make_unique<Target>(QStringLiteral("sqlite"), dir));
    if (!pgUrl.isEmpty())
        targets.push_back(std::make_unique<Target>(QStringLiteral("postgres"), pgUrl));
    else
        out << "PostgreSQL skipped: pass --pg URL or run through bench/storage/run.sh\n";

    out << "bench_storage: " << QThread::idealThreadCount() << " CPUs\n";
    QList<Figure> figures;
    for (auto &t : targets) {
        out << "  " << t->engine() << ": " << t->describe() << '\n';
        out.flush();
        figures.append(onePerCommit(*t, single));
        figures.append(oneTransaction(*t, rows));
        for (int c : std::as_const(concurrency))
            figures.append(groupCommit(*t, qMin(rows, single * c), c));
        if (const int ingest = parser.value(ingestOption).toInt(); ingest > 0) {
            figures.append(ingestShaped(*t, ingest, 128, 800, false));
            figures.append(ingestShaped(*t, ingest, 128, 800, true));
        }
    }

    out << '\n'
        << QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
               .arg(u"engine"_qs, -9)
               .arg(u"mode"_qs, -38)
               .arg(u"rows"_qs, 7)
               .arg(u"seconds"_qs, 8)
               .arg(u"rows/s"_qs, 9)
               .arg(u"rows/commit"_qs, 12)
               .arg(u"x (a)"_qs, 7);
    for (const Figure &f : std::as_const(figures)) {
        double base = 0;
        for (const Figure &a : std::as_const(figures)) {
            if (a.engine == f.engine && a.mode.startsWith(u"(a)"))
                base = a.rate();
        }
        out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
                   .arg(f.engine, -9)
                   .arg(f.mode, -38)
                   .arg(f.rows, 7)
                   .arg(f.seconds, 8, 'f', 3)
                   .arg(f.rate(), 9, 'f', 0)
                   .arg(f.commits > 0 ? f.rows / f.commits : 0, 12, 'f', 1)
                   .arg(base > 0 ? f.rate() / base : 0, 7, 'f', 1);
    }

    // CPU per row where measured: the load of other processes on a shared machine changes the rate, less so
    // this.
    for (const Figure &f : std::as_const(figures)) {
        if (f.clientCpu < 0)
            continue;
        out << QStringLiteral("%1 %2 CPU per job: %3 us in bench_storage (writer and submitters)")
                   .arg(f.engine, -9)
                   .arg(f.mode.left(3))
                   .arg(f.clientCpu / f.rows * 1e6, 0, 'f', 0);
        if (f.serverCpu >= 0)
            out << QStringLiteral(", %1 us in PostgreSQL").arg(f.serverCpu / f.rows * 1e6, 0, 'f', 0);
        out << '\n';
    }

    QStringList command{QStringLiteral("bench_storage"), QStringLiteral("--rows"),
                        QString::number(rows),           QStringLiteral("--single-rows"),
                        QString::number(single),         QStringLiteral("--concurrency"),
                        parser.value(concurrencyOption)};
    if (parser.isSet(noSqliteOption))
        command << QStringLiteral("--no-sqlite");
    if (parser.isSet(ingestOption))
        command << QStringLiteral("--ingest") << parser.value(ingestOption);
    // run.sh picks its own --dir and --pg.
    out << "\nreproduce: bench/storage/run.sh " << command.mid(1).join(u' ') << '\n';
    if (parser.isSet(dirOption))
        command << QStringLiteral("--dir") << dir;
    out << "       or: " << command.join(u' ') << (pgUrl.isEmpty() ? "" : " --pg postgresql://...") << '\n';
    return 0;
}
