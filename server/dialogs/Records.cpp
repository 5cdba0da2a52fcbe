#include "dialogs/Records.h"

#include "core/Time.h"

#include <QJsonDocument>
#include <era/content/ContentJson.h>

namespace era::dialogs {

using namespace Qt::StringLiterals;

static QJsonValue idOrNull(qint64 id)
{
    return id > 0 ? QJsonValue(id) : QJsonValue();
}

static QJsonValue timeOrNull(qint64 ms)
{
    return ms > 0 ? QJsonValue(isoTime(ms)) : QJsonValue();
}

QJsonObject MessageRecord::toJson() const
{
    QJsonObject o{{u"id"_s, id},
                  {u"dialog_id"_s, dialogId},
                  {u"direction"_s, direction},
                  {u"author"_s, author},
                  {u"content"_s, content::toJson(content)},
                  {u"status"_s, status},
                  {u"created_at"_s, isoTime(createdAt)}};
    if (!clientId.isEmpty())
        o.insert(u"client_id"_s, clientId);
    if (!failure.isEmpty())
        o.insert(u"failure"_s, failure);
    return o;
}

QJsonObject DialogRecord::toJson() const
{
    return {{u"id"_s, id},
            {u"channel_id"_s, channelId},
            {u"subscriber_id"_s, subscriberId},
            {u"state"_s, state},
            {u"queue_id"_s, idOrNull(queueId)},
            {u"operator_id"_s, idOrNull(operatorId)},
            {u"opened_at"_s, isoTime(openedAt)},
            {u"assigned_at"_s, timeOrNull(assignedAt)},
            {u"closed_at"_s, timeOrNull(closedAt)},
            {u"last_message_at"_s, isoTime(lastMessageAt)}};
}

QJsonObject SubscriberRecord::toJson() const
{
    return {{u"id"_s, id},
            {u"channel_id"_s, channelId},
            {u"name"_s, name},
            {u"username"_s, username},
            {u"language"_s, language},
            {u"profile"_s, profile}};
}

namespace records {

const QString messageColumns = u"id, dialog_id, direction, author, external_id, client_id, content, status, "
                               "failure, created_at"_s;
const QString dialogColumns =
    u"id, channel_id, subscriber_id, external_chat_id, state, queue_id, operator_id, "
    "opened_at, assigned_at, closed_at, last_message_at"_s;

Result<MessageRecord> messageFrom(const QVariantList &r)
{
    MessageRecord m;
    m.id = r.at(0).toLongLong();
    m.dialogId = r.at(1).toLongLong();
    m.direction = r.at(2).toString();
    m.author = r.at(3).toString();
    m.externalId = r.at(4).toString();
    m.clientId = r.at(5).toString();
    auto content =
        content::fromJson<content::Content>(QJsonDocument::fromJson(r.at(6).toString().toUtf8()).object());
    if (!content)
        return Error{u"internal"_s,
                     u"message %1 has unreadable content: %2"_s.arg(m.id).arg(content.error().toString())};
    m.content = *content;
    m.status = r.at(7).toString();
    m.failure = r.at(8).toString();
    m.createdAt = r.at(9).toLongLong();
    return m;
}

DialogRecord dialogFrom(const QVariantList &r)
{
    DialogRecord d;
    d.id = r.at(0).toLongLong();
    d.channelId = r.at(1).toLongLong();
    d.subscriberId = r.at(2).toLongLong();
    d.externalChatId = r.at(3).toString();
    d.state = r.at(4).toString();
    d.queueId = r.at(5).toLongLong();
    d.operatorId = r.at(6).toLongLong();
    d.openedAt = r.at(7).toLongLong();
    d.assignedAt = r.at(8).toLongLong();
    d.closedAt = r.at(9).toLongLong();
    d.lastMessageAt = r.at(10).toLongLong();
    return d;
}

Result<std::optional<DialogRecord>> dialog(storage::Connection &c, qint64 id)
{
    auto r = c.exec(u"SELECT "_s + dialogColumns + u" FROM dialogs WHERE id = $1"_s, {id});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return std::optional<DialogRecord>();
    return std::optional<DialogRecord>(dialogFrom(r->rows.at(0)));
}

Result<std::optional<MessageRecord>> message(storage::Connection &c, qint64 id)
{
    auto r = c.exec(u"SELECT "_s + messageColumns + u" FROM messages WHERE id = $1"_s, {id});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return std::optional<MessageRecord>();
    auto m = messageFrom(r->rows.at(0));
    if (!m)
        return m.error();
    return std::optional<MessageRecord>(*m);
}

Result<std::optional<SubscriberRecord>> subscriber(storage::Connection &c, qint64 id)
{
    auto r = c.exec(u"SELECT id, channel_id, external_id, name, username, language, profile FROM subscribers "
                    "WHERE id = $1"_s,
                    {id});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return std::optional<SubscriberRecord>();
    const QVariantList &row = r->rows.at(0);
    return std::optional<SubscriberRecord>(
        SubscriberRecord{row.at(0).toLongLong(), row.at(1).toLongLong(), row.at(2).toString(),
                         row.at(3).toString(), row.at(4).toString(), row.at(5).toString(),
                         QJsonDocument::fromJson(row.at(6).toString().toUtf8()).object()});
}

QString prefixed(const QString &columns, const QString &alias)
{
    QStringList out;
    for (const QString &c : columns.split(u',', Qt::SkipEmptyParts))
        out.append(alias + u'.' + c.trimmed());
    return out.join(u", "_s);
}

Status linkFiles(storage::Connection &c, qint64 messageId, const content::Content &content)
{
    const QStringList ids = std::visit(
        [](const auto &body) -> QStringList {
            if constexpr (requires { body.file; })
                return {body.file.fileId, body.file.thumbnailFileId};
            else
                return {};
        },
        content.body);
    for (const QString &id : ids) {
        if (id.isEmpty())
            continue;
        auto r = c.exec(u"INSERT INTO message_files (file_id, message_id) VALUES ($1, $2) "
                        "ON CONFLICT (file_id, message_id) DO NOTHING"_s,
                        {id, messageId});
        if (!r)
            return r.error();
    }
    return ok();
}

QString contentText(const content::Content &content)
{
    return QString::fromUtf8(QJsonDocument(content::toJson(content)).toJson(QJsonDocument::Compact));
}

QStringList audienceOf(const DialogRecord &dialog)
{
    QStringList audience{u"role:supervisor"_s, u"role:admin"_s};
    if (dialog.operatorId > 0)
        audience.append(u"user:%1"_s.arg(dialog.operatorId));
    return audience;
}

} // namespace records

} // namespace era::dialogs
