#include "api/http/FileChunkReader.h"

#include "files/SerialQueue.h"

#include <QFile>
#include <QThreadPool>

namespace era::api {

using namespace Qt::StringLiterals;

// The file and the test hook, shared with the read in flight: the reader may be gone before it ends.
struct FileChunkReader::Source {
    QFile file;
    std::function<void(qint64)> beforeRead;

    // Runs on a worker, one read at a time.
    Result<QByteArray> read(qint64 at, qint64 size)
    {
        if (beforeRead)
            beforeRead(at);
        if (!file.isOpen() && !file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
            if (!file.exists())
                return Error{u"not_found"_s, u"the file's content is missing"_s};
            return Error{u"io_error"_s, u"cannot open the file: %1"_s.arg(file.errorString())};
        }
        if (size == 0)
            return QByteArray();
        if (!file.seek(at))
            return Error{u"io_error"_s, u"cannot seek to byte %1: %2"_s.arg(at).arg(file.errorString())};
        QByteArray chunk(size, Qt::Uninitialized);
        qint64 got = 0;
        while (got < size) {
            const qint64 n = file.read(chunk.data() + got, size - got);
            if (n < 0)
                return Error{u"io_error"_s,
                             u"cannot read at byte %1: %2"_s.arg(at + got).arg(file.errorString())};
            if (n == 0) // shorter than its row says: changed under us; never send a short body as if whole
                return Error{u"io_error"_s,
                             u"the file ends at byte %1, before the %2 bytes asked for"_s.arg(at + got).arg(
                                 at + size)};
            got += n;
        }
        return chunk;
    }
};

FileChunkReader::FileChunkReader(QThreadPool *pool, const QString &path, qint64 offset, qint64 length,
                                 Options options, QObject *parent)
    : QObject(parent), m_pool(pool), m_source(std::make_shared<Source>()), m_options(std::move(options)),
      m_offset(offset), m_length(length)
{
    m_source->file.setFileName(path);
    m_source->beforeRead = m_options.beforeRead;
    m_options.chunkBytes = qMax<qint64>(1, m_options.chunkBytes);
    m_options.aheadChunks = qMax(1, m_options.aheadChunks);
}

void FileChunkReader::start()
{
    readMore();
}

QByteArray FileChunkReader::take()
{
    if (m_chunks.empty())
        return {};
    QByteArray chunk = std::move(m_chunks.front());
    m_chunks.pop_front();
    m_taken += chunk.size();
    m_heldBytes -= chunk.size();
    readMore();
    return chunk;
}

void FileChunkReader::readMore()
{
    if (m_failed || m_reading || (m_opened && m_requested == m_length) ||
        qsizetype(m_chunks.size()) >= m_options.aheadChunks)
        return;
    const qint64 size = qMin(m_options.chunkBytes, m_length - m_requested);
    const qint64 at = m_offset + m_requested;
    m_reading = true;
    m_requested += size;
    m_heldBytes += size;
    auto deliver = files::relayTo<Result<QByteArray>>(this, [this, size](Result<QByteArray> chunk) {
        m_heldBytes -= size;
        arrived(std::move(chunk));
    });
    if (!m_pool) { // reported later, like a read's result, so that no caller sees it inside take()
        deliver(Error{u"shutting_down"_s, u"the server is stopping"_s});
        return;
    }
    m_pool->start([source = m_source, at, size, deliver] { deliver(source->read(at, size)); });
}

void FileChunkReader::arrived(Result<QByteArray> chunk)
{
    m_reading = false;
    if (m_failed)
        return;
    if (!chunk) {
        m_failed = true;
        for (const QByteArray &c : m_chunks)
            m_heldBytes -= c.size();
        m_chunks.clear();
        Q_EMIT failed(chunk.error());
        return;
    }
    m_opened = true;
    if (!chunk->isEmpty()) {
        m_heldBytes += chunk->size();
        m_chunks.push_back(std::move(*chunk));
    }
    readMore();
    Q_EMIT advanced();
}

} // namespace era::api
