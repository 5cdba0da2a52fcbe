#include "model/DeskMessage.h"

#include <era/content/ContentJson.h>

using namespace Qt::StringLiterals;

namespace era::desk {

std::optional<DeskMessage> DeskMessage::fromJson(const QJsonObject &json, QString *error)
{
    auto fail = [&](const QString &why) -> std::optional<DeskMessage> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    DeskMessage m;
    m.id = json.value(u"id"_s).toInteger();
    if (m.id <= 0)
        return fail(u"id: must be a positive integer"_s);
    m.dialogId = json.value(u"dialog_id"_s).toInteger();
    m.clientId = json.value(u"client_id"_s).toString();
    m.direction = json.value(u"direction"_s).toString();
    if (m.direction != u"in"_s && m.direction != u"out"_s && m.direction != u"system"_s)
        return fail(u"direction: in, out or system"_s);
    m.author = json.value(u"author"_s).toString();
    auto content = content::fromJson<content::Content>(json.value(u"content"_s).toObject());
    if (!content)
        return fail(u"content."_s + content.error().field + u": "_s + content.error().message);
    m.content = std::move(*content);
    m.status = json.value(u"status"_s).toString();
    m.failure = json.value(u"failure"_s).toString();
    m.createdAt = content::timeFromJson(json.value(u"created_at"_s).toString());
    return m;
}

} // namespace era::desk
