#include "accounts/Credentials.h"

#include <QCryptographicHash>
#include <sodium.h>

namespace era::accounts::credentials {

using namespace Qt::StringLiterals;

static bool sodiumReady()
{
    static const bool ready = sodium_init() >= 0;
    return ready;
}

Result<QString> hashPassword(const QString &password, HashCost cost)
{
    if (!sodiumReady())
        return Error{u"internal"_s, u"libsodium failed to initialise"_s};
    const QByteArray utf8 = password.toUtf8();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, utf8.constData(), quint64(utf8.size()), cost.ops,
                              size_t(cost.memoryKiB) * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return Error{u"internal"_s, u"password hashing ran out of memory"_s};
    return QString::fromLatin1(out);
}

bool verifyPassword(const QString &encodedHash, const QString &password)
{
    if (!sodiumReady())
        return false;
    const QByteArray h = encodedHash.toLatin1();
    const QByteArray utf8 = password.toUtf8();
    return crypto_pwhash_str_verify(h.constData(), utf8.constData(), quint64(utf8.size())) == 0;
}

QString newToken()
{
    sodiumReady();
    QByteArray raw(32, Qt::Uninitialized);
    randombytes_buf(raw.data(), size_t(raw.size()));
    return QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString tokenHash(const QString &token)
{
    return QString::fromLatin1(QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex());
}

QString generatePassword()
{
    sodiumReady();
    // No look-alike characters (0/O, 1/l/I); 16 of 54 symbols is about 92 bits.
    static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const quint32 n = sizeof(alphabet) - 1;
    QString out;
    for (int i = 0; i < 16; ++i) {
        if (i > 0 && i % 4 == 0)
            out += u'-';
        out += QLatin1Char(alphabet[randombytes_uniform(n)]);
    }
    return out;
}

Status checkPasswordStrength(const QString &password)
{
    if (password.size() < 8)
        return Error{u"weak_password"_s, u"the password must have at least 8 characters"_s};
    if (password.toUtf8().size() > 1024)
        return Error{u"bad_args"_s, u"the password is longer than 1024 bytes"_s};
    return ok();
}

} // namespace era::accounts::credentials
