#pragma once

#include "channels/ChannelService.h"
#include "channels/Connector.h"

#include <QHash>
#include <QObject>
#include <memory>

namespace era::dialogs {
class IngestService;
}
namespace era::queues {
class QueueService;
}

namespace era::app {

// Runs one connector per enabled channel and connects it to the rest: what it receives goes to ingest, a new
// dialog goes to the channel's default queue (the routing seam), and the outbox and media fetcher find the
// connector of a channel here. A channel's change restarts its connector. A waiting dialog that never reached
// a queue (a stop between ingest and routing, or no default queue then) is routed at start and whenever its
// channel changes (e.g. gets a default queue).
class ChannelRuntime : public QObject {
    Q_OBJECT
public:
    ChannelRuntime(channels::ChannelService &channels, const channels::ConnectorKinds &kinds,
                   dialogs::IngestService &ingest, queues::QueueService &queues, QObject *parent = nullptr);
    ~ChannelRuntime() override;

    void start();
    void stop();
    channels::Connector *connector(qint64 channelId) const;

Q_SIGNALS:
    void connectorStarted(qint64 channelId);

private:
    void restart(qint64 channelId);
    void route(qint64 dialogId, qint64 channelId);
    // Routes the waiting dialogs without a queue of one channel (0: of all) to their channel's default queue.
    void routeUnrouted(qint64 channelId);

    channels::ChannelService &m_channels;
    const channels::ConnectorKinds &m_kinds;
    dialogs::IngestService &m_ingest;
    queues::QueueService &m_queues;
    QHash<qint64, std::shared_ptr<channels::Connector>> m_running;
    QHash<qint64, qint64> m_defaultQueue; // channel -> queue
    bool m_stopped = false;
};

} // namespace era::app
