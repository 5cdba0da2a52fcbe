#include "dialogs/IngestService.h"

#include "core/Time.h"
#include "dialogs/Records.h"
#include "storage/Database.h"

#include <QHash>
#include <QJsonDocument>
#include <QMutex>
#include <QPointer>
#include <era/content/ContentJson.h>
#include <era/content/Preview.h>

namespace era::dialogs {

using namespace Qt::StringLiterals;
using channels::InboundEvent;
using storage::WriteTx;

namespace {

qint64 msOf(const QDateTime &at)
{
    return at.isValid() ? at.toMSecsSinceEpoch() : nowMs();
}

// The subscriber as the provider describes them now (without the id).
SubscriberRecord described(qint64 channelId, const channels::SubscriberProfile &p)
{
    QString name = p.name.trimmed();
    if (name.isEmpty())
        name = p.username.isEmpty() ? p.externalId : p.username;
    return SubscriberRecord{0, channelId, p.externalId, name, p.username, p.language, p.extra};
}

bool sameProfile(const SubscriberRecord &a, const SubscriberRecord &b)
{
    return a.name == b.name && a.username == b.username && a.language == b.language && a.profile == b.profile;
}

} // namespace

// Subscribers as last committed, so that a message from a customer whose profile has not changed does not
// rewrite their row: one statement and one row version less per message. Filled after a commit only, and
// subscribers are never deleted, so an id found here exists. Read on the writer thread, filled on the
// service's: hence the lock. Bounded: when full it starts again empty.
class SubscriberCache {
public:
    std::optional<SubscriberRecord> find(const SubscriberRecord &now) const
    {
        const QMutexLocker lock(&m_mutex);
        const auto it = m_byKey.constFind(keyOf(now));
        if (it == m_byKey.constEnd() || !sameProfile(*it, now))
            return std::nullopt;
        return *it;
    }
    void remember(const QList<SubscriberRecord> &stored)
    {
        const QMutexLocker lock(&m_mutex);
        if (m_byKey.size() + stored.size() > MaxEntries)
            m_byKey.clear();
        for (const SubscriberRecord &s : stored)
            m_byKey.insert(keyOf(s), s);
    }

private:
    static constexpr qsizetype MaxEntries = 100000;
    static QString keyOf(const SubscriberRecord &s)
    {
        return QString::number(s.channelId) + u'/' + s.externalId;
    }

