#include "api/ws/WsSession.h"

#include "accounts/AccountStore.h"
#include "api/ws/Frames.h"
#include "api/ws/Gateway.h"
#include "core/EventBus.h"
#include "core/JsonArgs.h"
#include "core/Metrics.h"
#include "net/WebSocketPeer.h"
#include "storage/Database.h"
#include "storage/EventLog.h"

#include <QDateTime>
#include <QJsonDocument>
#include <era/protocol/Protocol.h>

namespace era::api {

using namespace Qt::StringLiterals;

static constexpr int ReplayPage = 1000;
static constexpr qsizetype MaxHeldBack = 20000;

static bool isRefusal(const Error &e)
{
    static const QStringList refusals{u"unauthorized"_s, u"token_expired"_s, u"token_revoked"_s,
                                      u"user_disabled"_s};
    return refusals.contains(e.code);
}

WsSession::WsSession(Gateway &gateway, net::WebSocketPeer *peer, qint64 helloDeadlineMs)
    : QObject(&gateway), m_gateway(gateway), m_peer(peer), m_helloDeadline(helloDeadlineMs)
{
    connect(peer, &net::WebSocketPeer::textReceived, this, &WsSession::onText);
    connect(peer, &net::WebSocketPeer::closed, this, [this] {
        m_state = State::Closed;
        m_gateway.forget(this);
        deleteLater();
    });
}

WsSession::~WsSession() = default;

void WsSession::send(const QByteArray &frame)
{
    if (m_peer && m_state != State::Closed)
        m_peer->sendText(frame);
}

void WsSession::close(quint16 code, const QString &reason)
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    m_gateway.forget(this);
    if (m_peer)
        m_peer->close(code, reason.toUtf8());
}

void WsSession::closeAfterReplies(quint16 code, const QString &reason)
{
    if (m_pendingClose)
        return;
    if (m_inFlight == 0) {
        close(code, reason);
        return;
    }
    m_pendingClose.emplace(code, reason);
}

void WsSession::sendReply(const QJsonValue &id, const Result<QJsonObject> &result)
{
    send(frames::reply(id, result));
}

void WsSession::onText(const QByteArray &utf8)
{
    if (m_state == State::Closed)
        return;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        sendReply(QJsonValue::Null,
                  Error{u"bad_json"_s, parseError.error != QJsonParseError::NoError
                                           ? u"malformed JSON at offset %1: %2"_s.arg(parseError.offset)
                                                 .arg(parseError.errorString())
                                           : u"a frame must be a JSON object"_s});
        return;
    }
    const QJsonObject frame = doc.object();
    const QJsonValue id = frame.value(u"id"_s);
    if (frame.value(u"type"_s).toString() != QLatin1String(protocol::FrameCommand)) {
        sendReply(id.isString() || id.isDouble() ? id : QJsonValue::Null,
                  Error{u"bad_frame"_s, u"type: clients send only \"cmd\" frames"_s});
        return;
    }
    if (!id.isString() && !id.isDouble()) {
        sendReply(QJsonValue::Null, Error{u"bad_frame"_s, u"id: required, a string or a number"_s});
        return;
    }
    const QJsonValue nameValue = frame.value(u"name"_s);
    const QJsonValue argsValue = frame.value(u"args"_s);
    if (!nameValue.isString()) {
        sendReply(id, Error{u"bad_frame"_s, u"name: required, a string"_s});
        return;
    }
    if (!argsValue.isUndefined() && !argsValue.isObject()) {
        sendReply(id, Error{u"bad_frame"_s, u"args: must be an object"_s});
        return;
    }
    const QString name = nameValue.toString();
    const QJsonObject args = argsValue.toObject();

    if (name == u"hello"_s) {
        if (m_state != State::AwaitingHello) {
            sendReply(id, Error{u"already_authenticated"_s, u"hello was already sent on this connection"_s});
            return;
        }
        hello(id, args);
        return;
    }
    auto command = m_gateway.m_commands.constFind(name);
    if (command == m_gateway.m_commands.cend()) {
        sendReply(id,
                  Error{u"unknown_command"_s, u"no command named '%1' (see docs/protocol.md)"_s.arg(name)});
        return;
    }
    if (m_state != State::Replaying && m_state != State::Live) {
        sendReply(id, Error{u"not_authenticated"_s, u"send hello with a token first"_s});
        return;
    }
    QPointer<WsSession> self(this);
    Metrics &metrics = m_gateway.m_metrics;
    ++m_inFlight;
    (*command)(*this, args, [self, id, name, &metrics](Result<QJsonObject> result) {
        metrics.add("era_ws_commands_total",
                    "name=\"" + name.toUtf8() + "\",ok=\"" + (result ? "true" : "false") + '"');
        if (!self)
            return;
        self->sendReply(id, result);
        if (--self->m_inFlight == 0 && self->m_pendingClose)
            self->close(self->m_pendingClose->first, self->m_pendingClose->second);
    });
}

