#include "dialogs/DialogService.h"

#include "core/Time.h"
#include "dialogs/Access.h"
#include "dialogs/Records.h"
#include "queues/QueueService.h"
#include "storage/Database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <era/content/ContentJson.h>
#include <era/content/Preview.h>

namespace era::dialogs {

using namespace Qt::StringLiterals;
using access::allowed;
using access::isStaff;
using accounts::Principal;
using storage::Connection;
using storage::WriteTx;

namespace {

Result<DialogRecord> loadDialog(Connection &c, qint64 id)
{
    auto d = records::dialog(c, id);
    if (!d)
        return d.error();
    if (!d->has_value())
        return Error{u"not_found"_s, u"no dialog with id %1"_s.arg(id)};
    return **d;
}

// Dialog rows joined with what a list shows: subscriber name and username, channel, the last message, and the
// number of incoming messages after the read marker of the caller, who is always $1. `pick` (WHERE, ORDER BY,
// LIMIT over `dialogs d`) chooses the dialogs first, so the per-row subqueries run only for the rows
// returned; `order` sorts them again outside. The last message is found by MAX(id) and the unread ones by an
// id range, both through messages_by_dialog.
QString summarySelect(const QString &pick, const QString &order)
{
    return u"SELECT "_s + records::prefixed(records::dialogColumns, u"d"_s) +
           u", s.name, s.username, c.kind, c.name, lm.id, lm.direction, lm.content, "
           "(SELECT COUNT(*) FROM messages m WHERE m.dialog_id = d.id AND m.direction = 'in' "
           "AND m.id > COALESCE(r.message_id, 0)) "
           "FROM (SELECT * FROM dialogs d "_s +
           pick +
           u") d JOIN subscribers s ON s.id = d.subscriber_id "
           "JOIN channels c ON c.id = d.channel_id "
           "LEFT JOIN dialog_reads r ON r.dialog_id = d.id AND r.user_id = $1 "
           "LEFT JOIN messages lm ON lm.id = (SELECT MAX(m.id) FROM messages m WHERE m.dialog_id = d.id) "_s +
           order;
}

QJsonObject summaryFrom(const QVariantList &row)
{
    const DialogRecord d = records::dialogFrom(row);
    QJsonObject o = d.toJson();
    const int n = int(records::dialogColumns.count(u',')) + 1;
    o.insert(u"subscriber_name"_s, row.at(n).toString());
    o.insert(u"subscriber_username"_s, row.at(n + 1).toString());
    o.insert(u"channel_kind"_s, row.at(n + 2).toString());
    o.insert(u"channel_name"_s, row.at(n + 3).toString());
    if (!row.at(n + 4).isNull()) {
        o.insert(u"last_message_id"_s, row.at(n + 4).toLongLong());
        o.insert(u"last_message_direction"_s, row.at(n + 5).toString());
        o.insert(u"last_message"_s, QJsonDocument::fromJson(row.at(n + 6).toString().toUtf8()).object());
    }
    o.insert(u"unread"_s, row.at(n + 7).toLongLong());
    return o;
}

// The id of the newest message this user has read in the dialog (0: none yet).
Result<qint64> readMarker(Connection &c, qint64 dialogId, qint64 userId)
{
    auto r = c.exec(u"SELECT message_id FROM dialog_reads WHERE dialog_id = $1 AND user_id = $2"_s,
                    {dialogId, userId});
    if (!r)
        return r.error();
    return r->isEmpty() ? qint64(0) : r->at(0, 0).toLongLong();
}

// Incoming messages after the marker: what the customer wrote that this user has not read.
Result<qint64> unreadAfter(Connection &c, qint64 dialogId, qint64 marker)
{
    auto r = c.exec(u"SELECT COUNT(*) FROM messages WHERE dialog_id = $1 AND direction = 'in' AND id > $2"_s,
                    {dialogId, marker});
    if (!r)
        return r.error();
    return r->at(0, 0).toLongLong();
}

Status appendDialogEvent(WriteTx &tx, const QString &name, const QStringList &audience,
                         const QJsonObject &data)
{
    auto e = tx.appendEvent(name, audience, data);
    return e ? ok() : Status(e.error());
}

QStringList withSupervisors(QStringList audience)
{
    for (const QString &s : {u"role:supervisor"_s, u"role:admin"_s})
        if (!audience.contains(s))
            audience.append(s);
    return audience;
}

// Checks an operator's outgoing content and completes attachment facts from the file store's table. A message
// may show only files its author may read: sending a file's id would otherwise make the file readable to
// whoever reads the dialog.
Result<content::Content> outgoingContent(WriteTx &tx, const QJsonObject &json, const Principal &actor,
                                         const QList<qint64> &offeredToActor)
{
    auto parsed = content::fromJson<content::Content>(json);
    if (!parsed)
        return Error{u"bad_args"_s, u"content.%1: %2"_s.arg(parsed.error().field, parsed.error().message)};
    content::Content c;
    c.body = parsed->body;
    Status verdict = std::visit(
        [&](auto &body) -> Status {
            using B = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<B, content::Text>) {
                if (body.text.trimmed().isEmpty())
                    return Error{u"bad_args"_s, u"content.text: empty"_s};
                if (body.text.size() > 10000)
                    return Error{u"bad_args"_s, u"content.text: longer than 10000 characters"_s};
                return ok();
            } else if constexpr (std::is_same_v<B, content::Image> || std::is_same_v<B, content::Document>) {
                auto f = tx.exec(u"SELECT size, mime FROM files WHERE id = $1"_s, {body.file.fileId});
                if (!f)
                    return f.error();
                if (f->isEmpty())
                    return Error{u"bad_args"_s, u"content.file.id: no uploaded file with this id"_s};
                for (const QString &id : {body.file.fileId, body.file.thumbnailFileId})
                    if (!id.isEmpty())
                        if (Status s = access::fileReadable(tx.connection(), actor, id, offeredToActor); !s)
                            return Error{s.error().code == u"not_found"_s ? u"bad_args"_s : s.error().code,
                                         u"content.file: "_s + s.error().message};
                body.file.state = content::AttachmentState::Ready;
                body.file.sizeBytes = f->at(0, 0).toLongLong();
                body.file.mimeType = f->at(0, 1).toString();
                if constexpr (std::is_same_v<B, content::Image>)
                    if (!body.file.mimeType.startsWith(u"image/"_s))
                        return Error{
                            u"bad_args"_s,
                            u"content: an image must be an image file, this is %1"_s.arg(body.file.mimeType)};
                return ok();
            } else if constexpr (std::is_same_v<B, content::Location>) {
                return ok();
            } else {
                return Error{u"bad_args"_s,
                             u"content.kind: operators send text, image, document or location"_s};
            }
        },
        c.body);
    if (!verdict)
        return verdict.error();
    return c;
}

} // namespace

