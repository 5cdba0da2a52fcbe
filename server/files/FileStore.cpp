#include "files/FileStore.h"

#include "files/SerialQueue.h"
#include "files/StoreDisk.h"
#include "files/Thumbnailer.h"
#include "storage/Database.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QIODevice>
#include <QLoggingCategory>
#include <QMimeDatabase>
#include <atomic>
#include <optional>

Q_LOGGING_CATEGORY(lcFiles, "era.files")

namespace era::files {

using namespace Qt::StringLiterals;

namespace {

constexpr qsizetype kSniffBytes = 16 * 1024; // enough for every magic rule worth having
constexpr qint64 kReadChunk = 64 * 1024;

Error tooLarge(qint64 maxBytes)
{
    return Error{u"too_large"_s, u"the file is larger than %1 bytes"_s.arg(maxBytes),
                 QJsonObject{{u"max_bytes"_s, maxBytes}}};
}

// The bytes of one file on their way to the store: written to a temporary file and hashed as they come, then
// committed under their hash. Used by one worker task at a time.
class PendingFile {
public:
    explicit PendingFile(std::shared_ptr<StoreDisk> disk) : m_disk(std::move(disk)) {}

    Status write(const QByteArray &piece)
    {
        if (m_failed)
            return *m_failed;
        if (Status s = ensureTemp(); !s)
            return s;
        m_hash.addData(piece);
        m_size += piece.size();
        if (m_head.size() < kSniffBytes)
            m_head += piece.first(qMin(piece.size(), kSniffBytes - m_head.size()));
        if (Status s = m_temp->write(piece.constData(), piece.size()); !s) {
            fail(s.error());
            return s;
        }
        return ok();
    }

    Result<StoredFile> commit(const QString &name)
    {
        if (m_failed)
            return *m_failed;
        if (Status s = ensureTemp(); !s) // an empty file is a file too
            return s.error();
        const QString id = QString::fromLatin1(m_hash.result().toHex());
        auto path = m_disk->commit(*m_temp, id);
        m_temp.reset(); // removes the temporary file when the bytes were already stored
        if (!path)
            return path.error();
        return StoredFile{id, m_size, sniffMimeType(m_head), name};
    }

    void drop() { m_temp.reset(); }
    bool failed() const { return m_failed.has_value(); }

private:
    Status ensureTemp()
    {
        if (m_temp)
            return ok();
        auto temp = m_disk->createTemp();
        if (!temp) {
            fail(temp.error());
            return temp.error();
        }
        m_temp.emplace(std::move(temp).value());
        return ok();
    }
    void fail(const Error &e)
    {
        m_failed = e;
        m_temp.reset();
    }

