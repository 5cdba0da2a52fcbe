#pragma once

#include "accounts/User.h"
#include "core/Result.h"
#include "storage/Connection.h"

#include <QJsonObject>
#include <QList>
#include <optional>

namespace era::storage {
class WriteTx;
}

// The SQL of the accounts tables (users, sessions, user_prefs), portable across both storage backends.
namespace era::accounts::store {

struct StoredUser {
    User user;
    QString passwordHash;
};

Result<qint64> countAdmins(storage::Connection &c);
Result<std::optional<StoredUser>> findByLogin(storage::Connection &c, const QString &login);
Result<std::optional<User>> findById(storage::Connection &c, qint64 id);
Result<QList<User>> list(storage::Connection &c);
// Fails with code "login_taken" when the login exists.
Result<User> insert(storage::Connection &c, const QString &login, const QString &displayName, Role role,
                    const QString &passwordHash, qint64 nowMs);

struct UserChange {
    std::optional<QString> displayName;
    std::optional<Role> role;
    std::optional<bool> disabled;
    std::optional<QString> passwordHash;
};
Result<User> update(storage::Connection &c, qint64 id, const UserChange &change, qint64 nowMs);

Status insertSession(storage::Connection &c, const QString &tokenHash, qint64 userId, qint64 nowMs,
                     qint64 expiresAtMs, const QString &clientAddress);

struct SessionRow {
    User user;
    qint64 expiresAt = 0;
    std::optional<qint64> revokedAt;
};
Result<std::optional<SessionRow>> findSession(storage::Connection &c, const QString &tokenHash);
// Returns how many sessions were revoked.
Result<qint64> revokeSession(storage::Connection &c, const QString &tokenHash, qint64 nowMs);
Result<qint64> revokeUserSessions(storage::Connection &c, qint64 userId, qint64 nowMs);

Result<QJsonObject> prefs(storage::Connection &c, qint64 userId);
// Written with the next statement, or with the batch's other preferences in one statement
// (WriteTx::writeRow): a failure is reported later.
Status setPref(storage::WriteTx &tx, qint64 userId, const QString &name, const QString &jsonValue,
               qint64 nowMs);
Status removePref(storage::Connection &c, qint64 userId, const QString &name);

} // namespace era::accounts::store
