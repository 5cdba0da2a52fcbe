#pragma once

#include "channels/Connector.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <functional>
#include <optional>

namespace era::storage {
class Database;
}

namespace era::dialogs {

// Delivers what the outbox table owes to providers (outgoing messages, our reactions) through the channels'
// connectors: at least once, in order within a dialog, with backoff, the provider's rate limits and a give-up
// after too many passing faults; every outcome is recorded in a write job (docs/outbox.md).
class Outbox : public QObject {
    Q_OBJECT
public:
    // The running connector of a channel, or nullptr while it is not running (the row then waits).
    using ConnectorLookup = std::function<channels::Connector *(qint64 channelId)>;
    // The local file behind a file-store id, for image and document bodies; nullopt when it is not there.
    using FileResolver = std::function<std::optional<channels::OutboundFile>(const QString &fileId)>;

    struct Options {
        qint64 initialBackoffMs = 1000; // the first "retry later" waits about this long, then doubling
        qint64 maxBackoffMs = 300000;
        int maxAttempts = 20;          // tries before a row fails with "gave up after N attempts: ..."
        int batch = 50;                // most rows read per poll, and most sends in flight at once
        int pollIntervalMs = 1000;     // the longest a due row waits when nobody calls wake()
        qint64 connectorWaitMs = 5000; // how long a row waits for its channel's connector to run again
        FileResolver fileResolver;     // empty: bodies go without a file
    };

    Outbox(storage::Database &db, ConnectorLookup connectors, Options options, QObject *parent = nullptr);
    Outbox(storage::Database &db, ConnectorLookup connectors, QObject *parent = nullptr);
    ~Outbox() override;

    // Starts polling (at once, then every pollIntervalMs or sooner when a retry falls due).
    void start();
    // New rows were committed: look now rather than at the next tick. Does nothing when not started.
    void wake();
    // No new sends from now on; results of sends in flight are still recorded while the database is open.
    void stop();

    bool isRunning() const { return m_running; }
    // Rows handed to a connector whose result is not yet recorded.
    qsizetype inFlight() const { return m_inFlight.size(); }

    // One due row and what a try did to it; defined in Outbox.cpp.
    struct Due;
    struct Verdict;

Q_SIGNALS:
    // After the commit that recorded the outcome of one try of outbox row `outboxId`.
    void sent(qint64 outboxId, qint64 messageId, const QString &externalId);
    void failed(qint64 outboxId, qint64 messageId, const QString &reason);
    void retryScheduled(qint64 outboxId, qint64 nextAttemptAt, const QString &error);

private:
    void poll();
    void schedule(qint64 delayMs);
    void dispatch(const Due &row);
    void settle(const Due &row, const channels::SendResult &result);
    void record(const Due &row, const Verdict &verdict, int triesLeft);
    Verdict verdictFor(const Due &row, const channels::SendResult &result) const;

    storage::Database &m_db;
    ConnectorLookup m_connectors;
    Options m_options;
    QTimer m_timer;
    bool m_running = false;
    bool m_reading = false;
    bool m_pollAgain = false;
    QSet<qint64> m_inFlight;          // outbox ids sent and not yet recorded
    QSet<qint64> m_settledDuringRead; // recorded while a read ran: that read may still see them pending
};

} // namespace era::dialogs
