#include "auth/TokenVault.h"

#include <QCryptographicHash>
#include <QLoggingCategory>
#include <QPointer>
#include <QSettings>
#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcVault, "era.desk.keychain")

namespace era::desk {

TokenVault::TokenVault(const QString &service, QSettings *plainFile, QObject *parent)
    : QObject(parent), m_service(service), m_plainFile(plainFile)
{}

void TokenVault::setPlaintextAllowed(bool allowed)
{
    m_plaintextAllowed = allowed;
    if (!allowed && m_plainFile) {
        // Taking the permission back removes what was kept under it.
        m_plainFile->remove(u"plain_tokens"_s);
        m_plainFile->sync();
    }
}

QString TokenVault::plainKey(const QString &account) const
{
    return u"plain_tokens/"_s +
           QString::fromLatin1(
               QCryptographicHash::hash(account.toUtf8(), QCryptographicHash::Sha256).toHex());
}

void TokenVault::read(const QString &account, QObject *context, Callback done)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(account);
    QPointer<QObject> guard(context);
    connect(job, &QKeychain::Job::finished, this, [this, job, account, guard, done](QKeychain::Job *) {
        if (!guard)
            return;
        Outcome out;
        if (job->error() == QKeychain::NoError) {
            out.ok = true;
            out.place = Place::Keychain;
            out.token = job->textData();
        } else if (job->error() == QKeychain::EntryNotFound) {
            out.ok = true; // nothing stored there
        } else {
            out.error = job->errorString();
            qCWarning(lcVault) << "keychain read failed:" << job->error() << out.error;
        }
        if (out.token.isEmpty() && m_plaintextAllowed && m_plainFile) {
            const QString plain = m_plainFile->value(plainKey(account)).toString();
            if (!plain.isEmpty()) {
                out.ok = true;
                out.place = Place::PlainFile;
                out.token = plain;
            }
        }
        done(out);
    });
    job->start();
}

void TokenVault::write(const QString &account, const QString &token, QObject *context, Callback done)
{
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(account);
    job->setTextData(token);
    QPointer<QObject> guard(context);
    connect(job, &QKeychain::Job::finished, this, [this, job, account, token, guard, done](QKeychain::Job *) {
        Outcome out;
        if (job->error() == QKeychain::NoError) {
            out.ok = true;
            out.place = Place::Keychain;
            if (m_plainFile) { // a copy from an earlier opt-in is no longer needed
                m_plainFile->remove(plainKey(account));
                m_plainFile->sync();
            }
        } else {
            out.error = job->errorString();
            qCWarning(lcVault) << "keychain write failed:" << job->error() << out.error;
            if (m_plaintextAllowed && m_plainFile) {
                m_plainFile->setValue(plainKey(account), token);
                m_plainFile->sync();
                out.ok = m_plainFile->status() == QSettings::NoError;
                out.place = out.ok ? Place::PlainFile : Place::Nowhere;
            }
        }
        if (guard && done)
            done(out);
    });
    job->start();
}

void TokenVault::remove(const QString &account)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(account);
    job->start();
    if (m_plainFile) {
        m_plainFile->remove(plainKey(account));
        m_plainFile->sync();
    }
}

} // namespace era::desk
