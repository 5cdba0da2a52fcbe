#pragma once

#include "channels/Connector.h"
#include "core/Result.h"

#include <QHash>
#include <QJsonObject>
#include <functional>
#include <memory>

namespace era::channels {

// What the platform knows about one kind of channel: how to check its settings and credentials, and how to
// make its connector. Each provider folder registers one; the channel service knows no provider.
struct ConnectorKind {
    QString kind;
    // Checks settings (not secret) and credentials (secret) for this kind; Error{"bad_args", "<field>: ..."}.
    std::function<Status(const QJsonObject &settings, const QJsonObject &credentials)> validate;
    // The settings a new channel starts with, merged under what the admin gave.
    QJsonObject defaultSettings;
    std::function<std::unique_ptr<Connector>(qint64 channelId, const QJsonObject &settings,
                                             const QJsonObject &credentials)>
        create;
};

class ConnectorKinds {
public:
    void add(ConnectorKind kind) { m_kinds.insert(kind.kind, std::move(kind)); }
    const ConnectorKind *find(const QString &kind) const
    {
        auto it = m_kinds.constFind(kind);
        return it == m_kinds.cend() ? nullptr : &*it;
    }
    QStringList names() const { return m_kinds.keys(); }

private:
    QHash<QString, ConnectorKind> m_kinds;
};

} // namespace era::channels
