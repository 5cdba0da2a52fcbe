#pragma once

#include <QBasicTimer>
#include <QObject>

namespace era::net {

// Limits and clocks every connection of one listener shares (kept once, not per connection).
struct ConnectionSettings {
    qint64 maxMessageBytes = 1 << 20;
    qint64 maxOutputBytes = 8 << 20; // queued output above this marks a peer too slow to keep
    qint64 heartbeatMs = 30'000;
    qint64 idleMs = 75'000;
    qint64 headTimeoutMs = 10'000;
    qint64 httpIdleMs = 60'000;  // a keep-alive HTTP connection with no request this long is closed
    qint64 closeGraceMs = 3'000; // how long a closing peer may take to answer before the socket goes
};

class ConnectionSweep;

// A connection the sweep visits: it decides itself whether to ping, time out or give up closing.
class SweptConnection {
public:
    virtual ~SweptConnection();
    virtual void sweep(qint64 nowMs) = 0;
    // The owner is going away: drop the connection now (peers still signal closed()).
    virtual void abandon() { delete this; }

protected:
    void leaveSweep();

private:
    friend class ConnectionSweep;
    SweptConnection *m_prev = nullptr;
    SweptConnection *m_next = nullptr;
    ConnectionSweep *m_sweep = nullptr;
};

// One timer per thread walks all its connections (an intrusive list: no per-connection timer, no
// allocation per connection). Connections may leave the list while it is walked.
class ConnectionSweep : public QObject {
    Q_OBJECT
public:
    explicit ConnectionSweep(QObject *parent = nullptr) : QObject(parent) {}
    ~ConnectionSweep() override;

    void start(qint64 intervalMs);
    void add(SweptConnection *connection);
    void remove(SweptConnection *connection);
    int count() const { return m_count; }
    SweptConnection *first() const { return m_head; }
    static SweptConnection *next(SweptConnection *connection) { return connection->m_next; }

    // Milliseconds on a monotonic clock.
    static qint64 nowMs();

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    QBasicTimer m_timer;
    SweptConnection *m_head = nullptr;
    SweptConnection *m_cursor = nullptr; // the next one to visit while walking
    int m_count = 0;
};

} // namespace era::net
