// Open a dialog with 10,000 messages: from Session::openDialog(id) to the first frame swapped after the
// conversation's MessageListModel holds >= 50 rows and its ListView shows the newest of them filling the
// view. A real era-server (SQLite, seeded through the Telegram webhook route) and the real desk (DeskApp:
// Session, Main.qml, ConversationPane under a QQuickWindow) in this process.
//
// The frame is identified on the thread that renders it: the state is read in beforeSynchronizing (the GUI
// thread is blocked there, also with the threaded render loop) and the time is taken at the next
// frameSwapped, which is the swap of exactly that synchronized frame.
#include "BenchSupport.h"
#include "DeskUnderTest.h"
#include "OperatorAgent.h"
#include "SeededServer.h"
#include "app/DeskApp.h"
#include "app/QmlPlugins.h"
#include "session/Session.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <mutex>
#include <vector>

using namespace Qt::StringLiterals;
using namespace era::bench;
using era::desk::Session;

namespace {

constexpr int Newest = 50;
constexpr double TargetMs = 100;

QElapsedTimer g_clock;
qint64 nowNs()
{
    return g_clock.nsecsElapsed();
}

// One open, watched frame by frame.
struct OpenProbe {
    std::atomic<QQuickItem *> list{nullptr};
    std::atomic<bool> active{false};
    std::atomic<bool> synced{false};    // a synchronized frame met the condition
    std::atomic<qint64> swappedNs{-1};  // its swap
    std::atomic<qint64> syncs{0};       // frames synchronized since the open
    std::atomic<qint64> animatedNs{-1}; // the GUI thread's last afterAnimating (polish done)
    ViewFill fill;                      // the state in that frame (written once, in the sync)
    qint64 polishedNs = -1;             // that frame's afterAnimating
    qint64 syncNs = -1;                 // its beforeSynchronizing
    qint64 startNs = 0;
    qint64 replyNs = -1;
    // Every frame step since the open, for --timeline.
    std::mutex eventsLock;
    std::vector<std::pair<const char *, qint64>> events;

    void note(const char *what)
    {
        if (!active)
            return;
        std::lock_guard<std::mutex> lock(eventsLock);
        events.emplace_back(what, nowNs());
    }

    void reset()
    {
        list = nullptr;
        synced = false;
        swappedNs = -1;
        syncs = 0;
        fill = {};
        animatedNs = -1;
        polishedNs = -1;
        syncNs = -1;
        replyNs = -1;
        std::lock_guard<std::mutex> lock(eventsLock);
        events.clear();
    }
};

struct OpenResult {
    bool ok = false;
    double totalMs = 0;
    double replyMs = 0;
    double polishedMs = 0;
    double syncMs = 0;
    ViewFill fill;
    qint64 frames = 0;
};

OpenResult openOnce(DeskUnderTest &desk, OpenProbe &probe, qint64 dialogId)
{
    Session *session = desk.session();
    probe.reset();
    probe.startNs = nowNs();
    probe.active = true;
    session->openDialog(dialogId);
    // The conversation and its pane are made inside openDialog; its pages are answered later, and the desk
    // shows it (makes it current) once the first page is there.
    era::desk::Conversation *c = session->workspace()->conversation(dialogId);
    probe.note("openDialog returned (conversation and pane made, dialog.open + dialog.history sent)");
    QObject::connect(c, &era::desk::Conversation::infoChanged, c,
                     [&probe] { probe.note("dialog.open reply applied (infoChanged)"); });
    QObject::connect(c->messages(), &QAbstractItemModel::modelReset, c, [&probe] {
        if (probe.replyNs < 0)
            probe.replyNs = nowNs();
        probe.note("history reply applied (model reset)");
    });
    probe.list = desk.messageListOf(c);
    const bool ok = waitUntil(
        [&] {
            if (!probe.list.load()) // in case the pane is made later than openDialog
                probe.list = desk.messageListOf(c);
            return probe.swappedNs.load() >= 0;
        },
        10000);
    probe.active = false;
    OpenResult r;
    r.ok = ok;
    if (ok) {
        r.totalMs = double(probe.swappedNs.load() - probe.startNs) / 1e6;
        r.replyMs = probe.replyNs >= 0 ? double(probe.replyNs - probe.startNs) / 1e6 : -1;
        r.polishedMs = double(probe.polishedNs - probe.startNs) / 1e6;
        r.syncMs = double(probe.syncNs - probe.startNs) / 1e6;
        r.fill = probe.fill;
        r.frames = probe.syncs.load();
    }
    return r;
}

} // namespace

