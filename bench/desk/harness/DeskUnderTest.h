#pragma once

#include "BenchSupport.h"

#include <QObject>
#include <QPointer>
#include <QUrl>
#include <atomic>
#include <memory>

class QQuickItem;
class QQuickWindow;

namespace era::desk {
class Conversation;
class DeskApp;
class Session;
} // namespace era::desk

namespace era::bench {

// era-desk as an operator runs it, inside the benchmark process: the real DeskApp (session, connection,
// models, Main.qml with every view under a real QQuickWindow), logged in to a server. Its settings and
// caches go to a folder of the benchmark's own.
class DeskUnderTest : public QObject {
public:
    explicit DeskUnderTest(const QString &stateDir);
    ~DeskUnderTest() override;

    // Loads the window, logs in (without remembering the token) and waits until the session is online with
    // its snapshot and a frame has been shown.
    Failure start(const QUrl &server, const QString &login, const QString &password, int timeoutMs);

    desk::Session *session() const;
    QQuickWindow *window() const { return m_window; }
    // The ListView (objectName "messageList") whose model is this conversation's messages, or null.
    QQuickItem *messageListOf(desk::Conversation *conversation) const;
    // Asks for a frame and waits until one is swapped.
    bool nextFrame(int timeoutMs = 5000);
    // Platform, graphics API and whether frames are rendered on a thread of their own.
    QString renderSummary() const;

private:
    std::unique_ptr<desk::DeskApp> m_app;
    QPointer<QQuickWindow> m_window;
    std::atomic<qint64> m_frames{0};
    std::atomic<bool> m_renderThread{false};
};

// How a message ListView stands in a frame: rows, delegates made, delegates on screen, and whether the
// delegates on screen fill the view (or every row is shown).
struct ViewFill {
    int rows = 0;     // the model's
    int count = 0;    // the ListView's
    int created = 0;  // delegates made for the newest `newest` rows
    int onScreen = 0; // of those, inside the view's rectangle
    bool newestShown = false;
    bool filled = false;
};
// `newest`: how many of the first rows to look at. Safe on the render thread while the GUI thread is blocked
// in synchronization.
ViewFill inspect(QQuickItem *list, int newest);

} // namespace era::bench
