#pragma once

#include "core/Event.h"
#include "storage/Connection.h"

// The row form of an event in table `events`; private to the storage layer.
namespace era::storage::eventrows {

// Inserts one event (at = now) and returns it with its seq.
Result<Event> insert(Connection &c, const QString &name, const Audience &audience, const QJsonObject &data);

// Inserts one event (at = now) with a seq the caller reserved from the events' sequence, through
// Connection::execDeferred: on PostgreSQL the row goes out with the next statement and a failure is reported
// by that statement.
Result<Event> insertDeferred(Connection &c, qint64 seq, const QString &name, const Audience &audience,
                             const QJsonObject &data);

// Takes `count` values from the sequence behind events.seq (PostgreSQL only), in increasing order.
Result<QList<qint64>> reserveSeqs(Connection &c, qint64 count);

// The columns selected by `selectColumns`, in that order.
inline constexpr char16_t selectColumns[] = u"seq, name, audience, data, at";
Event fromRow(const QVariantList &row);

} // namespace era::storage::eventrows
