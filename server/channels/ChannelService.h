#pragma once

#include "accounts/User.h"
#include "channels/Channel.h"
#include "channels/ConnectorKind.h"
#include "core/Result.h"

#include <QObject>
#include <functional>
#include <optional>

namespace era {
class SecretBox;
namespace storage {
class Database;
}
} // namespace era

namespace era::channels {

template <typename T>
using Reply = std::function<void(Result<T>)>;

// Admins connect, change and remove channels here (REST and the command line call it). Credentials are
// write-only: sealed with the SecretBox before they reach the database, never returned. Each change appends
// channel.created / channel.updated / channel.deleted for admins and emits changed() so the runtime restarts
// the channel's connector.
class ChannelService : public QObject {
    Q_OBJECT
public:
    ChannelService(storage::Database &db, const SecretBox &secrets, const ConnectorKinds &kinds,
                   QObject *parent = nullptr);

    struct NewChannel {
        QString kind;
        QString name;
        bool enabled = true;
        qint64 defaultQueueId = 0;
        QJsonObject settings;
        QJsonObject credentials;
    };
    struct ChannelPatch {
        std::optional<QString> name;
        std::optional<bool> enabled;
        std::optional<qint64> defaultQueueId;
        std::optional<QJsonObject> settings; // replaces the settings (merged over the kind's defaults)
        std::optional<QJsonObject> credentials;
    };

    void list(const accounts::Principal &actor, QObject *context, Reply<QList<Channel>> done);
    void create(const accounts::Principal &actor, const NewChannel &spec, QObject *context,
                Reply<Channel> done);
    void update(const accounts::Principal &actor, qint64 id, const ChannelPatch &patch, QObject *context,
                Reply<Channel> done);
    // Refused with "conflict" once the channel has conversations: disable it instead.
    void remove(const accounts::Principal &actor, qint64 id, QObject *context, Reply<Done> done);

    // What the runtime needs to run a channel: the record, its opened credentials and where it resumes.
    struct Runnable {
        Channel channel;
        QJsonObject credentials;
        QString cursor;
    };
    void runnable(qint64 id, QObject *context, Reply<std::optional<Runnable>> done);
    void enabledIds(QObject *context, Reply<QList<qint64>> done);
    // Records what the connector says about itself (shown to admins).
    void setState(qint64 id, const QString &state);

    // Blocking forms for the command line.
    Result<Channel> createNow(const NewChannel &spec);
    Result<QList<Channel>> listNow();

Q_SIGNALS:
    void changed(qint64 channelId);

private:
    Status validate(const QString &kind, const QJsonObject &settings, const QJsonObject &credentials) const;

    storage::Database &m_db;
    const SecretBox &m_secrets;
    const ConnectorKinds &m_kinds;
};

} // namespace era::channels
