#pragma once

#include <QJsonObject>
#include <QString>

namespace era::channels {

// One connected account at a provider, as admins see it. Credentials never leave the server.
struct Channel {
    qint64 id = 0;
    QString kind; // "telegram", ...
    QString name;
    bool enabled = true;
    qint64 defaultQueueId = 0; // 0: none
    QJsonObject settings;      // nothing secret
    bool hasCredentials = false;
    QString state; // what the connector last said: "running", "error: ...", "stopped"
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    QJsonObject toJson() const;
};

} // namespace era::channels
