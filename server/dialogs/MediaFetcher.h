#pragma once

#include "channels/Connector.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <functional>

namespace era::storage {
class Database;
}
namespace era::files {
class FileStore;
}

namespace era::dialogs {

// Downloads the attachments of received messages (stored first as `pending`) through their channel's
// connector into the file store, then records the file on the message: `ready` with the file id, `too_large`
// above the cap, or `failed` with the reason. A passing fault (network, timeout, 5xx, 429) keeps the
// attachment `pending` and tries again with backoff; only after maxAttempts does it become `failed`. Each
// recorded change is a `message.updated` event. Pending attachments left by a restart are picked up again by
// `resume()` (with a fresh count of attempts).
class MediaFetcher : public QObject {
    Q_OBJECT
public:
    using ConnectorLookup = std::function<channels::Connector *(qint64 channelId)>;

    struct Options {
        qint64 maxBytes = 20LL * 1024 * 1024;
        qint64 initialBackoffMs = 1000; // the first retry waits about this long, then doubling
        qint64 maxBackoffMs = 300000;
        int maxAttempts = 12; // tries before "gave up after N attempts: ..." (9 to 18 minutes with defaults)
    };

    MediaFetcher(storage::Database &db, files::FileStore &files, ConnectorLookup connectors, Options options,
                 QObject *parent = nullptr);
    MediaFetcher(storage::Database &db, files::FileStore &files, ConnectorLookup connectors, qint64 maxBytes,
                 QObject *parent = nullptr);

    void fetch(qint64 messageId);
    // Fetches every attachment still pending (after a restart); those waiting for a retry keep waiting.
    void resume();

Q_SIGNALS:
    // After the commit that recorded the attachment's final state.
    void finished(qint64 messageId, const QString &state);
    // A passing fault: try `attempt` failed with `error`, the next one starts in `delayMs`.
    void retryScheduled(qint64 messageId, int attempt, qint64 delayMs, const QString &error);

private:
    void attempt(qint64 messageId);
    void settle(qint64 messageId, const Error &error);
    qint64 backoffMs(int attempt, int retryAfterSec) const;
    void record(qint64 messageId, const QString &state, const QString &fileId, const QString &mime,
                qint64 size, const QString &reason);
    void release(qint64 messageId);

    storage::Database &m_db;
    files::FileStore &m_files;
    ConnectorLookup m_connectors;
    Options m_options;
    QSet<qint64> m_inFlight;       // being fetched, being recorded, or waiting for a retry
    QHash<qint64, int> m_attempts; // failed tries so far, of the messages waiting for a retry
};

} // namespace era::dialogs
