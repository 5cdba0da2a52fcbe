#include "app/Server.h"

#include "accounts/AccountService.h"
#include "api/http/HttpApi.h"
#include "api/ws/Gateway.h"
#include "core/EventBus.h"
#include "core/Metrics.h"
#include "net/Listener.h"
#include "storage/Database.h"
#include "storage/EventLog.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QHttpServer>
#include <QLoggingCategory>
#include <QTimer>

Q_LOGGING_CATEGORY(lcServer, "era.server")

namespace era::app {

using namespace Qt::StringLiterals;

struct ServerParts {
    Metrics metrics;
    EventBus bus;
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<accounts::AccountService> accounts;
    std::unique_ptr<QHttpServer> http;
    std::unique_ptr<api::HttpApi> httpApi;
    std::unique_ptr<api::Gateway> gateway;
    std::unique_ptr<net::Listener> listener;
    QTimer pruneTimer;
    qint64 retentionDays = 30;
    int graceSeconds = 10;
    QString firstAdminPassword;
    QString scheme = u"http"_s;
    QString address;
    quint16 port = 0;
    bool stopped = false;
};

Result<std::unique_ptr<Server>> Server::start(const Config &config)
{
    auto m = std::make_unique<ServerParts>();
    m->metrics.describe("era_commit_latency_seconds", "histogram",
                        "Time from BEGIN to durable COMMIT of a group.");

    const QString dataDir = config.string(u"data_dir"_s);
    if (!QDir().mkpath(dataDir))
        return Error{u"data_dir"_s, u"cannot create the data directory %1"_s.arg(dataDir)};

    storage::DatabaseOptions dbOptions;
    dbOptions.url = config.string(u"database.url"_s);
    dbOptions.readers = int(qMax<qint64>(1, config.integer(u"database.readers"_s)));
    dbOptions.metrics = &m->metrics;
    auto db = storage::Database::open(dbOptions);
    if (!db)
        return db.error();
    m->db = std::move(db).value();
    QObject::connect(m->db.get(), &storage::Database::committed, &m->bus, &EventBus::publish,
                     Qt::QueuedConnection);

    accounts::AccountService::Options accountOptions;
    accountOptions.sessionTtlMs = config.integer(u"auth.session_ttl_hours"_s) * 3600 * 1000;
    accountOptions.hashCost = {quint64(config.integer(u"auth.argon2_ops"_s)),
                               quint64(config.integer(u"auth.argon2_memory_kib"_s))};
    accountOptions.freeFailures = int(config.integer(u"auth.free_failures"_s));
    accountOptions.maxLockoutSeconds = int(config.integer(u"auth.max_lockout_seconds"_s));
    m->accounts = std::make_unique<accounts::AccountService>(*m->db, accountOptions);
    auto admin = m->accounts->bootstrapAdmin();
    if (!admin)
        return admin.error();
    if (admin->has_value())
        m->firstAdminPassword = **admin;

    m->http = std::make_unique<QHttpServer>();
    ServerParts *parts = m.get();
    api::HttpApi::Options httpOptions;
    httpOptions.maxBodyBytes = config.integer(u"http.max_body_bytes"_s);
    httpOptions.refreshGauges = [parts] {
        parts->metrics.set("era_open_connections", {},
                           parts->listener ? parts->listener->openConnections() : 0);
        parts->metrics.set("era_ws_sessions", "state=\"all\"", parts->gateway->sessionCount());
        parts->metrics.set("era_ws_sessions", "state=\"authenticated\"",
                           parts->gateway->authenticatedCount());
        parts->metrics.set("era_events_last_seq", {}, double(parts->bus.lastSeq()));
    };
    m->metrics.describe("era_open_connections", "gauge", "Open TCP connections (HTTP and WebSocket).");
    m->httpApi = std::make_unique<api::HttpApi>(*m->http, *m->accounts, *m->db, m->metrics, httpOptions);

    api::Gateway::Options gatewayOptions;
    gatewayOptions.helloTimeoutSec = int(config.integer(u"ws.hello_timeout"_s));
    gatewayOptions.replayLimit = int(config.integer(u"ws.replay_limit"_s));
    gatewayOptions.heartbeatIntervalSec = int(config.integer(u"ws.heartbeat_interval"_s));
    gatewayOptions.idleTimeoutSec = int(config.integer(u"ws.idle_timeout"_s));
    gatewayOptions.maxMessageBytes = config.integer(u"ws.max_message_bytes"_s);
    m->gateway = std::make_unique<api::Gateway>(m->bus, *m->db, *m->accounts, m->metrics, gatewayOptions);

    net::ListenerOptions listen;
    listen.address = QHostAddress(config.string(u"http.address"_s));
    if (listen.address.isNull())
        return Error{u"config_bad_value"_s,
                     u"http.address '%1' is not an IP address"_s.arg(config.string(u"http.address"_s))};
    listen.port = quint16(config.integer(u"http.port"_s));
    listen.wsPath = "/api/v1/ws";
    listen.maxHeaderBytes = config.integer(u"http.max_header_bytes"_s);
    listen.maxBodyBytes = config.integer(u"http.max_body_bytes"_s);
    listen.maxMessageBytes = gatewayOptions.maxMessageBytes;
    listen.heartbeatIntervalSec = gatewayOptions.heartbeatIntervalSec;
    listen.idleTimeoutSec = gatewayOptions.idleTimeoutSec;
    if (!config.string(u"tls.cert"_s).isEmpty()) {
        QString why;
        listen.tls = net::ListenerOptions::tlsFromPemFiles(config.string(u"tls.cert"_s),
                                                           config.string(u"tls.key"_s), &why);
        if (!listen.tls)
            return Error{u"tls"_s, why};
        m->scheme = u"https"_s;
    }
    m->listener = std::make_unique<net::Listener>(m->http.get(), listen);
    api::Gateway *gateway = m->gateway.get();
    QObject::connect(m->listener.get(), &net::Listener::newPeer, gateway,
                     [gateway](net::WebSocketPeer *peer) { gateway->accept(peer); });
    m->port = m->listener->listen();
    if (m->port == 0)
        return Error{u"listen"_s, u"cannot listen on %1:%2: %3"_s.arg(config.string(u"http.address"_s))
                                      .arg(listen.port)
                                      .arg(m->listener->errorString())};
    m->address = config.string(u"http.address"_s);

    m->retentionDays = config.integer(u"events.retention_days"_s);
    m->graceSeconds = int(config.integer(u"shutdown.grace_seconds"_s));
    std::unique_ptr<Server> server(new Server(std::move(m)));
    return server;
}

Server::Server(std::unique_ptr<ServerParts> parts) : m(std::move(parts))
{
    m->pruneTimer.setInterval(3600 * 1000);
    connect(&m->pruneTimer, &QTimer::timeout, this, &Server::pruneEvents);
    if (m->retentionDays > 0) {
        m->pruneTimer.start();
        QTimer::singleShot(0, this, &Server::pruneEvents);
    }
}

Server::~Server()
{
    shutdown();
}

quint16 Server::port() const
{
    return m->port;
}

QString Server::url() const
{
    QString host = m->address;
    if (host == u"0.0.0.0"_s || host == u"::"_s)
        host = u"127.0.0.1"_s;
    if (host.contains(u':'))
        host = u'[' + host + u']';
    return u"%1://%2:%3"_s.arg(m->scheme, host).arg(m->port);
}

QString Server::firstAdminPassword() const
{
    return m->firstAdminPassword;
}

void Server::pruneEvents()
{
    const qint64 before = QDateTime::currentMSecsSinceEpoch() - m->retentionDays * 24 * 3600 * 1000;
    m->db->write<qint64>(
        this, [before](storage::WriteTx &tx) { return storage::eventlog::prune(tx, before); },
        [](Result<qint64> r) {
            if (!r)
                qCWarning(lcServer, "pruning the event log failed: %ls", qUtf16Printable(r.error().message));
            else if (*r > 0)
                qCInfo(lcServer, "pruned %lld old events", *r);
        });
}

void Server::shutdown()
{
    if (m->stopped)
        return;
    m->stopped = true;
    qCInfo(lcServer, "shutting down: no new connections, finishing in-flight work");
    m->pruneTimer.stop();
    m->httpApi->setShuttingDown();
    m->listener->stopAccepting();
    // Let password hashes in flight finish so their writes are queued before the database closes.
    m->accounts->drain(m->graceSeconds * 1000);
    QCoreApplication::processEvents();
    m->db->close(); // commits everything queued; later writes fail with shutting_down
    // Deliver the replies of the last commits, then say goodbye to the WebSocket sessions.
    QElapsedTimer flush;
    flush.start();
    while (flush.elapsed() < 100)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    m->gateway->closeAll();
    QCoreApplication::processEvents();
    qCInfo(lcServer, "stopped");
}

} // namespace era::app
