#include "session/Workspace.h"

#include "net/ServerConnection.h"
#include "session/Conversation.h"
#include "session/SendQueue.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <era/content/ContentJson.h>
#include <era/content/Preview.h>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcWorkspace, "era.desk.workspace")

namespace era::desk {

namespace {
constexpr int MaxFinished = 20;
constexpr int MaxOpenConversations = 60;
constexpr int LivePages = 8; // conversations whose page stays drawn; the others keep only their data
constexpr int RefreshDelayMs = 300;
} // namespace

// --- ConversationListModel ---

int ConversationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ConversationListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    Conversation *c = m_rows.at(index.row());
    if (role == ConversationRole)
        return QVariant::fromValue(c);
    if (role == DialogIdRole)
        return c->dialogId();
    if (role == LiveRole)
        return m_live.contains(c->dialogId());
    return {};
}

QHash<int, QByteArray> ConversationListModel::roleNames() const
{
    return {{ConversationRole, "conversation"}, {DialogIdRole, "dialogId"}, {LiveRole, "live"}};
}

Conversation *ConversationListModel::find(qint64 dialogId) const
{
    for (Conversation *c : m_rows) {
        if (c->dialogId() == dialogId)
            return c;
    }
    return nullptr;
}

int ConversationListModel::rowOf(qint64 dialogId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i)->dialogId() == dialogId)
            return i;
    }
    return -1;
}

void ConversationListModel::add(Conversation *conversation)
{
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
    m_rows.append(conversation);
    endInsertRows();
    Q_EMIT countChanged();
}

void ConversationListModel::remove(qint64 dialogId)
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i)->dialogId() == dialogId) {
            beginRemoveRows({}, i, i);
            Conversation *c = m_rows.takeAt(i);
            endRemoveRows();
            c->deleteLater();
            Q_EMIT countChanged();
            return;
        }
    }
}

void ConversationListModel::setLive(const QSet<qint64> &dialogIds)
{
    const QSet<qint64> before = std::exchange(m_live, dialogIds);
    for (int i = 0; i < m_rows.size(); ++i) {
        const qint64 id = m_rows.at(i)->dialogId();
        if (before.contains(id) != m_live.contains(id))
            Q_EMIT dataChanged(index(i), index(i), {LiveRole});
    }
}

void ConversationListModel::clear()
{
    beginResetModel();
    const auto rows = std::exchange(m_rows, {});
    endResetModel();
    for (Conversation *c : rows)
        c->deleteLater();
    Q_EMIT countChanged();
}

// --- Workspace ---

Workspace::Workspace(ServerConnection &connection, SendQueue &sendQueue, QObject *parent)
    : QObject(parent), m_connection(connection), m_sendQueue(sendQueue)
{
    m_refresh.setSingleShot(true);
    m_refresh.setInterval(RefreshDelayMs);
    connect(&m_refresh, &QTimer::timeout, this, [this] {
        if (m_connection.isReady() && m_loadingParts == 0)
            reload(!m_hasState);
    });
    connect(&m_sendQueue, &SendQueue::changed, this, &Workspace::applyOutgoing);
    connect(&m_sendQueue, &SendQueue::removed, this, [this](const QString &clientId, qint64 dialogId) {
        if (Conversation *c = m_open.find(dialogId))
            c->outgoingRemoved(clientId);
    });
    connect(&m_sendQueue, &SendQueue::stored, this,
            [this](const QString &, qint64 dialogId, const QJsonObject &message) {
                applyMessage(u"message.created"_s, {{u"dialog_id"_s, dialogId}, {u"message"_s, message}});
            });
    connect(&m_operators, &OperatorListModel::namesChanged, this, [this] {
        for (Conversation *c : m_open.all())
            c->messages()->refreshNames();
    });
}

Workspace::~Workspace() = default;

void Workspace::setUser(const QJsonObject &user)
{
    m_me = user.value(u"id"_s).toInteger();
    const QString role = user.value(u"role"_s).toString();
    m_staff = role == u"supervisor"_s || role == u"admin"_s;
    m_operators.setMe(m_me);
    m_dialogs.setMe(m_me);
}

void Workspace::setDraftStore(QSettings *store, const QString &group)
{
    m_drafts = store;
    m_draftGroup = group;
}

