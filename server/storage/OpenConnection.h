#pragma once

#include "storage/Connection.h"

#include <memory>

namespace era::storage {

struct ConnectionOptions {
    bool readOnly = false; // SQLite: PRAGMA query_only (PostgreSQL read jobs run in READ ONLY transactions)
};

// Opens one raw connection from a url: "sqlite:/abs/path/file.db" (created with its directory) or a libpq URL
// "postgresql://user@host:port/db". Database uses it for its threads; tools and benchmarks may use it
// directly.
Result<std::unique_ptr<Connection>> openConnection(const QString &url, const ConnectionOptions &options = {});

} // namespace era::storage
