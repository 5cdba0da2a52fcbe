// Database batches as the writer builds them, on both backends: the event rows of a batch (seqs reserved in
// one block, the rows one multi-row statement, on PostgreSQL pipelined with the COMMIT), a job that reads the
// log its batch is writing, and failures that surface only later in the pipeline.
#include "StorageTestBackend.h"
#include "WriterGate.h"
#include "storage/Database.h"
#include "storage/EventLog.h"

#include <QJsonArray>
#include <QScopeGuard>
#include <QTest>
#include <optional>

using namespace era;
using namespace era::storage;

namespace {

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

} // namespace

class BatchTest : public QObject {
    Q_OBJECT

private:
    StorageTestBackend m_backend;
    std::unique_ptr<Database> m_db;
    EventList m_published;
    std::shared_ptr<WriterGate> m_gate;

    // Holds the writer, so that what the test submits next forms one batch once release() is called.
    void holdWriter()
    {
        m_gate = std::make_shared<WriterGate>();
        m_db->submitWrite(nullptr, [gate = m_gate](WriteTx &) { return gate->holdWriter(); }, {});
        QTRY_VERIFY(m_gate->writerIsHeld());
    }
    void release() { m_gate->open(); }

    EventList stored()
    {
        auto r = m_db->readSync<EventList>([](Connection &c) { return eventlog::readSince(c, 0, 1000); });
        if (!r)
            qWarning("%s", qPrintable(r.error().message));
        return r ? *r : EventList();
    }

    qint64 items(const QString &label)
    {
        auto n = m_db->readSync<qint64>([&](Connection &c) -> Result<qint64> {
            auto r = c.exec(QStringLiteral("SELECT COUNT(*) FROM items WHERE label = $1"), {label});
            if (!r)
                return r.error();
            return r->at(0, 0).toLongLong();
        });
        return n ? *n : -1;
    }

private Q_SLOTS:
    void initTestCase_data() { StorageTestBackend::addBackendRows(); }

    void init()
    {
        m_backend.prepare();
        if (QTest::currentTestFailed())
            return;
        DatabaseOptions options;
        options.url = m_backend.url();
        auto db = Database::open(options);
        ERA_VERIFY_OK(db);
        m_db = std::move(db).value();
        m_published.clear();
        connect(
            m_db.get(), &Database::committed, this, [this](const EventList &e) { m_published += e; },
            Qt::QueuedConnection);
        Status created = m_db->submitWriteSync([](WriteTx &tx) -> Status {
            auto r = tx.exec(QStringLiteral("CREATE TABLE items (label TEXT PRIMARY KEY)"));
            return r ? Status(ok()) : Status(r.error());
        });
        ERA_VERIFY_OK(created);
    }

    void cleanup()
    {
        if (m_gate)
            m_gate->open();
        m_gate.reset();
        m_db.reset();
        m_backend.cleanup();
    }

