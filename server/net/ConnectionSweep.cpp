#include "net/ConnectionSweep.h"

#include <QTimerEvent>
#include <algorithm>
#include <chrono>

namespace era::net {

SweptConnection::~SweptConnection()
{
    leaveSweep();
}

void SweptConnection::leaveSweep()
{
    if (m_sweep)
        m_sweep->remove(this);
}

bool SweptConnection::flushLater()
{
    if (!m_sweep)
        return false;
    if (!m_flushQueued)
        m_sweep->queueFlush(this);
    return true;
}

ConnectionSweep::~ConnectionSweep()
{
    while (m_head)
        remove(m_head);
}

qint64 ConnectionSweep::nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void ConnectionSweep::start(qint64 intervalMs)
{
    m_timer.start(int(intervalMs), Qt::CoarseTimer, this);
}

void ConnectionSweep::add(SweptConnection *connection)
{
    Q_ASSERT(!connection->m_sweep);
    connection->m_sweep = this;
    connection->m_prev = nullptr;
    connection->m_next = m_head;
    if (m_head)
        m_head->m_prev = connection;
    m_head = connection;
    ++m_count;
}

void ConnectionSweep::remove(SweptConnection *connection)
{
    if (connection->m_sweep != this)
        return;
    if (m_cursor == connection)
        m_cursor = connection->m_next;
    if (connection->m_prev)
        connection->m_prev->m_next = connection->m_next;
    else
        m_head = connection->m_next;
    if (connection->m_next)
        connection->m_next->m_prev = connection->m_prev;
    connection->m_prev = connection->m_next = nullptr;
    connection->m_sweep = nullptr;
    --m_count;
    if (connection->m_flushQueued) {
        connection->m_flushQueued = false;
        for (auto *list : {&m_toFlush, m_flushing})
            if (list)
                std::replace(list->begin(), list->end(), connection, static_cast<SweptConnection *>(nullptr));
    }
}

void ConnectionSweep::queueFlush(SweptConnection *connection)
{
    connection->m_flushQueued = true;
    if (m_toFlush.empty())
        QMetaObject::invokeMethod(this, &ConnectionSweep::flushQueued, Qt::QueuedConnection);
    m_toFlush.push_back(connection);
}

void ConnectionSweep::flushQueued()
{
    // Connections that ask again while this batch is flushed (a flush that fails may close one) are
    // flushed by the next posted call.
    std::vector<SweptConnection *> batch;
    batch.swap(m_toFlush);
    m_flushing = &batch;
    for (SweptConnection *connection : batch) {
        if (!connection)
            continue; // it left the sweep meanwhile
        connection->m_flushQueued = false;
        connection->flush();
    }
    m_flushing = nullptr;
    if (m_toFlush.empty()) {
        batch.clear();
        m_toFlush.swap(batch); // keep the buffer for the next pass
    }
}

void ConnectionSweep::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId())
        return QObject::timerEvent(event);
    const qint64 now = nowMs();
    // New connections are added at the head, so they are not visited in the walk that added them.
    m_cursor = m_head;
    while (m_cursor) {
        SweptConnection *current = m_cursor;
        m_cursor = current->m_next;
        current->sweep(now);
    }
}

} // namespace era::net
