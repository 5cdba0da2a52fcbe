#include "DeskUnderTest.h"

#include "app/DeskApp.h"
#include "session/Session.h"

#include <QDir>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QThread>

using namespace Qt::StringLiterals;

namespace era::bench {

DeskUnderTest::DeskUnderTest(const QString &stateDir)
{
    QDir().mkpath(stateDir + u"/config"_s);
    QDir().mkpath(stateDir + u"/cache"_s);
    qputenv("ERA_DESK_CONFIG_DIR", (stateDir + u"/config"_s).toLocal8Bit());
    qputenv("ERA_DESK_CACHE_DIR", (stateDir + u"/cache"_s).toLocal8Bit());
}

DeskUnderTest::~DeskUnderTest()
{
    if (m_window)
        m_window->disconnect(this);
}

desk::Session *DeskUnderTest::session() const
{
    return m_app ? m_app->session() : nullptr;
}

Failure DeskUnderTest::start(const QUrl &server, const QString &login, const QString &password, int timeoutMs)
{
    desk::DeskApp::Options options;
    options.server = server.toString();
    options.login = login;
    options.password = password;
    options.remember = false;
    options.tray = false;
    options.sounds = false;
    m_app = std::make_unique<desk::DeskApp>(options);
    if (!m_app->load())
        return {u"Main.qml did not load"_s};
    m_window = qobject_cast<QQuickWindow *>(m_app->engine()->rootObjects().value(0));
    if (!m_window)
        return {u"the root object of Main.qml is not a window"_s};
    QThread *gui = QThread::currentThread();
    connect(
        m_window, &QQuickWindow::frameSwapped, this,
        [this, gui] {
            m_frames.fetch_add(1);
            m_renderThread = QThread::currentThread() != gui;
        },
        Qt::DirectConnection);
    desk::Session *s = session();
    if (!waitUntil([s] { return s->state() == desk::Session::State::Online; }, timeoutMs))
        return {u"the desk did not get online (state %1, %2, login error '%3')"_s.arg(int(s->state()))
                    .arg(s->statusText(), s->loginError())};
    if (!nextFrame(timeoutMs))
        return {u"the desk's window shows no frame"_s};
    return {};
}

QQuickItem *DeskUnderTest::messageListOf(desk::Conversation *conversation) const
{
    if (!m_window || !conversation)
        return nullptr;
    // The visual tree: items made by Repeaters and Loaders are not always QObject children of their parent.
    const QObject *model = conversation->messages();
    QList<QQuickItem *> pending{m_window->contentItem()};
    while (!pending.isEmpty()) {
        QQuickItem *item = pending.takeLast();
        if (item->objectName() == u"messageList"_s && item->property("model").value<QObject *>() == model)
            return item;
        pending += item->childItems();
    }
    return nullptr;
}

bool DeskUnderTest::nextFrame(int timeoutMs)
{
    if (!m_window)
        return false;
    const qint64 before = m_frames.load();
    m_window->update();
    return waitUntil([this, before] { return m_frames.load() > before; }, timeoutMs);
}

QString DeskUnderTest::renderSummary() const
{
    if (!m_window)
        return {};
    QString api;
    switch (m_window->rendererInterface()->graphicsApi()) {
    case QSGRendererInterface::OpenGL:
        api = u"OpenGL"_s;
        break;
    case QSGRendererInterface::Software:
        api = u"software"_s;
        break;
    default:
        api = u"RHI api %1"_s.arg(int(m_window->rendererInterface()->graphicsApi()));
    }
    return u"platform %1, Qt Quick on %2, %3 render loop"_s.arg(QGuiApplication::platformName(), api,
                                                                m_renderThread ? u"threaded"_s : u"basic"_s);
}

ViewFill inspect(QQuickItem *list, int newest)
{
    ViewFill f;
    if (!list)
        return f;
    if (auto *model = qobject_cast<QAbstractItemModel *>(list->property("model").value<QObject *>()))
        f.rows = model->rowCount();
    f.count = list->property("count").toInt();
    if (!list->isVisible() || list->height() <= 0)
        return f;
    const int n = std::min(newest, f.count);
    qreal top = list->height();
    for (int i = 0; i < n; ++i) {
        QQuickItem *item = nullptr;
        QMetaObject::invokeMethod(list, "itemAtIndex", Qt::DirectConnection, Q_RETURN_ARG(QQuickItem *, item),
                                  Q_ARG(int, i));
        if (!item)
            continue;
        ++f.created;
        const QRectF r = item->mapRectToItem(list, QRectF(0, 0, item->width(), item->height()));
        if (item->isVisible() && r.height() > 0 && r.bottom() > 0 && r.top() < list->height()) {
            ++f.onScreen;
            top = std::min(top, r.top());
            if (i == 0)
                f.newestShown = true;
        }
    }
    // Bottom to top: the view is full when the oldest delegate on screen reaches its top edge.
    f.filled = f.newestShown && (top <= 0 || f.onScreen == f.count);
    return f;
}

} // namespace era::bench
