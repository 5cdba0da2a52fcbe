#include "api/http/FileDownload.h"

#include "api/http/FileChunkReader.h"

#include <QLoggingCategory>
#include <QSslSocket>
#include <QTcpSocket>

namespace era::api {

Q_LOGGING_CATEGORY(lcDownloads, "era.files.download")

FileDownload::FileDownload(QTcpSocket *socket, FileChunkReader *reader, qint64 socketHighWaterBytes,
                           std::shared_ptr<DownloadStats> stats)
    : QObject(socket), m_socket(socket), m_reader(reader), m_highWater(socketHighWaterBytes),
      m_stats(std::move(stats))
{
    m_reader->setParent(this);
    ++m_stats->inProgress;
    connect(m_reader, &FileChunkReader::advanced, this, &FileDownload::pump);
    connect(m_reader, &FileChunkReader::failed, this, &FileDownload::fail);
    // Under TLS, bytesWritten means "encrypted", not "sent", and comes while the encrypted bytes still wait
    // in OpenSSL's buffer, counted nowhere: writing then would overshoot the threshold by up to its size
    // again. encryptedBytesWritten comes once they have reached the socket beneath and some of it left.
    auto *tls = qobject_cast<QSslSocket *>(socket);
    if (tls && tls->isEncrypted())
        connect(tls, &QSslSocket::encryptedBytesWritten, this, &FileDownload::pump);
    else
        connect(socket, &QIODevice::bytesWritten, this, &FileDownload::pump);
}

FileDownload::~FileDownload()
{
    setWaitingForClient(false);
    --m_stats->inProgress;
    if (m_headWritten && !m_reader->drained() && m_socket)
        m_socket->abort(); // the head promised Content-Length bytes that will not come
}

void FileDownload::start(WriteHead writeHead, Refuse refuse)
{
    m_writeHead = std::move(writeHead);
    m_refuse = std::move(refuse);
    m_reader->start();
}

void FileDownload::pump()
{
    if (m_finished)
        return;
    if (!m_socket || !m_socket->isOpen()) { // the client went; the socket follows soon
        finish();
        return;
    }
    if (!m_headWritten) {
        if (!m_reader->opened())
            return;
        m_headWritten = true;
        if (!std::exchange(m_writeHead, {})()) {
            m_headWritten = false; // nothing was sent: there is no connection to close
            finish();
            return;
        }
    }
    while (m_reader->hasChunk() && unsent() < m_highWater)
        m_socket->write(m_reader->take());
    m_stats->peakHeldBytes = qMax(m_stats->peakHeldBytes, m_reader->heldBytes() + unsent());
    if (m_reader->drained()) {
        finish();
        return;
    }
    // Chunks are left only when the socket is full; the download rests once the reader rests too.
    setWaitingForClient(m_reader->idleUntilTaken());
}

void FileDownload::fail(const Error &error)
{
    if (m_finished)
        return;
    if (!m_headWritten) {
        if (m_refuse)
            std::exchange(m_refuse, {})(error);
    } else {
        qCWarning(lcDownloads, "a download stops before its last byte, its connection is closed: %ls",
                  qUtf16Printable(error.message));
    }
    finish();
}

void FileDownload::finish()
{
    m_finished = true;
    setWaitingForClient(false);
    deleteLater();
}

qint64 FileDownload::unsent() const
{
    qint64 bytes = m_socket->bytesToWrite();
    if (auto *tls = qobject_cast<QSslSocket *>(m_socket.data()))
        bytes += tls->encryptedBytesToWrite();
    return bytes;
}

void FileDownload::setWaitingForClient(bool waiting)
{
    if (waiting == m_waitingForClient)
        return;
    m_waitingForClient = waiting;
    m_stats->waitingForClient += waiting ? 1 : -1;
}

} // namespace era::api
