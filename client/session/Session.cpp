#include "session/Session.h"

#include "auth/TokenVault.h"
#include "model/EmojiModel.h"
#include "model/TextFormat.h"
#include "net/RestClient.h"
#include "session/SendQueue.h"

#include <QClipboard>
#include <QCryptographicHash>
#include <QGuiApplication>
#include <QJSEngine>
#include <QLoggingCategory>
#include <QQmlEngine>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcSession, "era.desk.session")

namespace era::desk {

namespace {
Session *s_instance = nullptr;

QString cacheDir()
{
    const QString fromEnv = qEnvironmentVariable("ERA_DESK_CACHE_DIR");
    return fromEnv.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + u"/files"_s
                             : fromEnv;
}
} // namespace

Session::Session(QObject *parent)
    : QObject(parent), m_settings(std::make_unique<DeskSettings>()),
      m_credentials(std::make_shared<Credentials>()),
      m_rest(std::make_unique<RestClient>(m_credentials, cacheDir())),
      m_connection(std::make_unique<ServerConnection>()),
      m_sendQueue(std::make_unique<SendQueue>(*m_connection, *m_rest)),
      m_workspace(std::make_unique<Workspace>(*m_connection, *m_sendQueue)),
      m_vault(std::make_unique<TokenVault>(u"era-desk"_s, m_settings->store())),
      m_notifier(std::make_unique<Notifier>()), m_files(std::make_unique<FileTransfers>(*m_rest->network()))
{
    if (!s_instance)
        s_instance = this;
    m_connection->setClientName(u"era-desk/" ERA_VERSION ""_s);
    m_vault->setPlaintextAllowed(m_settings->plaintextTokenAllowed());
    m_notifier->setDesktopEnabled(m_settings->notificationsEnabled());
    m_notifier->setSoundEnabled(m_settings->soundsEnabled());
    connect(m_settings.get(), &DeskSettings::changed, this, [this] {
        m_notifier->setDesktopEnabled(m_settings->notificationsEnabled());
        m_notifier->setSoundEnabled(m_settings->soundsEnabled());
    });
    connect(m_settings.get(), &DeskSettings::plaintextTokenAllowedChanged, this, [this] {
        m_vault->setPlaintextAllowed(m_settings->plaintextTokenAllowed());
        if (m_settings->plaintextTokenAllowed() && !m_credentials->token().isEmpty() &&
            m_settings->rememberMe())
            m_vault->write(accountKey(), m_credentials->token(), this, [this](const TokenVault::Outcome &o) {
                setKeychainNote(o.place == TokenVault::Place::PlainFile
                                    ? tr("Your login is kept in a plain file, as you allowed.")
                                    : QString());
            });
    });

    m_openingTimer.setSingleShot(true);
    m_openingTimer.setInterval(250);
    connect(&m_openingTimer, &QTimer::timeout, this, [this] { show(m_opening); });

    m_offers.setSourceModel(m_workspace->dialogs());
    m_offers.setFilterRole(DialogListModel::SectionRole);
    m_offers.setFilterFixedString(u"offered"_s);

    m_now = QDateTime::currentDateTimeUtc();
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, [this] {
        m_now = QDateTime::currentDateTimeUtc();
        Q_EMIT nowChanged();
        if (m_current && m_notifier->onScreen(m_current->dialogId()) && m_connection->isReady())
            m_current->markRead();
    });
    m_clock.start();

    connect(m_connection.get(), &ServerConnection::ready, this,
            [this](bool reload, qint64, const QJsonObject &hello) { onReady(reload, hello); });
    connect(m_connection.get(), &ServerConnection::eventReceived, this,
            [this](qint64, const QString &name, const QJsonObject &data) {
                m_workspace->applyEvent(name, data);
            });
    connect(m_connection.get(), &ServerConnection::stateChanged, this, [this](ServerConnection::State s) {
        if (s == ServerConnection::State::Ready)
            return;
        m_workspace->connectionLost();
        m_connection->setResumable(m_workspace->hasState());
        if (m_state == State::Online)
            setState(State::Reconnecting);
        else
            Q_EMIT stateChanged(); // the status text follows the connection
    });
    connect(m_connection.get(), &ServerConnection::disconnected, this,
            [this](const QString &reason) { m_lastDisconnect = reason; });
    connect(m_connection.get(), &ServerConnection::sessionEnded, this,
            [this](const QString &code, const QString &message) {
                m_vault->remove(accountKey());
                endSession(code == u"token_expired"_s ? tr("Your session has expired. Please log in again.")
                           : code == u"user_disabled"_s
                               ? tr("This account is disabled.")
                               : tr("Your session has ended (%1). Please log in again.").arg(message));
            });
    connect(m_connection.get(), &ServerConnection::loggedOut, this, [this] { endSession({}); });
    wireWorkspace();

