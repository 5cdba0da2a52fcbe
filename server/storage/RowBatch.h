#pragma once

#include "storage/Database.h"

// The many-rows forms of a MergeableRow statement; private to the storage layer.
namespace era::storage {

// Writes `rows` (at least one) with `statement` through Connection::execDeferred: its one-row form for a
// single row, else its many-rows form with the rows as PostgreSQL arrays of the columns or as SQLite's JSON
// array of rows.
Status writeRows(Connection &c, const MergeableRow &statement, const QList<QVariantList> &rows);

} // namespace era::storage
