#pragma once

#include "core/Event.h"
#include "storage/Connection.h"

#include <span>

// The row form of an event in table `events`; private to the storage layer.
namespace era::storage::eventrows {

// Inserts one event (its seq and `at` are set here, at = now) and returns it.
Result<Event> insert(Connection &c, Event event);

// Inserts the rows of events whose seqs the caller reserved (reserveSeqs), as one statement through
// Connection::execDeferred: on PostgreSQL the rows go out with the next statement, and a failure is reported
// by that statement. The SQL text is the same for any number of rows (one prepared statement).
Status insertDeferred(Connection &c, std::span<const Event> events);

// Takes `count` values from the sequence behind events.seq, in increasing order: PostgreSQL's sequence, or
// SQLite's AUTOINCREMENT counter (the caller must hold the write lock until it commits or rolls back).
Result<QList<qint64>> reserveSeqs(Connection &c, qint64 count);

// Every process that appends events (era-server's writer, the command line, another node on the same
// PostgreSQL) takes this lock for its write transaction before it takes a seq, so the seqs handed out are
// resolved (committed or rolled back) in the order they were taken, and a writer that holds the lock sees
// every seq below its own resolved. SQLite's write lock (BEGIN IMMEDIATE) does the same there: a no-op on
// SQLite. PostgreSQL: a transaction-level advisory lock, queued with the next statement
// (Connection::execDeferred).
Status lockWriters(Connection &c);
// The same lock as the text of one statement, for a script ("" on SQLite).
QString lockWritersStatement(Dialect dialect);

// The highest seq handed out so far (0 if none), whether its event committed or not: the position of
// PostgreSQL's sequence or of SQLite's AUTOINCREMENT counter.
Result<qint64> seqPosition(Connection &c);

// The stored events with after < seq < before (before = 0: no upper bound), oldest first.
Result<EventList> readBetween(Connection &c, qint64 after, qint64 before);

// The columns selected by `selectColumns`, in that order.
inline constexpr char16_t selectColumns[] = u"seq, name, audience, data, at";
Event fromRow(const QVariantList &row);

} // namespace era::storage::eventrows
