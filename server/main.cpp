// era-server: the composition root. Parses the configuration, then runs the server or a `user` command.
#include "app/Cli.h"
#include "app/Server.h"
#include "core/Config.h"
#include "net/EpollEventDispatcher.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QTextStream>
#include <cerrno>
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

int signalPipe[2] = {-1, -1};

void onSignal(int sig)
{
    const int savedErrno = errno; // a handler must leave errno as it found it
    const char c = char(sig);
    [[maybe_unused]] auto n = ::write(signalPipe[1], &c, 1); // non-blocking: a full pipe drops the byte
    errno = savedErrno;
}

void setLogLevel(const QString &level)
{
    QString rules;
    if (level == u"info"_s)
        rules = u"*.debug=false"_s;
    else if (level == u"warning"_s)
        rules = u"*.debug=false\n*.info=false"_s;
    else if (level == u"error"_s)
        rules = u"*.debug=false\n*.info=false\n*.warning=false"_s;
    else
        rules = u"era.*.debug=true"_s;
    QLoggingCategory::setFilterRules(rules);
    qSetMessagePattern(u"%{time yyyy-MM-ddThh:mm:ss.zzz} %{type} %{category}: %{message}"_s);
}

} // namespace

int main(int argc, char *argv[])
{
    // Qt's default dispatchers poll every socket on each wake-up; epoll keeps many connections cheap.
    QCoreApplication::setEventDispatcher(new era::net::EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"era-server"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(ERA_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);

    if (app.arguments().contains(u"--version"_s)) {
        out << "era-server " << ERA_VERSION << Qt::endl;
        return 0;
    }
    auto config = era::Config::load(app.arguments());
    if (!config) {
        err << "era-server: " << config.error().message << Qt::endl;
        return 2;
    }
    if (config->helpRequested()) {
        out << era::Config::helpText();
        return 0;
    }
    setLogLevel(config->string(u"log.level"_s));

    const QStringList &words = config->positional();
    if (!words.isEmpty() && words.first() == u"user"_s)
        return era::app::runUserCommand(*config, out, err);
    if (!words.isEmpty() && words.first() == u"channel"_s)
        return era::app::runChannelCommand(*config, out, err);
    if (!words.isEmpty() && words.first() == u"queue"_s)
        return era::app::runQueueCommand(*config, out, err);
    if (!words.isEmpty()) {
        err << "era-server: unknown command or option '" << words.first() << "' (see --help)" << Qt::endl;
        return 2;
    }

    // Installed before the (possibly long) start: a SIGTERM during migrations still stops cleanly.
    std::unique_ptr<era::app::Server> server;
    // SIGTERM/SIGINT become an event on the loop (the self-pipe trick), so shutdown runs on the main thread.
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, signalPipe) != 0) {
        err << "era-server: cannot create the signal pipe" << Qt::endl;
        return 1;
    }
    QSocketNotifier signalNotifier(signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&signalNotifier, &QSocketNotifier::activated, &app, [&] {
        char c = 0;
        [[maybe_unused]] auto n = ::read(signalPipe[0], &c, 1);
        signalNotifier.setEnabled(false);
        if (server)
            server->shutdown();
        QCoreApplication::quit();
    });
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    auto started = era::app::Server::start(*config);
    if (!started) {
        err << "era-server: " << started.error().message << Qt::endl;
        return 1;
    }
    server = std::move(started).value();
    if (!server->firstAdminPassword().isEmpty()) {
        out << "First start: created the admin account.\n"
            << "  login:    admin\n"
            << "  password: " << server->firstAdminPassword() << "\n"
            << "This password is shown only once; change it after logging in "
               "(or later: era-server user passwd admin)."
            << Qt::endl;
    }
    out << "era-server " << ERA_VERSION << " listening on " << server->url() << Qt::endl;

    const int code = QCoreApplication::exec();
    server.reset();
    return code;
}
