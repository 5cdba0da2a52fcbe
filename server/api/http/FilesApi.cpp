#include "api/http/FilesApi.h"

#include "api/http/HttpReply.h"
#include "core/Metrics.h"
#include "files/FileReadRule.h"
#include "files/FileStore.h"

#include <QJsonDocument>
#include <QPointer>
#include <QTcpSocket>
#include <QUrl>
#include <QUrlQuery>

namespace era::api {

using namespace Qt::StringLiterals;
using Method = QHttpServerRequest::Method;
using Code = QHttpServerResponder::StatusCode;
using accounts::Principal;
using files::StoredFile;

RangeRequest parseRange(const QByteArray &header, qint64 size)
{
    const QByteArray spec = header.trimmed();
    if (!spec.startsWith("bytes="))
        return {};
    const QByteArray set = spec.sliced(6).trimmed();
    const qsizetype dash = set.indexOf('-');
    if (set.contains(',') || dash < 0)
        return {};
    const QByteArray from = set.first(dash).trimmed();
    const QByteArray to = set.sliced(dash + 1).trimmed();
    const auto number = [](const QByteArray &digits, bool *ok) {
        *ok = !digits.isEmpty() &&
              std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
        return *ok ? digits.toLongLong(ok) : 0;
    };
    bool ok = false;
    if (from.isEmpty()) { // the last n bytes
        const qint64 n = number(to, &ok);
        if (!ok)
            return {};
        if (n == 0 || size == 0)
            return {RangeRequest::Unsatisfiable};
        return {RangeRequest::Partial, qMax<qint64>(0, size - n), size - 1};
    }
    const qint64 first = number(from, &ok);
    if (!ok)
        return {};
    qint64 last = size - 1;
    if (!to.isEmpty()) {
        last = number(to, &ok);
        if (!ok || last < first)
            return {};
    }
    if (first >= size)
        return {RangeRequest::Unsatisfiable};
    return {RangeRequest::Partial, first, qMin(last, size - 1)};
}

// An answer written later, like HttpReply, that can also write the head of a file with the headers files need
// (its body is a FileDownload's).
class FileReply {
public:
    FileReply(QHttpServerResponder &&responder, QByteArray route, Metrics *metrics)
        : m_state(std::make_shared<State>(std::move(responder))), m_route(std::move(route)),
          m_metrics(metrics)
    {}

    void json(const QJsonObject &body, Code status = Code::Ok)
    {
        if (!begin(status))
            return;
        m_state->responder.write(QJsonDocument(body).toJson(QJsonDocument::Compact),
                                 {{"Content-Type", "application/json"}, {"Cache-Control", "no-store"}},
                                 status);
    }

    void error(const Error &e)
    {
        Code status = httpStatusFor(e.code);
        if (e.code == u"unsupported_media_type"_s)
            status = Code::UnsupportedMediaType;
        QJsonObject err = e.details;
        err.insert(u"code"_s, e.code);
        err.insert(u"message"_s, e.message);
        json(QJsonObject{{u"error"_s, err}}, status);
    }

    void unsatisfiable(qint64 size)
    {
        const Code status = Code::RequestRangeNotSatisfiable;
        if (!begin(status))
            return;
        const QJsonObject err{{u"code"_s, u"range_not_satisfiable"_s},
                              {u"message"_s, u"the range is outside the file's %1 bytes"_s.arg(size)}};
        m_state->responder.write(QJsonDocument(QJsonObject{{u"error"_s, err}}).toJson(QJsonDocument::Compact),
                                 {{"Content-Type", "application/json"},
                                  {"Cache-Control", "no-store"},
                                  {"Content-Range", "bytes */" + QByteArray::number(size)}},
                                 status);
    }

    void notModified(const QByteArray &etag)
    {
        if (!begin(Code::NotModified))
            return;
        m_state->responder.write({{"ETag", etag}, {"Cache-Control", cacheControl()}}, Code::NotModified);
    }

    // The connection, or null once the client is gone.
    QTcpSocket *socket() const { return m_state->socket; }

