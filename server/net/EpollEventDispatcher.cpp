#include "net/EpollEventDispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimerEvent>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <limits>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace era::net {

namespace {

constexpr quint64 kWakeUpTag = ~quint64(0);
constexpr int kMaxEvents = 512;

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

constexpr qint64 msToNs(qint64 ms)
{
    return ms * 1'000'000;
}

quint64 tag(int fd, quint32 generation)
{
    return (quint64(generation) << 32) | quint32(fd);
}

} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent) : QAbstractEventDispatcher(parent)
{
    m_epollFd = ::epoll_create1(EPOLL_CLOEXEC);
    if (m_epollFd < 0)
        qFatal("EpollEventDispatcher: epoll_create1 failed (errno %d)", errno);
    m_wakeFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_wakeFd < 0)
        qFatal("EpollEventDispatcher: eventfd failed (errno %d)", errno);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kWakeUpTag;
    ::epoll_ctl(m_epollFd, EPOLL_CTL_ADD, m_wakeFd, &ev);
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    ::close(m_wakeFd);
    ::close(m_epollFd);
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    if (fd < 0)
        return;
    if (size_t(fd) >= m_fds.size())
        m_fds.resize(std::max<size_t>(size_t(fd) + 1, m_fds.size() * 2));
    FdEntry &entry = m_fds[size_t(fd)];
    switch (notifier->type()) {
    case QSocketNotifier::Read:
        entry.read = notifier;
        break;
    case QSocketNotifier::Write:
        entry.write = notifier;
        break;
    case QSocketNotifier::Exception:
        entry.exception = notifier;
        break;
    }
    updateEpoll(fd, entry);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    if (fd < 0 || size_t(fd) >= m_fds.size())
        return;
    FdEntry &entry = m_fds[size_t(fd)];
    if (entry.read == notifier)
        entry.read = nullptr;
    else if (entry.write == notifier)
        entry.write = nullptr;
    else if (entry.exception == notifier)
        entry.exception = nullptr;
    else
        return;
    updateEpoll(fd, entry);
}

void EpollEventDispatcher::updateEpoll(int fd, FdEntry &entry)
{
    quint32 wanted = 0;
    if (entry.read)
        wanted |= EPOLLIN | EPOLLRDHUP;
    if (entry.write)
        wanted |= EPOLLOUT;
    if (entry.exception)
        wanted |= EPOLLPRI;
    if (wanted == entry.events)
        return;

    epoll_event ev{};
    if (wanted == 0) {
        // The descriptor may already be closed (then the kernel dropped it by itself): ignore errors.
        ::epoll_ctl(m_epollFd, EPOLL_CTL_DEL, fd, &ev);
        entry.events = 0;
        ++entry.generation; // events already fetched for this descriptor are now stale
        return;
    }
    ev.events = wanted;
    ev.data.u64 = tag(fd, entry.generation);
    int op = entry.events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    if (::epoll_ctl(m_epollFd, op, fd, &ev) != 0) {
        // A descriptor closed and reused behind our back keeps a stale state: retry the other way.
        op = op == EPOLL_CTL_ADD ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
        if (::epoll_ctl(m_epollFd, op, fd, &ev) != 0) {
            qWarning("EpollEventDispatcher: epoll_ctl failed for descriptor %d (errno %d)", fd, errno);
            entry.events = 0;
            return;
        }
    }
    entry.events = wanted;
}

void EpollEventDispatcher::dispatchSocketEvent(int fd, quint32 generation, quint32 events)
{
    // Each delivery may add or remove notifiers (even of this descriptor), so look the entry up again
    // before every one and drop the event when the registration it belonged to is gone.
    QEvent event(QEvent::SockAct);
    auto current = [&](QSocketNotifier *FdEntry::*slot) -> QSocketNotifier * {
        if (size_t(fd) >= m_fds.size())
            return nullptr;
        const FdEntry &entry = m_fds[size_t(fd)];
        return entry.generation == generation ? entry.*slot : nullptr;
    };
    const bool failed = events & (EPOLLERR | EPOLLHUP);
    if (events & EPOLLPRI) {
        if (QSocketNotifier *n = current(&FdEntry::exception))
            QCoreApplication::sendEvent(n, &event);
    }
    if (events & (EPOLLIN | EPOLLRDHUP) || failed) {
        if (QSocketNotifier *n = current(&FdEntry::read))
            QCoreApplication::sendEvent(n, &event);
    }
    if (events & EPOLLOUT || failed) {
        if (QSocketNotifier *n = current(&FdEntry::write))
            QCoreApplication::sendEvent(n, &event);
    }
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                         QObject *object)
{
    Timer timer;
    timer.object = object;
    timer.intervalMs = interval;
    timer.type = timerType;
    qint64 deadline = nowNs() + msToNs(interval);
    if (timerType == Qt::VeryCoarseTimer && interval >= 1000) {
        // Whole seconds, like Qt's own dispatchers: lets many idle timers share one wake-up.
        interval = (interval + 500) / 1000 * 1000;
        timer.intervalMs = interval;
        deadline = nowNs() + msToNs(interval);
    }
    Timer &stored = m_timers.insert(timerId, timer).value();
    schedule(timerId, stored, deadline);
}

