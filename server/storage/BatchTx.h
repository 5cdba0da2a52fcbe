#pragma once

#include "storage/Database.h"

#include <QSet>
#include <vector>

// The WriteTx of one batch attempt of the Database's writer; private to the storage layer.
namespace era::storage {

// The events appended by the batch's jobs collect in `events` until the commit.
//
// With reserved seqs (the optimistic attempt) rows wait in the batch. An event takes its seq from a block
// fetched with one statement, and its row waits: the rows of every event appended since the last flush go out
// as one multi-row INSERT, queued (pipelined) with the COMMIT, or earlier, before any statement of a job that
// names the events table, so such a job still reads every event appended before it. Otherwise each event is
// one INSERT ... RETURNING seq. The rows of a MergeableRow statement wait the same way (written by its
// many-rows form, before the events, or before any statement naming its table); otherwise each is written at
// once by its one-row form. Seqs left over when the batch ends are never used: seqs have gaps anyway
// (on PostgreSQL a rolled-back insert consumes its value too).
//
// Other processes append events too (the command line, another node on the same PostgreSQL). `horizon` is
// the seq up to which the writer has published every event or knows there is none. When the batch takes
// its first seq and that is past horizon + 1, the events committed in between by others are read (the
// writers' lock, eventrows::lockWriters, makes sure none is still in flight) so that the writer publishes
// them before the batch's own.
class BatchTx final : public WriteTx {
public:
    BatchTx(Connection &c, EventList &events, bool deferRows, qint64 horizon);

    // The batch's connection, as seen through the event rows still waiting in the batch.
    Connection &connection() override { return m_view; }

    // How many jobs of the batch are still to run, this one included: the size of the next seq block.
    void setJobsLeft(qsizetype n)
    {
        m_jobsLeft = n;
        m_expected = 0;
    }

    Result<qint64> appendEvent(const QString &name, const Audience &audience,
                               const QJsonObject &data) override;
    void expectEvents(qsizetype count) override { m_expected = count; }
    Status writeRow(const MergeableRow &statement, const QVariantList &row) override;

    // Queues the rows waiting in the batch (MergeableRow statements, then the events) as one statement each;
    // on PostgreSQL a failure is reported by the next statement (the COMMIT).
    Status flush();

    // Events other processes committed between the horizon and the batch's first seq, oldest first.
    const EventList &foreignEvents() const { return m_foreign; }
    // The highest seq the batch took that is resolved once it commits, whether an event of the batch uses
    // it or not (0 if none): a reserved block, or on PostgreSQL any seq taken (its sequence never gives one
    // back). SQLite's AUTOINCREMENT takes back a seq whose insert a savepoint undid, so there only the
    // published events count.
    qint64 seqsResolvedThrough() const { return m_resolvedThrough; }

private:
    // Forwards every call to the batch's connection, flushing the waiting event rows first when a statement
    // names the events table.
    class View final : public Connection {
    public:
        explicit View(BatchTx &tx) : m_tx(tx) {}
        Dialect dialect() const override { return m_tx.m_connection.dialect(); }
        Result<Rows> exec(const QString &sql, const QVariantList &params = {}) override;
        Status execScript(const QString &sql) override;
        Status execDeferred(const QString &sql, const QVariantList &params = {}) override;
        bool inUsableTransaction() const override { return m_tx.m_connection.inUsableTransaction(); }
        Status recover() override { return m_tx.m_connection.recover(); }

    private:
        Status flushBefore(const QString &sql);
        BatchTx &m_tx;
    };

    // The rows of one MergeableRow statement waiting in the batch.
    struct WaitingRows {
        const MergeableRow *statement = nullptr;
        QList<QVariantList> rows;
        QSet<QString> keys;
    };

    Result<qint64> nextReservedSeq();
    // Called with every seq (or block) the batch takes; reads the foreign events on the first.
    Status tookSeqs(qint64 first, qint64 last, bool resolvedAtCommit);
    Status flushEvents();
    Status flushRows(WaitingRows &waiting);

    Connection &m_connection;
    View m_view{*this};
    EventList &m_events;
    const bool m_deferRows;
    qsizetype m_jobsLeft = 1;
    qsizetype m_expected = 0; // events the current job said it is about to append
    QList<qint64> m_seqs;
    qsizetype m_nextSeq = 0;
    qsizetype m_written = 0; // m_events before this index have their rows queued or sent
    std::vector<WaitingRows> m_waitingRows;
    const qint64 m_horizon;
    bool m_tookSeq = false;
    qint64 m_resolvedThrough = 0;
    EventList m_foreign;
};

} // namespace era::storage