DialogService::DialogService(storage::Database &db, queues::QueueService &queues, QObject *parent)
    : QObject(parent), m_db(db), m_queues(queues)
{}

void DialogService::list(const Principal &actor, QObject *context, Reply<QJsonObject> done)
{
    const QList<queues::QueueService::OfferTerms> offered = m_queues.offerTermsOf(actor.user.id);
    const bool staff = isStaff(actor);
    const qint64 me = actor.user.id;
    m_db.read<QJsonObject>(
        context,
        [=](Connection &c) -> Result<QJsonObject> {
            // $1 is the caller; `params` are $2 onwards.
            auto run = [&](const QString &pick, const QString &order,
                           const QVariantList &params) -> Result<QJsonArray> {
                auto r = c.exec(summarySelect(pick, order), QVariantList{me} + params);
                if (!r)
                    return r.error();
                QJsonArray out;
                for (const QVariantList &row : r->rows)
                    out.append(summaryFrom(row));
                return out;
            };
            const QString newestFirst = u"ORDER BY d.last_message_at DESC"_s;
            auto active =
                staff ? run(u"WHERE d.state <> 'closed' "_s + newestFirst + u" LIMIT 500"_s, newestFirst, {})
                      : run(u"WHERE d.state = 'active' AND d.operator_id = $1"_s, newestFirst, {});
            if (!active)
                return active.error();
            QJsonArray offers;
            for (const queues::QueueService::OfferTerms &o : offered) {
                auto r = run(u"WHERE d.id = $2"_s, {}, {o.dialogId});
                if (!r)
                    return r.error();
                for (const QJsonValue &v : *r) {
                    QJsonObject summary = v.toObject();
                    summary.insert(u"offer_expires_at"_s, isoTime(o.expiresAt));
                    summary.insert(u"offer_timeout_sec"_s, o.timeoutSec);
                    offers.append(summary);
                }
            }
            auto finished =
                run(u"WHERE d.state = 'closed' AND d.closed_by = $1 ORDER BY d.closed_at DESC LIMIT 20"_s,
                    u"ORDER BY d.closed_at DESC"_s, {});
            if (!finished)
                return finished.error();
            return QJsonObject{{u"active"_s, *active}, {u"offered"_s, offers}, {u"finished"_s, *finished}};
        },
        std::move(done));
}

