#pragma once

#include "channels/Connector.h"
#include "core/Result.h"

#include <QObject>
#include <memory>

namespace era::storage {
class Database;
}

namespace era::dialogs {

class SubscriberCache;
class IngestQueue;

// Turns what connectors receive into stored subscribers, dialogs and messages, deduplicated on the provider's
// message ids. A delivery (one call of ingest) is atomic: all of its events are stored, with the connector's
// resume cursor, or none. Deliveries that arrive while the database writer is busy are written by one write
// job, with one statement for many messages; a delivery that fails there is refused alone. The connector
// confirms to the provider only when `done` reports success (after the durable commit); `done` runs on
// `context`'s thread and is dropped if the context is gone.
class IngestService : public QObject {
    Q_OBJECT
public:
    explicit IngestService(storage::Database &db, QObject *parent = nullptr);
    ~IngestService() override;

    struct Outcome {
        int stored = 0;
        int duplicates = 0;
        QList<qint64> openedDialogs; // new dialogs, for the router
        QList<qint64> pendingMedia;  // messages whose attachments wait for download
    };
    void ingest(qint64 channelId, const QList<channels::InboundEvent> &events, const QString &cursor,
                QObject *context, std::function<void(Result<Outcome>)> done);

    // A waiting dialog that never reached a queue: the server stopped between its commit and its routing, or
    // its channel had no default queue then. With the channel's default queue now (0: still none).
    struct Unrouted {
        qint64 dialogId = 0;
        qint64 channelId = 0;
        qint64 defaultQueueId = 0;
    };
    // Those of one channel (0: of every channel), oldest first.
    void unrouted(qint64 channelId, QObject *context, std::function<void(Result<QList<Unrouted>>)> done);

Q_SIGNALS:
    // After the commit, for each new dialog (the router's seam) and each message with a pending attachment.
    void dialogOpened(qint64 dialogId, qint64 channelId);
    void mediaPending(qint64 messageId);

private:
    storage::Database &m_db;
    std::shared_ptr<SubscriberCache> m_subscribers; // shared with the write jobs on the writer thread
    std::shared_ptr<IngestQueue> m_queue;           // deliveries waiting for the next write job
};

} // namespace era::dialogs
