#include "channels/ChannelService.h"

#include "core/SecretBox.h"
#include "core/Time.h"
#include "storage/Database.h"

#include <QJsonDocument>
#include <QPointer>

namespace era::channels {

using namespace Qt::StringLiterals;
using storage::Connection;
using storage::WriteTx;

QJsonObject Channel::toJson() const
{
    return {{u"id"_s, id},
            {u"kind"_s, kind},
            {u"name"_s, name},
            {u"enabled"_s, enabled},
            {u"default_queue_id"_s, defaultQueueId > 0 ? QJsonValue(defaultQueueId) : QJsonValue()},
            {u"settings"_s, settings},
            {u"has_credentials"_s, hasCredentials},
            {u"state"_s, state},
            {u"created_at"_s, isoTime(createdAt)},
            {u"updated_at"_s, isoTime(updatedAt)}};
}

namespace {

const QString columns =
    u"id, kind, name, enabled, default_queue_id, settings, secret IS NOT NULL, state, created_at, updated_at"_s;

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

Channel channelFrom(const QVariantList &r)
{
    Channel c;
    c.id = r.at(0).toLongLong();
    c.kind = r.at(1).toString();
    c.name = r.at(2).toString();
    c.enabled = r.at(3).toLongLong() != 0;
    c.defaultQueueId = r.at(4).isNull() ? 0 : r.at(4).toLongLong();
    c.settings = QJsonDocument::fromJson(r.at(5).toString().toUtf8()).object();
    c.hasCredentials = r.at(6).toBool() || r.at(6).toLongLong() != 0;
    c.state = r.at(7).toString();
    c.createdAt = r.at(8).toLongLong();
    c.updatedAt = r.at(9).toLongLong();
    return c;
}

Result<std::optional<Channel>> find(Connection &c, qint64 id)
{
    auto r = c.exec(u"SELECT "_s + columns + u" FROM channels WHERE id = $1"_s, {id});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return std::optional<Channel>();
    return std::optional<Channel>(channelFrom(r->rows.at(0)));
}

Result<QList<Channel>> all(Connection &c)
{
    auto r = c.exec(u"SELECT "_s + columns + u" FROM channels ORDER BY id"_s);
    if (!r)
        return r.error();
    QList<Channel> out;
    for (const QVariantList &row : r->rows)
        out.append(channelFrom(row));
    return out;
}

Status queueExists(Connection &c, qint64 queueId)
{
    if (queueId <= 0)
        return ok();
    auto r = c.exec(u"SELECT 1 FROM queues WHERE id = $1"_s, {queueId});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return Error{u"bad_args"_s, u"default_queue_id: no queue with id %1"_s.arg(queueId)};
    return ok();
}

const Audience admins{u"role:admin"_s, u"role:supervisor"_s};

Error forbidden()
{
    return Error{u"forbidden"_s, u"managing channels needs the admin role"_s};
}

QJsonObject merged(QJsonObject base, const QJsonObject &over)
{
    for (auto it = over.begin(); it != over.end(); ++it)
        base.insert(it.key(), it.value());
    return base;
}

} // namespace

ChannelService::ChannelService(storage::Database &db, const SecretBox &secrets, const ConnectorKinds &kinds,
                               QObject *parent)
    : QObject(parent), m_db(db), m_secrets(secrets), m_kinds(kinds)
{}

Status ChannelService::validate(const QString &kind, const QJsonObject &settings,
                                const QJsonObject &credentials) const
{
    const ConnectorKind *k = m_kinds.find(kind);
    if (!k)
        return Error{u"bad_args"_s, u"kind: unknown channel kind '%1' (known: %2)"_s.arg(
                                        kind, m_kinds.names().join(u", "_s))};
    return k->validate ? k->validate(settings, credentials) : ok();
}

void ChannelService::list(const accounts::Principal &actor, QObject *context, Reply<QList<Channel>> done)
{
    if (actor.user.role == accounts::Role::Operator) {
        done(Error{u"forbidden"_s, u"listing channels needs the supervisor or admin role"_s});
        return;
    }
    m_db.read<QList<Channel>>(
        context, [](Connection &c) { return all(c); }, std::move(done));
}

static Result<Channel> insertChannel(WriteTx &tx, const ChannelService::NewChannel &spec,
                                     const QJsonObject &settings, const QByteArray &sealed)
{
    if (Status s = queueExists(tx.connection(), spec.defaultQueueId); !s)
        return s.error();
    const qint64 now = nowMs();
    auto r =
        tx.exec(u"INSERT INTO channels (kind, name, enabled, default_queue_id, settings, secret, created_at, "
                "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING "_s +
                    columns,
                {spec.kind, spec.name, qint64(spec.enabled ? 1 : 0),
                 spec.defaultQueueId > 0 ? QVariant(spec.defaultQueueId) : QVariant(), compact(settings),
                 sealed, now});
    if (!r)
        return r.error();
    const Channel channel = channelFrom(r->rows.at(0));
    if (auto e = tx.appendEvent(u"channel.created"_s, admins, {{u"channel"_s, channel.toJson()}}); !e)
        return e.error();
    return channel;
}

static Status checkName(const QString &name)
{
    if (name.trimmed().isEmpty() || name.size() > 200)
        return Error{u"bad_args"_s, u"name: 1-200 characters"_s};
    return ok();
}

void ChannelService::create(const accounts::Principal &actor, const NewChannel &spec, QObject *context,
                            Reply<Channel> done)
{
    if (!actor.user.isAdmin())
        return done(forbidden());
    auto channel = [&]() -> Result<std::pair<QJsonObject, QByteArray>> {
        if (Status s = checkName(spec.name); !s)
            return s.error();
        const ConnectorKind *k = m_kinds.find(spec.kind);
        const QJsonObject settings = merged(k ? k->defaultSettings : QJsonObject(), spec.settings);
        if (Status s = validate(spec.kind, settings, spec.credentials); !s)
            return s.error();
        return std::pair{settings,
                         m_secrets.seal(QJsonDocument(spec.credentials).toJson(QJsonDocument::Compact))};
    }();
    if (!channel)
        return done(channel.error());
    const auto [settings, sealed] = *channel;
    QPointer<ChannelService> self(this);
    m_db.write<Channel>(
        context, [=](WriteTx &tx) { return insertChannel(tx, spec, settings, sealed); },
        [self, done](Result<Channel> r) {
            if (r && self)
                Q_EMIT self->changed(r->id);
            done(r);
        });
}

void ChannelService::update(const accounts::Principal &actor, qint64 id, const ChannelPatch &patch,
                            QObject *context, Reply<Channel> done)
{
    if (!actor.user.isAdmin())
        return done(forbidden());
    if (patch.name)
        if (Status s = checkName(*patch.name); !s)
            return done(s.error());
    const SecretBox &secrets = m_secrets;
    const ConnectorKinds &kinds = m_kinds;
    QPointer<ChannelService> self(this);
    m_db.write<Channel>(
        context,
        [=, &secrets, &kinds](WriteTx &tx) -> Result<Channel> {
            auto found = find(tx.connection(), id);
            if (!found)
                return found.error();
            if (!found->has_value())
                return Error{u"not_found"_s, u"no channel with id %1"_s.arg(id)};
            const Channel before = **found;
            // Validate the settings and credentials as they will be after the change.
            QJsonObject credentials = patch.credentials.value_or(QJsonObject());
            if (!patch.credentials) {
                auto stored = tx.exec(u"SELECT secret FROM channels WHERE id = $1"_s, {id});
                if (!stored)
                    return stored.error();
                if (!stored->at(0, 0).isNull()) {
                    auto opened = secrets.unseal(stored->at(0, 0).toByteArray());
                    if (!opened)
                        return opened.error();
                    credentials = QJsonDocument::fromJson(*opened).object();
                }
            }
            const ConnectorKind *k = kinds.find(before.kind);
            const QJsonObject settings = patch.settings
                                             ? merged(k ? k->defaultSettings : QJsonObject(), *patch.settings)
                                             : before.settings;
            if (k && k->validate)
                if (Status s = k->validate(settings, credentials); !s)
                    return s.error();
            if (patch.defaultQueueId)
                if (Status s = queueExists(tx.connection(), *patch.defaultQueueId); !s)
                    return s.error();
            QStringList sets{u"updated_at = $2"_s};
            QVariantList params{id, nowMs()};
            auto add = [&](const QString &column, const QVariant &value) {
                params.append(value);
                sets.append(u"%1 = $%2"_s.arg(column).arg(params.size()));
            };
            if (patch.name)
                add(u"name"_s, patch.name->trimmed());
            if (patch.enabled)
                add(u"enabled"_s, qint64(*patch.enabled ? 1 : 0));
            if (patch.defaultQueueId)
                add(u"default_queue_id"_s,
                    *patch.defaultQueueId > 0 ? QVariant(*patch.defaultQueueId) : QVariant());
            if (patch.settings)
                add(u"settings"_s, compact(settings));
            if (patch.credentials)
                add(u"secret"_s, secrets.seal(QJsonDocument(credentials).toJson(QJsonDocument::Compact)));
            auto r = tx.exec(u"UPDATE channels SET "_s + sets.join(u", "_s) + u" WHERE id = $1 RETURNING "_s +
                                 columns,
                             params);
            if (!r)
                return r.error();
            const Channel channel = channelFrom(r->rows.at(0));
            if (auto e = tx.appendEvent(u"channel.updated"_s, admins, {{u"channel"_s, channel.toJson()}}); !e)
                return e.error();
            return channel;
        },
        [self, done](Result<Channel> r) {
            if (r && self)
                Q_EMIT self->changed(r->id);
            done(r);
        });
}

void ChannelService::remove(const accounts::Principal &actor, qint64 id, QObject *context, Reply<Done> done)
{
    if (!actor.user.isAdmin())
        return done(forbidden());
    QPointer<ChannelService> self(this);
    m_db.write<Done>(
        context,
        [id](WriteTx &tx) -> Result<Done> {
            auto used = tx.exec(u"SELECT 1 FROM subscribers WHERE channel_id = $1 LIMIT 1"_s, {id});
            if (!used)
                return used.error();
            if (!used->isEmpty())
                return Error{u"conflict"_s,
                             u"the channel has conversations; disable it instead of deleting"_s};
            auto r = tx.exec(u"DELETE FROM channels WHERE id = $1"_s, {id});
            if (!r)
                return r.error();
            if (r->affected == 0)
                return Error{u"not_found"_s, u"no channel with id %1"_s.arg(id)};
            if (auto e = tx.appendEvent(u"channel.deleted"_s, admins, {{u"id"_s, id}}); !e)
                return e.error();
            return Done{};
        },
        [self, id, done](Result<Done> r) {
            if (r && self)
                Q_EMIT self->changed(id);
            done(r);
        });
}

void ChannelService::runnable(qint64 id, QObject *context, Reply<std::optional<Runnable>> done)
{
    const SecretBox &secrets = m_secrets;
    m_db.read<std::optional<Runnable>>(
        context,
        [id, &secrets](Connection &c) -> Result<std::optional<Runnable>> {
            auto found = find(c, id);
            if (!found)
                return found.error();
            if (!found->has_value() || !(*found)->enabled)
                return std::optional<Runnable>();
            Runnable run{**found, {}, {}};
            auto r = c.exec(u"SELECT c.secret, k.cursor FROM channels c LEFT JOIN channel_cursors k "
                            "ON k.channel_id = c.id WHERE c.id = $1"_s,
                            {id});
            if (!r)
                return r.error();
            if (!r->at(0, 0).isNull()) {
                auto opened = secrets.unseal(r->at(0, 0).toByteArray());
                if (!opened)
                    return opened.error();
                run.credentials = QJsonDocument::fromJson(*opened).object();
            }
            run.cursor = r->at(0, 1).toString();
            return std::optional<Runnable>(run);
        },
        std::move(done));
}

void ChannelService::enabledIds(QObject *context, Reply<QList<qint64>> done)
{
    m_db.read<QList<qint64>>(
        context,
        [](Connection &c) -> Result<QList<qint64>> {
            auto r = c.exec(u"SELECT id FROM channels WHERE enabled = 1 ORDER BY id"_s);
            if (!r)
                return r.error();
            QList<qint64> ids;
            for (const QVariantList &row : r->rows)
                ids.append(row.at(0).toLongLong());
            return ids;
        },
        std::move(done));
}

void ChannelService::setState(qint64 id, const QString &state)
{
    m_db.write<Done>(
        this,
        [id, state](WriteTx &tx) -> Result<Done> {
            auto r = tx.exec(u"UPDATE channels SET state = $2 WHERE id = $1 AND state <> $2"_s, {id, state});
            if (!r)
                return r.error();
            if (r->affected > 0)
                if (auto e = tx.appendEvent(u"channel.state"_s, admins, {{u"id"_s, id}, {u"state"_s, state}});
                    !e)
                    return e.error();
            return Done{};
        },
        [](Result<Done>) {});
}

Result<Channel> ChannelService::createNow(const NewChannel &spec)
{
    if (Status s = checkName(spec.name); !s)
        return s.error();
    const ConnectorKind *k = m_kinds.find(spec.kind);
    const QJsonObject settings = merged(k ? k->defaultSettings : QJsonObject(), spec.settings);
    if (Status s = validate(spec.kind, settings, spec.credentials); !s)
        return s.error();
    const QByteArray sealed = m_secrets.seal(QJsonDocument(spec.credentials).toJson(QJsonDocument::Compact));
    return m_db.writeSync<Channel>([&](WriteTx &tx) { return insertChannel(tx, spec, settings, sealed); });
}

Result<QList<Channel>> ChannelService::listNow()
{
    return m_db.readSync<QList<Channel>>([](Connection &c) { return all(c); });
}

} // namespace era::channels