void EpollEventDispatcher::schedule(int timerId, Timer &timer, qint64 deadlineNs)
{
    timer.deadlineNs = deadlineNs;
    timer.order = m_nextOrder++;
    m_queue.emplace(TimerKey{deadlineNs, timer.order}, timerId);
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return false;
    m_queue.erase(TimerKey{it->deadlineNs, it->order});
    m_timers.erase(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    bool any = false;
    for (auto it = m_timers.begin(); it != m_timers.end();) {
        if (it->object == object) {
            m_queue.erase(TimerKey{it->deadlineNs, it->order});
            it = m_timers.erase(it);
            any = true;
        } else {
            ++it;
        }
    }
    return any;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> result;
    for (auto it = m_timers.cbegin(); it != m_timers.cend(); ++it) {
        if (it->object == object)
            result.append(TimerInfo(it.key(), int(it->intervalMs), it->type));
    }
    return result;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    auto it = m_timers.constFind(timerId);
    if (it == m_timers.cend())
        return -1;
    const qint64 left = it->deadlineNs - nowNs();
    return left <= 0 ? 0 : int((left + 999'999) / 1'000'000);
}

bool EpollEventDispatcher::fireDueTimers()
{
    // Collect first: a timer scheduled (or re-armed) by a handler waits for the next pass, so zero
    // timers cannot starve sockets and posted events.
    const qint64 now = nowNs();
    std::vector<int> due;
    for (auto it = m_queue.begin(); it != m_queue.end() && it->first.first <= now; ++it)
        due.push_back(it->second);
    if (due.empty())
        return false;

    bool fired = false;
    for (int id : due) {
        auto it = m_timers.find(id);
        if (it == m_timers.end() || it->firing || it->deadlineNs > now)
            continue;
        Timer &timer = *it;
        m_queue.erase(TimerKey{timer.deadlineNs, timer.order});
        // Re-arm from the planned deadline to keep a steady period; skip periods missed entirely.
        qint64 next = timer.deadlineNs + msToNs(timer.intervalMs);
        if (next <= now)
            next = now + msToNs(timer.intervalMs);
        schedule(id, timer, next);
        timer.firing = true;
        QObject *object = timer.object;

        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        fired = true;

        // The handler may have killed the timer (and Qt may even have reused the id).
        auto after = m_timers.find(id);
        if (after != m_timers.end() && after->object == object)
            after->firing = false;
    }
    return fired;
}

int EpollEventDispatcher::waitTimeoutMs(qint64 now) const
{
    for (auto it = m_queue.cbegin(); it != m_queue.cend(); ++it) {
        const auto timer = m_timers.constFind(it->second);
        if (timer != m_timers.cend() && timer->firing)
            continue; // cannot fire while its handler runs; look at the next one
        const qint64 left = it->first.first - now;
        if (left <= 0)
            return 0;
        // Round up: waking a little early would only spin.
        return int(std::min<qint64>((left + 999'999) / 1'000'000, std::numeric_limits<int>::max()));
    }
    return -1;
}

void EpollEventDispatcher::wakeUp()
{
    if (m_wakeUpPending.testAndSetAcquire(0, 1)) {
        const eventfd_t one = 1;
        while (::eventfd_write(m_wakeFd, one) != 0 && errno == EINTR) {
        }
    }
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.storeRelease(1);
    wakeUp();
}

void EpollEventDispatcher::drainWakeUp()
{
    eventfd_t value = 0;
    while (::eventfd_read(m_wakeFd, &value) != 0 && errno == EINTR) {
    }
    m_wakeUpPending.storeRelease(0);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.storeRelaxed(0);
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();

    bool handled = false;
    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeSockets = !(flags & QEventLoop::ExcludeSocketNotifiers);

    // Posted events are never lost by waiting: postEvent() calls wakeUp(), which makes epoll return.
    int timeout = 0;
    if ((flags & QEventLoop::WaitForMoreEvents) && !m_interrupted.loadAcquire()) {
        timeout = includeTimers ? waitTimeoutMs(nowNs()) : -1;
        if (timeout != 0)
            Q_EMIT aboutToBlock();
    }

    epoll_event events[kMaxEvents];
    int n = -1;
    if (!m_interrupted.loadAcquire()) {
        do {
            n = ::epoll_wait(m_epollFd, events, kMaxEvents, timeout);
        } while (n < 0 && errno == EINTR);
        if (timeout != 0)
            Q_EMIT awake();
    }

    for (int i = 0; i < n; ++i) {
        const quint64 data = events[i].data.u64;
        if (data == kWakeUpTag) {
            drainWakeUp();
            continue;
        }
        if (!includeSockets)
            continue; // level-triggered: reported again once sockets are included
        dispatchSocketEvent(int(quint32(data)), quint32(data >> 32), events[i].events);
        handled = true;
    }

    if (includeTimers && !m_interrupted.loadAcquire())
        handled = fireDueTimers() || handled;
    return handled;
}

} // namespace era::net
