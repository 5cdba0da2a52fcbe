#include "net/RestClient.h"

#include <QJsonDocument>
#include <QNetworkDiskCache>
#include <QNetworkReply>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace era::desk {

namespace {
constexpr qint64 DiskCacheBytes = 512LL * 1024 * 1024;
constexpr int RequestTimeoutMs = 30000;
} // namespace

void Credentials::set(const QUrl &server, const QString &token)
{
    QMutexLocker lock(&m_mutex);
    m_server = server;
    m_token = token;
}

QUrl Credentials::server() const
{
    QMutexLocker lock(&m_mutex);
    return m_server;
}

QString Credentials::token() const
{
    QMutexLocker lock(&m_mutex);
    return m_token;
}

bool Credentials::isForServer(const QUrl &url) const
{
    QMutexLocker lock(&m_mutex);
    return m_server.isValid() && url.scheme() == m_server.scheme() &&
           url.host().compare(m_server.host(), Qt::CaseInsensitive) == 0 &&
           url.port(url.scheme() == u"https"_s ? 443 : 80) ==
               m_server.port(m_server.scheme() == u"https"_s ? 443 : 80);
}

AuthorizedNetworkAccessManager::AuthorizedNetworkAccessManager(std::shared_ptr<Credentials> credentials,
                                                               const QString &cacheDir, QObject *parent)
    : QNetworkAccessManager(parent), m_credentials(std::move(credentials))
{
    if (!cacheDir.isEmpty()) {
        auto *cache = new QNetworkDiskCache(this);
        cache->setCacheDirectory(cacheDir);
        cache->setMaximumCacheSize(DiskCacheBytes);
        setCache(cache);
    }
    setTransferTimeout(RequestTimeoutMs);
}

QNetworkReply *AuthorizedNetworkAccessManager::createRequest(Operation op, const QNetworkRequest &request,
                                                             QIODevice *data)
{
    QNetworkRequest signedRequest = request;
    if (m_credentials->isForServer(request.url())) {
        const QString token = m_credentials->token();
        if (!token.isEmpty())
            signedRequest.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        // Stored files never change: take the cached copy when there is one.
        if (request.url().path().startsWith(u"/api/v1/files/"_s))
            signedRequest.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                                       QNetworkRequest::PreferCache);
    }
    return QNetworkAccessManager::createRequest(op, signedRequest, data);
}

AuthorizedNetworkFactory::AuthorizedNetworkFactory(std::shared_ptr<Credentials> credentials, QString cacheDir)
    : m_credentials(std::move(credentials)), m_cacheDir(std::move(cacheDir))
{}

QNetworkAccessManager *AuthorizedNetworkFactory::create(QObject *parent)
{
    // QNetworkDiskCache is not shared between managers; give image loaders their own folder.
    return new AuthorizedNetworkAccessManager(
        m_credentials, m_cacheDir.isEmpty() ? QString() : m_cacheDir + u"/qml"_s, parent);
}

RestClient::RestClient(std::shared_ptr<Credentials> credentials, const QString &cacheDir, QObject *parent)
    : QObject(parent), m_credentials(credentials), m_network(std::move(credentials), cacheDir)
{}

QUrl RestClient::normalizeServerUrl(const QString &typed)
{
    QString text = typed.trimmed();
    if (text.isEmpty())
        return {};
    if (!text.contains(u"://"_s))
        text.prepend(u"http://"_s);
    QUrl url(text, QUrl::TolerantMode);
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != u"http"_s && url.scheme() != u"https"_s))
        return {};
    url.setPath(u"/"_s);
    url.setQuery(QString());
    url.setFragment(QString());
    url.setUserInfo(QString());
    return url;
}

void RestClient::finish(QNetworkReply *reply, QObject *context, bool hasContext, const Callback &done)
{
    QPointer<QObject> guard(context);
    connect(reply, &QNetworkReply::finished, this, [reply, guard, hasContext, done] {
        reply->deleteLater();
        if (hasContext && !guard)
            return;
        CommandReply r;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        const QJsonObject json = QJsonDocument::fromJson(body).object();
        if (status == 0) {
            const bool tls = reply->error() == QNetworkReply::SslHandshakeFailedError;
            r.code = tls ? u"tls_error"_s : u"unreachable"_s;
            r.message = reply->errorString();
        } else if (status >= 200 && status < 300) {
            r.ok = true;
            r.result = json;
        } else {
            r.error = json.value(u"error"_s).toObject();
            r.code = r.error.value(u"code"_s).toString(u"http_%1"_s.arg(status));
            r.message = r.error.value(u"message"_s).toString(reply->errorString());
            if (status == 429 && !r.error.contains(u"retry_after"_s) && reply->hasRawHeader("Retry-After"))
                r.error.insert(u"retry_after"_s, reply->rawHeader("Retry-After").toInt());
        }
        if (done)
            done(r);
    });
}

void RestClient::login(const QUrl &server, const QString &login, const QString &password, QObject *context,
                       Callback done)
{
    QNetworkRequest request(server.resolved(QUrl(u"api/v1/auth/login"_s)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    const QJsonObject body{{u"login"_s, login}, {u"password"_s, password}};
    finish(m_network.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact)), context,
           context != nullptr, done);
}

void RestClient::logout(QObject *context, Callback done)
{
    QNetworkRequest request(m_credentials->server().resolved(QUrl(u"api/v1/auth/logout"_s)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    finish(m_network.post(request, QByteArray("{}")), context, context != nullptr, done);
}

QNetworkReply *RestClient::upload(QIODevice *body, const QString &fileName, QObject *context,
                                  std::function<void(double)> progress, Callback done)
{
    QNetworkRequest request(m_credentials->server().resolved(QUrl(u"api/v1/files"_s)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/octet-stream"_s);
    request.setRawHeader("X-File-Name", QUrl::toPercentEncoding(fileName));
    QNetworkReply *reply = m_network.post(request, body);
    if (progress) {
        connect(reply, &QNetworkReply::uploadProgress, this, [progress](qint64 sent, qint64 total) {
            if (total > 0)
                progress(double(sent) / double(total));
        });
    }
    finish(reply, context, context != nullptr, done);
    return reply;
}

} // namespace era::desk
