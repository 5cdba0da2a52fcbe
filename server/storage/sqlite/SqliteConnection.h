#pragma once

#include "storage/Connection.h"

#include <QHash>
#include <list>
#include <memory>

struct sqlite3;
struct sqlite3_stmt;

namespace era::storage {

// A Connection on one SQLite file through the sqlite3 C API: WAL journal, synchronous=FULL, foreign keys on,
// and a bounded LRU cache of prepared statements keyed by SQL text.
class SqliteConnection final : public Connection {
public:
    struct Options {
        bool readOnly = false; // PRAGMA query_only: reader connections cannot write by mistake
        int busyTimeoutMs = 5000;
        int statementCacheSize = 128;
    };

    // Opens (creating the file and its parent directory if needed) and configures the connection.
    static Result<std::unique_ptr<SqliteConnection>> open(const QString &path, const Options &options);
    ~SqliteConnection() override;

    Dialect dialect() const override { return Dialect::Sqlite; }
    Result<Rows> exec(const QString &sql, const QVariantList &params = {}) override;
    Status execScript(const QString &sql) override;
    bool inUsableTransaction() const override;

private:
    SqliteConnection(sqlite3 *db, const Options &options);

    Result<sqlite3_stmt *> prepared(const QString &sql);
    Status bind(sqlite3_stmt *stmt, const QVariantList &params);
    Error error(int rc, const QString &what) const;

    struct CachedStatement {
        QString sql;
        sqlite3_stmt *stmt;
    };

    sqlite3 *m_db;
    Options m_options;
    std::list<CachedStatement> m_lru; // most recently used first
    QHash<QString, std::list<CachedStatement>::iterator> m_cache;
};

} // namespace era::storage
