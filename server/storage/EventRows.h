#pragma once

#include "core/Event.h"
#include "storage/Connection.h"

// The row form of an event in table `events`; private to the storage layer.
namespace era::storage::eventrows {

// Inserts one event (at = now) and returns it with its seq.
Result<Event> insert(Connection &c, const QString &name, const Audience &audience, const QJsonObject &data);

// The columns selected by `selectColumns`, in that order.
inline constexpr char16_t selectColumns[] = u"seq, name, audience, data, at";
Event fromRow(const QVariantList &row);

} // namespace era::storage::eventrows
