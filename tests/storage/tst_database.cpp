// Database: group commit, per-job savepoints, publication of committed events, delivery and shutdown.
#include "StorageTestBackend.h"
#include "WriterGate.h"
#include "storage/Database.h"
#include "storage/EventLog.h"
#include "storage/OpenConnection.h"

#include <QScopeGuard>
#include <QTest>
#include <QThread>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

using namespace era;
using namespace era::storage;
using namespace Qt::StringLiterals;

namespace {

using Gate = WriterGate;

Status insertItem(WriteTx &tx, const QString &label)
{
    auto r = tx.exec(QStringLiteral("INSERT INTO items (label) VALUES ($1)"), {label});
    return r ? Status(ok()) : Status(r.error());
}

Status appendNamed(WriteTx &tx, const QString &name)
{
    auto e = tx.appendEvent(name, {QStringLiteral("all")}, {});
    return e ? Status(ok()) : Status(e.error());
}

// Everything a Database emits on committed(), in order, received on the test's thread.
class EmittedEvents : public QObject {
public:
    explicit EmittedEvents(Database &db)
    {
        connect(
            &db, &Database::committed, this, [this](const EventList &e) { events += e; },
            Qt::QueuedConnection);
    }
    QStringList names() const
    {
        QStringList out;
        for (const Event &e : events)
            out.append(e.name);
        return out;
    }
    QList<qint64> seqs() const
    {
        QList<qint64> out;
        for (const Event &e : events)
            out.append(e.seq);
        return out;
    }
    EventList events;
};

} // namespace

class DatabaseTest : public QObject {
    Q_OBJECT

private:
    StorageTestBackend m_backend;

    std::unique_ptr<Database> open(Metrics *metrics = nullptr, int foreignEventPollMs = 0)
    {
        DatabaseOptions options;
        options.url = m_backend.url();
        options.metrics = metrics;
        options.foreignEventPollMs = foreignEventPollMs;
        auto db = Database::open(options);
        if (!db) {
            qWarning("open failed: %s", qPrintable(db.error().message));
            return nullptr;
        }
        return std::move(db).value();
    }

    qint64 count(Database &db, const QString &where = QStringLiteral("1 = 1"),
                 const QVariantList &params = {})
    {
        auto n = db.readSync<qint64>([&](Connection &c) -> Result<qint64> {
            auto r = c.exec(u"SELECT COUNT(*) FROM items WHERE " + where, params);
            if (!r)
                return r.error();
            return r->at(0, 0).toLongLong();
        });
        return n ? *n : -1;
    }

    // One job that appends one event named `name`, waited for.
    static bool appendSync(Database &db, const QString &name)
    {
        Status s = db.submitWriteSync([&](WriteTx &tx) { return appendNamed(tx, name); });
        if (!s)
            qWarning("append %s failed: %s", qPrintable(name), qPrintable(s.error().message));
        return bool(s);
    }

    // A server's Database and a second one on the same database, as the command line opens it, with what the
    // server's emits.
    struct ServerAndCli {
        std::unique_ptr<Database> server;
        std::unique_ptr<Database> cli;
        std::unique_ptr<EmittedEvents> seen;
    };
    ServerAndCli openServerAndCli(int serverPollMs = 0)
    {
        ServerAndCli out{open(nullptr, serverPollMs), open(), nullptr};
        if (out.server)
            out.seen = std::make_unique<EmittedEvents>(*out.server);
        return out;
    }

    // PostgreSQL sessions waiting for the writers' lock of this test's events table (eventrows::lockWriters).
    static qint64 waitersOnTheWritersLock(Connection &c)
    {
        auto r = c.exec(u"SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND "
                        "classid = 1701994810 AND objid = 'events'::regclass::oid"_s);
        return r ? r->at(0, 0).toLongLong() : -1;
    }

    // The server emitted `expected`, and exactly the log's events in its order.
    void verifyEmitted(const EmittedEvents &seen, Database &server, const QStringList &expected)
    {
        QTRY_COMPARE(seen.names(), expected);
        QCOMPARE(seen.seqs(), loggedSeqs(server));
    }

