#include "storage/Database.h"

#include "core/Metrics.h"
#include "storage/BatchTx.h"
#include "storage/EventRows.h"
#include "storage/Migrations.h"
#include "storage/OpenConnection.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QPointer>
#include <QThread>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <vector>

namespace era::storage {

Q_LOGGING_CATEGORY(lcStorage, "era.storage")

namespace {

// Hands a job's status to whoever waits for it; called on a storage thread. With a relay, `run` runs on the
// relay's thread (posted there); without, it runs at once on the storage thread.
struct Deliver {
    QObject *relay = nullptr;
    std::function<void(const Status &)> run;

    void operator()(const Status &s) const
    {
        if (!relay)
            run(s);
        else
            QMetaObject::invokeMethod(
                relay, [run = run, s] { run(s); }, Qt::QueuedConnection);
    }
};

struct WriteItem {
    Database::WriteJob job;
    Deliver deliver;
};

struct ReadItem {
    Database::ReadJob job;
    Deliver deliver;
};

Error shuttingDown()
{
    return Error{QStringLiteral("shutting_down"),
                 QStringLiteral("the database is closing and takes no new jobs")};
}

// Queues `done` onto `context`'s thread; nothing happens if the context is gone by then.
//
// The storage thread must not look at `context` itself: the object may be deleted on its own thread at that
// very moment. So the call is posted to a relay that lives as long as that thread (the application object
// for the main thread), and the context is checked there, on its own thread, where the check is safe.
Deliver queuedTo(QObject *context, Database::Done done)
{
    if (!done)
        return {nullptr, [](const Status &) {}};
    if (!context) // no thread to go to: the caller asked for the callback on the storage thread
        return {nullptr, std::move(done)};
    QCoreApplication *app = QCoreApplication::instance();
    QObject *relay = app && context->thread() == app->thread() ? static_cast<QObject *>(app) : nullptr;
    if (!relay) {
        // A context on another thread: post to it directly (its owner must keep it alive until delivery).
        return {nullptr, [guard = QPointer<QObject>(context), done = std::move(done)](const Status &s) {
                    if (QObject *target = guard.data())
                        QMetaObject::invokeMethod(
                            target, [done, s] { done(s); }, Qt::QueuedConnection);
                }};
    }
    return {relay, [guard = QPointer<QObject>(context), done = std::move(done)](const Status &s) {
                if (guard)
                    done(s);
            }};
}

// Delivers the statuses of a batch's jobs with one posted call per relay rather than one per job, so a
// commit of many jobs answers them all in one pass of the relay thread's event loop. Order is kept: a job's
// delivery is posted (or run) only after those of every earlier job, so a caller that hears of a later job
// knows the earlier deliveries are on their way.
void deliverAll(std::vector<WriteItem> &batch, const std::vector<Status> &results)
{
    using Relayed = std::vector<std::pair<std::function<void(const Status &)>, Status>>;
    std::vector<std::pair<QObject *, std::shared_ptr<Relayed>>> byRelay;
    auto post = [&byRelay] {
        for (auto &[relay, relayed] : byRelay)
            QMetaObject::invokeMethod(
                relay,
                [relayed = std::move(relayed)] {
                    for (auto &[run, status] : *relayed)
                        run(status);
                },
                Qt::QueuedConnection);
        byRelay.clear();
    };
    for (size_t i = 0; i < batch.size(); ++i) {
        Deliver &d = batch[i].deliver;
        if (!d.relay) {
            post();
            d.run(results[i]);
            continue;
        }
        auto it =
            std::find_if(byRelay.begin(), byRelay.end(), [&](const auto &r) { return r.first == d.relay; });
        if (it == byRelay.end())
            it = byRelay.insert(byRelay.end(), {d.relay, std::make_shared<Relayed>()});
        it->second->emplace_back(std::move(d.run), results[i]);
    }
    post();
}

// Blocks a caller of the *Sync forms until a storage thread delivers.
class SyncWaiter {
public:
    Deliver deliverer()
    {
        return {nullptr, [this](const Status &s) {
                    std::lock_guard lock(m_mutex);
                    m_status.emplace(s);
                    m_ready.notify_one();
                }};
    }
    Status wait()
    {
        std::unique_lock lock(m_mutex);
        m_ready.wait(lock, [this] { return m_status.has_value(); });
        return *m_status;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::optional<Status> m_status;
};

// What a committed batch attempt learnt of the seqs (BatchTx): events other processes committed before its
// own, and the highest seq it resolved.
struct SeqOutcome {
    EventList foreign;
    qint64 resolvedThrough = 0;

