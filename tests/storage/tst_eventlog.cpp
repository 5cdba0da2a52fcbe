// The stored event log: append, read since a seq, last seq, pruning.
#include "StorageTestBackend.h"
#include "storage/Database.h"
#include "storage/EventLog.h"

#include <QJsonArray>
#include <QTest>

using namespace era;
using namespace era::storage;

class EventLogTest : public QObject {
    Q_OBJECT

private:
    StorageTestBackend m_backend;
    std::unique_ptr<Database> m_db;

    QList<qint64> append(int n)
    {
        auto seqs = m_db->writeSync<QList<qint64>>([n](WriteTx &tx) -> Result<QList<qint64>> {
            QList<qint64> out;
            for (int i = 0; i < n; ++i) {
                auto seq = tx.appendEvent(QStringLiteral("test.n"), {QStringLiteral("all")},
                                          {{QStringLiteral("i"), i}});
                if (!seq)
                    return seq.error();
                out.append(*seq);
            }
            return out;
        });
        return seqs ? *seqs : QList<qint64>();
    }

    // Pretends the events with seq <= `through` happened at `atMs`.
    void backdate(qint64 through, qint64 atMs)
    {
        Status s = m_db->submitWriteSync([&](WriteTx &tx) -> Status {
            auto r = tx.exec(QStringLiteral("UPDATE events SET at = $1 WHERE seq <= $2"), {atMs, through});
            return r ? Status(ok()) : Status(r.error());
        });
        ERA_VERIFY_OK(s);
    }

    Result<qint64> prune(qint64 beforeMs)
    {
        return m_db->writeSync<qint64>([beforeMs](WriteTx &tx) { return eventlog::prune(tx, beforeMs); });
    }

    template <typename T>
    Result<T> read(std::function<Result<T>(Connection &)> job)
    {
        return m_db->readSync<T>(std::move(job));
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
    }

    void cleanup()
    {
        m_db.reset();
        m_backend.cleanup();
    }

    void emptyLogHasLastSeqZeroAndNothingPruned()
    {
        auto last = read<qint64>([](Connection &c) { return eventlog::lastSeq(c); });
        QVERIFY(last);
        QCOMPARE(*last, qint64(0));
        auto pruned = read<qint64>([](Connection &c) { return eventlog::prunedThrough(c); });
        QVERIFY(pruned);
        QCOMPARE(*pruned, qint64(0));
        auto events = read<EventList>([](Connection &c) { return eventlog::readSince(c, 0, 10); });
        QVERIFY(events);
        QVERIFY(events->isEmpty());
    }

    void appendedEventComesBackWithNameAudienceDataAndTime()
    {
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const QJsonObject data{{QStringLiteral("text"), QStringLiteral("Привет 👋")},
                               {QStringLiteral("n"), 5},
                               {QStringLiteral("list"), QJsonArray{1, 2}}};
        const Audience audience{QStringLiteral("user:1"), QStringLiteral("queue:7")};
        auto seq = m_db->writeSync<qint64>(
            [&](WriteTx &tx) { return tx.appendEvent(QStringLiteral("message.created"), audience, data); });
        QVERIFY(seq);

        auto events = read<EventList>([](Connection &c) { return eventlog::readSince(c, 0, 10); });
        QVERIFY(events);
        QCOMPARE(events->size(), 1);
        const Event &e = events->first();
        QCOMPARE(e.seq, *seq);
        QCOMPARE(e.name, QStringLiteral("message.created"));
        QCOMPARE(e.audience, audience);
        QCOMPARE(e.data, data);
        QVERIFY(e.at.toMSecsSinceEpoch() >= before);
        QVERIFY(e.at.toMSecsSinceEpoch() <= QDateTime::currentMSecsSinceEpoch());
    }

    void readSinceReturnsLaterEventsOldestFirstUpToTheLimit()
    {
        const QList<qint64> seqs = append(5);
        QCOMPARE(seqs.size(), 5);
        for (int i = 1; i < seqs.size(); ++i)
            QVERIFY(seqs[i] > seqs[i - 1]);

        auto events = read<EventList>([&](Connection &c) { return eventlog::readSince(c, seqs[1], 2); });
        QVERIFY(events);
        QCOMPARE(events->size(), 2);
        QCOMPARE(events->at(0).seq, seqs[2]);
        QCOMPARE(events->at(1).seq, seqs[3]);
        QCOMPARE(events->at(0).data.value(QStringLiteral("i")).toInt(), 2);

        auto rest = read<EventList>([&](Connection &c) { return eventlog::readSince(c, seqs[3], 100); });
        QVERIFY(rest);
        QCOMPARE(rest->size(), 1);
        QCOMPARE(rest->first().seq, seqs[4]);
    }

    void lastSeqIsTheNewestAppendedSeq()
    {
        const QList<qint64> seqs = append(3);
        auto last = read<qint64>([](Connection &c) { return eventlog::lastSeq(c); });
        QVERIFY(last);
        QCOMPARE(*last, seqs.last());
    }

    void pruneRemovesOlderEventsButNeverTheNewest()
    {
        const QList<qint64> seqs = append(4);
        auto removed = prune(QDateTime::currentMSecsSinceEpoch() + 60'000); // all are "old"
        ERA_VERIFY_OK(removed);
        QCOMPARE(*removed, qint64(3));
        auto events = read<EventList>([](Connection &c) { return eventlog::readSince(c, 0, 100); });
        QVERIFY(events);
        QCOMPARE(events->size(), 1);
        QCOMPARE(events->first().seq, seqs.last());
    }

    void pruneKeepsEventsNewerThanTheCutoff()
    {
        const QList<qint64> seqs = append(5);
        backdate(seqs[2], 1000); // the first three are from 1970
        auto removed = prune(2000);
        QVERIFY(removed);
        QCOMPARE(*removed, qint64(3));
        auto events = read<EventList>([](Connection &c) { return eventlog::readSince(c, 0, 100); });
        QVERIFY(events);
        QCOMPARE(events->size(), 2);
        QCOMPARE(events->first().seq, seqs[3]);

        auto nothing = prune(2000);
        QVERIFY(nothing);
        QCOMPARE(*nothing, qint64(0));
    }

    void prunedThroughIsTheHighestRemovedSeqAndLastSeqSurvivesPruning()
    {
        const QList<qint64> seqs = append(5);
        backdate(seqs[1], 1000);
        QVERIFY(prune(2000));
        auto pruned = read<qint64>([](Connection &c) { return eventlog::prunedThrough(c); });
        QVERIFY(pruned);
        QCOMPARE(*pruned, seqs[1]);

        QVERIFY(prune(QDateTime::currentMSecsSinceEpoch() + 60'000));
        pruned = read<qint64>([](Connection &c) { return eventlog::prunedThrough(c); });
        QVERIFY(pruned);
        QCOMPARE(*pruned, seqs[3]);
        auto last = read<qint64>([](Connection &c) { return eventlog::lastSeq(c); });
        QVERIFY(last);
        QCOMPARE(*last, seqs[4]);

        // New events continue after the pruned ones.
        const QList<qint64> more = append(1);
        QCOMPARE(more.size(), 1);
        QVERIFY(more.first() > seqs[4]);
    }
};

QTEST_GUILESS_MAIN(EventLogTest)
#include "tst_eventlog.moc"
