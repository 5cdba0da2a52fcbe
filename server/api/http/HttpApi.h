#pragma once

#include "accounts/AccountService.h"
#include "channels/ChannelService.h"

#include <QElapsedTimer>
#include <QHttpServer>
#include <QObject>
#include <functional>

namespace era {
class Metrics;
namespace storage {
class Database;
}
} // namespace era

namespace era::api {

class HttpReply;

// The REST routes under /api/v1 plus /healthz and /metrics (docs/openapi.yaml). Handlers are thin: they read
// the request, call the application service and write its answer.
class HttpApi : public QObject {
    Q_OBJECT
public:
    struct Options {
        qint64 maxBodyBytes = 1 << 20; // http.max_body_bytes
        // Called before /metrics is rendered, to refresh gauges owned by others (open connections...).
        std::function<void()> refreshGauges;
        // The running connector of a channel, for its webhook (nullptr: not running).
        std::function<channels::Connector *(qint64 channelId)> connectorFor;
    };

    HttpApi(QHttpServer &server, accounts::AccountService &accounts, channels::ChannelService &channels,
            storage::Database &db, Metrics &metrics, Options options, QObject *parent = nullptr);

    // From now on /healthz answers 503 so that load balancers stop sending work.
    void setShuttingDown() { m_shuttingDown = true; }

private:
    using Handler = std::function<void(const QHttpServerRequest &, HttpReply &)>;
    // What an authenticated handler may read of its request, which does not outlive the route handler.
    struct RequestData {
        QByteArray body;
        QString clientAddress;
    };
    using AuthedHandler = std::function<void(const accounts::Principal &, const RequestData &, HttpReply &)>;
    void routes();
    void channelRoutes();
    // Runs `handler` after checking the bearer token; answers 401 itself when it is missing or bad.
    void withPrincipal(const QHttpServerRequest &request, HttpReply reply, AuthedHandler handler);
    // The listener refuses a declared body over maxBodyBytes from the request head; these refuse what still
    // passes it (a chunked body, a later request on a keep-alive connection) with 413 too_large.
    bool bodyFits(const QByteArray &raw, HttpReply &reply) const;
    std::optional<QJsonObject> body(const QByteArray &raw, HttpReply &reply) const;

    QHttpServer &m_server;
    accounts::AccountService &m_accounts;
    channels::ChannelService &m_channels;
    storage::Database &m_db;
    Metrics &m_metrics;
    Options m_options;
    QElapsedTimer m_uptime;
    bool m_shuttingDown = false;
};

} // namespace era::api
