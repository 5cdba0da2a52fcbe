#pragma once

#include "accounts/AccountService.h"
#include "core/Event.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <functional>

namespace era {
class EventBus;
namespace channels {
class ChannelService;
}
namespace dialogs {
class DialogService;
}
namespace queues {
class QueueService;
}
class Metrics;
namespace net {
class WebSocketPeer;
}
namespace storage {
class Database;
}
} // namespace era

namespace era::api {

class WsSession;

// The WebSocket session gateway: takes each new peer through `hello`, runs its commands against the
// application services and pushes every committed event to the sessions its audience names
// (docs/protocol.md).
class Gateway : public QObject {
    Q_OBJECT
public:
    struct Options {
        int helloTimeoutSec = 15;
        int replayLimit = 50000;
        int heartbeatIntervalSec = 30;
        int idleTimeoutSec = 90;
        qint64 maxMessageBytes = 1 << 20;
    };

    // The application services the commands call.
    struct Services {
        accounts::AccountService &accounts;
        queues::QueueService &queues;
        dialogs::DialogService &dialogs;
        channels::ChannelService &channels;
    };

    Gateway(EventBus &bus, storage::Database &db, Services services, Metrics &metrics, Options options,
            QObject *parent = nullptr);
    ~Gateway() override;

    // Takes over a freshly upgraded connection.
    void accept(net::WebSocketPeer *peer);
    // Closes every session with 1001 (going away).
    void closeAll();

    int sessionCount() const { return int(m_sessions.size()); }
    int authenticatedCount() const;

    // One command: arguments in, a result or an Error out through `reply`.
    using Reply = std::function<void(Result<QJsonObject>)>;
    using Command = std::function<void(WsSession &, const QJsonObject &args, Reply)>;

    static bool visibleTo(const Audience &audience, const QStringList &tokens);

private:
    friend class WsSession;
    void registerCommands();
    void registerConversationCommands();
    void onEvent(const Event &event);
    void subscribe(WsSession *s);
    void forget(WsSession *s);
    void sweepHelloDeadlines();

    EventBus &m_bus;
    storage::Database &m_db;
    accounts::AccountService &m_accounts;
    Services m_services;
    Metrics &m_metrics;
    Options m_options;
    QHash<QString, Command> m_commands;
    QSet<WsSession *> m_sessions;
    QHash<QString, QSet<WsSession *>> m_byAudience; // audience token -> authenticated sessions
    QTimer m_helloSweep;
};

} // namespace era::api
