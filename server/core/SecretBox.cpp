#include "core/SecretBox.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <sodium.h>

namespace era {

using namespace Qt::StringLiterals;

Result<SecretBox> SecretBox::open(const QString &keyPath)
{
    if (sodium_init() < 0)
        return Error{u"internal"_s, u"libsodium failed to initialise"_s};
    QFile file(keyPath);
    if (!file.exists()) {
        QDir().mkpath(QFileInfo(keyPath).absolutePath());
        QByteArray key(crypto_secretbox_KEYBYTES, Qt::Uninitialized);
        randombytes_buf(key.data(), size_t(key.size()));
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly))
            return Error{u"secret_key"_s,
                         u"cannot create the key file %1: %2"_s.arg(keyPath, file.errorString())};
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        if (file.write(key) != key.size() || !file.flush())
            return Error{u"secret_key"_s,
                         u"cannot write the key file %1: %2"_s.arg(keyPath, file.errorString())};
        file.close();
        return SecretBox(key);
    }
    if (file.permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup | QFileDevice::WriteOther))
        return Error{u"secret_key"_s,
                     u"the key file %1 is readable by others; make it private (chmod 600)"_s.arg(keyPath)};
    if (!file.open(QIODevice::ReadOnly))
        return Error{u"secret_key"_s, u"cannot read the key file %1: %2"_s.arg(keyPath, file.errorString())};
    const QByteArray key = file.readAll();
    if (key.size() != crypto_secretbox_KEYBYTES)
        return Error{u"secret_key"_s,
                     u"the key file %1 is not a %2-byte key"_s.arg(keyPath).arg(crypto_secretbox_KEYBYTES)};
    return SecretBox(key);
}

QByteArray SecretBox::seal(const QByteArray &plain) const
{
    QByteArray out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), Qt::Uninitialized);
    auto *nonce = reinterpret_cast<unsigned char *>(out.data());
    randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                          reinterpret_cast<const unsigned char *>(plain.data()), quint64(plain.size()), nonce,
                          reinterpret_cast<const unsigned char *>(m_key.data()));
    return out;
}

Result<QByteArray> SecretBox::unseal(const QByteArray &sealed) const
{
    const qsizetype overhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
    if (sealed.size() < overhead)
        return Error{u"secret_unreadable"_s, u"the stored secret is truncated"_s};
    QByteArray plain(sealed.size() - overhead, Qt::Uninitialized);
    const auto *nonce = reinterpret_cast<const unsigned char *>(sealed.constData());
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char *>(plain.data()),
                                   nonce + crypto_secretbox_NONCEBYTES,
                                   quint64(sealed.size() - crypto_secretbox_NONCEBYTES), nonce,
                                   reinterpret_cast<const unsigned char *>(m_key.data())) != 0)
        return Error{u"secret_unreadable"_s,
                     u"the stored secret does not open with this key file (was secret.key replaced?)"_s};
    return plain;
}

} // namespace era
