#include "core/EventBus.h"

namespace era {

void EventBus::publish(const EventList &events)
{
    for (const Event &e : events) {
        if (e.seq <= m_lastSeq)
            continue; // already published (cannot happen with one writer; cheap guard for the cluster bridge)
        m_lastSeq = e.seq;
        Q_EMIT published(e);
    }
}

} // namespace era