    mutable QMutex m_mutex;
    QHash<QString, SubscriberRecord> m_byKey;
};

namespace {

// The subscriber's row, inserted or brought up to date with what the provider says; not written when it
// already says that. `stored` collects the rows written, for the cache once they are committed.
Result<SubscriberRecord> upsertSubscriber(WriteTx &tx, const SubscriberCache &cache, qint64 channelId,
                                          const channels::SubscriberProfile &p,
                                          QList<SubscriberRecord> &stored)
{
    SubscriberRecord s = described(channelId, p);
    if (auto known = cache.find(s))
        return *known;
    for (const SubscriberRecord &earlier : std::as_const(stored)) { // an earlier event of this delivery
        if (earlier.externalId == s.externalId && sameProfile(earlier, s))
            return earlier;
    }
    const QString profile = QString::fromUtf8(QJsonDocument(s.profile).toJson(QJsonDocument::Compact));
    auto r =
        tx.exec(u"INSERT INTO subscribers (channel_id, external_id, name, username, language, profile, "
                "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) "
                "ON CONFLICT (channel_id, external_id) DO UPDATE SET name = excluded.name, "
                "username = excluded.username, language = excluded.language, profile = excluded.profile, "
                "updated_at = excluded.updated_at RETURNING id"_s,
                {channelId, s.externalId, s.name, s.username, s.language, profile, nowMs()});
    if (!r)
        return r.error();
    s.id = r->at(0, 0).toLongLong();
    stored.append(s);
    return s;
}

// The subscriber's open dialog in this channel, if there is one.
Result<std::optional<DialogRecord>> findOpenDialog(WriteTx &tx, qint64 channelId, qint64 subscriberId)
{
    auto r =
        tx.exec(u"SELECT "_s + records::dialogColumns +
                    u" FROM dialogs WHERE channel_id = $1 AND subscriber_id = $2 AND state <> 'closed'"_s,
                {channelId, subscriberId});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return std::optional<DialogRecord>();
    return std::optional<DialogRecord>(records::dialogFrom(r->rows.at(0)));
}

// A new dialog of the subscriber, waiting for the router.
Result<DialogRecord> createDialog(WriteTx &tx, qint64 channelId, qint64 subscriberId, const QString &chatId,
                                  qint64 at)
{
    auto created =
        tx.exec(u"INSERT INTO dialogs (channel_id, subscriber_id, external_chat_id, state, opened_at, "
                "last_message_at) VALUES ($1, $2, $3, 'waiting', $4, $4) RETURNING "_s +
                    records::dialogColumns,
                {channelId, subscriberId, chatId, at});
    if (!created)
        return created.error();
    return records::dialogFrom(created->rows.at(0));
}

// Our message for a provider message id in this channel, if we have it.
Result<std::optional<MessageRecord>> byExternalId(WriteTx &tx, qint64 channelId, const QString &externalId)
{
    if (externalId.isEmpty())
        return std::optional<MessageRecord>();
    auto r = tx.exec(u"SELECT "_s + records::messageColumns +
                         u" FROM messages WHERE channel_id = $1 AND external_id = $2"_s,
                     {channelId, externalId});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return std::optional<MessageRecord>();
    auto m = records::messageFrom(r->rows.at(0));
    if (!m)
        return m.error();
    return std::optional<MessageRecord>(*m);
}

bool hasPendingAttachment(const content::Content &c)
{
    return std::visit(
        [](const auto &body) {
            if constexpr (requires { body.file; })
                return body.file.state == content::AttachmentState::Pending;
            else
                return false;
        },
        c.body);
}

Status appendMessageEvent(WriteTx &tx, const QString &name, const DialogRecord &dialog,
                          const MessageRecord &m)
{
    auto e = tx.appendEvent(name, records::audienceOf(dialog),
                            {{u"dialog_id"_s, dialog.id}, {u"message"_s, m.toJson()}});
    return e ? ok() : Status(e.error());
}

class Ingest {
public:
    Ingest(WriteTx &tx, qint64 channelId) : m_tx(tx), m_channelId(channelId) {}