    connect(m_sendQueue.get(), &SendQueue::changed, this, &Session::unsentCountChanged);
    connect(m_sendQueue.get(), &SendQueue::stored, this, &Session::unsentCountChanged);
    connect(m_sendQueue.get(), &SendQueue::removed, this, &Session::unsentCountChanged);

    connect(m_notifier.get(), &Notifier::activated, this, [this](qint64 dialogId) {
        if (dialogId > 0)
            openDialog(dialogId);
        Q_EMIT raiseRequested();
    });
    connect(m_notifier.get(), &Notifier::windowChanged, this, [this] {
        if (m_current && m_notifier->onScreen(m_current->dialogId())) {
            m_current->markRead();
            m_notifier->seen(m_current->dialogId());
        }
    });
}

Session::~Session()
{
    if (s_instance == this)
        s_instance = nullptr;
}

Session *Session::instance()
{
    return s_instance;
}

Session *Session::create(QQmlEngine *, QJSEngine *)
{
    Session *s = instance();
    QJSEngine::setObjectOwnership(s, QJSEngine::CppOwnership);
    return s;
}

void Session::wireWorkspace()
{
    Workspace *w = m_workspace.get();
    connect(w, &Workspace::reloaded, this, [this] {
        m_connection->setResumable(m_workspace->hasState());
        if (m_connection->isReady())
            setState(State::Online);
        m_sendQueue->pump();
    });
    connect(w, &Workspace::offered, this,
            [this](qint64 dialogId, const QString &customer, const QString &preview, int timeoutSec) {
                m_notifier->offer(dialogId, customer, preview, timeoutSec);
                Q_EMIT offerArrived(dialogId);
            });
    connect(w, &Workspace::offerGone, m_notifier.get(), &Notifier::offerGone);
    connect(w, &Workspace::incoming, this,
            [this](qint64 dialogId, const QString &customer, const QString &preview) {
                if (m_current && m_current->dialogId() == dialogId && m_notifier->onScreen(dialogId))
                    m_current->markRead();
                else
                    m_notifier->message(dialogId, customer, preview);
            });
    connect(w, &Workspace::read, m_notifier.get(), &Notifier::seen);
    connect(w, &Workspace::presenceChanged, this, [this](qint64 userId, const QString &presence) {
        if (userId == m_workspace->me() && presence != m_presence) {
            m_presence = presence;
            Q_EMIT presenceChanged();
        }
    });
    connect(w, &Workspace::userUpdated, this, &Session::applyUser);
    connect(w, &Workspace::closing, this, [this](qint64 dialogId) {
        if (m_opening && m_opening->dialogId() == dialogId)
            show(nullptr);
        if (m_current && m_current->dialogId() == dialogId) {
            m_current = nullptr;
            m_notifier->setCurrentDialog(0);
            Q_EMIT currentChanged();
        }
    });
    connect(w, &Workspace::dialogLeft, this,
            [this](qint64 dialogId, const QString &customer, const QString &why) {
                Q_UNUSED(dialogId);
                Q_EMIT notice(tr("The dialog with %1: %2").arg(customer, why));
            });
}

QString Session::statusText() const
{
    switch (m_state) {
    case State::LoggedOut:
        return tr("Not signed in");
    case State::LoggingIn:
        return tr("Signing in…");
    case State::Connecting:
        return tr("Connecting to %1…").arg(m_server.host());
    case State::Online:
        return tr("Connected");
    case State::Reconnecting: {
        const int inMs = m_connection->retryInMs();
        const QString why = m_lastDisconnect.isEmpty() ? QString() : u" ("_s + m_lastDisconnect + u")"_s;
        return inMs > 0 ? tr("Connection lost%1. Retrying in %n s…", nullptr, (inMs + 999) / 1000).arg(why)
                        : tr("Reconnecting…");
    }
    }
    return {};
}

