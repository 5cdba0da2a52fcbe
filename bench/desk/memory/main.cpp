// 50 open dialogs of 1,000 messages each: the desk's resident memory. A real era-server (SQLite, seeded
// through the Telegram webhook route) and the real desk (DeskApp, Main.qml under a QQuickWindow) in this
// process. Every dialog is opened with Session::openDialog, paged to its first message
// (MessageListModel::fetchMore until hasMore is false) and shown so its ListView makes delegates; then
// each conversation still open is shown once more. VmRSS/VmHWM come from /proc/self/status.
#include "BenchSupport.h"
#include "DeskUnderTest.h"
#include "SeededServer.h"
#include "app/DeskApp.h"
#include "app/QmlPlugins.h"
#include "session/Session.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace era::bench;
using era::desk::Session;

namespace {

constexpr double TargetMb = 300; // 10^6 bytes

// Opens the dialog, pages every message in, and waits for a frame showing it.
Failure openAndPage(DeskUnderTest &desk, qint64 dialogId, int expected)
{
    Session *session = desk.session();
    session->openDialog(dialogId);
    // Made inside openDialog; shown (current) once its first page is there.
    era::desk::Conversation *c = session->workspace()->conversation(dialogId);
    era::desk::MessageListModel *m = c->messages();
    if (!waitUntil([session, c, m] { return !c->loading() && m->rowCount() > 0 && session->current() == c; },
                   10000))
        return {u"dialog %1: the first page did not come"_s.arg(dialogId)};
    while (m->hasMore()) {
        if (!m->loadingOlder())
            m->fetchMore({});
        if (!waitUntil([m] { return !m->loadingOlder(); }, 10000))
            return {u"dialog %1: a page did not come (%2 rows)"_s.arg(dialogId).arg(m->rowCount())};
    }
    if (m->rowCount() < expected)
        return {u"dialog %1: %2 rows, expected %3"_s.arg(dialogId).arg(m->rowCount()).arg(expected)};
    desk.nextFrame();
    QQuickItem *list = desk.messageListOf(c);
    if (!waitUntil([list] { return inspect(list, 1).newestShown; }, 5000))
        return {u"dialog %1: its ListView shows no message"_s.arg(dialogId)};
    return {};
}

int totalRows(Session *session)
{
    int rows = 0;
    for (era::desk::Conversation *c : session->openConversations()->all())
        rows += c->messages()->rowCount();
    return rows;
}

// What the window holds: every Qt Quick item, and the message delegates each conversation's ListView has
// made (the one on screen, and the hidden pages the desk keeps for the other open conversations).
struct Census {
    int items = 0;
    int shownDelegates = 0;
    int hiddenLists = 0;
    int hiddenDelegates = 0;
};

Census census(DeskUnderTest &desk, Session *session)
{
    Census c;
    QList<QQuickItem *> pending{desk.window()->contentItem()};
    while (!pending.isEmpty()) {
        ++c.items;
        pending += pending.takeLast()->childItems();
    }
    for (era::desk::Conversation *conversation : session->openConversations()->all()) {
        QQuickItem *list = desk.messageListOf(conversation);
        if (!list)
            continue;
        int made = 0;
        for (int row = 0; row < conversation->messages()->rowCount(); ++row) {
            QQuickItem *item = nullptr;
            QMetaObject::invokeMethod(list, "itemAtIndex", Qt::DirectConnection,
                                      Q_RETURN_ARG(QQuickItem *, item), Q_ARG(int, row));
            made += item ? 1 : 0;
        }
        if (list->isVisible()) {
            c.shownDelegates += made;
        } else {
            ++c.hiddenLists;
            c.hiddenDelegates += made;
        }
    }
    return c;
}

} // namespace

