#pragma once

#include "core/Result.h"

#include <QObject>
#include <QString>
#include <QThreadPool>
#include <functional>
#include <memory>

class QIODevice;

namespace era::storage {
class Database;
}

namespace era::files {

template <typename T>
using Reply = std::function<void(Result<T>)>;

// A file as the store knows it: its content address, its size and the type sniffed from its bytes.
struct StoredFile {
    QString id; // SHA-256 of the bytes, 64 lower-case hex digits
    qint64 size = 0;
    QString mime;
    QString name; // the declared name, cleaned (no directories, no control characters); not stored
};

// Where to read a stored file from.
struct OpenedFile {
    QString id;
    QString path;
    qint64 size = 0;
    QString mime;
};

// True for 64 lower-case hex digits, the only ids the store hands out and accepts.
bool isFileId(QStringView id);
// The declared name as the API returns it: the last path component, without control characters, at most
// 255 characters.
QString cleanFileName(const QString &declared);
// The MIME type of content from its first bytes (never from a name); application/octet-stream when unknown.
QString sniffMimeType(const QByteArray &head);

class FileWriter;
class StoreDisk;

// Content-addressed files under <root>/ab/cd/<sha256hex>, recorded in the `files` table.
//
// Every disk and CPU step (writing, hashing, fsync, MIME sniffing, decoding images) runs on the store's own
// thread pool; results are delivered to `context`'s thread through a queued call, dropped if it is gone.
// A file is written to <root>/tmp and renamed into place only once complete and fsync'ed, so a crash never
// leaves a partial file under a final name; the row is written after the file, so a row always has its file.
// The same bytes stored twice are one file and one row. Error codes: too_large, not_found, bad_args,
// unsupported_media_type (thumbnail of a non-image or an undecodable one), io_error, shutting_down.
class FileStore : public QObject {
    Q_OBJECT
public:
    struct Options {
        QString root;                       // e.g. <data_dir>/files; created when missing
        int threads = 2;                    // workers for writes and thumbnails
        qint64 maxImagePixels = 40'000'000; // larger images get no thumbnail (decompression bombs)
    };

    // Creates the directories and removes temporary files a crash left behind. Blocking: call at start-up.
    // `db` must outlive the store.
    static Result<std::unique_ptr<FileStore>> create(storage::Database &db, Options options,
                                                     QObject *parent = nullptr);
    ~FileStore() override; // waits for the work in flight

    QString root() const;

    // Stores `bytes`; over `maxBytes` it fails with too_large and writes nothing.
    void put(const QByteArray &bytes, const QString &name, qint64 maxBytes, QObject *context,
             Reply<StoredFile> done);
    // A user's upload: stored like put(), and the user recorded as its uploader (table file_uploads) in the
    // same transaction as the file's row, so that they may read it back (docs/files.md).
    void upload(qint64 uploaderId, const QByteArray &bytes, const QString &name, qint64 maxBytes,
                QObject *context, Reply<StoredFile> done);
    // Stores what `source` yields until its end. A sequential device (socket, process) is read on its own
    // thread as data arrives and ends with readChannelFinished(); a random-access one (QFile, QBuffer) is
    // read on a worker, so the caller must not touch it until `done`. Either way it must stay alive until
    // `done`. Over `maxBytes` it fails with too_large once the cap is passed, never having written more than
    // the cap.
    void put(QIODevice *source, const QString &name, qint64 maxBytes, QObject *context,
             Reply<StoredFile> done);
    // For bytes that arrive in pieces from code that knows when they end (e.g. a finished download).
    std::unique_ptr<FileWriter> writer(const QString &name, qint64 maxBytes);

    // The path, size and type of a stored file; not_found when there is no row or no file.
    void open(const QString &id, QObject *context, Reply<OpenedFile> done);
    // A JPEG no larger than maxSide x maxSide of an image/* file, itself stored (and recorded) in the store.
    // Cached: <root>/thumbs/<id>-<maxSide> holds the thumbnail's id, so a second call decodes nothing.
    void thumbnail(const QString &id, int maxSide, QObject *context, Reply<OpenedFile> done);

    // Where a stored file lies and how large it is: one stat, no read. For senders that learn the name and
    // type from the message itself. nullopt when the id is malformed or the file is missing.
    std::optional<OpenedFile> locate(const QString &id) const;

    // Waits for work in flight (for shutdown, before the database closes); false on timeout.
    bool waitForDone(int msecs);

private:
    FileStore(storage::Database &db, std::shared_ptr<StoreDisk> disk, Options options, QObject *parent);
    friend class FileWriter;

    storage::Database &m_db;
    std::shared_ptr<StoreDisk> m_disk;
    Options m_options;
    QThreadPool m_pool;
};

// One file arriving in pieces: each piece is hashed and written on a worker, in order, as it comes; finish()
// makes the file durable under its content address and records it. Destroying an unfinished writer cancels
// it (its temporary file is removed).
class FileWriter {
public:
    ~FileWriter();
    FileWriter(const FileWriter &) = delete;
    FileWriter &operator=(const FileWriter &) = delete;

    // False once the file is refused (the cap passed, or a disk error): stop feeding and call finish() to
    // learn why. A refused piece is not written.
    bool append(const QByteArray &piece);
    // Delivers the stored file, or the reason it was refused.
    void finish(QObject *context, Reply<StoredFile> done);
    void cancel();
    qint64 bytesAccepted() const { return m_accepted; }

private:
    friend class FileStore;
    struct Job;
    FileWriter(FileStore &store, const QString &name, qint64 maxBytes);

    std::shared_ptr<Job> m_job;
    qint64 m_maxBytes = 0;
    qint64 m_accepted = 0;
    bool m_refused = false;
    bool m_ended = false;
};

} // namespace era::files
