#include "storage/postgres/PgConnection.h"

#include <cmath>
#include <libpq-fe.h>
#include <limits>
#include <optional>
#include <vector>

namespace era::storage {

namespace {

// Type OIDs from pg_type.h (stable across server versions).
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700;

struct ResultFree {
    void operator()(PGresult *r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultFree>;

QString shortened(const QString &sql)
{
    QString s = sql.simplified();
    return s.size() > 200 ? s.left(200) + u"..." : s;
}

QString codeForSqlState(const QByteArray &state)
{
    if (state == "23505")
        return QStringLiteral("unique_violation");
    if (state == "23503")
        return QStringLiteral("foreign_key_violation");
    if (state.startsWith("23"))
        return QStringLiteral("constraint_violation");
    if (state.startsWith("08"))
        return QStringLiteral("connection_lost");
    return QStringLiteral("sql_error");
}

Error errorFrom(pg_conn *conn, const PGresult *res, const QString &sql)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    if (!state && PQstatus(conn) == CONNECTION_BAD)
        return Error{QStringLiteral("connection_lost"),
                     u"PostgreSQL: connection lost: " + QString::fromUtf8(PQerrorMessage(conn)).trimmed()};
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : nullptr;
    QString message = u"PostgreSQL: " + (primary ? QString::fromUtf8(primary)
                                                 : QString::fromUtf8(PQerrorMessage(conn)).trimmed());
    if (detail)
        message += u" (" + QString::fromUtf8(detail) + u')';
    if (state)
        message += u" [SQLSTATE " + QString::fromLatin1(state) + u']';
    message += u" in: " + shortened(sql);
    return Error{codeForSqlState(QByteArray(state ? state : "")), message};
}

QByteArray doubleText(double d)
{
    if (std::isnan(d))
        return QByteArrayLiteral("NaN");
    if (std::isinf(d))
        return d > 0 ? QByteArrayLiteral("Infinity") : QByteArrayLiteral("-Infinity");
    return QByteArray::number(d, 'g', std::numeric_limits<double>::max_digits10);
}

QVariant valueOf(const PGresult *res, int row, int column)
{
    if (PQgetisnull(res, row, column))
        return QVariant();
    const char *text = PQgetvalue(res, row, column);
    const int length = PQgetlength(res, row, column);
    switch (PQftype(res, column)) {
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
        return QByteArray::fromRawData(text, length).toLongLong();
    case kFloat4:
    case kFloat8:
    case kNumeric: {
        const QByteArray t = QByteArray::fromRawData(text, length);
        if (t == "NaN")
            return std::numeric_limits<double>::quiet_NaN();
        if (t == "Infinity")
            return std::numeric_limits<double>::infinity();
        if (t == "-Infinity")
            return -std::numeric_limits<double>::infinity();
        return t.toDouble();
    }
    case kBool:
        return text[0] == 't';
    case kBytea: {
        size_t size = 0;
        unsigned char *raw = PQunescapeBytea(reinterpret_cast<const unsigned char *>(text), &size);
        QByteArray bytes(reinterpret_cast<const char *>(raw), qsizetype(size));
        PQfreemem(raw);
        return bytes;
    }
    default:
        return QString::fromUtf8(text, length);
    }
}

} // namespace

Result<std::unique_ptr<PgConnection>> PgConnection::open(const QString &url)
{
    pg_conn *conn = PQconnectdb(url.toUtf8().constData());
    if (!conn)
        return Error{QStringLiteral("open_failed"), QStringLiteral("PostgreSQL: out of memory")};
    if (PQstatus(conn) != CONNECTION_OK) {
        const QString message = QString::fromUtf8(PQerrorMessage(conn)).trimmed();
        PQfinish(conn);
        return Error{QStringLiteral("open_failed"), u"cannot connect to PostgreSQL: " + message};
    }
    if (PQsetClientEncoding(conn, "UTF8") != 0) {
        const QString message = QString::fromUtf8(PQerrorMessage(conn)).trimmed();
        PQfinish(conn);
        return Error{QStringLiteral("open_failed"), u"PostgreSQL: cannot set client encoding: " + message};
    }
    std::unique_ptr<PgConnection> c(new PgConnection(conn));
    // Notices (e.g. "relation already exists, skipping") are expected during migrations; keep them off
    // stderr.
    PQsetNoticeProcessor(
        conn, [](void *, const char *) {}, nullptr);
    if (Status s = c->configureSession(); !s)
        return s.error();
    return c;
}

PgConnection::PgConnection(pg_conn *conn) : m_conn(conn) {}

PgConnection::~PgConnection()
{
    PQfinish(m_conn);
}

// A statement's parameters in libpq's form; the vectors stay valid while the object lives.
struct PgConnection::BoundParams {
    std::vector<QByteArray> texts;
    std::vector<const char *> values;
    std::vector<int> lengths;
    std::vector<int> formats;
    // Integers and reals are typed so "SELECT $1" comes back as a number; text stays untyped so PostgreSQL
    // infers it from the context (a TEXT column, a date function...).
    std::vector<Oid> types;