int main(int argc, char **argv)
{
    g_clock.start();
    era::desk::DeskApp::markStart();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"ERA"_s);
    QApplication::setApplicationName(u"era-desk-bench"_s);

    QCommandLineParser cli;
    cli.setApplicationDescription(
        u"Open a dialog of N messages in the real desk: openDialog -> first frame"_s);
    cli.addHelpOption();
    const QCommandLineOption server(u"server"_s, u"era-server binary"_s, u"path"_s);
    const QCommandLineOption messages(u"messages"_s, u"messages in the dialog"_s, u"n"_s, u"10000"_s);
    const QCommandLineOption runs(u"runs"_s, u"measured opens (after the first)"_s, u"n"_s, u"20"_s);
    const QCommandLineOption temp(u"temp"_s, u"folder for the data dir"_s, u"path"_s, QDir::tempPath());
    const QCommandLineOption timeline(u"timeline"_s, u"print every frame step of every open"_s);
    cli.addOptions({server, messages, runs, temp, timeline});
    cli.process(app);
    if (!cli.isSet(server))
        cli.showHelp(2);
    const int messageCount = cli.value(messages).toInt();
    const int runCount = cli.value(runs).toInt();

    SeededServer seeded({cli.value(server), cli.value(temp)});
    if (auto f = seeded.start()) {
        err() << "bench: " << f.message << Qt::endl;
        return 1;
    }
    // The big dialog, and a small one to show while the big one is closed between opens.
    QList<qint64> ids;
    if (auto f = seeded.seed({messageCount, 20}, &ids)) {
        err() << "bench: " << f.message << Qt::endl;
        return 1;
    }
    const qint64 big = ids.at(0);
    const qint64 parking = ids.at(1);

    QTemporaryDir state(cli.value(temp) + u"/era-bench-desk-state-XXXXXX"_s);
    DeskUnderTest desk(state.path());
    if (auto f = desk.start(seeded.url(), seeded.login(), seeded.password(), 30000)) {
        err() << "bench: " << f.message << Qt::endl;
        return 1;
    }
    Session *session = desk.session();

    OpenProbe probe;
    QQuickWindow *window = desk.window();
    QObject::connect(
        window, &QQuickWindow::beforeSynchronizing, window,
        [&probe] {
            if (!probe.active)
                return;
            probe.note("sync");
            probe.syncs.fetch_add(1);
            if (probe.synced)
                return;
            const ViewFill f = inspect(probe.list.load(), Newest);
            if (f.rows >= Newest && f.count >= Newest && f.filled) {
                probe.fill = f;
                probe.polishedNs = probe.animatedNs.load();
                probe.syncNs = nowNs();
                probe.synced = true;
            }
        },
        Qt::DirectConnection);
    QObject::connect(
        window, &QQuickWindow::frameSwapped, window,
        [&probe] {
            probe.note("swap");
            if (probe.synced && probe.swappedNs.load() < 0)
                probe.swappedNs = nowNs();
        },
        Qt::DirectConnection);
    QObject::connect(
        window, &QQuickWindow::afterAnimating, window,
        [&probe] {
            probe.animatedNs = nowNs();
            probe.note("polished (afterAnimating)");
        },
        Qt::DirectConnection);

    waitUntil([session] { return session->dialogs()->rowCount() >= 2; }, 10000);
    session->openDialog(parking);
    waitUntil([session] { return session->current() && session->current()->messages()->rowCount() > 0; },
              10000);
    desk.nextFrame();

    out() << "machine: " << machineSummary() << "; load average " << loadAverage() << Qt::endl;
    out() << "desk: " << desk.renderSummary() << ", window " << window->width() << "x" << window->height()
          << Qt::endl;
    out() << "server: " << seeded.commandLine() << Qt::endl;
    out() << "dialog " << big << ": " << messageCount << " customer messages; the desk pages 50 at a time"
          << Qt::endl
          << Qt::endl;
    out()
        << "times in ms since Session::openDialog: the history reply applied to the model, the GUI thread's "
           "polish (delegates made) of the frame that shows the messages, that frame's sync, its swap"
        << Qt::endl
        << Qt::endl;
    out() << "| open | history reply | polished | sync | **swapped** | delegates made / on screen | frames |"
          << Qt::endl;
    out() << "|---|---:|---:|---:|---:|---:|---:|" << Qt::endl;

    Samples totals;
    Samples replies;
    double first = 0;
    for (int run = 0; run <= runCount; ++run) {
        // The big dialog is closed (its Conversation and pane gone), the small one is on screen.
        waitMs(200);
        desk.nextFrame();
        // With --timeline, a 1 ms timer on the GUI thread shows where that thread was busy.
        QTimer stallProbe;
        qint64 lastTick = nowNs();
        std::vector<std::pair<qint64, qint64>> stalls;
        if (cli.isSet(timeline)) {
            stallProbe.setTimerType(Qt::PreciseTimer);
            stallProbe.setInterval(1);
            QObject::connect(&stallProbe, &QTimer::timeout, [&] {
                const qint64 t = nowNs();
                if (t - lastTick > 8'000'000)
                    stalls.emplace_back(lastTick, t);
                lastTick = t;
            });
            stallProbe.start();
        }
        const OpenResult r = openOnce(desk, probe, big);
        stallProbe.stop();
        if (!r.ok) {
            const ViewFill f = inspect(probe.list.load(), Newest);
            era::desk::Conversation *c = session->current();
            err() << "bench: open " << run << " not shown within 10 s (view "
                  << (probe.list.load() ? "found" : "not found") << ", rows " << f.rows << ", count "
                  << f.count << ", made " << f.created << ", on screen " << f.onScreen << "; conversation "
                  << (c ? c->dialogId() : 0) << " holds " << (c ? c->messages()->rowCount() : 0)
                  << " rows, loading " << (c && c->loading()) << ", error '" << (c ? c->error() : QString())
                  << "')" << Qt::endl;
            return 1;
        }
        out() << "| " << (run == 0 ? u"first after start"_s : QString::number(run)) << " | " << ms(r.replyMs)
              << " | " << ms(r.polishedMs) << " | " << ms(r.syncMs) << " | " << ms(r.totalMs) << " | "
              << r.fill.created << " / " << r.fill.onScreen << " | " << r.frames << " |" << Qt::endl;
        if (cli.isSet(timeline)) {
            std::lock_guard<std::mutex> lock(probe.eventsLock);
            std::vector<std::pair<qint64, QString>> lines;
            for (const auto &[what, at] : probe.events)
                lines.emplace_back(at, QString::fromLatin1(what));
            for (const auto &[from, to] : stalls)
                lines.emplace_back(from, u"GUI thread busy for %1 ms"_s.arg(ms(double(to - from) / 1e6)));
            std::sort(lines.begin(), lines.end());
            for (const auto &[at, what] : lines) {
                if (at >= probe.startNs - 1'000'000 && what != u"swap"_s)
                    out() << "    " << ms(double(at - probe.startNs) / 1e6) << " " << what << Qt::endl;
            }
        }
        if (run == 0) {
            first = r.totalMs;
        } else {
            totals.add(r.totalMs);
            replies.add(r.replyMs);
        }
        waitMs(300); // the cache buffer fills, the read marker goes out
        session->openDialog(parking);
        desk.nextFrame();
        session->workspace()->closeConversation(big);
        waitMs(50);
        desk.nextFrame();
    }

    // The server's share alone: the two commands the desk sends on open, from a plain WebSocket client.
    Samples serverOpen;
    Samples serverHistory;
    {
        QString token;
        OperatorAgent agent;
        if (auto f = seeded.loginToken(&token); !f)
            agent.connectOnline(seeded.url(), token, 10000);
        QElapsedTimer t;
        for (int i = 0; i < runCount; ++i) {
            t.start();
            if (agent.call(u"dialog.open"_s, {{u"dialog_id"_s, big}}))
                break;
            serverOpen.add(double(t.nsecsElapsed()) / 1e6);
            t.start();
            if (agent.call(u"dialog.history"_s, {{u"dialog_id"_s, big}, {u"limit"_s, Newest}}))
                break;
            serverHistory.add(double(t.nsecsElapsed()) / 1e6);
        }
        agent.close();
    }

    const bool met = totals.percentile(95) < TargetMs && first < TargetMs;
    out() << Qt::endl
          << "openDialog -> first frame with the newest " << Newest << " loaded and the view filled, "
          << totals.count() << " opens: p50 " << ms(totals.percentile(50)) << " ms, p95 "
          << ms(totals.percentile(95)) << " ms, max " << ms(totals.max()) << " ms; first open after start "
          << ms(first) << " ms" << Qt::endl;
    out() << "of which openDialog -> history reply: p50 " << ms(replies.percentile(50)) << " ms, p95 "
          << ms(replies.percentile(95)) << " ms" << Qt::endl;
    out() << "the same commands from a bare WebSocket client, one at a time: dialog.open p50 "
          << ms(serverOpen.percentile(50)) << " ms (max " << ms(serverOpen.max())
          << "), dialog.history limit " << Newest << " p50 " << ms(serverHistory.percentile(50))
          << " ms (max " << ms(serverHistory.max()) << ")" << Qt::endl;
    out() << "target < " << TargetMs << " ms: " << (met ? "met" : "NOT met") << " (p95 and the first open)"
          << Qt::endl;
    out() << "load average at the end: " << loadAverage() << Qt::endl;
    out() << "command: " << QCoreApplication::arguments().join(u' ') << Qt::endl;
    return 0;
}
