// The forbidden paths of the conversation core through the real server and the Telegram emulator, on both
// storage backends: an operator is refused every admin command and route and changes nothing; an offer made
// to one operator cannot be accepted or declined by another; a supervisor reads every dialog but writes only
// to one assigned to them; an operator offered a dialog reads it but writes only once they accept it.
#include "ConversationTest.h"

using namespace Qt::StringLiterals;
using e2e::errorCode;
using e2e::Token;

class TestAuthorization : public e2e::ConversationTest {
    Q_OBJECT

    QJsonObject textTo(qint64 dialog, const QString &clientId, const QString &text = u"hello"_s)
    {
        return {{u"dialog_id"_s, dialog},
                {u"client_id"_s, clientId},
                {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, text}}}};
    }

    // The newest message of the dialog as this client reads it.
    static qint64 newestMessage(WsClient &client, qint64 dialog)
    {
        return client.call(u"dialog.history"_s, {{u"dialog_id"_s, dialog}})
            .value(u"result"_s)
            .toObject()
            .value(u"messages"_s)
            .toArray()
            .at(0)
            .toObject()
            .value(u"id"_s)
            .toInteger();
    }

    // What the admin sees of the set-up: the queues with their members, the channels, the operators'
    // capacities and the users. An operator's refused command must leave all of it as it was.
    QByteArray everythingAdminsManage()
    {
        auto admin = signIn(m_server->adminToken());
        if (!admin)
            return "no admin";
        QJsonObject all;
        for (const QString &command : {u"queues.list"_s, u"users.list"_s})
            all.insert(command, admin->call(command).value(u"result"_s));
        // A channel's connector state changes on its own.
        QJsonArray channels;
        for (const QJsonValue &c :
             admin->call(u"channels.list"_s).value(u"result"_s).toObject().value(u"channels"_s).toArray()) {
            QJsonObject channel = c.toObject();
            channel.remove(u"state"_s);
            channel.remove(u"updated_at"_s);
            channels.append(channel);
        }
        all.insert(u"channels"_s, channels);
        QJsonArray capacities;
        for (const QJsonValue &o :
             admin->call(u"operators.list"_s).value(u"result"_s).toObject().value(u"operators"_s).toArray())
            capacities.append(o.toObject().value(u"capacity"_s));
        all.insert(u"capacities"_s, capacities);
        return QJsonDocument(all).toJson(QJsonDocument::Compact);
    }

