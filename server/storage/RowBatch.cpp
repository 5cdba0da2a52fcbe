#include "storage/RowBatch.h"

#include "core/JsonText.h"

namespace era::storage {

namespace {

// One PostgreSQL array literal per column: every element quoted (commas, braces and spaces stay in it),
// NULL bare.
QVariantList columnArrays(const QList<QVariantList> &rows)
{
    const qsizetype columns = rows.first().size();
    QVariantList arrays;
    for (qsizetype c = 0; c < columns; ++c) {
        QString array = QStringLiteral("{");
        for (const QVariantList &row : rows) {
            if (array.size() > 1)
                array += u',';
            const QVariant &v = row.at(c);
            if (v.isNull()) {
                array += QStringLiteral("NULL");
                continue;
            }
            array += u'"';
            for (QChar ch : v.toString()) {
                if (ch == u'"' || ch == u'\\')
                    array += u'\\';
                array += ch;
            }
            array += u'"';
        }
        array += u'}';
        arrays.append(array);
    }
    return arrays;
}

// One JSON array of rows for SQLite's json_each.
QString jsonRows(const QList<QVariantList> &rows)
{
    QByteArray out = "[";
    for (const QVariantList &row : rows) {
        if (out.size() > 1)
            out += ',';
        out += '[';
        for (qsizetype c = 0; c < row.size(); ++c) {
            if (c > 0)
                out += ',';
            const QVariant &v = row.at(c);
            switch (v.isNull() ? QMetaType::UnknownType : v.typeId()) {
            case QMetaType::UnknownType:
                out += "null";
                break;
            case QMetaType::Bool:
                out += v.toBool() ? '1' : '0';
                break;
            case QMetaType::Int:
            case QMetaType::UInt:
            case QMetaType::Long:
            case QMetaType::LongLong:
            case QMetaType::ULongLong:
                out += QByteArray::number(v.toLongLong());
                break;
            case QMetaType::Double:
                out += QByteArray::number(v.toDouble(), 'g', 17);
                break;
            default:
                appendJsonString(out, v.toString());
            }
        }
        out += ']';
    }
    out += ']';
    return QString::fromUtf8(out);
}

} // namespace

Status writeRows(Connection &c, const MergeableRow &statement, const QList<QVariantList> &rows)
{
    if (rows.size() == 1)
        return c.execDeferred(statement.one, rows.first());
    if (c.dialect() == Dialect::Postgres)
        return c.execDeferred(statement.manyPostgres, columnArrays(rows));
    return c.execDeferred(statement.manySqlite, {jsonRows(rows)});
}

} // namespace era::storage