    void take(const BatchTx &tx)
    {
        foreign = tx.foreignEvents();
        resolvedThrough = tx.seqsResolvedThrough();
    }
};

struct CaughtUp {
    qint64 position = 0; // every seq up to here is resolved
    EventList events;    // the stored events after the seq asked for
};

// In one transaction that holds the writers' lock (PostgreSQL) or in one snapshot (SQLite): the seq position
// and the events stored after `after` (none when `after` is negative). Called between batches.
Result<CaughtUp> catchUp(Connection &c, qint64 after)
{
    const QString lock = eventrows::lockWritersStatement(c.dialect());
    if (Status s = c.execScript(lock.isEmpty() ? QStringLiteral("BEGIN") : u"BEGIN; " + lock); !s)
        return s.error();
    CaughtUp out;
    Status s = [&]() -> Status {
        auto position = eventrows::seqPosition(c);
        if (!position)
            return position.error();
        out.position = *position;
        if (after < 0)
            return ok();
        auto events = eventrows::readBetween(c, after, 0);
        if (!events)
            return events.error();
        out.events = std::move(events).value();
        return ok();
    }();
    if (auto end = c.exec(s ? QStringLiteral("COMMIT") : QStringLiteral("ROLLBACK")); s && !end)
        s = end.error();
    if (!s)
        return s.error();
    return out;
}

template <typename Job, typename Arg>
Status runGuarded(const Job &job, Arg &arg)
{
    try {
        return job(arg);
    } catch (const std::exception &e) {
        return Error{QStringLiteral("internal"), u"storage job threw: " + QString::fromLocal8Bit(e.what())};
    } catch (...) {
        return Error{QStringLiteral("internal"), QStringLiteral("storage job threw an unknown exception")};
    }
}

} // namespace

class DatabasePrivate {
public:
    Database *q = nullptr;
    DatabaseOptions options;
    Dialect dialect = Dialect::Sqlite;
    int schemaVersion = 0;

    std::unique_ptr<Connection> writerConnection;
    std::vector<std::unique_ptr<Connection>> readerConnections;

    std::mutex mutex; // guards the queues and `closing`
    std::condition_variable writesWaiting;
    std::condition_variable readsWaiting;
    std::deque<WriteItem> writes;
    std::deque<ReadItem> reads;
    bool closing = false;

    // Writer thread only: every seq up to here has been emitted on committed() or has no event (see BatchTx).
    qint64 seqHorizon = 0;

    std::mutex closeMutex; // one close() at a time
    // Set once in start() and kept until destruction.
    std::unique_ptr<QThread> writer;
    std::vector<std::unique_ptr<QThread>> readers;

