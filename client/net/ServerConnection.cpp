#include "net/ServerConnection.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <era/protocol/Protocol.h>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcConnection, "era.desk.connection")

namespace era::desk {

namespace {
constexpr int ConnectTimeoutMs = 10000;
constexpr int HeartbeatTickMs = 1000;

bool endsSession(const QString &code)
{
    return code == u"unauthorized"_s || code == u"token_revoked"_s || code == u"token_expired"_s ||
           code == u"user_disabled"_s || code == u"unsupported_protocol"_s;
}
} // namespace

bool CommandReply::transient() const
{
    static const QStringList codes{u"offline"_s,  u"connection_lost"_s, u"shutting_down"_s, u"busy"_s,
                                   u"internal"_s, u"sql_error"_s,       u"io_error"_s,      u"timeout"_s};
    return !ok && codes.contains(code);
}

ServerConnection::ServerConnection(QObject *parent) : QObject(parent)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &ServerConnection::connectNow);
    m_heartbeat.setInterval(HeartbeatTickMs);
    connect(&m_heartbeat, &QTimer::timeout, this, &ServerConnection::checkSilence);
}

ServerConnection::~ServerConnection()
{
    m_running = false;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        delete m_socket;
    }
}

void ServerConnection::setServer(const QUrl &base)
{
    QUrl ws = base;
    ws.setScheme(base.scheme() == u"https"_s ? u"wss"_s : u"ws"_s);
    ws.setPath(u"/api/v1/ws"_s);
    ws.setQuery(QString());
    ws.setFragment(QString());
    m_wsUrl = ws;
}

void ServerConnection::setToken(const QString &token)
{
    m_token = token;
}

void ServerConnection::start()
{
    m_running = true;
    m_loggingOut = false;
    m_endCode.clear();
    m_attempt = 0;
    m_retryTimer.stop();
    if (m_state == State::Idle || m_state == State::WaitingToRetry)
        connectNow();
}

void ServerConnection::stop()
{
    m_running = false;
    m_retryTimer.stop();
    m_heartbeat.stop();
    failPending(u"offline"_s, tr("Not connected to the server"));
    if (m_socket) {
        QWebSocket *socket = m_socket;
        m_socket = nullptr;
        socket->disconnect(this);
        socket->close(QWebSocketProtocol::CloseCodeNormal);
        socket->deleteLater();
    }
    setState(State::Idle);
}

int ServerConnection::retryInMs() const
{
    return m_state == State::WaitingToRetry ? std::max(0, m_retryTimer.remainingTime()) : 0;
}

void ServerConnection::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void ServerConnection::connectNow()
{
    if (!m_running)
        return;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
    }
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    QWebSocket *socket = m_socket;
    connect(socket, &QWebSocket::connected, this, &ServerConnection::onConnected);
    connect(socket, &QWebSocket::textMessageReceived, this, &ServerConnection::onText);
    connect(socket, &QWebSocket::disconnected, this, [this, socket] {
        if (socket == m_socket)
            handleClosed();
    });
    connect(socket, &QWebSocket::pong, this, [this] { m_sinceTraffic.restart(); });
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this, socket](QAbstractSocket::SocketError) {
                // A failed connect may end without `disconnected`; handle it once, for the current socket
                // only.
                if (socket == m_socket &&
                    (m_state == State::Connecting || m_state == State::Authenticating) &&
                    socket->state() == QAbstractSocket::UnconnectedState)
                    handleClosed();
            });
    setState(State::Connecting);
    m_sinceTraffic.restart();
    m_heartbeat.start();
    qCDebug(lcConnection) << "connecting to" << m_wsUrl.toDisplayString();
    socket->open(m_wsUrl);
}

void ServerConnection::onConnected()
{
    if (sender() != m_socket)
        return;
    setState(State::Authenticating);
    m_sinceTraffic.restart();
    QJsonObject args{{u"protocol"_s, protocol::Version}, {u"token"_s, m_token}};
    if (!m_clientName.isEmpty())
        args.insert(u"client"_s, m_clientName);
    const bool resume = m_resumable && m_cursor > 0;
    if (resume)
        args.insert(u"since"_s, m_cursor);
    m_helloResumes = resume;
    const QString id = sendFrame(u"hello"_s, args);
    m_pending.insert(
        id, Pending{QPointer<QObject>(this), true, [this](const CommandReply &r) { onHelloReply(r); }});
}

void ServerConnection::onHelloReply(const CommandReply &reply)
{
    if (!reply.ok) {
        qCWarning(lcConnection) << "hello refused:" << reply.code << reply.message;
        if (endsSession(reply.code)) {
            m_endCode = reply.code;
            m_running = false;
            Q_EMIT sessionEnded(reply.code, reply.message);
        }
        return; // the server closes the connection; handleClosed decides what follows
    }
    const QJsonObject hello = reply.result;
    m_hello = hello;
    m_attempt = 0;
    const bool reload = !m_helloResumes || hello.value(u"resync_required"_s).toBool();
    const qint64 lastSeq = hello.value(u"last_seq"_s).toInteger();
    if (reload)
        m_cursor = lastSeq;
    setState(State::Ready);
    Q_EMIT ready(reload, lastSeq, hello);
}

QString ServerConnection::sendFrame(const QString &name, const QJsonObject &args)
{
    const QString id = QString::number(++m_nextId);
    QJsonObject frame{
        {u"type"_s, QString::fromLatin1(protocol::FrameCommand)}, {u"id"_s, id}, {u"name"_s, name}};
    if (!args.isEmpty())
        frame.insert(u"args"_s, args);
    m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
    return id;
}

