// era-desk as an operator uses it, end to end: the real era-server process (set up with its command line),
// the Telegram Bot API emulator, and the desk's real window (offscreen) driven by mouse clicks and keys:
// offer -> Accept -> reply -> Finish, and a server killed with SIGKILL in the middle loses nothing.
#include "app/DeskApp.h"
#include "app/QmlPlugins.h"
#include "session/Session.h"
#include "telegram/FakeTelegram.h"

#include <QProcess>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace Qt::StringLiterals;
using namespace era::desk;

namespace {

const QString BotToken = u"123456789:AAHfakeTokenForTheDeskE2E_abcdef"_s;
const QString Password = u"operator-password-1"_s;

// era-server as a process on a data directory of the test's.
class ServerProcess {
public:
    explicit ServerProcess(QString dataDir) : m_dataDir(std::move(dataDir)) {}
    ~ServerProcess() { kill(); }

    QStringList base() const
    {
        return {u"--data_dir="_s + m_dataDir, u"--auth.argon2_ops=1"_s, u"--auth.argon2_memory_kib=8192"_s};
    }
    // One command-line call (queue add, user add, ...); true on exit code 0.
    bool run(const QStringList &args, const QByteArray &input = {})
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(qEnvironmentVariable("ERA_SERVER_BINARY"), base() + args);
        p.write(input);
        p.closeWriteChannel();
        p.waitForFinished(60000);
        const bool ok = p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
        if (!ok)
            qWarning("era-server %s: %s", qPrintable(args.join(u' ')), p.readAll().constData());
        return ok;
    }
    bool start(int port = 0)
    {
        m_process.setProgram(qEnvironmentVariable("ERA_SERVER_BINARY"));
        m_process.setArguments(base() + QStringList{u"--http.port=%1"_s.arg(port), u"--log.level=info"_s});
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start();
        if (!m_process.waitForStarted(10000))
            return false;
        static const QRegularExpression listening(u"listening on (\\S+)"_s);
        QByteArray out;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 30000 && m_process.state() == QProcess::Running) {
            m_process.waitForReadyRead(200);
            out += m_process.readAll();
            const auto m = listening.match(QString::fromUtf8(out));
            if (m.hasMatch()) {
                url = QUrl(m.captured(1));
                return true;
            }
        }
        qWarning("era-server did not start: %s", out.constData());
        return false;
    }
    void kill()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        ::kill(pid_t(m_process.processId()), SIGKILL);
        m_process.waitForFinished(10000);
    }
    QUrl url;

private:
    QString m_dataDir;
    QProcess m_process;
};

QQuickItem *findItem(QQuickItem *root, const QString &name)
{
    if (!root)
        return nullptr;
    if (root->objectName() == name && root->isVisible())
        return root;
    for (QQuickItem *child : root->childItems()) {
        if (QQuickItem *found = findItem(child, name))
            return found;
    }
    return nullptr;
}

// Types ASCII text into the window's focused item, key by key.
void typeText(QWindow *window, const QString &text)
{
    for (const QChar c : text)
        QTest::keyClick(window, char(c.toLatin1()));
}

} // namespace

