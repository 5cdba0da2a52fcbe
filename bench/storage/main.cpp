// bench_storage: how many small rows per second each way of writing makes durable, on SQLite and PostgreSQL.
//
//   (a) the engine's limit for one row per commit: a loop of single-row INSERTs (autocommit) on a raw
//   Connection (b) the engine's limit for bulk: all rows in one transaction on a raw Connection (c)
//   Database::submitWrite from C concurrent submitters, each waiting for its durable ack before sending the
//       next: the group commit shares one COMMIT among everything that queued up during the previous one
#include "core/Metrics.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
#include "storage/OpenConnection.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <sqlite3.h>

using namespace era;
using namespace era::storage;

namespace {

QTextStream out(stdout);

struct Figure {
    QString engine;
    QString mode;
    int rows = 0;
    double seconds = 0;
    double commits = 0; // 0: not measured
    double rate() const { return seconds > 0 ? rows / seconds : 0; }
};

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
    parser.addOptions({rowsOption, singleOption, concurrencyOption, pgOption, dirOption, noSqliteOption});
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

    QStringList command{QStringLiteral("bench_storage"), QStringLiteral("--rows"),
                        QString::number(rows),           QStringLiteral("--single-rows"),
                        QString::number(single),         QStringLiteral("--concurrency"),
                        parser.value(concurrencyOption)};
    if (parser.isSet(noSqliteOption))
        command << QStringLiteral("--no-sqlite");
    // run.sh picks its own --dir and --pg.
    out << "\nreproduce: bench/storage/run.sh " << command.mid(1).join(u' ') << '\n';
    if (parser.isSet(dirOption))
        command << QStringLiteral("--dir") << dir;
    out << "       or: " << command.join(u' ') << (pgUrl.isEmpty() ? "" : " --pg postgresql://...") << '\n';
    return 0;
}