void ServerConnection::call(const QString &name, const QJsonObject &args, QObject *context, Callback done)
{
    if (m_state != State::Ready || !m_socket) {
        if (done) {
            CommandReply r;
            r.code = u"offline"_s;
            r.message = tr("Not connected to the server");
            // Asynchronously, like a real reply, so callers need not handle re-entrancy.
            QMetaObject::invokeMethod(
                this,
                [r, done = std::move(done), ctx = QPointer<QObject>(context), has = context != nullptr] {
                    if (!has || ctx)
                        done(r);
                },
                Qt::QueuedConnection);
        }
        return;
    }
    const QString id = sendFrame(name, args);
    if (done)
        m_pending.insert(id, Pending{QPointer<QObject>(context), context != nullptr, std::move(done)});
}

void ServerConnection::onText(const QString &text)
{
    if (sender() != m_socket)
        return;
    m_sinceTraffic.restart();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (!doc.isObject()) {
        qCWarning(lcConnection) << "ignoring a frame that is not a JSON object:" << error.errorString();
        return;
    }
    const QJsonObject frame = doc.object();
    const QString type = frame.value(u"type"_s).toString();
    if (type == QLatin1String(protocol::FrameEvent)) {
        const qint64 seq = frame.value(u"seq"_s).toInteger();
        if (seq <= m_cursor) {
            qCDebug(lcConnection) << "dropping an event already seen, seq" << seq;
            return;
        }
        m_cursor = seq;
        Q_EMIT eventReceived(seq, frame.value(u"name"_s).toString(), frame.value(u"data"_s).toObject());
        return;
    }
    if (type != QLatin1String(protocol::FrameReply))
        return;
    const QJsonValue idValue = frame.value(u"id"_s);
    const QString id = idValue.isString() ? idValue.toString() : QString::number(idValue.toInteger());
    auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;
    Pending pending = std::move(it.value());
    m_pending.erase(it);
    CommandReply reply;
    reply.ok = frame.value(u"ok"_s).toBool();
    reply.result = frame.value(u"result"_s).toObject();
    reply.error = frame.value(u"error"_s).toObject();
    reply.code = reply.error.value(u"code"_s).toString();
    reply.message = reply.error.value(u"message"_s).toString();
    if (pending.done && (!pending.hasContext || pending.context))
        pending.done(reply);
}

void ServerConnection::failPending(const QString &code, const QString &message)
{
    const auto pending = std::exchange(m_pending, {});
    CommandReply reply;
    reply.code = code;
    reply.message = message;
    for (const Pending &p : pending) {
        if (p.done && (!p.hasContext || p.context))
            p.done(reply);
    }
}

void ServerConnection::handleClosed()
{
    QWebSocket *socket = m_socket;
    if (!socket)
        return;
    m_socket = nullptr;
    socket->disconnect(this);
    socket->deleteLater();
    m_heartbeat.stop();
    const int code = socket->closeCode();
    QString reason = socket->closeReason();
    if (reason.isEmpty())
        reason = socket->errorString();
    failPending(u"connection_lost"_s, tr("The connection to the server was lost"));
    qCInfo(lcConnection) << "disconnected, code" << code << reason;
    Q_EMIT disconnected(reason);

    if (!m_running) {
        setState(State::Idle);
        return;
    }
    // Qt reports 1000 also when the connection just broke, so only our own logout counts as one.
    if (code == QWebSocketProtocol::CloseCodeNormal && std::exchange(m_loggingOut, false)) {
        m_running = false;
        setState(State::Idle);
        Q_EMIT loggedOut();
        return;
    }
    switch (code) {
    case 4001:
    case 4002:
    case 4003:
        m_running = false;
        setState(State::Idle);
        Q_EMIT sessionEnded(code == 4003   ? u"token_revoked"_s
                            : code == 4002 ? u"unsupported_protocol"_s
                                           : u"unauthorized"_s,
                            reason);
        return;
    default:
        scheduleRetry(reason);
    }
}

void ServerConnection::scheduleRetry(const QString &reason)
{
    const int delay = m_backoff.delayMs(m_attempt++);
    setState(State::WaitingToRetry);
    m_retryTimer.start(delay);
    Q_EMIT retryScheduled(delay, reason);
}

void ServerConnection::checkSilence()
{
    if (!m_socket)
        return;
    const qint64 silent = m_sinceTraffic.elapsed();
    if (m_state == State::Connecting || m_state == State::Authenticating) {
        if (silent > ConnectTimeoutMs) {
            qCWarning(lcConnection) << "no answer from" << m_wsUrl.toDisplayString() << "within"
                                    << ConnectTimeoutMs << "ms";
            m_socket->abort();
            handleClosed();
        }
        return;
    }
    const qint64 interval = std::max<qint64>(2, m_hello.value(u"heartbeat_interval"_s).toInteger(30)) * 1000;
    if (silent > interval * 3 / 2) {
        qCWarning(lcConnection) << "the server has been silent for" << silent << "ms; reconnecting";
        m_socket->abort();
        handleClosed();
    } else if (silent > interval / 2 && silent % (interval / 2) < HeartbeatTickMs) {
        m_socket->ping();
    }
}

void ServerConnection::logout(QObject *context, Callback done)
{
    m_loggingOut = true;
    call(u"logout"_s, {}, context, [this, done](const CommandReply &r) {
        if (!r.ok)
            m_loggingOut = false;
        if (done)
            done(r);
    });
}

void ServerConnection::abortForTest()
{
    if (m_socket)
        m_socket->abort();
}

} // namespace era::desk
