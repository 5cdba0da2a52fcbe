#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <list>

namespace era::storage {

// The named prepared statements of one PostgreSQL connection, keyed by SQL text and parameter types; the
// least recently used is dropped first, so a caller that builds SQL text freely cannot grow it without bound.
//
// An entry goes through two states: sent (its Parse is on the wire, the result not read yet) and prepared
// (the server confirmed it). The connection marks or forgets it when the Parse's result arrives.
class PgStatementCache {
public:
    struct Entry {
        QByteArray name; // era_<n>, unique on the connection
        bool prepared = false;
    };

    explicit PgStatementCache(qsizetype capacity = 256) : m_capacity(qMax<qsizetype>(1, capacity)) {}

    // The entry for `key`, made the most recently used; nullptr if there is none.
    Entry *find(const QString &key);
    // A new entry (not prepared) for a key that has none. An entry pushed out to keep the capacity is
    // remembered in evicted() if the server holds it.
    Entry &add(const QString &key);
    void markPrepared(const QString &key, const QByteArray &name);
    // (`name` by value: it may be the entry's own, which this frees.)
    // Drops the entry if it still has this name (a newer one for the same key stays). If the server may hold
    // the statement, `deallocate` puts it on the evicted() list.
    void forget(const QString &key, QByteArray name, bool deallocate);
    // Forgets everything, e.g. after a reconnect (a new session has no prepared statements).
    void clear();

    qsizetype size() const { return qsizetype(m_cache.size()); }

    // Names of statements the server still holds but no entry refers to any more; they should be
    // deallocated when no transaction is open. takeEvicted() hands them over and empties the list.
    bool hasEvicted() const { return !m_evicted.isEmpty(); }
    QList<QByteArray> takeEvicted();

private:
    struct Slot {
        QString key;
        Entry entry;
    };

    qsizetype m_capacity;
    quint64 m_nextName = 1;
    std::list<Slot> m_lru; // most recently used first
    QHash<QString, std::list<Slot>::iterator> m_cache;
    QList<QByteArray> m_evicted;
};

} // namespace era::storage
