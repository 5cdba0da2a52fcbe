// Start to a usable window once logged in: the real era-desk binary, started again and again with a
// remembered token, against a real era-server (SQLite, dialogs seeded through the Telegram webhook route).
// With ERA_DESK_REPORT_READY=1 the desk prints "era-desk: usable after N ms since main()" on the first frame
// after its session is online with its snapshot; the wall time runs from just before exec to that line.
//
// The token is remembered the way the desk remembers it: with --vault plain, in the settings ini under the
// explicit plaintext opt-in (no keychain on the machine); with --vault keychain, in the Secret Service
// through the desk's own TokenVault (run it inside a D-Bus session with an unlocked keyring).
#include "BenchSupport.h"
#include "SeededServer.h"
#include "app/DeskSettings.h"
#include "auth/TokenVault.h"
#include "net/RestClient.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace era::bench;

namespace {

constexpr double TargetMs = 1000;

// Remembers the token as the desk would have after a login with "remember me".
Failure remember(const QString &vaultKind, const QUrl &server, const QString &login, const QString &token)
{
    era::desk::DeskSettings settings; // in ERA_DESK_CONFIG_DIR
    const QUrl url = era::desk::RestClient::normalizeServerUrl(server.toString());
    settings.setServerUrl(url.toString());
    settings.setLogin(login);
    settings.setRememberMe(true);
    const QString account = url.toString() + u"|"_s + login;
    if (vaultKind == u"plain"_s) {
        // The opt-in and the token where TokenVault keeps a plain copy (TokenVault::plainKey).
        settings.setPlaintextTokenAllowed(true);
        settings.store()->setValue(
            u"plain_tokens/"_s +
                QString::fromLatin1(
                    QCryptographicHash::hash(account.toUtf8(), QCryptographicHash::Sha256).toHex()),
            token);
        settings.store()->sync();
        return {};
    }
    settings.setPlaintextTokenAllowed(false);
    era::desk::TokenVault vault(u"era-desk"_s, settings.store());
    std::optional<era::desk::TokenVault::Outcome> outcome;
    QObject context;
    vault.write(account, token, &context,
                [&outcome](const era::desk::TokenVault::Outcome &o) { outcome = o; });
    if (!waitUntil([&outcome] { return outcome.has_value(); }, 10000))
        return {u"the keychain did not answer within 10 s"_s};
    if (outcome->place != era::desk::TokenVault::Place::Keychain)
        return {u"the keychain refused the token: "_s + outcome->error};
    return {};
}

struct Start {
    double wallMs = -1;
    qint64 reportedMs = -1;
    QString log;
};

Start startOnce(const QString &desk, const QStringList &args, const QProcessEnvironment &env, int timeoutMs)
{
    static const QRegularExpression usable(u"era-desk: usable after (\\d+) ms since main\\(\\)"_s);
    Start s;
    QProcess p;
    p.setProcessEnvironment(env);
    QElapsedTimer clock;
    QString stderrText;
    QObject::connect(&p, &QProcess::readyReadStandardError, &p, [&] {
        stderrText += QString::fromUtf8(p.readAllStandardError());
        if (s.wallMs < 0) {
            const auto m = usable.match(stderrText);
            if (m.hasMatch()) {
                s.wallMs = double(clock.nsecsElapsed()) / 1e6;
                s.reportedMs = m.captured(1).toLongLong();
            }
        }
    });
    clock.start();
    p.start(desk, args);
    waitUntil([&] { return s.wallMs >= 0 || p.state() == QProcess::NotRunning; }, timeoutMs);
    if (p.state() != QProcess::NotRunning) {
        p.terminate();
        if (!p.waitForFinished(10000))
            p.kill();
    }
    p.waitForFinished(5000);
    stderrText += QString::fromUtf8(p.readAllStandardError());
    s.log = stderrText + QString::fromUtf8(p.readAllStandardOutput());
    return s;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.setApplicationDescription(u"era-desk start to a usable window with a remembered token"_s);
    cli.addHelpOption();
    const QCommandLineOption server(u"server"_s, u"era-server binary"_s, u"path"_s);
    const QCommandLineOption desk(u"desk"_s, u"era-desk binary"_s, u"path"_s);
    const QCommandLineOption runs(u"runs"_s, u"starts"_s, u"n"_s, u"10"_s);
    const QCommandLineOption vault(u"vault"_s, u"where the token is remembered: plain or keychain"_s,
                                   u"kind"_s, u"plain"_s);
    const QCommandLineOption dialogs(u"dialogs"_s, u"the operator's active dialogs"_s, u"n"_s, u"20"_s);
    const QCommandLineOption messages(u"messages"_s, u"messages per dialog"_s, u"n"_s, u"100"_s);
    const QCommandLineOption temp(u"temp"_s, u"folder for the data dir"_s, u"path"_s, QDir::tempPath());
    cli.addOptions({server, desk, runs, vault, dialogs, messages, temp});
    cli.process(app);
    if (!cli.isSet(server) || !cli.isSet(desk))
        cli.showHelp(2);
    const QString vaultKind = cli.value(vault);
    if (vaultKind != u"plain"_s && vaultKind != u"keychain"_s)
        cli.showHelp(2);

    SeededServer seeded({cli.value(server), cli.value(temp)});
    if (auto f = seeded.start()) {
        err() << "bench: " << f.message << Qt::endl;
        return 1;
    }
    QList<qint64> ids;
    if (auto f = seeded.seed(QList<int>(cli.value(dialogs).toInt(), cli.value(messages).toInt()), &ids)) {
        err() << "bench: " << f.message << Qt::endl;
        return 1;
    }
    QString token;
    if (auto f = seeded.loginToken(&token)) {
        err() << "bench: " << f.message << Qt::endl;
        return 1;
    }

    QTemporaryDir state(cli.value(temp) + u"/era-bench-desk-state-XXXXXX"_s);
    qputenv("ERA_DESK_CONFIG_DIR", (state.path() + u"/config"_s).toLocal8Bit());
    if (auto f = remember(vaultKind, seeded.url(), seeded.login(), token)) {
        err() << "bench: " << f.message << Qt::endl;
        return 1;
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"ERA_DESK_CONFIG_DIR"_s, state.path() + u"/config"_s);
    env.insert(u"ERA_DESK_CACHE_DIR"_s, state.path() + u"/cache"_s);
    env.insert(u"ERA_DESK_REPORT_READY"_s, u"1"_s);

    out() << "machine: " << machineSummary() << "; load average " << loadAverage() << Qt::endl;
    out() << "server: " << seeded.commandLine() << Qt::endl;
    out() << "desk: " << cli.value(desk) << " (no arguments), platform "
          << env.value(u"QT_QPA_PLATFORM"_s, u"xcb"_s) << ", DISPLAY=" << env.value(u"DISPLAY"_s)
          << ", token remembered in "
          << (vaultKind == u"plain"_s ? "the settings ini (plaintext opt-in)" : "the keychain")
          << "; the operator has " << ids.size() << " active dialogs of " << cli.value(messages)
          << " messages" << Qt::endl
          << Qt::endl;
    out() << "| start | exec -> usable line ms (wall) | usable after N ms since main() | before main() ms |"
          << Qt::endl;
    out() << "|---:|---:|---:|---:|" << Qt::endl;

    Samples wall;
    Samples reported;
    for (int run = 1; run <= cli.value(runs).toInt(); ++run) {
        const Start s = startOnce(cli.value(desk), {}, env, 20000);
        if (s.wallMs < 0) {
            err() << "bench: start " << run << " never became usable:\n" << s.log << Qt::endl;
            return 1;
        }
        wall.add(s.wallMs);
        reported.add(double(s.reportedMs));
        out() << "| " << run << " | " << ms(s.wallMs) << " | " << s.reportedMs << " | "
              << ms(s.wallMs - double(s.reportedMs)) << " |" << Qt::endl;
        waitMs(300);
    }
    const bool met = wall.max() < TargetMs;
    out() << Qt::endl
          << "exec -> usable, " << wall.count() << " starts: p50 " << ms(wall.percentile(50)) << " ms, max "
          << ms(wall.max()) << " ms; the desk's own N (since main()): p50 " << ms(reported.percentile(50), 0)
          << " ms, max " << ms(reported.max(), 0) << " ms" << Qt::endl;
    out() << "target < " << TargetMs << " ms: " << (met ? "met" : "NOT met") << " (every start)" << Qt::endl;
    out() << "load average at the end: " << loadAverage() << Qt::endl;
    out() << "command: " << QCoreApplication::arguments().join(u' ') << Qt::endl;
    return 0;
}
