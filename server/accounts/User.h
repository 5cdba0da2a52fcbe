#pragma once

#include <QJsonObject>
#include <QString>
#include <optional>

namespace era::accounts {

enum class Role { Operator, Supervisor, Admin };

QString roleName(Role role);
// Parses "operator", "supervisor" or "admin".
std::optional<Role> roleFromName(const QString &name);

// A person who signs in to era-desk or the API.
struct User {
    qint64 id = 0;
    QString login; // stored lower-case; unique
    QString displayName;
    Role role = Role::Operator;
    bool disabled = false;
    qint64 createdAt = 0; // epoch ms
    qint64 updatedAt = 0;

    QJsonObject toJson() const;
    bool isAdmin() const { return role == Role::Admin; }
};

// The user behind a valid token, and which session it is.
struct Principal {
    User user;
    QString sessionId; // public id of the session (first 16 hex digits of the token hash)
    QString tokenHash;
    qint64 expiresAt = 0;
};

} // namespace era::accounts
