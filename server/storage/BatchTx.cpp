#include "storage/BatchTx.h"

#include "storage/EventRows.h"
#include "storage/RowBatch.h"

#include <algorithm>

namespace era::storage {

BatchTx::BatchTx(Connection &c, EventList &events, bool deferRows, qint64 horizon)
    : m_connection(c), m_events(events), m_deferRows(deferRows), m_written(events.size()), m_horizon(horizon)
{}

Status BatchTx::tookSeqs(qint64 first, qint64 last, bool resolvedAtCommit)
{
    if (!m_tookSeq) {
        if (first > m_horizon + 1) {
            // Usually seqs nobody used (a rolled-back batch on PostgreSQL): then nothing is read. A failed
            // read fails the job, and the next seq taken tries again.
            auto missed = eventrows::readBetween(m_connection, m_horizon, first);
            if (!missed)
                return missed.error();
            m_foreign = std::move(missed).value();
        }
        m_tookSeq = true;
    }
    if (resolvedAtCommit)
        m_resolvedThrough = qMax(m_resolvedThrough, last);
    return ok();
}

Result<qint64> BatchTx::appendEvent(const QString &name, const Audience &audience, const QJsonObject &data)
{
    // Serialized once, for the row and for every frame that carries the event.
    Event event{0, name, audience, data, {}, QJsonDocument(data).toJson(QJsonDocument::Compact)};
    if (!m_deferRows) {
        Result<Event> e = eventrows::insert(m_connection, std::move(event));
        if (!e)
            return e.error();
        if (Status s = tookSeqs(e->seq, e->seq, m_connection.dialect() == Dialect::Postgres); !s)
            return s.error();
        m_events.append(*e);
        m_written = m_events.size();
        return e->seq;
    }
    auto seq = nextReservedSeq();
    if (!seq)
        return seq;
    event.seq = *seq;
    event.at = QDateTime::currentDateTimeUtc();
    m_events.append(std::move(event));
    return *seq;
}

Result<qint64> BatchTx::nextReservedSeq()
{
    if (m_nextSeq == m_seqs.size()) {
        // One per job left (most append one), or what the current job said it appends.
        auto block = eventrows::reserveSeqs(m_connection, qMax<qsizetype>(1, qMax(m_jobsLeft, m_expected)));
        m_expected = 0;
        if (!block)
            return block.error();
        m_seqs = std::move(block).value();
        m_nextSeq = 0;
        if (m_seqs.isEmpty())
            return Error{QStringLiteral("sql_error"), QStringLiteral("no seq reserved for an event")};
        if (Status s = tookSeqs(m_seqs.first(), m_seqs.last(), true); !s)
            return s.error();
    }
    return m_seqs.at(m_nextSeq++);
}

Status BatchTx::flushEvents()
{
    // The list can shrink under us only when the batch gave up on its events (a rolled-back single job).
    m_written = qMin(m_written, m_events.size());
    if (m_written == m_events.size())
        return ok();
    const qsizetype from = m_written;
    m_written = m_events.size();
    return eventrows::insertDeferred(m_connection,
                                     std::span<const Event>(m_events.cbegin() + from, m_events.cend()));
}

Status BatchTx::writeRow(const MergeableRow &statement, const QVariantList &row)
{
    if (!m_deferRows)
        return m_view.execDeferred(statement.one, row);
    auto it = std::find_if(m_waitingRows.begin(), m_waitingRows.end(),
                           [&](const WaitingRows &w) { return w.statement == &statement; });
    if (it == m_waitingRows.end()) {
        m_waitingRows.push_back({&statement, {}, {}});
        it = std::prev(m_waitingRows.end());
    }
    QString key;
    for (int i = 0; i < statement.keyColumns && i < row.size(); ++i) {
        key += row.at(i).toString();
        key += QChar(0x1f);
    }
    if (it->keys.contains(key)) {
        if (Status s = flushRows(*it); !s)
            return s;
    }
    it->keys.insert(key);
    it->rows.append(row);
    return ok();
}

Status BatchTx::flushRows(WaitingRows &waiting)
{
    if (waiting.rows.isEmpty())
        return ok();
    const QList<QVariantList> rows = std::exchange(waiting.rows, {});
    waiting.keys.clear();
    return writeRows(m_connection, *waiting.statement, rows);
}

Status BatchTx::flush()
{
    for (WaitingRows &waiting : m_waitingRows) {
        if (Status s = flushRows(waiting); !s)
            return s;
    }
    return flushEvents();
}

Status BatchTx::View::flushBefore(const QString &sql)
{
    // Cheap and conservative: any statement that mentions a table's name sees every row written to it before.
    for (WaitingRows &waiting : m_tx.m_waitingRows) {
        if (!waiting.rows.isEmpty() && sql.contains(waiting.statement->table, Qt::CaseInsensitive)) {
            if (Status s = m_tx.flushRows(waiting); !s)
                return s;
        }
    }
    if (m_tx.m_written < m_tx.m_events.size() && sql.contains(u"events", Qt::CaseInsensitive))
        return m_tx.flushEvents();
    return ok();
}

Result<Rows> BatchTx::View::exec(const QString &sql, const QVariantList &params)
{
    if (Status s = flushBefore(sql); !s)
        return s.error();
    return m_tx.m_connection.exec(sql, params);
}

Status BatchTx::View::execScript(const QString &sql)
{
    if (Status s = flushBefore(sql); !s)
        return s;
    return m_tx.m_connection.execScript(sql);
}

Status BatchTx::View::execDeferred(const QString &sql, const QVariantList &params)
{
    if (Status s = flushBefore(sql); !s)
        return s;
    return m_tx.m_connection.execDeferred(sql, params);
}

} // namespace era::storage
