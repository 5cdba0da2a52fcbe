#pragma once

#include "app/DeskSettings.h"
#include "model/DialogListModel.h"
#include "model/OperatorListModel.h"
#include "model/QueueListModel.h"
#include "net/ServerConnection.h"
#include "notify/Notifier.h"
#include "session/Conversation.h"
#include "session/FileTransfers.h"
#include "session/Workspace.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QSortFilterProxyModel>
#include <QTimer>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>
#include <memory>

class QQmlEngine;
class QJSEngine;

namespace era::desk {

class RestClient;
class SendQueue;
class TokenVault;
class Credentials;

// The desk's one entry point for QML (after NeoChat's RoomManager): it hands out the models as constant
// pointers, takes the operator's intents as invokable methods and asks for UI through signals. It logs in,
// keeps the token in the keychain, stays connected (resuming from the last event), and applies every
// event to the models. QML holds no rules.
class Session : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString statusText READ statusText NOTIFY stateChanged)
    Q_PROPERTY(QString loginError READ loginError NOTIFY loginErrorChanged)
    Q_PROPERTY(QString keychainNote READ keychainNote NOTIFY keychainNoteChanged)
    Q_PROPERTY(QVariantMap user READ user NOTIFY userChanged)
    Q_PROPERTY(bool isStaff READ isStaff NOTIFY userChanged)
    Q_PROPERTY(QString serverUrl READ serverUrl NOTIFY userChanged)
    Q_PROPERTY(QString presence READ presence NOTIFY presenceChanged)
    Q_PROPERTY(int capacity READ capacity NOTIFY presenceChanged)
    Q_PROPERTY(int unsentCount READ unsentCount NOTIFY unsentCountChanged)
    Q_PROPERTY(QDateTime now READ now NOTIFY nowChanged)
    Q_PROPERTY(era::desk::DialogListModel *dialogs READ dialogs CONSTANT)
    Q_PROPERTY(era::desk::OperatorListModel *operators READ operators CONSTANT)
    Q_PROPERTY(era::desk::QueueListModel *queues READ queues CONSTANT)
    Q_PROPERTY(era::desk::ConversationListModel *openConversations READ openConversations CONSTANT)
    // The dialogs offered to me now (the banners), soonest to expire first.
    Q_PROPERTY(QSortFilterProxyModel *offers READ offers CONSTANT)
    Q_PROPERTY(era::desk::Conversation *current READ current NOTIFY currentChanged)
    Q_PROPERTY(qint64 currentDialogId READ currentDialogId NOTIFY currentChanged)
    Q_PROPERTY(era::desk::DeskSettings *settings READ settings CONSTANT)
    Q_PROPERTY(era::desk::Notifier *notifier READ notifier CONSTANT)
    Q_PROPERTY(era::desk::FileTransfers *files READ files CONSTANT)
    // The emoji offered for a one-click reaction under a message.
    Q_PROPERTY(QStringList quickReactions READ quickReactions CONSTANT)
    // The desk has an icon in the system tray (so closing the window can leave it running there).
    Q_PROPERTY(bool trayAvailable READ trayAvailable NOTIFY trayAvailableChanged)
