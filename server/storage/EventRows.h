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

// The columns selected by `selectColumns`, in that order.
inline constexpr char16_t selectColumns[] = u"seq, name, audience, data, at";
Event fromRow(const QVariantList &row);

} // namespace era::storage::eventrows
