#pragma once

#include "channels/Connector.h"

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
// above the cap, or `failed` with the reason. Each change is a `message.updated` event. Pending attachments
// left by a restart are picked up again by `resume()`.
class MediaFetcher : public QObject {
    Q_OBJECT
public:
    using ConnectorLookup = std::function<channels::Connector *(qint64 channelId)>;
    MediaFetcher(storage::Database &db, files::FileStore &files, ConnectorLookup connectors, qint64 maxBytes,
                 QObject *parent = nullptr);

    void fetch(qint64 messageId);
    // Fetches every attachment still pending (after a restart).
    void resume();

Q_SIGNALS:
    void finished(qint64 messageId, const QString &state);

private:
    void record(qint64 messageId, const QString &state, const QString &fileId, const QString &mime,
                qint64 size, const QString &reason);

    storage::Database &m_db;
    files::FileStore &m_files;
    ConnectorLookup m_connectors;
    qint64 m_maxBytes;
    QSet<qint64> m_inFlight;
};

} // namespace era::dialogs
