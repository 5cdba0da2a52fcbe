#pragma once

#include "storage/Connection.h"

#include <QList>

// Schema migrations: ordered SQL files compiled in as resources (see migrations/README.md for the tokens).
namespace era::storage::migrations {

struct Migration {
    int version = 0; // NNNN of NNNN_name.sql
    QString name;
    QString sql; // with dialect tokens, as written
};

// The migrations this binary carries, in version order.
const QList<Migration> &known();
int knownVersion();

// Replaces the dialect tokens ({{id}}, {{bytes}}, {{now_ms}}) for `dialect`. Usable for runtime SQL too.
QString expand(const QString &sql, Dialect dialect);

// The highest applied version (0 for an empty database).
Result<int> currentVersion(Connection &c);

// Applies every pending migration, each in its own transaction, and returns the resulting version. Fails with
// "schema_too_new" if the database is ahead of this binary.
Result<int> apply(Connection &c);

} // namespace era::storage::migrations