    void start();
    void writerLoop();
    void readerLoop(Connection &c);
    void runBatch(std::vector<WriteItem> &batch);
    enum class Attempt { Done, RolledBack, Delivered };
    Attempt runOptimistic(std::vector<WriteItem> &batch, EventList &events, std::vector<Status> &results,
                          SeqOutcome &seqs);
    bool runIsolated(std::vector<WriteItem> &batch, EventList &events, std::vector<Status> &results,
                     SeqOutcome &seqs);
    void publish(EventList events, const SeqOutcome &seqs);
    void publishForeignEvents();
    void recordCommit(std::chrono::steady_clock::duration took, qsizetype jobs, qsizetype failed);
    bool onStorageThread() const;
    bool enqueueWrite(WriteItem item);
    bool enqueueRead(ReadItem item);
};

void DatabasePrivate::start()
{
    writer.reset(QThread::create([this] { writerLoop(); }));
    writer->setObjectName(QStringLiteral("era-db-writer"));
    writer->start();
    for (size_t i = 0; i < readerConnections.size(); ++i) {
        Connection *c = readerConnections[i].get();
        readers.emplace_back(QThread::create([this, c] { readerLoop(*c); }));
        readers.back()->setObjectName(QStringLiteral("era-db-reader-%1").arg(i + 1));
        readers.back()->start();
    }
}

bool DatabasePrivate::onStorageThread() const
{
    QThread *current = QThread::currentThread();
    if (writer.get() == current)
        return true;
    return std::any_of(readers.begin(), readers.end(),
                       [current](const auto &t) { return t.get() == current; });
}

bool DatabasePrivate::enqueueWrite(WriteItem item)
{
    {
        std::lock_guard lock(mutex);
        if (closing)
            return false;
        writes.push_back(std::move(item));
    }
    writesWaiting.notify_one();
    return true;
}

bool DatabasePrivate::enqueueRead(ReadItem item)
{
    {
        std::lock_guard lock(mutex);
        if (closing)
            return false;
        reads.push_back(std::move(item));
    }
    readsWaiting.notify_one();
    return true;
}

void DatabasePrivate::writerLoop()
{
    using Clock = std::chrono::steady_clock;
    const size_t maxBatch = size_t(qMax(1, options.maxBatch));
    const auto pollEvery = std::chrono::milliseconds(options.foreignEventPollMs);
    auto nextPoll = Clock::now() + pollEvery;
    std::vector<WriteItem> batch;
    for (;;) {
        batch.clear();
        {
            std::unique_lock lock(mutex);
            auto ready = [this] { return !writes.empty() || closing; };
            if (pollEvery.count() > 0)
                writesWaiting.wait_until(lock, nextPoll, ready);
            else
                writesWaiting.wait(lock, ready);
            if (writes.empty() && closing)
                return; // everything queued before close() has been committed
            // Everything that queued up during the previous commit shares this one.
            const size_t n = std::min(writes.size(), maxBatch);
            for (size_t i = 0; i < n; ++i) {
                batch.push_back(std::move(writes.front()));
                writes.pop_front();
            }
        }
        if (pollEvery.count() > 0 && Clock::now() >= nextPoll) {
            publishForeignEvents();
            nextPoll = Clock::now() + pollEvery;
        }
        if (!batch.empty())
            runBatch(batch);
    }
}

// Events that other processes committed reach this process's subscribers even when none of its own batches
// takes a seq after them (an idle server, say). Cheap when there are none: one statement.
void DatabasePrivate::publishForeignEvents()
{
    Connection &c = *writerConnection;
    if (!c.recover())
        return;
    auto position = eventrows::seqPosition(c);
    if (!position || *position <= seqHorizon)
        return;
    auto caught = catchUp(c, seqHorizon);
    if (!caught) {
        qCWarning(lcStorage).noquote()
            << "reading events committed by other processes failed, will retry:" << caught.error().message;
        return;
    }
    SeqOutcome seqs;
    seqs.resolvedThrough = caught->position;
    publish(std::move(caught->events), seqs);
}

// Emits `events` and the foreign events before them, and moves the horizon past every seq now resolved.
void DatabasePrivate::publish(EventList events, const SeqOutcome &seqs)
{
    if (!seqs.foreign.isEmpty())
        events = seqs.foreign + events;
    std::sort(events.begin(), events.end(), [](const Event &a, const Event &b) { return a.seq < b.seq; });
    seqHorizon = std::max({seqHorizon, seqs.resolvedThrough, events.isEmpty() ? 0 : events.last().seq});
    if (!events.isEmpty())
        Q_EMIT q->committed(events);
}

// A batch first runs optimistically: its jobs one after another in one transaction, without savepoints. Most
// batches have no failing job, and on PostgreSQL, where every statement is a network round trip and those
// bound the throughput, this saves a round trip per job, and events go out pipelined with the next statement.
// If anything fails, the transaction is rolled back and the whole batch runs again with a savepoint per job
// (runIsolated), so a failing job is still undone alone; its events are never published.
void DatabasePrivate::runBatch(std::vector<WriteItem> &batch)
{
    const auto started = std::chrono::steady_clock::now();
    if (Status s = writerConnection->recover(); !s) {
        for (WriteItem &item : batch)
            item.deliver(s.error());
        return;
    }

    EventList events;
    std::vector<Status> results;
    results.reserve(batch.size());
    SeqOutcome seqs;
    switch (runOptimistic(batch, events, results, seqs)) {
    case Attempt::Done:
        break;
    case Attempt::Delivered:
        return;
    case Attempt::RolledBack:
        events.clear();
        results.clear();
        seqs = {};
        if (!runIsolated(batch, events, results, seqs))
            return;
        break;
    }
    const auto failed =
        qsizetype(std::count_if(results.begin(), results.end(), [](const Status &s) { return !s; }));
    recordCommit(std::chrono::steady_clock::now() - started, qsizetype(batch.size()), failed);

    publish(std::move(events), seqs);
    deliverAll(batch, results);
}

DatabasePrivate::Attempt DatabasePrivate::runOptimistic(std::vector<WriteItem> &batch, EventList &events,
                                                        std::vector<Status> &results, SeqOutcome &seqs)
{
    Connection &c = *writerConnection;
    auto rollBack = [&] {
        (void)c.exec(QStringLiteral("ROLLBACK"));
        return Attempt::RolledBack;
    };
    // SQLite: take the write lock now rather than at the first write, so no job meets SQLITE_BUSY mid-way.
    // PostgreSQL: BEGIN goes out with the first statement.
    if (Status s = c.execDeferred(dialect == Dialect::Sqlite ? QStringLiteral("BEGIN IMMEDIATE")
                                                             : QStringLiteral("BEGIN"));
        !s)
        return rollBack(); // the isolated attempt reports it
    if (Status s = eventrows::lockWriters(c); !s)
        return rollBack();

    BatchTx tx(c, events, true, seqHorizon);
    for (size_t i = 0; i < batch.size(); ++i) {
        tx.setJobsLeft(qsizetype(batch.size() - i));
        Status s = runGuarded(batch[i].job, static_cast<WriteTx &>(tx));
        // A job that ignored a failed statement may leave the transaction aborted (PostgreSQL) or rolled back
        // (SQLite); the isolated attempt tells whose fault it was.
        if (s && c.inUsableTransaction())
            continue;
        if (batch.size() == 1 && !s) {
            // Rolling the transaction back undoes this job alone: no need to run it again.
            (void)c.exec(QStringLiteral("ROLLBACK"));
            events.clear(); // its events were rolled back with it: never publish them
            results.push_back(std::move(s));
            return Attempt::Done; // and the seqs it took are not known to be resolved (SQLite reuses them)
        }
        return rollBack();
    }
    if (!c.inUsableTransaction())
        return rollBack();
    // The rows waiting in the batch (its events, merged rows), one statement each, pipelined with the COMMIT:
    // a failure of theirs surfaces there.
    if (Status s = tx.flush(); !s)
        return rollBack();
    if (auto r = c.exec(QStringLiteral("COMMIT")); !r) {
        // Without the connection the outcome is unknown: running the jobs again could apply them twice.
        if (r.error().code == u"connection_lost") {
            for (WriteItem &item : batch)
                item.deliver(r.error());
            return Attempt::Delivered;
        }
        return rollBack();
    }
    results.assign(batch.size(), Status(ok()));
    seqs.take(tx);
    return Attempt::Done;
}

// Each job runs under the savepoint era_job, so a failing job is undone alone. Statements are merged where
// the outcome stays unambiguous ("RELEASE; SAVEPOINT" between jobs, "RELEASE; COMMIT" at the end). Returns
// false if the batch failed as a whole (every job has been told).
bool DatabasePrivate::runIsolated(std::vector<WriteItem> &batch, EventList &events,
                                  std::vector<Status> &results, SeqOutcome &seqs)
{
    Connection &c = *writerConnection;
    auto failAll = [&](const Error &e) {
        (void)c.exec(QStringLiteral("ROLLBACK"));
        for (WriteItem &item : batch)
            item.deliver(e);
        return false;
    };

    // The writers' lock is taken outside the savepoints, so that no job's undoing releases it.
    if (Status s =
            c.execScript(dialect == Dialect::Sqlite ? QStringLiteral("BEGIN IMMEDIATE; SAVEPOINT era_job;")
                                                    : u"BEGIN; " + eventrows::lockWritersStatement(dialect) +
                                                          u"; SAVEPOINT era_job;");
        !s)
        return failAll(s.error());

    BatchTx tx(c, events, false, seqHorizon);
    bool committed = false;
    for (size_t i = 0; i < batch.size(); ++i) {
        const bool last = i + 1 == batch.size();
        const qsizetype mark = events.size();
        Status s = runGuarded(batch[i].job, static_cast<WriteTx &>(tx));
        if (s) {
            // A failure here is the job's (e.g. it ignored a failed statement and PostgreSQL aborted the
            // transaction) as long as the savepoint still exists; ROLLBACK TO below finds out.
            s = c.execScript(last ? QStringLiteral("RELEASE SAVEPOINT era_job; COMMIT;")
                                  : QStringLiteral("RELEASE SAVEPOINT era_job; SAVEPOINT era_job;"));
            committed = last && s;
        }
        if (!s) {
            // Undo this job only; the savepoint stays and serves the next job.
            events.resize(mark);
            if (auto undone = c.exec(QStringLiteral("ROLLBACK TO SAVEPOINT era_job")); !undone)
                return failAll(s.error());
        }
        results.push_back(std::move(s));
    }
    if (!committed) {
        if (auto r = c.exec(QStringLiteral("COMMIT")); !r)
            return failAll(r.error());
    }
    seqs.take(tx);
    return true;
}

void DatabasePrivate::recordCommit(std::chrono::steady_clock::duration took, qsizetype jobs, qsizetype failed)
{
    Metrics *m = options.metrics;
    if (!m)
        return;
    m->histogram("era_commit_latency_seconds").observe(std::chrono::duration<double>(took).count());
    m->add("era_commits_total");
    m->add("era_write_jobs_total", {}, double(jobs - failed));
    if (failed > 0)
        m->add("era_write_jobs_failed_total", {}, double(failed));
}

void DatabasePrivate::readerLoop(Connection &c)
{
    // One snapshot per read job; READ ONLY so a read job cannot write by mistake.
    const QString begin = dialect == Dialect::Sqlite
                              ? QStringLiteral("BEGIN")
                              : QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    for (;;) {
        ReadItem item;
        {
            std::unique_lock lock(mutex);
            readsWaiting.wait(lock, [this] { return !reads.empty() || closing; });
            if (reads.empty())
                return;
            item = std::move(reads.front());
            reads.pop_front();
        }
        Status s = c.recover();
        if (s) {
            if (auto r = c.exec(begin); !r)
                s = r.error();
        }
        if (s) {
            s = runGuarded(item.job, c);
            auto end = c.exec(s ? QStringLiteral("COMMIT") : QStringLiteral("ROLLBACK"));
            if (s && !end)
                s = end.error();
        }
        item.deliver(s);
    }
}

Result<std::unique_ptr<Database>> Database::open(const DatabaseOptions &options)
{
    qRegisterMetaType<era::Event>();
    qRegisterMetaType<era::EventList>();

    auto writer = openConnection(options.url);
    if (!writer)
        return writer.error();
    Result<int> version = migrations::apply(**writer);
    if (!version)
        return version.error();

    // Events committed before this point are in the log (clients replay them); those after are emitted.
    auto start = catchUp(**writer, -1);
    if (!start)
        return start.error();

    auto d = std::make_unique<DatabasePrivate>();
    d->options = options;
    d->dialect = (*writer)->dialect();
    d->schemaVersion = *version;
    d->seqHorizon = start->position;
    d->writerConnection = std::move(writer).value();
    for (int i = 0; i < qMax(1, options.readers); ++i) {
        ConnectionOptions readerOptions;
        readerOptions.readOnly = true;
        auto reader = openConnection(options.url, readerOptions);
        if (!reader)
            return reader.error();
        d->readerConnections.push_back(std::move(reader).value());
    }
    if (Metrics *m = options.metrics) {
        m->describe("era_commits_total", "counter", "Durable commits of the storage writer");
        m->describe("era_write_jobs_total", "counter", "Write jobs committed (several share one commit)");
        m->describe("era_commit_latency_seconds", "histogram",
                    "Time from BEGIN to durable COMMIT of a batch");
    }

    std::unique_ptr<Database> db(new Database(std::move(d)));
    db->d->q = db.get();
    db->d->start();
    return db;
}

Database::Database(std::unique_ptr<DatabasePrivate> dd) : d(std::move(dd)) {}

Database::~Database()
{
    close();
}

Dialect Database::dialect() const
{
    return d->dialect;
}

int Database::schemaVersion() const
{
    return d->schemaVersion;
}

int Database::knownSchemaVersion()
{
    return migrations::knownVersion();
}

bool Database::isOpen() const
{
    std::lock_guard lock(d->mutex);
    return !d->closing;
}

void Database::submitWrite(QObject *context, WriteJob job, Done done)
{
    Deliver deliver = queuedTo(context, std::move(done));
    if (!d->enqueueWrite({std::move(job), deliver}))
        deliver(shuttingDown());
}

void Database::submitRead(QObject *context, ReadJob job, Done done)
{
    Deliver deliver = queuedTo(context, std::move(done));
    if (!d->enqueueRead({std::move(job), deliver}))
        deliver(shuttingDown());
}

Status Database::submitWriteSync(WriteJob job)
{
    if (d->onStorageThread())
        return Error{QStringLiteral("deadlock"),
                     QStringLiteral("submitWriteSync called on a storage thread")};
    SyncWaiter waiter;
    if (!d->enqueueWrite({std::move(job), waiter.deliverer()}))
        return shuttingDown();
    return waiter.wait();
}

Status Database::submitReadSync(ReadJob job)
{
    if (d->onStorageThread())
        return Error{QStringLiteral("deadlock"), QStringLiteral("submitReadSync called on a storage thread")};
    SyncWaiter waiter;
    if (!d->enqueueRead({std::move(job), waiter.deliverer()}))
        return shuttingDown();
    return waiter.wait();
}

void Database::close()
{
    {
        std::lock_guard lock(d->mutex);
        d->closing = true;
    }
    d->writesWaiting.notify_all();
    d->readsWaiting.notify_all();
    if (d->onStorageThread())
        return; // a job cannot wait for its own thread; the owner's close() or destructor joins

    // The thread objects stay until the destructor, so onStorageThread() never races with close().
    std::lock_guard closing(d->closeMutex);
    d->writer->wait();
    for (auto &reader : d->readers)
        reader->wait();
}

} // namespace era::storage