    // Writes the head of a file's answer (a 206 when contentRange is set) whose body of `length` bytes the
    // caller writes to socket() next; false when the client is gone.
    bool fileHead(qint64 length, const QByteArray &mime, const QByteArray &etag,
                  const QByteArray &contentRange)
    {
        const Code status = contentRange.isEmpty() ? Code::Ok : Code::PartialContent;
        if (!begin(status))
            return false;
        // Uploaded content is shown only as what it was sniffed to be, never run as a page of our origin.
        const QByteArray disposition =
            mime.startsWith("image/") || mime.startsWith("audio/") || mime.startsWith("video/")
                ? "inline"
                : "attachment";
        QHttpServerResponder &out = m_state->responder;
        out.writeStatusLine(status);
        out.writeHeader("Content-Length", QByteArray::number(length));
        out.writeHeader("Content-Type", mime);
        if (!contentRange.isEmpty())
            out.writeHeader("Content-Range", contentRange);
        out.writeHeaders({{"ETag", etag},
                          {"Cache-Control", cacheControl()},
                          {"Accept-Ranges", "bytes"},
                          {"Content-Disposition", disposition},
                          {"X-Content-Type-Options", "nosniff"},
                          {"Content-Security-Policy", "sandbox; default-src 'none'"}});
        out.writeBody(QByteArray()); // ends the head
        return true;
    }

private:
    static QByteArray cacheControl() { return "private, max-age=31536000, immutable"; }

    // Counts the request and says whether there is still a client to write to (once only).
    bool begin(Code status)
    {
        if (m_state->written)
            return false;
        m_state->written = true;
        if (m_metrics)
            m_metrics->add("era_http_requests_total",
                           "route=\"" + m_route + "\",status=\"" + QByteArray::number(int(status)) + '"');
        return m_state->socket && m_state->socket->isOpen();
    }

