#include "api/ws/Gateway.h"

#include "api/ws/Frames.h"
#include "api/ws/WsSession.h"
#include "core/EventBus.h"
#include "core/Metrics.h"
#include "net/WebSocketPeer.h"
#include "queues/QueueService.h"

#include <QDateTime>

namespace era::api {

using namespace Qt::StringLiterals;

Gateway::Gateway(EventBus &bus, storage::Database &db, Services services, Metrics &metrics, Options options,
                 QObject *parent)
    : QObject(parent), m_bus(bus), m_db(db), m_accounts(services.accounts), m_services(services),
      m_metrics(metrics), m_options(options)
{
    m_metrics.describe("era_ws_commands_total", "counter", "WebSocket commands by name and outcome.");
    m_metrics.describe("era_ws_sessions", "gauge", "WebSocket sessions, by state.");
    connect(&m_bus, &EventBus::published, this, &Gateway::onEvent);
    m_helloSweep.setInterval(1000);
    connect(&m_helloSweep, &QTimer::timeout, this, &Gateway::sweepHelloDeadlines);
    m_helloSweep.start();
    registerCommands();
    registerConversationCommands();
}

Gateway::~Gateway()
{
    // Sessions are children; make sure none calls back into a half-destroyed gateway.
    for (WsSession *s : std::as_const(m_sessions))
        s->disconnect();
}

void Gateway::accept(net::WebSocketPeer *peer)
{
    auto *session = new WsSession(
        *this, peer, QDateTime::currentMSecsSinceEpoch() + qint64(m_options.helloTimeoutSec) * 1000);
    m_sessions.insert(session);
}

void Gateway::closeAll()
{
    const auto all = m_sessions;
    for (WsSession *s : all)
        s->close(1001, u"server shutting down"_s);
}

int Gateway::authenticatedCount() const
{
    int n = 0;
    for (const WsSession *s : m_sessions)
        n += (s->state() == WsSession::State::Live || s->state() == WsSession::State::Replaying) ? 1 : 0;
    return n;
}

void Gateway::subscribe(WsSession *s)
{
    for (const QString &token : s->audienceTokens())
        m_byAudience[token].insert(s);
    m_services.queues.sessionOpened(s->principal().user.id);
}

void Gateway::forget(WsSession *s)
{
    if (!m_sessions.remove(s))
        return; // forgotten already (close() and then the peer's closed())
    if (!s->audienceTokens().isEmpty() && m_byAudience.value(s->audienceTokens().first()).contains(s))
        m_services.queues.sessionClosed(s->principal().user.id);
    for (const QString &token : s->audienceTokens()) {
        auto it = m_byAudience.find(token);
        if (it == m_byAudience.end())
            continue;
        it->remove(s);
        if (it->isEmpty())
            m_byAudience.erase(it);
    }
}

void Gateway::sweepHelloDeadlines()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<WsSession *> late;
    for (WsSession *s : std::as_const(m_sessions))
        if (s->state() == WsSession::State::AwaitingHello && s->helloDeadlineMs() < now)
            late.append(s);
    for (WsSession *s : late)
        s->close(4008, u"no hello within %1 s"_s.arg(m_options.helloTimeoutSec));
}

bool Gateway::visibleTo(const Audience &audience, const QStringList &tokens)
{
    for (const QString &a : audience)
        if (tokens.contains(a))
            return true;
    return false;
}

void Gateway::onEvent(const Event &event)
{
    QSet<WsSession *> targets;
    for (const QString &token : event.audience) {
        auto it = m_byAudience.constFind(token);
        if (it != m_byAudience.cend())
            targets.unite(*it);
    }
    if (!targets.isEmpty()) {
        const QByteArray frame = frames::event(event);
        for (WsSession *s : std::as_const(targets))
            s->deliver(event.seq, frame);
    }

    // Sessions show their user as it is now (the `me` command).
    if (event.name == u"user.updated"_s) {
        const QJsonObject user = event.data.value(u"user"_s).toObject();
        const auto of = m_byAudience.value(u"user:%1"_s.arg(user.value(u"id"_s).toInteger()));
        for (WsSession *s : of)
            s->refreshUser(user);
    }

    // A revoked session learns why from the event above, then its connection ends.
    if (event.name == u"session.revoked"_s) {
        const QString only = event.data.value(u"session_id"_s).toString();
        const QString except = event.data.value(u"except_session_id"_s).toString();
        const auto of = m_byAudience.value(u"user:%1"_s.arg(event.data.value(u"user_id"_s).toInteger()));
        for (WsSession *s : of) {
            const QString id = s->principal().sessionId;
            if ((only.isEmpty() || id == only) && (except.isEmpty() || id != except))
                s->closeAfterReplies(4003, u"session revoked"_s);
        }
    }
}

} // namespace era::api
