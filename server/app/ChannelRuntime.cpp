#include "app/ChannelRuntime.h"

#include "dialogs/IngestService.h"
#include "queues/QueueService.h"

#include <QLoggingCategory>
#include <QMap>
#include <QPointer>

Q_LOGGING_CATEGORY(lcRuntime, "era.channels")

namespace era::app {

using namespace Qt::StringLiterals;

ChannelRuntime::ChannelRuntime(channels::ChannelService &channels, const channels::ConnectorKinds &kinds,
                               dialogs::IngestService &ingest, queues::QueueService &queues, QObject *parent)
    : QObject(parent), m_channels(channels), m_kinds(kinds), m_ingest(ingest), m_queues(queues)
{
    connect(&m_channels, &channels::ChannelService::changed, this, &ChannelRuntime::restart);
    connect(&m_channels, &channels::ChannelService::changed, this, &ChannelRuntime::routeUnrouted);
    connect(&m_ingest, &dialogs::IngestService::dialogOpened, this, &ChannelRuntime::route);
}

ChannelRuntime::~ChannelRuntime()
{
    stop();
}

void ChannelRuntime::start()
{
    m_stopped = false;
    routeUnrouted(0);
    m_channels.enabledIds(this, [this](Result<QList<qint64>> ids) {
        if (!ids) {
            qCWarning(lcRuntime, "cannot list channels: %ls", qUtf16Printable(ids.error().message));
            return;
        }
        for (qint64 id : *ids)
            restart(id);
    });
}

void ChannelRuntime::stop()
{
    m_stopped = true;
    for (const auto &c : std::as_const(m_running))
        c->stop();
    m_running.clear();
}

channels::Connector *ChannelRuntime::connector(qint64 channelId) const
{
    return m_running.value(channelId).get();
}

void ChannelRuntime::restart(qint64 channelId)
{
    if (auto old = m_running.take(channelId)) {
        old->stop();
        old.reset();
    }
    if (m_stopped)
        return;
    m_channels.runnable(
        channelId, this, [this, channelId](Result<std::optional<channels::ChannelService::Runnable>> r) {
            if (!r) {
                qCWarning(lcRuntime, "channel %lld cannot start: %ls", channelId,
                          qUtf16Printable(r.error().message));
                m_channels.setState(channelId, u"error: "_s + r.error().message);
                return;
            }
            if (!r->has_value() || m_stopped || m_running.contains(channelId))
                return; // deleted or disabled meanwhile, or started by a later change
            const auto &run = **r;
            m_defaultQueue.insert(channelId, run.channel.defaultQueueId);
            const channels::ConnectorKind *kind = m_kinds.find(run.channel.kind);
            std::unique_ptr<channels::Connector> made =
                kind && kind->create ? kind->create(channelId, run.channel.settings, run.credentials)
                                     : nullptr;
            if (!made) {
                m_channels.setState(
                    channelId,
                    u"error: cannot start a %1 connector with these settings"_s.arg(run.channel.kind));
                return;
            }
            std::shared_ptr<channels::Connector> connector(made.release());
            m_running.insert(channelId, connector);
            connect(connector.get(), &channels::Connector::stateChanged, this,
                    [this, channelId](const QString &state) { m_channels.setState(channelId, state); });
            QPointer<ChannelRuntime> self(this);
            connector->start(run.cursor, [self, channelId](const QList<channels::InboundEvent> &events,
                                                           const QString &cursor,
                                                           channels::Connector::Committed committed) {
                if (!self) {
                    committed(Error{u"shutting_down"_s, u"the server is stopping"_s});
                    return;
                }
                self->m_ingest.ingest(channelId, events, cursor, self,
                                      [committed](Result<dialogs::IngestService::Outcome> outcome) {
                                          committed(outcome ? Status(ok()) : Status(outcome.error()));
                                      });
            });
            qCInfo(lcRuntime, "channel %lld (%ls) started", channelId, qUtf16Printable(run.channel.name));
            Q_EMIT connectorStarted(channelId);
        });
}

void ChannelRuntime::route(qint64 dialogId, qint64 channelId)
{
    // The routing seam: today every new dialog goes to its channel's default queue.
    m_queues.enqueue(dialogId, m_defaultQueue.value(channelId));
}

void ChannelRuntime::routeUnrouted(qint64 channelId)
{
    m_ingest.unrouted(channelId, this, [this](Result<QList<dialogs::IngestService::Unrouted>> found) {
        if (!found) {
            qCWarning(lcRuntime, "cannot look for dialogs without a queue: %ls",
                      qUtf16Printable(found.error().message));
            return;
        }
        QMap<qint64, QStringList> stranded; // channel -> its dialogs, while it has no default queue
        for (const dialogs::IngestService::Unrouted &d : std::as_const(*found)) {
            if (d.defaultQueueId <= 0) {
                stranded[d.channelId].append(QString::number(d.dialogId));
                continue;
            }
            qCWarning(lcRuntime,
                      "dialog %lld of channel %lld was waiting without a queue: routed to queue %lld",
                      d.dialogId, d.channelId, d.defaultQueueId);
            m_queues.enqueue(d.dialogId, d.defaultQueueId);
        }
        for (auto it = stranded.cbegin(); it != stranded.cend(); ++it)
            qCWarning(lcRuntime,
                      "channel %lld has no default queue: its waiting dialogs %ls wait for one (set it with "
                      "channels.update)",
                      it.key(), qUtf16Printable(it->join(u", "_s)));
    });
}

} // namespace era::app
