#include "api/http/FilesApi.h"

#include "api/http/HttpReply.h"
#include "core/Metrics.h"
#include "files/FileReadRule.h"
#include "files/FileStore.h"

#include <QFile>
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

namespace {

// A window of a file as a device of its own: the responder takes Content-Length from size() and streams the
// device in small chunks, so a range is sent without reading more than that into memory.
class FileWindow : public QIODevice {
public:
    FileWindow(const QString &path, qint64 offset, qint64 length)
        : m_file(path), m_offset(offset), m_length(length)
    {}
    bool openWindow()
    {
        return m_file.open(QIODevice::ReadOnly) && open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    }
    bool isSequential() const override { return false; }
    qint64 size() const override { return m_length; }
    bool seek(qint64 pos) override
    {
        if (!QIODevice::seek(pos))
            return false;
        m_cursor = pos;
        return true;
    }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 left = m_length - m_cursor;
        if (left <= 0)
            return -1;
        if (m_file.pos() != m_offset + m_cursor && !m_file.seek(m_offset + m_cursor))
            return -1;
        const qint64 n = m_file.read(data, qMin(maxSize, left));
        if (n > 0)
            m_cursor += n;
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QFile m_file;
    qint64 m_offset;
    qint64 m_length;
    qint64 m_cursor = 0;
};

} // namespace

// An answer written later, like HttpReply, that can also stream a file with the headers files need.
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

    // Streams `body` (taken over) with the file headers; a 206 when contentRange is set.
    void file(QIODevice *body, const QByteArray &mime, const QByteArray &etag, const QByteArray &contentRange)
    {
        const Code status = contentRange.isEmpty() ? Code::Ok : Code::PartialContent;
        if (!begin(status)) {
            delete body;
            return;
        }
        // Uploaded content is shown only as what it was sniffed to be, never run as a page of our origin.
        const QByteArray disposition =
            mime.startsWith("image/") || mime.startsWith("audio/") || mime.startsWith("video/")
                ? "inline"
                : "attachment";
        if (contentRange.isEmpty())
            m_state->responder.write(body,
                                     {{"Content-Type", mime},
                                      {"ETag", etag},
                                      {"Cache-Control", cacheControl()},
                                      {"Accept-Ranges", "bytes"},
                                      {"Content-Disposition", disposition},
                                      {"X-Content-Type-Options", "nosniff"},
                                      {"Content-Security-Policy", "sandbox; default-src 'none'"}},
                                     status);
        else
            m_state->responder.write(body,
                                     {{"Content-Type", mime},
                                      {"Content-Range", contentRange},
                                      {"ETag", etag},
                                      {"Cache-Control", cacheControl()},
                                      {"Accept-Ranges", "bytes"},
                                      {"Content-Disposition", disposition},
                                      {"X-Content-Type-Options", "nosniff"},
                                      {"Content-Security-Policy", "sandbox; default-src 'none'"}},
                                     status);
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
      m_metrics(metrics), m_options(options)
{
    routes();
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
                              auto send = [r, range, ifNoneMatch](Result<files::OpenedFile> f) mutable {
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
                                  auto *body = new FileWindow(f->path, first, length);
                                  if (!body->openWindow()) {
                                      delete body;
                                      r.error({u"not_found"_s, u"the file's content is missing"_s});
                                      return;
                                  }
                                  const QByteArray contentRange =
                                      partial ? "bytes " + QByteArray::number(wanted.first) + '-' +
                                                    QByteArray::number(wanted.last) + '/' +
                                                    QByteArray::number(f->size)
                                              : QByteArray();
                                  r.file(body, f->mime.toLatin1(), etag, contentRange);
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
