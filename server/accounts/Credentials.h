#pragma once

#include "core/Result.h"

#include <QString>

// Password hashing (Argon2id through libsodium) and session tokens.
namespace era::accounts::credentials {

struct HashCost {
    quint64 ops = 2;
    quint64 memoryKiB = 65536;
};

// Argon2id in libsodium's encoded form ($argon2id$v=19$m=...,t=...,p=1$salt$hash). Slow on purpose: call it
// off the network thread.
Result<QString> hashPassword(const QString &password, HashCost cost);
bool verifyPassword(const QString &encodedHash, const QString &password);

// A fresh 256-bit random token, base64url without padding (43 characters).
QString newToken();
// What the database keeps of a token: its SHA-256 in hex. Tokens are random, so a fast hash is enough.
QString tokenHash(const QString &token);

// A readable random password for the first admin and for `user add` without --password.
QString generatePassword();

// Rules for a new password; an Error says what is wrong.
Status checkPasswordStrength(const QString &password);

} // namespace era::accounts::credentials
