#include "session/FileTransfers.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSaveFile>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace era::desk {

FileTransfers::FileTransfers(QNetworkAccessManager &network, QObject *parent)
    : QObject(parent), m_network(network)
{}

QString FileTransfers::downloadDir()
{
    const QString fromEnv = qEnvironmentVariable("ERA_DESK_DOWNLOAD_DIR");
    QString dir = fromEnv;
    if (dir.isEmpty()) {
        dir = QStandardPaths::writableLocation(QStandardPaths::DownloadLocation);
        if (dir.isEmpty())
            dir = QDir::homePath();
        dir += u"/ERA Desk"_s;
    }
    QDir().mkpath(dir);
    return dir;
}

QString FileTransfers::targetPath(const QString &fileName) const
{
    // Only the last path element, without anything that could climb out of the folder.
    QString name = QFileInfo(fileName).fileName();
    name.remove(u'/');
    name.remove(u'\\');
    if (name.isEmpty() || name == u"."_s || name == u".."_s)
        name = u"file"_s;
    const QDir dir(downloadDir());
    const QFileInfo info(name);
    QString candidate = dir.filePath(name);
    for (int n = 2; QFileInfo::exists(candidate); ++n) {
        const QString suffix = info.completeSuffix();
        candidate = dir.filePath(suffix.isEmpty() ? u"%1 (%2)"_s.arg(info.baseName()).arg(n)
                                                  : u"%1 (%2).%3"_s.arg(info.baseName()).arg(n).arg(suffix));
    }
    return candidate;
}

void FileTransfers::download(const QString &fileId, const QString &fileName)
{
    if (fileId.isEmpty() || m_running.contains(fileId))
        return;
    if (const QString done = m_saved.value(fileId).toUrl().toLocalFile();
        !done.isEmpty() && QFile::exists(done))
        return;
    const QString path = targetPath(fileName);
    auto file = std::make_shared<QSaveFile>(path);
    if (!file->open(QIODevice::WriteOnly)) {
        m_errors.insert(fileId, tr("Cannot write %1: %2").arg(path, file->errorString()));
        Q_EMIT changed();
        Q_EMIT failed(fileId, m_errors.value(fileId).toString());
        return;
    }
    QNetworkRequest request(m_server.resolved(QUrl(u"api/v1/files/"_s + fileId)));
    QNetworkReply *reply = m_network.get(request);
    m_running.insert(fileId, reply);
    m_progress.insert(fileId, 0.0);
    m_errors.remove(fileId);
    Q_EMIT changed();
    connect(reply, &QNetworkReply::readyRead, this, [reply, file] { file->write(reply->readAll()); });
    connect(reply, &QNetworkReply::downloadProgress, this, [this, fileId](qint64 got, qint64 total) {
        if (total > 0) {
            m_progress.insert(fileId, double(got) / double(total));
            Q_EMIT changed();
        }
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, file, fileId, path] {
        reply->deleteLater();
        m_running.remove(fileId);
        m_progress.remove(fileId);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        file->write(reply->readAll());
        const bool openAfter = m_openWhenDone.take(fileId);
        if (reply->error() != QNetworkReply::NoError || status != 200 || !file->commit()) {
            file->cancelWriting();
            const QString why =
                reply->error() == QNetworkReply::OperationCanceledError
                    ? tr("Cancelled")
                    : (status == 404 ? tr("The file is no longer on the server") : reply->errorString());
            m_errors.insert(fileId, why);
            Q_EMIT changed();
            Q_EMIT failed(fileId, why);
            return;
        }
        m_saved.insert(fileId, QUrl::fromLocalFile(path));
        Q_EMIT changed();
        Q_EMIT finished(fileId, path);
        if (openAfter)
            QDesktopServices::openUrl(QUrl::fromLocalFile(path));
    });
}

void FileTransfers::open(const QString &fileId, const QString &fileName)
{
    const QString done = m_saved.value(fileId).toUrl().toLocalFile();
    if (!done.isEmpty() && QFile::exists(done)) {
        QDesktopServices::openUrl(QUrl::fromLocalFile(done));
        return;
    }
    m_openWhenDone.insert(fileId, true);
    download(fileId, fileName);
}

void FileTransfers::cancel(const QString &fileId)
{
    if (auto reply = m_running.value(fileId))
        reply->abort();
}

void FileTransfers::openExternal(const QUrl &url)
{
    if (url.scheme() == u"http"_s || url.scheme() == u"https"_s || url.scheme() == u"mailto"_s ||
        url.scheme() == u"tel"_s)
        QDesktopServices::openUrl(url);
}

void FileTransfers::showInFolder(const QString &fileId)
{
    const QString done = m_saved.value(fileId).toUrl().toLocalFile();
    QDesktopServices::openUrl(
        QUrl::fromLocalFile(done.isEmpty() ? downloadDir() : QFileInfo(done).absolutePath()));
}

} // namespace era::desk
