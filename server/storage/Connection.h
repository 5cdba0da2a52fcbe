#pragma once

#include "core/Result.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace era::storage {

enum class Dialect { Sqlite, Postgres };

// The rows a statement returned (empty for statements without a result) and how many rows it changed.
struct Rows {
    QStringList columns;
    QList<QVariantList> rows;
    qint64 affected = 0;

    bool isEmpty() const { return rows.isEmpty(); }
    qsizetype size() const { return rows.size(); }
    QVariant at(qsizetype row, qsizetype column) const { return rows.at(row).at(column); }
    QVariant at(qsizetype row, const QString &column) const
    {
        return rows.at(row).at(columns.indexOf(column));
    }
};

// One open connection to a database, used only on the thread that owns it.
//
// Statements use $1, $2, ... placeholders in both dialects. Parameters are bound by type: a null QVariant is
// NULL, bool and integers bind as 64-bit integers, double as a real, QString as text, QByteArray as a blob
// (bytea). Values come back as qint64, double, QString, QByteArray or a null QVariant. Times are stored as
// integer milliseconds since the epoch (UTC) and booleans as 0/1 integers, so one schema fits both engines.
//
// Error codes: "unique_violation", "foreign_key_violation", "constraint_violation" (NOT NULL, CHECK),
// "busy" (SQLite lock timeout), "connection_lost", "bad_parameter" (unsupported type, missing $n) and
// "sql_error" for everything else; the message carries the engine's own text.
class Connection {
public:
    virtual ~Connection() = default;

    virtual Dialect dialect() const = 0;

    // Runs one statement. A failure leaves any enclosing transaction usable only after a rollback (to
    // savepoint).
    virtual Result<Rows> exec(const QString &sql, const QVariantList &params = {}) = 0;

    // Runs several ';'-separated statements without parameters (migrations, PRAGMAs).
    virtual Status execScript(const QString &sql) = 0;

    // Runs a statement whose rows the caller does not need, possibly later. PostgreSQL queues it and sends it
    // together with the next statement (libpq pipeline mode), which saves a round trip; its failure is then
    // reported by the next exec() or execScript(), and that statement is not run. SQLite runs it at once.
    virtual Status execDeferred(const QString &sql, const QVariantList &params = {})
    {
        auto r = exec(sql, params);
        return r ? Status(ok()) : Status(r.error());
    }

    // Whether a transaction is open and can still commit, as far as the connection knows without asking the
    // server: false outside a transaction, after a failed statement on PostgreSQL (until a rollback), and
    // after an error with which SQLite rolled the transaction back itself.
    virtual bool inUsableTransaction() const = 0;

    // Reconnects if the server dropped the connection. Call only between transactions (the storage threads do
    // before each job or batch).
    virtual Status recover() { return ok(); }
};

} // namespace era::storage
