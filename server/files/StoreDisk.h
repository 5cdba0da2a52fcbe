#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

namespace era::files {

// An open temporary file of the store; removed when destroyed unless it was committed.
class TempFile {
public:
    TempFile(int fd, QByteArray path) : m_fd(fd), m_path(std::move(path)) {}
    TempFile(TempFile &&other) noexcept;
    TempFile &operator=(TempFile &&) = delete;
    ~TempFile();

    Status write(const char *data, qint64 size);
    const QByteArray &path() const { return m_path; }

private:
    friend class StoreDisk;
    int m_fd = -1;
    QByteArray m_path;
};

// The blocking file-system side of the store: worker threads (and start-up) only.
//
// The final directory depends on the hash, known only at the end, so temporary files live in <root>/tmp (the
// same file system, so the rename into place is atomic).
class StoreDisk {
public:
    explicit StoreDisk(QString root);

    const QString &root() const { return m_root; }
    QString pathOf(const QString &id) const; // <root>/ab/cd/<id>
    QString tempDir() const;
    QString thumbnailMapPath(const QString &id, int maxSide) const; // <root>/thumbs/<id>-<maxSide>

    // Creates the directories and removes what a crash left in tmp/.
    Status prepare() const;
    Result<TempFile> createTemp() const;
    // fsync's and closes `temp`, then renames it to `id`'s path (or drops it when that file already exists)
    // and fsync's the directory. Returns the final path.
    Result<QString> commit(TempFile &temp, const QString &id) const;
    // Replaces a small file at `path` atomically (temp + rename): readers see the old or the new bytes.
    Status writeSmall(const QString &path, const QByteArray &bytes) const;

private:
    QString m_root;
};

} // namespace era::files