void DialogService::open(const Principal &actor, qint64 dialogId, QObject *context, Reply<QJsonObject> done)
{
    const bool offered = m_queues.isOfferedTo(dialogId, actor.user.id);
    const int position = m_queues.positionOf(dialogId);
    m_db.read<QJsonObject>(
        context,
        [=](Connection &c) -> Result<QJsonObject> {
            auto d = loadDialog(c, dialogId);
            if (!d)
                return d.error();
            if (Status s = allowed(actor, *d, Access::Read, offered); !s)
                return s.error();
            auto sub = records::subscriber(c, d->subscriberId);
            if (!sub)
                return sub.error();
            auto channel = c.exec(u"SELECT id, kind, name FROM channels WHERE id = $1"_s, {d->channelId});
            if (!channel)
                return channel.error();
            auto marker = readMarker(c, dialogId, actor.user.id);
            if (!marker)
                return marker.error();
            auto unread = unreadAfter(c, dialogId, *marker);
            if (!unread)
                return unread.error();
            auto earlier =
                c.exec(u"SELECT "_s + records::dialogColumns +
                           u" FROM dialogs WHERE subscriber_id = $1 AND id <> $2 ORDER BY opened_at DESC "
                           "LIMIT 50"_s,
                       {d->subscriberId, dialogId});
            if (!earlier)
                return earlier.error();
            QJsonArray before;
            for (const QVariantList &row : earlier->rows)
                before.append(records::dialogFrom(row).toJson());
            QJsonObject dialog = d->toJson();
            dialog.insert(u"queue_position"_s, position);
            dialog.insert(u"unread"_s, *unread);
            QJsonObject channelJson;
            if (!channel->isEmpty())
                channelJson = {{u"id"_s, channel->at(0, 0).toLongLong()},
                               {u"kind"_s, channel->at(0, 1).toString()},
                               {u"name"_s, channel->at(0, 2).toString()}};
            return QJsonObject{{u"dialog"_s, dialog},
                               {u"channel"_s, channelJson},
                               {u"subscriber"_s, sub->has_value() ? (*sub)->toJson() : QJsonObject()},
                               {u"earlier_dialogs"_s, before}};
        },
        std::move(done));
}

void DialogService::history(const Principal &actor, qint64 dialogId, qint64 beforeId, int limit,
                            QObject *context, Reply<QJsonObject> done)
{
    if (limit < 1 || limit > 200)
        return done(Error{u"bad_args"_s, u"limit: 1-200"_s});
    const bool offered = m_queues.isOfferedTo(dialogId, actor.user.id);
    m_db.read<QJsonObject>(
        context,
        [=](Connection &c) -> Result<QJsonObject> {
            auto d = loadDialog(c, dialogId);
            if (!d)
                return d.error();
            if (Status s = allowed(actor, *d, Access::Read, offered); !s)
                return s.error();
            auto r =
                c.exec(u"SELECT "_s + records::messageColumns +
                           u" FROM messages WHERE dialog_id = $1 AND ($2 = 0 OR id < $2) ORDER BY id DESC "
                           "LIMIT $3"_s,
                       {dialogId, beforeId, limit + 1});
            if (!r)
                return r.error();
            QJsonArray messages;
            for (qsizetype i = 0; i < std::min<qsizetype>(r->size(), limit); ++i) {
                auto m = records::messageFrom(r->rows.at(i));
                if (!m)
                    return m.error();
                messages.append(m->toJson());
            }
            return QJsonObject{
                {u"dialog_id"_s, dialogId}, {u"messages"_s, messages}, {u"has_more"_s, r->size() > limit}};
        },
        std::move(done));
}

