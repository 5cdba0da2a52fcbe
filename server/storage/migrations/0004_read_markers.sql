-- Read markers: the newest message of a dialog each user has read (dialog.read). A dialog's unread count for a
-- user is the number of its incoming messages with a larger id, found through messages_by_dialog.
CREATE TABLE dialog_reads (
    dialog_id BIGINT NOT NULL REFERENCES dialogs (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    message_id BIGINT NOT NULL,          -- only moves forward
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (dialog_id, user_id)
);
