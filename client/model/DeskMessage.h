#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <era/content/Content.h>
#include <optional>

namespace era::desk {

// One message of a dialog as the desk holds it: a stored message from the server (id > 0), or one the
// operator is sending that the server has not stored yet (id 0, known by its client id).
struct DeskMessage {
    qint64 id = 0;
    qint64 dialogId = 0;
    QString clientId;
    QString direction; // in | out | system
    QString author;    // subscriber:<id> | user:<id> | system
    content::Content content;
    QString status; // received | sending (local) | pending | sent | failed
    QString failure;
    QDateTime createdAt;
    double uploadProgress = -1; // 0..1 while a local attachment uploads, else -1

    bool isLocal() const { return id == 0; }
    bool isOutgoing() const { return direction == u"out"; }

    // The Message object of docs/protocol.md 5.11; nullopt (with the reason) when it is not one.
    static std::optional<DeskMessage> fromJson(const QJsonObject &json, QString *error = nullptr);
};

} // namespace era::desk
