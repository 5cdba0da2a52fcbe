#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

namespace era {

// Encrypts small secrets (channel credentials) with a key kept outside the database: a 32-byte key file,
// created with mode 0600 on first use. XSalsa20-Poly1305 (libsodium secretbox) with a random nonce per value.
class SecretBox {
public:
    // Reads the key file, or creates it when it does not exist. Refuses a key file readable by others.
    static Result<SecretBox> open(const QString &keyPath);

    QByteArray seal(const QByteArray &plain) const;
    // Fails with code "secret_unreadable" when the value was sealed with another key or was altered.
    Result<QByteArray> unseal(const QByteArray &sealed) const;

private:
    explicit SecretBox(QByteArray key) : m_key(std::move(key)) {}
    QByteArray m_key;
};

} // namespace era
