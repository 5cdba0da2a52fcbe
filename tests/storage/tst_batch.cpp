// Database batches as the writer builds them, on both backends: the event rows of a batch (seqs reserved in
// one block, the rows one multi-row statement, on PostgreSQL pipelined with the COMMIT), the rows its jobs
// write with one MergeableRow statement, a job that reads what its batch is writing, and failures that
// surface only later in the pipeline.
#include "StorageTestBackend.h"
#include "WriterGate.h"
#include "storage/Database.h"
#include "storage/EventLog.h"

#include <QJsonArray>
#include <QMap>
#include <QScopeGuard>
#include <QTest>
#include <atomic>
#include <optional>

using namespace era;
using namespace era::storage;

namespace {

Status insertItem(WriteTx &tx, const QString &label)
{
    auto r = tx.exec(QStringLiteral("INSERT INTO items (label) VALUES ($1)"), {label});
    return r ? Status(ok()) : Status(r.error());
}

// A row statement a batch may merge across its jobs (WriteTx::writeRow).
const MergeableRow &settingRow()
{
    static const QString set = QStringLiteral(
        " ON CONFLICT (owner, name) DO UPDATE SET value = excluded.value, note = excluded.note");
    static const MergeableRow row{
        QStringLiteral("settings"),
        QStringLiteral("INSERT INTO settings (owner, name, value, note) VALUES ($1, $2, $3, $4)") + set,
        QStringLiteral("INSERT INTO settings (owner, name, value, note) SELECT * FROM "
                       "unnest($1::bigint[], $2::text[], $3::text[], $4::text[])") +
            set,
        QStringLiteral("INSERT INTO settings (owner, name, value, note) SELECT r.value ->> 0, r.value ->> 1, "
                       "r.value ->> 2, r.value ->> 3 FROM json_each($1) AS r WHERE true ORDER BY r.key") +
            set,
        2};
    return row;
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

    // owner/name -> [value, note], note null as a null QVariant.
    QMap<QString, QVariantList> settings()
    {
        auto r = m_db->readSync<Rows>([](Connection &c) {
            return c.exec(QStringLiteral("SELECT owner, name, value, note FROM settings"));
        });
        QMap<QString, QVariantList> out;
        if (!r)
            qWarning("%s", qPrintable(r.error().message));
        else
            for (const QVariantList &row : std::as_const(r->rows))
                out.insert(row.at(0).toString() + u'/' + row.at(1).toString(), {row.at(2), row.at(3)});
        return out;
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
            if (!r)
                return r.error();
            r = tx.exec(
                QStringLiteral("CREATE TABLE settings (owner BIGINT NOT NULL, name TEXT NOT NULL, value "
                               "TEXT NOT NULL CHECK (value <> 'refused'), note TEXT, "
                               "PRIMARY KEY (owner, name))"));
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

    void rowsOfManyJobsAreMergedAndStoredExactly()
    {
        const QStringList texts{QStringLiteral("say \"hi\", {then} 'bye'"),
                                QStringLiteral("C:\\path\\\"x"),
                                QStringLiteral("{\"a\",NULL,b}"),
                                QStringLiteral("NULL"),
                                QString(),
                                QStringLiteral("Привет 👋\nline\ttab")};
        holdWriter();
        QObject context;
        int done = 0;
        std::optional<qint64> seenByReader;
        // Each job runs once: the merged statements succeeded, no retry job by job wrote the rows instead.
        auto runs = std::make_shared<std::atomic<int>>(0);
        auto write = [&](qint64 owner, const QString &name, const QString &value, const QVariant &note) {
            m_db->submitWrite(
                &context,
                [=](WriteTx &tx) {
                    ++*runs;
                    return tx.writeRow(settingRow(), {owner, name, value, note});
                },
                [&](Status s) {
                    QVERIFY(s);
                    ++done;
                });
        };
        for (qsizetype i = 0; i < texts.size(); ++i)
            write(i, texts[i], texts[i], i % 2 ? QVariant(texts[i]) : QVariant());
        // The same key again later in the batch: the later value is what stays.
        write(1, QStringLiteral("again"), QStringLiteral("first"), QStringLiteral("n1"));
        write(1, QStringLiteral("again"), QStringLiteral("second"), QVariant());
        // A job that reads the table sees every row written before it in the batch.
        m_db->submitWrite(
            &context,
            [&, runs](WriteTx &tx) -> Status {
                ++*runs;
                auto r = tx.exec(QStringLiteral("SELECT COUNT(*) FROM settings"));
                if (!r)
                    return r.error();
                seenByReader = r->at(0, 0).toLongLong();
                return ok();
            },
            [&](Status s) {
                QVERIFY(s);
                ++done;
            });
        write(99, QStringLiteral("after the reader"), QStringLiteral("last"), QVariant());
        release();
        QTRY_COMPARE(done, int(texts.size()) + 4);
        QCOMPARE(runs->load(), int(texts.size()) + 4);

        QCOMPARE(seenByReader, std::optional<qint64>(texts.size() + 1));
        const auto stored = settings();
        QCOMPARE(stored.size(), texts.size() + 2);
        for (qsizetype i = 0; i < texts.size(); ++i) {
            const QVariantList row = stored.value(QString::number(i) + u'/' + texts[i]);
            QCOMPARE(row.value(0).toString(), texts[i]);
            QCOMPARE(row.value(1).isNull(), i % 2 == 0);
            if (i % 2)
                QCOMPARE(row.value(1).toString(), texts[i]);
        }
        QCOMPARE(stored.value(QStringLiteral("1/again")).value(0).toString(), QStringLiteral("second"));
        QVERIFY(stored.value(QStringLiteral("1/again")).value(1).isNull());
        QCOMPARE(stored.value(QStringLiteral("99/after the reader")).value(0).toString(),
                 QStringLiteral("last"));
    }

    void aMergedRowTheDatabaseRefusesFailsOnlyItsJob()
    {
        holdWriter();
        QObject context;
        QList<std::optional<Status>> results(3);
        for (int i = 0; i < 3; ++i) {
            const QString value = i == 1 ? QStringLiteral("refused") : QStringLiteral("fine");
            m_db->submitWrite(
                &context,
                [i, value](WriteTx &tx) -> Status {
                    if (Status s = appendNamed(tx, QStringLiteral("test.%1").arg(i)); !s)
                        return s;
                    return tx.writeRow(settingRow(), {i, QStringLiteral("k"), value, QVariant()});
                },
                [&, i](Status s) { results[i] = std::move(s); });
        }
        release();
        QTRY_VERIFY(results[0] && results[1] && results[2]);
        ERA_VERIFY_OK(*results[0]);
        QVERIFY(!*results[1]);
        ERA_VERIFY_OK(*results[2]);
        const auto stored = settings();
        QCOMPARE(stored.keys(), (QStringList{QStringLiteral("0/k"), QStringLiteral("2/k")}));
        QTRY_COMPARE(m_published.size(), 2);
        QCOMPARE(m_published[0].name, QStringLiteral("test.0"));
        QCOMPARE(m_published[1].name, QStringLiteral("test.2"));
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
