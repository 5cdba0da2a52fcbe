#pragma once

#include "storage/Connection.h"
#include "storage/postgres/PgStatementCache.h"

#include <memory>
#include <vector>

struct pg_conn;
struct pg_result;
typedef struct pg_result PGresult;

namespace era::storage {

// A Connection to PostgreSQL through libpq: parameters as text (bytea binary), results converted by column
// type.
//
// SELECT, INSERT, UPDATE, DELETE and WITH statements become named prepared statements on first use (the
// Parse goes out in the same round trip as the first execution), so the server parses and plans each once per
// connection instead of once per call. Other statements (DDL, transaction control) run unnamed as before.
class PgConnection final : public Connection {
public:
    // `url` is a libpq connection URI, e.g. "postgresql://era@127.0.0.1:5432/era".
    static Result<std::unique_ptr<PgConnection>> open(const QString &url);
    ~PgConnection() override;

    Dialect dialect() const override { return Dialect::Postgres; }
    Result<Rows> exec(const QString &sql, const QVariantList &params = {}) override;
    Status execScript(const QString &sql) override;
    Status execDeferred(const QString &sql, const QVariantList &params = {}) override;
    bool inUsableTransaction() const override;
    Status recover() override;

    // How many named prepared statements the connection keeps (for tests and diagnostics).
    qsizetype preparedStatementCount() const { return m_statements.size(); }

private:
    struct BoundParams;
    // A message sent in pipeline mode whose result is not read yet.
    struct Sent {
        QString sql;
        QString cacheKey;     // empty unless the statement is a cached prepared one
        QByteArray name;      // the prepared statement's name
        bool isParse = false; // the Parse that creates `name`, not an execution
    };

    explicit PgConnection(pg_conn *conn);

    // Queues one statement in pipeline mode (entering it if needed), with its Parse first if it is cacheable
    // and not prepared yet.
    Status send(const QString &sql, const BoundParams &params);
    // Sends a sync for the queued statements (and `sql` after them, if given), reads every result and leaves
    // pipeline mode. Returns the first failure, else the result of `sql`.
    Result<Rows> finishPipeline(const QString *sql, const BoundParams *params);
    // Runs a statement whose prepared form the server confirmed, in one round trip without pipeline mode.
    Result<Rows> execPrepared(const QString &sql, const QString &key, QByteArray name,
                              const BoundParams &params);
    // Adjusts the cache to an error a prepared statement met; true if running it afresh may succeed.
    bool forgetStale(const PGresult *res, const QString &key, QByteArray name);
    // Deallocates statements pushed out of the cache, when no transaction is open.
    void dropEvicted();
    Status configureSession();

    pg_conn *m_conn;
    std::vector<Sent> m_sent; // pipeline mode: statements sent whose results are not read yet
    PgStatementCache m_statements;
};

} // namespace era::storage
