#pragma once

#include "core/Event.h"
#include "core/Result.h"
#include "storage/Connection.h"

#include <QObject>
#include <functional>
#include <memory>
#include <optional>

namespace era {
class Metrics;
}

namespace era::storage {

// A statement that writes one row, in the forms a batch needs to write the rows of many jobs with one
// statement (WriteTx::writeRow). One static instance per statement.
struct MergeableRow {
    QString table; // any statement of the batch that names this table sees the waiting rows first
    QString one;   // one row: parameters $1..$n
    // Many rows, the same n columns. PostgreSQL: $1..$n are arrays of the columns' values, for unnest() (cast
    // them, e.g. $1::bigint[]). SQLite: $1 is a JSON array of rows, for json_each() (`r.value ->> 0`, ...).
    QString manyPostgres;
    QString manySqlite;
    // The first `keyColumns` parameters identify the row: a second row with the same key first flushes the
    // waiting ones, so the statement never meets one row twice (PostgreSQL's upsert refuses that).
    int keyColumns = 1;
};

// The connection as a write job sees it: inside the batch's transaction, with the event log at hand.
class WriteTx {
public:
    virtual ~WriteTx() = default;

    virtual Connection &connection() = 0;
    Result<Rows> exec(const QString &sql, const QVariantList &params = {})
    {
        return connection().exec(sql, params);
    }

    // Appends an event in this transaction and returns its seq. The event is published on Database::committed
    // only after the commit is durable, and never if the job fails.
    virtual Result<qint64> appendEvent(const QString &name, const Audience &audience,
                                       const QJsonObject &data) = 0;

    // Says that the job is about to append `count` events, so that their seqs can be fetched in one go.
    virtual void expectEvents(qsizetype count) { Q_UNUSED(count); }

    // Writes one row with `statement`. Like Connection::execDeferred, a failure may be reported only by a
    // later statement; a batch may hold the row back and write it with the same statement's rows of the
    // batch's other jobs, in one statement. Parameters: integers, doubles, strings, bools or null.
    virtual Status writeRow(const MergeableRow &statement, const QVariantList &row)
    {
        return connection().execDeferred(statement.one, row);
    }
};

struct DatabaseOptions {
    // "sqlite:/path/to/era.db" (the file is created) or a libpq URL "postgresql://user@host:port/db".
    QString url;
    int readers = 2;            // reader connections (each on its own thread)
    int maxBatch = 512;         // most write jobs that share one commit
    Metrics *metrics = nullptr; // receives the commit latency histogram and counters when set
    // How often the writer looks for events that other processes committed (the command line, another node)
    // when its own batches have not come across them; 0: never (a process that publishes nothing).
    int foreignEventPollMs = 1000;
};

class DatabasePrivate;

// One database: a writer thread that runs write jobs in group commits, and reader threads.
//
// Callers never block: a job runs on a storage thread and its result is delivered to `context`'s thread
// through a queued call (dropped if the context is gone). Concurrent write jobs share one transaction and one
// commit; each job runs inside a savepoint, so a failing job is rolled back alone and reports its error. A
// write's done callback runs only after the commit is durable (SQLite WAL with synchronous=FULL; PostgreSQL's
// synchronous commit).
class Database : public QObject {
    Q_OBJECT
public:
    // Connects, applies pending migrations (each in its own transaction) and starts the storage threads.
    // Refuses a database whose schema is newer than this binary knows. Blocks: call at start-up only.
    static Result<std::unique_ptr<Database>> open(const DatabaseOptions &options);
    ~Database() override;

    Dialect dialect() const;
    // The schema version after migration, and the newest this binary knows.
    int schemaVersion() const;
    static int knownSchemaVersion();
    // False once close() has begun: new jobs fail with "shutting_down".
    bool isOpen() const;

    using WriteJob = std::function<Status(WriteTx &)>;
    using ReadJob = std::function<Status(Connection &)>;
    using Done = std::function<void(Status)>;

    // The type-erased forms; most callers use the typed templates below. With a null context, `done` runs on
    // the storage thread itself.
    void submitWrite(QObject *context, WriteJob job, Done done);
    void submitRead(QObject *context, ReadJob job, Done done);

    template <typename T>
    void write(QObject *context, std::function<Result<T>(WriteTx &)> job, std::function<void(Result<T>)> done)
    {
        auto out = std::make_shared<std::optional<Result<T>>>();
        submitWrite(
            context, [job = std::move(job), out](WriteTx &tx) { return keep(job(tx), *out); },
            [done = std::move(done), out](Status s) { done(s ? std::move(**out) : Result<T>(s.error())); });
    }

    template <typename T>
    void read(QObject *context, std::function<Result<T>(Connection &)> job,
              std::function<void(Result<T>)> done)
    {
        auto out = std::make_shared<std::optional<Result<T>>>();
        submitRead(
            context, [job = std::move(job), out](Connection &c) { return keep(job(c), *out); },
            [done = std::move(done), out](Status s) { done(s ? std::move(**out) : Result<T>(s.error())); });
    }

    // Blocking forms for the command line, start-up and tests. Never call them on a thread that must not
    // wait.
    template <typename T>
    Result<T> writeSync(std::function<Result<T>(WriteTx &)> job)
    {
        std::optional<Result<T>> out;
        Status s = submitWriteSync([&](WriteTx &tx) { return keep(job(tx), out); });
        return s ? std::move(*out) : Result<T>(s.error());
    }
    template <typename T>
    Result<T> readSync(std::function<Result<T>(Connection &)> job)
    {
        std::optional<Result<T>> out;
        Status s = submitReadSync([&](Connection &c) { return keep(job(c), out); });
        return s ? std::move(*out) : Result<T>(s.error());
    }
    Status submitWriteSync(WriteJob job);
    Status submitReadSync(ReadJob job);

    // Stops taking jobs (later ones fail with code "shutting_down"), finishes and commits what was queued,
    // and joins the storage threads. Idempotent; the destructor calls it.
    void close();

Q_SIGNALS:
    // Emitted on the writer thread after each durable commit with the events appended in it, in seq order,
    // preceded by any events other processes committed with smaller seqs that were not emitted yet. Across
    // emissions seqs only grow, and every event of the log after the database was opened is emitted once
    // (with foreignEventPollMs = 0, another process's events only when a batch of this one follows them).
    // Connect with Qt::QueuedConnection (the EventBus does).
    void committed(const era::EventList &events);

private:
    explicit Database(std::unique_ptr<DatabasePrivate> d);

    template <typename T>
    static Status keep(Result<T> r, std::optional<Result<T>> &out)
    {
        Status s = r ? Status(ok()) : Status(r.error());
        out.emplace(std::move(r));
        return s;
    }

    std::unique_ptr<DatabasePrivate> d;
};

} // namespace era::storage
