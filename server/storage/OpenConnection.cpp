#include "storage/OpenConnection.h"

#include "storage/postgres/PgConnection.h"
#include "storage/sqlite/SqliteConnection.h"

#include <QUrl>

namespace era::storage {

Result<std::unique_ptr<Connection>> openConnection(const QString &url, const ConnectionOptions &options)
{
    if (url.startsWith(u"sqlite:")) {
        QString path = url.mid(7);
        if (path.startsWith(u"///")) // sqlite:///abs/path, the URL spelling
            path = path.mid(2);
        SqliteConnection::Options o;
        o.readOnly = options.readOnly;
        auto c = SqliteConnection::open(path, o);
        if (!c)
            return c.error();
        return std::unique_ptr<Connection>(std::move(c).value());
    }
    if (url.startsWith(u"postgresql://") || url.startsWith(u"postgres://")) {
        auto c = PgConnection::open(url);
        if (!c)
            return c.error();
        return std::unique_ptr<Connection>(std::move(c).value());
    }
    // Never echo a password that a mistyped scheme would otherwise carry into the logs.
    QUrl shown(url);
    if (!shown.password().isEmpty())
        shown.setPassword(QStringLiteral("***"));
    return Error{QStringLiteral("bad_url"),
                 u"unknown database url \"" + shown.toString() +
                     u"\": use sqlite:/absolute/path/era.db or postgresql://user@host:port/database"};
}

} // namespace era::storage
