#pragma once

#include <QHash>
#include <QString>

namespace era::accounts {

// Slows down password guessing: after `freeFailures` failed logins for an account (or 4x that many from one
// address) every further attempt must wait, doubling from 1 s up to `maxLockoutSec`. Lives on one thread.
class LoginThrottle {
public:
    LoginThrottle(int freeFailures, int maxLockoutSec) : m_free(freeFailures), m_max(maxLockoutSec) {}

    // Seconds the caller must still wait before trying (0: go ahead).
    qint64 retryAfter(const QString &login, const QString &address, qint64 nowMs) const;
    void recordFailure(const QString &login, const QString &address, qint64 nowMs);
    void recordSuccess(const QString &login, const QString &address);

private:
    struct Entry {
        int failures = 0;
        qint64 blockedUntilMs = 0;
    };
    void fail(QHash<QString, Entry> &table, const QString &key, int freeFailures, qint64 nowMs);
    static qint64 wait(const QHash<QString, Entry> &table, const QString &key, qint64 nowMs);

    int m_free;
    int m_max;
    QHash<QString, Entry> m_byLogin;
    QHash<QString, Entry> m_byAddress;
};

} // namespace era::accounts
