#include "app/DeskApp.h"

#include "net/RestClient.h"
#include "notify/DesktopNotifications.h"
#include "notify/TrayIcon.h"
#include "session/Session.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFont>
#include <QGuiApplication>
#include <QIcon>
#include <QQmlApplicationEngine>
#include <QQmlContext>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QStandardPaths>
#include <QSystemTrayIcon>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace era::desk {

namespace {
QElapsedTimer s_startClock; // started by DeskApp::markStart() in main()
} // namespace

void DeskApp::markStart()
{
    s_startClock.start();
}

DeskApp::DeskApp(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_session(std::make_unique<Session>(nullptr))
{
    m_translations.apply(m_session->settings()->language());
    connect(m_session->settings(), &DeskSettings::languageChanged, this,
            [this] { m_translations.apply(m_session->settings()->language()); });

    m_notifications = std::make_unique<DesktopNotifications>();
    m_session->notifier()->setSink(m_notifications.get());
    if (m_options.sounds) {
        m_sounds = std::make_unique<SoundPlayer>();
        m_session->notifier()->setSound(m_sounds.get());
    }
    if (m_options.tray) {
        m_tray = std::make_unique<TrayIcon>();
        if (m_tray->available()) {
            m_notifications->setFallback(m_tray->tray());
            auto counts = [this] {
                m_tray->setCounts(m_session->dialogs()->unreadTotal(), m_session->dialogs()->offeredCount());
            };
            connect(m_session->dialogs(), &DialogListModel::unreadTotalChanged, this, counts);
            connect(m_session->dialogs(), &DialogListModel::countChanged, this, counts);
            connect(m_session.get(), &Session::presenceChanged, this,
                    [this] { m_tray->setPresence(m_session->presence()); });
            connect(m_tray.get(), &TrayIcon::presenceRequested, m_session.get(), &Session::setPresence);
            connect(m_tray.get(), &TrayIcon::showRequested, m_session.get(), &Session::raiseRequested);
            connect(m_tray.get(), &TrayIcon::quitRequested, qApp, &QCoreApplication::quit);
            m_session->setTrayAvailable(true);
        }
    }
    applyClosePolicy();
    connect(m_session->settings(), &DeskSettings::changed, this, &DeskApp::applyClosePolicy);
    connect(m_session.get(), &Session::trayAvailableChanged, this, &DeskApp::applyClosePolicy);
    QGuiApplication::setWindowIcon(QIcon(QPixmap::fromImage(TrayIcon::badgeImage(0, false, 128))));
}

DeskApp::~DeskApp()
{
    // The engine's objects refer to the session: they go first.
    m_engine.reset();
}

// Without a GPU (virtual machines, remote desktops) OpenGL is emulated on the CPU, and Qt Quick's own
// software renderer, which repaints only what changed, draws the desk two to three times faster
// (docs/performance.md, era-desk). A GPU shows as a DRM render node; asking OpenGL itself would load the
// emulator (llvmpipe: 45 MB) just to learn that. QT_QUICK_BACKEND, when set, decides instead.
static void preferSoftwareRenderingWithoutAGpu()
{
    if (qEnvironmentVariableIsSet("QT_QUICK_BACKEND") || QGuiApplication::platformName() == u"offscreen"_s)
        return;
    const QStringList renderNodes = QDir(u"/dev/dri"_s).entryList({u"renderD*"_s}, QDir::System);
    if (renderNodes.isEmpty()) {
        qInfo("era-desk: no GPU (no /dev/dri/renderD*): using Qt Quick's software renderer");
        QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    }
}

bool DeskApp::load()
{
    QQuickStyle::setStyle(u"Basic"_s);
    preferSoftwareRenderingWithoutAGpu();
    // Emoji in text come in colour, not from whichever monochrome font happens to have the glyph.
    QFont::insertSubstitutions(u"Inter"_s, {u"Noto Color Emoji"_s, u"DejaVu Sans"_s});
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_translations.setEngine(m_engine.get());
    const QString cache = qEnvironmentVariable("ERA_DESK_CACHE_DIR");
    m_engine->setNetworkAccessManagerFactory(new AuthorizedNetworkFactory(
        m_session->credentials(),
        cache.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + u"/images"_s
                        : cache));
    m_engine->addImportPath(u"qrc:/"_s);
    bool failed = false;
    connect(m_engine.get(), &QQmlApplicationEngine::objectCreationFailed, this, [&failed] { failed = true; });
    m_engine->load(QUrl(u"qrc:/Era/Desk/Main.qml"_s));
    if (failed || m_engine->rootObjects().isEmpty())
        return false;
    if (qEnvironmentVariableIsSet("ERA_DESK_REPORT_READY"))
        reportWhenUsable();
    // The first time the window is closed to the tray, the tray says where the desk went (not while
    // quitting).
    connect(qApp, &QCoreApplication::aboutToQuit, this, [this] { m_toldAboutTray = true; });
    if (auto *window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().value(0))) {
        connect(window, &QWindow::visibleChanged, this, [this](bool visible) {
            if (visible || m_toldAboutTray || !keepsRunningWhenClosed() || !m_tray)
                return;
            m_toldAboutTray = true;
            m_tray->tray()->showMessage(tr("ERA Desk is still running"),
                                        tr("New dialogs and messages are announced here. Quit from this "
                                           "icon's menu."),
                                        QSystemTrayIcon::Information, 6000);
        });
    }
    if (!m_options.server.isEmpty() && !m_options.login.isEmpty())
        m_session->login(m_options.server, m_options.login, m_options.password, m_options.remember);
    else
        m_session->restore();
    return true;
}

bool DeskApp::keepsRunningWhenClosed() const
{
    return m_session->trayAvailable() && m_session->settings()->closeToTray();
}

void DeskApp::applyClosePolicy()
{
    QGuiApplication::setQuitOnLastWindowClosed(!keepsRunningWhenClosed());
}

void DeskApp::reportWhenUsable()
{
    // For the start-up benchmark: the first frame painted once the session is online with its snapshot.
    auto *window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().value(0));
    if (!window)
        return;
    auto armed = std::make_shared<bool>(false);
    connect(m_session.get(), &Session::stateChanged, this, [this, armed] {
        if (m_session->state() == Session::State::Online)
            *armed = true;
    });
    auto done = std::make_shared<bool>(false);
    connect(window, &QQuickWindow::frameSwapped, this, [armed, done] {
        if (!*armed || *done)
            return;
        *done = true;
        QTextStream(stderr) << "era-desk: usable after " << s_startClock.elapsed() << " ms since main()\n";
    });
}

} // namespace era::desk
