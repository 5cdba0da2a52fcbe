#include "files/StoreDisk.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace era::files {

using namespace Qt::StringLiterals;

static Error ioError(const QString &what)
{
    return Error{u"io_error"_s, u"%1: %2"_s.arg(what, QString::fromLocal8Bit(std::strerror(errno)))};
}

static bool syncDirectory(const QString &dir)
{
    const int fd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    return synced;
}

// mkdir -p that also fsync's the parent of every directory it created, so a new directory entry survives a
// crash together with the file renamed into it.
static Status makeDurablePath(const QString &root, const QStringList &parts)
{
    QString dir = root;
    for (const QString &part : parts) {
        const QString parent = dir;
        dir += u'/' + part;
        if (::mkdir(QFile::encodeName(dir).constData(), 0750) == 0) {
            if (!syncDirectory(parent))
                return ioError(u"fsync %1"_s.arg(parent));
        } else if (errno != EEXIST) {
            return ioError(u"mkdir %1"_s.arg(dir));
        }
    }
    return ok();
}

TempFile::TempFile(TempFile &&other) noexcept : m_fd(other.m_fd), m_path(std::move(other.m_path))
{
    other.m_fd = -1;
    other.m_path.clear();
}

TempFile::~TempFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
    if (!m_path.isEmpty())
        ::unlink(m_path.constData());
}

Status TempFile::write(const char *data, qint64 size)
{
    while (size > 0) {
        const ssize_t n = ::write(m_fd, data, size_t(size));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return ioError(u"write %1"_s.arg(QFile::decodeName(m_path)));
        }
        data += n;
        size -= n;
    }
    return ok();
}

StoreDisk::StoreDisk(QString root) : m_root(QDir::cleanPath(QDir(root).absolutePath())) {}

QString StoreDisk::pathOf(const QString &id) const
{
    return u"%1/%2/%3/%4"_s.arg(m_root, id.first(2), id.sliced(2, 2), id);
}

QString StoreDisk::tempDir() const
{
    return m_root + u"/tmp"_s;
}

QString StoreDisk::thumbnailMapPath(const QString &id, int maxSide) const
{
    return u"%1/thumbs/%2-%3"_s.arg(m_root, id).arg(maxSide);
}

Status StoreDisk::prepare() const
{
    if (!QDir().mkpath(m_root))
        return ioError(u"mkdir %1"_s.arg(m_root));
    if (Status s = makeDurablePath(m_root, {u"tmp"_s}); !s)
        return s;
    if (Status s = makeDurablePath(m_root, {u"thumbs"_s}); !s)
        return s;
    QDir tmp(tempDir());
    for (const QString &stale : tmp.entryList(QDir::Files | QDir::Hidden | QDir::System))
        if (!tmp.remove(stale))
            return ioError(u"remove %1"_s.arg(tmp.filePath(stale)));
    return ok();
}

Result<TempFile> StoreDisk::createTemp() const
{
    QByteArray pattern = QFile::encodeName(tempDir() + u"/part-XXXXXX"_s);
    const int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (fd < 0)
        return ioError(u"create a temporary file in %1"_s.arg(tempDir()));
    return TempFile(fd, pattern);
}

Result<QString> StoreDisk::commit(TempFile &temp, const QString &id) const
{
    if (::fsync(temp.m_fd) != 0)
        return ioError(u"fsync %1"_s.arg(QFile::decodeName(temp.m_path)));
    const int fd = temp.m_fd;
    temp.m_fd = -1;
    if (::close(fd) != 0)
        return ioError(u"close %1"_s.arg(QFile::decodeName(temp.m_path)));

    const QString target = pathOf(id);
    const QString dir = QFileInfo(target).path();
    if (Status s = makeDurablePath(m_root, {id.first(2), id.sliced(2, 2)}); !s)
        return s.error();
    struct stat existing {};
    if (::stat(QFile::encodeName(target).constData(), &existing) == 0)
        return target; // the same bytes are already stored; the temporary file goes with `temp`
    if (::rename(temp.m_path.constData(), QFile::encodeName(target).constData()) != 0)
        return ioError(u"rename into %1"_s.arg(target));
    temp.m_path.clear();
    if (!syncDirectory(dir))
        return ioError(u"fsync %1"_s.arg(dir));
    return target;
}

Status StoreDisk::writeSmall(const QString &path, const QByteArray &bytes) const
{
    auto temp = createTemp();
    if (!temp)
        return temp.error();
    if (Status s = temp->write(bytes.constData(), bytes.size()); !s)
        return s;
    const int fd = temp->m_fd;
    temp->m_fd = -1;
    if (::close(fd) != 0)
        return ioError(u"close %1"_s.arg(QFile::decodeName(temp->m_path)));
    // A cache entry: atomic but not fsync'ed; after a crash it is at worst missing and made again.
    if (::rename(temp->m_path.constData(), QFile::encodeName(path).constData()) != 0)
        return ioError(u"rename into %1"_s.arg(path));
    temp->m_path.clear();
    return ok();
}

} // namespace era::files
