#include "storage/sqlite/SqliteConnection.h"

#include <QDir>
#include <QFileInfo>
#include <limits>
#include <sqlite3.h>

namespace era::storage {

namespace {

// Resets the statement (releasing its read snapshot and bindings) however exec() leaves.
struct StatementReset {
    sqlite3_stmt *stmt;
    ~StatementReset()
    {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
    }
};

QString errorCodeFor(int extendedRc)
{
    switch (extendedRc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return QStringLiteral("unique_violation");
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return QStringLiteral("foreign_key_violation");
    default:
        break;
    }
    switch (extendedRc & 0xff) {
    case SQLITE_CONSTRAINT:
        return QStringLiteral("constraint_violation");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return QStringLiteral("busy");
    default:
        return QStringLiteral("sql_error");
    }
}

QString shortened(const QString &sql)
{
    QString s = sql.simplified();
    return s.size() > 200 ? s.left(200) + u"..." : s;
}

bool onlySeparatorsIn(const char *tail)
{
    for (; tail && *tail; ++tail) {
        if (*tail != ';' && !QChar::isSpace(uchar(*tail)))
            return false;
    }
    return true;
}

} // namespace

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const QString &path, const Options &options)
{
    const QFileInfo info(path);
    if (!info.isAbsolute())
        return Error{QStringLiteral("bad_url"), u"SQLite path must be absolute: " + path};
    if (!QDir().mkpath(info.absolutePath()))
        return Error{QStringLiteral("open_failed"), u"cannot create directory " + info.absolutePath()};

    sqlite3 *db = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(QFile::encodeName(path).constData(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const QString message =
            db ? QString::fromUtf8(sqlite3_errmsg(db)) : QString::fromUtf8(sqlite3_errstr(rc));
        sqlite3_close_v2(db);
        return Error{QStringLiteral("open_failed"), u"cannot open SQLite database " + path + u": " + message};
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, options.busyTimeoutMs);

    std::unique_ptr<SqliteConnection> c(new SqliteConnection(db, options));
    // synchronous=FULL makes each commit durable when COMMIT returns, also in WAL mode.
    Status s = c->execScript(QStringLiteral("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                            "PRAGMA foreign_keys=ON;"));
    if (s && options.readOnly)
        s = c->execScript(QStringLiteral("PRAGMA query_only=ON;"));
    if (!s)
        return Error{QStringLiteral("open_failed"),
                     u"cannot configure SQLite database " + path + u": " + s.error().message};
    return c;
}

SqliteConnection::SqliteConnection(sqlite3 *db, const Options &options) : m_db(db), m_options(options) {}

SqliteConnection::~SqliteConnection()
{
    for (const CachedStatement &c : m_lru)
        sqlite3_finalize(c.stmt);
    sqlite3_close_v2(m_db);
}

Error SqliteConnection::error(int rc, const QString &what) const
{
    const int extended = sqlite3_extended_errcode(m_db);
    return Error{errorCodeFor(extended ? extended : rc),
                 u"SQLite: " + QString::fromUtf8(sqlite3_errmsg(m_db)) + u" (in: " + what + u')'};
}

Result<sqlite3_stmt *> SqliteConnection::prepared(const QString &sql)
{
    auto hit = m_cache.find(sql);
    if (hit != m_cache.end()) {
        m_lru.splice(m_lru.begin(), m_lru, hit.value());
        return m_lru.front().stmt;
    }

    const QByteArray utf8 = sql.toUtf8();
    sqlite3_stmt *stmt = nullptr;
    const char *tail = nullptr;
    const int rc =
        sqlite3_prepare_v3(m_db, utf8.constData(), int(utf8.size()), SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK)
        return error(rc, shortened(sql));
    if (!stmt)
        return Error{QStringLiteral("sql_error"), u"SQLite: empty statement: " + shortened(sql)};
    if (!onlySeparatorsIn(tail)) {
        sqlite3_finalize(stmt);
        return Error{QStringLiteral("sql_error"),
                     u"SQLite: exec() takes one statement, use execScript() for several: " + shortened(sql)};
    }

    m_lru.push_front({sql, stmt});
    m_cache.insert(sql, m_lru.begin());
    while (m_lru.size() > size_t(qMax(1, m_options.statementCacheSize))) {
        m_cache.remove(m_lru.back().sql);
        sqlite3_finalize(m_lru.back().stmt);
        m_lru.pop_back();
    }
    return stmt;
}

Status SqliteConnection::bind(sqlite3_stmt *stmt, const QVariantList &params)
{
    // Every placeholder of the statement must be a $n that the caller supplied.
    const int count = sqlite3_bind_parameter_count(stmt);
    for (int i = 1; i <= count; ++i) {
        const char *name = sqlite3_bind_parameter_name(stmt, i);
        bool isNumber = false;
        const int n = name && name[0] == '$' ? QByteArray(name + 1).toInt(&isNumber) : 0;
        if (!isNumber || n < 1 || n > params.size())
            return Error{QStringLiteral("bad_parameter"),
                         u"SQLite: placeholder " + QString::fromUtf8(name ? name : "?") + u" has no value (" +
                             QString::number(params.size()) + u" given)"};
    }

    for (qsizetype i = 0; i < params.size(); ++i) {
        const QByteArray name = '$' + QByteArray::number(i + 1);
        const int index = sqlite3_bind_parameter_index(stmt, name.constData());
        if (index == 0)
            continue; // not used by this statement
        const QVariant &v = params.at(i);
        int rc = SQLITE_OK;
        switch (v.isNull() ? QMetaType::UnknownType : v.typeId()) {
        case QMetaType::UnknownType:
        case QMetaType::Nullptr:
            rc = sqlite3_bind_null(stmt, index);
            break;
        case QMetaType::Bool:
        case QMetaType::Char:
        case QMetaType::SChar:
        case QMetaType::UChar:
        case QMetaType::Short:
        case QMetaType::UShort:
        case QMetaType::Int:
        case QMetaType::UInt:
        case QMetaType::Long:
        case QMetaType::LongLong:
            rc = sqlite3_bind_int64(stmt, index, v.toLongLong());
            break;
        case QMetaType::ULong:
        case QMetaType::ULongLong:
            if (v.toULongLong() > quint64(std::numeric_limits<qint64>::max()))
                return Error{QStringLiteral("bad_parameter"), u"SQLite: parameter " +
                                                                  QString::fromLatin1(name) +
                                                                  u" does not fit a 64-bit signed integer"};
            rc = sqlite3_bind_int64(stmt, index, v.toLongLong());
            break;
        case QMetaType::Float:
        case QMetaType::Double:
            rc = sqlite3_bind_double(stmt, index, v.toDouble());
            break;
        case QMetaType::QString: {
            const QByteArray utf8 = v.toString().toUtf8();
            rc = sqlite3_bind_text64(stmt, index, utf8.constData(), sqlite3_uint64(utf8.size()),
                                     SQLITE_TRANSIENT, SQLITE_UTF8);
            break;
        }
        case QMetaType::QByteArray: {
            const QByteArray bytes = v.toByteArray();
            // A zero-length blob bound from a pointer may turn into NULL; zeroblob(0) stays an empty blob.
            rc = bytes.isEmpty() ? sqlite3_bind_zeroblob(stmt, index, 0)
                                 : sqlite3_bind_blob64(stmt, index, bytes.constData(),
                                                       sqlite3_uint64(bytes.size()), SQLITE_TRANSIENT);
            break;
        }
        default:
            return Error{QStringLiteral("bad_parameter"), u"SQLite: parameter " + QString::fromLatin1(name) +
                                                              u" has unsupported type " +
                                                              QString::fromLatin1(v.typeName())};
        }
        if (rc != SQLITE_OK)
            return error(rc, u"binding " + QString::fromLatin1(name));
    }
    return ok();
}

Result<Rows> SqliteConnection::exec(const QString &sql, const QVariantList &params)
{
    Result<sqlite3_stmt *> prep = prepared(sql);
    if (!prep)
        return prep.error();
    sqlite3_stmt *stmt = *prep;
    StatementReset reset{stmt};

    if (Status s = bind(stmt, params); !s)
        return Error{s.error().code, s.error().message + u" (in: " + shortened(sql) + u')'};

    Rows out;
    int columns = 0;
    const sqlite3_int64 changesBefore = sqlite3_total_changes64(m_db);
    for (bool first = true;; first = false) {
        const int rc = sqlite3_step(stmt);
        if (first && (rc == SQLITE_ROW || rc == SQLITE_DONE)) {
            // Only now: the first step re-prepares a cached statement whose tables changed shape since.
            columns = sqlite3_column_count(stmt);
            out.columns.reserve(columns);
            for (int c = 0; c < columns; ++c)
                out.columns.append(QString::fromUtf8(sqlite3_column_name(stmt, c)));
        }
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW)
            return error(rc, shortened(sql));
        QVariantList row;
        row.reserve(columns);
        for (int c = 0; c < columns; ++c) {
            switch (sqlite3_column_type(stmt, c)) {
            case SQLITE_INTEGER:
                row.append(qint64(sqlite3_column_int64(stmt, c)));
                break;
            case SQLITE_FLOAT:
                row.append(sqlite3_column_double(stmt, c));
                break;
            case SQLITE_TEXT: {
                const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(stmt, c));
                row.append(QString::fromUtf8(text, sqlite3_column_bytes(stmt, c)));
                break;
            }
            case SQLITE_BLOB: {
                const auto *data = static_cast<const char *>(sqlite3_column_blob(stmt, c));
                const int size = sqlite3_column_bytes(stmt, c);
                row.append(size > 0 ? QByteArray(data, size) : QByteArray());
                break;
            }
            default:
                row.append(QVariant());
                break;
            }
        }
        out.rows.append(std::move(row));
    }
    // sqlite3_changes64() keeps the count of the last INSERT/UPDATE/DELETE, so use it only if this one
    // changed rows.
    if (sqlite3_total_changes64(m_db) != changesBefore)
        out.affected = sqlite3_changes64(m_db);
    return out;
}

Status SqliteConnection::execScript(const QString &sql)
{
    char *message = nullptr;
    const int rc = sqlite3_exec(m_db, sql.toUtf8().constData(), nullptr, nullptr, &message);
    if (rc == SQLITE_OK)
        return ok();
    const int extended = sqlite3_extended_errcode(m_db);
    Error e{errorCodeFor(extended ? extended : rc),
            u"SQLite: " + QString::fromUtf8(message ? message : sqlite3_errstr(rc)) + u" (in: " +
                shortened(sql) + u')'};
    sqlite3_free(message);
    return e;
}

bool SqliteConnection::inUsableTransaction() const
{
    return sqlite3_get_autocommit(m_db) == 0;
}

} // namespace era::storage