    std::shared_ptr<StoreDisk> m_disk;
    std::optional<TempFile> m_temp;
    QCryptographicHash m_hash{QCryptographicHash::Sha256};
    qint64 m_size = 0;
    QByteArray m_head;
    std::optional<Error> m_failed;
};

using Deliver = std::function<void(Result<StoredFile>)>;

// Records a committed file (after its bytes are durable, so a row always has its file) and delivers the row
// as stored: a file stored before keeps its first row. A user's upload (uploader > 0) is recorded with it, in
// the same transaction: that is what lets them read it back.
void record(storage::Database &db, const StoredFile &file, qint64 uploader, Deliver deliver)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    db.write<StoredFile>(
        nullptr,
        [file, uploader, now](storage::WriteTx &tx) -> Result<StoredFile> {
            auto inserted = tx.exec(u"INSERT INTO files (id, size, mime, created_at) VALUES ($1, $2, $3, $4) "
                                    "ON CONFLICT (id) DO NOTHING"_s,
                                    {file.id, file.size, file.mime, now});
            if (!inserted)
                return inserted.error();
            if (uploader > 0)
                if (auto u =
                        tx.exec(u"INSERT INTO file_uploads (file_id, user_id, created_at) VALUES ($1, $2, "
                                "$3) ON CONFLICT (file_id, user_id) DO NOTHING"_s,
                                {file.id, uploader, now});
                    !u)
                    return u.error();
            auto row = tx.exec(u"SELECT mime FROM files WHERE id = $1"_s, {file.id});
            if (!row)
                return row.error();
            StoredFile stored = file;
            if (!row->isEmpty())
                stored.mime = row->at(0, 0).toString();
            return stored;
        },
        std::move(deliver));
}

// Feeds a sequential device into a writer as data arrives, on the device's thread; lives as its child.
class StreamFeed : public QObject {
public:
    StreamFeed(QIODevice *source, std::unique_ptr<FileWriter> writer, QObject *context,
               Reply<StoredFile> done)
        : QObject(source), m_source(source), m_writer(std::move(writer)), m_context(context),
          m_done(std::move(done)), m_abort(relayTo<Result<StoredFile>>(context, m_done))
    {
        connect(source, &QIODevice::readyRead, this, &StreamFeed::pump);
        connect(source, &QIODevice::readChannelFinished, this, &StreamFeed::end);
        pump();
    }
    ~StreamFeed() override
    {
        if (m_writer) { // the device went away before its end
            m_writer->cancel();
            m_abort(Error{u"aborted"_s, u"the source was closed before its end"_s});
        }
    }

private:
    void pump()
    {
        while (m_writer) {
            const QByteArray piece = m_source->read(kReadChunk);
            if (piece.isEmpty())
                return;
            if (!m_writer->append(piece)) {
                end();
                return;
            }
        }
    }
    void end()
    {
        if (!m_writer)
            return;
        if (m_writer->append({})) // not refused: take what is still buffered
            for (QByteArray piece = m_source->read(kReadChunk); !piece.isEmpty();
                 piece = m_source->read(kReadChunk))
                if (!m_writer->append(piece))
                    break;
        m_writer->finish(m_context, m_done);
        m_writer.reset();
        disconnect(m_source, nullptr, this, nullptr);
        deleteLater();
    }

    QIODevice *m_source;
    std::unique_ptr<FileWriter> m_writer;
    QObject *m_context;
    Reply<StoredFile> m_done;
    Deliver m_abort;
};

} // namespace

bool isFileId(QStringView id)
{
    if (id.size() != 64)
        return false;
    for (QChar c : id)
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return false;
    return true;
}

QString cleanFileName(const QString &declared)
{
    QString name = declared;
    const qsizetype slash = qMax(name.lastIndexOf(u'/'), name.lastIndexOf(u'\\'));
    if (slash >= 0)
        name = name.sliced(slash + 1);
    name.removeIf([](QChar c) { return c.category() == QChar::Other_Control || c == QChar(0x7f); });
    name = name.trimmed();
    if (name == u"."_s || name == u".."_s)
        name.clear();
    if (name.size() > 255)
        name.truncate(255);
    return name;
}

QString sniffMimeType(const QByteArray &head)
{
    static const QString fallback = u"application/octet-stream"_s;
    if (head.isEmpty())
        return fallback;
    const QMimeType type = QMimeDatabase().mimeTypeForData(head);
    return type.isValid() && !type.isDefault() ? type.name() : fallback;
}

// --- FileWriter ---

struct FileWriter::Job {
    Job(std::shared_ptr<StoreDisk> disk, storage::Database *database, QThreadPool *pool, QString fileName)
        : file(std::move(disk)), db(database), queue(std::make_shared<SerialQueue>(pool)),
          name(std::move(fileName))
    {}
    PendingFile file; // touched only by the tasks of `queue`
    storage::Database *db;
    std::shared_ptr<SerialQueue> queue;
    QString name;
    qint64 uploader = 0; // the user whose upload this is; 0 for files that are nobody's upload
    std::atomic<bool> diskFailed = false; // tells the feeding thread early to stop
};

FileWriter::FileWriter(FileStore &store, const QString &name, qint64 maxBytes)
    : m_job(std::make_shared<Job>(store.m_disk, &store.m_db, &store.m_pool, cleanFileName(name))),
      m_maxBytes(maxBytes)
{}

FileWriter::~FileWriter()
{
    cancel();
}

