#pragma once

#include <QBasicTimer>
#include <QObject>
#include <vector>

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
    // Called by the sweep for a connection that asked for it with flushLater().
    virtual void flush() {}

protected:
    void leaveSweep();
    // Asks for one flush() at the thread's next pass through its posted events, so that what a
    // connection is given in one pass (an event, a reply) leaves in one send. False when the connection
    // is in no sweep (the caller must flush now).
    bool flushLater();

private:
    friend class ConnectionSweep;
    SweptConnection *m_prev = nullptr;
    SweptConnection *m_next = nullptr;
    ConnectionSweep *m_sweep = nullptr;
    bool m_flushQueued = false;
};

// One timer per thread walks all its connections (an intrusive list: no per-connection timer, no
// allocation per connection). Connections may leave the list while it is walked. The sweep also
// batches output: connections that wrote during a pass of the event loop are flushed together by one
// posted call, instead of one send() per frame.
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
    friend class SweptConnection;
    void queueFlush(SweptConnection *connection);
    void flushQueued();

    QBasicTimer m_timer;
    std::vector<SweptConnection *> m_toFlush;
    std::vector<SweptConnection *> *m_flushing = nullptr; // the batch being flushed now
    SweptConnection *m_head = nullptr;
    SweptConnection *m_cursor = nullptr; // the next one to visit while walking
    int m_count = 0;
};

} // namespace era::net
