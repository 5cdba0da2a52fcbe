#pragma once

#include "core/Event.h"

#include <QObject>

namespace era {

// In-process fan-out of committed events, in seq order, on the thread the bus lives on (the main thread).
class EventBus : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    qint64 lastSeq() const { return m_lastSeq; }

public Q_SLOTS:
    // Called (queued) with the events of each durable commit.
    void publish(const era::EventList &events);

Q_SIGNALS:
    void published(const era::Event &event);

private:
    qint64 m_lastSeq = 0;
};

} // namespace era
