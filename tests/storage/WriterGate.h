#pragma once

#include "core/Result.h"

#include <condition_variable>
#include <mutex>

// Holds the writer inside a job until the test lets it go, so that the jobs queued meanwhile form one batch.
class WriterGate {
public:
    era::Status holdWriter()
    {
        std::unique_lock lock(m_mutex);
        m_entered = true;
        m_changed.wait(lock, [this] { return m_open; });
        return era::ok();
    }
    bool writerIsHeld()
    {
        std::lock_guard lock(m_mutex);
        return m_entered;
    }
    void open()
    {
        std::lock_guard lock(m_mutex);
        m_open = true;
        m_changed.notify_all();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_entered = false;
    bool m_open = false;
};
