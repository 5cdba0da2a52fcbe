#pragma once

#include "accounts/AccountService.h"
#include "api/http/FileChunkReader.h"
#include "api/http/FileDownload.h"

#include <QHttpServer>
#include <QObject>
#include <QThreadPool>
#include <functional>
#include <memory>

namespace era {
class Metrics;
namespace files {
class FileReadRule;
class FileStore;
struct OpenedFile;
} // namespace files
} // namespace era

namespace era::api {

// What a Range header asks of a representation of `size` bytes.
struct RangeRequest {
    enum Kind { Whole, Partial, Unsatisfiable };
    Kind kind = Whole;
    qint64 first = 0; // for Partial: the first and last byte, inclusive
    qint64 last = -1;
    qint64 length() const { return last - first + 1; }
};
// Takes one range: "bytes=a-b", "bytes=a-" or "bytes=-n". A header it does not take (malformed, several
// ranges, another unit) asks for the whole representation, as RFC 9110 allows a server to answer.
RangeRequest parseRange(const QByteArray &header, qint64 size);

class FileReply;

// The file routes: POST /api/v1/files (raw bytes in, {"id","size","mime","name"} out) and
// GET /api/v1/files/<id> (Range, ETag, ?thumbnail=1). See docs/files.md.
//
// Who may read which file is the rule's answer (for the server: dialogs::FileAccess, staff, the uploader and
// the dialogs that show it); a refusal is 403 forbidden, an unknown id 404.
class FilesApi : public QObject {
    Q_OBJECT
public:
    // The upload route: the one path whose bodies may be as large as Options::maxBytes (the listener is
    // told so; every other route takes http.max_body_bytes).
    static constexpr char UploadPath[] = "/api/v1/files";

    struct Options {
        qint64 maxBytes = 20 * 1024 * 1024; // larger uploads get 413 (too_large) from the store
        int thumbnailSide = 320;
        // Downloads: read on readThreads workers of their own, in chunks, a few ahead of the connection
        // (FileChunkReader), and written while the socket holds fewer unsent bytes than socketHighWaterBytes
        // (FileDownload).
        int readThreads = 2;
        FileChunkReader::Options reading = {};
        qint64 socketHighWaterBytes = 256 * 1024;
    };

    FilesApi(QHttpServer &server, accounts::AccountService &accounts, files::FileStore &store,
             files::FileReadRule &readRule, Metrics &metrics, Options options, QObject *parent = nullptr);

    // The downloads in progress and what they hold.
    const DownloadStats &downloads() const { return *m_downloads; }

private:
    using Authed = std::function<void(const accounts::Principal &, FileReply &)>;
    void routes();
    // Runs `next` after checking the bearer token; answers 401 itself when it is missing or bad.
    void withPrincipal(const QHttpServerRequest &request, FileReply reply, Authed next);
    // Answers with bytes [first, first + length) of the file, read off the network thread.
    void download(FileReply reply, const files::OpenedFile &file, qint64 first, qint64 length,
                  const QByteArray &etag, const QByteArray &contentRange);

    QHttpServer &m_server;
    accounts::AccountService &m_accounts;
    files::FileStore &m_store;
    files::FileReadRule &m_readRule;
    Metrics &m_metrics;
    Options m_options;
    QThreadPool m_readers; // its destructor waits for the reads in flight
    std::shared_ptr<DownloadStats> m_downloads = std::make_shared<DownloadStats>();
};

} // namespace era::api
