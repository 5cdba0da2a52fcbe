#pragma once

#include "net/ServerConnection.h"

#include <QMutex>
#include <QNetworkAccessManager>
#include <QObject>
#include <QQmlNetworkAccessManagerFactory>
#include <QUrl>
#include <functional>
#include <memory>

class QIODevice;

namespace era::desk {

// The server's address and the session token, shared by every network access manager of the desk (QML's
// image loaders run on their own threads).
class Credentials {
public:
    void set(const QUrl &server, const QString &token);
    QUrl server() const;
    QString token() const;
    // Same scheme, host and port as the server.
    bool isForServer(const QUrl &url) const;

private:
    mutable QMutex m_mutex;
    QUrl m_server;
    QString m_token;
};

// A network access manager that signs requests to our server with the session token (and only those) and
// keeps downloaded files in a disk cache: file ids are content hashes, so a cached copy never goes stale.
class AuthorizedNetworkAccessManager : public QNetworkAccessManager {
    Q_OBJECT
public:
    AuthorizedNetworkAccessManager(std::shared_ptr<Credentials> credentials, const QString &cacheDir,
                                   QObject *parent = nullptr);

protected:
    QNetworkReply *createRequest(Operation op, const QNetworkRequest &request, QIODevice *data) override;

private:
    std::shared_ptr<Credentials> m_credentials;
};

// Makes QML's Image and AnimatedImage load authenticated files.
class AuthorizedNetworkFactory : public QQmlNetworkAccessManagerFactory {
public:
    AuthorizedNetworkFactory(std::shared_ptr<Credentials> credentials, QString cacheDir);
    QNetworkAccessManager *create(QObject *parent) override;

private:
    std::shared_ptr<Credentials> m_credentials;
    QString m_cacheDir;
};

// The REST calls of the desk: log in and out (docs/openapi.yaml) and upload a file. Answers use the
// WebSocket reply shape; a network failure is code `unreachable`, a TLS failure `tls_error`.
class RestClient : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(const CommandReply &)>;

    RestClient(std::shared_ptr<Credentials> credentials, const QString &cacheDir, QObject *parent = nullptr);

    QNetworkAccessManager *network() { return &m_network; }
    std::shared_ptr<Credentials> credentials() const { return m_credentials; }

    // `server` is the base URL the user typed (scheme added when missing).
    void login(const QUrl &server, const QString &login, const QString &password, QObject *context,
               Callback done);
    void logout(QObject *context, Callback done);
    // Uploads the device's bytes as a file (POST /api/v1/files); `progress` gets 0..1. The returned reply may
    // be aborted. The device must stay alive until `done`.
    QNetworkReply *upload(QIODevice *body, const QString &fileName, QObject *context,
                          std::function<void(double)> progress, Callback done);

    // "host:8080" -> http://host:8080/, keeps https, drops paths.
    static QUrl normalizeServerUrl(const QString &typed);

private:
    void finish(QNetworkReply *reply, QObject *context, bool hasContext, const Callback &done);

    std::shared_ptr<Credentials> m_credentials;
    AuthorizedNetworkAccessManager m_network;
};

} // namespace era::desk