void Workspace::clear()
{
    ++m_generation;
    m_hasState = false;
    m_loadingParts = 0;
    m_held.clear();
    m_recent.clear();
    m_open.clear();
    m_dialogs.reset({});
    m_operators.reset({});
    m_queues.reset({});
}

void Workspace::connectionLost()
{
    if (m_loadingParts > 0) {
        // A snapshot cut short cannot be resumed from: reload it next time.
        m_hasState = false;
        m_loadingParts = 0;
        m_held.clear();
        ++m_generation;
    }
}

void Workspace::reload(bool conversationsToo)
{
    const int generation = ++m_generation;
    m_loadFailed = false;
    m_reloadConversations = conversationsToo;
    m_loadingParts = 3;
    auto part = [this, generation](auto apply) {
        return [this, generation, apply](const CommandReply &r) {
            if (generation != m_generation)
                return;
            if (r.ok)
                apply(r.result);
            else if (r.code != u"unknown_command"_s && r.code != u"forbidden"_s)
                qCWarning(lcWorkspace) << "snapshot part failed:" << r.code << r.message;
            snapshotPart(r.ok || r.code == u"unknown_command"_s || r.code == u"forbidden"_s);
        };
    };
    m_connection.call(u"dialogs.list"_s, {}, this, part([this](const QJsonObject &result) {
                          QList<DialogSummary> rows;
                          for (const QJsonValue &v : result.value(u"offered"_s).toArray()) {
                              DialogSummary d = DialogSummary::fromJson(v.toObject());
                              d.section = DialogSummary::Section::Offered;
                              rows.append(d);
                          }
                          for (const char *list : {"active", "finished"}) {
                              for (const QJsonValue &v : result.value(QLatin1String(list)).toArray())
                                  rows.append(DialogSummary::fromJson(v.toObject()));
                          }
                          m_dialogs.reset(rows);
                      }));
    m_connection.call(u"operators.list"_s, {}, this, part([this](const QJsonObject &result) {
                          m_operators.reset(result.value(u"operators"_s).toArray());
                      }));
    m_connection.call(u"queues.list"_s, {}, this, part([this, generation](const QJsonObject &result) {
                          m_queues.reset(result.value(u"queues"_s).toArray());
                          if (!m_staff)
                              return;
                          ++m_loadingParts;
                          m_connection.call(u"queues.stats"_s, {}, this,
                                            [this, generation](const CommandReply &r) {
                                                if (generation != m_generation)
                                                    return;
                                                if (r.ok) {
                                                    m_queues.applyStats(r.result);
                                                    m_operators.applyStats(r.result);
                                                }
                                                snapshotPart(r.ok);
                                            });
                      }));
}

void Workspace::snapshotPart(bool ok)
{
    if (!ok)
        m_loadFailed = true;
    if (--m_loadingParts > 0)
        return;
    const auto held = std::exchange(m_held, {});
    for (const auto &[name, data] : held)
        apply(name, data);
    m_hasState = !m_loadFailed;
    // Offers and dialogs that are mine now may be open already: bring them up to date too.
    for (Conversation *c : m_open.all()) {
        const DialogSummary *d = m_dialogs.find(c->dialogId());
        c->setOffered(d && d->section == DialogSummary::Section::Offered);
        if (m_reloadConversations)
            c->load();
    }
    if (m_loadFailed) {
        qCWarning(lcWorkspace) << "the snapshot is incomplete; trying again";
        m_refresh.start(3000);
    }
    Q_EMIT reloaded();
}

void Workspace::refreshSoon()
{
    if (!m_refresh.isActive())
        m_refresh.start(RefreshDelayMs);
}

void Workspace::applyEvent(const QString &name, const QJsonObject &data)
{
    if (m_loadingParts > 0) {
        m_held.append({name, data});
        return;
    }
    apply(name, data);
}

QString Workspace::customerName(qint64 dialogId) const
{
    const DialogSummary *d = m_dialogs.find(dialogId);
    if (!d)
        return tr("Customer");
    return !d->subscriberName.isEmpty()       ? d->subscriberName
           : !d->subscriberUsername.isEmpty() ? u"@"_s + d->subscriberUsername
                                              : tr("Customer");
}