QVariantMap Session::user() const
{
    return {{u"id"_s, m_user.value(u"id"_s).toInteger()},
            {u"login"_s, m_user.value(u"login"_s).toString()},
            {u"displayName"_s, m_user.value(u"display_name"_s).toString()},
            {u"role"_s, m_user.value(u"role"_s).toString()}};
}

int Session::unsentCount() const
{
    return m_sendQueue->size();
}

void Session::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    Q_EMIT stateChanged();
}

void Session::setLoginError(const QString &error)
{
    if (error == m_loginError)
        return;
    m_loginError = error;
    Q_EMIT loginErrorChanged();
}

void Session::setKeychainNote(const QString &note)
{
    if (note == m_keychainNote)
        return;
    m_keychainNote = note;
    Q_EMIT keychainNoteChanged();
}

QString Session::accountKey() const
{
    return m_server.toString() + u"|"_s + m_settings->login();
}

void Session::login(const QString &server, const QString &login, const QString &password, bool remember)
{
    const QUrl url = RestClient::normalizeServerUrl(server);
    if (!url.isValid()) {
        setLoginError(tr("Enter the server address, e.g. https://era.example.com"));
        return;
    }
    if (login.trimmed().isEmpty() || password.isEmpty()) {
        setLoginError(tr("Enter your login and password"));
        return;
    }
    setLoginError({});
    setState(State::LoggingIn);
    m_rest->login(url, login.trimmed(), password, this, [this, url, remember](const CommandReply &r) {
        if (!r.ok) {
            setState(State::LoggedOut);
            if (r.code == u"bad_credentials"_s)
                setLoginError(tr("Wrong login or password"));
            else if (r.code == u"too_many_attempts"_s)
                setLoginError(tr("Too many attempts. Try again in %n s", nullptr,
                                 std::max(1, r.error.value(u"retry_after"_s).toInt())));
            else if (r.code == u"user_disabled"_s)
                setLoginError(tr("This account is disabled"));
            else if (r.code == u"unreachable"_s)
                setLoginError(tr("Cannot reach the server at %1: %2").arg(url.toDisplayString(), r.message));
            else if (r.code == u"tls_error"_s)
                setLoginError(tr("The secure connection to %1 failed: %2").arg(url.host(), r.message));
            else
                setLoginError(r.message.isEmpty() ? r.code : r.message);
            return;
        }
        const QString token = r.result.value(u"token"_s).toString();
        const QJsonObject user = r.result.value(u"user"_s).toObject();
        const bool wasRemembered = m_settings->rememberMe();
        m_settings->setServerUrl(url.toString());
        m_settings->setLogin(user.value(u"login"_s).toString());
        m_settings->setRememberMe(remember);
        m_server = url;
        if (remember) {
            m_vault->write(accountKey(), token, this, [this](const TokenVault::Outcome &o) {
                if (o.place == TokenVault::Place::Keychain)
                    setKeychainNote({});
                else if (o.place == TokenVault::Place::PlainFile)
                    setKeychainNote(tr("No keychain answered; your login is kept in a plain file, as you "
                                       "allowed."));
                else
                    setKeychainNote(tr("No keychain is available (%1), so your login is not remembered. "
                                       "You can allow keeping it in a plain file in Settings.")
                                        .arg(o.error));
            });
        } else if (wasRemembered) {
            m_vault->remove(accountKey()); // an earlier "remember me" goes (no keychain prompt otherwise)
        }
        startSession(url, token, user);
    });
}

void Session::restore()
{
    const QUrl url = RestClient::normalizeServerUrl(m_settings->serverUrl());
    if (!m_settings->rememberMe() || m_settings->login().isEmpty() || !url.isValid())
        return;
    m_server = url;
    setState(State::Connecting);
    m_vault->read(accountKey(), this, [this, url](const TokenVault::Outcome &o) {
        if (o.token.isEmpty()) {
            if (!o.ok)
                setKeychainNote(tr("The keychain did not answer (%1); please log in.").arg(o.error));
            setState(State::LoggedOut);
            return;
        }
        startSession(url, o.token, {});
    });
}

