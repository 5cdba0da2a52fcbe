#include "storage/postgres/PgStatementCache.h"

namespace era::storage {

PgStatementCache::Entry *PgStatementCache::find(const QString &key)
{
    auto hit = m_cache.find(key);
    if (hit == m_cache.end())
        return nullptr;
    m_lru.splice(m_lru.begin(), m_lru, hit.value());
    return &m_lru.front().entry;
}

PgStatementCache::Entry &PgStatementCache::add(const QString &key)
{
    while (qsizetype(m_lru.size()) >= m_capacity) {
        Slot &oldest = m_lru.back();
        // One whose Parse is still on the wire is deallocated by markPrepared() if the Parse succeeds.
        if (oldest.entry.prepared)
            m_evicted.append(oldest.entry.name);
        m_cache.remove(oldest.key);
        m_lru.pop_back();
    }
    m_lru.push_front({key, Entry{"era_" + QByteArray::number(m_nextName++), false}});
    m_cache.insert(key, m_lru.begin());
    return m_lru.front().entry;
}

void PgStatementCache::markPrepared(const QString &key, const QByteArray &name)
{
    auto hit = m_cache.find(key);
    if (hit != m_cache.end() && hit.value()->entry.name == name)
        hit.value()->entry.prepared = true;
    else
        m_evicted.append(name); // pushed out while its Parse was on the wire
}

void PgStatementCache::forget(const QString &key, QByteArray name, bool deallocate)
{
    auto hit = m_cache.find(key);
    if (hit != m_cache.end() && hit.value()->entry.name == name) {
        m_lru.erase(hit.value());
        m_cache.erase(hit);
    }
    if (deallocate)
        m_evicted.append(name);
}

void PgStatementCache::clear()
{
    m_lru.clear();
    m_cache.clear();
    m_evicted.clear();
}

QList<QByteArray> PgStatementCache::takeEvicted()
{
    QList<QByteArray> out;
    out.swap(m_evicted);
    return out;
}

} // namespace era::storage