void Workspace::apply(const QString &name, const QJsonObject &data)
{
    const qint64 dialogId = data.value(u"dialog_id"_s).toInteger();
    if (name.startsWith(u"message."_s) || name == u"reaction.failed"_s) {
        applyMessage(name, data);
        return;
    }
    Conversation *open = dialogId > 0 ? m_open.find(dialogId) : nullptr;
    if (open)
        open->applyEvent(name, data);

    if (name == u"dialog.opened"_s) {
        const QJsonObject dialog = data.value(u"dialog"_s).toObject();
        const QJsonObject subscriber = data.value(u"subscriber"_s).toObject();
        DialogSummary d = DialogSummary::fromJson(dialog);
        d.subscriberName = subscriber.value(u"name"_s).toString();
        d.subscriberUsername = subscriber.value(u"username"_s).toString();
        if (const DialogSummary *known = m_dialogs.find(d.id))
            d.channelKind = known->channelKind;
        m_dialogs.upsert(d);
    } else if (name == u"dialog.queued"_s) {
        m_dialogs.update(dialogId,
                         [&](DialogSummary &d) { d.queueId = data.value(u"queue_id"_s).toInteger(); });
    } else if (name == u"dialog.offered"_s) {
        DialogSummary d;
        if (const DialogSummary *known = m_dialogs.find(dialogId))
            d = *known;
        d.id = dialogId;
        d.queueId = data.value(u"queue_id"_s).toInteger();
        d.channelId = data.value(u"channel_id"_s).toInteger();
        d.channelKind = data.value(u"channel_kind"_s).toString(d.channelKind);
        d.channelName = data.value(u"channel_name"_s).toString(d.channelName);
        d.subscriberName = data.value(u"subscriber_name"_s).toString(d.subscriberName);
        d.subscriberUsername = data.value(u"subscriber_username"_s).toString(d.subscriberUsername);
        d.state = u"waiting"_s;
        d.section = DialogSummary::Section::Offered;
        d.offerExpiresAt = content::timeFromJson(data.value(u"expires_at"_s).toString());
        d.offerTimeoutSec = data.value(u"timeout_sec"_s).toInt();
        if (!d.openedAt.isValid())
            d.openedAt = QDateTime::currentDateTimeUtc();
        if (auto last = content::fromJson<content::Content>(data.value(u"last_message"_s).toObject()))
            d.lastPreview = content::plainPreview(*last, 120);
        m_dialogs.upsert(d);
        if (open)
            open->setOffered(true);
        Q_EMIT offered(dialogId, customerName(dialogId), d.lastPreview, d.offerTimeoutSec);
    } else if (name == u"dialog.offer_withdrawn"_s) {
        const DialogSummary *d = m_dialogs.find(dialogId);
        if (d && d->section == DialogSummary::Section::Offered) {
            if (m_staff)
                m_dialogs.update(dialogId, [](DialogSummary &s) {
                    s.section = DialogSummary::Section::Waiting;
                    s.offerExpiresAt = {};
                });
            else
                m_dialogs.remove(dialogId);
        }
        Q_EMIT offerGone(dialogId);
    } else if (name == u"dialog.assigned"_s) {
        const qint64 operatorId = data.value(u"operator_id"_s).toInteger();
        const bool known = m_dialogs.update(dialogId, [&](DialogSummary &d) {
            d.applyDialog({{u"state"_s, u"active"_s},
                           {u"operator_id"_s, operatorId},
                           {u"queue_id"_s, data.value(u"queue_id"_s)},
                           {u"assigned_at"_s, data.value(u"assigned_at"_s)}});
            d.offerExpiresAt = {};
        });
        if (!known && (operatorId == m_me || m_staff))
            refreshSoon();
        if (operatorId != m_me && !m_staff)
            m_dialogs.remove(dialogId);
        Q_EMIT offerGone(dialogId);
    } else if (name == u"dialog.returned"_s) {
        if (m_staff) {
            m_dialogs.update(dialogId, [&](DialogSummary &d) {
                d.applyDialog({{u"state"_s, u"waiting"_s},
                               {u"operator_id"_s, QJsonValue::Null},
                               {u"queue_id"_s, data.value(u"queue_id"_s)}});
            });
        } else {
            const QString customer = customerName(dialogId);
            m_dialogs.remove(dialogId);
            Q_EMIT dialogLeft(dialogId, customer,
                              tr("it went back to its queue while you were disconnected"));
        }
    } else if (name == u"dialog.closed"_s) {
        m_dialogs.update(dialogId, [&](DialogSummary &d) {
            d.applyDialog({{u"state"_s, u"closed"_s}, {u"closed_at"_s, data.value(u"closed_at"_s)}});
            d.unread = 0;
            d.offerExpiresAt = {};
        });
        trimFinished();
        if (const qint64 by = data.value(u"closed_by"_s).toInteger(); by != m_me)
            Q_EMIT dialogLeft(dialogId, customerName(dialogId),
                              by > 0 ? tr("finished by %1").arg(nameOf(u"user:%1"_s.arg(by)))
                                     : tr("finished"));
        Q_EMIT offerGone(dialogId);
    } else if (name == u"dialog.transferred"_s) {
        const qint64 to = data.value(u"to_operator_id"_s).toInteger();
        const qint64 from = data.value(u"from_operator_id"_s).toInteger();
        if (to == m_me) {
            if (!m_dialogs.update(dialogId, [&](DialogSummary &d) {
                    d.applyDialog({{u"state"_s, u"active"_s}, {u"operator_id"_s, m_me}});
                }))
                refreshSoon();
        } else if (m_staff) {
            m_dialogs.update(dialogId, [&](DialogSummary &d) {
                if (to > 0)
                    d.applyDialog({{u"operator_id"_s, to}});
                else
                    d.applyDialog({{u"state"_s, u"waiting"_s},
                                   {u"operator_id"_s, QJsonValue::Null},
                                   {u"queue_id"_s, data.value(u"to_queue_id"_s)}});
            });
        } else if (from == m_me) {
            const QString customer = customerName(dialogId);
            m_dialogs.remove(dialogId);
            Q_EMIT dialogLeft(dialogId, customer,
                              to > 0 ? tr("transferred to %1").arg(nameOf(u"user:%1"_s.arg(to)))
                                     : tr("transferred to the queue %1")
                                           .arg(m_queues.nameOf(data.value(u"to_queue_id"_s).toInteger())));
        }
    } else if (name == u"dialog.read"_s) {
        m_dialogs.update(dialogId, [&](DialogSummary &d) { d.unread = data.value(u"unread"_s).toInt(); });
        Q_EMIT read(dialogId);
    } else if (name == u"presence.changed"_s) {
        const qint64 user = data.value(u"user_id"_s).toInteger();
        m_operators.setPresence(user, data.value(u"presence"_s).toString());
        Q_EMIT presenceChanged(user, data.value(u"presence"_s).toString());
    } else if (name == u"queue.created"_s || name == u"queue.updated"_s) {
        m_queues.upsert(data.value(u"queue"_s).toObject());
    } else if (name == u"queue.stats"_s) {
        m_queues.applyStats(data);
        m_operators.applyStats(data);
    } else if (name == u"user.updated"_s) {
        const QJsonObject user = data.value(u"user"_s).toObject();
        if (user.value(u"id"_s).toInteger() == m_me)
            Q_EMIT userUpdated(user);
    }
}

