#pragma once

#include "accounts/User.h"
#include "core/Result.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <optional>

namespace era::net {
class WebSocketPeer;
}

namespace era::api {

class Gateway;

// One WebSocket client: its state from hello to close, the commands it sends and the events it is owed.
//
// Events reach a session in seq order with no duplicate: while missed events are being replayed from the log,
// live events are held back and then sent if newer than the last one replayed.
class WsSession : public QObject {
    Q_OBJECT
public:
    enum class State { AwaitingHello, Authenticating, Replaying, Live, Closed };

    WsSession(Gateway &gateway, net::WebSocketPeer *peer, qint64 helloDeadlineMs);
    ~WsSession() override;

    State state() const { return m_state; }
    const accounts::Principal &principal() const { return m_principal; }
    const QStringList &audienceTokens() const { return m_tokens; }
    qint64 helloDeadlineMs() const { return m_helloDeadline; }
    // Closes once every command in flight has been answered (at once when none is), so that e.g. the reply to
    // the command that revoked this very session still reaches the client. The first request wins.
    void closeAfterReplies(quint16 code, const QString &reason);
    void cancelPendingClose() { m_pendingClose.reset(); }
    // The user's record changed (display name...); the role cannot change within a session (that revokes it).
    void refreshUser(const QJsonObject &user)
    {
        m_principal.user.displayName = user.value(u"display_name").toString();
    }

    // A committed event for this session (already checked against its audience).
    void deliver(qint64 seq, const QByteArray &frame);
    void close(quint16 code, const QString &reason);

private:
    void onText(const QByteArray &utf8);
    void hello(const QJsonValue &id, const QJsonObject &args);
    void startStream(const QJsonValue &id, qint64 since, bool hasSince);
    void replayFrom(qint64 after, qint64 until);
    void goLive();
    void sendReply(const QJsonValue &id, const Result<QJsonObject> &result);
    void send(const QByteArray &frame);

    Gateway &m_gateway;
    QPointer<net::WebSocketPeer> m_peer;
    State m_state = State::AwaitingHello;
    accounts::Principal m_principal;
    QStringList m_tokens;
    qint64 m_helloDeadline;
    qint64 m_lastSent = 0;
    int m_inFlight = 0; // commands dispatched and not yet answered
    std::optional<std::pair<quint16, QString>> m_pendingClose;
    QList<std::pair<qint64, QByteArray>> m_heldBack; // live events that arrived during the replay
};

} // namespace era::api
