#pragma once

#include "model/DialogListModel.h"
#include "model/OperatorListModel.h"
#include "model/QueueListModel.h"

#include <QAbstractListModel>
#include <QJsonObject>
#include <QObject>
#include <QSettings>
#include <QTimer>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

namespace era::desk {

class Conversation;
class ServerConnection;
class SendQueue;
struct OutgoingMessage;

// The conversations kept open on the desk, most recently shown first; the view keeps one page per entry so
// switching back shows it at once, scrolled where it was.
class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the session owns open conversations")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        ConversationRole = Qt::UserRole + 1, // Conversation*
        DialogIdRole,                        // qint64
        LiveRole,                            // bool: among the recently shown, its page stays drawn
    };
    Q_ENUM(Role)
    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    Conversation *find(qint64 dialogId) const;
    Q_INVOKABLE int rowOf(qint64 dialogId) const;
    void add(Conversation *conversation);
    void remove(qint64 dialogId);
    QList<Conversation *> all() const { return m_rows; }
    void clear();
    void setLive(const QSet<qint64> &dialogIds);

Q_SIGNALS:
    void countChanged();

private:
    QList<Conversation *> m_rows;
    QSet<qint64> m_live;
};

// What the desk knows: the dialog list, colleagues, queues and the open conversations. Loads a snapshot
// after (re)connecting without a replay, and keeps it current from the event stream (docs/protocol.md 6);
// events that arrive while a snapshot loads are held and applied after it, so none is lost or undone.
class Workspace : public QObject {
    Q_OBJECT
public:
    Workspace(ServerConnection &connection, SendQueue &sendQueue, QObject *parent = nullptr);
    ~Workspace() override;

    DialogListModel *dialogs() { return &m_dialogs; }
    OperatorListModel *operators() { return &m_operators; }
    QueueListModel *queues() { return &m_queues; }
    ConversationListModel *openConversations() { return &m_open; }

    void setUser(const QJsonObject &user);
    qint64 me() const { return m_me; }
    bool isStaff() const { return m_staff; }
    void setServer(const QUrl &server) { m_server = server; }
    // Where drafts are kept between runs: a settings group per server and login.
    void setDraftStore(QSettings *store, const QString &group);

    // True once a snapshot has loaded and nothing was missed since: a reconnect may resume.
    bool hasState() const { return m_hasState; }
    // The whole snapshot (and the open conversations' newest pages); `conversationsToo` false refreshes the
    // lists only (an event named a dialog we did not know).
    void reload(bool conversationsToo = true);
    void clear();
    void applyEvent(const QString &name, const QJsonObject &data);
    // The connection dropped: a snapshot that was loading is incomplete.
    void connectionLost();

    // The conversation of a dialog, opened (and loaded) when needed.
    Conversation *conversation(qint64 dialogId);
    // The dialog was shown: the least recently shown conversation is the first to go when too many are open.
    void touch(qint64 dialogId);
    void closeConversation(qint64 dialogId);
    QString nameOf(const QString &actor) const;

Q_SIGNALS:
    void reloaded();
    // A conversation is about to be deleted.
    void closing(qint64 dialogId);
    void offered(qint64 dialogId, const QString &customer, const QString &preview, int timeoutSec);
    void offerGone(qint64 dialogId);
    void incoming(qint64 dialogId, const QString &customer, const QString &preview);
    void read(qint64 dialogId);
    void presenceChanged(qint64 userId, const QString &presence);
    void userUpdated(const QJsonObject &user);
    // A dialog left my hands (finished, transferred, returned, taken back).
    void dialogLeft(qint64 dialogId, const QString &customer, const QString &why);

private:
    // The most recently shown conversations keep their page drawn (ConversationListModel::LiveRole).
    void updateLive();
    void apply(const QString &name, const QJsonObject &data);
    void applyMessage(const QString &name, const QJsonObject &data);
    void applyOutgoing(const OutgoingMessage &message);
    void snapshotPart(bool ok);
    void refreshSoon();
    void trimFinished();
    QString customerName(qint64 dialogId) const;

    ServerConnection &m_connection;
    SendQueue &m_sendQueue;
    DialogListModel m_dialogs;
    OperatorListModel m_operators;
    QueueListModel m_queues;
    ConversationListModel m_open;
    QUrl m_server;
    qint64 m_me = 0;
    bool m_staff = false;
    bool m_hasState = false;
    int m_loadingParts = 0;
    bool m_loadFailed = false;
    bool m_reloadConversations = true;
    int m_generation = 0;
    QList<std::pair<QString, QJsonObject>> m_held;
    QList<qint64> m_recent; // open conversations, the most recently shown last
    QSettings *m_drafts = nullptr;
    QString m_draftGroup;
    QTimer m_refresh; // a light reload of the dialog list after an event about a dialog we do not know
};

} // namespace era::desk