public:
    enum class State {
        LoggedOut,    // the login page
        LoggingIn,    // checking the password
        Connecting,   // a token is known; the first connection is being made
        Online,       // connected, the snapshot loaded
        Reconnecting, // the connection dropped; retrying with back-off, work continues offline
    };
    Q_ENUM(State)

    // No default constructor: Qt 6.4 would then make its own instance for QML instead of calling create().
    explicit Session(QObject *parent);
    ~Session() override;

    // The instance QML gets (main.cpp creates it before the engine loads).
    static Session *instance();
    static Session *create(QQmlEngine *, QJSEngine *);

    State state() const { return m_state; }
    QString statusText() const;
    QString loginError() const { return m_loginError; }
    QString keychainNote() const { return m_keychainNote; }
    QVariantMap user() const;
    bool isStaff() const { return m_workspace->isStaff(); }
    QString serverUrl() const { return m_server.toString(); }
    QString presence() const { return m_presence; }
    int capacity() const { return m_capacity; }
    int unsentCount() const;
    QDateTime now() const { return m_now; }
    DialogListModel *dialogs() { return m_workspace->dialogs(); }
    OperatorListModel *operators() { return m_workspace->operators(); }
    QueueListModel *queues() { return m_workspace->queues(); }
    ConversationListModel *openConversations() { return m_workspace->openConversations(); }
    QSortFilterProxyModel *offers() { return &m_offers; }
    Conversation *current() const { return m_current; }
    qint64 currentDialogId() const { return m_current ? m_current->dialogId() : 0; }
    DeskSettings *settings() { return m_settings.get(); }
    bool trayAvailable() const { return m_trayAvailable; }
    void setTrayAvailable(bool available);
    Notifier *notifier() { return m_notifier.get(); }
    FileTransfers *files() { return m_files.get(); }
    QStringList quickReactions() const;
    ServerConnection *connection() { return m_connection.get(); }
    Workspace *workspace() { return m_workspace.get(); }
    std::shared_ptr<Credentials> credentials() const { return m_credentials; }

    // Logs in with a password; with `remember` the token goes to the keychain.
    Q_INVOKABLE void login(const QString &server, const QString &login, const QString &password,
                           bool remember);
    // Uses the remembered token, if any (at start).
    Q_INVOKABLE void restore();
    Q_INVOKABLE void logout();
    Q_INVOKABLE void setPresence(const QString &presence);
    Q_INVOKABLE void openDialog(qint64 dialogId);
    Q_INVOKABLE void showNext(int step = 1);
    // Forgets the open conversation of the dialog (its page goes); the dialog stays in the list.
    Q_INVOKABLE void closeDialog(qint64 dialogId);
    Q_INVOKABLE void accept(qint64 dialogId);
    // The offer that expires first (keyboard shortcut).
    Q_INVOKABLE void acceptFirstOffer();
    Q_INVOKABLE void decline(qint64 dialogId);
    Q_INVOKABLE void finish(qint64 dialogId);
    Q_INVOKABLE void transferToQueue(qint64 dialogId, qint64 queueId);
    Q_INVOKABLE void transferToOperator(qint64 dialogId, qint64 operatorId);
    Q_INVOKABLE void refreshOperators();
    // "12 min" since that time, against `now`.
    Q_INVOKABLE QString waitedSince(const QDateTime &since) const;
    Q_INVOKABLE int secondsUntil(const QDateTime &when) const;
    Q_INVOKABLE QString fileSizeText(qint64 bytes) const;
    Q_INVOKABLE QString initials(const QString &name) const;
    Q_INVOKABLE void copyText(const QString &text) const;
    // A colleague's name; `revision` lets a binding follow the operator list (pass operators.count).
    Q_INVOKABLE QString operatorName(qint64 userId, int revision = 0) const;

Q_SIGNALS:
    void stateChanged();
    void loginErrorChanged();
    void keychainNoteChanged();
    void userChanged();
    void presenceChanged();
    void unsentCountChanged();
    void nowChanged();
    void currentChanged();
    void trayAvailableChanged();
    // For a short message at the bottom of the window.
    void notice(const QString &text);
    // Bring the window to the front (a notification or the tray was clicked).
    void raiseRequested();
    void offerArrived(qint64 dialogId);

private:
    void setState(State state);
    void setLoginError(const QString &error);
    void setKeychainNote(const QString &note);
    void startSession(const QUrl &server, const QString &token, const QJsonObject &user);
    void endSession(const QString &why);
    void onReady(bool reload, const QJsonObject &hello);
    void command(const QString &name, const QJsonObject &args, const QString &failurePrefix,
                 std::function<void(const QJsonObject &)> done = {});
    QString accountKey() const;
    void applyUser(const QJsonObject &user);
    void show(Conversation *c);
    void wireWorkspace();

    std::unique_ptr<DeskSettings> m_settings;
    std::shared_ptr<Credentials> m_credentials;
    std::unique_ptr<RestClient> m_rest;
    std::unique_ptr<ServerConnection> m_connection;
    std::unique_ptr<SendQueue> m_sendQueue;
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<TokenVault> m_vault;
    std::unique_ptr<Notifier> m_notifier;
    std::unique_ptr<FileTransfers> m_files;
    State m_state = State::LoggedOut;
    QString m_loginError;
    QString m_keychainNote;
    QJsonObject m_user;
    QUrl m_server;
    QString m_presence = QStringLiteral("offline");
    int m_capacity = 0;
    QPointer<Conversation> m_current;
    QPointer<Conversation> m_opening; // asked for, shown once its first page is there (or after a moment)
    QTimer m_openingTimer;
    QSortFilterProxyModel m_offers;
    QDateTime m_now;
    QTimer m_clock;
    QString m_lastDisconnect;
    bool m_trayAvailable = false;
};

} // namespace era::desk