void Session::startSession(const QUrl &server, const QString &token, const QJsonObject &user)
{
    m_server = server;
    m_credentials->set(server, token);
    m_files->setServer(server);
    m_workspace->setServer(server);
    m_workspace->clear();
    if (!user.isEmpty())
        applyUser(user);
    const QString account = QString::fromLatin1(
        QCryptographicHash::hash(accountKey().toUtf8(), QCryptographicHash::Sha256).toHex().left(16));
    m_sendQueue->setStorageFile(DeskSettings::configDir() + u"/outbox-"_s + account + u".json"_s);
    m_workspace->setDraftStore(m_settings->store(), u"drafts-"_s + account);
    m_presence = m_settings->store()->value(u"session/presence"_s, u"online"_s).toString();
    Q_EMIT presenceChanged();
    m_connection->setServer(server);
    m_connection->setToken(token);
    m_connection->setResumable(false);
    m_connection->setCursor(0);
    setState(State::Connecting);
    Q_EMIT userChanged();
    Q_EMIT unsentCountChanged();
    m_connection->start();
}

void Session::endSession(const QString &why)
{
    m_connection->stop();
    m_workspace->clear();
    m_sendQueue->setStorageFile({}); // what was not sent stays in its file for the next login
    m_notifier->clear();
    m_credentials->set(m_server, {});
    if (m_current) {
        m_current = nullptr;
        Q_EMIT currentChanged();
    }
    setLoginError(why);
    setState(State::LoggedOut);
    Q_EMIT unsentCountChanged();
}

void Session::applyUser(const QJsonObject &user)
{
    if (user.isEmpty())
        return;
    m_user = user;
    m_workspace->setUser(user);
    Q_EMIT userChanged();
}

void Session::onReady(bool reload, const QJsonObject &hello)
{
    applyUser(hello.value(u"user"_s).toObject());
    if (reload)
        m_workspace->reload();
    else
        setState(State::Online);
    // Presence lives in the server's memory: say it again after every connection (a restart forgets it).
    const QString wanted = m_settings->store()->value(u"session/presence"_s, u"online"_s).toString();
    m_connection->call(u"presence.set"_s, {{u"presence"_s, wanted}}, this, [this](const CommandReply &r) {
        if (!r.ok)
            return;
        m_presence = r.result.value(u"presence"_s).toString();
        m_capacity = r.result.value(u"capacity"_s).toInt();
        Q_EMIT presenceChanged();
    });
    m_sendQueue->pump();
}

void Session::logout()
{
    if (m_settings->rememberMe())
        m_vault->remove(accountKey());
    if (m_connection->isReady()) {
        m_connection->logout(this, [this](const CommandReply &r) {
            if (!r.ok)
                endSession({});
            // else the server closes with 1000 and loggedOut ends the session
        });
        return;
    }
    if (!m_credentials->token().isEmpty())
        m_rest->logout(nullptr, {});
    endSession({});
}

void Session::command(const QString &name, const QJsonObject &args, const QString &failurePrefix,
                      std::function<void(const QJsonObject &)> done)
{
    m_connection->call(name, args, this, [this, failurePrefix, done](const CommandReply &r) {
        if (!r.ok) {
            QString why = r.message;
            if (r.code == u"not_offered"_s)
                why = tr("the offer is no longer yours");
            else if (r.code == u"offline"_s || r.code == u"connection_lost"_s)
                why = tr("not connected to the server");
            Q_EMIT notice(failurePrefix + u": "_s + why);
            return;
        }
        if (done)
            done(r.result);
    });
}

void Session::setTrayAvailable(bool available)
{
    if (available == m_trayAvailable)
        return;
    m_trayAvailable = available;
    Q_EMIT trayAvailableChanged();
}

void Session::setPresence(const QString &presence)
{
    if (presence != u"online"_s && presence != u"away"_s && presence != u"offline"_s)
        return;
    m_settings->store()->setValue(u"session/presence"_s, presence);
    if (!m_connection->isReady()) {
        m_presence = presence;
        Q_EMIT presenceChanged();
        return;
    }
    command(u"presence.set"_s, {{u"presence"_s, presence}}, tr("Could not change your status"),
            [this](const QJsonObject &result) {
                m_presence = result.value(u"presence"_s).toString();
                m_capacity = result.value(u"capacity"_s).toInt();
                Q_EMIT presenceChanged();
            });
}