    int count() const { return int(values.size()); }

    Status bind(const QVariantList &params)
    {
        const int n = int(params.size());
        texts.assign(size_t(n), {});
        values.assign(size_t(n), nullptr);
        lengths.assign(size_t(n), 0);
        formats.assign(size_t(n), 0);
        types.assign(size_t(n), 0);
        for (int i = 0; i < n; ++i) {
            const QVariant &v = params.at(i);
            QByteArray &out = texts[size_t(i)];
            switch (v.isNull() ? QMetaType::UnknownType : v.typeId()) {
            case QMetaType::UnknownType:
            case QMetaType::Nullptr:
                continue;
            case QMetaType::Bool:
                out = v.toBool() ? QByteArrayLiteral("1") : QByteArrayLiteral("0");
                types[size_t(i)] = kInt8;
                break;
            case QMetaType::Char:
            case QMetaType::SChar:
            case QMetaType::UChar:
            case QMetaType::Short:
            case QMetaType::UShort:
            case QMetaType::Int:
            case QMetaType::UInt:
            case QMetaType::Long:
            case QMetaType::LongLong:
                out = QByteArray::number(v.toLongLong());
                types[size_t(i)] = kInt8;
                break;
            case QMetaType::ULong:
            case QMetaType::ULongLong:
                if (v.toULongLong() > quint64(std::numeric_limits<qint64>::max()))
                    return Error{QStringLiteral("bad_parameter"),
                                 u"PostgreSQL: parameter $" + QString::number(i + 1) +
                                     u" does not fit a 64-bit signed integer"};
                out = QByteArray::number(v.toLongLong());
                types[size_t(i)] = kInt8;
                break;
            case QMetaType::Float:
            case QMetaType::Double:
                out = doubleText(v.toDouble());
                types[size_t(i)] = kFloat8;
                break;
            case QMetaType::QString:
                out = v.toString().toUtf8();
                break;
            case QMetaType::QByteArray:
                out = v.toByteArray();
                types[size_t(i)] = kBytea;
                formats[size_t(i)] = 1;
                lengths[size_t(i)] = int(out.size());
                break;
            default:
                return Error{QStringLiteral("bad_parameter"),
                             u"PostgreSQL: parameter $" + QString::number(i + 1) + u" has unsupported type " +
                                 QString::fromLatin1(v.typeName())};
            }
            // constData() of an empty QByteArray is "" rather than null, so an empty value is not NULL.
            values[size_t(i)] = out.constData();
        }
        return ok();
    }
};

namespace {

bool succeeded(const PGresult *res)
{
    const ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

Rows rowsOf(const PGresult *res)
{
    Rows out;
    const int columns = PQnfields(res);
    const int rows = PQntuples(res);
    out.columns.reserve(columns);
    for (int c = 0; c < columns; ++c)
        out.columns.append(QString::fromUtf8(PQfname(res, c)));
    out.rows.reserve(rows);
    for (int r = 0; r < rows; ++r) {
        QVariantList row;
        row.reserve(columns);
        for (int c = 0; c < columns; ++c)
            row.append(valueOf(res, r, c));
        out.rows.append(std::move(row));
    }
    // PQcmdTuples also counts the rows a SELECT returned; Rows::affected means rows changed.
    if (!QByteArray(PQcmdStatus(const_cast<PGresult *>(res))).startsWith("SELECT"))
        out.affected = QByteArray(PQcmdTuples(const_cast<PGresult *>(res))).toLongLong();
    return out;
}

} // namespace

Status PgConnection::configureSession()
{
    return execScript(QStringLiteral("SET synchronous_commit = on; SET client_min_messages = warning;"));
}

namespace {

// Bounds the results waiting in the socket while statements are still being sent, far below what would fill
// the socket buffers (libpq blocks on a full send buffer; the server would block on a full receive one).
constexpr size_t kMostDeferred = 32;

// Whether a statement becomes a named prepared statement: only those the server plans. DDL and transaction
// control gain nothing from it, and some utility statements cannot run in a pipeline's implicit transaction.
bool cacheable(const QString &sql)
{
    qsizetype i = 0;
    while (i < sql.size() && sql.at(i).isSpace())
        ++i;
    const QStringView head = QStringView(sql).mid(i, 7);
    for (const char *word : {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"}) {
        const QLatin1String w(word);
        if (head.startsWith(w, Qt::CaseInsensitive) &&
            (head.size() == w.size() || !head.at(w.size()).isLetterOrNumber()))
            return true;
    }
    return false;
}

// The types are part of the key: a statement is prepared with the types of its first call, and a NULL (type
// left to the server) or a string where a number was bound before must not reuse it.
QString cacheKey(const QString &sql, const std::vector<Oid> &types)
{
    QString key;
    key.reserve(sql.size() + 1 + qsizetype(types.size()));
    key += sql;
    key += QChar(u'\0');
    for (Oid t : types)
        key += QChar(char16_t(t)); // the OIDs bound here (0, 17, 20, 701) fit
    return key;
}

} // namespace

Result<Rows> PgConnection::exec(const QString &sql, const QVariantList &params)
{
    BoundParams p;
    if (Status s = p.bind(params); !s) {
        if (!m_sent.empty())
            (void)finishPipeline(nullptr, nullptr); // the queued statements still have to be read
        return s.error();
    }
    if (!m_sent.empty())
        return finishPipeline(&sql, &p);
    dropEvicted();
    if (cacheable(sql)) {
        const QString key = cacheKey(sql, p.types);
        if (const PgStatementCache::Entry *e = m_statements.find(key); e && e->prepared)
            return execPrepared(sql, key, e->name, p);
        return finishPipeline(&sql, &p); // Parse and the first execution in one round trip
    }
    PgResult res(PQexecParams(m_conn, sql.toUtf8().constData(), p.count(), p.types.data(), p.values.data(),
                              p.lengths.data(), p.formats.data(), 0));
    if (!succeeded(res.get()))
        return errorFrom(m_conn, res.get(), sql);
    return rowsOf(res.get());
}

Result<Rows> PgConnection::execPrepared(const QString &sql, const QString &key, QByteArray name,
                                        const BoundParams &p)
{
    const bool inTransaction = PQtransactionStatus(m_conn) != PQTRANS_IDLE;
    PgResult res(PQexecPrepared(m_conn, name.constData(), p.count(), p.values.data(), p.lengths.data(),
                                p.formats.data(), 0));
    if (succeeded(res.get()))
        return rowsOf(res.get());
    // Outside a transaction the failed attempt changed nothing, so the statement can be prepared afresh and
    // run once more; inside one the transaction is aborted and the caller sees the error.
    if (forgetStale(res.get(), key, name) && !inTransaction && PQtransactionStatus(m_conn) == PQTRANS_IDLE)
        return finishPipeline(&sql, &p);
    return errorFrom(m_conn, res.get(), sql);
}

bool PgConnection::forgetStale(const PGresult *res, const QString &key, QByteArray name)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    if (!state)
        return false;
    const QByteArray code(state);
    if (code == "26000") { // the statement is gone: someone ran DEALLOCATE ALL or DISCARD ALL
        m_statements.clear();
        return true;
    }
    if (code == "0A000") { // "cached plan must not change result type": a table changed shape under it
        m_statements.forget(key, name, true);
        return true;
    }
    return false;
}

void PgConnection::dropEvicted()
{
    if (!m_statements.hasEvicted() || PQpipelineStatus(m_conn) != PQ_PIPELINE_OFF ||
        PQtransactionStatus(m_conn) != PQTRANS_IDLE)
        return;
    // Rare (only past the cache's capacity), so one round trip each keeps a failure from skipping the rest.
    for (const QByteArray &name : m_statements.takeEvicted())
        PgResult(PQexec(m_conn, QByteArray("DEALLOCATE " + name).constData()));
}

Status PgConnection::send(const QString &sql, const BoundParams &p)
{
    if (PQpipelineStatus(m_conn) == PQ_PIPELINE_OFF && PQenterPipelineMode(m_conn) != 1)
        return errorFrom(m_conn, nullptr, sql);
    if (cacheable(sql)) {
        const QString key = cacheKey(sql, p.types);
        PgStatementCache::Entry *e = m_statements.find(key);
        if (!e) {
            e = &m_statements.add(key);
            if (PQsendPrepare(m_conn, e->name.constData(), sql.toUtf8().constData(), p.count(),
                              p.types.data()) != 1) {
                const Error error = errorFrom(m_conn, nullptr, sql);
                m_statements.forget(key, e->name, false);
                return error;
            }
            m_sent.push_back({sql, key, e->name, true});
        }
        // Also when its Parse is earlier in this pipeline: the server handles messages in order, and if the
        // Parse fails, everything after it up to the sync is skipped.
        if (PQsendQueryPrepared(m_conn, e->name.constData(), p.count(), p.values.data(), p.lengths.data(),
                                p.formats.data(), 0) != 1)
            return errorFrom(m_conn, nullptr, sql);
        m_sent.push_back({sql, key, e->name, false});
        return ok();
    }
    if (PQsendQueryParams(m_conn, sql.toUtf8().constData(), p.count(), p.types.data(), p.values.data(),
                          p.lengths.data(), p.formats.data(), 0) != 1)
        return errorFrom(m_conn, nullptr, sql);
    m_sent.push_back({sql, {}, {}, false});
    return ok();
}

Status PgConnection::execDeferred(const QString &sql, const QVariantList &params)
{
    if (m_sent.size() >= kMostDeferred) {
        if (auto r = finishPipeline(nullptr, nullptr); !r)
            return r.error();
    }
    BoundParams p;
    if (Status s = p.bind(params); !s)
        return s.error();
    if (m_sent.empty())
        dropEvicted();
    if (Status s = send(sql, p); !s) {
        (void)finishPipeline(nullptr, nullptr);
        return s;
    }
    return ok();
}

Result<Rows> PgConnection::finishPipeline(const QString *sql, const BoundParams *params)
{
    std::optional<Error> failure;
    if (sql) {
        if (Status s = send(*sql, *params); !s)
            failure = s.error(); // the queued statements still have to be read
    }
    std::vector<Sent> sent;
    sent.swap(m_sent);
    // A Parse whose outcome is not known leaves no entry behind: the next use prepares it again.
    auto forgetUnread = [&](size_t from) {
        for (size_t i = from; i < sent.size(); ++i) {
            if (sent[i].isParse)
                m_statements.forget(sent[i].cacheKey, sent[i].name, false);
        }
    };
    if (PQpipelineSync(m_conn) != 1) {
        const Error e = errorFrom(m_conn, nullptr, sent.empty() ? QString() : sent.back().sql);
        PQexitPipelineMode(m_conn);
        forgetUnread(0);
        return e;
    }

    PgResult last;
    size_t read = 0;
    for (; read < sent.size(); ++read) {
        const Sent &statement = sent[read];
        PgResult res(PQgetResult(m_conn));
        if (!res) { // only when the connection broke
            failure = failure.value_or(errorFrom(m_conn, nullptr, statement.sql));
            break;
        }
        const ExecStatusType status = PQresultStatus(res.get());
        const bool done = succeeded(res.get());
        if (statement.isParse) {
            if (done)
                m_statements.markPrepared(statement.cacheKey, statement.name);
            else
                m_statements.forget(statement.cacheKey, statement.name, false);
        } else if (!done && status != PGRES_PIPELINE_ABORTED && !statement.cacheKey.isEmpty()) {
            forgetStale(res.get(), statement.cacheKey, statement.name);
        }
        if (status != PGRES_PIPELINE_ABORTED && !done && !failure)
            failure = errorFrom(m_conn, res.get(), statement.sql);
        while (PGresult *extra = PQgetResult(m_conn)) // the NULL that ends each statement's results
            PQclear(extra);
        last = std::move(res);
    }
    forgetUnread(read);
    // Read up to the sync's own result, whatever happened before it.
    while (PGresult *res = PQgetResult(m_conn)) {
        const bool isSync = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
        PQclear(res);
        if (isSync)
            break;
    }
    if (PQexitPipelineMode(m_conn) != 1 && !failure)
        failure = errorFrom(m_conn, nullptr, sql ? *sql : QStringLiteral("pipeline"));
    if (failure)
        return *failure;
    if (!sql)
        return Rows{};
    return rowsOf(last.get());
}

Status PgConnection::execScript(const QString &sql)
{
    if (!m_sent.empty()) {
        if (auto r = finishPipeline(nullptr, nullptr); !r)
            return r.error();
    }
    dropEvicted();
    PgResult res(PQexec(m_conn, sql.toUtf8().constData()));
    // A script may drop the session's prepared statements (DISCARD ALL, DEALLOCATE ALL): start afresh.
    if (sql.contains(u"DISCARD", Qt::CaseInsensitive) || sql.contains(u"DEALLOCATE", Qt::CaseInsensitive))
        m_statements.clear();
    const ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY)
        return errorFrom(m_conn, res.get(), sql);
    return ok();
}

bool PgConnection::inUsableTransaction() const
{
    // What the queued statements did is known only once their results are read; a failure among them is
    // reported by the next statement, COMMIT included.
    if (!m_sent.empty())
        return PQstatus(m_conn) == CONNECTION_OK;
    return PQtransactionStatus(m_conn) == PQTRANS_INTRANS;
}

Status PgConnection::recover()
{
    if (!m_sent.empty()) // a caller left statements queued: settle them before the next transaction
        (void)finishPipeline(nullptr, nullptr);
    if (PQstatus(m_conn) == CONNECTION_OK)
        return ok();
    PQreset(m_conn);
    m_statements.clear(); // a new session holds no prepared statements
    if (PQstatus(m_conn) != CONNECTION_OK)
        return Error{QStringLiteral("connection_lost"),
                     u"PostgreSQL: cannot reconnect: " + QString::fromUtf8(PQerrorMessage(m_conn)).trimmed()};
    PQsetClientEncoding(m_conn, "UTF8");
    return configureSession();
}

} // namespace era::storage
