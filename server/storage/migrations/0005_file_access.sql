-- Who may read a stored file (docs/files.md): staff; whoever uploaded it; whoever may read a dialog with a
-- message that shows it. Written by the files and dialogs code (server/files/, server/dialogs/).

-- Each user who uploaded these bytes (the same bytes uploaded twice are one file with two uploaders).
CREATE TABLE file_uploads (
    file_id TEXT NOT NULL REFERENCES files (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (file_id, user_id)
);

-- The messages whose content shows a file: its attachment or its thumbnail. A link stays when a later edit
-- replaces the attachment (the message showed that file once).
CREATE TABLE message_files (
    file_id TEXT NOT NULL,
    message_id BIGINT NOT NULL REFERENCES messages (id),
    PRIMARY KEY (file_id, message_id)
);

-- Messages stored before this migration. Content is compact JSON, so a file id appears quoted exactly where an
-- attachment names it ("id" or "thumbnail_id"); an id is 64 hex digits, so nothing else can match it. This
-- compares every file with every message once: cheap for the databases that exist before this migration.
INSERT INTO message_files (file_id, message_id)
SELECT f.id, m.id FROM files f, messages m WHERE m.content LIKE '%"' || f.id || '"%';
