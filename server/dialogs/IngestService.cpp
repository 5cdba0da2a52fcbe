#include "dialogs/IngestService.h"

#include "core/Time.h"
#include "dialogs/Records.h"
#include "storage/Database.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QPointer>
#include <era/content/ContentJson.h>
#include <era/content/Preview.h>
#include <span>

namespace era::dialogs {

using namespace Qt::StringLiterals;
using channels::InboundEvent;
using storage::Dialect;
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

QString compact(const QJsonDocument &doc)
{
    return QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
}

// Lists passed to a statement as one parameter, so that one statement text serves any number of rows.
// Ids: a PostgreSQL array (its planner then looks each up in an index) or a JSON array for SQLite's
// json_each.
QString idList(Dialect d, const QList<qint64> &ids)
{
    QString list;
    for (qint64 id : ids) {
        if (!list.isEmpty())
            list += u',';
        list += QString::number(id);
    }
    return d == Dialect::Postgres ? u'{' + list + u'}' : u'[' + list + u']';
}
QString inIdList(Dialect d, int n)
{
    return d == Dialect::Postgres ? u"= ANY(CAST($%1 AS BIGINT[]))"_s.arg(n)
                                  : u"IN (SELECT value FROM json_each($%1))"_s.arg(n);
}
// Rows: a JSON array of arrays; a row's fields are `e.value ->> 0`, ... in order of `e.ord`.
QString rowsOf(Dialect d, int n)
{
    return d == Dialect::Postgres
               ? u"json_array_elements($%1::json) WITH ORDINALITY AS e(value, ord)"_s.arg(n)
               : u"json_each($%1) AS e"_s.arg(n);
}
QString orderOf(Dialect d)
{
    return d == Dialect::Postgres ? u"e.ord"_s : u"e.key"_s;
}

} // namespace

// Subscribers as last committed, so that a message from a customer whose profile has not changed does not
// rewrite their row: one statement and one row version less per message. Filled after a commit only, and
// subscribers are never deleted, so an id found here exists; a row being written is forgotten first, so a
// later job does not take the old profile for the table's. Read on the writer thread, filled on the
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
    void forget(const SubscriberRecord &s)
    {
        const QMutexLocker lock(&m_mutex);
        m_byKey.remove(keyOf(s));
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

// One call of ingest() on its way through the service's write job.
struct Delivery {
    qint64 channelId = 0;
    QList<InboundEvent> events;
    QString cursor;
    QPointer<QObject> context;
    bool hasContext = false;
    std::function<void(Result<IngestService::Outcome>)> done;
};

} // namespace

// The deliveries waiting for the service's next write job: the ones that arrive while the writer is busy
// share one job, and in it one statement does for all their messages what it would do for one. Filled on
// the callers' threads, taken on the writer's.
class IngestQueue {
public:
    // Queues a delivery; true if a job must be submitted for it (none is on its way).
    bool add(Delivery d)
    {
        const QMutexLocker lock(&m_mutex);
        m_deliveries.append(std::move(d));
        return !std::exchange(m_jobQueued, true);
    }
    // What the job on its way runs; later deliveries need another job.
    QList<Delivery> take()
    {
        const QMutexLocker lock(&m_mutex);
        m_jobQueued = false;
        return std::exchange(m_deliveries, {});
    }

private:
    QMutex m_mutex;
    QList<Delivery> m_deliveries;
    bool m_jobQueued = false;
};

namespace {

// What one delivery wrote: its outcome, or why it was refused, and the subscriber rows it wrote (for the
// cache once they are committed).
struct Written {
    Status status = ok();
    IngestService::Outcome out;
    QList<SubscriberRecord> subscribers;
};

// The statements of some deliveries, in one go. Consecutive new messages form a chunk whose open dialogs
// are looked up with one statement and whose rows are inserted with another, so a commit of many messages
// waits for a few statements, not for a few per message (on PostgreSQL each is a round trip). Edits,
// reactions, messages without a provider id and replies to a message of the chunk end the chunk, so that
// everything happens in the order the provider gave. Events wait until every statement has succeeded
// (appendEvents), so that a failed pass leaves none behind.
class Pass {
public:
    Pass(WriteTx &tx, SubscriberCache &cache) : m_tx(tx), m_cache(cache), m_dialect(tx.connection().dialect())
    {}

