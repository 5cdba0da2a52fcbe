#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QNetworkReply;

namespace era::desk {

class ServerConnection;
class RestClient;

// One message the operator wrote that the server has not stored yet.
struct OutgoingMessage {
    enum class State { Queued, Uploading, Sending, Failed };

    QString clientId;
    qint64 dialogId = 0;
    QJsonObject content; // wire form; for a file, without file.id until the upload is done
    qint64 replyTo = 0;
    QString localFile; // a file to upload first (path), empty for text
    QString uploadedFileId;
    State state = State::Queued;
    QString failure; // for people, when Failed
    QDateTime createdAt;
    double progress = -1;

    QJsonObject toJson() const;
    static OutgoingMessage fromJson(const QJsonObject &json);
};

// The desk's own outbox: what the operator typed is kept (in memory and in a file) until the server has
// stored it, so neither a dropped connection nor a restart loses it. Each message is sent once with its
// client id; a resend after a lost reply is harmless (the server returns the stored one). Per dialog the
// messages go in the order they were written. Passing failures are tried again when the connection is
// back; a refusal (bad arguments, a finished dialog) fails the message with the server's reason until the
// operator retries or discards it.
class SendQueue : public QObject {
    Q_OBJECT
    Q_PROPERTY(int size READ size NOTIFY sizeChanged)
public:
    SendQueue(ServerConnection &connection, RestClient &rest, QObject *parent = nullptr);

    // Where the queue is kept between runs (one file per server and login); loads what is there.
    void setStorageFile(const QString &path);
    void clear(); // logged out: forget everything, remove the file

    void enqueue(OutgoingMessage message);
    void retry(const QString &clientId);
    void discard(const QString &clientId);
    QList<OutgoingMessage> messagesOf(qint64 dialogId) const;
    const OutgoingMessage *find(const QString &clientId) const;
    int size() const { return int(m_items.size()); }

    // Sends what can go now (the connection is ready, or a retry is due).
    void pump();

Q_SIGNALS:
    void changed(const era::desk::OutgoingMessage &message);
    // The server stored it: `message` is its Message object.
    void stored(const QString &clientId, qint64 dialogId, const QJsonObject &message);
    void removed(const QString &clientId, qint64 dialogId);
    void sizeChanged();

private:
    OutgoingMessage *item(const QString &clientId);
    void start(OutgoingMessage &m);
    void upload(OutgoingMessage &m);
    void send(OutgoingMessage &m);
    void failTransiently(const QString &clientId, const QString &why);
    void fail(const QString &clientId, const QString &why);
    void save();
    void load();

    ServerConnection &m_connection;
    RestClient &m_rest;
    QList<OutgoingMessage> m_items; // in the order written
    QString m_file;
    QTimer m_retry;
    QHash<QString, QPointer<QNetworkReply>> m_uploads;
};

} // namespace era::desk
