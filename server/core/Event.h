#pragma once

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace era {

// Who may see an event. Each entry is one token:
//   "user:<id>"   one user            "role:<name>"  every user with that role (admin, supervisor, operator)
//   "queue:<id>"  members of a queue  "room:<id>"    members of an internal chat room
//   "visitor:<id>" one widget visitor "all"          every authenticated user
using Audience = QStringList;

// One change in the system, as stored in the event log and pushed to clients.
struct Event {
    qint64 seq = 0; // global, increasing, assigned by the store at append time
    QString name;   // e.g. "user.created"; every name is listed in docs/protocol.md
    Audience audience;
    QJsonObject data;
    QDateTime at;
    // `data` as compact JSON when the store has it (the text of the event's row), so that the row and the
    // frames pushed to clients share one serialization; empty for an event made elsewhere.
    QByteArray dataJson;
};

// `data` as compact JSON: the store's text, or made now.
inline QByteArray dataJsonOf(const Event &e)
{
    return e.dataJson.isEmpty() ? QJsonDocument(e.data).toJson(QJsonDocument::Compact) : e.dataJson;
}

using EventList = QList<Event>;

} // namespace era

Q_DECLARE_METATYPE(era::Event)
Q_DECLARE_METATYPE(era::EventList)
