#pragma once

#include "core/Config.h"
#include "core/Result.h"

#include <QObject>
#include <functional>
#include <memory>

namespace era::storage {
class Database;
}

namespace era::app {

struct ServerParts;

// The composition root of a running era-server: storage, services, the listener and the gateway, wired by
// the configuration. main.cpp and the in-process tests both start the server through this.
class Server : public QObject {
    Q_OBJECT
public:
    // Opens (and migrates) the database, creates the first admin when there is none (its password is
    // returned once through firstAdminPassword), and starts listening.
    static Result<std::unique_ptr<Server>> start(const Config &config);
    ~Server() override;

    quint16 port() const;
    QString url() const;
    // The generated password of the first admin, when this start created it.
    QString firstAdminPassword() const;

    // The server's own database: for in-process tests that must reach its writer (to hold it, say).
    storage::Database &database() const;

    // Graceful stop: refuse new connections, tell sessions, finish and commit queued writes, flush replies.
    void shutdown();

private:
    explicit Server(std::unique_ptr<ServerParts> parts);
    void pruneEvents();

    std::unique_ptr<ServerParts> m;
};

} // namespace era::app