    Status run(std::span<const Delivery> deliveries, std::span<Written> written)
    {
        for (size_t i = 0; i < deliveries.size(); ++i) {
            const Delivery &d = deliveries[i];
            Written &w = written[i];
            for (const InboundEvent &e : d.events) {
                if (e.from.externalId.isEmpty() || e.externalChatId.isEmpty())
                    return Error{u"bad_event"_s, u"an inbound event without a sender or chat"_s};
                auto sub = upsertSubscriber(d.channelId, e.from, w);
                if (!sub)
                    return sub.error();
                Status s = e.type == InboundEvent::Type::Message ? message(d.channelId, e, *sub, w)
                           : e.type == InboundEvent::Type::Edit  ? edit(d.channelId, e, *sub, w)
                                                                 : reaction(d.channelId, e, *sub, w);
                if (!s)
                    return s;
            }
            if (!d.cursor.isEmpty()) {
                // Waited for, so that a failure (its channel deleted meanwhile) is this delivery's.
                auto s = m_tx.exec(u"INSERT INTO channel_cursors (channel_id, cursor) VALUES ($1, $2) "
                                   "ON CONFLICT (channel_id) DO UPDATE SET cursor = excluded.cursor"_s,
                                   {d.channelId, d.cursor});
                if (!s)
                    return s.error();
            }
        }
        return flush();
    }

    Status appendEvents()
    {
        m_tx.expectEvents(m_events.size());
        for (const PendingEvent &e : std::as_const(m_events)) {
            if (auto r = m_tx.appendEvent(e.name, e.audience, e.data); !r)
                return r.error();
        }
        m_events.clear();
        return ok();
    }

private:
    struct PendingEvent {
        QString name;
        Audience audience;
        QJsonObject data;
    };
    // A new message of the current chunk.
    struct Incoming {
        Written *to = nullptr;
        qint64 channelId = 0;
        const InboundEvent *event = nullptr;
        SubscriberRecord sub;
        content::Content content;
        qint64 replyTo = 0;
        qint64 at = 0;
        qint64 dialogId = 0; // 0: none (a retry of a message whose dialog has ended)
        bool opened = false; // its dialog is opened by this message
    };

    // The subscriber's row, inserted or brought up to date with what the provider says; not written when it
    // already says that.
    Result<SubscriberRecord> upsertSubscriber(qint64 channelId, const channels::SubscriberProfile &p,
                                              Written &w)
    {
        SubscriberRecord s = described(channelId, p);
        // What this pass wrote is newer than what the cache knows.
        auto earlier = std::find_if(m_upserted.crbegin(), m_upserted.crend(), [&](const SubscriberRecord &e) {
            return e.channelId == channelId && e.externalId == s.externalId;
        });
        if (earlier != m_upserted.crend()) {
            if (sameProfile(*earlier, s))
                return *earlier;
        } else if (auto known = m_cache.find(s)) {
            return *known;
        }
        m_cache.forget(s); // until this row is committed, the cache cannot tell what the table says
        const QString profile = compact(QJsonDocument(s.profile));
        auto r = m_tx.exec(
            u"INSERT INTO subscribers (channel_id, external_id, name, username, language, profile, "
            "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) "
            "ON CONFLICT (channel_id, external_id) DO UPDATE SET name = excluded.name, "
            "username = excluded.username, language = excluded.language, profile = excluded.profile, "
            "updated_at = excluded.updated_at RETURNING id"_s,
            {channelId, s.externalId, s.name, s.username, s.language, profile, nowMs()});
        if (!r)
            return r.error();
        s.id = r->at(0, 0).toLongLong();
        m_upserted.append(s);
        w.subscribers.append(s);
        return s;
    }

