#include "session/SendQueue.h"

#include "net/RestClient.h"
#include "net/ServerConnection.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QSaveFile>
#include <era/content/ContentJson.h>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcSend, "era.desk.send")

namespace era::desk {

namespace {
constexpr int RetryMs = 5000;

} // namespace

QJsonObject OutgoingMessage::toJson() const
{
    QJsonObject j{{u"client_id"_s, clientId},
                  {u"dialog_id"_s, dialogId},
                  {u"content"_s, content},
                  {u"state"_s, state == State::Failed ? u"failed"_s : u"queued"_s},
                  {u"created_at"_s, content::timeToJson(createdAt)}};
    if (replyTo > 0)
        j.insert(u"reply_to"_s, replyTo);
    if (!localFile.isEmpty())
        j.insert(u"local_file"_s, localFile);
    if (!uploadedFileId.isEmpty())
        j.insert(u"uploaded_file_id"_s, uploadedFileId);
    if (!failure.isEmpty())
        j.insert(u"failure"_s, failure);
    return j;
}

OutgoingMessage OutgoingMessage::fromJson(const QJsonObject &j)
{
    OutgoingMessage m;
    m.clientId = j.value(u"client_id"_s).toString();
    m.dialogId = j.value(u"dialog_id"_s).toInteger();
    m.content = j.value(u"content"_s).toObject();
    m.replyTo = j.value(u"reply_to"_s).toInteger();
    m.localFile = j.value(u"local_file"_s).toString();
    m.uploadedFileId = j.value(u"uploaded_file_id"_s).toString();
    m.failure = j.value(u"failure"_s).toString();
    m.state = j.value(u"state"_s).toString() == u"failed"_s ? State::Failed : State::Queued;
    m.createdAt = content::timeFromJson(j.value(u"created_at"_s).toString());
    return m;
}

SendQueue::SendQueue(ServerConnection &connection, RestClient &rest, QObject *parent)
    : QObject(parent), m_connection(connection), m_rest(rest)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &SendQueue::pump);
}

void SendQueue::setStorageFile(const QString &path)
{
    m_file = path;
    m_items.clear();
    load();
    Q_EMIT sizeChanged();
}

void SendQueue::clear()
{
    for (const QPointer<QNetworkReply> &r : std::as_const(m_uploads)) {
        if (r)
            r->abort();
    }
    m_uploads.clear();
    m_items.clear();
    if (!m_file.isEmpty())
        QFile::remove(m_file);
    m_file.clear();
    Q_EMIT sizeChanged();
}

void SendQueue::load()
{
    if (m_file.isEmpty())
        return;
    QFile f(m_file);
    if (!f.open(QIODevice::ReadOnly))
        return;
    const QJsonArray items = QJsonDocument::fromJson(f.readAll()).array();
    for (const QJsonValue &v : items) {
        OutgoingMessage m = OutgoingMessage::fromJson(v.toObject());
        if (!m.clientId.isEmpty() && m.dialogId > 0)
            m_items.append(m);
    }
    qCInfo(lcSend) << m_items.size() << "unsent messages loaded from" << m_file;
}

void SendQueue::save()
{
    if (m_file.isEmpty())
        return;
    QJsonArray items;
    for (const OutgoingMessage &m : std::as_const(m_items))
        items.append(m.toJson());
    QSaveFile f(m_file);
    if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(items).toJson(QJsonDocument::Compact)) < 0 ||
        !f.commit())
        qCWarning(lcSend) << "could not keep unsent messages in" << m_file << ":" << f.errorString();
}

OutgoingMessage *SendQueue::item(const QString &clientId)
{
    for (OutgoingMessage &m : m_items) {
        if (m.clientId == clientId)
            return &m;
    }
    return nullptr;
}

const OutgoingMessage *SendQueue::find(const QString &clientId) const
{
    return const_cast<SendQueue *>(this)->item(clientId);
}

QList<OutgoingMessage> SendQueue::messagesOf(qint64 dialogId) const
{
    QList<OutgoingMessage> out;
    for (const OutgoingMessage &m : m_items) {
        if (m.dialogId == dialogId)
            out.append(m);
    }
    return out;
}

void SendQueue::enqueue(OutgoingMessage message)
{
    if (!message.createdAt.isValid())
        message.createdAt = QDateTime::currentDateTimeUtc();
    message.state = OutgoingMessage::State::Queued;
    m_items.append(message);
    save();
    Q_EMIT changed(message);
    Q_EMIT sizeChanged();
    pump();
}

void SendQueue::retry(const QString &clientId)
{
    OutgoingMessage *m = item(clientId);
    if (!m || m->state != OutgoingMessage::State::Failed)
        return;
    m->state = OutgoingMessage::State::Queued;
    m->failure.clear();
    save();
    Q_EMIT changed(*m);
    pump();
}

