#include "app/Server.h"

#include "accounts/AccountService.h"
#include "api/http/FilesApi.h"
#include "api/http/HttpApi.h"
#include "api/ws/Gateway.h"
#include "app/ChannelRuntime.h"
#include "channels/ChannelService.h"
#include "channels/telegram/TelegramKind.h"
#include "core/EventBus.h"
#include "core/Metrics.h"
#include "core/SecretBox.h"
#include "dialogs/DialogService.h"
#include "dialogs/FileAccess.h"
#include "dialogs/IngestService.h"
#include "dialogs/MediaFetcher.h"
#include "dialogs/Outbox.h"
#include "files/FileStore.h"
#include "net/Listener.h"
#include "queues/QueueService.h"
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
    // The conversation core; destroyed (in reverse) before the accounts and the database.
    std::optional<SecretBox> secrets;
    channels::ConnectorKinds kinds;
    std::unique_ptr<channels::ChannelService> channels;
    std::unique_ptr<queues::QueueService> queues;
    std::unique_ptr<files::FileStore> files;
    std::unique_ptr<dialogs::IngestService> ingest;
    std::unique_ptr<dialogs::DialogService> dialogs;
    std::unique_ptr<dialogs::FileAccess> fileAccess;
    std::unique_ptr<ChannelRuntime> runtime;
    std::unique_ptr<dialogs::Outbox> outbox;
    std::unique_ptr<dialogs::MediaFetcher> media;
    std::unique_ptr<QHttpServer> http;
    std::unique_ptr<api::HttpApi> httpApi;
    std::unique_ptr<api::FilesApi> filesApi;
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

    // The conversation core.
    const QString keyFile = config.string(u"secrets.key_file"_s).isEmpty()
                                ? QDir(dataDir).filePath(u"secret.key"_s)
                                : config.string(u"secrets.key_file"_s);
    auto secrets = SecretBox::open(keyFile);
    if (!secrets)
        return secrets.error();
    m->secrets.emplace(std::move(secrets).value());
    m->kinds.add(channels::telegram::kind());
    m->channels = std::make_unique<channels::ChannelService>(*m->db, *m->secrets, m->kinds);
    queues::QueueService::Options queueOptions;
    queueOptions.defaultCapacity = int(config.integer(u"queues.default_capacity"_s));
    queueOptions.disconnectGraceSec = int(config.integer(u"queues.disconnect_grace"_s));
    m->queues = std::make_unique<queues::QueueService>(*m->db, queueOptions);
    if (Status s = m->queues->load(); !s)
        return s.error();
    files::FileStore::Options fileOptions;
    fileOptions.root = config.string(u"files.dir"_s).isEmpty() ? QDir(dataDir).filePath(u"files"_s)
                                                               : config.string(u"files.dir"_s);
    fileOptions.threads = int(config.integer(u"files.threads"_s));
    auto fileStore = files::FileStore::create(*m->db, fileOptions);
    if (!fileStore)
        return fileStore.error();
    m->files = std::move(fileStore).value();
    m->ingest = std::make_unique<dialogs::IngestService>(*m->db);
    m->dialogs = std::make_unique<dialogs::DialogService>(*m->db, *m->queues);
    m->fileAccess = std::make_unique<dialogs::FileAccess>(*m->db, *m->queues);
    m->runtime = std::make_unique<ChannelRuntime>(*m->channels, m->kinds, *m->ingest, *m->queues);
    ChannelRuntime *runtime = m->runtime.get();
    auto connectorFor = [runtime](qint64 channelId) { return runtime->connector(channelId); };
    files::FileStore *fileStorePtr = m->files.get();
    dialogs::Outbox::Options outboxOptions;
    outboxOptions.fileResolver =
        [fileStorePtr](const QString &fileId) -> std::optional<channels::OutboundFile> {
        const auto file = fileStorePtr->locate(fileId);
        if (!file)
            return std::nullopt;
        return channels::OutboundFile{file->path, {}, {}, file->size};
    };
    m->outbox = std::make_unique<dialogs::Outbox>(*m->db, connectorFor, outboxOptions);
    QObject::connect(m->dialogs.get(), &dialogs::DialogService::outboxReady, m->outbox.get(),
                     &dialogs::Outbox::wake);
    QObject::connect(m->runtime.get(), &ChannelRuntime::connectorStarted, m->outbox.get(),
                     &dialogs::Outbox::wake);
    const qint64 maxFileBytes = config.integer(u"files.max_bytes"_s);
    m->media = std::make_unique<dialogs::MediaFetcher>(*m->db, *m->files, connectorFor, maxFileBytes);
    QObject::connect(m->ingest.get(), &dialogs::IngestService::mediaPending, m->media.get(),
                     &dialogs::MediaFetcher::fetch);
    QObject::connect(m->runtime.get(), &ChannelRuntime::connectorStarted, m->media.get(),
                     [media = m->media.get()] { media->resume(); });

    m->http = std::make_unique<QHttpServer>();
    ServerParts *parts = m.get();
    api::HttpApi::Options httpOptions;
    httpOptions.connectorFor = connectorFor;
    httpOptions.maxBodyBytes = config.integer(u"http.max_body_bytes"_s);
    httpOptions.refreshGauges = [parts] {
        parts->metrics.set("era_open_connections", {},
                           parts->listener ? parts->listener->openConnections() : 0);
        parts->metrics.set("era_ws_sessions", "state=\"all\"", parts->gateway->sessionCount());
        parts->metrics.set("era_ws_sessions", "state=\"authenticated\"",
                           parts->gateway->authenticatedCount());
        parts->metrics.set("era_events_last_seq", {}, double(parts->bus.lastSeq()));
        if (parts->filesApi) {
            const api::DownloadStats &downloads = parts->filesApi->downloads();
            parts->metrics.set("era_file_downloads", "state=\"sending\"", downloads.inProgress);
            parts->metrics.set("era_file_downloads", "state=\"waiting_for_client\"",
                               downloads.waitingForClient);
        }
    };
    m->metrics.describe("era_open_connections", "gauge", "Open TCP connections (HTTP and WebSocket).");
    m->metrics.describe("era_file_downloads", "gauge",
                        "File bodies being sent; waiting_for_client: of those, the ones whose client takes "
                        "nothing now");
    m->httpApi =
        std::make_unique<api::HttpApi>(*m->http, *m->accounts, *m->channels, *m->db, m->metrics, httpOptions);
    api::FilesApi::Options filesOptions;
    filesOptions.maxBytes = maxFileBytes;
    filesOptions.thumbnailSide = int(config.integer(u"files.thumbnail_side"_s));
    m->filesApi = std::make_unique<api::FilesApi>(*m->http, *m->accounts, *m->files, *m->fileAccess,
                                                  m->metrics, filesOptions);

    api::Gateway::Options gatewayOptions;
    gatewayOptions.helloTimeoutSec = int(config.integer(u"ws.hello_timeout"_s));
    gatewayOptions.replayLimit = int(config.integer(u"ws.replay_limit"_s));
    gatewayOptions.heartbeatIntervalSec = int(config.integer(u"ws.heartbeat_interval"_s));
    gatewayOptions.idleTimeoutSec = int(config.integer(u"ws.idle_timeout"_s));
    gatewayOptions.maxMessageBytes = config.integer(u"ws.max_message_bytes"_s);
    m->gateway = std::make_unique<api::Gateway>(
        m->bus, *m->db, api::Gateway::Services{*m->accounts, *m->queues, *m->dialogs, *m->channels},
        m->metrics, gatewayOptions);

    net::ListenerOptions listen;
    listen.address = QHostAddress(config.string(u"http.address"_s));
    if (listen.address.isNull())
        return Error{u"config_bad_value"_s,
                     u"http.address '%1' is not an IP address"_s.arg(config.string(u"http.address"_s))};
    listen.port = quint16(config.integer(u"http.port"_s));
    listen.wsPath = "/api/v1/ws";
    listen.maxHeaderBytes = config.integer(u"http.max_header_bytes"_s);
    // Every route takes http.max_body_bytes but the upload route, which takes files.max_bytes: refused from
    // the declared length, before the body is read.
    listen.bodyLimits.defaultBytes = config.integer(u"http.max_body_bytes"_s);
    listen.bodyLimits.byPathPrefix = {{api::FilesApi::UploadPath, maxFileBytes}};
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

    m->runtime->start();
    m->outbox->start();

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

storage::Database &Server::database() const
{
    return *m->db;
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
    m->pruneTimer.stop();
    m->httpApi->setShuttingDown();
    m->listener->stopAccepting();
    // Said once it is true: a connection attempted after this line is refused.
    qCInfo(lcServer, "shutting down: no new connections, finishing in-flight work");
    // No new deliveries or receptions; let password hashes and file writes in flight finish so that their
    // writes are queued before the database closes.
    m->outbox->stop();
    m->runtime->stop();
    m->accounts->drain(m->graceSeconds * 1000);
    m->files->waitForDone(m->graceSeconds * 1000);
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
