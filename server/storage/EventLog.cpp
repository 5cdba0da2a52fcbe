#include "storage/EventLog.h"

#include "storage/EventRows.h"
#include "storage/RowBatch.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <limits>

namespace era::storage {

namespace eventrows {

namespace {

QString compactJson(const QJsonDocument &doc)
{
    return QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
}

} // namespace

Result<Event> insert(Connection &c, Event event)
{
    const qint64 at = QDateTime::currentMSecsSinceEpoch();
    auto r = c.exec(QStringLiteral("INSERT INTO events (name, audience, data, at) VALUES ($1, $2, $3, $4) "
                                   "RETURNING seq"),
                    {event.name, compactJson(QJsonDocument(QJsonArray::fromStringList(event.audience))),
                     QString::fromUtf8(dataJsonOf(event)), at});
    if (!r)
        return r.error();
    event.seq = r->at(0, 0).toLongLong();
    event.at = QDateTime::fromMSecsSinceEpoch(at, Qt::UTC);
    return event;
}

Status insertDeferred(Connection &c, std::span<const Event> events)
{
    static const MergeableRow row{
        QStringLiteral("events"),
        QStringLiteral("INSERT INTO events (seq, name, audience, data, at) VALUES ($1, $2, $3, $4, $5)"),
        QStringLiteral("INSERT INTO events (seq, name, audience, data, at) SELECT * FROM "
                       "unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[])"),
        QStringLiteral(
            "INSERT INTO events (seq, name, audience, data, at) SELECT r.value ->> 0, r.value ->> 1, "
            "r.value ->> 2, r.value ->> 3, r.value ->> 4 FROM json_each($1) AS r ORDER BY r.key"),
        1};
    if (events.empty())
        return ok();
    QList<QVariantList> rows;
    rows.reserve(qsizetype(events.size()));
    for (const Event &e : events)
        rows.append({e.seq, e.name, compactJson(QJsonDocument(QJsonArray::fromStringList(e.audience))),
                     QString::fromUtf8(dataJsonOf(e)), e.at.toMSecsSinceEpoch()});
    return writeRows(c, row, rows);
}

Result<QList<qint64>> reserveSeqs(Connection &c, qint64 count)
{
    QList<qint64> seqs;
    if (c.dialect() == Dialect::Sqlite) {
        // AUTOINCREMENT keeps the largest seq ever used in sqlite_sequence; moving it on reserves the block
        // (the writer holds the database's write lock, so nobody else takes seqs meanwhile). A rollback
        // gives the block back.
        auto r = c.exec(QStringLiteral("UPDATE sqlite_sequence SET seq = seq + $1 WHERE name = 'events' "
                                       "RETURNING seq"),
                        {count});
        if (!r)
            return r.error();
        if (r->size() == 0) { // no event was ever written
            r = c.exec(QStringLiteral("INSERT INTO sqlite_sequence (name, seq) SELECT 'events', "
                                      "COALESCE(MAX(seq), 0) + $1 FROM events RETURNING seq"),
                       {count});
            if (!r)
                return r.error();
        }
        const qint64 last = r->at(0, 0).toLongLong();
        seqs.reserve(count);
        for (qint64 seq = last - count + 1; seq <= last; ++seq)
            seqs.append(seq);
        return seqs;
    }
    // The sequence is looked up once per call, not per row (pg_get_serial_sequence reads the catalog; OFFSET
    // 0 keeps the planner from pulling the lookup up into the per-row expression).
    auto r = c.exec(QStringLiteral("SELECT nextval(s.id) AS seq FROM (SELECT "
                                   "pg_get_serial_sequence('events', 'seq')::regclass AS id OFFSET 0) s, "
                                   "generate_series(1, $1) ORDER BY seq"),
                    {count});
    if (!r)
        return r.error();
    seqs.reserve(r->size());
    for (const QVariantList &row : std::as_const(r->rows))
        seqs.append(row.at(0).toLongLong());
    return seqs;
}

QString lockWritersStatement(Dialect dialect)
{
    // Keyed by the events table itself: one lock per installation (a schema of its own has its own), and the
    // first key ("era:" in ASCII) keeps it apart from the advisory locks of other applications.
    return dialect == Dialect::Sqlite
               ? QString()
               : QStringLiteral("SELECT pg_advisory_xact_lock(1701994810, 'events'::regclass::oid::integer)");
}

Status lockWriters(Connection &c)
{
    if (c.dialect() == Dialect::Sqlite)
        return ok();
    return c.execDeferred(lockWritersStatement(c.dialect()));
}

Result<qint64> seqPosition(Connection &c)
{
    auto r = c.dialect() == Dialect::Sqlite
                 ? c.exec(QStringLiteral(
                       "SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'events'"))
                 : c.exec(QStringLiteral("SELECT COALESCE(pg_sequence_last_value("
                                         "pg_get_serial_sequence('events', 'seq')::regclass), 0)"));
    if (!r)
        return r.error();
    return r->at(0, 0).toLongLong();
}

Result<EventList> readBetween(Connection &c, qint64 after, qint64 before)
{
    auto r = c.exec(u"SELECT " + QString::fromUtf16(selectColumns) +
                        u" FROM events WHERE seq > $1 AND seq < $2 ORDER BY seq",
                    {after, before > 0 ? before : std::numeric_limits<qint64>::max()});
    if (!r)
        return r.error();
    EventList out;
    out.reserve(r->size());
    for (const QVariantList &row : std::as_const(r->rows))
        out.append(fromRow(row));
    return out;
}

Event fromRow(const QVariantList &row)
{
    Event e;
    e.seq = row.at(0).toLongLong();
    e.name = row.at(1).toString();
    const QJsonArray audience = QJsonDocument::fromJson(row.at(2).toString().toUtf8()).array();
    for (const QJsonValue &v : audience)
        e.audience.append(v.toString());
    e.dataJson = row.at(3).toString().toUtf8();
    e.data = QJsonDocument::fromJson(e.dataJson).object();
    e.at = QDateTime::fromMSecsSinceEpoch(row.at(4).toLongLong(), Qt::UTC);
    return e;
}

} // namespace eventrows

namespace eventlog {

namespace {

const QString kPrunedThroughKey = QStringLiteral("events_pruned_through");

} // namespace

Result<EventList> readSince(Connection &c, qint64 since, int limit)
{
    auto r = c.exec(u"SELECT " + QString::fromUtf16(eventrows::selectColumns) +
                        u" FROM events WHERE seq > $1 ORDER BY seq LIMIT $2",
                    {since, qMax(0, limit)});
    if (!r)
        return r.error();
    EventList out;
    out.reserve(r->size());
    for (const QVariantList &row : std::as_const(r->rows))
        out.append(eventrows::fromRow(row));
    return out;
}

Result<qint64> prunedThrough(Connection &c)
{
    auto r = c.exec(QStringLiteral("SELECT value FROM meta WHERE key = $1"), {kPrunedThroughKey});
    if (!r)
        return r.error();
    return r->isEmpty() ? qint64(0) : r->at(0, 0).toString().toLongLong();
}

Result<qint64> lastSeq(Connection &c)
{
    // Pruning never removes the newest event, so MAX(seq) is the last seq unless the log was never written.
    auto r = c.exec(QStringLiteral("SELECT COALESCE(MAX(seq), 0) FROM events"));
    if (!r)
        return r.error();
    Result<qint64> pruned = prunedThrough(c);
    if (!pruned)
        return pruned;
    return qMax(r->at(0, 0).toLongLong(), *pruned);
}

Result<qint64> prune(WriteTx &tx, qint64 beforeMs)
{
    // Cut by seq so the kept log stays one unbroken tail, even if the clock stepped back at some point.
    auto cut = tx.exec(QStringLiteral("SELECT MAX(seq) FROM events WHERE at < $1 AND seq < "
                                      "(SELECT MAX(seq) FROM events)"),
                       {beforeMs});
    if (!cut)
        return cut.error();
    if (cut->at(0, 0).isNull())
        return qint64(0);
    const qint64 through = cut->at(0, 0).toLongLong();

    auto removed = tx.exec(QStringLiteral("DELETE FROM events WHERE seq <= $1"), {through});
    if (!removed)
        return removed.error();
    auto recorded = tx.exec(QStringLiteral("INSERT INTO meta (key, value) VALUES ($1, $2) "
                                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                            {kPrunedThroughKey, QString::number(through)});
    if (!recorded)
        return recorded.error();
    return removed->affected;
}

} // namespace eventlog

} // namespace era::storage
