#pragma once

#include "core/Event.h"
#include "storage/Database.h"

// The stored event log (table `events`); appending happens through WriteTx::appendEvent.
namespace era::storage::eventlog {

// Events with seq > since, oldest first, at most `limit` of them.
Result<EventList> readSince(Connection &c, qint64 since, int limit);

// The highest seq ever appended (0 for an empty log), pruned events included.
Result<qint64> lastSeq(Connection &c);

// The highest seq that pruning removed: a client resuming from a smaller seq must reload a snapshot.
Result<qint64> prunedThrough(Connection &c);

// Removes events older than `beforeMs` (epoch ms), never the newest one, and records prunedThrough.
// Returns how many were removed.
Result<qint64> prune(WriteTx &tx, qint64 beforeMs);

} // namespace era::storage::eventlog
