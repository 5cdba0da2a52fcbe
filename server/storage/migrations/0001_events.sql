-- The event log: every change, with a global increasing seq (see server/storage/EventLog.h).
CREATE TABLE events (
    seq {{id}},
    name TEXT NOT NULL,
    audience TEXT NOT NULL, -- JSON array of audience tokens
    data TEXT NOT NULL,     -- JSON object
    at BIGINT NOT NULL      -- epoch ms (UTC)
);
CREATE INDEX events_at ON events (at);

-- Small key-value facts about the store, e.g. events_pruned_through.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT
);