void SendQueue::discard(const QString &clientId)
{
    OutgoingMessage *m = item(clientId);
    if (!m)
        return;
    if (auto reply = m_uploads.take(clientId))
        reply->abort();
    const qint64 dialog = m->dialogId;
    m_items.removeIf([&](const OutgoingMessage &o) { return o.clientId == clientId; });
    save();
    Q_EMIT removed(clientId, dialog);
    Q_EMIT sizeChanged();
}

void SendQueue::pump()
{
    if (!m_connection.isReady())
        return; // ServerConnection::ready calls pump again
    // The first message of each dialog that is not failed goes; the others wait their turn.
    QSet<qint64> busy;
    for (OutgoingMessage &m : m_items) {
        if (m.state == OutgoingMessage::State::Failed || busy.contains(m.dialogId))
            continue;
        busy.insert(m.dialogId);
        if (m.state == OutgoingMessage::State::Queued)
            start(m);
    }
}

void SendQueue::start(OutgoingMessage &m)
{
    if (!m.localFile.isEmpty() && m.uploadedFileId.isEmpty())
        upload(m);
    else
        send(m);
}

void SendQueue::upload(OutgoingMessage &m)
{
    auto *file = new QFile(m.localFile, this);
    if (!file->open(QIODevice::ReadOnly)) {
        const QString why =
            tr("Cannot read %1: %2").arg(QFileInfo(m.localFile).fileName(), file->errorString());
        delete file;
        fail(m.clientId, why);
        return;
    }
    m.state = OutgoingMessage::State::Uploading;
    m.progress = 0;
    Q_EMIT changed(m);
    const QString clientId = m.clientId;
    QString name = m.content.value(u"file"_s).toObject().value(u"name"_s).toString();
    if (name.isEmpty())
        name = QFileInfo(m.localFile).fileName();
    QNetworkReply *reply = m_rest.upload(
        file, name, this,
        [this, clientId](double p) {
            if (OutgoingMessage *o = item(clientId)) {
                o->progress = p;
                Q_EMIT changed(*o);
            }
        },
        [this, clientId, file](const CommandReply &r) {
            file->deleteLater();
            m_uploads.remove(clientId);
            OutgoingMessage *o = item(clientId);
            if (!o)
                return;
            if (!r.ok) {
                // A refused upload (too large, not allowed) will not get better by itself.
                if (r.code == u"unreachable"_s || r.code.startsWith(u"http_5"_s) ||
                    r.code == u"shutting_down"_s)
                    failTransiently(clientId, r.message);
                else
                    fail(clientId, r.message);
                return;
            }
            o->uploadedFileId = r.result.value(u"id"_s).toString();
            o->progress = 1;
            save();
            send(*o);
        });
    m_uploads.insert(clientId, reply);
}

void SendQueue::send(OutgoingMessage &m)
{
    QJsonObject content = m.content;
    if (!m.uploadedFileId.isEmpty()) {
        QJsonObject file = content.value(u"file"_s).toObject();
        file.insert(u"id"_s, m.uploadedFileId);
        file.insert(u"state"_s, u"ready"_s);
        content.insert(u"file"_s, file);
    }
    QJsonObject args{{u"dialog_id"_s, m.dialogId}, {u"client_id"_s, m.clientId}, {u"content"_s, content}};
    if (m.replyTo > 0)
        args.insert(u"reply_to"_s, m.replyTo);
    m.state = OutgoingMessage::State::Sending;
    Q_EMIT changed(m);
    const QString clientId = m.clientId;
    m_connection.call(u"message.send"_s, args, this, [this, clientId](const CommandReply &r) {
        OutgoingMessage *o = item(clientId);
        if (!o)
            return;
        if (!r.ok) {
            if (r.transient())
                failTransiently(clientId, r.message);
            else
                fail(clientId, r.message);
            return;
        }
        const qint64 dialog = o->dialogId;
        m_items.removeIf([&](const OutgoingMessage &x) { return x.clientId == clientId; });
        save();
        Q_EMIT stored(clientId, dialog, r.result.value(u"message"_s).toObject());
        Q_EMIT sizeChanged();
        pump();
    });
}

void SendQueue::failTransiently(const QString &clientId, const QString &why)
{
    OutgoingMessage *o = item(clientId);
    if (!o)
        return;
    qCInfo(lcSend) << "will send" << clientId << "again:" << why;
    o->state = OutgoingMessage::State::Queued;
    o->progress = -1;
    Q_EMIT changed(*o);
    if (!m_retry.isActive())
        m_retry.start(RetryMs);
}

void SendQueue::fail(const QString &clientId, const QString &why)
{
    OutgoingMessage *o = item(clientId);
    if (!o)
        return;
    qCWarning(lcSend) << "message" << clientId << "refused:" << why;
    o->state = OutgoingMessage::State::Failed;
    o->failure = why;
    o->progress = -1;
    save();
    Q_EMIT changed(*o);
    pump(); // the next message of the dialog may go
}

} // namespace era::desk