    // Our message for a provider message id in this channel, if we have it (the current chunk's are not
    // inserted yet: flush first).
    Result<std::optional<MessageRecord>> byExternalId(qint64 channelId, const QString &externalId)
    {
        if (externalId.isEmpty())
            return std::optional<MessageRecord>();
        auto r = m_tx.exec(u"SELECT "_s + records::messageColumns +
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

    bool inChunk(qint64 channelId, const QString &externalId) const
    {
        return std::any_of(m_chunk.begin(), m_chunk.end(), [&](const Incoming &m) {
            return m.channelId == channelId && m.event->externalMessageId == externalId;
        });
    }

    Status message(qint64 channelId, const InboundEvent &e, const SubscriberRecord &sub, Written &w)
    {
        Incoming m{&w, channelId, &e, sub, e.content, 0, msOf(e.at)};
        if (!e.replyToExternalId.isEmpty()) {
            if (inChunk(channelId, e.replyToExternalId)) {
                if (Status s = flush(); !s)
                    return s;
            }
            auto quoted = byExternalId(channelId, e.replyToExternalId);
            if (!quoted)
                return quoted.error();
            if (quoted->has_value()) {
                const MessageRecord &q = **quoted;
                m.replyTo = q.id;
                m.content.replyTo =
                    content::ReplyTo{q.id, q.author == u"subscriber:%1"_s.arg(sub.id) ? sub.name : QString(),
                                     q.content.kind(), content::plainPreview(q.content, 80)};
            }
        }
        // Without the provider's id the inserted row cannot be told from the chunk's others: alone.
        const bool alone = e.externalMessageId.isEmpty();
        if (alone) {
            if (Status s = flush(); !s)
                return s;
        }
        m_chunk.push_back(std::move(m));
        return alone ? flush() : ok();
    }

    // The chunk's messages: their dialogs (found or opened), one INSERT of them all, which also finds a
    // provider's retry by its id conflict, and one UPDATE of their dialogs' last message time, sent with the
    // next statement.
    Status flush()
    {
        if (m_chunk.empty())
            return ok();
        const std::vector<Incoming> chunk = std::exchange(m_chunk, {});

        QList<qint64> unknown; // subscribers whose open dialog this pass has not met yet
        for (const Incoming &m : chunk) {
            if (!m_open.contains(m.sub.id) && !unknown.contains(m.sub.id))
                unknown.append(m.sub.id);
        }
        if (!unknown.isEmpty()) {
            auto r =
                m_tx.exec(u"SELECT "_s + records::dialogColumns + u" FROM dialogs WHERE subscriber_id "_s +
                              inIdList(m_dialect, 1) + u" AND state <> 'closed'"_s,
                          {idList(m_dialect, unknown)});
            if (!r)
                return r.error();
            for (const QVariantList &row : std::as_const(r->rows)) {
                const DialogRecord d = records::dialogFrom(row);
                m_open.insert(d.subscriberId, d);
            }
        }

        std::vector<Incoming> rows;
        rows.reserve(chunk.size());
        for (Incoming m : chunk) {
            if (auto it = m_open.constFind(m.sub.id); it != m_open.constEnd()) {
                m.dialogId = it->id;
            } else {
                // A retry of a message whose dialog has ended since must not open a new one.
                auto dup = byExternalId(m.channelId, m.event->externalMessageId);
                if (!dup)
                    return dup.error();
                if (!dup->has_value()) {
                    auto created =
                        m_tx.exec(u"INSERT INTO dialogs (channel_id, subscriber_id, external_chat_id, state, "
                                  u"opened_at, "
                                  "last_message_at) VALUES ($1, $2, $3, 'waiting', $4, $4) RETURNING "_s +
                                      records::dialogColumns,
                                  {m.channelId, m.sub.id, m.event->externalChatId, m.at});
                    if (!created)
                        return created.error();
                    const DialogRecord d = records::dialogFrom(created->rows.at(0));
                    m_open.insert(m.sub.id, d);
                    m.dialogId = d.id;
                    m.opened = true;
                }
            }
            rows.push_back(std::move(m));
        }

        QJsonArray values;
        for (const Incoming &m : rows) {
            if (m.dialogId == 0)
                continue;
            const QString &externalId = m.event->externalMessageId;
            values.append(QJsonArray{
                m.dialogId, m.channelId, u"subscriber:%1"_s.arg(m.sub.id),
                externalId.isEmpty() ? QJsonValue() : QJsonValue(externalId), records::contentText(m.content),
                m.replyTo > 0 ? QJsonValue(m.replyTo) : QJsonValue(), m.at,
                m.content.editedAt ? QJsonValue(m.content.editedAt->toMSecsSinceEpoch()) : QJsonValue()});
        }
        // The rows inserted, by dialog and provider id (unique: a provider id is unique in its channel, and a
        // dialog is in one channel). A row not returned was there before.
        QHash<QString, MessageRecord> inserted;
        auto keyOf = [](qint64 dialogId, const QString &externalId) -> QString {
            return QString::number(dialogId) + u'/' + externalId;
        };
        if (!values.isEmpty()) {
            auto r = m_tx.exec(
                u"INSERT INTO messages (dialog_id, channel_id, direction, author, external_id, content, "
                "reply_to, status, created_at, edited_at) SELECT CAST(e.value ->> 0 AS BIGINT), "
                "CAST(e.value ->> 1 AS BIGINT), 'in', e.value ->> 2, e.value ->> 3, e.value ->> 4, "
                "CAST(e.value ->> 5 AS BIGINT), 'received', CAST(e.value ->> 6 AS BIGINT), "
                "CAST(e.value ->> 7 AS BIGINT) FROM "_s +
                    rowsOf(m_dialect, 1) + u" WHERE true ORDER BY "_s + orderOf(m_dialect) +
                    u" ON CONFLICT (channel_id, external_id) WHERE external_id IS NOT NULL DO NOTHING "
                    "RETURNING "_s +
                    records::messageColumns,
                {compact(QJsonDocument(values))});
            if (!r)
                return r.error();
            for (const QVariantList &row : std::as_const(r->rows)) {
                auto m = records::messageFrom(row);
                if (!m)
                    return m.error();
                inserted.insert(keyOf(m->dialogId, m->externalId), *m);
            }
        }

        QHash<qint64, qint64> lastAt; // dialogs that were open before their message: the new last time
        for (const Incoming &in : rows) {
            IngestService::Outcome &out = in.to->out;
            auto it =
                in.dialogId ? inserted.find(keyOf(in.dialogId, in.event->externalMessageId)) : inserted.end();
            if (it == inserted.end()) {
                ++out.duplicates; // a provider's retry: acknowledged and dropped
                continue;
            }
            const MessageRecord m = *it;
            inserted.erase(it); // a second copy in the chunk is the retry
            if (Status s = records::linkFiles(m_tx.connection(), m.id, in.content); !s)
                return s.error();
            DialogRecord &d = m_open[in.sub.id];
            d.lastMessageAt = in.at;
            if (in.opened) {
                out.openedDialogs.append(d.id);
                m_events.append({u"dialog.opened"_s,
                                 records::audienceOf(d),
                                 {{u"dialog"_s, d.toJson()}, {u"subscriber"_s, in.sub.toJson()}}});
            } else {
                lastAt.insert(d.id, in.at);
            }
            if (hasPendingAttachment(in.content))
                out.pendingMedia.append(m.id);
            ++out.stored;
            messageEvent(u"message.created"_s, d, m);
        }
        if (lastAt.isEmpty())
            return ok();
        // Each dialog found by its id in the index (PostgreSQL's generic plan for a join with the list may
        // scan the table instead).
        if (m_dialect == Dialect::Postgres) {
            const QList<qint64> ids = lastAt.keys();
            QList<qint64> ats;
            for (qint64 id : ids)
                ats.append(lastAt.value(id));
            return m_tx.connection().execDeferred(
                u"UPDATE dialogs SET last_message_at = (CAST($2 AS BIGINT[]))[array_position(CAST($1 AS "
                "BIGINT[]), id)] WHERE id = ANY(CAST($1 AS BIGINT[]))"_s,
                {idList(m_dialect, ids), idList(m_dialect, ats)});
        }
        QJsonArray pairs;
        for (auto it = lastAt.cbegin(); it != lastAt.cend(); ++it)
            pairs.append(QJsonArray{it.key(), it.value()});
        return m_tx.connection().execDeferred(u"UPDATE dialogs SET last_message_at = v.at FROM (SELECT "
                                              u"e.value ->> 0 AS id, e.value ->> 1 AS at "
                                              "FROM json_each($1) AS e) AS v WHERE dialogs.id = v.id"_s,
                                              {compact(QJsonDocument(pairs))});
    }

    Status edit(qint64 channelId, const InboundEvent &e, const SubscriberRecord &sub, Written &w)
    {
        if (Status s = flush(); !s)
            return s;
        auto found = byExternalId(channelId, e.externalMessageId);
        if (!found)
            return found.error();
        if (!found->has_value()) {
            // An edit of a message we never saw (sent before the channel was connected): keep it as a
            // message.
            auto asNew = std::make_unique<InboundEvent>(e);
            asNew->type = InboundEvent::Type::Message;
            asNew->externalMessageId = e.externalMessageId + u"#edit"_s;
            m_kept.push_back(std::move(asNew));
            return message(channelId, *m_kept.back(), sub, w);
        }
        MessageRecord m = **found;
        content::Content c = e.content;
        c.replyTo = m.content.replyTo;
        c.reactions = m.content.reactions;
        c.forwardedFrom = m.content.forwardedFrom;
        if (!c.editedAt)
            c.editedAt = e.at.isValid() ? e.at : QDateTime::currentDateTimeUtc();
        return update(m, c, u"message.updated"_s, w);
    }

    Status reaction(qint64 channelId, const InboundEvent &e, const SubscriberRecord &sub, Written &w)
    {
        if (Status s = flush(); !s)
            return s;
        auto found = byExternalId(channelId, e.externalMessageId);
        if (!found)
            return found.error();
        if (!found->has_value()) {
            ++w.out.duplicates; // a reaction to a message we do not have: nothing to attach it to
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
        return update(m, c, u"message.reactions"_s, w);
    }

    Status update(MessageRecord m, const content::Content &c, const QString &eventName, Written &w)
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
        ++w.out.stored;
        messageEvent(eventName, **d, m);
        return ok();
    }

    void messageEvent(const QString &name, const DialogRecord &dialog, const MessageRecord &m)
    {
        m_events.append(
            {name, records::audienceOf(dialog), {{u"dialog_id"_s, dialog.id}, {u"message"_s, m.toJson()}}});
    }

    static bool hasPendingAttachment(const content::Content &c)
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

    WriteTx &m_tx;
    SubscriberCache &m_cache;
    const Dialect m_dialect;
    std::vector<Incoming> m_chunk;
    QHash<qint64, DialogRecord> m_open; // open dialogs met in this pass, by subscriber id
    QList<SubscriberRecord> m_upserted;
    QList<PendingEvent> m_events;
    std::vector<std::unique_ptr<InboundEvent>> m_kept; // events made in the pass that the chunk points to
};

// The deliveries of one write job. All of them in one pass; if that fails, the job's writes are undone and
// each delivery runs alone under its own savepoint, so a bad one is refused alone. The one statement of a
// pass that is not waited for is the dialogs' UPDATE, which fails only with the connection; then the
// Database finds the failure at the job's end and the job is refused as a whole, acknowledged to no one.
Result<QList<Written>> ingestAll(WriteTx &tx, SubscriberCache &cache, std::span<const Delivery> deliveries)
{
    QList<Written> written(qsizetype(deliveries.size()));
    storage::Connection &c = tx.connection();
    if (deliveries.size() == 1) { // the job is undone alone: no savepoint needed
        Pass pass(tx, cache);
        Status s = pass.run(deliveries, std::span<Written>(written.data(), size_t(written.size())));
        if (s)
            s = pass.appendEvents();
        if (!s)
            return s.error();
        return written;
    }
    if (Status s = c.execDeferred(u"SAVEPOINT era_ingest"_s); !s)
        return s.error();
    {
        Pass pass(tx, cache);
        if (Status s = pass.run(deliveries, std::span<Written>(written.data(), size_t(written.size()))); s) {
            if (Status released = c.execDeferred(u"RELEASE SAVEPOINT era_ingest"_s); !released)
                return released.error();
            if (Status appended = pass.appendEvents(); !appended)
                return appended.error();
            return written;
        }
    }
    if (auto r = c.exec(u"ROLLBACK TO SAVEPOINT era_ingest"_s); !r)
        return r.error();
    written = QList<Written>(qsizetype(deliveries.size()));
    for (size_t i = 0; i < deliveries.size(); ++i) {
        if (Status s = c.execDeferred(u"SAVEPOINT era_ingest_one"_s); !s)
            return s.error();
        Pass pass(tx, cache);
        Status s = pass.run(deliveries.subspan(i, 1), std::span<Written>(written.data() + i, 1));
        if (s) {
            // Waited for: a failure of a statement sent without waiting is reported here, and so is this
            // delivery's, not the next one's.
            auto released = c.exec(u"RELEASE SAVEPOINT era_ingest_one"_s);
            if (released) {
                if (Status appended = pass.appendEvents(); !appended)
                    return appended.error();
                continue;
            }
            s = released.error();
        }
        written[qsizetype(i)] = Written{s, {}, {}};
        if (auto r = c.exec(u"ROLLBACK TO SAVEPOINT era_ingest_one"_s); !r)
            return r.error();
        if (auto r = c.exec(u"RELEASE SAVEPOINT era_ingest_one"_s); !r)
            return r.error();
    }
    if (Status s = c.execDeferred(u"RELEASE SAVEPOINT era_ingest"_s); !s)
        return s.error();
    return written;
}

} // namespace

IngestService::IngestService(storage::Database &db, QObject *parent)
    : QObject(parent), m_db(db), m_subscribers(std::make_shared<SubscriberCache>()),
      m_queue(std::make_shared<IngestQueue>())
{}

IngestService::~IngestService() = default;

void IngestService::ingest(qint64 channelId, const QList<InboundEvent> &events, const QString &cursor,
                           QObject *context, std::function<void(Result<Outcome>)> done)
{
    if (!m_queue->add(Delivery{channelId, events, cursor, context, context != nullptr, std::move(done)}))
        return; // the job on its way takes this one too
    // The job takes what is queued when it runs, once: if the writer runs the batch again (another job in it
    // failed), it runs the same deliveries.
    auto taken = std::make_shared<std::optional<QList<Delivery>>>();
    m_db.write<QList<Written>>(
        this,
        [queue = m_queue, cache = m_subscribers, taken](WriteTx &tx) -> Result<QList<Written>> {
            if (!taken->has_value())
                *taken = queue->take();
            return ingestAll(tx, *cache,
                             std::span<const Delivery>((*taken)->constData(), size_t((*taken)->size())));
        },
        [this, taken](Result<QList<Written>> written) {
            if (!taken->has_value()) // refused before it ran (the database is closing)
                *taken = m_queue->take();
            const QList<Delivery> &deliveries = **taken;
            for (qsizetype i = 0; i < deliveries.size(); ++i) {
                const Delivery &d = deliveries.at(i);
                const Status s = !written ? Status(written.error()) : written->at(i).status;
                Result<Outcome> result = s ? Result<Outcome>(written->at(i).out) : Result<Outcome>(s.error());
                if (s) {
                    const Written &w = written->at(i);
                    m_subscribers->remember(w.subscribers);
                    for (qint64 id : w.out.openedDialogs)
                        Q_EMIT dialogOpened(id, d.channelId);
                    for (qint64 id : w.out.pendingMedia)
                        Q_EMIT mediaPending(id);
                }
                if (!d.hasContext)
                    d.done(std::move(result));
                else if (d.context)
                    QMetaObject::invokeMethod(d.context, [done = d.done, result] { done(result); });
            }
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