void DialogService::markRead(const Principal &actor, qint64 dialogId, qint64 messageId, QObject *context,
                             Reply<QJsonObject> done)
{
    const bool offered = m_queues.isOfferedTo(dialogId, actor.user.id);
    const qint64 me = actor.user.id;
    m_db.write<QJsonObject>(
        context,
        [=](WriteTx &tx) -> Result<QJsonObject> {
            auto d = loadDialog(tx.connection(), dialogId);
            if (!d)
                return d.error();
            if (Status s = allowed(actor, *d, Access::Read, offered); !s)
                return s.error();
            auto m = tx.exec(u"SELECT dialog_id FROM messages WHERE id = $1"_s, {messageId});
            if (!m)
                return m.error();
            if (m->isEmpty() || m->at(0, 0).toLongLong() != dialogId)
                return Error{u"bad_args"_s, u"message_id: no message %1 in this dialog"_s.arg(messageId)};
            // The statement itself keeps the marker from moving back; a row comes back only when it moved.
            auto moved = tx.exec(u"INSERT INTO dialog_reads (dialog_id, user_id, message_id, updated_at) "
                                 "VALUES ($1, $2, $3, $4) ON CONFLICT (dialog_id, user_id) DO UPDATE SET "
                                 "message_id = excluded.message_id, updated_at = excluded.updated_at "
                                 "WHERE dialog_reads.message_id < excluded.message_id RETURNING message_id"_s,
                                 {dialogId, me, messageId, nowMs()});
            if (!moved)
                return moved.error();
            auto marker =
                moved->isEmpty() ? readMarker(tx.connection(), dialogId, me) : Result<qint64>(messageId);
            if (!marker)
                return marker.error();
            auto unread = unreadAfter(tx.connection(), dialogId, *marker);
            if (!unread)
                return unread.error();
            const QJsonObject data{
                {u"dialog_id"_s, dialogId}, {u"message_id"_s, *marker}, {u"unread"_s, *unread}};
            // Only the caller's own sessions: a read marker is nobody else's business.
            if (!moved->isEmpty())
                if (Status s = appendDialogEvent(tx, u"dialog.read"_s, {u"user:%1"_s.arg(me)}, data); !s)
                    return s.error();
            return data;
        },
        std::move(done));
}

void DialogService::send(const Principal &actor, qint64 dialogId, const QString &clientId,
                         const QJsonObject &contentJson, qint64 replyTo, QObject *context,
                         Reply<QJsonObject> done)
{
    if (clientId.isEmpty() || clientId.size() > 100)
        return done(Error{u"bad_args"_s, u"client_id: 1-100 characters"_s});
    const QString author = u"user:%1"_s.arg(actor.user.id);
    const QList<qint64> offered = m_queues.offersOf(actor.user.id);
    QPointer<DialogService> self(this);
    m_db.write<QJsonObject>(
        context,
        [=](WriteTx &tx) -> Result<QJsonObject> {
            // The same client id again: the first one's result, nothing new stored or sent.
            auto existing = tx.exec(u"SELECT "_s + records::messageColumns +
                                        u" FROM messages WHERE author = $1 AND client_id = $2"_s,
                                    {author, clientId});
            if (!existing)
                return existing.error();
            if (!existing->isEmpty()) {
                auto m = records::messageFrom(existing->rows.at(0));
                if (!m)
                    return m.error();
                if (m->dialogId != dialogId)
                    return Error{u"bad_args"_s, u"client_id: already used for a message in another dialog"_s};
                return QJsonObject{{u"message"_s, m->toJson()}, {u"duplicate"_s, true}};
            }
            auto d = loadDialog(tx.connection(), dialogId);
            if (!d)
                return d.error();
            if (Status s = allowed(actor, *d, Access::Write, false); !s)
                return s.error();
            auto c = outgoingContent(tx, contentJson, actor, offered);
            if (!c)
                return c.error();
            if (replyTo > 0) {
                auto quoted = records::message(tx.connection(), replyTo);
                if (!quoted)
                    return quoted.error();
                if (!quoted->has_value() || (*quoted)->dialogId != dialogId)
                    return Error{u"bad_args"_s, u"reply_to: no message %1 in this dialog"_s.arg(replyTo)};
                c->replyTo = content::ReplyTo{replyTo, QString(), (*quoted)->content.kind(),
                                              content::plainPreview((*quoted)->content, 80)};
            }
            const qint64 now = nowMs();
            auto r = tx.exec(
                u"INSERT INTO messages (dialog_id, channel_id, direction, author, client_id, content, "
                "reply_to, status, created_at) VALUES ($1, $2, 'out', $3, $4, $5, $6, 'pending', $7) "
                "RETURNING "_s +
                    records::messageColumns,
                {dialogId, d->channelId, author, clientId, records::contentText(*c),
                 replyTo > 0 ? QVariant(replyTo) : QVariant(), now});
            if (!r)
                return r.error();
            auto m = records::messageFrom(r->rows.at(0));
            if (!m)
                return m.error();
            if (Status s = records::linkFiles(tx.connection(), m->id, *c); !s)
                return s.error();
            if (auto o =
                    tx.exec(u"INSERT INTO outbox (message_id, action, next_attempt_at, state, created_at) "
                            "VALUES ($1, 'send', $2, 'pending', $2)"_s,
                            {m->id, now});
                !o)
                return o.error();
            if (auto u = tx.exec(u"UPDATE dialogs SET last_message_at = $2 WHERE id = $1"_s, {dialogId, now});
                !u)
                return u.error();
            if (Status s = appendDialogEvent(tx, u"message.created"_s, records::audienceOf(*d),
                                             {{u"dialog_id"_s, dialogId}, {u"message"_s, m->toJson()}});
                !s)
                return s.error();
            return QJsonObject{{u"message"_s, m->toJson()}, {u"duplicate"_s, false}};
        },
        [self, done](Result<QJsonObject> r) {
            if (r && self && !r->value(u"duplicate"_s).toBool())
                Q_EMIT self->outboxReady();
            done(r);
        });
}

