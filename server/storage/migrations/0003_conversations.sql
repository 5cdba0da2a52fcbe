-- The conversation core: channels, customers (subscribers), dialogs, messages, the outbox, queues and files.
-- See docs/design/conversations.md.

CREATE TABLE queues (
    id {{id}},
    name TEXT NOT NULL UNIQUE,
    offer_timeout_sec INTEGER NOT NULL DEFAULT 30,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE queue_members (
    queue_id BIGINT NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    skill INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (queue_id, user_id)
);

-- Most dialogs an operator serves at once (absent: the server default).
CREATE TABLE operator_limits (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    capacity INTEGER NOT NULL
);

CREATE TABLE channels (
    id {{id}},
    kind TEXT NOT NULL,                  -- 'telegram', ...
    name TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    default_queue_id BIGINT REFERENCES queues (id),
    settings TEXT NOT NULL,              -- JSON, nothing secret
    secret {{bytes}},                    -- encrypted credentials (key outside the database)
    state TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Where a connector resumes (e.g. Telegram's next getUpdates offset); written with the messages it delivered.
CREATE TABLE channel_cursors (
    channel_id BIGINT PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    cursor TEXT NOT NULL
);

CREATE TABLE subscribers (
    id {{id}},
    channel_id BIGINT NOT NULL REFERENCES channels (id),
    external_id TEXT NOT NULL,
    name TEXT NOT NULL,
    username TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    profile TEXT NOT NULL DEFAULT '{}',  -- JSON
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (channel_id, external_id)
);

CREATE TABLE dialogs (
    id {{id}},
    channel_id BIGINT NOT NULL REFERENCES channels (id),
    subscriber_id BIGINT NOT NULL REFERENCES subscribers (id),
    external_chat_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('waiting', 'offered', 'active', 'closed')),
    queue_id BIGINT REFERENCES queues (id),
    operator_id BIGINT REFERENCES users (id),
    opened_at BIGINT NOT NULL,
    assigned_at BIGINT,
    closed_at BIGINT,
    closed_by BIGINT,
    last_message_at BIGINT NOT NULL
);
-- At most one open dialog per subscriber and channel.
CREATE UNIQUE INDEX dialogs_one_open ON dialogs (channel_id, subscriber_id) WHERE state <> 'closed';
CREATE INDEX dialogs_by_subscriber ON dialogs (subscriber_id, opened_at);
CREATE INDEX dialogs_open_by_queue ON dialogs (queue_id, opened_at) WHERE state <> 'closed';
CREATE INDEX dialogs_open_by_operator ON dialogs (operator_id) WHERE state <> 'closed';

CREATE TABLE messages (
    id {{id}},
    dialog_id BIGINT NOT NULL REFERENCES dialogs (id),
    channel_id BIGINT NOT NULL REFERENCES channels (id),
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out', 'system')),
    author TEXT NOT NULL,                -- 'subscriber:<id>', 'user:<id>', 'system'
    external_id TEXT,                    -- the provider's id, once known
    client_id TEXT,                      -- an operator's own id for the message (resend guard)
    content TEXT NOT NULL,               -- JSON of era::content::Content (reactions included)
    reply_to BIGINT REFERENCES messages (id),
    status TEXT NOT NULL CHECK (status IN ('received', 'pending', 'sent', 'failed')),
    failure TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    edited_at BIGINT,
    deleted_at BIGINT
);
CREATE UNIQUE INDEX messages_external ON messages (channel_id, external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX messages_client ON messages (author, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX messages_by_dialog ON messages (dialog_id, id);

-- Deliveries owed to providers: at least once, in id order per dialog, with backoff.
CREATE TABLE outbox (
    id {{id}},
    message_id BIGINT NOT NULL REFERENCES messages (id),
    action TEXT NOT NULL CHECK (action IN ('send', 'react')),
    payload TEXT NOT NULL DEFAULT '{}',  -- JSON (e.g. the emojis of a reaction)
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    last_error TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- Content-addressed files: id is the SHA-256 of the bytes (hex), the bytes live under <data_dir>/files.
CREATE TABLE files (
    id TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    mime TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
