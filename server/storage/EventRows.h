#pragma once

#include "core/Event.h"
#include "storage/Connection.h"

#include <span>

// The row form of an event in table `events`; private to the storage layer.
namespace era::storage::eventrows {

// Inserts one event (at = now) and returns it with its seq.
Result<Event> insert(Connection &c, const QString &name, const Audience &audience, const QJsonObject &data);

// Inserts the rows of events whose seqs the caller reserved from the events' sequence (PostgreSQL only), as
// one statement through Connection::execDeferred: the rows go out with the next statement, and a failure is
// reported by that statement. The SQL text is the same for any number of rows (one prepared statement).
Status insertDeferred(Connection &c, std::span<const Event> events);

// Takes `count` values from the sequence behind events.seq (PostgreSQL only), in increasing order.
Result<QList<qint64>> reserveSeqs(Connection &c, qint64 count);

// The columns selected by `selectColumns`, in that order.
inline constexpr char16_t selectColumns[] = u"seq, name, audience, data, at";
Event fromRow(const QVariantList &row);

} // namespace era::storage::eventrows