void Workspace::applyMessage(const QString &name, const QJsonObject &data)
{
    const qint64 dialogId = data.value(u"dialog_id"_s).toInteger();
    Conversation *open = m_open.find(dialogId);
    if (open)
        open->applyEvent(name, data);
    if (name != u"message.created"_s && name != u"message.updated"_s)
        return;
    const QJsonObject message = data.value(u"message"_s).toObject();
    const qint64 messageId = message.value(u"id"_s).toInteger();
    const QString direction = message.value(u"direction"_s).toString();
    auto content = content::fromJson<content::Content>(message.value(u"content"_s).toObject());
    const QString preview = content ? content::plainPreview(*content, 120) : QString();
    const QDateTime at = content::timeFromJson(message.value(u"created_at"_s).toString());
    bool fresh = false;
    const bool known = m_dialogs.update(dialogId, [&](DialogSummary &d) {
        if (name == u"message.updated"_s) {
            if (d.lastMessageId == messageId)
                d.lastPreview = preview;
            return;
        }
        if (messageId <= d.lastMessageId && d.lastMessageId != 0)
            return; // already counted (a replay after a snapshot that had it)
        fresh = true;
        d.lastMessageId = messageId;
        d.lastPreview = preview;
        d.lastDirection = direction;
        d.lastMessageAt = at;
        if (direction == u"in"_s) {
            if (!d.lastIncomingAt.isValid())
                d.lastIncomingAt = at;
            ++d.unread;
        } else if (direction == u"out"_s) {
            d.lastIncomingAt = {};
        }
    });
    if (!known && name == u"message.created"_s) {
        refreshSoon();
        return;
    }
    if (fresh && direction == u"in"_s)
        Q_EMIT incoming(dialogId, customerName(dialogId), preview);
}

