#pragma once

#include "storage/Connection.h"

#include <memory>
#include <vector>

struct pg_conn;

namespace era::storage {

// A Connection to PostgreSQL through libpq: parameters as text (bytea binary), results converted by column
// type.
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

private:
    explicit PgConnection(pg_conn *conn);

    // Sends a sync for the queued statements (and `sql` after them, if given), reads every result and leaves
    // pipeline mode. Returns the first failure, else the result of `sql`.
    Result<Rows> finishPipeline(const QString *sql, const QVariantList &params);

    pg_conn *m_conn;
    std::vector<QString> m_deferred; // statements sent in pipeline mode whose results are not read yet
};

} // namespace era::storage
