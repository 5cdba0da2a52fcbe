#include "accounts/AccountStore.h"

#include "storage/Database.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace era::accounts::store {

using namespace Qt::StringLiterals;
using storage::Connection;
using storage::Rows;

static const QString userColumns = u"id, login, display_name, role, disabled, created_at, updated_at"_s;

static User userFrom(const QVariantList &r, int at = 0)
{
    User u;
    u.id = r.at(at).toLongLong();
    u.login = r.at(at + 1).toString();
    u.displayName = r.at(at + 2).toString();
    u.role = roleFromName(r.at(at + 3).toString()).value_or(Role::Operator);
    u.disabled = r.at(at + 4).toLongLong() != 0;
    u.createdAt = r.at(at + 5).toLongLong();
    u.updatedAt = r.at(at + 6).toLongLong();
    return u;
}

Result<qint64> countAdmins(Connection &c)
{
    auto r = c.exec(u"SELECT COUNT(*) FROM users WHERE role = 'admin'"_s);
    if (!r)
        return r.error();
    return r->at(0, 0).toLongLong();
}

Result<std::optional<StoredUser>> findByLogin(Connection &c, const QString &login)
{
    auto r = c.exec(u"SELECT "_s + userColumns + u", password_hash FROM users WHERE login = $1"_s,
                    {login.toLower()});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return std::optional<StoredUser>();
    return std::optional<StoredUser>(StoredUser{userFrom(r->rows.at(0)), r->at(0, 7).toString()});
}

Result<std::optional<User>> findById(Connection &c, qint64 id)
{
    auto r = c.exec(u"SELECT "_s + userColumns + u" FROM users WHERE id = $1"_s, {id});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return std::optional<User>();
    return std::optional<User>(userFrom(r->rows.at(0)));
}

Result<QList<User>> list(Connection &c)
{
    auto r = c.exec(u"SELECT "_s + userColumns + u" FROM users ORDER BY id"_s);
    if (!r)
        return r.error();
    QList<User> out;
    for (const QVariantList &row : r->rows)
        out.append(userFrom(row));
    return out;
}

Result<User> insert(Connection &c, const QString &login, const QString &displayName, Role role,
                    const QString &passwordHash, qint64 nowMs)
{
    auto existing = c.exec(u"SELECT 1 FROM users WHERE login = $1"_s, {login.toLower()});
    if (!existing)
        return existing.error();
    if (!existing->isEmpty())
        return Error{u"login_taken"_s, u"a user with login '%1' already exists"_s.arg(login.toLower())};
    auto r = c.exec(u"INSERT INTO users (login, display_name, role, password_hash, disabled, created_at, "
                    "updated_at) VALUES ($1, $2, $3, $4, 0, $5, $5) RETURNING "_s +
                        userColumns,
                    {login.toLower(), displayName, roleName(role), passwordHash, nowMs});
    if (!r)
        return r.error();
    return userFrom(r->rows.at(0));
}

Result<User> update(Connection &c, qint64 id, const UserChange &change, qint64 nowMs)
{
    QStringList sets{u"updated_at = $2"_s};
    QVariantList params{id, nowMs};
    auto add = [&](const QString &column, const QVariant &value) {
        params.append(value);
        sets.append(u"%1 = $%2"_s.arg(column).arg(params.size()));
    };
    if (change.displayName)
        add(u"display_name"_s, *change.displayName);
    if (change.role)
        add(u"role"_s, roleName(*change.role));
    if (change.disabled)
        add(u"disabled"_s, qint64(*change.disabled ? 1 : 0));
    if (change.passwordHash)
        add(u"password_hash"_s, *change.passwordHash);
    auto r = c.exec(
        u"UPDATE users SET "_s + sets.join(u", "_s) + u" WHERE id = $1 RETURNING "_s + userColumns, params);
    if (!r)
        return r.error();
    if (r->isEmpty())
        return Error{u"not_found"_s, u"no user with id %1"_s.arg(id)};
    return userFrom(r->rows.at(0));
}

Status insertSession(Connection &c, const QString &tokenHash, qint64 userId, qint64 nowMs, qint64 expiresAtMs,
                     const QString &clientAddress)
{
    auto r = c.exec(u"INSERT INTO sessions (token_hash, user_id, created_at, expires_at, client_address) "
                    "VALUES ($1, $2, $3, $4, $5)"_s,
                    {tokenHash, userId, nowMs, expiresAtMs, clientAddress});
    return r ? ok() : Status(r.error());
}

Result<std::optional<SessionRow>> findSession(Connection &c, const QString &tokenHash)
{
    auto r = c.exec(u"SELECT u.id, u.login, u.display_name, u.role, u.disabled, u.created_at, u.updated_at, "
                    "s.expires_at, s.revoked_at FROM sessions s JOIN users u ON u.id = s.user_id "
                    "WHERE s.token_hash = $1"_s,
                    {tokenHash});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return std::optional<SessionRow>();
    SessionRow s;
    s.user = userFrom(r->rows.at(0));
    s.expiresAt = r->at(0, 7).toLongLong();
    if (!r->at(0, 8).isNull())
        s.revokedAt = r->at(0, 8).toLongLong();
    return std::optional<SessionRow>(s);
}

Result<qint64> revokeSession(Connection &c, const QString &tokenHash, qint64 nowMs)
{
    auto r = c.exec(u"UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL"_s,
                    {tokenHash, nowMs});
    if (!r)
        return r.error();
    return r->affected;
}

Result<qint64> revokeUserSessions(Connection &c, qint64 userId, qint64 nowMs)
{
    auto r = c.exec(u"UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL"_s,
                    {userId, nowMs});
    if (!r)
        return r.error();
    return r->affected;
}

Result<QJsonObject> prefs(Connection &c, qint64 userId)
{
    auto r = c.exec(u"SELECT name, value FROM user_prefs WHERE user_id = $1 ORDER BY name"_s, {userId});
    if (!r)
        return r.error();
    QJsonObject out;
    for (const QVariantList &row : r->rows) {
        const QJsonDocument doc = QJsonDocument::fromJson(u"[%1]"_s.arg(row.at(1).toString()).toUtf8());
        out.insert(row.at(0).toString(), doc.array().at(0));
    }
    return out;
}

Status setPref(storage::WriteTx &tx, qint64 userId, const QString &name, const QString &jsonValue,
               qint64 nowMs)
{
    // SQLite needs the WHERE to tell the upsert's ON CONFLICT from a join's ON.
    static const storage::MergeableRow upsert{
        u"user_prefs"_s,
        u"INSERT INTO user_prefs (user_id, name, value, updated_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"_s,
        u"INSERT INTO user_prefs (user_id, name, value, updated_at) "
        "SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[]) "
        "ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"_s,
        u"INSERT INTO user_prefs (user_id, name, value, updated_at) "
        "SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3 FROM json_each($1) AS r "
        "WHERE true ORDER BY r.key "
        "ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"_s,
        2};
    return tx.writeRow(upsert, {userId, name, jsonValue, nowMs});
}

Status removePref(Connection &c, qint64 userId, const QString &name)
{
    return c.execDeferred(u"DELETE FROM user_prefs WHERE user_id = $1 AND name = $2"_s, {userId, name});
}

} // namespace era::accounts::store