    // Three statements wait for their answer when the subscriber has an open dialog (the subscriber's
    // upsert before this, the dialog's lookup, the insert that also finds a provider's retry); the dialog's
    // update goes out with the next statement. Round trips are what a message costs on PostgreSQL.
    Status message(const InboundEvent &e, const SubscriberRecord &sub, IngestService::Outcome &out)
    {
        const qint64 at = msOf(e.at);
        auto open = findOpenDialog(m_tx, m_channelId, sub.id);
        if (!open)
            return open.error();
        const bool opened = !open->has_value();
        if (opened) {
            // A retry of a message whose dialog has ended since must not open a new one.
            auto dup = byExternalId(m_tx, m_channelId, e.externalMessageId);
            if (!dup)
                return dup.error();
            if (dup->has_value()) {
                ++out.duplicates; // a provider's retry: acknowledged and dropped
                return ok();
            }
            auto created = createDialog(m_tx, m_channelId, sub.id, e.externalChatId, at);
            if (!created)
                return created.error();
            *open = *created;
        }
        DialogRecord &d = **open;

        content::Content c = e.content;
        qint64 replyTo = 0;
        auto quoted = byExternalId(m_tx, m_channelId, e.replyToExternalId);
        if (!quoted)
            return quoted.error();
        if (quoted->has_value()) {
            const MessageRecord &q = **quoted;
            replyTo = q.id;
            c.replyTo =
                content::ReplyTo{q.id, q.author == u"subscriber:%1"_s.arg(sub.id) ? sub.name : QString(),
                                 q.content.kind(), content::plainPreview(q.content, 80)};
        }
        // A provider's retry of a message we have conflicts on its id and inserts nothing.
        auto r = m_tx.exec(
            u"INSERT INTO messages (dialog_id, channel_id, direction, author, external_id, content, "
            "reply_to, status, created_at, edited_at) VALUES ($1, $2, 'in', $3, $4, $5, $6, "
            "'received', $7, $8) ON CONFLICT (channel_id, external_id) WHERE external_id IS NOT NULL "
            "DO NOTHING RETURNING "_s +
                records::messageColumns,
            {d.id, m_channelId, u"subscriber:%1"_s.arg(sub.id),
             e.externalMessageId.isEmpty() ? QVariant() : QVariant(e.externalMessageId),
             records::contentText(c), replyTo > 0 ? QVariant(replyTo) : QVariant(), at,
             c.editedAt ? QVariant(c.editedAt->toMSecsSinceEpoch()) : QVariant()});
        if (!r)
            return r.error();
        if (r->isEmpty()) {
            ++out.duplicates; // a provider's retry: acknowledged and dropped
            return ok();
        }
        auto m = records::messageFrom(r->rows.at(0));
        if (!m)
            return m.error();
        if (Status s = records::linkFiles(m_tx.connection(), m->id, c); !s)
            return s.error();
        if (!opened) {
            if (Status s = m_tx.connection().execDeferred(
                    u"UPDATE dialogs SET last_message_at = $2 WHERE id = $1"_s, {d.id, at});
                !s)
                return s;
        }
        d.lastMessageAt = at;
        if (opened) {
            out.openedDialogs.append(d.id);
            auto ev = m_tx.appendEvent(u"dialog.opened"_s, records::audienceOf(d),
                                       {{u"dialog"_s, d.toJson()}, {u"subscriber"_s, sub.toJson()}});
            if (!ev)
                return ev.error();
        }
        if (hasPendingAttachment(c))
            out.pendingMedia.append(m->id);
        ++out.stored;
        return appendMessageEvent(m_tx, u"message.created"_s, d, *m);
    }

    Status edit(const InboundEvent &e, const SubscriberRecord &sub, IngestService::Outcome &out)
    {
        auto found = byExternalId(m_tx, m_channelId, e.externalMessageId);
        if (!found)
            return found.error();
        if (!found->has_value()) {
            // An edit of a message we never saw (sent before the channel was connected): keep it as a
            // message.
            InboundEvent asNew = e;
            asNew.type = InboundEvent::Type::Message;
            asNew.externalMessageId = e.externalMessageId + u"#edit"_s;
            return message(asNew, sub, out);
        }
        MessageRecord m = **found;
        content::Content c = e.content;
        c.replyTo = m.content.replyTo;
        c.reactions = m.content.reactions;
        c.forwardedFrom = m.content.forwardedFrom;
        if (!c.editedAt)
            c.editedAt = e.at.isValid() ? e.at : QDateTime::currentDateTimeUtc();
        return update(m, c, u"message.updated"_s, out);
    }

    Status reaction(const InboundEvent &e, const SubscriberRecord &sub, IngestService::Outcome &out)
    {
        auto found = byExternalId(m_tx, m_channelId, e.externalMessageId);
        if (!found)
            return found.error();
        if (!found->has_value()) {
            ++out.duplicates; // a reaction to a message we do not have: nothing to attach it to
            return ok();
        }
        MessageRecord m = **found;
        content::Content c = m.content;
        const content::Actor actor{content::Actor::Type::Subscriber, sub.id};
        c.reactions.removeIf([&](const content::Reaction &r) { return r.actor == actor; });
        const QDateTime at = e.at.isValid() ? e.at.toUTC() : QDateTime::currentDateTimeUtc();
        for (const QString &emoji : e.reactions)
            if (!emoji.isEmpty())
                c.reactions.append(content::Reaction{actor, emoji, at});
        return update(m, c, u"message.reactions"_s, out);
    }

private:
    Status update(MessageRecord m, const content::Content &c, const QString &eventName,
                  IngestService::Outcome &out)
    {
        auto r = m_tx.exec(u"UPDATE messages SET content = $2, edited_at = $3 WHERE id = $1"_s,
                           {m.id, records::contentText(c),
                            c.editedAt ? QVariant(c.editedAt->toMSecsSinceEpoch()) : QVariant()});
        if (!r)
            return r.error();
        if (Status s = records::linkFiles(m_tx.connection(), m.id, c); !s)
            return s.error();
        m.content = c;
        auto d = records::dialog(m_tx.connection(), m.dialogId);
        if (!d)
            return d.error();
        ++out.stored;
        return appendMessageEvent(m_tx, eventName, **d, m);
    }