    struct State {
        explicit State(QHttpServerResponder &&r) : responder(std::move(r)), socket(responder.socket()) {}
        QHttpServerResponder responder;
        QPointer<QTcpSocket> socket;
        bool written = false;
    };
    std::shared_ptr<State> m_state;
    QByteArray m_route;
    Metrics *m_metrics;
};

FilesApi::FilesApi(QHttpServer &server, accounts::AccountService &accounts, files::FileStore &store,
                   files::FileReadRule &readRule, Metrics &metrics, Options options, QObject *parent)
    : QObject(parent), m_server(server), m_accounts(accounts), m_store(store), m_readRule(readRule),
      m_metrics(metrics), m_options(std::move(options))
{
    m_readers.setMaxThreadCount(qMax(1, m_options.readThreads));
    routes();
}

void FilesApi::download(FileReply reply, const files::OpenedFile &file, qint64 first, qint64 length,
                        const QByteArray &etag, const QByteArray &contentRange)
{
    QTcpSocket *socket = reply.socket();
    if (!socket) {
        reply.fileHead(length, {}, etag, contentRange); // the client is gone: only counts the request
        return;
    }
    // The network thread never waits on the disk: the reader opens and reads on m_readers, and the head is
    // written once the file is open, so a file whose bytes are missing is still a 404.
    auto *reader = new FileChunkReader(&m_readers, file.path, first, length, m_options.reading);
    auto *body = new FileDownload(socket, reader, m_options.socketHighWaterBytes, m_downloads);
    body->start([reply, length, mime = file.mime.toLatin1(), etag,
                 contentRange]() mutable { return reply.fileHead(length, mime, etag, contentRange); },
                [reply](const Error &e) mutable { reply.error(e); });
}

void FilesApi::withPrincipal(const QHttpServerRequest &request, FileReply reply, Authed next)
{
    const QByteArray header = request.value("Authorization");
    if (!header.startsWith("Bearer ")) {
        reply.error({u"unauthorized"_s, u"send the token as 'Authorization: Bearer <token>'"_s});
        return;
    }
    m_accounts.authenticate(QString::fromLatin1(header.mid(7).trimmed()), this,
                            [reply, next](Result<Principal> who) mutable {
                                if (!who)
                                    reply.error(who.error());
                                else
                                    next(*who, reply);
                            });
}

void FilesApi::routes()
{
    m_server.route(QString::fromLatin1(UploadPath), Method::Post,
                   [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                       FileReply reply(std::move(responder), UploadPath, &m_metrics);
                       // QHttpServer 6.4 has buffered the whole body by now. The listener refused a declared
                       // length above maxBytes from the head; the store refuses what still passes (a chunked
                       // body, a later request on a keep-alive connection) with the same too_large.
                       const QByteArray body = request.body();
                       const QString name = QUrl::fromPercentEncoding(request.value("X-File-Name"));
                       withPrincipal(request, reply, [this, body, name](const Principal &who, FileReply &r) {
                           // Recorded as this user's upload, which lets them read it back.
                           const qint64 by = who.user.id;
                           m_store.upload(by, body, name, m_options.maxBytes, this,
                                          [r](Result<StoredFile> f) mutable {
                                              if (!f) {
                                                  r.error(f.error());
                                                  return;
                                              }
                                              r.json(QJsonObject{{u"id"_s, f->id},
                                                                 {u"size"_s, f->size},
                                                                 {u"mime"_s, f->mime},
                                                                 {u"name"_s, f->name}},
                                                     Code::Created);
                                          });
                       });
                   });

    m_server.route(
        u"/api/v1/files/<arg>"_s, Method::Get,
        [this](const QString &rawId, const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            FileReply reply(std::move(responder), "/api/v1/files/<id>", &m_metrics);
            const QString id = rawId.toLower();
            const QString thumbnail = request.query().queryItemValue(u"thumbnail"_s);
            const bool wantThumbnail = thumbnail == u"1"_s || thumbnail == u"true"_s;
            const QByteArray range = request.value("Range");
            const QByteArray ifNoneMatch = request.value("If-None-Match");
            withPrincipal(request, reply,
                          [this, id, wantThumbnail, range, ifNoneMatch](const Principal &me, FileReply &r) {
                              if (!files::isFileId(id)) {
                                  r.error({u"bad_args"_s, u"a file id is 64 hex digits"_s});
                                  return;
                              }
                              auto send = [this, r, range, ifNoneMatch](Result<files::OpenedFile> f) mutable {
                                  if (!f) {
                                      r.error(f.error());
                                      return;
                                  }
                                  const QByteArray etag = '"' + f->id.toLatin1() + '"';
                                  if (!ifNoneMatch.isEmpty() &&
                                      (ifNoneMatch.contains(etag) || ifNoneMatch.trimmed() == "*")) {
                                      r.notModified(etag);
                                      return;
                                  }
                                  const RangeRequest wanted = parseRange(range, f->size);
                                  if (wanted.kind == RangeRequest::Unsatisfiable) {
                                      r.unsatisfiable(f->size);
                                      return;
                                  }
                                  const bool partial = wanted.kind == RangeRequest::Partial;
                                  const qint64 first = partial ? wanted.first : 0;
                                  const qint64 length = partial ? wanted.length() : f->size;
                                  const QByteArray contentRange =
                                      partial ? "bytes " + QByteArray::number(wanted.first) + '-' +
                                                    QByteArray::number(wanted.last) + '/' +
                                                    QByteArray::number(f->size)
                                              : QByteArray();
                                  download(r, *f, first, length, etag, contentRange);
                              };
                              // The rule's answer first (403, or 404 for an unknown id); a thumbnail is
                              // readable where its image is.
                              m_readRule.mayRead(me, id, this, [=, this](Result<Done> allowed) mutable {
                                  if (!allowed)
                                      r.error(allowed.error());
                                  else if (wantThumbnail)
                                      m_store.thumbnail(id, m_options.thumbnailSide, this, send);
                                  else
                                      m_store.open(id, this, send);
                              });
                          });
        });
}

} // namespace era::api