void DialogService::react(const Principal &actor, qint64 messageId, const QStringList &emojis,
                          QObject *context, Reply<QJsonObject> done)
{
    if (emojis.size() > 3)
        return done(Error{u"bad_args"_s, u"emojis: at most 3"_s});
    for (const QString &e : emojis)
        if (e.isEmpty() || e.size() > 32)
            return done(Error{u"bad_args"_s, u"emojis: each 1-32 characters"_s});
    QPointer<DialogService> self(this);
    m_db.write<QJsonObject>(
        context,
        [=](WriteTx &tx) -> Result<QJsonObject> {
            auto found = records::message(tx.connection(), messageId);
            if (!found)
                return found.error();
            if (!found->has_value())
                return Error{u"not_found"_s, u"no message with id %1"_s.arg(messageId)};
            MessageRecord m = **found;
            auto d = loadDialog(tx.connection(), m.dialogId);
            if (!d)
                return d.error();
            if (Status s = allowed(actor, *d, Access::Write, false); !s)
                return s.error();
            const content::Actor me{content::Actor::Type::User, actor.user.id};
            m.content.reactions.removeIf([&](const content::Reaction &r) { return r.actor == me; });
            const QDateTime at = QDateTime::currentDateTimeUtc();
            for (const QString &e : emojis)
                m.content.reactions.append(content::Reaction{me, e, at});
            if (auto u = tx.exec(u"UPDATE messages SET content = $2 WHERE id = $1"_s,
                                 {m.id, records::contentText(m.content)});
                !u)
                return u.error();
            const bool deliver = !m.externalId.isEmpty();
            if (deliver) {
                const QJsonObject payload{{u"emojis"_s, QJsonArray::fromStringList(emojis)},
                                          {u"target_message_id"_s, m.id}};
                if (auto o = tx.exec(
                        u"INSERT INTO outbox (message_id, action, payload, next_attempt_at, state, "
                        "created_at) VALUES ($1, 'react', $2, $3, 'pending', $3)"_s,
                        {m.id, QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact)),
                         nowMs()});
                    !o)
                    return o.error();
            }
            if (Status s = appendDialogEvent(tx, u"message.reactions"_s, records::audienceOf(*d),
                                             {{u"dialog_id"_s, d->id}, {u"message"_s, m.toJson()}});
                !s)
                return s.error();
            return QJsonObject{{u"message"_s, m.toJson()}, {u"delivered_to_channel"_s, deliver}};
        },
        [self, done](Result<QJsonObject> r) {
            if (r && self && r->value(u"delivered_to_channel"_s).toBool())
                Q_EMIT self->outboxReady();
            done(r);
        });
}