void Session::openDialog(qint64 dialogId)
{
    if (dialogId <= 0)
        return;
    Conversation *c = m_workspace->conversation(dialogId);
    m_workspace->touch(dialogId);
    // A conversation still loading is shown when its first page is there (the server answers in a few
    // milliseconds): painting an empty page first would cost a frame, and a frame is not cheap without a GPU.
    if (c->shown() || !m_connection->isReady()) {
        show(c);
        return;
    }
    if (m_opening)
        m_opening->disconnect(this);
    m_opening = c;
    connect(c, &Conversation::firstPageDone, this, [this, c] {
        if (m_opening == c)
            show(c);
    });
    m_openingTimer.start();
}

void Session::show(Conversation *c)
{
    m_openingTimer.stop();
    if (m_opening)
        m_opening->disconnect(this);
    m_opening = nullptr;
    if (!c)
        return;
    if (c != m_current) {
        m_current = c;
        Q_EMIT currentChanged();
    }
    m_notifier->setCurrentDialog(c->dialogId());
    if (m_notifier->onScreen(c->dialogId())) {
        c->markRead();
        m_notifier->seen(c->dialogId());
    }
}

void Session::closeDialog(qint64 dialogId)
{
    m_workspace->closeConversation(dialogId);
}

void Session::showNext(int step)
{
    const qint64 next = dialogs()->neighbour(currentDialogId(), step);
    if (next > 0)
        openDialog(next);
}

void Session::accept(qint64 dialogId)
{
    command(u"dialog.accept"_s, {{u"dialog_id"_s, dialogId}}, tr("Could not accept the dialog"),
            [this, dialogId](const QJsonObject &) { openDialog(dialogId); });
}

void Session::acceptFirstOffer()
{
    for (qint64 id : dialogs()->ids()) {
        const DialogSummary *d = dialogs()->find(id);
        if (d && d->section == DialogSummary::Section::Offered) {
            accept(id);
            return;
        }
    }
}

void Session::decline(qint64 dialogId)
{
    command(u"dialog.decline"_s, {{u"dialog_id"_s, dialogId}}, tr("Could not decline the dialog"));
}

void Session::finish(qint64 dialogId)
{
    command(u"dialog.finish"_s, {{u"dialog_id"_s, dialogId}}, tr("Could not finish the dialog"),
            [this, dialogId](const QJsonObject &) {
                Q_EMIT notice(tr("Dialog finished"));
                if (currentDialogId() == dialogId) {
                    const qint64 next = dialogs()->neighbour(dialogId, 1);
                    if (next > 0 && next != dialogId)
                        openDialog(next);
                }
            });
}

void Session::transferToQueue(qint64 dialogId, qint64 queueId)
{
    command(u"dialog.transfer"_s, {{u"dialog_id"_s, dialogId}, {u"queue_id"_s, queueId}},
            tr("Could not transfer the dialog"), [this, queueId](const QJsonObject &) {
                Q_EMIT notice(tr("Transferred to the queue %1").arg(queues()->nameOf(queueId)));
            });
}

void Session::transferToOperator(qint64 dialogId, qint64 operatorId)
{
    command(u"dialog.transfer"_s, {{u"dialog_id"_s, dialogId}, {u"operator_id"_s, operatorId}},
            tr("Could not transfer the dialog"), [this, operatorId](const QJsonObject &) {
                Q_EMIT notice(tr("Transferred to %1").arg(operators()->nameOf(operatorId)));
            });
}

void Session::refreshOperators()
{
    m_connection->call(u"operators.list"_s, {}, this, [this](const CommandReply &r) {
        if (r.ok)
            operators()->reset(r.result.value(u"operators"_s).toArray());
    });
}

QStringList Session::quickReactions() const
{
    return EmojiModel::quickReactions();
}

QString Session::waitedSince(const QDateTime &since) const
{
    return since.isValid() ? format::waited(since.msecsTo(m_now)) : QString();
}

int Session::secondsUntil(const QDateTime &when) const
{
    return when.isValid() ? int(std::max<qint64>(0, m_now.secsTo(when))) : 0;
}

QString Session::fileSizeText(qint64 bytes) const
{
    return format::size(bytes);
}

QString Session::operatorName(qint64 userId, int revision) const
{
    Q_UNUSED(revision);
    return m_workspace->nameOf(u"user:%1"_s.arg(userId));
}

QString Session::initials(const QString &name) const
{
    return format::initials(name);
}

void Session::copyText(const QString &text) const
{
    if (QClipboard *clipboard = QGuiApplication::clipboard())
        clipboard->setText(text);
}

} // namespace era::desk
