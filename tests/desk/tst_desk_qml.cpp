// QML component tests of era-desk (tests/desk/qml/tst_*.qml) on the offscreen platform. The setup gives
// them what the views bind to: the Session singleton (not logged in) and one Conversation whose sends go to a
// real SendQueue, so a test can see what the composer asked for.
#include "app/QmlPlugins.h"
#include "net/RestClient.h"
#include "net/ServerConnection.h"
#include "session/Conversation.h"
#include "session/SendQueue.h"
#include "session/Session.h"

#include <QQmlContext>
#include <QQmlEngine>
#include <QTemporaryDir>
#include <QtQuickTest>

using namespace Qt::StringLiterals;

class DeskQmlSetup : public QObject {
    Q_OBJECT
public:
    DeskQmlSetup()
    {
        qputenv("ERA_DESK_CONFIG_DIR", m_dir.filePath(u"config"_s).toUtf8());
        qputenv("ERA_DESK_CACHE_DIR", m_dir.filePath(u"cache"_s).toUtf8());
    }

public Q_SLOTS:
    void applicationAvailable()
    {
        m_session = std::make_unique<era::desk::Session>(nullptr);
        m_credentials = std::make_shared<era::desk::Credentials>();
        m_rest = std::make_unique<era::desk::RestClient>(m_credentials, QString());
        m_queue = std::make_unique<era::desk::SendQueue>(m_connection, *m_rest);
        era::desk::Conversation::Context ctx;
        ctx.connection = &m_connection;
        ctx.sendQueue = m_queue.get();
        ctx.me = 3;
        ctx.server = QUrl(u"http://127.0.0.1:8080/"_s);
        m_conversation = std::make_unique<era::desk::Conversation>(42, ctx);
        // What the composer hands to the queue shows in the conversation at once, as in the desk.
        connect(m_queue.get(), &era::desk::SendQueue::changed, m_conversation.get(),
                &era::desk::Conversation::applyOutgoing);
    }
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(u"qrc:/"_s);
        engine->rootContext()->setContextProperty(u"testConversation"_s, m_conversation.get());
        engine->rootContext()->setContextProperty(u"testSends"_s, m_queue.get());
    }
    void cleanupTestCase()
    {
        m_conversation.reset();
        m_queue.reset();
        m_session.reset();
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<era::desk::Session> m_session;
    std::shared_ptr<era::desk::Credentials> m_credentials;
    era::desk::ServerConnection m_connection;
    std::unique_ptr<era::desk::RestClient> m_rest;
    std::unique_ptr<era::desk::SendQueue> m_queue;
    std::unique_ptr<era::desk::Conversation> m_conversation;
};

QUICK_TEST_MAIN_WITH_SETUP(tst_desk_qml, DeskQmlSetup)
#include "tst_desk_qml.moc"