    WriteTx &m_tx;
    qint64 m_channelId;
};

} // namespace

IngestService::IngestService(storage::Database &db, QObject *parent)
    : QObject(parent), m_db(db), m_subscribers(std::make_shared<SubscriberCache>())
{}

IngestService::~IngestService() = default;

void IngestService::ingest(qint64 channelId, const QList<InboundEvent> &events, const QString &cursor,
                           QObject *context, std::function<void(Result<Outcome>)> done)
{
    QPointer<IngestService> self(this);
    struct Written {
        Outcome out;
        QList<SubscriberRecord> subscribers; // rows written, for the cache
    };
    m_db.write<Written>(
        context,
        [channelId, events, cursor, cache = m_subscribers](WriteTx &tx) -> Result<Written> {
            Written written;
            Outcome &out = written.out;
            Ingest ingest(tx, channelId);
            for (const InboundEvent &e : events) {
                if (e.from.externalId.isEmpty() || e.externalChatId.isEmpty())
                    return Error{u"bad_event"_s, u"an inbound event without a sender or chat"_s};
                auto sub = upsertSubscriber(tx, *cache, channelId, e.from, written.subscribers);
                if (!sub)
                    return sub.error();
                Status s = e.type == InboundEvent::Type::Message ? ingest.message(e, *sub, out)
                           : e.type == InboundEvent::Type::Edit  ? ingest.edit(e, *sub, out)
                                                                 : ingest.reaction(e, *sub, out);
                if (!s)
                    return s.error();
            }
            if (!cursor.isEmpty()) {
                auto r = tx.exec(u"INSERT INTO channel_cursors (channel_id, cursor) VALUES ($1, $2) "
                                 "ON CONFLICT (channel_id) DO UPDATE SET cursor = excluded.cursor"_s,
                                 {channelId, cursor});
                if (!r)
                    return r.error();
            }
            return written;
        },
        [self, channelId, done, cache = m_subscribers](Result<Written> r) {
            if (!r) {
                done(r.error());
                return;
            }
            cache->remember(r->subscribers);
            if (self) {
                for (qint64 id : r->out.openedDialogs)
                    Q_EMIT self->dialogOpened(id, channelId);
                for (qint64 id : r->out.pendingMedia)
                    Q_EMIT self->mediaPending(id);
            }
            done(r->out);
        });
}

void IngestService::unrouted(qint64 channelId, QObject *context,
                             std::function<void(Result<QList<Unrouted>>)> done)
{
    m_db.read<QList<Unrouted>>(
        context,
        [channelId](storage::Connection &c) -> Result<QList<Unrouted>> {
            auto r =
                c.exec(u"SELECT d.id, d.channel_id, c.default_queue_id FROM dialogs d JOIN channels c ON "
                       "c.id = d.channel_id WHERE d.state = 'waiting' AND d.queue_id IS NULL AND ($1 = 0 "
                       "OR d.channel_id = $1) ORDER BY d.opened_at, d.id"_s,
                       {channelId});
            if (!r)
                return r.error();
            QList<Unrouted> out;
            for (const QVariantList &row : r->rows)
                out.append(Unrouted{row.at(0).toLongLong(), row.at(1).toLongLong(), row.at(2).toLongLong()});
            return out;
        },
        std::move(done));
}

} // namespace era::dialogs
