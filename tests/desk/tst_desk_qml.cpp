// QML component tests of era-desk (tests/desk/qml/tst_*.qml) on the offscreen platform. The setup gives
// them what the views bind to: the Session singleton (not logged in) and one Conversation whose sends go to a
// real SendQueue, so a test can see what the composer asked for.
#include "app/QmlPlugins.h"
#include "net/RestClient.h"
#include "net/ServerConnection.h"
#include "session/Conversation.h"
#include "session/SendQueue.h"
#include "session/Session.h"

#include <QDateTime>
#include <QJsonObject>
#include <QQmlContext>
#include <QQmlEngine>
#include <QTemporaryDir>
#include <QtQuickTest>

using namespace Qt::StringLiterals;

// What a test may put into the test conversation.
class TestData : public QObject {
    Q_OBJECT
public:
    explicit TestData(era::desk::Conversation *conversation) : m_conversation(conversation) {}
    // Replaces the conversation's messages with `count` texts from the customer, newest ("message
    // count-1") first.
    Q_INVOKABLE void fillMessages(int count)
    {
        QList<era::desk::DeskMessage> newestFirst;
        const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(-count);
        for (int i = count - 1; i >= 0; --i) {
            const QJsonObject json{
                {u"id"_s, i + 1},
                {u"dialog_id"_s, m_conversation->dialogId()},
                {u"direction"_s, u"in"_s},
                {u"author"_s, u"subscriber:7"_s},
                {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"message %1"_s.arg(i)}}},
                {u"status"_s, u"received"_s},
                {u"created_at"_s, start.addSecs(i).toString(Qt::ISODateWithMs)}};
            if (auto m = era::desk::DeskMessage::fromJson(json))
                newestFirst.append(*m);
        }
        m_conversation->messages()->resetStored(newestFirst, false);
    }

private:
    era::desk::Conversation *m_conversation;
};

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
        m_data = std::make_unique<TestData>(m_conversation.get());
    }
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(u"qrc:/"_s);
        engine->rootContext()->setContextProperty(u"testConversation"_s, m_conversation.get());
        engine->rootContext()->setContextProperty(u"testSends"_s, m_queue.get());
        engine->rootContext()->setContextProperty(u"testData"_s, m_data.get());
    }
    void cleanupTestCase()
    {
        m_data.reset();
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
    std::unique_ptr<TestData> m_data;
};

QUICK_TEST_MAIN_WITH_SETUP(tst_desk_qml, DeskQmlSetup)
#include "tst_desk_qml.moc"