void DialogService::finish(const Principal &actor, qint64 dialogId, QObject *context, Reply<QJsonObject> done)
{
    QPointer<DialogService> self(this);
    m_db.write<QJsonObject>(
        context,
        [=](WriteTx &tx) -> Result<QJsonObject> {
            auto d = loadDialog(tx.connection(), dialogId);
            if (!d)
                return d.error();
            if (!(isStaff(actor) && d->state != u"closed"_s))
                if (Status s = allowed(actor, *d, Access::Write, false); !s)
                    return s.error();
            const qint64 now = nowMs();
            auto r =
                tx.exec(u"UPDATE dialogs SET state = 'closed', closed_at = $2, closed_by = $3 WHERE id = $1 "
                        "AND state <> 'closed'"_s,
                        {dialogId, now, actor.user.id});
            if (!r)
                return r.error();
            QJsonObject data{
                {u"dialog_id"_s, dialogId},
                {u"closed_at"_s, isoTime(now)},
                {u"closed_by"_s, actor.user.id},
                {u"operator_id"_s, d->operatorId > 0 ? QJsonValue(d->operatorId) : QJsonValue()}};
            if (Status s =
                    appendDialogEvent(tx, u"dialog.closed"_s, withSupervisors(records::audienceOf(*d)), data);
                !s)
                return s.error();
            return data;
        },
        [self, dialogId, done](Result<QJsonObject> r) {
            if (r && self) {
                const qint64 op = r->value(u"operator_id"_s).toInteger();
                if (op > 0)
                    self->m_queues.released(dialogId, op);
                else
                    self->m_queues.closed(dialogId); // a waiting dialog finished by a supervisor
            }
            done(r);
        });
}

void DialogService::transfer(const Principal &actor, qint64 dialogId, qint64 toQueue, qint64 toOperator,
                             QObject *context, Reply<QJsonObject> done)
{
    if ((toQueue > 0) == (toOperator > 0))
        return done(Error{u"bad_args"_s, u"give exactly one of queue_id and operator_id"_s});
    if (toOperator > 0 && !m_queues.isConnected(toOperator))
        return done(Error{u"unavailable"_s, u"operator %1 is not connected"_s.arg(toOperator)});
    if (toOperator == actor.user.id)
        return done(Error{u"bad_args"_s, u"operator_id: the dialog is yours already"_s});
    QPointer<DialogService> self(this);
    m_db.write<QJsonObject>(
        context,
        [=](WriteTx &tx) -> Result<QJsonObject> {
            auto d = loadDialog(tx.connection(), dialogId);
            if (!d)
                return d.error();
            if (!(isStaff(actor) && d->state == u"active"_s))
                if (Status s = allowed(actor, *d, Access::Write, false); !s)
                    return s.error();
            if (toQueue > 0) {
                auto q = tx.exec(u"SELECT 1 FROM queues WHERE id = $1"_s, {toQueue});
                if (!q)
                    return q.error();
                if (q->isEmpty())
                    return Error{u"bad_args"_s, u"queue_id: no queue with id %1"_s.arg(toQueue)};
            } else {
                auto u = tx.exec(u"SELECT disabled FROM users WHERE id = $1"_s, {toOperator});
                if (!u)
                    return u.error();
                if (u->isEmpty() || u->at(0, 0).toLongLong() != 0)
                    return Error{u"bad_args"_s, u"operator_id: no active user with id %1"_s.arg(toOperator)};
            }
            const qint64 now = nowMs();
            auto r =
                toQueue > 0
                    ? tx.exec(
                          u"UPDATE dialogs SET state = 'waiting', operator_id = NULL, assigned_at = NULL, "
                          "queue_id = $2 WHERE id = $1"_s,
                          {dialogId, toQueue})
                    : tx.exec(u"UPDATE dialogs SET operator_id = $2, assigned_at = $3 WHERE id = $1"_s,
                              {dialogId, toOperator, now});
            if (!r)
                return r.error();
            QStringList audience = withSupervisors(records::audienceOf(*d));
            if (toOperator > 0)
                audience.append(u"user:%1"_s.arg(toOperator));
            const QJsonObject data{
                {u"dialog_id"_s, dialogId},
                {u"from_operator_id"_s, d->operatorId},
                {u"to_queue_id"_s, toQueue > 0 ? QJsonValue(toQueue) : QJsonValue()},
                {u"to_operator_id"_s, toOperator > 0 ? QJsonValue(toOperator) : QJsonValue()},
                {u"by"_s, actor.user.id}};
            if (Status s = appendDialogEvent(tx, u"dialog.transferred"_s, audience, data); !s)
                return s.error();
            return data;
        },
        [self, dialogId, toQueue, toOperator, done](Result<QJsonObject> r) {
            if (r && self) {
                const qint64 from = r->value(u"from_operator_id"_s).toInteger();
                if (from > 0)
                    self->m_queues.released(dialogId, from);
                if (toQueue > 0)
                    self->m_queues.requeue(dialogId, toQueue);
                else
                    self->m_queues.adopted(dialogId, toOperator);
            }
            done(r);
        });
}

} // namespace era::dialogs