bool FileWriter::append(const QByteArray &piece)
{
    if (m_refused || m_ended)
        return false;
    if (m_job->diskFailed || m_accepted + piece.size() > m_maxBytes) {
        m_refused = true;
        m_job->queue->post([job = m_job] { job->file.drop(); });
        return false;
    }
    m_accepted += piece.size();
    if (!piece.isEmpty())
        m_job->queue->post([job = m_job, piece] {
            if (!job->file.write(piece))
                job->diskFailed = true;
        });
    return true;
}

void FileWriter::finish(QObject *context, Reply<StoredFile> done)
{
    if (m_ended)
        return;
    m_ended = true;
    Deliver deliver = relayTo<Result<StoredFile>>(context, std::move(done));
    const bool tooBig = m_refused && !m_job->diskFailed;
    const qint64 maxBytes = m_maxBytes;
    m_job->queue->post([job = m_job, tooBig, maxBytes, deliver] {
        if (tooBig) {
            job->file.drop(); // gone before anyone hears of the refusal
            deliver(tooLarge(maxBytes));
            return;
        }
        auto stored = job->file.commit(job->name);
        if (!stored) {
            deliver(stored.error());
            return;
        }
        record(*job->db, *stored, job->uploader, deliver);
    });
}

void FileWriter::cancel()
{
    if (m_ended)
        return;
    m_ended = true;
    m_job->queue->post([job = m_job] { job->file.drop(); });
}

// --- FileStore ---

Result<std::unique_ptr<FileStore>> FileStore::create(storage::Database &db, Options options, QObject *parent)
{
    if (options.root.isEmpty())
        return Error{u"bad_args"_s, u"the file store needs a root directory"_s};
    auto disk = std::make_shared<StoreDisk>(options.root);
    if (Status s = disk->prepare(); !s)
        return s.error();
    return std::unique_ptr<FileStore>(new FileStore(db, std::move(disk), std::move(options), parent));
}

FileStore::FileStore(storage::Database &db, std::shared_ptr<StoreDisk> disk, Options options, QObject *parent)
    : QObject(parent), m_db(db), m_disk(std::move(disk)), m_options(std::move(options))
{
    m_pool.setMaxThreadCount(qMax(1, m_options.threads));
}

FileStore::~FileStore()
{
    m_pool.waitForDone();
}

QString FileStore::root() const
{
    return m_disk->root();
}

bool FileStore::waitForDone(int msecs)
{
    return m_pool.waitForDone(msecs);
}

std::unique_ptr<FileWriter> FileStore::writer(const QString &name, qint64 maxBytes)
{
    return std::unique_ptr<FileWriter>(new FileWriter(*this, name, maxBytes));
}

void FileStore::put(const QByteArray &bytes, const QString &name, qint64 maxBytes, QObject *context,
                    Reply<StoredFile> done)
{
    auto w = writer(name, maxBytes);
    w->append(bytes); // over the cap nothing is written; finish() reports it
    w->finish(context, std::move(done));
}

void FileStore::upload(qint64 uploaderId, const QByteArray &bytes, const QString &name, qint64 maxBytes,
                       QObject *context, Reply<StoredFile> done)
{
    auto w = writer(name, maxBytes);
    w->m_job->uploader = uploaderId;
    w->append(bytes);
    w->finish(context, std::move(done));
}

void FileStore::put(QIODevice *source, const QString &name, qint64 maxBytes, QObject *context,
                    Reply<StoredFile> done)
{
    if (!source || !source->isReadable()) {
        relayTo<Result<StoredFile>>(context, std::move(done))(
            Error{u"bad_args"_s, u"the source is not open for reading"_s});
        return;
    }
    if (source->isSequential()) {
        new StreamFeed(source, writer(name, maxBytes), context, std::move(done));
        return;
    }
    Deliver deliver = relayTo<Result<StoredFile>>(context, std::move(done));
    m_pool.start([disk = m_disk, db = &m_db, source, fileName = cleanFileName(name), maxBytes, deliver] {
        PendingFile file(disk);
        qint64 total = 0;
        for (;;) {
            const QByteArray piece = source->read(kReadChunk);
            if (piece.isEmpty())
                break;
            total += piece.size();
            if (total > maxBytes) {
                file.drop();
                deliver(tooLarge(maxBytes));
                return;
            }
            if (Status s = file.write(piece); !s) {
                deliver(s.error());
                return;
            }
        }
        auto stored = file.commit(fileName);
        if (!stored) {
            deliver(stored.error());
            return;
        }
        record(*db, *stored, 0, deliver);
    });
}

