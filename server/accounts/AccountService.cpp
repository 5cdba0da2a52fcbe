#include "accounts/AccountService.h"

#include "accounts/AccountStore.h"
#include "core/JsonText.h"
#include "core/Time.h"
#include "storage/Database.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QPointer>
#include <QRegularExpression>
#include <QThread>
#include <QThreadPool>

Q_LOGGING_CATEGORY(lcAuth, "era.auth")

namespace era::accounts {

using namespace Qt::StringLiterals;
using storage::Connection;
using storage::WriteTx;

static Error forbidden()
{
    return Error{u"forbidden"_s, u"this needs the admin role"_s};
}

static Audience userAudience(qint64 userId)
{
    return {u"role:admin"_s, u"user:%1"_s.arg(userId)};
}

static QString sessionIdOf(const QString &tokenHash)
{
    return tokenHash.left(16);
}

AccountService::AccountService(storage::Database &db, Options options, QObject *parent)
    : QObject(parent), m_db(db), m_options(options),
      m_throttle(options.freeFailures, options.maxLockoutSeconds)
{
    m_hashers.setMaxThreadCount(qMax(2, QThread::idealThreadCount()));
}

bool AccountService::admitLogin(const QString &login, const QString &address)
{
    static constexpr int PerLogin = 2, PerAddress = 8, Total = 64;
    const QString key = login.toLower();
    if (m_verifying >= Total || m_verifyingByLogin.value(key) >= PerLogin ||
        m_verifyingByAddress.value(address) >= PerAddress)
        return false;
    ++m_verifying;
    ++m_verifyingByLogin[key];
    ++m_verifyingByAddress[address];
    return true;
}

void AccountService::finishLogin(const QString &login, const QString &address)
{
    const QString key = login.toLower();
    --m_verifying;
    if (--m_verifyingByLogin[key] <= 0)
        m_verifyingByLogin.remove(key);
    if (--m_verifyingByAddress[address] <= 0)
        m_verifyingByAddress.remove(address);
}

Status AccountService::validate(const NewUser &spec) const
{
    static const QRegularExpression loginPattern(u"^[a-z0-9][a-z0-9._@-]{1,63}$"_s);
    if (!loginPattern.match(spec.login.toLower()).hasMatch())
        return Error{u"bad_args"_s, u"login must be 2-64 characters: letters, digits, '.', '_', '@' or '-', "
                                    "starting with a letter or digit"_s};
    if (spec.displayName.size() > 200)
        return Error{u"bad_args"_s, u"display_name is longer than 200 characters"_s};
    return credentials::checkPasswordStrength(spec.password);
}

Status AccountService::validate(const UserPatch &patch) const
{
    if (patch.displayName && (patch.displayName->trimmed().isEmpty() || patch.displayName->size() > 200))
        return Error{u"bad_args"_s, u"display_name must be 1-200 characters"_s};
    if (patch.password)
        return credentials::checkPasswordStrength(*patch.password);
    return ok();
}

void AccountService::hashThen(const QString &password, QObject *context,
                              std::function<void(Result<QString>)> next)
{
    QPointer<QObject> guard(context);
    const auto cost = m_options.hashCost;
    m_hashers.start([this, guard, password, cost, next = std::move(next)] {
        Result<QString> hash = credentials::hashPassword(password, cost);
        QMetaObject::invokeMethod(this, [guard, hash, next] {
            if (guard)
                next(hash);
        });
    });
}

Result<std::optional<QString>> AccountService::bootstrapAdmin()
{
    auto count = m_db.readSync<qint64>([](Connection &c) { return store::countAdmins(c); });
    if (!count)
        return count.error();
    if (*count > 0)
        return std::optional<QString>();
    const QString password = credentials::generatePassword();
    auto user = createUserNow({u"admin"_s, u"Administrator"_s, Role::Admin, password});
    if (!user)
        return user.error();
    return std::optional<QString>(password);
}

void AccountService::login(const QString &login, const QString &password, const QString &clientAddress,
                           QObject *context, Reply<Login> done)
{
    if (const qint64 wait = m_throttle.retryAfter(login, clientAddress, nowMs()); wait > 0) {
        qCInfo(lcAuth, "login for '%ls' from %ls refused: throttled for %lld s", qUtf16Printable(login),
               qUtf16Printable(clientAddress), wait);
        done(Error{u"too_many_attempts"_s,
                   u"too many failed logins; try again in %1 s"_s.arg(wait),
                   {{u"retry_after"_s, wait}}});
        return;
    }
    if (login.isEmpty() || password.isEmpty() || password.toUtf8().size() > 1024) {
        done(Error{u"bad_args"_s, password.toUtf8().size() > 1024 ? u"password: longer than 1024 bytes"_s
                                                                  : u"login and password are required"_s});
        return;
    }
    if (!admitLogin(login, clientAddress)) {
        qCInfo(lcAuth, "login for '%ls' from %ls refused: too many at once", qUtf16Printable(login),
               qUtf16Printable(clientAddress));
        done(Error{u"too_many_attempts"_s,
                   u"too many logins in progress; try again in a second"_s,
                   {{u"retry_after"_s, 1}}});
        return;
    }
    QPointer<QObject> guard(context);
    m_db.read<std::optional<store::StoredUser>>(
        this, [login](Connection &c) { return store::findByLogin(c, login); },
        [=, this](Result<std::optional<store::StoredUser>> found) {
            if (!found) {
                finishLogin(login, clientAddress);
                if (guard)
                    done(found.error());
                return;
            }
            const auto cost = m_options.hashCost;
            m_hashers.start([=, this] {
                // Verify even for an unknown login, so that timing does not tell which logins exist.
                static const QString absent =
                    credentials::hashPassword(credentials::generatePassword(), cost).value();
                const QString hash = found->has_value() ? (*found)->passwordHash : absent;
                const bool match = credentials::verifyPassword(hash, password) && found->has_value();
                QMetaObject::invokeMethod(this, [=, this] {
                    finishLogin(login, clientAddress);
                    if (!guard)
                        return;
                    if (!match) {
                        qCInfo(lcAuth, "failed login for '%ls' from %ls", qUtf16Printable(login),
                               qUtf16Printable(clientAddress));
                        m_throttle.recordFailure(login, clientAddress, nowMs());
                        done(Error{u"bad_credentials"_s, u"wrong login or password"_s});
                        return;
                    }
                    const User user = (*found)->user;
                    if (user.disabled) {
                        qCInfo(lcAuth, "login for disabled '%ls' from %ls refused", qUtf16Printable(login),
                               qUtf16Printable(clientAddress));
                        done(Error{u"user_disabled"_s, u"this account is disabled"_s});
                        return;
                    }
                    m_throttle.recordSuccess(login, clientAddress);
                    const QString token = credentials::newToken();
                    const qint64 now = nowMs();
                    const qint64 expires = now + m_options.sessionTtlMs;
                    m_db.write<Login>(
                        this,
                        [=](WriteTx &tx) -> Result<Login> {
                            if (Status s =
                                    store::insertSession(tx.connection(), credentials::tokenHash(token),
                                                         user.id, now, expires, clientAddress);
                                !s)
                                return s.error();
                            return Login{token, expires, user};
                        },
                        [guard, done](Result<Login> r) {
                            if (guard)
                                done(r);
                        });
                });
            });
        });
}

void AccountService::authenticate(const QString &token, QObject *context, Reply<Principal> done)
{
    if (token.isEmpty() || token.size() > 128) {
        done(Error{u"unauthorized"_s, u"a valid token is required"_s});
        return;
    }
    const QString hash = credentials::tokenHash(token);
    m_db.read<Principal>(
        context,
        [hash](Connection &c) -> Result<Principal> {
            auto row = store::findSession(c, hash);
            if (!row)
                return row.error();
            if (!row->has_value())
                return Error{u"unauthorized"_s, u"unknown token; log in again"_s};
            const store::SessionRow &s = **row;
            if (s.revokedAt)
                return Error{u"token_revoked"_s, u"this session was ended; log in again"_s};
            if (s.expiresAt <= nowMs())
                return Error{u"token_expired"_s, u"this session has expired; log in again"_s};
            if (s.user.disabled)
                return Error{u"user_disabled"_s, u"this account is disabled"_s};
            return Principal{s.user, sessionIdOf(hash), hash, s.expiresAt};
        },
        std::move(done));
}

void AccountService::logout(const Principal &actor, QObject *context, Reply<Done> done)
{
    const qint64 userId = actor.user.id;
    const QString hash = actor.tokenHash;
    m_db.write<Done>(
        context,
        [=](WriteTx &tx) -> Result<Done> {
            auto n = store::revokeSession(tx.connection(), hash, nowMs());
            if (!n)
                return n.error();
            auto e = tx.appendEvent(u"session.revoked"_s, {u"user:%1"_s.arg(userId)},
                                    {{u"user_id"_s, userId}, {u"session_id"_s, sessionIdOf(hash)}});
            if (!e)
                return e.error();
            return Done{};
        },
        std::move(done));
}

void AccountService::changeOwnPassword(const Principal &actor, const QString &oldPassword,
                                       const QString &newPassword, QObject *context, Reply<Done> done)
{
    if (Status s = credentials::checkPasswordStrength(newPassword); !s) {
        done(s.error());
        return;
    }
    QPointer<QObject> guard(context);
    const QString login = actor.user.login;
    m_db.read<std::optional<store::StoredUser>>(
        this, [login](Connection &c) { return store::findByLogin(c, login); },
        [=, this](Result<std::optional<store::StoredUser>> found) {
            if (!guard)
                return;
            if (!found || !found->has_value()) {
                done(found ? Error{u"not_found"_s, u"user not found"_s} : found.error());
                return;
            }
            const QString stored = (*found)->passwordHash;
            const auto cost = m_options.hashCost;
            m_hashers.start([=, this] {
                const bool match = credentials::verifyPassword(stored, oldPassword);
                Result<QString> hash =
                    match ? credentials::hashPassword(newPassword, cost)
                          : Result<QString>(Error{u"bad_credentials"_s, u"the current password is wrong"_s});
                QMetaObject::invokeMethod(this, [=, this] {
                    if (!guard)
                        return;
                    if (!hash) {
                        done(hash.error());
                        return;
                    }
                    const qint64 userId = actor.user.id;
                    const QString keep = actor.tokenHash;
                    m_db.write<Done>(
                        this,
                        [=](WriteTx &tx) -> Result<Done> {
                            store::UserChange change;
                            change.passwordHash = *hash;
                            auto u = store::update(tx.connection(), userId, change, nowMs());
                            if (!u)
                                return u.error();
                            // Other sessions of this user end; the one that changed the password stays.
                            auto r = tx.exec(u"UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND "
                                             "revoked_at IS NULL AND token_hash <> $3"_s,
                                             {userId, nowMs(), keep});
                            if (!r)
                                return r.error();
                            if (r->affected == 0)
                                return Done{};
                            auto e = tx.appendEvent(
                                u"session.revoked"_s, {u"user:%1"_s.arg(userId)},
                                {{u"user_id"_s, userId}, {u"except_session_id"_s, sessionIdOf(keep)}});
                            if (!e)
                                return e.error();
                            return Done{};
                        },
                        [guard, done](Result<Done> r) {
                            if (guard)
                                done(r);
                        });
                });
            });
        });
}

void AccountService::listUsers(const Principal &actor, QObject *context, Reply<QList<User>> done)
{
    if (!actor.user.isAdmin() && actor.user.role != Role::Supervisor) {
        done(Error{u"forbidden"_s, u"listing users needs the supervisor or admin role"_s});
        return;
    }
    m_db.read<QList<User>>(
        context, [](Connection &c) { return store::list(c); }, std::move(done));
}

// The write job that creates a user and announces it.
static Result<User> insertUser(WriteTx &tx, const AccountService::NewUser &spec, const QString &hash)
{
    const QString name = spec.displayName.trimmed().isEmpty() ? spec.login : spec.displayName.trimmed();
    auto user = store::insert(tx.connection(), spec.login, name, spec.role, hash, nowMs());
    if (!user)
        return user;
    auto e = tx.appendEvent(u"user.created"_s, userAudience(user->id), {{u"user"_s, user->toJson()}});
    if (!e)
        return e.error();
    return user;
}

// The write job that changes a user, announces it and ends its sessions when it is disabled or its role or
// password changes (so that no session keeps powers the account no longer has).
static Result<User> patchUser(WriteTx &tx, qint64 userId, const AccountService::UserPatch &patch,
                              const std::optional<QString> &hash)
{
    store::UserChange change;
    change.displayName = patch.displayName;
    change.role = patch.role;
    change.disabled = patch.disabled;
    change.passwordHash = hash;
    auto user = store::update(tx.connection(), userId, change, nowMs());
    if (!user)
        return user;
    auto e = tx.appendEvent(u"user.updated"_s, userAudience(userId), {{u"user"_s, user->toJson()}});
    if (!e)
        return e.error();
    if (patch.disabled.value_or(false) || patch.role || hash) {
        auto n = store::revokeUserSessions(tx.connection(), userId, nowMs());
        if (!n)
            return n.error();
        if (*n > 0) {
            auto r =
                tx.appendEvent(u"session.revoked"_s, {u"user:%1"_s.arg(userId)}, {{u"user_id"_s, userId}});
            if (!r)
                return r.error();
        }
    }
    return user;
}

void AccountService::createUser(const Principal &actor, const NewUser &spec, QObject *context,
                                Reply<User> done)
{
    if (!actor.user.isAdmin()) {
        done(forbidden());
        return;
    }
    if (Status s = validate(spec); !s) {
        done(s.error());
        return;
    }
    hashThen(spec.password, context, [=, this](Result<QString> hash) {
        if (!hash) {
            done(hash.error());
            return;
        }
        m_db.write<User>(
            context, [=](WriteTx &tx) { return insertUser(tx, spec, *hash); }, done);
    });
}

void AccountService::updateUser(const Principal &actor, qint64 userId, const UserPatch &patch,
                                QObject *context, Reply<User> done)
{
    if (!actor.user.isAdmin()) {
        done(forbidden());
        return;
    }
    if (Status s = validate(patch); !s) {
        done(s.error());
        return;
    }
    if (userId == actor.user.id &&
        (patch.disabled.value_or(false) || (patch.role && *patch.role != Role::Admin))) {
        done(Error{u"bad_args"_s, u"admins cannot disable themselves or drop their own admin role"_s});
        return;
    }
    auto apply = [=, this](std::optional<QString> hash) {
        m_db.write<User>(
            context, [=](WriteTx &tx) { return patchUser(tx, userId, patch, hash); }, done);
    };
    if (!patch.password) {
        apply(std::nullopt);
        return;
    }
    hashThen(*patch.password, context, [=](Result<QString> hash) {
        if (!hash)
            done(hash.error());
        else
            apply(*hash);
    });
}

void AccountService::revokeSessions(const Principal &actor, qint64 userId, QObject *context,
                                    Reply<qint64> done)
{
    if (!actor.user.isAdmin() && actor.user.id != userId) {
        done(forbidden());
        return;
    }
    m_db.write<qint64>(
        context,
        [userId](WriteTx &tx) -> Result<qint64> {
            auto exists = store::findById(tx.connection(), userId);
            if (!exists)
                return exists.error();
            if (!exists->has_value())
                return Error{u"not_found"_s, u"no user with id %1"_s.arg(userId)};
            auto n = store::revokeUserSessions(tx.connection(), userId, nowMs());
            if (!n || *n == 0)
                return n;
            auto e =
                tx.appendEvent(u"session.revoked"_s, {u"user:%1"_s.arg(userId)}, {{u"user_id"_s, userId}});
            if (!e)
                return e.error();
            return n;
        },
        std::move(done));
}

void AccountService::preferences(const Principal &actor, QObject *context, Reply<QJsonObject> done)
{
    const qint64 userId = actor.user.id;
    m_db.read<QJsonObject>(
        context, [userId](Connection &c) { return store::prefs(c, userId); }, std::move(done));
}

void AccountService::setPreference(const Principal &actor, const QString &name, const QJsonValue &value,
                                   QObject *context, Reply<Done> done)
{
    static const QRegularExpression namePattern(u"^[a-z][a-z0-9_.]{0,63}$"_s);
    if (!namePattern.match(name).hasMatch()) {
        done(Error{u"bad_args"_s,
                   u"name must be 1-64 characters of a-z, 0-9, '_' or '.', starting with a letter"_s});
        return;
    }
    const QByteArray json = compactJson(value);
    if (json.size() > 16384) {
        done(Error{u"bad_args"_s, u"a preference value may be at most 16 KiB of JSON"_s});
        return;
    }
    const qint64 userId = actor.user.id;
    m_db.write<Done>(
        context,
        [=](WriteTx &tx) -> Result<Done> {
            Status s = value.isNull() ? store::removePref(tx.connection(), userId, name)
                                      : store::setPref(tx, userId, name, QString::fromUtf8(json), nowMs());
            if (!s)
                return s.error();
            auto e = tx.appendEvent(u"prefs.changed"_s, {u"user:%1"_s.arg(userId)},
                                    {{u"name"_s, name}, {u"value"_s, value}});
            if (!e)
                return e.error();
            return Done{};
        },
        std::move(done));
}

Result<User> AccountService::createUserNow(const NewUser &spec)
{
    if (Status s = validate(spec); !s)
        return s.error();
    auto hash = credentials::hashPassword(spec.password, m_options.hashCost);
    if (!hash)
        return hash.error();
    return m_db.writeSync<User>([&](WriteTx &tx) { return insertUser(tx, spec, *hash); });
}

Result<User> AccountService::updateUserNow(const QString &login, const UserPatch &patch)
{
    if (Status s = validate(patch); !s)
        return s.error();
    std::optional<QString> hash;
    if (patch.password) {
        auto h = credentials::hashPassword(*patch.password, m_options.hashCost);
        if (!h)
            return h.error();
        hash = *h;
    }
    return m_db.writeSync<User>([&](WriteTx &tx) -> Result<User> {
        auto found = store::findByLogin(tx.connection(), login);
        if (!found)
            return found.error();
        if (!found->has_value())
            return Error{u"not_found"_s, u"no user with login '%1'"_s.arg(login)};
        return patchUser(tx, (*found)->user.id, patch, hash);
    });
}

Result<QList<User>> AccountService::listUsersNow()
{
    return m_db.readSync<QList<User>>([](Connection &c) { return store::list(c); });
}

} // namespace era::accounts
