#include "accounts/LoginThrottle.h"

#include <algorithm>

namespace era::accounts {

qint64 LoginThrottle::wait(const QHash<QString, Entry> &table, const QString &key, qint64 nowMs)
{
    auto it = table.constFind(key);
    if (it == table.cend() || it->blockedUntilMs <= nowMs)
        return 0;
    return (it->blockedUntilMs - nowMs + 999) / 1000;
}

qint64 LoginThrottle::retryAfter(const QString &login, const QString &address, qint64 nowMs) const
{
    return std::max(wait(m_byLogin, login.toLower(), nowMs), wait(m_byAddress, address, nowMs));
}

void LoginThrottle::fail(QHash<QString, Entry> &table, const QString &key, int freeFailures, qint64 nowMs)
{
    Entry &e = table[key];
    ++e.failures;
    const int over = e.failures - freeFailures;
    if (over > 0) {
        const qint64 seconds = std::min<qint64>(qint64(1) << std::min(over - 1, 20), m_max);
        e.blockedUntilMs = nowMs + seconds * 1000;
    }
}

void LoginThrottle::recordFailure(const QString &login, const QString &address, qint64 nowMs)
{
    fail(m_byLogin, login.toLower(), m_free, nowMs);
    fail(m_byAddress, address, m_free * 4, nowMs);
    // Bound the memory an attacker can make us hold: forget entries whose lock has long expired.
    if (m_byAddress.size() > 100000 || m_byLogin.size() > 100000) {
        for (auto *table : {&m_byLogin, &m_byAddress})
            table->removeIf([&](const auto &it) { return it.value().blockedUntilMs < nowMs; });
    }
}

void LoginThrottle::recordSuccess(const QString &login, const QString &address)
{
    m_byLogin.remove(login.toLower());
    Entry &e = m_byAddress[address];
    e.failures = std::max(0, e.failures - 1);
    if (e.failures == 0)
        m_byAddress.remove(address);
}

} // namespace era::accounts
