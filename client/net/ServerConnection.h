#pragma once

#include "net/Backoff.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>
#include <functional>
#include <optional>

namespace era::desk {

// The answer to one command: the result, or the server's error (code and message, docs/protocol.md 7).
// Local failures use their own codes: `offline` (not connected when called) and `connection_lost` (the
// connection closed before the reply).
struct CommandReply {
    bool ok = false;
    QJsonObject result;
    QString code;
    QString message;
    QJsonObject error;

    // Worth sending again later: the connection went, or the server had a passing fault (section 7.4).
    bool transient() const;
};

// One WebSocket session with era-server, kept alive: `hello` with the token, commands matched to their
// replies, events in `seq` order, heartbeats, and reconnection with back-off that resumes from the cursor
// (the `seq` of the last event the owner processed). The owner decides whether it holds state worth resuming
// (`setResumable`); when it does not, or the server cannot replay, `ready` says so and the owner reloads.
class ServerConnection : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Connecting, Authenticating, Ready, WaitingToRetry };
    Q_ENUM(State)
    using Callback = std::function<void(const CommandReply &)>;

    explicit ServerConnection(QObject *parent = nullptr);
    ~ServerConnection() override;

    // The server's base URL (http or https); the socket goes to ws(s)://host:port/api/v1/ws.
    void setServer(const QUrl &base);
    void setToken(const QString &token);
    void setClientName(const QString &name) { m_clientName = name; }
    // Whether the owner keeps state that a replay can bring up to date (else hello goes without `since`).
    void setResumable(bool resumable) { m_resumable = resumable; }
    qint64 cursor() const { return m_cursor; }
    void setCursor(qint64 seq) { m_cursor = seq; }
    void setBackoff(const Backoff &backoff) { m_backoff = backoff; }

    // Connects and keeps connecting until `stop`, an authentication failure or a logout.
    void start();
    void stop();
    State state() const { return m_state; }
    bool isReady() const { return m_state == State::Ready; }
    // Milliseconds until the next attempt while WaitingToRetry.
    int retryInMs() const;
    QJsonObject helloResult() const { return m_hello; }

    // Sends a command; `done` runs on the reply (not when `context` is gone). Not ready: `offline` at once.
    void call(const QString &name, const QJsonObject &args, QObject *context, Callback done);
    void call(const QString &name, const QJsonObject &args = {}) { call(name, args, nullptr, {}); }

    // Ends the session on the server; the server then closes with 1000 and `loggedOut` follows.
    void logout(QObject *context, Callback done);

    // Test hook: drop the TCP connection without a close handshake, as a broken network would.
    void abortForTest();

Q_SIGNALS:
    void stateChanged(era::desk::ServerConnection::State state);
    // After a successful hello. `reload` is true when nothing was replayed (first connection, not
    // resumable, or resync_required): the owner must reload its state and then set the cursor to `lastSeq`.
    void ready(bool reload, qint64 lastSeq, const QJsonObject &hello);
    void eventReceived(qint64 seq, const QString &name, const QJsonObject &data);
    // The server refused the token or ended the session (4001, 4003, token errors): no more attempts.
    void sessionEnded(const QString &code, const QString &message);
    void loggedOut();
    void retryScheduled(int delayMs, const QString &reason);
    // A one-line reason for the last disconnect, for the status bar.
    void disconnected(const QString &reason);

private:
    void setState(State state);
    void connectNow();
    void onConnected();
    void onText(const QString &text);
    void handleClosed(); // the current socket is gone: fail what waits, retry or stop
    void onHelloReply(const CommandReply &reply);
    void scheduleRetry(const QString &reason);
    void failPending(const QString &code, const QString &message);
    void checkSilence();
    QString sendFrame(const QString &name, const QJsonObject &args);

    struct Pending {
        QPointer<QObject> context;
        bool hasContext = false;
        Callback done;
    };

    QWebSocket *m_socket = nullptr;
    QUrl m_wsUrl;
    QString m_token;
    QString m_clientName;
    bool m_resumable = false;
    qint64 m_cursor = 0;
    State m_state = State::Idle;
    bool m_running = false;
    Backoff m_backoff;
    int m_attempt = 0;
    QTimer m_retryTimer;
    QTimer m_heartbeat;
    QElapsedTimer m_sinceTraffic;
    QJsonObject m_hello;
    QHash<QString, Pending> m_pending;
    quint64 m_nextId = 0;
    bool m_helloResumes = false; // the hello in flight carries `since`
    QString m_endCode;           // set when the server ended the session; no retry
    bool m_loggingOut = false;   // a 1000 close is the answer to our logout (else a dropped connection)
};

} // namespace era::desk
