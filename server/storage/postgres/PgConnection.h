#pragma once

#include "storage/Connection.h"

#include <memory>

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
    Status recover() override;

private:
    explicit PgConnection(pg_conn *conn);

    pg_conn *m_conn;
};

} // namespace era::storage
