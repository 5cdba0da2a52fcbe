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
    if (Status s =
            c->execScript(QStringLiteral("SET synchronous_commit = on; SET client_min_messages = warning;"));
        !s)
        return s.error();
    return c;
}

PgConnection::PgConnection(pg_conn *conn) : m_conn(conn) {}

PgConnection::~PgConnection()
{
    PQfinish(m_conn);
}

namespace {

// A statement's parameters in libpq's form; the vectors stay valid while the object lives.
struct BoundParams {
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

// Bounds the results waiting in the socket while statements are still being sent, far below what would fill
// the socket buffers (libpq blocks on a full send buffer; the server would block on a full receive one).
constexpr size_t kMostDeferred = 32;

} // namespace

Result<Rows> PgConnection::exec(const QString &sql, const QVariantList &params)
{
    if (!m_deferred.empty())
        return finishPipeline(&sql, params);
    BoundParams p;
    if (Status s = p.bind(params); !s)
        return s.error();
    PgResult res(PQexecParams(m_conn, sql.toUtf8().constData(), p.count(), p.types.data(), p.values.data(),
                              p.lengths.data(), p.formats.data(), 0));
    if (!succeeded(res.get()))
        return errorFrom(m_conn, res.get(), sql);
    return rowsOf(res.get());
}

Status PgConnection::execDeferred(const QString &sql, const QVariantList &params)
{
    if (m_deferred.size() >= kMostDeferred) {
        if (auto r = finishPipeline(nullptr, {}); !r)
            return r.error();
    }
    BoundParams p;
    if (Status s = p.bind(params); !s)
        return s.error();
    if (PQpipelineStatus(m_conn) == PQ_PIPELINE_OFF && PQenterPipelineMode(m_conn) != 1)
        return errorFrom(m_conn, nullptr, sql);
    if (PQsendQueryParams(m_conn, sql.toUtf8().constData(), p.count(), p.types.data(), p.values.data(),
                          p.lengths.data(), p.formats.data(), 0) != 1) {
        const Error e = errorFrom(m_conn, nullptr, sql);
        (void)finishPipeline(nullptr, {});
        return e;
    }
    m_deferred.push_back(sql);
    return ok();
}

Result<Rows> PgConnection::finishPipeline(const QString *sql, const QVariantList &params)
{
    std::optional<Error> failure;
    if (sql) {
        BoundParams p;
        if (Status s = p.bind(params); !s)
            failure = s.error(); // the queued statements still have to be read
        else if (PQsendQueryParams(m_conn, sql->toUtf8().constData(), p.count(), p.types.data(),
                                   p.values.data(), p.lengths.data(), p.formats.data(), 0) != 1)
            failure = errorFrom(m_conn, nullptr, *sql);
        else
            m_deferred.push_back(*sql);
    }
    std::vector<QString> sent;
    sent.swap(m_deferred);
    if (PQpipelineSync(m_conn) != 1) {
        const Error e = errorFrom(m_conn, nullptr, sent.empty() ? QString() : sent.back());
        PQexitPipelineMode(m_conn);
        return e;
    }

    PgResult last;
    for (const QString &statement : sent) {
        PgResult res(PQgetResult(m_conn));
        if (!res) { // only when the connection broke
            failure = failure.value_or(errorFrom(m_conn, nullptr, statement));
            break;
        }
        const ExecStatusType status = PQresultStatus(res.get());
        if (status != PGRES_PIPELINE_ABORTED && !succeeded(res.get()) && !failure)
            failure = errorFrom(m_conn, res.get(), statement);
        while (PGresult *extra = PQgetResult(m_conn)) // the NULL that ends each statement's results
            PQclear(extra);
        last = std::move(res);
    }
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
    if (!m_deferred.empty()) {
        if (auto r = finishPipeline(nullptr, {}); !r)
            return r.error();
    }
    PgResult res(PQexec(m_conn, sql.toUtf8().constData()));
    const ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY)
        return errorFrom(m_conn, res.get(), sql);
    return ok();
}

bool PgConnection::inUsableTransaction() const
{
    // What the queued statements did is known only once their results are read; a failure among them is
    // reported by the next statement, COMMIT included.
    if (!m_deferred.empty())
        return PQstatus(m_conn) == CONNECTION_OK;
    return PQtransactionStatus(m_conn) == PQTRANS_INTRANS;
}

Status PgConnection::recover()
{
    if (!m_deferred.empty()) // a caller left statements queued: settle them before the next transaction
        (void)finishPipeline(nullptr, {});
    if (PQstatus(m_conn) == CONNECTION_OK)
        return ok();
    PQreset(m_conn);
    if (PQstatus(m_conn) != CONNECTION_OK)
        return Error{QStringLiteral("connection_lost"),
                     u"PostgreSQL: cannot reconnect: " + QString::fromUtf8(PQerrorMessage(m_conn)).trimmed()};
    PQsetClientEncoding(m_conn, "UTF8");
    return execScript(QStringLiteral("SET synchronous_commit = on; SET client_min_messages = warning;"));
}

} // namespace era::storage