void WsSession::hello(const QJsonValue &id, const QJsonObject &args)
{
    if (Status s = checkArgs(args, {{u"protocol"_s, ArgSpec::Integer},
                                    {u"token"_s},
                                    {u"since"_s, ArgSpec::Integer, false},
                                    {u"client"_s, ArgSpec::String, false}});
        !s) {
        sendReply(id, s.error());
        return;
    }
    const int version = args.value(u"protocol"_s).toInt();
    if (version != protocol::Version) {
        sendReply(id,
                  Error{u"unsupported_protocol"_s,
                        u"this server speaks protocol %1, the client asked for %2"_s.arg(protocol::Version)
                            .arg(version),
                        {{u"supported"_s, protocol::Version}}});
        close(4002, u"unsupported protocol"_s);
        return;
    }
    const bool hasSince = args.contains(u"since"_s);
    const qint64 since = args.value(u"since"_s).toInteger();
    if (hasSince && since < 0) {
        sendReply(id, Error{u"bad_args"_s, u"since: must be >= 0"_s});
        return;
    }
    m_state = State::Authenticating;
    m_gateway.m_accounts.authenticate(args.value(u"token"_s).toString(), this,
                                      [this, id, since, hasSince](Result<accounts::Principal> who) {
                                          if (m_state != State::Authenticating)
                                              return;
                                          if (!who) {
                                              sendReply(id, who.error());
                                              // A refused token is the client's to fix (4001); a failure of
                                              // ours is not (1011).
                                              close(isRefusal(who.error()) ? 4001 : 1011,
                                                    who.error().message);
                                              return;
                                          }
                                          m_principal = *who;
                                          m_tokens = {u"all"_s, u"user:%1"_s.arg(who->user.id),
                                                      u"role:%1"_s.arg(accounts::roleName(who->user.role))};
                                          startStream(id, since, hasSince);
                                      });
}

void WsSession::startStream(const QJsonValue &id, qint64 since, bool hasSince)
{
    // Subscribe before reading the log: whatever commits from now on is held back, whatever committed before
    // is in the log for the replay to read.
    m_state = State::Replaying;
    m_gateway.subscribe(this);
    struct Bounds {
        qint64 last = 0;
        qint64 pruned = 0;
    };
    const QString tokenHash = m_principal.tokenHash;
    m_gateway.m_db.read<Bounds>(
        this,
        [tokenHash](storage::Connection &c) -> Result<Bounds> {
            // The token again, now that we are subscribed: a revocation committed since the first check is
            // either seen here or reaches us as a live event, never neither.
            auto session = accounts::store::findSession(c, tokenHash);
            if (!session)
                return session.error();
            if (!session->has_value() || (*session)->revokedAt)
                return Error{u"token_revoked"_s, u"this session was ended; log in again"_s};
            if ((*session)->user.disabled)
                return Error{u"user_disabled"_s, u"this account is disabled"_s};
            auto last = storage::eventlog::lastSeq(c);
            if (!last)
                return last.error();
            auto pruned = storage::eventlog::prunedThrough(c);
            if (!pruned)
                return pruned.error();
            return Bounds{*last, *pruned};
        },
        [this, id, since, hasSince](Result<Bounds> bounds) {
            if (m_state != State::Replaying)
                return;
            if (!bounds) {
                sendReply(id, bounds.error());
                close(isRefusal(bounds.error()) ? 4001 : 1011, bounds.error().message);
                return;
            }
            const bool resync = hasSince && (since < bounds->pruned || since > bounds->last ||
                                             bounds->last - since > m_gateway.m_options.replayLimit);
            const Gateway::Options &o = m_gateway.m_options;
            sendReply(id, QJsonObject{{u"protocol"_s, protocol::Version},
                                      {u"server_version"_s, QStringLiteral(ERA_VERSION)},
                                      {u"session_id"_s, m_principal.sessionId},
                                      {u"user"_s, m_principal.user.toJson()},
                                      {u"last_seq"_s, bounds->last},
                                      {u"resync_required"_s, resync},
                                      {u"heartbeat_interval"_s, o.heartbeatIntervalSec},
                                      {u"idle_timeout"_s, o.idleTimeoutSec},
                                      {u"max_message_bytes"_s, o.maxMessageBytes}});
            if (!hasSince || resync) {
                // Live from the log's current end; a resyncing client reloads its snapshot first.
                m_lastSent = bounds->last;
                goLive();
                return;
            }
            m_lastSent = since;
            replayFrom(since, bounds->last);
        });
}

void WsSession::replayFrom(qint64 after, qint64 until)
{
    if (after >= until) {
        goLive();
        return;
    }
    m_gateway.m_db.read<EventList>(
        this, [after](storage::Connection &c) { return storage::eventlog::readSince(c, after, ReplayPage); },
        [this, until](Result<EventList> page) {
            if (m_state != State::Replaying)
                return;
            if (!page) {
                close(1011, u"could not read the event log: "_s + page.error().message);
                return;
            }
            for (const Event &e : *page) {
                if (e.seq > m_lastSent && Gateway::visibleTo(e.audience, m_tokens))
                    send(frames::event(e));
                m_lastSent = std::max(m_lastSent, e.seq);
            }
            if (page->size() < ReplayPage || m_lastSent >= until)
                goLive();
            else
                replayFrom(m_lastSent, until);
        });
}

void WsSession::goLive()
{
    m_state = State::Live;
    const auto held = std::exchange(m_heldBack, {});
    for (const auto &[seq, frame] : held)
        deliver(seq, frame);
}

void WsSession::deliver(qint64 seq, const QByteArray &frame)
{
    if (m_state == State::Replaying) {
        // A client replaying a long backlog on a busy server must not make us hold every live event
        // meanwhile.
        if (m_heldBack.size() >= MaxHeldBack) {
            close(4009, u"fell too far behind; reconnect and resume"_s);
            return;
        }
        m_heldBack.append({seq, frame});
        return;
    }
    // An event already replayed, or one that reached us through two audience tokens, is not sent again.
    if (m_state != State::Live || seq <= m_lastSent)
        return;
    m_lastSent = seq;
    send(frame);
}

} // namespace era::api