void FileStore::open(const QString &id, QObject *context, Reply<OpenedFile> done)
{
    if (!isFileId(id)) {
        relayTo<Result<OpenedFile>>(context, std::move(done))(
            Error{u"bad_args"_s, u"a file id is 64 lower-case hex digits"_s});
        return;
    }
    m_db.read<OpenedFile>(
        context,
        [id, disk = m_disk](storage::Connection &c) -> Result<OpenedFile> {
            auto rows = c.exec(u"SELECT size, mime FROM files WHERE id = $1"_s, {id});
            if (!rows)
                return rows.error();
            if (rows->isEmpty())
                return Error{u"not_found"_s, u"no such file"_s};
            // A stat on the reader thread, not the caller's: is the content there?
            const QString path = disk->pathOf(id);
            if (!QFileInfo::exists(path)) {
                qCWarning(lcFiles, "file %ls is recorded but missing on disk", qUtf16Printable(id));
                return Error{u"not_found"_s, u"the file's content is missing"_s};
            }
            return OpenedFile{id, path, rows->at(0, 0).toLongLong(), rows->at(0, 1).toString()};
        },
        std::move(done));
}

void FileStore::thumbnail(const QString &id, int maxSide, QObject *context, Reply<OpenedFile> done)
{
    auto deliver = relayTo<Result<OpenedFile>>(context, std::move(done));
    if (maxSide < 16 || maxSide > 4096) {
        deliver(Error{u"bad_args"_s, u"a thumbnail side is between 16 and 4096 pixels"_s});
        return;
    }
    open(id, this, [this, maxSide, deliver](Result<OpenedFile> original) {
        if (!original) {
            deliver(original.error());
            return;
        }
        if (!original->mime.startsWith(u"image/"_s)) {
            deliver(Error{u"unsupported_media_type"_s, u"only images have thumbnails"_s});
            return;
        }
        m_pool.start([disk = m_disk, db = &m_db, original = *original, maxSide,
                      maxPixels = m_options.maxImagePixels, deliver] {
            const QString mapPath = disk->thumbnailMapPath(original.id, maxSide);
            QFile map(mapPath);
            if (map.open(QIODevice::ReadOnly)) {
                const QString cached = QString::fromLatin1(map.read(64));
                const QFileInfo info(disk->pathOf(cached));
                if (isFileId(cached) && info.exists()) {
                    deliver(OpenedFile{cached, info.filePath(), info.size(), u"image/jpeg"_s});
                    return;
                }
            }
            auto jpeg = makeThumbnail(original.path, maxSide, maxPixels);
            if (!jpeg) {
                deliver(jpeg.error());
                return;
            }
            PendingFile file(disk);
            if (Status s = file.write(*jpeg); !s) {
                deliver(s.error());
                return;
            }
            auto stored = file.commit({});
            if (!stored) {
                deliver(stored.error());
                return;
            }
            if (Status s = disk->writeSmall(mapPath, stored->id.toLatin1()); !s)
                qCWarning(lcFiles, "cannot cache the thumbnail of %ls: %ls", qUtf16Printable(original.id),
                          qUtf16Printable(s.error().message));
            const QString path = disk->pathOf(stored->id);
            record(*db, *stored, 0, [deliver, path](Result<StoredFile> r) {
                if (!r)
                    deliver(r.error());
                else
                    deliver(OpenedFile{r->id, path, r->size, r->mime});
            });
        });
    });
}

std::optional<OpenedFile> FileStore::locate(const QString &id) const
{
    if (!isFileId(id))
        return std::nullopt;
    const QString path = m_disk->pathOf(id);
    const QFileInfo info(path);
    if (!info.isFile())
        return std::nullopt;
    return OpenedFile{id, path, info.size(), {}};
}

} // namespace era::files