void Workspace::applyOutgoing(const OutgoingMessage &message)
{
    if (Conversation *c = m_open.find(message.dialogId))
        c->applyOutgoing(message);
}

void Workspace::trimFinished()
{
    QList<qint64> finished;
    for (qint64 id : m_dialogs.ids()) {
        const DialogSummary *d = m_dialogs.find(id);
        if (d && d->section == DialogSummary::Section::Finished)
            finished.append(id);
    }
    for (qsizetype i = MaxFinished; i < finished.size(); ++i)
        m_dialogs.remove(finished.at(i));
}

QString Workspace::nameOf(const QString &actor) const
{
    if (actor.startsWith(u"user:"_s)) {
        const qint64 id = actor.mid(5).toLongLong();
        if (id == m_me)
            return tr("You");
        const QString name = m_operators.nameOf(id);
        return name.isEmpty() ? tr("Colleague") : name;
    }
    if (actor.startsWith(u"subscriber:"_s)) {
        const qint64 subscriber = actor.mid(11).toLongLong();
        for (Conversation *c : m_open.all()) {
            if (c->subscriber().value(u"id"_s).toLongLong() == subscriber)
                return c->title();
        }
        return tr("Customer");
    }
    return {};
}

Conversation *Workspace::conversation(qint64 dialogId)
{
    if (Conversation *c = m_open.find(dialogId))
        return c;
    Conversation::Context ctx;
    ctx.connection = &m_connection;
    ctx.sendQueue = &m_sendQueue;
    ctx.me = m_me;
    ctx.server = m_server;
    ctx.names = [this](const QString &actor) { return nameOf(actor); };
    auto *c = new Conversation(dialogId, ctx, this);
    if (m_drafts) {
        const QString key = m_draftGroup + u"/"_s + QString::number(dialogId);
        c->setDraftSilently(m_drafts->value(key).toString());
        connect(c, &Conversation::draftChanged, this, [this, c, key] {
            if (!m_drafts)
                return;
            if (c->draft().isEmpty())
                m_drafts->remove(key);
            else
                m_drafts->setValue(key, c->draft());
        });
    }
    const DialogSummary *d = m_dialogs.find(dialogId);
    c->setOffered(d && d->section == DialogSummary::Section::Offered);
    connect(c, &Conversation::readMarked, this, [this](qint64 id, int unread) {
        m_dialogs.update(id, [unread](DialogSummary &s) { s.unread = unread; });
        Q_EMIT read(id);
    });
    // The requests go out before the page for it is built.
    c->load();
    m_open.add(c);
    touch(dialogId);
    // Keep the desk light: the conversation shown longest ago goes (never the one on screen, never one with
    // unsent messages).
    if (m_open.rowCount() > MaxOpenConversations) {
        for (qint64 id : std::as_const(m_recent)) {
            if (id != dialogId && m_sendQueue.messagesOf(id).isEmpty()) {
                closeConversation(id);
                break;
            }
        }
    }
    return c;
}

void Workspace::touch(qint64 dialogId)
{
    m_recent.removeAll(dialogId);
    m_recent.append(dialogId);
    updateLive();
}

void Workspace::updateLive()
{
    const QList<qint64> live = m_recent.mid(std::max<qsizetype>(0, m_recent.size() - LivePages));
    m_open.setLive(QSet<qint64>(live.begin(), live.end()));
}

void Workspace::closeConversation(qint64 dialogId)
{
    m_recent.removeAll(dialogId);
    updateLive();
    Q_EMIT closing(dialogId);
    m_open.remove(dialogId);
}

} // namespace era::desk
