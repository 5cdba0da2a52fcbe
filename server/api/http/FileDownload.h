#pragma once

#include "core/Result.h"

#include <QObject>
#include <QPointer>
#include <functional>
#include <memory>

class QTcpSocket;

namespace era::api {

class FileChunkReader;

// What the file downloads in progress hold, shared by FilesApi and its downloads (which may outlive it).
struct DownloadStats {
    int inProgress = 0;       // bodies still being sent
    int waitingForClient = 0; // of those, the ones that rest until their client takes bytes: socket and
                              // read window full
    qint64 peakHeldBytes = 0; // the most one download held at once: read ahead, and unsent on its socket
};

// Sends a file window, read by a FileChunkReader, as the body of an HTTP response, no faster than the client
// takes it: a chunk is written only while the connection's socket holds fewer than `socketHighWaterBytes`
// unsent bytes, and the rest waits for the socket to drain. So a download holds at most about
// socketHighWaterBytes + one chunk in the socket plus the reader's window, whatever the file's size.
//
// The head is written once the reader has opened the file (a file missing on disk is still a 404). A child
// of the socket: when the connection goes, the download goes with it and reads nothing more. A download
// that ends before its last byte (a read failed, the server stops) aborts the connection, so the client sees
// a failure and never a short body taken for a whole one.
class FileDownload : public QObject {
    Q_OBJECT
public:
    // Writes the response head; false when the client is gone.
    using WriteHead = std::function<bool()>;
    // Answers with an error instead, when the file cannot be read before the head is written.
    using Refuse = std::function<void(const Error &)>;

    FileDownload(QTcpSocket *socket, FileChunkReader *reader, qint64 socketHighWaterBytes,
                 std::shared_ptr<DownloadStats> stats);
    ~FileDownload() override;

    void start(WriteHead writeHead, Refuse refuse);

private:
    void pump();
    void fail(const Error &error);
    void finish();
    qint64 unsent() const;
    void setWaitingForClient(bool waiting);

    QPointer<QTcpSocket> m_socket;
    FileChunkReader *m_reader;
    qint64 m_highWater;
    std::shared_ptr<DownloadStats> m_stats;
    WriteHead m_writeHead;
    Refuse m_refuse;
    bool m_headWritten = false;
    bool m_waitingForClient = false;
    bool m_finished = false;
};

} // namespace era::api
