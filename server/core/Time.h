#pragma once

#include <QDateTime>
#include <QString>

namespace era {

// Wall-clock milliseconds since the epoch, the unit every stored time uses.
inline qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// ISO 8601 in UTC with milliseconds, the form every time takes on the wire.
inline QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace era
