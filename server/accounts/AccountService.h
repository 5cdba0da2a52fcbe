#pragma once

#include "accounts/Credentials.h"
#include "accounts/LoginThrottle.h"
#include "accounts/User.h"
#include "core/Result.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QThreadPool>
#include <functional>
#include <optional>

namespace era::storage {
class Database;
}

namespace era::accounts {

template <typename T>
using Reply = std::function<void(Result<T>)>;

// Users, logins, sessions and preferences: the one place their rules live. REST handlers, WebSocket commands
// and the command line all call this. Asynchronous methods deliver their result on `context`'s thread.
// Errors use the codes: bad_args, weak_password, bad_credentials, too_many_attempts (details.retry_after),
// unauthorized, token_expired, token_revoked, user_disabled, forbidden, not_found, login_taken.
class AccountService : public QObject {
    Q_OBJECT
public:
    struct Options {
        qint64 sessionTtlMs = qint64(720) * 3600 * 1000;
        credentials::HashCost hashCost;
        int freeFailures = 5;
        int maxLockoutSeconds = 900;
    };

    AccountService(storage::Database &db, Options options, QObject *parent = nullptr);

    // When there is no admin yet (e.g. only operators made with the command line), creates "admin" with a
    // generated password and returns that password.
    // Blocking: for start-up only.
    Result<std::optional<QString>> bootstrapAdmin();

    struct Login {
        QString token;
        qint64 expiresAt = 0;
        User user;
    };
    void login(const QString &login, const QString &password, const QString &clientAddress, QObject *context,
               Reply<Login> done);
    void authenticate(const QString &token, QObject *context, Reply<Principal> done);
    void logout(const Principal &actor, QObject *context, Reply<Done> done);
    void changeOwnPassword(const Principal &actor, const QString &oldPassword, const QString &newPassword,
                           QObject *context, Reply<Done> done);

    struct NewUser {
        QString login;
        QString displayName;
        Role role = Role::Operator;
        QString password;
    };
    struct UserPatch {
        std::optional<QString> displayName;
        std::optional<Role> role;
        std::optional<bool> disabled;
        std::optional<QString> password;
    };
    // Admins only; listing is open to supervisors too.
    void listUsers(const Principal &actor, QObject *context, Reply<QList<User>> done);
    void createUser(const Principal &actor, const NewUser &spec, QObject *context, Reply<User> done);
    void updateUser(const Principal &actor, qint64 userId, const UserPatch &patch, QObject *context,
                    Reply<User> done);
    // Revokes every session of the user; returns how many.
    void revokeSessions(const Principal &actor, qint64 userId, QObject *context, Reply<qint64> done);

    // Per-user preferences (language, sounds, layout...): any JSON value under a short name.
    void preferences(const Principal &actor, QObject *context, Reply<QJsonObject> done);
    void setPreference(const Principal &actor, const QString &name, const QJsonValue &value, QObject *context,
                       Reply<Done> done);

    // The same rules as createUser/updateUser, for the command line (blocking, no actor: the operator of the
    // machine is trusted).
    Result<User> createUserNow(const NewUser &spec);
    Result<User> updateUserNow(const QString &login, const UserPatch &patch);
    Result<QList<User>> listUsersNow();

    // Waits (at most `ms`) for password hashing in flight, so that its writes are queued before shutdown.
    bool drain(int ms) { return m_hashers.waitForDone(ms); }

private:
    Status validate(const NewUser &spec) const;
    Status validate(const UserPatch &patch) const;
    void hashThen(const QString &password, QObject *context, std::function<void(Result<QString>)> next);

    // Logins being verified: counted against the caller at once, so parallel guesses cannot outrun the
    // throttle, and capped so that nobody can queue unbounded Argon2 work.
    bool admitLogin(const QString &login, const QString &address);
    void finishLogin(const QString &login, const QString &address);

    storage::Database &m_db;
    Options m_options;
    LoginThrottle m_throttle;
    QHash<QString, int> m_verifyingByLogin;
    QHash<QString, int> m_verifyingByAddress;
    int m_verifying = 0;
    QThreadPool m_hashers; // last: destroyed (and waited for) first
};

} // namespace era::accounts
