#include "queues/QueueService.h"

#include "core/Time.h"
#include "storage/Database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <algorithm>

Q_LOGGING_CATEGORY(lcQueues, "era.queues")

namespace era::queues {

using namespace Qt::StringLiterals;
using storage::Connection;
using storage::WriteTx;

QString presenceName(Presence p)
{
    switch (p) {
    case Presence::Online:
        return u"online"_s;
    case Presence::Away:
        return u"away"_s;
    case Presence::Offline:
        return u"offline"_s;
    }
    return {};
}

std::optional<Presence> presenceFromName(const QString &name)
{
    if (name == u"online"_s)
        return Presence::Online;
    if (name == u"away"_s)
        return Presence::Away;
    if (name == u"offline"_s)
        return Presence::Offline;
    return std::nullopt;
}

QJsonObject Queue::toJson() const
{
    QJsonArray m;
    for (const auto &[user, skill] : members)
        m.append(QJsonObject{{u"user_id"_s, user}, {u"skill"_s, skill}});
    return {{u"id"_s, id}, {u"name"_s, name}, {u"offer_timeout_sec"_s, offerTimeoutSec}, {u"members"_s, m}};
}

namespace {

const QStringList supervisors{u"role:supervisor"_s, u"role:admin"_s};

Result<QHash<qint64, Queue>> readQueues(Connection &c)
{
    QHash<qint64, Queue> out;
    auto q = c.exec(u"SELECT id, name, offer_timeout_sec FROM queues ORDER BY id"_s);
    if (!q)
        return q.error();
    for (const QVariantList &row : q->rows)
        out.insert(row.at(0).toLongLong(),
                   Queue{row.at(0).toLongLong(), row.at(1).toString(), row.at(2).toInt(), {}});
    auto m = c.exec(u"SELECT queue_id, user_id, skill FROM queue_members ORDER BY queue_id, user_id"_s);
    if (!m)
        return m.error();
    for (const QVariantList &row : m->rows)
        out[row.at(0).toLongLong()].members.append({row.at(1).toLongLong(), row.at(2).toInt()});
    return out;
}

Status checkQueue(const QString &name, int offerTimeoutSec)
{
    if (name.trimmed().isEmpty() || name.size() > 100)
        return Error{u"bad_args"_s, u"name: 1-100 characters"_s};
    if (offerTimeoutSec < 5 || offerTimeoutSec > 3600)
        return Error{u"bad_args"_s, u"offer_timeout_sec: 5-3600"_s};
    return ok();
}

// The write job that creates a queue and announces it.
Result<Queue> insertQueue(WriteTx &tx, const QString &name, int offerTimeoutSec)
{
    auto taken = tx.exec(u"SELECT 1 FROM queues WHERE name = $1"_s, {name.trimmed()});
    if (!taken)
        return taken.error();
    if (!taken->isEmpty())
        return Error{u"conflict"_s, u"a queue named '%1' exists"_s.arg(name.trimmed())};
    auto r = tx.exec(
        u"INSERT INTO queues (name, offer_timeout_sec, created_at, updated_at) VALUES ($1, $2, $3, $3) "
        "RETURNING id"_s,
        {name.trimmed(), offerTimeoutSec, nowMs()});
    if (!r)
        return r.error();
    Queue q{r->at(0, 0).toLongLong(), name.trimmed(), offerTimeoutSec, {}};
    if (auto e = tx.appendEvent(u"queue.created"_s, supervisors, {{u"queue"_s, q.toJson()}}); !e)
        return e.error();
    return q;
}

Error adminOnly()
{
    return Error{u"forbidden"_s, u"managing queues needs the admin role"_s};
}

} // namespace

QueueService::QueueService(storage::Database &db, Options options, QObject *parent)
    : QObject(parent), m_db(db), m_options(options)
{
    m_clock.setInterval(500);
    connect(&m_clock, &QTimer::timeout, this, &QueueService::expireOffers);
    m_clock.start();
    m_statsTimer.setSingleShot(true);
    m_statsTimer.setInterval(m_options.statsIntervalMs);
    connect(&m_statsTimer, &QTimer::timeout, this, &QueueService::publishStats);
}

Status QueueService::load()
{
    struct Loaded {
        QHash<qint64, Queue> queues;
        QList<QVariantList> dialogs;
        QList<QVariantList> limits;
    };
    auto loaded = m_db.readSync<Loaded>([](Connection &c) -> Result<Loaded> {
        auto queues = readQueues(c);
        if (!queues)
            return queues.error();
        auto d =
            c.exec(u"SELECT id, state, queue_id, operator_id, opened_at FROM dialogs WHERE state <> 'closed' "
                   "ORDER BY opened_at, id"_s);
        if (!d)
            return d.error();
        auto l = c.exec(u"SELECT user_id, capacity FROM operator_limits"_s);
        if (!l)
            return l.error();
        return Loaded{*queues, d->rows, l->rows};
    });
    if (!loaded)
        return loaded.error();
    m_queues = loaded->queues;
    for (const QVariantList &row : loaded->limits)
        m_operators[row.at(0).toLongLong()].capacity = row.at(1).toInt();
    const qint64 now = nowMs();
    for (const QVariantList &row : loaded->dialogs) {
        const qint64 id = row.at(0).toLongLong();
        const qint64 queue = row.at(2).toLongLong();
        const qint64 op = row.at(3).toLongLong();
        if (row.at(1).toString() == u"active"_s && op > 0) {
            Operator &o = m_operators[op];
            o.active.insert(id);
            o.offlineSince = now; // nobody is connected yet: the grace period starts now
        } else if (queue > 0) {
            m_waiting[queue].append({id, row.at(4).toLongLong()});
            m_queueOf.insert(id, queue);
        }
    }
    // Operators who do not come back within the grace period lose their dialogs to the queue. Only those
    // offline since the start: one who came and went since has a grace period of its own (sessionClosed).
    QTimer::singleShot(m_options.disconnectGraceSec * 1000, this, [this, now] {
        for (auto it = m_operators.cbegin(); it != m_operators.cend(); ++it)
            if (it->sessions == 0 && it->offlineSince == now && !it->active.isEmpty())
                returnDialogsOf(it.key());
    });
    return ok();
}

void QueueService::appendEvent(const QString &name, const QStringList &audience, const QJsonObject &data)
{
    m_db.write<Done>(
        this,
        [=](WriteTx &tx) -> Result<Done> {
            auto e = tx.appendEvent(name, audience, data);
            if (!e)
                return e.error();
            return Done{};
        },
        [name](Result<Done> r) {
            if (!r)
                qCWarning(lcQueues, "could not record %ls: %ls", qUtf16Printable(name),
                          qUtf16Printable(r.error().message));
        });
}

// --- admin -------------------------------------------------------------------------------------------------

void QueueService::list(const accounts::Principal &actor, QObject *context, Reply<QList<Queue>> done)
{
    QList<Queue> out;
    for (const Queue &q : std::as_const(m_queues)) {
        const bool member = std::any_of(q.members.cbegin(), q.members.cend(),
                                        [&](const auto &m) { return m.first == actor.user.id; });
        if (actor.user.role != accounts::Role::Operator || member)
            out.append(q);
    }
    std::sort(out.begin(), out.end(), [](const Queue &a, const Queue &b) { return a.id < b.id; });
    Q_UNUSED(context);
    done(out);
}

void QueueService::create(const accounts::Principal &actor, const QString &name, int offerTimeoutSec,
                          QObject *context, Reply<Queue> done)
{
    if (!actor.user.isAdmin())
        return done(adminOnly());
    if (Status st = checkQueue(name, offerTimeoutSec); !st)
        return done(st.error());
    QPointer<QueueService> self(this);
    m_db.write<Queue>(
        context, [=](WriteTx &tx) { return insertQueue(tx, name, offerTimeoutSec); },
        [self, done](Result<Queue> r) {
            if (r && self)
                self->m_queues.insert(r->id, *r);
            done(r);
        });
}

void QueueService::setMembers(const accounts::Principal &actor, qint64 queueId,
                              const QList<std::pair<qint64, int>> &members, QObject *context,
                              Reply<Queue> done)
{
    if (!actor.user.isAdmin())
        return done(adminOnly());
    if (!m_queues.contains(queueId))
        return done(Error{u"not_found"_s, u"no queue with id %1"_s.arg(queueId)});
    for (const auto &[user, skill] : members)
        if (skill < 1 || skill > 10)
            return done(Error{u"bad_args"_s, u"members: skill must be 1-10 (user %1)"_s.arg(user)});
    Queue updated = m_queues.value(queueId);
    updated.members = members;
    QPointer<QueueService> self(this);
    m_db.write<Queue>(
        context,
        [=](WriteTx &tx) -> Result<Queue> {
            if (auto r = tx.exec(u"DELETE FROM queue_members WHERE queue_id = $1"_s, {queueId}); !r)
                return r.error();
            for (const auto &[user, skill] : members) {
                auto exists = tx.exec(u"SELECT 1 FROM users WHERE id = $1"_s, {user});
                if (!exists)
                    return exists.error();
                if (exists->isEmpty())
                    return Error{u"bad_args"_s, u"members: no user with id %1"_s.arg(user)};
                if (auto r =
                        tx.exec(u"INSERT INTO queue_members (queue_id, user_id, skill) VALUES ($1, $2, $3)"_s,
                                {queueId, user, skill});
                    !r)
                    return r.error();
            }
            if (auto e = tx.appendEvent(u"queue.updated"_s, supervisors, {{u"queue"_s, updated.toJson()}});
                !e)
                return e.error();
            return updated;
        },
        [self, done](Result<Queue> r) {
            if (r && self) {
                self->m_queues.insert(r->id, *r);
                self->dispatch();
            }
            done(r);
        });
}

void QueueService::setCapacity(const accounts::Principal &actor, qint64 userId, int capacity,
                               QObject *context, Reply<Done> done)
{
    if (!actor.user.isAdmin() && actor.user.role != accounts::Role::Supervisor)
        return done(Error{u"forbidden"_s, u"setting capacity needs the supervisor or admin role"_s});
    if (capacity < 1 || capacity > 100)
        return done(Error{u"bad_args"_s, u"capacity: 1-100"_s});
    QPointer<QueueService> self(this);
    m_db.write<Done>(
        context,
        [=](WriteTx &tx) -> Result<Done> {
            auto r = tx.exec(
                u"INSERT INTO operator_limits (user_id, capacity) VALUES ($1, $2) ON CONFLICT (user_id) "
                "DO UPDATE SET capacity = excluded.capacity"_s,
                {userId, capacity});
            if (!r)
                return r.error();
            return Done{};
        },
        [self, userId, capacity, done](Result<Done> r) {
            if (r && self) {
                self->m_operators[userId].capacity = capacity;
                self->dispatch();
            }
            done(r);
        });
}

// --- the flow of a dialog
// ------------------------------------------------------------------------------------

void QueueService::enqueue(qint64 dialogId, qint64 queueId)
{
    place(dialogId, queueId, true);
}

void QueueService::place(qint64 dialogId, qint64 queueId, bool onlyWithoutQueue)
{
    if (queueId <= 0 || !m_queues.contains(queueId)) {
        qCWarning(lcQueues, "dialog %lld has no queue to wait in (set the channel's default queue)",
                  dialogId);
        return;
    }
    QPointer<QueueService> self(this);
    m_db.write<qint64>(
        this,
        [=](WriteTx &tx) -> Result<qint64> {
            // A new dialog is routed once: the router's hand-off and the routing of dialogs found without a
            // queue (ChannelRuntime) may both hand the same dialog over.
            auto r = tx.exec(u"UPDATE dialogs SET queue_id = $2 WHERE id = $1 AND state = 'waiting'"_s +
                                 (onlyWithoutQueue ? u" AND queue_id IS NULL"_s : QString()) +
                                 u" RETURNING opened_at"_s,
                             {dialogId, queueId});
            if (!r)
                return r.error();
            if (r->isEmpty())
                return Error{u"conflict"_s, u"dialog %1 is not waiting without a queue"_s.arg(dialogId)};
            if (auto e = tx.appendEvent(u"dialog.queued"_s, supervisors,
                                        {{u"dialog_id"_s, dialogId}, {u"queue_id"_s, queueId}});
                !e)
                return e.error();
            return r->at(0, 0).toLongLong();
        },
        [self, dialogId, queueId](Result<qint64> openedAt) {
            if (!self || !openedAt)
                return;
            self->removeWaiting(dialogId);
            auto &list = self->m_waiting[queueId];
            auto at = std::upper_bound(list.begin(), list.end(), *openedAt,
                                       [](qint64 t, const Waiting &w) { return t < w.openedAt; });
            list.insert(at, Waiting{dialogId, *openedAt});
            self->m_queueOf.insert(dialogId, queueId);
            self->statsChanged();
            self->dispatch();
        });
}

void QueueService::requeue(qint64 dialogId, qint64 queueId)
{
    place(dialogId, queueId, false);
}

void QueueService::closed(qint64 dialogId)
{
    withdraw(dialogId, u"finished"_s);
    m_offers.remove(dialogId);
    removeWaiting(dialogId);
    statsChanged();
}

void QueueService::adopted(qint64 dialogId, qint64 operatorId)
{
    removeWaiting(dialogId);
    m_offers.remove(dialogId);
    m_operators[operatorId].active.insert(dialogId);
    statsChanged();
}

void QueueService::removeWaiting(qint64 dialogId)
{
    const qint64 queue = m_queueOf.take(dialogId);
    if (queue > 0)
        m_waiting[queue].removeIf([dialogId](const Waiting &w) { return w.dialogId == dialogId; });
}

int QueueService::capacityOf(const Operator &op) const
{
    return op.capacity > 0 ? op.capacity : m_options.defaultCapacity;
}

void QueueService::dispatch()
{
    // Each operator's room, worked out once: the loop below is then linear in waiting dialogs x members, and
    // it stops for a queue as soon as none of its members has room.
    QHash<qint64, int> room;
    for (auto it = m_operators.cbegin(); it != m_operators.cend(); ++it)
        if (it->sessions > 0 && it->presence == Presence::Online)
            room.insert(it.key(), capacityOf(*it) - int(it->active.size()));
    for (const Offer &o : std::as_const(m_offers))
        if (o.operatorId > 0 && room.contains(o.operatorId))
            --room[o.operatorId];

    for (auto q = m_waiting.begin(); q != m_waiting.end(); ++q) {
        const Queue queue = m_queues.value(q.key());
        for (const Waiting &w : std::as_const(q.value())) {
            bool anyRoom = false;
            for (const auto &member : queue.members)
                anyRoom = anyRoom || room.value(member.first) > 0;
            if (!anyRoom)
                break;
            Offer &o = m_offers[w.dialogId];
            if (o.dialogId == 0) {
                o.dialogId = w.dialogId;
                o.queueId = q.key();
            }
            if (o.operatorId > 0 || m_accepting.contains(w.dialogId))
                continue;
            // Eligible: a member, connected and online, with room, who has not turned this dialog down; the
            // one idle longest first. When every one with room has turned it down, a new round begins.
            auto pick = [&]() -> qint64 {
                qint64 best = 0;
                qint64 bestIdle = 0;
                for (const auto &member : queue.members) {
                    const qint64 user = member.first;
                    if (room.value(user) <= 0 || o.declinedBy.contains(user))
                        continue;
                    const qint64 idle = m_operators.value(user).idleSince;
                    if (best == 0 || idle < bestIdle) {
                        best = user;
                        bestIdle = idle;
                    }
                }
                return best;
            };
            qint64 best = pick();
            if (best == 0 && !o.declinedBy.isEmpty()) {
                o.declinedBy.clear();
                best = pick();
            }
            if (best > 0) {
                --room[best];
                offer(o, best);
            }
        }
    }
    // Waiting dialogs nobody can take keep an empty offer record only while waiting.
    m_offers.removeIf([this](const auto &it) { return !m_queueOf.contains(it.key()); });
}

void QueueService::offer(Offer &o, qint64 operatorId)
{
    const int timeout = m_queues.value(o.queueId).offerTimeoutSec;
    o.operatorId = operatorId;
    o.expiresAt = nowMs() + qint64(timeout) * 1000;
    o.timeoutSec = timeout;
    const qint64 dialogId = o.dialogId;
    const qint64 queueId = o.queueId;
    const qint64 expiresAt = o.expiresAt;
    // The offer carries what the banner shows: who writes, through which channel, and the first words.
    m_db.write<Done>(
        this,
        [=](WriteTx &tx) -> Result<Done> {
            auto r =
                tx.exec(u"SELECT s.name, d.channel_id, (SELECT m.content FROM messages m WHERE m.dialog_id = "
                        "d.id ORDER BY m.id DESC LIMIT 1), s.username, c.kind, c.name FROM dialogs d JOIN "
                        "subscribers s ON s.id = d.subscriber_id JOIN channels c ON c.id = d.channel_id "
                        "WHERE d.id = $1"_s,
                        {dialogId});
            if (!r)
                return r.error();
            QJsonObject data{{u"dialog_id"_s, dialogId},
                             {u"queue_id"_s, queueId},
                             {u"expires_at"_s, isoTime(expiresAt)},
                             {u"timeout_sec"_s, timeout}};
            if (!r->isEmpty()) {
                data.insert(u"subscriber_name"_s, r->at(0, 0).toString());
                data.insert(u"subscriber_username"_s, r->at(0, 3).toString());
                data.insert(u"channel_id"_s, r->at(0, 1).toLongLong());
                data.insert(u"channel_kind"_s, r->at(0, 4).toString());
                data.insert(u"channel_name"_s, r->at(0, 5).toString());
                data.insert(u"last_message"_s,
                            QJsonDocument::fromJson(r->at(0, 2).toString().toUtf8()).object());
            }
            auto e = tx.appendEvent(u"dialog.offered"_s, {u"user:%1"_s.arg(operatorId)}, data);
            if (!e)
                return e.error();
            return Done{};
        },
        [](Result<Done>) {});
    statsChanged();
}

void QueueService::withdraw(qint64 dialogId, const QString &why)
{
    auto it = m_offers.find(dialogId);
    if (it == m_offers.end() || it->operatorId == 0)
        return;
    const qint64 op = it->operatorId;
    it->operatorId = 0;
    appendEvent(u"dialog.offer_withdrawn"_s, {u"user:%1"_s.arg(op)},
                {{u"dialog_id"_s, dialogId}, {u"reason"_s, why}});
}

void QueueService::expireOffers()
{
    const qint64 now = nowMs();
    bool changed = false;
    for (auto it = m_offers.begin(); it != m_offers.end(); ++it) {
        if (it->operatorId > 0 && it->expiresAt <= now && !m_accepting.contains(it.key())) {
            it->declinedBy.insert(it->operatorId);
            withdraw(it.key(), u"expired"_s);
            changed = true;
        }
    }
    if (changed)
        dispatch();
}

bool QueueService::isOfferedTo(qint64 dialogId, qint64 userId) const
{
    auto it = m_offers.constFind(dialogId);
    return it != m_offers.cend() && it->operatorId == userId;
}

QList<qint64> QueueService::offersOf(qint64 userId) const
{
    QList<qint64> out;
    for (const Offer &o : m_offers)
        if (o.operatorId == userId)
            out.append(o.dialogId);
    return out;
}

QList<QueueService::OfferTerms> QueueService::offerTermsOf(qint64 userId) const
{
    QList<OfferTerms> out;
    for (const Offer &o : m_offers)
        if (o.operatorId == userId)
            out.append(OfferTerms{o.dialogId, o.expiresAt, o.timeoutSec});
    return out;
}

int QueueService::positionOf(qint64 dialogId) const
{
    const qint64 queue = m_queueOf.value(dialogId);
    const QList<Waiting> list = m_waiting.value(queue);
    for (qsizetype i = 0; i < list.size(); ++i)
        if (list.at(i).dialogId == dialogId)
            return int(i + 1);
    return 0;
}

void QueueService::accept(const accounts::Principal &actor, qint64 dialogId, QObject *context,
                          Reply<QJsonObject> done)
{
    const qint64 userId = actor.user.id;
    if (!isOfferedTo(dialogId, userId))
        return done(Error{u"not_offered"_s,
                          u"dialog %1 is not offered to you (the offer may have expired)"_s.arg(dialogId)});
    if (m_accepting.contains(dialogId))
        return done(Error{u"conflict"_s, u"dialog %1 is being accepted already"_s.arg(dialogId)});
    m_accepting.insert(dialogId);
    QPointer<QueueService> self(this);
    const qint64 queueId = m_queueOf.value(dialogId);
    m_db.write<QJsonObject>(
        context,
        [=](WriteTx &tx) -> Result<QJsonObject> {
            const qint64 now = nowMs();
            auto r = tx.exec(u"UPDATE dialogs SET state = 'active', operator_id = $2, assigned_at = $3 "
                             "WHERE id = $1 AND state = 'waiting' RETURNING id"_s,
                             {dialogId, userId, now});
            if (!r)
                return r.error();
            if (r->isEmpty())
                return Error{u"conflict"_s, u"dialog %1 is no longer waiting"_s.arg(dialogId)};
            QJsonObject data{{u"dialog_id"_s, dialogId},
                             {u"operator_id"_s, userId},
                             {u"queue_id"_s, queueId},
                             {u"assigned_at"_s, isoTime(now)}};
            if (auto e = tx.appendEvent(u"dialog.assigned"_s,
                                        QStringList{u"user:%1"_s.arg(userId)} + supervisors, data);
                !e)
                return e.error();
            return data;
        },
        [self, dialogId, userId, done](Result<QJsonObject> r) {
            if (self) {
                self->m_accepting.remove(dialogId);
                if (r) {
                    self->m_offers.remove(dialogId);
                    self->removeWaiting(dialogId);
                    Operator &op = self->m_operators[userId];
                    op.active.insert(dialogId);
                    op.idleSince = nowMs();
                    self->statsChanged();
                }
                self->dispatch();
            }
            done(r);
        });
}

void QueueService::decline(const accounts::Principal &actor, qint64 dialogId, QObject *context,
                           Reply<Done> done)
{
    Q_UNUSED(context);
    if (!isOfferedTo(dialogId, actor.user.id))
        return done(Error{u"not_offered"_s, u"dialog %1 is not offered to you"_s.arg(dialogId)});
    m_offers[dialogId].declinedBy.insert(actor.user.id);
    withdraw(dialogId, u"declined"_s);
    dispatch();
    done(Done{});
}

void QueueService::released(qint64 dialogId, qint64 operatorId)
{
    Operator &op = m_operators[operatorId];
    op.active.remove(dialogId);
    op.idleSince = nowMs();
    statsChanged();
    dispatch();
}

// --- presence ----------------------------------------------------------------------------------------------

void QueueService::setPresence(const accounts::Principal &actor, Presence presence, QObject *context,
                               Reply<QJsonObject> done)
{
    Q_UNUSED(context);
    const qint64 userId = actor.user.id;
    Operator &op = m_operators[userId];
    const Presence before = op.presence;
    op.presence = presence;
    if (before != Presence::Online && presence == Presence::Online && op.idleSince == 0)
        op.idleSince = nowMs();
    if (presence != Presence::Online)
        for (qint64 dialog : offersOf(userId))
            withdraw(dialog, presenceName(presence));
    appendEvent(u"presence.changed"_s, supervisors + QStringList{u"user:%1"_s.arg(userId)},
                {{u"user_id"_s, userId}, {u"presence"_s, presenceName(presence)}});
    statsChanged();
    dispatch();
    done(QJsonObject{{u"presence"_s, presenceName(presence)},
                     {u"capacity"_s, capacityOf(op)},
                     {u"active"_s, int(op.active.size())}});
}

void QueueService::sessionOpened(qint64 userId)
{
    Operator &op = m_operators[userId];
    ++op.sessions;
    op.offlineSince = 0;
    dispatch();
}

void QueueService::sessionClosed(qint64 userId)
{
    Operator &op = m_operators[userId];
    op.sessions = std::max(0, op.sessions - 1);
    if (op.sessions > 0)
        return;
    op.offlineSince = nowMs();
    // Offers go back at once; dialogs in progress wait for the operator to reconnect.
    for (qint64 dialog : offersOf(userId))
        withdraw(dialog, u"disconnected"_s);
    statsChanged();
    dispatch();
    const qint64 since = op.offlineSince;
    QTimer::singleShot(m_options.disconnectGraceSec * 1000, this, [this, userId, since] {
        const Operator now = m_operators.value(userId);
        if (now.sessions == 0 && now.offlineSince == since)
            returnDialogsOf(userId);
    });
}

void QueueService::returnDialogsOf(qint64 userId)
{
    QPointer<QueueService> self(this);
    m_db.write<QList<QVariantList>>(
        this,
        [userId](WriteTx &tx) -> Result<QList<QVariantList>> {
            auto r =
                tx.exec(u"UPDATE dialogs SET state = 'waiting', operator_id = NULL, assigned_at = NULL "
                        "WHERE operator_id = $1 AND state = 'active' RETURNING id, queue_id, opened_at"_s,
                        {userId});
            if (!r)
                return r.error();
            for (const QVariantList &row : r->rows)
                if (auto e = tx.appendEvent(u"dialog.returned"_s,
                                            QStringList{u"user:%1"_s.arg(userId)} + supervisors,
                                            {{u"dialog_id"_s, row.at(0).toLongLong()},
                                             {u"queue_id"_s, row.at(1).toLongLong()},
                                             {u"reason"_s, u"operator disconnected"_s}});
                    !e)
                    return e.error();
            return r->rows;
        },
        [self, userId](Result<QList<QVariantList>> rows) {
            if (!self || !rows)
                return;
            Operator &op = self->m_operators[userId];
            for (const QVariantList &row : *rows) {
                const qint64 id = row.at(0).toLongLong();
                const qint64 queue = row.at(1).toLongLong();
                op.active.remove(id);
                if (queue <= 0)
                    continue;
                auto &list = self->m_waiting[queue];
                const qint64 openedAt = row.at(2).toLongLong();
                auto at = std::upper_bound(list.begin(), list.end(), openedAt,
                                           [](qint64 t, const Waiting &w) { return t < w.openedAt; });
                list.insert(at, Waiting{id, openedAt});
                self->m_queueOf.insert(id, queue);
            }
            self->statsChanged();
            self->dispatch();
        });
}

// --- statistics --------------------------------------------------------------------------------------------

QJsonObject QueueService::stats() const
{
    const qint64 now = nowMs();
    QJsonArray queues;
    QList<qint64> ids = m_queues.keys();
    std::sort(ids.begin(), ids.end());
    for (qint64 id : ids) {
        const Queue &q = m_queues[id];
        const QList<Waiting> waiting = m_waiting.value(id);
        qint64 longest = 0;
        for (const Waiting &w : waiting)
            longest = std::max(longest, (now - w.openedAt) / 1000);
        int online = 0, away = 0, offline = 0, active = 0;
        QJsonArray operators;
        for (const auto &[user, skill] : q.members) {
            Q_UNUSED(skill);
            const Operator op = m_operators.value(user);
            const Presence p = op.sessions > 0 ? op.presence : Presence::Offline;
            online += p == Presence::Online ? 1 : 0;
            away += p == Presence::Away ? 1 : 0;
            offline += p == Presence::Offline ? 1 : 0;
            active += int(op.active.size());
            operators.append(QJsonObject{{u"user_id"_s, user},
                                         {u"presence"_s, presenceName(p)},
                                         {u"active"_s, int(op.active.size())},
                                         {u"capacity"_s, capacityOf(op)}});
        }
        queues.append(QJsonObject{
            {u"id"_s, id},
            {u"name"_s, q.name},
            {u"waiting"_s, int(waiting.size())},
            {u"longest_wait_sec"_s, longest},
            {u"operators"_s, QJsonObject{{u"online"_s, online}, {u"away"_s, away}, {u"offline"_s, offline}}},
            {u"active_dialogs"_s, active},
            {u"members"_s, operators}});
    }
    return {{u"queues"_s, queues}, {u"at"_s, isoTime(now)}};
}

void QueueService::statsFor(const accounts::Principal &actor, QObject *context, Reply<QJsonObject> done)
{
    Q_UNUSED(context);
    if (actor.user.role == accounts::Role::Operator)
        return done(Error{u"forbidden"_s, u"queue statistics are for supervisors and admins"_s});
    done(stats());
}

void QueueService::listOperators(QObject *context, Reply<QJsonObject> done)
{
    QPointer<QueueService> self(this);
    m_db.read<QList<QVariantList>>(
        context,
        [](Connection &c) -> Result<QList<QVariantList>> {
            auto r = c.exec(u"SELECT id, login, display_name, role FROM users WHERE disabled = 0"_s);
            if (!r)
                return r.error();
            return r->rows;
        },
        [self, done](Result<QList<QVariantList>> rows) {
            if (!rows)
                return done(rows.error());
            if (!self)
                return done(Error{u"shutting_down"_s, u"the server is stopping"_s});
            // Sorted here, not in SQL: the engines' collations order mixed case and Cyrillic differently.
            QList<QVariantList> users = *rows;
            std::sort(users.begin(), users.end(), [](const QVariantList &a, const QVariantList &b) {
                const int byName =
                    QString::compare(a.at(2).toString(), b.at(2).toString(), Qt::CaseInsensitive);
                return byName != 0 ? byName < 0 : a.at(0).toLongLong() < b.at(0).toLongLong();
            });
            QJsonArray out;
            for (const QVariantList &u : std::as_const(users)) {
                const Operator op = self->m_operators.value(u.at(0).toLongLong());
                out.append(QJsonObject{
                    {u"id"_s, u.at(0).toLongLong()},
                    {u"login"_s, u.at(1).toString()},
                    {u"display_name"_s, u.at(2).toString()},
                    {u"role"_s, u.at(3).toString()},
                    {u"presence"_s, presenceName(op.sessions > 0 ? op.presence : Presence::Offline)},
                    {u"connected"_s, op.sessions > 0},
                    {u"active"_s, int(op.active.size())},
                    {u"capacity"_s, self->capacityOf(op)}});
            }
            done(QJsonObject{{u"operators"_s, out}});
        });
}

void QueueService::statsChanged()
{
    m_statsDirty = true;
    if (!m_statsTimer.isActive())
        m_statsTimer.start();
}

void QueueService::publishStats()
{
    if (!m_statsDirty)
        return;
    m_statsDirty = false;
    appendEvent(u"queue.stats"_s, supervisors, stats());
}

// --- command line
// -------------------------------------------------------------------------------------------

Result<Queue> QueueService::createNow(storage::Database &db, const QString &name, int offerTimeoutSec)
{
    if (Status st = checkQueue(name, offerTimeoutSec); !st)
        return st.error();
    return db.writeSync<Queue>([&](WriteTx &tx) { return insertQueue(tx, name, offerTimeoutSec); });
}

Result<QList<Queue>> QueueService::listNow(storage::Database &db)
{
    auto all = db.readSync<QHash<qint64, Queue>>([](Connection &c) { return readQueues(c); });
    if (!all)
        return all.error();
    QList<Queue> out = all->values();
    std::sort(out.begin(), out.end(), [](const Queue &a, const Queue &b) { return a.id < b.id; });
    return out;
}

Result<Queue> QueueService::setMembersNow(storage::Database &db, const QString &queueName,
                                          const QList<std::pair<QString, int>> &loginsAndSkills)
{
    return db.writeSync<Queue>([&](WriteTx &tx) -> Result<Queue> {
        auto q = tx.exec(u"SELECT id, name, offer_timeout_sec FROM queues WHERE name = $1"_s, {queueName});
        if (!q)
            return q.error();
        if (q->isEmpty())
            return Error{u"not_found"_s, u"no queue named '%1'"_s.arg(queueName)};
        Queue queue{q->at(0, 0).toLongLong(), q->at(0, 1).toString(), q->at(0, 2).toInt(), {}};
        if (auto r = tx.exec(u"DELETE FROM queue_members WHERE queue_id = $1"_s, {queue.id}); !r)
            return r.error();
        for (const auto &[login, skill] : loginsAndSkills) {
            if (skill < 1 || skill > 10)
                return Error{u"bad_args"_s, u"skill of %1 must be 1-10"_s.arg(login)};
            auto u = tx.exec(u"SELECT id FROM users WHERE login = $1"_s, {login.toLower()});
            if (!u)
                return u.error();
            if (u->isEmpty())
                return Error{u"not_found"_s, u"no user with login '%1'"_s.arg(login)};
            const qint64 userId = u->at(0, 0).toLongLong();
            if (auto r =
                    tx.exec(u"INSERT INTO queue_members (queue_id, user_id, skill) VALUES ($1, $2, $3)"_s,
                            {queue.id, userId, skill});
                !r)
                return r.error();
            queue.members.append({userId, skill});
        }
        if (auto e = tx.appendEvent(u"queue.updated"_s, supervisors, {{u"queue"_s, queue.toJson()}}); !e)
            return e.error();
        return queue;
    });
}

} // namespace era::queues