int main(int argc, char **argv)
{
    era::desk::DeskApp::markStart();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"ERA"_s);
    QApplication::setApplicationName(u"era-desk-bench"_s);

    QCommandLineParser cli;
    cli.setApplicationDescription(u"N open dialogs of M messages in the real desk: resident memory"_s);
    cli.addHelpOption();
    const QCommandLineOption server(u"server"_s, u"era-server binary"_s, u"path"_s);
    const QCommandLineOption dialogs(u"dialogs"_s, u"dialogs"_s, u"n"_s, u"50"_s);
    const QCommandLineOption messages(u"messages"_s, u"messages per dialog"_s, u"n"_s, u"1000"_s);
    const QCommandLineOption temp(u"temp"_s, u"folder for the data dir"_s, u"path"_s, QDir::tempPath());
    cli.addOptions({server, dialogs, messages, temp});
    cli.process(app);
    if (!cli.isSet(server))
        cli.showHelp(2);
    const int dialogCount = cli.value(dialogs).toInt();
    const int messageCount = cli.value(messages).toInt();

    SeededServer seeded({cli.value(server), cli.value(temp)});
    if (auto f = seeded.start()) {
        err() << "bench: " << f.message << Qt::endl;
        return 1;
    }
    QList<qint64> ids;
    if (auto f = seeded.seed(QList<int>(dialogCount, messageCount), &ids)) {
        err() << "bench: " << f.message << Qt::endl;
        return 1;
    }

    const qint64 rssAtMain = procStatusKb("VmRSS");
    QTemporaryDir state(cli.value(temp) + u"/era-bench-desk-state-XXXXXX"_s);
    DeskUnderTest desk(state.path());
    if (auto f = desk.start(seeded.url(), seeded.login(), seeded.password(), 30000)) {
        err() << "bench: " << f.message << Qt::endl;
        return 1;
    }
    Session *session = desk.session();
    waitUntil([&] { return session->dialogs()->rowCount() >= dialogCount; }, 10000);
    waitMs(1000);
    desk.nextFrame();
    const qint64 before = procStatusKb("VmRSS");

    out() << "machine: " << machineSummary() << "; load average " << loadAverage() << Qt::endl;
    out() << "desk: " << desk.renderSummary() << ", window " << desk.window()->width() << "x"
          << desk.window()->height() << Qt::endl;
    out() << "server: " << seeded.commandLine() << Qt::endl;
    out() << dialogCount << " dialogs x " << messageCount
          << " customer messages, all assigned to the operator" << Qt::endl
          << Qt::endl;
    out() << "| dialogs opened | conversations kept open | rows held | Qt Quick items | delegates on screen "
             "/ in "
             "hidden pages | VmRSS | VmHWM |"
          << Qt::endl;
    out() << "|---:|---:|---:|---:|---:|---:|---:|" << Qt::endl;
    auto row = [&](const QString &label) {
        const Census c = census(desk, session);
        out() << "| " << label << " | " << session->openConversations()->rowCount() << " | "
              << totalRows(session) << " | " << c.items << " | " << c.shownDelegates << " / "
              << c.hiddenDelegates << " | " << mb(procStatusKb("VmRSS")) << " | " << mb(procStatusKb("VmHWM"))
              << " |" << Qt::endl;
    };
    row(u"0 (online, dialog list loaded)"_s);

    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < ids.size(); ++i) {
        if (auto f = openAndPage(desk, ids.at(i), messageCount)) {
            err() << "bench: " << f.message << Qt::endl;
            return 1;
        }
        if ((i + 1) % 10 == 0)
            row(QString::number(i + 1));
    }
    const double openSeconds = double(clock.elapsed()) / 1000.0;
    // Show every conversation that is still open once more, newest last.
    for (era::desk::Conversation *c : session->openConversations()->all()) {
        session->openDialog(c->dialogId());
        desk.nextFrame();
    }
    waitMs(2000);
    desk.nextFrame();
    const qint64 rss = procStatusKb("VmRSS");
    const qint64 hwm = procStatusKb("VmHWM");
    row(u"%1, then each open one shown again"_s.arg(ids.size()));

    const int open = int(session->openConversations()->rowCount());
    const Census end = census(desk, session);
    const int rows = totalRows(session);
    const double perDialogKb = open > 0 ? double(rss - before) / open : 0;
    out() << Qt::endl
          << "RSS: process start (before the desk) " << mb(rssAtMain) << ", desk online before opening "
          << mb(before) << ", after " << mb(rss) << " (VmHWM " << mb(hwm) << "); " << open
          << " conversations open holding " << rows << " rows; the pane on screen has " << end.shownDelegates
          << " message delegates, the " << end.hiddenLists << " hidden pages " << end.hiddenDelegates
          << " (about " << (end.hiddenLists > 0 ? end.hiddenDelegates / end.hiddenLists : 0) << " each), "
          << end.items << " Qt Quick items in all; about " << mb(qint64(perDialogKb))
          << " per open conversation; opening and paging took " << ms(openSeconds) << " s" << Qt::endl;
    if (open < ids.size())
        out() << "note: the desk keeps at most " << open
              << " conversations open (Workspace evicts the oldest),"
              << " so " << ids.size() - open << " of the " << ids.size()
              << " were closed again; at the same cost per conversation " << ids.size()
              << " open would be about " << mb(before + qint64(perDialogKb * double(ids.size()))) << Qt::endl;
    const qint64 targetKb = qint64(TargetMb * 1e6 / 1024.0);
    const bool met = rss < targetKb && hwm < targetKb;
    out() << "resident memory by mapping (largest):";
    const auto mappings = residentByMapping();
    for (qsizetype i = 0; i < std::min<qsizetype>(8, mappings.size()); ++i)
        out() << " " << mappings.at(i).first << " " << mb(mappings.at(i).second) << (i < 7 ? ";" : "");
    out() << Qt::endl;
    out() << "target < " << TargetMb << " MB: " << (met ? "met" : "NOT met") << " (VmRSS and VmHWM)"
          << Qt::endl;
    out() << "load average at the end: " << loadAverage() << Qt::endl;
    out() << "command: " << QCoreApplication::arguments().join(u' ') << Qt::endl;
    return 0;
}
