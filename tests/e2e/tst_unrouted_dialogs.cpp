// A new dialog that never reached a queue is not left waiting forever, through the real server and the
// Telegram emulator on both storage backends: one the server stopped before routing (the dialog committed,
// its queue not written) is routed to its channel's default queue when the server starts again, and one whose
// channel had no default queue is routed as soon as the channel gets one. Both are logged.
#include "ConversationTest.h"
#include "storage/Database.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;
using e2e::Token;

class TestUnroutedDialogs : public e2e::ConversationTest {
    Q_OBJECT

    // The dialog as an admin opens it (empty when it cannot be opened).
    QJsonObject dialogAsAdmin(qint64 dialog)
    {
        auto admin = signIn(m_server->adminToken());
        if (!admin)
            return {};
        return admin->call(u"dialog.open"_s, {{u"dialog_id"_s, dialog}})
            .value(u"result"_s)
            .toObject()
            .value(u"dialog"_s)
            .toObject();
    }

    // The id of the one open dialog, once there is one (0 on timeout).
    qint64 theOpenDialog()
    {
        auto admin = signIn(m_server->adminToken());
        if (!admin)
            return 0;
        qint64 id = 0;
        (void)QTest::qWaitFor(
            [&] {
                const QJsonArray open =
                    admin->call(u"dialogs.list"_s).value(u"result"_s).toObject().value(u"active"_s).toArray();
                id = open.size() == 1 ? open.at(0).toObject().value(u"id"_s).toInteger() : 0;
                return id > 0;
            },
            10000);
        return id;
    }

    // Runs SQL on the database while the server is stopped.
    bool execOffline(const QString &sql)
    {
        era::storage::DatabaseOptions options;
        options.url = m_db.url();
        auto db = era::storage::Database::open(options);
        if (!db)
            return false;
        auto r = (*db)->writeSync<era::Done>([&](era::storage::WriteTx &tx) -> era::Result<era::Done> {
            if (auto e = tx.exec(sql); !e)
                return e.error();
            return era::Done{};
        });
        (*db)->close();
        return bool(r);
    }

    // Olga signs in again after a restart and goes online.
    bool operatorComesBack()
    {
        m_operator = signIn(m_operatorToken);
        return m_operator &&
               m_operator->call(u"presence.set"_s, {{u"presence"_s, u"online"_s}}).value(u"ok"_s).toBool();
    }

private Q_SLOTS:
    void initTestCase_data() { StorageTestBackend::addBackendRows(); }
    void init() { start(); }
    void cleanup() { stop(); }

    void aDialogTheServerStoppedBeforeRoutingIsRoutedAtStart()
    {
        setUpChannel();
        QVERIFY(m_operator->call(u"presence.set"_s, {{u"presence"_s, u"away"_s}}).value(u"ok"_s).toBool());
        m_telegram->injectText(Token, m_customer, u"Здравствуйте"_s);
        const qint64 dialog = theOpenDialog();
        QVERIFY(dialog > 0);
        QTRY_COMPARE_WITH_TIMEOUT(dialogAsAdmin(dialog).value(u"queue_id"_s).toInteger(), m_queue, 10000);

        // As if the server had stopped between the ingest's commit and the router's write.
        m_operator.reset();
        m_server->stop();
        QVERIFY(execOffline(u"UPDATE dialogs SET queue_id = NULL"_s));
        QTest::ignoreMessage(
            QtWarningMsg,
            QRegularExpression(u"dialog %1 of channel %2 was waiting without a queue: routed to "
                               "queue %3"_s.arg(dialog)
                                   .arg(m_channel)
                                   .arg(m_queue)));
        QVERIFY2(m_server->restart(), qPrintable(m_server->error()));

        QTRY_COMPARE_WITH_TIMEOUT(dialogAsAdmin(dialog).value(u"queue_position"_s).toInt(), 1, 10000);
        QCOMPARE(dialogAsAdmin(dialog).value(u"queue_id"_s).toInteger(), m_queue);
        QVERIFY(operatorComesBack());
        QCOMPARE(offeredDialog(m_operator->waitEvent(u"dialog.offered"_s)), dialog);
        QVERIFY(m_operator->call(u"dialog.accept"_s, {{u"dialog_id"_s, dialog}}).value(u"ok"_s).toBool());
    }

    void aDialogOfAChannelWithoutADefaultQueueIsRoutedOnceTheChannelGetsOne()
    {
        setUpChannel({}, 30, false);
        m_telegram->injectText(Token, m_customer, u"Есть кто?"_s);
        const qint64 dialog = theOpenDialog();
        QVERIFY(dialog > 0);
        QCOMPARE(dialogAsAdmin(dialog).value(u"queue_id"_s).isNull(), true);
        QCOMPARE(dialogAsAdmin(dialog).value(u"queue_position"_s).toInt(), 0);

        // A start does not lose it, and says what waits.
        m_operator.reset();
        QTest::ignoreMessage(
            QtWarningMsg,
            QRegularExpression(
                u"channel %1 has no default queue: its waiting dialogs %2 wait"_s.arg(m_channel).arg(
                    dialog)));
        QVERIFY2(m_server->restart(), qPrintable(m_server->error()));
        QVERIFY(operatorComesBack());
        QVERIFY(m_operator->waitEvent(u"dialog.offered"_s, 500).isEmpty());

        // The admin sets the default queue: the dialog goes there and is offered.
        QTest::ignoreMessage(
            QtWarningMsg,
            QRegularExpression(u"dialog %1 of channel %2 was waiting without a queue: routed to "
                               "queue %3"_s.arg(dialog)
                                   .arg(m_channel)
                                   .arg(m_queue)));
        const HttpResult patched = m_server->json("PATCH", u"/api/v1/channels/%1"_s.arg(m_channel),
                                                  {{u"default_queue_id"_s, m_queue}}, m_server->adminToken());
        QCOMPARE(patched.status, 200);
        QCOMPARE(offeredDialog(m_operator->waitEvent(u"dialog.offered"_s)), dialog);
        QCOMPARE(dialogAsAdmin(dialog).value(u"queue_id"_s).toInteger(), m_queue);

        // A new dialog goes to that queue at once, through the router.
        FakeTelegram::Customer anna;
        anna.id = 555000222;
        anna.firstName = u"Anna"_s;
        m_telegram->addChat(Token, anna);
        m_telegram->injectText(Token, anna, u"И я"_s);
        const qint64 second = offeredDialog(m_operator->waitEvent(u"dialog.offered"_s));
        QVERIFY(second > 0 && second != dialog);
        QCOMPARE(dialogAsAdmin(second).value(u"queue_id"_s).toInteger(), m_queue);
    }
};

QTEST_GUILESS_MAIN(TestUnroutedDialogs)
#include "tst_unrouted_dialogs.moc"
