#pragma once

#include <QCoreApplication>
#include <QPointer>
#include <QThreadPool>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace era::files {

// Runs tasks one after another on a thread pool, in the order they were posted (the pieces of one file).
class SerialQueue : public std::enable_shared_from_this<SerialQueue> {
public:
    explicit SerialQueue(QThreadPool *pool) : m_pool(pool) {}

    void post(std::function<void()> task)
    {
        {
            std::lock_guard lock(m_mutex);
            m_tasks.push_back(std::move(task));
            if (m_running)
                return;
            m_running = true;
        }
        m_pool->start([self = shared_from_this()] { self->drain(); });
    }

private:
    void drain()
    {
        for (;;) {
            std::function<void()> task;
            {
                std::lock_guard lock(m_mutex);
                if (m_tasks.empty()) {
                    m_running = false;
                    return;
                }
                task = std::move(m_tasks.front());
                m_tasks.pop_front();
            }
            task();
        }
    }

    QThreadPool *m_pool;
    std::mutex m_mutex;
    std::deque<std::function<void()>> m_tasks;
    bool m_running = false;
};

// A callable, safe to call from any thread, that hands a result to `context`'s thread; nothing happens if the
// context is gone by then. Build it on the context's thread. As in storage::Database, a context of the main
// thread is checked there, through the application object; one of another thread must be kept alive by its
// owner until delivery.
template <typename T>
std::function<void(T)> relayTo(QObject *context, std::function<void(T)> done)
{
    QCoreApplication *app = QCoreApplication::instance();
    QPointer<QObject> guard(context);
    if (!app || context->thread() != app->thread())
        return [guard, done](T value) {
            if (QObject *target = guard.data())
                QMetaObject::invokeMethod(
                    target, [done, value] { done(value); }, Qt::QueuedConnection);
        };
    return [app, guard, done](T value) {
        QMetaObject::invokeMethod(
            app,
            [guard, done, value] {
                if (guard)
                    done(value);
            },
            Qt::QueuedConnection);
    };
}

} // namespace era::files