    QList<qint64> loggedSeqs(Database &db)
    {
        auto log = db.readSync<EventList>([](Connection &c) { return eventlog::readSince(c, 0, 1000); });
        QList<qint64> out;
        for (const Event &e : log ? *log : EventList())
            out.append(e.seq);
        return out;
    }

private Q_SLOTS:
    void initTestCase_data() { StorageTestBackend::addBackendRows(); }

    void init()
    {
        m_backend.prepare();
        if (QTest::currentTestFailed())
            return;
        auto db = open();
        QVERIFY(db);
        Status created = db->submitWriteSync([](WriteTx &tx) -> Status {
            auto r = tx.exec(QStringLiteral("CREATE TABLE items (label TEXT PRIMARY KEY)"));
            return r ? Status(ok()) : Status(r.error());
        });
        ERA_VERIFY_OK(created);
    }

    void cleanup() { m_backend.cleanup(); }

    void concurrentWritersShareCommits()
    {
        Metrics metrics;
        auto db = open(&metrics);
        QVERIFY(db);

        constexpr int threads = 4, perThread = 50, total = threads * perThread;
        QObject context;
        int done = 0, failed = 0;
        std::vector<std::thread> submitters;
        for (int t = 0; t < threads; ++t) {
            submitters.emplace_back([&, t] {
                for (int i = 0; i < perThread; ++i) {
                    const QString label = QStringLiteral("t%1-%2").arg(t).arg(i);
                    db->submitWrite(
                        &context, [label](WriteTx &tx) { return insertItem(tx, label); },
                        [&](Status s) {
                            ++done;
                            failed += s ? 0 : 1;
                        });
                }
            });
        }
        for (auto &t : submitters)
            t.join();
        QTRY_COMPARE_WITH_TIMEOUT(done, total, 60000);
        QCOMPARE(failed, 0);
        QCOMPARE(count(*db), qint64(total));

        const double commits = counterValue(metrics, "era_commits_total");
        QCOMPARE(counterValue(metrics, "era_write_jobs_total"), double(total));
        QVERIFY2(commits >= 1 && commits < total, qPrintable(QString::number(commits)));
        QCOMPARE(metrics.histogram("era_commit_latency_seconds").count(), quint64(commits));
    }

    void doneFiresOnlyAfterTheWriteIsVisibleToReaders()
    {
        auto db = open();
        QVERIFY(db);
        constexpr int total = 100;
        QObject context;
        int done = 0, visible = 0;
        for (int i = 0; i < total; ++i) {
            const QString label = QStringLiteral("item-%1").arg(i);
            db->submitWrite(
                &context, [label](WriteTx &tx) { return insertItem(tx, label); },
                [&, label](Status s) {
                    ++done;
                    if (s && count(*db, QStringLiteral("label = $1"), {label}) == 1)
                        ++visible;
                });
        }
        QTRY_COMPARE_WITH_TIMEOUT(done, total, 60000);
        QCOMPARE(visible, total);
    }

    void failingJobRollsBackAloneAndItsEventsAreNotPublished()
    {
        Metrics metrics;
        auto db = open(&metrics);
        QVERIFY(db);
        QObject receiver;
        EventList published;
        connect(
            db.get(), &Database::committed, &receiver, [&](const EventList &events) { published += events; },
            Qt::QueuedConnection);

        auto gate = std::make_shared<Gate>();
        auto release = qScopeGuard([gate] { gate->open(); });
        db->submitWrite(nullptr, [gate](WriteTx &) { return gate->holdWriter(); }, {});
        QTRY_VERIFY(gate->writerIsHeld());
        const double commitsBefore = counterValue(metrics, "era_commits_total");

        QObject context;
        QList<Status> results(3, Status(ok()));
        int done = 0;
        auto job = [](const QString &label, bool fail) {
            return [label, fail](WriteTx &tx) -> Status {
                if (Status s = insertItem(tx, label); !s)
                    return s;
                if (auto e = tx.appendEvent(u"test." + label, {QStringLiteral("all")}, {}); !e)
                    return e.error();
                if (fail) // a duplicate key: the statement fails inside the batch's transaction
                    return insertItem(tx, label);
                return ok();
            };
        };
        for (int i = 0; i < 3; ++i) {
            const QString label =
                QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}[i];
            db->submitWrite(&context, job(label, label == u"b"), [&, i](Status s) {
                results[i] = s;
                ++done;
            });
        }
        gate->open();
        QTRY_COMPARE(done, 3);

