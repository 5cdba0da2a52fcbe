#pragma once

#include "core/Event.h"
#include "core/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>

// The text of the frames the server sends most (docs/protocol.md), written directly rather than through a
// QJsonObject: an event frame embeds the event's data as the store serialized it, and a reply embeds its
// result. The text is what QJsonDocument would write for the same frame (keys in its order).
namespace era::api::frames {

// {"data":...,"name":...,"seq":...,"type":"event"}
QByteArray event(const Event &event);
// {"id":...,"ok":true,"result":...,"type":"res"}, or with "error" and "ok":false.
QByteArray reply(const QJsonValue &id, const Result<QJsonObject> &result);

} // namespace era::api::frames
