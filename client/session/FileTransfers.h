#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

class QNetworkAccessManager;
class QNetworkReply;

namespace era::desk {

// Files the operator saves or opens from a conversation: downloaded with the session's token into the
// downloads folder (ERA_DESK_DOWNLOAD_DIR in tests), with progress the views show, then opened with the
// desktop's default application.
class FileTransfers : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the session owns file transfers")
    // file id -> 0..1 while downloading
    Q_PROPERTY(QVariantMap progress READ progress NOTIFY changed)
    // file id -> local file URL once saved
    Q_PROPERTY(QVariantMap saved READ saved NOTIFY changed)
    // file id -> why the last download failed
    Q_PROPERTY(QVariantMap errors READ errors NOTIFY changed)
public:
    FileTransfers(QNetworkAccessManager &network, QObject *parent = nullptr);

    void setServer(const QUrl &server) { m_server = server; }
    static QString downloadDir();

    QVariantMap progress() const { return m_progress; }
    QVariantMap saved() const { return m_saved; }
    QVariantMap errors() const { return m_errors; }

    Q_INVOKABLE void download(const QString &fileId, const QString &fileName);
    // Downloads first when needed, then opens it.
    Q_INVOKABLE void open(const QString &fileId, const QString &fileName);
    Q_INVOKABLE void cancel(const QString &fileId);
    Q_INVOKABLE void openExternal(const QUrl &url);
    Q_INVOKABLE void showInFolder(const QString &fileId);

Q_SIGNALS:
    void changed();
    void finished(const QString &fileId, const QString &localPath);
    void failed(const QString &fileId, const QString &reason);

private:
    QString targetPath(const QString &fileName) const;

    QNetworkAccessManager &m_network;
    QUrl m_server;
    QVariantMap m_progress;
    QVariantMap m_saved;
    QVariantMap m_errors;
    QHash<QString, QPointer<QNetworkReply>> m_running;
    QHash<QString, bool> m_openWhenDone;
};

} // namespace era::desk