private Q_SLOTS:
    void initTestCase_data() { StorageTestBackend::addBackendRows(); }
    void init()
    {
        start();
        setUpChannel();
    }
    void cleanup() { stop(); }

    void anOperatorIsRefusedEveryAdminCommand_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QJsonObject>("args");
        QTest::newRow("queues.create") << u"queues.create"_s << QJsonObject{{u"name"_s, u"Mine"_s}};
        QTest::newRow("queues.set_members")
            << u"queues.set_members"_s << QJsonObject{{u"members"_s, QJsonArray()}};
        QTest::newRow("operators.set_capacity")
            << u"operators.set_capacity"_s << QJsonObject{{u"capacity"_s, 50}};
        QTest::newRow("channels.create")
            << u"channels.create"_s
            << QJsonObject{{u"kind"_s, u"telegram"_s},
                           {u"name"_s, u"Rogue bot"_s},
                           {u"credentials"_s, QJsonObject{{u"token"_s, u"1:rogue"_s}}}};
        QTest::newRow("channels.update") << u"channels.update"_s << QJsonObject{{u"name"_s, u"Renamed"_s}};
        QTest::newRow("channels.delete") << u"channels.delete"_s << QJsonObject{};
        QTest::newRow("users.list") << u"users.list"_s << QJsonObject{};
    }
    void anOperatorIsRefusedEveryAdminCommand()
    {
        QFETCH(QString, command);
        QFETCH(QJsonObject, args);
        // The ids are known only now.
        if (command == u"queues.set_members"_s)
            args.insert(u"queue_id"_s, m_queue);
        if (command == u"operators.set_capacity"_s)
            args.insert(u"user_id"_s, m_operatorIds.at(0));
        if (command.startsWith(u"channels.u"_s) || command.startsWith(u"channels.d"_s))
            args.insert(u"id"_s, m_channel);
        const QByteArray before = everythingAdminsManage();

        const QJsonObject reply = m_operator->call(command, args);
        QCOMPARE(reply.value(u"ok"_s).toBool(), false);
        QCOMPARE(errorCode(reply), u"forbidden"_s);
        QVERIFY(!reply.value(u"error"_s).toObject().value(u"message"_s).toString().isEmpty());
        QCOMPARE(everythingAdminsManage(), before);
    }

    void anOperatorIsRefusedTheAdminRoutes_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QJsonObject>("body");
        QTest::newRow("POST /channels")
            << QByteArray("POST") << u"/api/v1/channels"_s
            << QJsonObject{{u"kind"_s, u"telegram"_s},
                           {u"name"_s, u"Rogue bot"_s},
                           {u"credentials"_s, QJsonObject{{u"token"_s, u"1:rogue"_s}}}};
        QTest::newRow("PATCH /channels/<id>")
            << QByteArray("PATCH") << u"/api/v1/channels/%1"_s << QJsonObject{{u"enabled"_s, false}};
        QTest::newRow("DELETE /channels/<id>")
            << QByteArray("DELETE") << u"/api/v1/channels/%1"_s << QJsonObject();
        QTest::newRow("GET /users") << QByteArray("GET") << u"/api/v1/users"_s << QJsonObject();
        QTest::newRow("POST /users") << QByteArray("POST") << u"/api/v1/users"_s
                                     << QJsonObject{{u"login"_s, u"mallory"_s},
                                                    {u"password"_s, u"a long password 123"_s},
                                                    {u"role"_s, u"admin"_s}};
    }
    void anOperatorIsRefusedTheAdminRoutes()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QJsonObject, body);
        if (path.contains(u"%1"_s))
            path = path.arg(m_channel);
        const QByteArray before = everythingAdminsManage();

        const HttpResult r = body.isEmpty() ? m_server->request(method, path, {}, m_operatorToken)
                                            : m_server->json(method, path, body, m_operatorToken);
        QCOMPARE(r.status, 403);
        QCOMPARE(r.json.value(u"error"_s).toObject().value(u"code"_s).toString(), u"forbidden"_s);
        QCOMPARE(everythingAdminsManage(), before);
    }

    void anOfferMadeToSomeoneElseCannotBeAcceptedOrDeclined()
    {
        auto petr = connectSecondOperator();
        QVERIFY(petr);
        m_telegram->injectText(Token, m_customer, u"hello"_s);
        const qint64 dialog = offeredDialog(m_operator->waitEvent(u"dialog.offered"_s)); // Olga's
        QVERIFY(dialog > 0);

        for (const QString &command : {u"dialog.decline"_s, u"dialog.accept"_s}) {
            const QJsonObject reply = petr->call(command, {{u"dialog_id"_s, dialog}});
            QCOMPARE(errorCode(reply), u"not_offered"_s);
        }
        // The offer is still Olga's, and Petr was not given it.
        QVERIFY(petr->waitEvent(u"dialog.offered"_s, 300).isEmpty());
        const QJsonObject accepted = m_operator->call(u"dialog.accept"_s, {{u"dialog_id"_s, dialog}});
        QVERIFY2(accepted.value(u"ok"_s).toBool(), QJsonDocument(accepted).toJson().constData());
        QCOMPARE(accepted.value(u"result"_s).toObject().value(u"operator_id"_s).toInteger(),
                 m_operatorIds.at(0));
    }

    void aSupervisorReadsEveryDialogButWritesOnlyToItsOwn()
    {
        auto sara = signIn(m_server->createUserAndLogin(u"sara"_s, u"supervisor"_s));
        QVERIFY(sara);
        FakeTelegram::Customer anna;
        anna.id = 555000222;
        anna.firstName = u"Anna"_s;
        m_telegram->addChat(Token, anna);
        m_telegram->injectText(Token, m_customer, u"served by Olga"_s);
        const qint64 active = acceptNextOffer();
        QVERIFY(active > 0);
        QVERIFY(m_operator->call(u"presence.set"_s, {{u"presence"_s, u"away"_s}}).value(u"ok"_s).toBool());
        m_telegram->injectText(Token, anna, u"waiting"_s);
        qint64 waiting = 0;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const QJsonValue &d :
                     sara->call(u"dialogs.list"_s).value(u"result"_s).toObject().value(u"active"_s).toArray())
                    if (d.toObject().value(u"state"_s) == u"waiting"_s)
                        waiting = d.toObject().value(u"id"_s).toInteger();
                return waiting > 0;
            }(),
            10000);

        for (qint64 dialog : {active, waiting}) {
            const QJsonObject opened = sara->call(u"dialog.open"_s, {{u"dialog_id"_s, dialog}});
            QVERIFY2(opened.value(u"ok"_s).toBool(), QJsonDocument(opened).toJson().constData());
            const QJsonObject history = sara->call(u"dialog.history"_s, {{u"dialog_id"_s, dialog}});
            QVERIFY2(history.value(u"ok"_s).toBool(), QJsonDocument(history).toJson().constData());
            QCOMPARE(history.value(u"result"_s).toObject().value(u"messages"_s).toArray().size(), 1);

            QCOMPARE(errorCode(sara->call(u"message.send"_s, textTo(dialog, u"s-%1"_s.arg(dialog)))),
                     u"forbidden"_s);
            QCOMPARE(
                errorCode(sara->call(u"message.react"_s, {{u"message_id"_s, newestMessage(*sara, dialog)},
                                                          {u"emojis"_s, QJsonArray{u"👍"_s}}})),
                u"forbidden"_s);
        }
        QCOMPARE(sara->call(u"dialog.history"_s, {{u"dialog_id"_s, active}})
                     .value(u"result"_s)
                     .toObject()
                     .value(u"messages"_s)
                     .toArray()
                     .size(),
                 1);
        QCOMPARE(m_telegram->calls(u"sendMessage"_s).size(), 0);
        QCOMPARE(m_telegram->calls(u"setMessageReaction"_s).size(), 0);
    }

    void anOfferedOperatorReadsTheDialogButWritesOnlyOnceAccepted()
    {
        m_telegram->injectText(Token, m_customer, u"anyone there?"_s);
        const qint64 dialog = offeredDialog(m_operator->waitEvent(u"dialog.offered"_s));
        QVERIFY(dialog > 0);

        const QJsonObject opened = m_operator->call(u"dialog.open"_s, {{u"dialog_id"_s, dialog}});
        QVERIFY2(opened.value(u"ok"_s).toBool(), QJsonDocument(opened).toJson().constData());
        QCOMPARE(
            opened.value(u"result"_s).toObject().value(u"dialog"_s).toObject().value(u"state"_s).toString(),
            u"waiting"_s);
        const qint64 message = newestMessage(*m_operator, dialog);
        QVERIFY(message > 0);
        QCOMPARE(errorCode(m_operator->call(u"message.send"_s, textTo(dialog, u"o-1"_s))), u"forbidden"_s);
        QCOMPARE(errorCode(m_operator->call(u"message.react"_s,
                                            {{u"message_id"_s, message}, {u"emojis"_s, QJsonArray{u"👍"_s}}})),
                 u"forbidden"_s);
        QCOMPARE(newestMessage(*m_operator, dialog), message); // nothing stored

        QVERIFY(m_operator->call(u"dialog.accept"_s, {{u"dialog_id"_s, dialog}}).value(u"ok"_s).toBool());
        const QJsonObject sent = m_operator->call(u"message.send"_s, textTo(dialog, u"o-2"_s));
        QVERIFY2(sent.value(u"ok"_s).toBool(), QJsonDocument(sent).toJson().constData());
        QTRY_COMPARE_WITH_TIMEOUT(m_telegram->calls(u"sendMessage"_s).size(), 1, 10000);
    }
};

QTEST_GUILESS_MAIN(TestAuthorization)
#include "tst_authorization.moc"