    void eventTextSurvivesTheBatchesRowsExactly_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("quotes") << QStringLiteral("say \"hi\", {then} 'bye'");
        QTest::newRow("backslashes") << QStringLiteral("C:\\path\\\"x\\\\");
        QTest::newRow("array syntax") << QStringLiteral("{\"a\",NULL,b}");
        QTest::newRow("empty") << QString();
        QTest::newRow("NULL word") << QStringLiteral("NULL");
        QTest::newRow("unicode and lines") << QStringLiteral("Привет 👋\nline\ttab");
    }

    void eventTextSurvivesTheBatchesRowsExactly()
    {
        QFETCH(QString, text);
        holdWriter();
        QObject context;
        int done = 0;
        QList<qint64> seqs;
        for (int i = 0; i < 3; ++i) {
            m_db->write<qint64>(
                &context,
                [text, i](WriteTx &tx) -> Result<qint64> {
                    return tx.appendEvent(text.isEmpty() ? QStringLiteral("e") : text,
                                          {text, QStringLiteral("user:%1").arg(i)},
                                          {{QStringLiteral("text"), text},
                                           {QStringLiteral("list"), QJsonArray{text, i}},
                                           {text.isEmpty() ? QStringLiteral("k") : text, i}});
                },
                [&](Result<qint64> r) {
                    QVERIFY(r);
                    seqs.append(*r);
                    ++done;
                });
        }
        release();
        QTRY_COMPARE(done, 3);
        QTRY_COMPARE(m_published.size(), 3);
        const EventList log = stored();
        QCOMPARE(log.size(), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(log[i].seq, seqs[i]);
            QCOMPARE(log[i].seq, m_published[i].seq);
            QCOMPARE(log[i].name, m_published[i].name);
            QCOMPARE(log[i].audience, m_published[i].audience);
            QCOMPARE(log[i].data, m_published[i].data);
            QCOMPARE(log[i].at.toMSecsSinceEpoch(), m_published[i].at.toMSecsSinceEpoch());
            QCOMPARE(log[i].data.value(QStringLiteral("text")).toString(), text);
            QCOMPARE(log[i].audience.first(), text);
        }
    }

    void jobReadingTheLogSeesTheEventsAppendedEarlierInItsBatch()
    {
        holdWriter();
        QObject context;
        std::optional<Result<qint64>> seen, own;
        m_db->submitWrite(&context, [](WriteTx &tx) { return appendNamed(tx, QStringLiteral("first")); }, {});
        m_db->write<qint64>(
            &context,
            [](WriteTx &tx) -> Result<qint64> {
                auto r = tx.exec(QStringLiteral("SELECT COUNT(*) FROM events WHERE name = $1"),
                                 {QStringLiteral("first")});
                if (!r)
                    return r.error();
                return r->at(0, 0).toLongLong();
            },
            [&](Result<qint64> r) { seen = std::move(r); });
        // Its own event, too, through the event log's reading functions on the job's connection.
        m_db->write<qint64>(
            &context,
            [](WriteTx &tx) -> Result<qint64> {
                if (Status s = appendNamed(tx, QStringLiteral("mine")); !s)
                    return s.error();
                auto log = eventlog::readSince(tx.connection(), 0, 100);
                if (!log)
                    return log.error();
                return qint64(log->size());
            },
            [&](Result<qint64> r) { own = std::move(r); });
        release();
        QTRY_VERIFY(seen && own);
        QVERIFY(*seen);
        QCOMPARE(**seen, qint64(1));
        QVERIFY(*own);
        QCOMPARE(**own, qint64(2));
        QTRY_COMPARE(m_published.size(), 2);
    }

    void pruneInsideABatchKeepsTheEventsOfThatBatch()
    {
        QVERIFY(m_db->submitWriteSync([](WriteTx &tx) { return appendNamed(tx, QStringLiteral("old")); }));
        holdWriter();
        QObject context;
        int done = 0;
        m_db->submitWrite(
            &context, [](WriteTx &tx) { return appendNamed(tx, QStringLiteral("new")); },
            [&](Status) { ++done; });
        m_db->submitWrite(
            &context,
            [](WriteTx &tx) -> Status {
                // Everything older than "now + 1 min", but never the newest event: that is "new" of this
                // batch.
                auto r = eventlog::prune(tx, QDateTime::currentMSecsSinceEpoch() + 60000);
                return r ? Status(ok()) : Status(r.error());
            },
            [&](Status) { ++done; });
        release();
        QTRY_COMPARE(done, 2);
        const EventList log = stored();
        QCOMPARE(log.size(), 1);
        QCOMPARE(log.first().name, QStringLiteral("new"));
    }

    void deferredStatementFailingLaterInTheBatchFailsOnlyItsJob_data()
    {
        QTest::addColumn<int>("position");
        QTest::newRow("first") << 0;
        QTest::newRow("middle") << 1;
        QTest::newRow("last, surfacing with the COMMIT") << 2;
    }

    void deferredStatementFailingLaterInTheBatchFailsOnlyItsJob()
    {
        QFETCH(int, position);
        QVERIFY(m_db->submitWriteSync([](WriteTx &tx) { return insertItem(tx, QStringLiteral("taken")); }));
        holdWriter();
        QObject context;
        const QStringList labels{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
        QList<std::optional<Result<qint64>>> results(3);
        for (int i = 0; i < 3; ++i) {
            const QString label = labels[i];
            const bool guilty = i == position;
            m_db->write<qint64>(
                &context,
                [label, guilty](WriteTx &tx) -> Result<qint64> {
                    auto seq = tx.appendEvent(u"test." + label, {QStringLiteral("all")}, {});
                    if (!seq)
                        return seq;
                    // Queued on PostgreSQL: its unique violation shows only when a later statement runs.
                    const QString row = guilty ? QStringLiteral("taken") : label;
                    if (Status s = tx.connection().execDeferred(
                            QStringLiteral("INSERT INTO items (label) VALUES ($1)"), {row});
                        !s)
                        return s.error();
                    return seq;
                },
                [&, i](Result<qint64> r) { results[i] = std::move(r); });
        }
        release();
        QTRY_VERIFY(results[0] && results[1] && results[2]);

        EventList expected;
        for (int i = 0; i < 3; ++i) {
            if (i == position) {
                QVERIFY(!*results[i]);
                QCOMPARE(results[i]->error().code, QStringLiteral("unique_violation"));
                QCOMPARE(items(labels[i]), qint64(0));
                continue;
            }
            ERA_VERIFY_OK(*results[i]);
            QCOMPARE(items(labels[i]), qint64(1));
        }
        QTRY_COMPARE(m_published.size(), 2);
        const EventList log = stored();
        QCOMPARE(log.size(), 2);
        int next = 0;
        for (int i = 0; i < 3; ++i) {
            if (i == position)
                continue;
            QCOMPARE(m_published[next].name, u"test." + labels[i]);
            QCOMPARE(m_published[next].seq, **results[i]);
            QCOMPARE(log[next].seq, **results[i]);
            ++next;
        }
        QVERIFY(m_published[0].seq < m_published[1].seq);
    }

    void seqsKeepIncreasingAcrossBatchesThatRanTwice()
    {
        // Batch 1 runs again after a failure; batch 2 comes after it: every seq of 2 is above every seq of 1.
        qint64 highest = 0;
        for (int round = 0; round < 2; ++round) {
            holdWriter();
            QObject context;
            int done = 0;
            for (int i = 0; i < 4; ++i) {
                m_db->submitWrite(
                    &context,
                    [round, i](WriteTx &tx) -> Status {
                        if (Status s = appendNamed(tx, QStringLiteral("r%1.%2").arg(round).arg(i)); !s)
                            return s;
                        if (i == 1)
                            return Error{QStringLiteral("refused"), QStringLiteral("fails after appending")};
                        return ok();
                    },
                    [&](Status) { ++done; });
            }
            release();
            QTRY_COMPARE(done, 4);
            QTRY_COMPARE(m_published.size(), 3 * (round + 1));
            for (qsizetype k = 3 * round; k < m_published.size(); ++k) {
                QVERIFY(m_published[k].seq > highest);
                QVERIFY(!m_published[k].name.endsWith(u".1"));
                highest = m_published[k].seq;
            }
        }
        const EventList log = stored();
        QCOMPARE(log.size(), 6);
        for (int k = 0; k < 6; ++k)
            QCOMPARE(log[k].seq, m_published[k].seq);
    }
};

QTEST_GUILESS_MAIN(BatchTest)
#include "tst_batch.moc"
