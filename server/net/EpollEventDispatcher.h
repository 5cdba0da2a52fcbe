#pragma once

#include <QAbstractEventDispatcher>
#include <QAtomicInt>
#include <QHash>
#include <cstdint>
#include <map>
#include <vector>

namespace era::net {

// A QAbstractEventDispatcher on Linux epoll: one socket event costs O(1) however many sockets are open
// (Qt's own Unix dispatchers poll every registered socket on every wake-up). Install it before the
// application object (QCoreApplication::setEventDispatcher) or on a QThread before start().
class EpollEventDispatcher : public QAbstractEventDispatcher {
    Q_OBJECT
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    // Socket notifiers of one descriptor; `generation` tells a stale epoll event from a fresh one.
    struct FdEntry {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        quint32 generation = 0;
        quint32 events = 0; // what is registered with epoll now (0 = not registered)
    };
    struct Timer {
        QObject *object = nullptr;
        qint64 intervalMs = 0;
        qint64 deadlineNs = 0;
        quint64 order = 0; // tie-break: equal deadlines fire in the order they were scheduled
        Qt::TimerType type = Qt::CoarseTimer;
        bool firing = false; // its handler is running: do not fire it again from a nested loop
    };
    using TimerKey = std::pair<qint64, quint64>; // (deadline, order)

    void updateEpoll(int fd, FdEntry &entry);
    void dispatchSocketEvent(int fd, quint32 generation, quint32 events);
    bool fireDueTimers();
    void schedule(int timerId, Timer &timer, qint64 deadlineNs);
    int waitTimeoutMs(qint64 nowNs) const;
    void drainWakeUp();

    int m_epollFd = -1;
    int m_wakeFd = -1;
    QAtomicInt m_wakeUpPending;
    QAtomicInt m_interrupted;
    std::vector<FdEntry> m_fds; // indexed by descriptor
    QHash<int, Timer> m_timers;
    std::map<TimerKey, int> m_queue; // due order -> timer id
    quint64 m_nextOrder = 0;
};

} // namespace era::net