class TestDeskE2E : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    FakeTelegram m_telegram;
    FakeTelegram::Customer m_customer;
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<DeskApp> m_desk;

    QQuickWindow *window() const
    {
        return qobject_cast<QQuickWindow *>(m_desk->engine()->rootObjects().value(0));
    }
    QQuickItem *item(const QString &name) const { return findItem(window()->contentItem(), name); }

    bool waitForItem(const QString &name, int ms = 15000)
    {
        return QTest::qWaitFor([&] { return item(name) != nullptr; }, ms);
    }
    void click(const QString &name)
    {
        QQuickItem *target = item(name);
        QVERIFY2(target, qPrintable(u"no visible item named "_s + name));
        // Let a newly shown item be laid out before aiming at it.
        QTRY_VERIFY_WITH_TIMEOUT(target->width() > 0 && target->height() > 0 && target->isEnabled(), 5000);
        QTest::qWait(50);
        target = item(name);
        const QPointF centre = target->mapToScene(QPointF(target->width() / 2, target->height() / 2));
        QTest::mouseClick(window(), Qt::LeftButton, {}, centre.toPoint());
    }
    // Clicks into a text field and checks that the keys will go there.
    void focus(const QString &name)
    {
        click(name);
        QQuickItem *field = item(name);
        QVERIFY(field);
        QTRY_VERIFY_WITH_TIMEOUT(field->hasActiveFocus(), 5000);
    }
    QStringList sentTexts() const
    {
        QStringList texts;
        for (const QJsonObject &m : m_telegram.sentMessages(BotToken, m_customer.id))
            texts.append(m.value(u"text"_s).toString());
        return texts;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!qEnvironmentVariable("ERA_SERVER_BINARY").isEmpty());
        qputenv("ERA_DESK_CONFIG_DIR", m_dir.filePath(u"desk"_s).toUtf8());
        qputenv("ERA_DESK_CACHE_DIR", m_dir.filePath(u"cache"_s).toUtf8());
        QVERIFY(m_telegram.listen());
        m_telegram.addBot(BotToken, u"era_support_bot"_s);
        m_customer.id = 777000111;
        m_customer.firstName = u"Elena"_s;
        m_customer.lastName = u"Sokolova"_s;
        m_customer.username = u"elena_s"_s;
        m_telegram.addChat(BotToken, m_customer);

        // The admin's set-up, as docs/demo.md does it.
        m_server = std::make_unique<ServerProcess>(m_dir.filePath(u"data"_s));
        QVERIFY(m_server->run({u"queue"_s, u"add"_s, u"Support"_s}));
        QVERIFY(m_server->run(
            {u"user"_s, u"add"_s, u"nina"_s, u"--name"_s, u"Nina Orlova"_s, u"--password-stdin"_s},
            Password.toUtf8() + '\n'));
        QVERIFY(m_server->run({u"queue"_s, u"members"_s, u"Support"_s, u"nina"_s}));
        QVERIFY(m_server->run({u"channel"_s, u"add"_s, u"telegram"_s, u"Support bot"_s, u"--token"_s,
                               BotToken, u"--api-base-url"_s, m_telegram.baseUrl().toString(), u"--queue"_s,
                               u"Support"_s}));
        QSignalSpy polling(&m_telegram, &FakeTelegram::longPollStarted);
        QVERIFY(m_server->start());
        QVERIFY(polling.count() > 0 || polling.wait(15000));

        DeskApp::Options options;
        options.server = m_server->url.toString();
        options.login = u"nina"_s;
        options.password = Password;
        options.remember = false;
        options.tray = false;
        options.sounds = false;
        m_desk = std::make_unique<DeskApp>(options);
        QVERIFY(m_desk->load());
        QVERIFY(window());
        QTRY_COMPARE_WITH_TIMEOUT(m_desk->session()->state(), Session::State::Online, 20000);
        connect(m_desk->session(), &Session::notice, this,
                [](const QString &text) { qInfo("desk says: %s", qPrintable(text)); });
        QVERIFY(QTest::qWaitForWindowExposed(window()));
        window()->requestActivate();
        QVERIFY(QTest::qWaitForWindowActive(window()));
    }
    void cleanupTestCase()
    {
        m_desk.reset();
        m_server.reset();
    }

    void anOfferIsAcceptedAnsweredAndFinishedInTheWindow()
    {
        Session *session = m_desk->session();
        m_telegram.injectText(BotToken, m_customer, u"Good evening! My parcel is late."_s);
        QVERIFY2(waitForItem(u"acceptButton"_s), "the offer banner appears");
        click(u"acceptButton"_s);
        QTRY_VERIFY_WITH_TIMEOUT(session->current() && session->current()->canWrite(), 15000);
        QVERIFY(waitForItem(u"composerInput"_s));
        QTRY_COMPARE_WITH_TIMEOUT(session->current()->messages()->rowCount(), 1, 10000);

        focus(u"composerInput"_s);
        typeText(window(), u"Sorry for the delay, it arrives tomorrow."_s);
        QTest::keyClick(window(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(sentTexts(), QStringList{u"Sorry for the delay, it arrives tomorrow."_s},
                                  15000);
        QTRY_COMPARE_WITH_TIMEOUT(
            session->current()
                ->messages()
                ->data(session->current()->messages()->index(0), MessageListModel::StatusRole)
                .toString(),
            u"sent"_s, 10000);

        const qint64 dialog = session->currentDialogId();
        click(u"finishButton"_s);
        QTRY_COMPARE_WITH_TIMEOUT(session->workspace()->conversation(dialog)->state(), u"closed"_s, 10000);
        QVERIFY(!item(u"composerInput"_s) || session->currentDialogId() != dialog);
    }

    void closingTheWindowLeavesTheDeskInTheTrayOnlyWhenThereIsOne()
    {
        // No tray here (offscreen): closing the window quits, as the setting's switch is not even shown.
        QVERIFY(!m_desk->session()->trayAvailable());
        QVERIFY(!m_desk->keepsRunningWhenClosed());
        QVERIFY(QGuiApplication::quitOnLastWindowClosed());
        // With a tray the setting decides (on by default), and turning it off makes closing quit again.
        m_desk->session()->setTrayAvailable(true);
        QVERIFY(m_desk->session()->settings()->closeToTray());
        QVERIFY(m_desk->keepsRunningWhenClosed());
        QVERIFY(!QGuiApplication::quitOnLastWindowClosed());
        m_desk->session()->settings()->setCloseToTray(false);
        QVERIFY(QGuiApplication::quitOnLastWindowClosed());
        m_desk->session()->settings()->setCloseToTray(true);
        m_desk->session()->setTrayAvailable(false);
        QVERIFY(QGuiApplication::quitOnLastWindowClosed());
    }

    void aServerKilledMidConversationLosesNothing()
    {
        Session *session = m_desk->session();
        m_telegram.injectText(BotToken, m_customer, u"Hello again"_s);
        QVERIFY(waitForItem(u"acceptButton"_s));
        click(u"acceptButton"_s);
        QTRY_VERIFY_WITH_TIMEOUT(session->current() && session->current()->canWrite(), 15000);
        Conversation *c = session->current();
        const int port = m_server->url.port();
        session->connection()->setBackoff(Backoff{{300, 600, 1000}, 0});

        m_server->kill(); // SIGKILL, nothing flushed on purpose
        QTRY_COMPARE_WITH_TIMEOUT(session->state(), Session::State::Reconnecting, 10000);
        m_telegram.injectText(BotToken, m_customer, u"Are you there?"_s); // waits in Telegram meanwhile
        QVERIFY(waitForItem(u"composerInput"_s));
        focus(u"composerInput"_s);
        typeText(window(), u"Yes, one moment please"_s);
        QTest::keyClick(window(), Qt::Key_Return);
        QCOMPARE(session->unsentCount(), 1);

        QVERIFY(m_server->start(port));
        QTRY_COMPARE_WITH_TIMEOUT(session->state(), Session::State::Online, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(sentTexts().contains(u"Yes, one moment please"_s), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(session->unsentCount(), 0, 10000);
        // The customer's message that came while the server was down is there, once; our reply went once.
        auto count = [&](const QString &text) {
            int n = 0;
            for (int i = 0; i < c->messages()->rowCount(); ++i)
                n += c->messages()->data(c->messages()->index(i), MessageListModel::TextRole).toString() ==
                     text;
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(count(u"Are you there?"_s), 1, 20000);
        QCOMPARE(count(u"Yes, one moment please"_s), 1);
        QTest::qWait(500);
        QCOMPARE(sentTexts().count(u"Yes, one moment please"_s), 1);
    }
};

QTEST_MAIN(TestDeskE2E)
#include "tst_desk_e2e.moc"
