#include "session/Conversation.h"

#include "model/TextFormat.h"
#include "net/ServerConnection.h"
#include "session/SendQueue.h"

#include <QClipboard>
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QJsonArray>
#include <QLocale>
#include <QMimeDatabase>
#include <QStandardPaths>
#include <QUuid>
#include <era/content/ContentJson.h>
#include <era/content/Preview.h>

using namespace Qt::StringLiterals;

namespace era::desk {

namespace {
constexpr int PageSize = 50;
constexpr int MaxMyReactions = 3;

QList<DeskMessage> messagesFrom(const QJsonArray &array)
{
    QList<DeskMessage> out;
    out.reserve(array.size());
    for (const QJsonValue &v : array) {
        if (auto m = DeskMessage::fromJson(v.toObject()))
            out.append(std::move(*m));
    }
    return out;
}

bool isPicture(const QString &mime)
{
    return mime == u"image/jpeg"_s || mime == u"image/png"_s || mime == u"image/gif"_s ||
           mime == u"image/webp"_s;
}
} // namespace

Conversation::Conversation(qint64 dialogId, Context context, QObject *parent)
    : QObject(parent), m_dialogId(dialogId), m_ctx(std::move(context))
{
    m_messages.setNameResolver(m_ctx.names);
    m_messages.setFileBaseUrl(m_ctx.server);
    m_messages.setMyActor(u"user:%1"_s.arg(m_ctx.me));
    connect(&m_messages, &MessageListModel::olderRequested, this, &Conversation::loadOlder);
}

QString Conversation::title() const
{
    const QString name = m_subscriber.value(u"name"_s).toString();
    if (!name.isEmpty())
        return name;
    const QString username = m_subscriber.value(u"username"_s).toString();
    return username.isEmpty() ? tr("Customer") : u"@"_s + username;
}

bool Conversation::canWrite() const
{
    return state() == u"active"_s && operatorId() == m_ctx.me;
}

QVariantMap Conversation::subscriber() const
{
    QVariantMap out = m_subscriber.toVariantMap();
    // The provider's extras as label/value rows, for the panel.
    QVariantList profile;
    const QJsonObject extras = m_subscriber.value(u"profile"_s).toObject();
    for (auto it = extras.begin(); it != extras.end(); ++it) {
        const QJsonValue v = it.value();
        const QString text = v.isString()   ? v.toString()
                             : v.isDouble() ? QString::number(v.toDouble())
                             : v.isBool()   ? (v.toBool() ? tr("yes") : tr("no"))
                                            : QString();
        if (!text.isEmpty())
            profile.append(QVariantMap{{u"label"_s, it.key()}, {u"value"_s, text}});
    }
    out.insert(u"profileRows"_s, profile);
    out.insert(u"title"_s, title());
    return out;
}

QVariantList Conversation::earlierDialogs() const
{
    QVariantList out;
    for (const QJsonValue &v : m_earlier) {
        const QJsonObject d = v.toObject();
        const QDateTime opened = content::timeFromJson(d.value(u"opened_at"_s).toString());
        out.append(
            QVariantMap{{u"dialogId"_s, d.value(u"id"_s).toInteger()},
                        {u"state"_s, d.value(u"state"_s).toString()},
                        {u"openedAt"_s, opened},
                        {u"openedText"_s, QLocale().toString(opened.toLocalTime(), QLocale::ShortFormat)}});
    }
    return out;
}

QString Conversation::openedAtText() const
{
    const QDateTime opened = content::timeFromJson(m_dialog.value(u"opened_at"_s).toString());
    return opened.isValid() ? QLocale().toString(opened.toLocalTime(), QLocale::ShortFormat) : QString();
}

void Conversation::setDraft(const QString &draft)
{
    if (draft == m_draft)
        return;
    m_draft = draft;
    Q_EMIT draftChanged();
}

void Conversation::setViewState(const QVariantMap &state)
{
    if (state == m_viewState)
        return;
    m_viewState = state;
    Q_EMIT viewStateChanged();
}

void Conversation::setLoading(bool loading)
{
    if (loading == m_loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged();
}

void Conversation::setError(const QString &error)
{
    if (error == m_error)
        return;
    m_error = error;
    Q_EMIT errorChanged();
}

void Conversation::setOffered(bool offered)
{
    if (offered == m_offered)
        return;
    m_offered = offered;
    Q_EMIT infoChanged();
}

void Conversation::load()
{
    const int generation = ++m_generation;
    setLoading(true);
    setError({});
    // The messages first: they are what the operator waits for; the details follow.
    m_ctx.connection->call(u"dialog.history"_s, {{u"dialog_id"_s, m_dialogId}, {u"limit"_s, PageSize}}, this,
                           [this, generation](const CommandReply &r) {
                               if (generation != m_generation)
                                   return;
                               setLoading(false);
                               if (!r.ok) {
                                   setError(r.message);
                               } else {
                                   m_messages.resetStored(
                                       messagesFrom(r.result.value(u"messages"_s).toArray()),
                                       r.result.value(u"has_more"_s).toBool());
                                   addLocalOutgoing();
                               }
                               if (!std::exchange(m_firstPageDone, true))
                                   Q_EMIT firstPageDone();
                           });
    const QJsonObject args{{u"dialog_id"_s, m_dialogId}};
    m_ctx.connection->call(u"dialog.open"_s, args, this, [this, generation](const CommandReply &r) {
        if (generation != m_generation)
            return;
        if (!r.ok) {
            setError(r.message);
            setLoading(false);
            return;
        }
        m_dialog = r.result.value(u"dialog"_s).toObject();
        m_subscriber = r.result.value(u"subscriber"_s).toObject();
        m_channel = r.result.value(u"channel"_s).toObject();
        m_earlier = r.result.value(u"earlier_dialogs"_s).toArray();
        Q_EMIT infoChanged();
        m_messages.refreshNames();
    });
}

void Conversation::loadOlder(qint64 beforeId)
{
    const int generation = m_generation;
    QJsonObject args{{u"dialog_id"_s, m_dialogId}, {u"limit"_s, PageSize}};
    if (beforeId > 0)
        args.insert(u"before_id"_s, beforeId);
    m_ctx.connection->call(u"dialog.history"_s, args, this, [this, generation](const CommandReply &r) {
        if (generation != m_generation)
            return;
        if (!r.ok) {
            m_messages.olderFailed();
            setError(r.message);
            m_showTarget = 0;
            return;
        }
        m_messages.appendOlder(messagesFrom(r.result.value(u"messages"_s).toArray()),
                               r.result.value(u"has_more"_s).toBool());
        if (m_showTarget > 0)
            showMessage(m_showTarget);
    });
}

void Conversation::addLocalOutgoing()
{
    if (!m_ctx.sendQueue)
        return;
    for (const OutgoingMessage &m : m_ctx.sendQueue->messagesOf(m_dialogId))
        m_messages.setLocal(localMessage(m));
}

DeskMessage Conversation::localMessage(const OutgoingMessage &m) const
{
    DeskMessage d;
    d.dialogId = m.dialogId;
    d.clientId = m.clientId;
    d.direction = u"out"_s;
    d.author = u"user:%1"_s.arg(m_ctx.me);
    if (auto content = content::fromJson<content::Content>(m.content))
        d.content = std::move(*content);
    else
        d.content.body = content::Text::of(m.content.value(u"text"_s).toString());
    if (m.replyTo > 0) {
        if (const DeskMessage *quoted = m_messages.find(m.replyTo)) {
            content::ReplyTo reply;
            reply.messageId = m.replyTo;
            reply.kind = quoted->content.kind();
            reply.snippet = content::plainPreview(quoted->content, 80);
            reply.authorName = m_ctx.names ? m_ctx.names(quoted->author) : QString();
            d.content.replyTo = reply;
        }
    }
    d.status = m.state == OutgoingMessage::State::Failed ? u"failed"_s : u"sending"_s;
    d.failure = m.failure;
    d.createdAt = m.createdAt;
    d.uploadProgress = m.state == OutgoingMessage::State::Uploading ? m.progress : -1;
    return d;
}

void Conversation::applyOutgoing(const OutgoingMessage &message)
{
    m_messages.setLocal(localMessage(message));
}

void Conversation::outgoingRemoved(const QString &clientId)
{
    m_messages.removeLocal(clientId);
}

void Conversation::applyEvent(const QString &name, const QJsonObject &data)
{
    if (name == u"message.created"_s || name == u"message.updated"_s || name == u"message.reactions"_s) {
        auto message = DeskMessage::fromJson(data.value(u"message"_s).toObject());
        if (!message)
            return;
        m_messages.upsert(*message);
        m_dialog.insert(u"last_message_at"_s, content::timeToJson(message->createdAt));
        if (name == u"message.created"_s && message->direction == u"in"_s)
            Q_EMIT incoming(m_dialogId, content::plainPreview(message->content, 120));
    } else if (name == u"message.status"_s) {
        m_messages.setStatus(data.value(u"message_id"_s).toInteger(), data.value(u"status"_s).toString(),
                             data.value(u"reason"_s).toString());
    } else if (name == u"reaction.failed"_s) {
        setError(tr("The reaction did not reach the customer: %1").arg(data.value(u"reason"_s).toString()));
    } else if (name == u"dialog.assigned"_s) {
        m_dialog.insert(u"state"_s, u"active"_s);
        m_dialog.insert(u"operator_id"_s, data.value(u"operator_id"_s));
        m_dialog.insert(u"assigned_at"_s, data.value(u"assigned_at"_s));
        m_dialog.insert(u"queue_position"_s, 0);
        m_offered = false;
        Q_EMIT infoChanged();
    } else if (name == u"dialog.closed"_s) {
        m_dialog.insert(u"state"_s, u"closed"_s);
        m_dialog.insert(u"closed_at"_s, data.value(u"closed_at"_s));
        m_offered = false;
        Q_EMIT infoChanged();
    } else if (name == u"dialog.transferred"_s) {
        const qint64 toOperator = data.value(u"to_operator_id"_s).toInteger();
        if (toOperator > 0) {
            m_dialog.insert(u"operator_id"_s, toOperator);
        } else {
            m_dialog.insert(u"state"_s, u"waiting"_s);
            m_dialog.insert(u"operator_id"_s, QJsonValue::Null);
            m_dialog.insert(u"queue_id"_s, data.value(u"to_queue_id"_s));
        }
        Q_EMIT infoChanged();
    } else if (name == u"dialog.returned"_s) {
        m_dialog.insert(u"state"_s, u"waiting"_s);
        m_dialog.insert(u"operator_id"_s, QJsonValue::Null);
        m_dialog.insert(u"queue_id"_s, data.value(u"queue_id"_s));
        Q_EMIT infoChanged();
    } else if (name == u"dialog.offer_withdrawn"_s) {
        setOffered(false);
    }
}

QString Conversation::newClientId() const
{
    return u"desk-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

bool Conversation::send(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || !m_ctx.sendQueue)
        return false;
    OutgoingMessage m;
    m.clientId = newClientId();
    m.dialogId = m_dialogId;
    m.content = content::toJson(content::Content{content::Text::of(trimmed), {}, {}, {}, {}, {}});
    m.replyTo = m_replyTo;
    cancelReply();
    setDraft({});
    m_ctx.sendQueue->enqueue(m);
    return true;
}

int Conversation::sendFiles(const QList<QUrl> &files, const QString &caption)
{
    if (!m_ctx.sendQueue)
        return 0;
    int sent = 0;
    QMimeDatabase mimes;
    for (const QUrl &url : files) {
        const QString path = url.isLocalFile() ? url.toLocalFile() : url.toString();
        const QFileInfo info(path);
        if (!info.isFile() || !info.isReadable()) {
            setError(tr("Cannot send %1: not a readable file").arg(info.fileName()));
            continue;
        }
        const QString mime = mimes.mimeTypeForFile(info, QMimeDatabase::MatchContent).name();
        QJsonObject file{{u"state"_s, u"pending"_s},
                         {u"name"_s, info.fileName()},
                         {u"size"_s, info.size()},
                         {u"mime"_s, mime}};
        QJsonObject content{{u"kind"_s, isPicture(mime) ? u"image"_s : u"document"_s}, {u"file"_s, file}};
        if (sent == 0 && !caption.trimmed().isEmpty())
            content.insert(u"caption"_s, caption.trimmed());
        OutgoingMessage m;
        m.clientId = newClientId();
        m.dialogId = m_dialogId;
        m.content = content;
        m.localFile = info.absoluteFilePath();
        m.replyTo = sent == 0 ? m_replyTo : 0;
        m_ctx.sendQueue->enqueue(m);
        ++sent;
    }
    if (sent > 0)
        cancelReply();
    return sent;
}

bool Conversation::pasteImage()
{
    const QClipboard *clipboard = QGuiApplication::clipboard();
    const QImage image = clipboard ? clipboard->image() : QImage();
    if (image.isNull())
        return false;
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + u"/pasted"_s;
    QDir().mkpath(dir);
    const QString path =
        dir + u"/pasted-%1.png"_s.arg(QDateTime::currentDateTime().toString(u"yyyyMMdd-HHmmss-zzz"_s));
    if (!image.save(path, "PNG")) {
        setError(tr("Cannot keep the pasted image in %1").arg(dir));
        return false;
    }
    return sendFiles({QUrl::fromLocalFile(path)}) == 1;
}

void Conversation::startReply(qint64 messageId)
{
    const DeskMessage *m = m_messages.find(messageId);
    if (!m)
        return;
    m_replyTo = messageId;
    m_replyAuthor = m_ctx.names ? m_ctx.names(m->author) : QString();
    m_replySnippet = content::plainPreview(m->content, 100);
    Q_EMIT replyChanged();
}

void Conversation::cancelReply()
{
    if (m_replyTo == 0)
        return;
    m_replyTo = 0;
    m_replyAuthor.clear();
    m_replySnippet.clear();
    Q_EMIT replyChanged();
}

void Conversation::toggleReaction(qint64 messageId, const QString &emoji)
{
    const DeskMessage *m = m_messages.find(messageId);
    if (!m || emoji.isEmpty())
        return;
    const QString me = u"user:%1"_s.arg(m_ctx.me);
    QStringList mine;
    for (const content::Reaction &r : m->content.reactions) {
        if (r.actor.toString() == me)
            mine.append(r.emoji);
    }
    if (mine.contains(emoji)) {
        mine.removeAll(emoji);
    } else {
        mine.append(emoji);
        while (mine.size() > MaxMyReactions)
            mine.removeFirst();
    }
    m_ctx.connection->call(
        u"message.react"_s, {{u"message_id"_s, messageId}, {u"emojis"_s, QJsonArray::fromStringList(mine)}},
        this, [this](const CommandReply &r) {
            if (!r.ok) {
                setError(r.message);
                return;
            }
            if (auto message = DeskMessage::fromJson(r.result.value(u"message"_s).toObject()))
                m_messages.upsert(*message);
        });
}

void Conversation::retry(const QString &clientId)
{
    if (m_ctx.sendQueue)
        m_ctx.sendQueue->retry(clientId);
}

void Conversation::resend(qint64 messageId)
{
    const DeskMessage *failed = m_messages.find(messageId);
    if (!failed || failed->status != u"failed"_s || !failed->isOutgoing() || !m_ctx.sendQueue)
        return;
    OutgoingMessage m;
    m.clientId = newClientId();
    m.dialogId = m_dialogId;
    content::Content copy = failed->content;
    copy.reactions.clear();
    copy.replyTo.reset();
    m.content = content::toJson(copy);
    if (failed->content.replyTo)
        m.replyTo = failed->content.replyTo->messageId;
    m_ctx.sendQueue->enqueue(m);
}

void Conversation::discard(const QString &clientId)
{
    if (m_ctx.sendQueue)
        m_ctx.sendQueue->discard(clientId);
}

void Conversation::markRead()
{
    const qint64 newest = m_messages.newestIncomingId();
    if (newest <= m_readSent)
        return;
    m_readSent = newest;
    m_ctx.connection->call(u"dialog.read"_s, {{u"dialog_id"_s, m_dialogId}, {u"message_id"_s, newest}}, this,
                           [this, newest](const CommandReply &r) {
                               if (r.ok) {
                                   Q_EMIT readMarked(m_dialogId, r.result.value(u"unread"_s).toInt());
                               } else if (r.transient() && m_readSent == newest) {
                                   m_readSent = 0; // try again next time
                               }
                           });
}

void Conversation::showMessage(qint64 messageId)
{
    const int row = m_messages.rowOfMessage(messageId);
    if (row >= 0) {
        m_showTarget = 0;
        Q_EMIT messageShown(row, messageId);
        return;
    }
    const qint64 oldest = m_messages.oldestStoredId();
    if (!m_messages.hasMore() || (oldest > 0 && messageId > oldest)) {
        m_showTarget = 0;
        return; // not in this dialog
    }
    m_showTarget = messageId;
    if (!m_messages.loadingOlder())
        m_messages.fetchMore({});
}

} // namespace era::desk