        QVERIFY(results[0]);
        QVERIFY(!results[1]);
        QCOMPARE(results[1].error().code, QStringLiteral("unique_violation"));
        QVERIFY(results[2]);
        // The held job's batch plus one batch for a, b and c.
        QCOMPARE(counterValue(metrics, "era_commits_total"), commitsBefore + 2);

        QCOMPARE(count(*db), qint64(2));
        QCOMPARE(count(*db, QStringLiteral("label = $1"), {QStringLiteral("b")}), qint64(0));
        QTRY_COMPARE(published.size(), 2);
        QCOMPARE(published[0].name, QStringLiteral("test.a"));
        QCOMPARE(published[1].name, QStringLiteral("test.c"));
        auto stored = db->readSync<EventList>([](Connection &c) { return eventlog::readSince(c, 0, 100); });
        QVERIFY(stored);
        QCOMPARE(stored->size(), 2);
        QCOMPARE(stored->at(0).name, QStringLiteral("test.a"));
        QCOMPARE(stored->at(1).name, QStringLiteral("test.c"));
    }

    void jobsRunAgainAfterAFailureDeliverTheSeqsThatWereCommitted()
    {
        auto db = open();
        QVERIFY(db);
        QObject receiver;
        EventList published;
        connect(
            db.get(), &Database::committed, &receiver, [&](const EventList &events) { published += events; },
            Qt::QueuedConnection);
        auto gate = std::make_shared<Gate>();
        auto release = qScopeGuard([gate] { gate->open(); });
        db->submitWrite(nullptr, [gate](WriteTx &) { return gate->holdWriter(); }, {});
        QTRY_VERIFY(gate->writerIsHeld());

        // The failing job sits in the middle, so the jobs around it run twice: the first try is rolled back.
        QObject context;
        const QStringList labels{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
                                 QStringLiteral("d"), QStringLiteral("e")};
        QList<std::optional<Result<qint64>>> results(labels.size());
        int done = 0;
        for (qsizetype i = 0; i < labels.size(); ++i) {
            const QString label = labels[i];
            db->write<qint64>(
                &context,
                [label](WriteTx &tx) -> Result<qint64> {
                    if (Status s = insertItem(tx, label); !s)
                        return s.error();
                    auto seq = tx.appendEvent(u"test." + label, {QStringLiteral("all")}, {});
                    if (!seq || label != u"c")
                        return seq;
                    return Error{QStringLiteral("refused"), QStringLiteral("the job changed its mind")};
                },
                [&, i](Result<qint64> r) {
                    results[i] = std::move(r);
                    ++done;
                });
        }
        gate->open();
        QTRY_COMPARE(done, int(labels.size()));

        QVERIFY(!*results[2]);
        QCOMPARE(results[2]->error().code, QStringLiteral("refused"));
        QTRY_COMPARE(published.size(), 4);
        qsizetype next = 0;
        for (qsizetype i = 0; i < labels.size(); ++i) {
            if (i == 2)
                continue;
            QVERIFY(*results[i]);
            QCOMPARE(published[next].name, u"test." + labels[i]);
            QCOMPARE(**results[i], published[next].seq);
            ++next;
        }
        QCOMPARE(count(*db), qint64(4));
        QCOMPARE(count(*db, QStringLiteral("label = $1"), {QStringLiteral("c")}), qint64(0));
        auto stored = db->readSync<EventList>([](Connection &c) { return eventlog::readSince(c, 0, 100); });
        QVERIFY(stored);
        QCOMPARE(stored->size(), 4);
        for (qsizetype i = 0; i < 4; ++i)
            QCOMPARE(stored->at(i).seq, published[i].seq);
    }

    void singleFailingJobIsRolledBackAndReported()
    {
        auto db = open();
        QVERIFY(db);
        QVERIFY(db->submitWriteSync([](WriteTx &tx) { return insertItem(tx, QStringLiteral("x")); }));
        Status s = db->submitWriteSync([](WriteTx &tx) -> Status {
            if (Status first = insertItem(tx, QStringLiteral("y")); !first)
                return first;
            return insertItem(tx, QStringLiteral("x"));
        });
        QVERIFY(!s);
        QCOMPARE(s.error().code, QStringLiteral("unique_violation"));
        QCOMPARE(count(*db), qint64(1));
        QVERIFY(db->submitWriteSync([](WriteTx &tx) { return insertItem(tx, QStringLiteral("y")); }));
        QCOMPARE(count(*db), qint64(2));
    }

    void singleFailingJobPublishesNoEventAndTheNextSeqIsDelivered()
    {
        auto db = open();
        QVERIFY(db);
        era::EventList published;
        connect(db.get(), &era::storage::Database::committed, this,
                [&](const era::EventList &events) { published += events; });
        Status failed = db->submitWriteSync([](WriteTx &tx) -> Status {
            if (auto e = tx.appendEvent(QStringLiteral("phantom"), {QStringLiteral("all")}, {}); !e)
                return e.error();
            return Error{QStringLiteral("nope"), QStringLiteral("the job fails after appending")};
        });
        QVERIFY(!failed);
        QVERIFY(db->submitWriteSync([](WriteTx &tx) -> Status {
            auto e = tx.appendEvent(QStringLiteral("real"), {QStringLiteral("all")}, {});
            return e ? Status(era::ok()) : Status(e.error());
        }));
        QTRY_COMPARE(published.size(), 1);
        QCOMPARE(published.first().name, QStringLiteral("real"));
    }

    void jobThatSwallowsAFailedStatementDoesNotTakeTheBatchDown()
    {
        auto db = open();
        QVERIFY(db);
        auto gate = std::make_shared<Gate>();
        auto release = qScopeGuard([gate] { gate->open(); });
        db->submitWrite(nullptr, [gate](WriteTx &) { return gate->holdWriter(); }, {});
        QTRY_VERIFY(gate->writerIsHeld());

        QObject context;
        QList<Status> results(3, Status(ok()));
        int done = 0;
        const QStringList labels{QStringLiteral("first"), QStringLiteral("sloppy"), QStringLiteral("last")};
        for (int i = 0; i < 3; ++i) {
            const QString label = labels[i];
            db->submitWrite(
                &context,
                [label](WriteTx &tx) -> Status {
                    if (label == u"sloppy") // PostgreSQL aborts the transaction here; the job ignores it
                        (void)tx.exec(QStringLiteral("INSERT INTO nowhere VALUES (1)"));
                    return insertItem(tx, label);
                },
                [&, i](Status s) {
                    results[i] = s;
                    ++done;
                });
        }
        gate->open();
        QTRY_COMPARE(done, 3);
        QVERIFY(results[0]);
        QVERIFY(results[2]);
        QCOMPARE(count(*db, QStringLiteral("label <> $1"), {QStringLiteral("sloppy")}), qint64(2));
        // Whatever the engine made of the sloppy job, its outcome and the stored rows agree.
        QCOMPARE(count(*db, QStringLiteral("label = $1"), {QStringLiteral("sloppy")}),
                 qint64(results[1] ? 1 : 0));
    }

    void committedDeliversEventsInSeqOrderWithoutGaps()
    {
        auto db = open();
        QVERIFY(db);
        QObject receiver;
        QList<EventList> batches;
        qsizetype received = 0;
        connect(
            db.get(), &Database::committed, &receiver,
            [&](const EventList &events) {
                batches.append(events);
                received += events.size();
            },
            Qt::QueuedConnection);

        constexpr int threads = 4, perThread = 25, eventsPerJob = 2;
        std::vector<std::thread> submitters;
        for (int t = 0; t < threads; ++t) {
            submitters.emplace_back([&, t] {
                for (int i = 0; i < perThread; ++i) {
                    db->submitWrite(nullptr,
                                    [t, i](WriteTx &tx) -> Status {
                                        for (int k = 0; k < eventsPerJob; ++k) {
                                            auto e = tx.appendEvent(
                                                QStringLiteral("test.tick"), {QStringLiteral("all")},
                                                {{QStringLiteral("t"), t}, {QStringLiteral("i"), i}});
                                            if (!e)
                                                return e.error();
                                        }
                                        return ok();
                                    },
                                    {});
                }
            });
        }
        for (auto &t : submitters)
            t.join();
        QTRY_COMPARE_WITH_TIMEOUT(received, qsizetype(threads * perThread * eventsPerJob), 60000);

        qint64 previous = 0;
        for (const EventList &batch : std::as_const(batches)) {
            QVERIFY(!batch.isEmpty());
            for (const Event &e : batch) {
                if (previous != 0)
                    QCOMPARE(e.seq, previous + 1);
                previous = e.seq;
            }
        }
        auto last = db->readSync<qint64>([](Connection &c) { return eventlog::lastSeq(c); });
        QVERIFY(last);
        QCOMPARE(*last, previous);
    }

    void closeFinishesQueuedWritesAndRefusesLaterOnes()
    {
        auto db = open();
        QVERIFY(db);
        auto gate = std::make_shared<Gate>();
        auto release = qScopeGuard([gate] { gate->open(); });
        db->submitWrite(nullptr, [gate](WriteTx &) { return gate->holdWriter(); }, {});
        QTRY_VERIFY(gate->writerIsHeld());

        QObject context;
        int succeeded = 0;
        for (int i = 0; i < 10; ++i) {
            const QString label = QStringLiteral("queued-%1").arg(i);
            db->submitWrite(
                &context, [label](WriteTx &tx) { return insertItem(tx, label); },
                [&](Status s) { succeeded += s ? 1 : 0; });
        }

        std::thread closer([&] { db->close(); });
        QTRY_VERIFY(!db->isOpen());
        gate->open();
        closer.join();
        QTRY_COMPARE(succeeded, 10);

        Status late = db->submitWriteSync([](WriteTx &tx) { return insertItem(tx, QStringLiteral("late")); });
        QVERIFY(!late);
        QCOMPARE(late.error().code, QStringLiteral("shutting_down"));
        std::optional<Status> lateAsync;
        db->submitWrite(
            &context, [](WriteTx &tx) { return insertItem(tx, QStringLiteral("late")); },
            [&](Status s) { lateAsync = s; });
        QTRY_VERIFY(lateAsync.has_value());
        QCOMPARE(lateAsync->error().code, QStringLiteral("shutting_down"));
        Status lateRead = db->submitReadSync([](Connection &) { return ok(); });
        QCOMPARE(lateRead.error().code, QStringLiteral("shutting_down"));

        db->close(); // again: nothing happens
        db.reset();
        auto reopened = open();
        QVERIFY(reopened);
        QCOMPARE(count(*reopened), qint64(10));
    }

    void callbackIsDroppedWhenContextDiesBeforeTheCommit()
    {
        auto db = open();
        QVERIFY(db);
        auto gate = std::make_shared<Gate>();
        auto release = qScopeGuard([gate] { gate->open(); });
        db->submitWrite(nullptr, [gate](WriteTx &) { return gate->holdWriter(); }, {});
        QTRY_VERIFY(gate->writerIsHeld());

        bool called = false;
        auto *context = new QObject;
        db->submitWrite(
            context, [](WriteTx &tx) { return insertItem(tx, QStringLiteral("orphan")); },
            [&](Status) { called = true; });
        delete context;
        gate->open();
        QVERIFY(db->submitWriteSync([](WriteTx &) { return ok(); })); // the orphan's batch is done by now
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
        QVERIFY(!called);
        QCOMPARE(count(*db), qint64(1)); // the write itself still happened
    }

    void callbackIsDroppedWhenContextDiesAfterDeliveryWasQueued()
    {
        auto db = open();
        QVERIFY(db);
        bool called = false;
        auto *context = new QObject;
        db->submitWrite(
            context, [](WriteTx &tx) { return insertItem(tx, QStringLiteral("orphan")); },
            [&](Status) { called = true; });
        QVERIFY(db->submitWriteSync([](WriteTx &) { return ok(); })); // delivery is posted by now
        delete context;
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
        QVERIFY(!called);
    }

    void callbacksOfOneCommitRunInJobOrderAndThoseOfADeadContextAreDropped()
    {
        // The results of one commit reach the main thread together; each callback still checks its own
        // context there.
        auto db = open();
        QVERIFY(db);
        auto gate = std::make_shared<Gate>();
        auto release = qScopeGuard([gate] { gate->open(); });
        db->submitWrite(nullptr, [gate](WriteTx &) { return gate->holdWriter(); }, {});
        QTRY_VERIFY(gate->writerIsHeld());

        QObject kept;
        auto *dropped = new QObject;
        QList<int> calls;
        for (int i = 0; i < 6; ++i) {
            db->submitWrite(
                i % 2 ? dropped : &kept,
                [i](WriteTx &tx) { return insertItem(tx, QStringLiteral("job %1").arg(i)); },
                [&calls, i](Status s) {
                    QVERIFY(s);
                    calls.append(i);
                });
        }
        gate->open();
        QVERIFY(db->submitWriteSync([](WriteTx &) { return ok(); })); // delivery is posted by now
        delete dropped;
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
        QCOMPARE(calls, (QList<int>{0, 2, 4}));
        QCOMPARE(count(*db), qint64(6));
    }

    void readResultArrivesOnTheContextThread()
    {
        auto db = open();
        QVERIFY(db);
        QObject context;
        QThread *jobThread = nullptr;
        QThread *doneThread = nullptr;
        std::optional<Result<qint64>> result;
        db->read<qint64>(
            &context,
            [&](Connection &c) -> Result<qint64> {
                jobThread = QThread::currentThread();
                auto r = c.exec(QStringLiteral("SELECT 40 + 2"));
                if (!r)
                    return r.error();
                return r->at(0, 0).toLongLong();
            },
            [&](Result<qint64> r) {
                doneThread = QThread::currentThread();
                result.emplace(std::move(r));
            });
        QTRY_VERIFY(result.has_value());
        QVERIFY(*result);
        QCOMPARE(**result, qint64(42));
        QVERIFY(jobThread != QThread::currentThread());
        QCOMPARE(doneThread, QThread::currentThread());
    }

    void writeTemplateDeliversTheJobValue()
    {
        auto db = open();
        QVERIFY(db);
        QObject context;
        std::optional<Result<qint64>> seq;
        db->write<qint64>(
            &context,
            [](WriteTx &tx) {
                return tx.appendEvent(QStringLiteral("test.one"), {QStringLiteral("all")}, {});
            },
            [&](Result<qint64> r) { seq.emplace(std::move(r)); });
        QTRY_VERIFY(seq.has_value());
        QVERIFY(*seq);
        QVERIFY(**seq > 0);
    }

    // Another process (the command line, another node) appends events to the same log: they reach this
    // process's subscribers in seq order, before the next event of its own, and once.
    void eventsAnotherProcessCommittedAreEmittedBeforeTheNextOwnEvent()
    {
        auto [server, cli, seen] = openServerAndCli();
        QVERIFY(server && cli);
        QVERIFY(appendSync(*server, u"own.1"_s));
        QVERIFY(appendSync(*cli, u"cli.1"_s));
        QVERIFY(appendSync(*cli, u"cli.2"_s));
        QVERIFY(appendSync(*server, u"own.2"_s));

        const QStringList expected{u"own.1"_s, u"cli.1"_s, u"cli.2"_s, u"own.2"_s};
        verifyEmitted(*seen, *server, expected);
    }

    // The isolated attempt (a batch with a failing job) finds them too.
    void eventsAnotherProcessCommittedAreEmittedByABatchWithAFailingJob()
    {
        auto [server, cli, seen] = openServerAndCli();
        QVERIFY(server && cli);
        QVERIFY(appendSync(*server, u"own.1"_s));
        QVERIFY(appendSync(*cli, u"cli.1"_s));

        Gate gate;
        server->submitWrite(nullptr, [&](WriteTx &) { return gate.holdWriter(); }, {});
        QTRY_VERIFY(gate.writerIsHeld());
        std::atomic<int> delivered = 0;
        auto count = [&](Status) { ++delivered; };
        server->submitWrite(
            nullptr, [](WriteTx &tx) { return appendNamed(tx, u"own.2"_s); }, count);
        server->submitWrite(
            nullptr,
            [](WriteTx &tx) -> Status {
                if (Status s = appendNamed(tx, u"own.failed"_s); !s)
                    return s;
                return Error{u"test"_s, u"this job fails"_s};
            },
            count);
        server->submitWrite(
            nullptr, [](WriteTx &tx) { return appendNamed(tx, u"own.3"_s); }, count);
        gate.open();
        QTRY_COMPARE(delivered.load(), 3);

        const QStringList expected{u"own.1"_s, u"cli.1"_s, u"own.2"_s, u"own.3"_s};
        verifyEmitted(*seen, *server, expected);
    }

    void eventsAnotherProcessCommittedAreEmittedWhileIdle()
    {
        auto [server, cli, seen] = openServerAndCli(20);
        QVERIFY(server && cli);
        QVERIFY(appendSync(*cli, u"cli.1"_s));
        QTRY_COMPARE(seen->names(), QStringList{u"cli.1"_s});

        // Not again, and the next own event follows it.
        QVERIFY(appendSync(*server, u"own.1"_s));
        const QStringList expected{u"cli.1"_s, u"own.1"_s};
        verifyEmitted(*seen, *server, expected);
    }

    // A writer that has taken a seq and not committed yet holds the others back (PostgreSQL: the writers'
    // advisory lock; SQLite: its write lock). Otherwise a later seq could commit and be emitted first, and
    // the earlier one, committed after, would be skipped by every subscriber.
    void aWriterHoldingASeqHoldsBackTheOthersSoNoEventIsSkipped()
    {
        auto [server, cli, seen] = openServerAndCli();
        QVERIFY(server && cli);
        QVERIFY(appendSync(*server, u"own.1"_s));

        Gate gate;
        const auto release = qScopeGuard([&] { gate.open(); }); // a failed check must not leave it held
        cli->submitWrite(nullptr,
                         [&](WriteTx &tx) -> Status {
                             if (Status s = appendNamed(tx, u"cli.slow"_s); !s)
                                 return s;
                             return gate.holdWriter();
                         },
                         {});
        QTRY_VERIFY(gate.writerIsHeld());
        std::atomic<bool> done = false;
        server->submitWrite(
            nullptr, [](WriteTx &tx) { return appendNamed(tx, u"own.2"_s); },
            [&](Status s) { done = bool(s); });
        if (m_backend.backend() == u"postgres"_s) {
            // The server's batch waits on the writers' lock (without the lock it would commit now, and this
            // never becomes true). SQLite's writer waits inside BEGIN IMMEDIATE, which nothing shows.
            auto watcher = openConnection(m_backend.url());
            QVERIFY(watcher);
            QTRY_VERIFY(waitersOnTheWritersLock(**watcher) == 1);
        }
        gate.open();
        QTRY_VERIFY(done.load());

        const QStringList expected{u"own.1"_s, u"cli.slow"_s, u"own.2"_s};
        verifyEmitted(*seen, *server, expected);
    }

    void readJobsCannotWrite()
    {
        auto db = open();
        QVERIFY(db);
        Status s = db->submitReadSync([](Connection &c) -> Status {
            auto r = c.exec(QStringLiteral("INSERT INTO items (label) VALUES ('x')"));
            return r ? Status(ok()) : Status(r.error());
        });
        QVERIFY(!s);
        QCOMPARE(count(*db), qint64(0));
    }
};

QTEST_GUILESS_MAIN(DatabaseTest)
#include "tst_database.moc"
