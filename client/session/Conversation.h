#pragma once

#include "model/MessageListModel.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace era::desk {

class ServerConnection;
class SendQueue;
struct OutgoingMessage;

// One dialog opened on the desk: its messages (paged), the customer, the draft, the message being replied
// to and where its view was scrolled. Kept while the operator switches between dialogs (the recently shown
// ones keep their view drawn too), so coming back is instant and nothing typed is lost.
class Conversation : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the session opens conversations")
    Q_PROPERTY(qint64 dialogId READ dialogId CONSTANT)
    Q_PROPERTY(era::desk::MessageListModel *messages READ messages CONSTANT)
    Q_PROPERTY(QString title READ title NOTIFY infoChanged)
    Q_PROPERTY(QString channelKind READ channelKind NOTIFY infoChanged)
    Q_PROPERTY(QString channelName READ channelName NOTIFY infoChanged)
    Q_PROPERTY(QString state READ state NOTIFY infoChanged)
    Q_PROPERTY(bool canWrite READ canWrite NOTIFY infoChanged)
    Q_PROPERTY(bool offered READ offered NOTIFY infoChanged)
    Q_PROPERTY(qint64 operatorId READ operatorId NOTIFY infoChanged)
    Q_PROPERTY(int queuePosition READ queuePosition NOTIFY infoChanged)
    Q_PROPERTY(QVariantMap subscriber READ subscriber NOTIFY infoChanged)
    Q_PROPERTY(QVariantList earlierDialogs READ earlierDialogs NOTIFY infoChanged)
    Q_PROPERTY(QString openedAtText READ openedAtText NOTIFY infoChanged)
    Q_PROPERTY(bool loading READ loading NOTIFY loadingChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString draft READ draft WRITE setDraft NOTIFY draftChanged)
    Q_PROPERTY(qint64 replyToId READ replyToId NOTIFY replyChanged)
    Q_PROPERTY(QString replyToAuthor READ replyToAuthor NOTIFY replyChanged)
    Q_PROPERTY(QString replyToSnippet READ replyToSnippet NOTIFY replyChanged)
    // Where its view was scrolled when its page was let go (only the recently shown ones stay drawn).
    Q_PROPERTY(QVariantMap viewState READ viewState WRITE setViewState NOTIFY viewStateChanged)
public:
    struct Context {
        ServerConnection *connection = nullptr;
        SendQueue *sendQueue = nullptr;
        qint64 me = 0;
        QUrl server;
        MessageListModel::NameResolver names;
    };

    Conversation(qint64 dialogId, Context context, QObject *parent = nullptr);

    qint64 dialogId() const { return m_dialogId; }
    MessageListModel *messages() { return &m_messages; }
    QString title() const;
    QString channelKind() const { return m_channel.value(u"kind").toString(); }
    QString channelName() const { return m_channel.value(u"name").toString(); }
    QString state() const { return m_dialog.value(u"state").toString(); }
    bool canWrite() const;
    bool offered() const { return m_offered; }
    qint64 operatorId() const { return m_dialog.value(u"operator_id").toInteger(); }
    int queuePosition() const { return m_dialog.value(u"queue_position").toInt(); }
    QVariantMap subscriber() const;
    QVariantList earlierDialogs() const;
    QString openedAtText() const;
    bool loading() const { return m_loading; }
    // The first page has been answered (with messages or an error): the view has something to show.
    bool shown() const { return m_firstPageDone; }
    QString error() const { return m_error; }
    QString draft() const { return m_draft; }
    void setDraft(const QString &draft);
    qint64 replyToId() const { return m_replyTo; }
    QString replyToAuthor() const { return m_replyAuthor; }
    QString replyToSnippet() const { return m_replySnippet; }
    QVariantMap viewState() const { return m_viewState; }
    void setViewState(const QVariantMap &state);

    // Loads the dialog, the customer and the newest page (again after a reconnect that lost events).
    void load();
    void setOffered(bool offered);
    // The events of docs/protocol.md 6.5 that concern this dialog.
    void applyEvent(const QString &name, const QJsonObject &data);
    void applyOutgoing(const OutgoingMessage &message);
    void outgoingRemoved(const QString &clientId);
    void setDraftSilently(const QString &draft) { m_draft = draft; }

    // Sends the text (with the reply quote, if one is set); empty or blank text is ignored.
    Q_INVOKABLE bool send(const QString &text);
    // Sends local files: pictures as images, anything else as documents.
    Q_INVOKABLE int sendFiles(const QList<QUrl> &files, const QString &caption = {});
    // Sends the image on the clipboard, if there is one.
    Q_INVOKABLE bool pasteImage();
    Q_INVOKABLE void startReply(qint64 messageId);
    Q_INVOKABLE void cancelReply();
    // Adds my reaction with this emoji, or takes it back when I had it.
    Q_INVOKABLE void toggleReaction(qint64 messageId, const QString &emoji);
    Q_INVOKABLE void retry(const QString &clientId);
    // Sends a stored message that failed to deliver once more, as a new message.
    Q_INVOKABLE void resend(qint64 messageId);
    Q_INVOKABLE void discard(const QString &clientId);
    // Marks everything up to the newest customer message as read (no-op when nothing is unread).
    Q_INVOKABLE void markRead();
    // Pages back until the message is loaded, then emits `messageShown` with its row.
    Q_INVOKABLE void showMessage(qint64 messageId);

Q_SIGNALS:
    void infoChanged();
    void loadingChanged();
    void errorChanged();
    void draftChanged();
    void replyChanged();
    void messageShown(int row, qint64 messageId);
    void firstPageDone();
    void viewStateChanged();
    // The server accepted my read marker; `unread` is what remains.
    void readMarked(qint64 dialogId, int unread);
    // A new message from the customer arrived (for notifications).
    void incoming(qint64 dialogId, const QString &preview);

private:
    void loadOlder(qint64 beforeId);
    void setLoading(bool loading);
    void setError(const QString &error);
    void addLocalOutgoing();
    DeskMessage localMessage(const OutgoingMessage &m) const;
    QString newClientId() const;

    qint64 m_dialogId;
    Context m_ctx;
    MessageListModel m_messages;
    QJsonObject m_dialog;
    QJsonObject m_subscriber;
    QJsonObject m_channel;
    QJsonArray m_earlier;
    bool m_offered = false;
    bool m_loading = false;
    QString m_error;
    QString m_draft;
    qint64 m_replyTo = 0;
    QString m_replyAuthor;
    QString m_replySnippet;
    qint64 m_showTarget = 0;
    bool m_firstPageDone = false;
    QVariantMap m_viewState;
    qint64 m_readSent = 0;
    int m_generation = 0; // answers to an older load are ignored
};

} // namespace era::desk
