#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QString>
#include <deque>
#include <functional>
#include <memory>

class QThreadPool;

namespace era::api {

// A window of a file read in order, in chunks, on a thread pool, never more than a few chunks ahead of the
// one who takes them: the network thread gets the bytes without waiting on the disk, and a download holds a
// bounded amount of memory however large the file.
//
// One read at a time: the file is opened by the first read and handed from one read to the next, so no two
// threads touch it at once. A read's result comes back by a queued call and is dropped if the reader is gone
// by then; the worker keeps the file open until its read ends, then lets it go.
class FileChunkReader : public QObject {
    Q_OBJECT
public:
    struct Options {
        qint64 chunkBytes = 64 * 1024;
        // At most this many chunks exist at once: the chunk being read and those arrived but not taken.
        int aheadChunks = 2;
        // For tests: runs on the worker before each read (the offset is within the file), e.g. to simulate a
        // slow disk.
        std::function<void(qint64 offset)> beforeRead = {};
    };

    // `pool` runs the reads; once it is gone, the next read fails with shutting_down.
    FileChunkReader(QThreadPool *pool, const QString &path, qint64 offset, qint64 length, Options options,
                    QObject *parent = nullptr);

    // Opens the file and reads the first chunk (an empty window only opens it).
    void start();

    // The first read succeeded: the file is there and its first chunk, if any, has arrived.
    bool opened() const { return m_opened; }
    bool hasChunk() const { return !m_chunks.empty(); }
    // The next chunk in order, making room to read another one; empty when none has arrived.
    QByteArray take();
    // Every byte of the window was taken.
    bool drained() const { return m_opened && m_taken == m_length; }
    // Nothing more will be read until a chunk is taken: the window is full, or holds the window's end.
    bool idleUntilTaken() const
    {
        return !m_reading && !m_chunks.empty() &&
               (qsizetype(m_chunks.size()) >= m_options.aheadChunks || m_requested == m_length);
    }
    // Bytes in memory for this reader: the chunks arrived and not taken, and the one being read.
    qint64 heldBytes() const { return m_heldBytes; }

Q_SIGNALS:
    // The file was opened or a chunk arrived.
    void advanced();
    // A read failed (not_found: the file is missing; io_error; shutting_down); nothing more is read.
    void failed(const era::Error &error);

private:
    struct Source;
    void readMore();
    void arrived(Result<QByteArray> chunk);

    QPointer<QThreadPool> m_pool;
    std::shared_ptr<Source> m_source;
    Options m_options;
    qint64 m_offset;
    qint64 m_length;
    qint64 m_requested = 0; // bytes of the window asked for so far (arrived, or being read)
    qint64 m_taken = 0;
    qint64 m_heldBytes = 0; // see heldBytes()
    std::deque<QByteArray> m_chunks;
    bool m_reading = false;
    bool m_opened = false;
    bool m_failed = false;
};

} // namespace era::api
