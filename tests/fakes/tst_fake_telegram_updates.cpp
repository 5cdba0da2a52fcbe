// The emulator delivers updates as the Bot API does: long polling, offsets, allowed_updates, webhooks,
// fixtures.
#include "TelegramApiClient.h"

#include <QDir>
#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QTcpServer>
#include <QTest>
#include <QUrlQuery>

namespace {

QJsonObject withoutUpdateId(QJsonObject update)
{
    update.remove(QStringLiteral("update_id"));
    return update;
}

} // namespace

class TestFakeTelegramUpdates : public QObject {
    Q_OBJECT

    FakeTelegram *fake = nullptr;
    std::unique_ptr<TelegramApiClient> api;

private Q_SLOTS:
    void init()
    {
        fake = new FakeTelegram(this);
        QVERIFY(fake->listen());
        fake->addBot(kTestToken, QStringLiteral("era_support_bot"), QStringLiteral("ERA Support"));
        fake->setWebhookRetryDelay(20, 200);
        api = std::make_unique<TelegramApiClient>(fake);
    }

    void cleanup()
    {
        api.reset();
        delete fake;
    }

    void getMeAnswersTheBotInTheEnvelope()
    {
        const ApiReply reply = api->call(QStringLiteral("getMe"));
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body.value(QStringLiteral("ok")).toBool(), true);
        const QJsonObject me = reply.body.value(QStringLiteral("result")).toObject();
        QCOMPARE(me.value(QStringLiteral("id")).toInteger(), 123456789);
        QCOMPARE(me.value(QStringLiteral("is_bot")).toBool(), true);
        QCOMPARE(me.value(QStringLiteral("username")).toString(), QStringLiteral("era_support_bot"));
    }

    void methodNamesAreCaseInsensitiveAndGetWorksToo()
    {
        const ApiReply reply = api->get(api->methodUrl(QStringLiteral("GETME")));
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body.value(QStringLiteral("ok")).toBool(), true);
    }

    void unknownTokenGets401()
    {
        const ApiReply reply = api->call(QStringLiteral("getMe"), {}, QStringLiteral("42:nope"));
        QCOMPARE(reply.status, 401);
        QCOMPARE(reply.body, (QJsonObject{{QStringLiteral("ok"), false},
                                          {QStringLiteral("error_code"), 401},
                                          {QStringLiteral("description"), QStringLiteral("Unauthorized")}}));
    }

    void unknownMethodGets404()
    {
        const ApiReply reply = api->call(QStringLiteral("sendTelepathy"));
        QCOMPARE(reply.status, 404);
        QCOMPARE(reply.body.value(QStringLiteral("description")).toString(), QStringLiteral("Not Found"));
    }

    void getUpdatesReturnsAsSoonAsAnUpdateIsInjected()
    {
        QSignalSpy waiting(fake, &FakeTelegram::longPollStarted);
        QElapsedTimer clock;
        clock.start();
        QNetworkReply *reply = api->postJson(QStringLiteral("getUpdates"), {{QStringLiteral("timeout"), 30}});
        QVERIFY(waiting.wait(5000));
        QVERIFY(!reply->isFinished());
        const QJsonObject injected = fake->injectText(kTestToken, testCustomer(), QStringLiteral("Hello"));
        const ApiReply answer = api->finish(reply);
        QVERIFY(clock.elapsed() < 10000);
        QCOMPARE(answer.status, 200);
        const QJsonArray result = answer.body.value(QStringLiteral("result")).toArray();
        QCOMPARE(result.size(), 1);
        QCOMPARE(result.at(0).toObject(), injected);
        const QJsonObject from =
            injected.value(QStringLiteral("message")).toObject().value(QStringLiteral("from")).toObject();
        QCOMPARE(from.value(QStringLiteral("language_code")).toString(), QStringLiteral("ru"));
    }

    void aSecondLongPollEndsTheFirstWithConflict()
    {
        QSignalSpy waiting(fake, &FakeTelegram::longPollStarted);
        QNetworkReply *first = api->postJson(QStringLiteral("getUpdates"), {{QStringLiteral("timeout"), 30}});
        QVERIFY(waiting.wait(5000));
        QNetworkReply *second =
            api->postJson(QStringLiteral("getUpdates"), {{QStringLiteral("timeout"), 30}});
        const ApiReply ended = api->finish(first);
        QCOMPARE(ended.status, 409);
        QVERIFY(ended.body.value(QStringLiteral("description"))
                    .toString()
                    .startsWith(QStringLiteral("Conflict: terminated by other getUpdates request")));
        fake->injectText(kTestToken, testCustomer(), QStringLiteral("to the second"));
        QCOMPARE(api->finish(second).body.value(QStringLiteral("result")).toArray().size(), 1);
    }

    void abandonedLongPollLeavesUpdatesQueued()
    {
        QSignalSpy waiting(fake, &FakeTelegram::longPollStarted);
        QNetworkReply *reply = api->postJson(QStringLiteral("getUpdates"), {{QStringLiteral("timeout"), 30}});
        QVERIFY(waiting.wait(5000));
        reply->abort();
        reply->deleteLater();
        // Whether or not the server has noticed yet, an update is confirmed only by a later offset.
        fake->injectText(kTestToken, testCustomer(), QStringLiteral("nobody listening"));
        QCOMPARE(api->updates().size(), 1);
    }

    void offsetConfirmsAndForgetsUpdates()
    {
        const int first = fake->injectText(kTestToken, testCustomer(), QStringLiteral("one"))
                              .value(QStringLiteral("update_id"))
                              .toInt();
        fake->injectText(kTestToken, testCustomer(), QStringLiteral("two"));
        const int third = fake->injectText(kTestToken, testCustomer(), QStringLiteral("three"))
                              .value(QStringLiteral("update_id"))
                              .toInt();
        QCOMPARE(third, first + 2);
        QCOMPARE(api->updates().size(), 3);
        QCOMPARE(api->updates().size(), 3); // not confirmed yet: delivered again
        QCOMPARE(api->updates({{QStringLiteral("limit"), 2}}).size(), 2);
        const QJsonArray rest = api->updates({{QStringLiteral("offset"), first + 1}});
        QCOMPARE(rest.size(), 2);
        QCOMPARE(rest.at(0).toObject().value(QStringLiteral("update_id")).toInt(), first + 1);
        QCOMPARE(api->updates({{QStringLiteral("offset"), third + 1}}).size(), 0);
        QCOMPARE(fake->pendingUpdateCount(kTestToken), 0);
    }

    void negativeOffsetKeepsTheLastUpdatesOnly()
    {
        for (const QString &text : {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")})
            fake->injectText(kTestToken, testCustomer(), text);
        const QJsonArray last = api->updates({{QStringLiteral("offset"), -1}});
        QCOMPARE(last.size(), 1);
        QCOMPARE(last.at(0)
                     .toObject()
                     .value(QStringLiteral("message"))
                     .toObject()
                     .value(QStringLiteral("text"))
                     .toString(),
                 QStringLiteral("c"));
        QCOMPARE(api->updates().size(), 1);
    }

    void longPollTimeoutAnswersEmpty()
    {
        QElapsedTimer clock;
        clock.start();
        const ApiReply reply = api->call(QStringLiteral("getUpdates"), {{QStringLiteral("timeout"), 1}});
        QVERIFY(clock.elapsed() >= 900);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body.value(QStringLiteral("result")).toArray(), QJsonArray());
    }

    void formEncodedAndQueryParametersWork()
    {
        fake->injectText(kTestToken, testCustomer(), QStringLiteral("x"));
        QNetworkRequest request(api->methodUrl(QStringLiteral("getUpdates")));
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/x-www-form-urlencoded"));
        const ApiReply form = api->finish(
            api->network().post(request, QByteArrayLiteral("limit=1&allowed_updates=%5B%22message%22%5D")));
        QCOMPARE(form.body.value(QStringLiteral("result")).toArray().size(), 1);
        QUrl url = api->methodUrl(QStringLiteral("sendMessage"));
        url.setQuery(QStringLiteral("chat_id=100000001&text=hello+there"));
        const ApiReply sent = api->get(url);
        QCOMPARE(sent.status, 200);
        QCOMPARE(
            sent.body.value(QStringLiteral("result")).toObject().value(QStringLiteral("text")).toString(),
            QStringLiteral("hello there"));
    }

    void allowedUpdatesFiltersAndIsRemembered()
    {
        // By default message_reaction is not sent at all.
        QVERIFY(fake->injectReaction(kTestToken, testCustomer(), 1, {}, {QStringLiteral("👍")}).isEmpty());
        QCOMPARE(api->updates(
                        {{QStringLiteral("allowed_updates"), QJsonArray{QStringLiteral("message_reaction")}}})
                     .size(),
                 0);
        QVERIFY(fake->injectText(kTestToken, testCustomer(), QStringLiteral("filtered out")).isEmpty());
        QVERIFY(!fake->injectReaction(kTestToken, testCustomer(), 1, {}, {QStringLiteral("👍")}).isEmpty());
        const QJsonArray got = api->updates(); // no allowed_updates: the previous setting stays
        QCOMPARE(got.size(), 1);
        QVERIFY(got.at(0).toObject().contains(QStringLiteral("message_reaction")));
        api->updates({{QStringLiteral("allowed_updates"), QJsonArray()}}); // back to the default
        QVERIFY(!fake->injectText(kTestToken, testCustomer(), QStringLiteral("back")).isEmpty());
    }

    void getUpdatesConflictsWithAWebhook()
    {
        QCOMPARE(api->call(QStringLiteral("setWebhook"),
                           {{QStringLiteral("url"), QStringLiteral("http://127.0.0.1:9/hook")}})
                     .status,
                 200);
        const ApiReply reply = api->call(QStringLiteral("getUpdates"));
        QCOMPARE(reply.status, 409);
        QCOMPARE(reply.body.value(QStringLiteral("description")).toString(),
                 QStringLiteral(
                     "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
                     "delete the webhook first"));
        QCOMPARE(api->call(QStringLiteral("deleteWebhook")).status, 200);
        QCOMPARE(api->call(QStringLiteral("getUpdates")).status, 200);
    }

    void webhookDeliversWithSecretAndRetriesAfterAFailure()
    {
        QHttpServer receiver;
        QList<QByteArray> secrets;
        QList<QJsonObject> received;
        int answered = 0;
        receiver.route(QStringLiteral("/hook"), [&](const QHttpServerRequest &request) {
            secrets.append(request.value(QByteArrayLiteral("X-Telegram-Bot-Api-Secret-Token")));
            received.append(QJsonDocument::fromJson(request.body()).object());
            return ++answered == 1
                       ? QHttpServerResponse(QHttpServerResponder::StatusCode::InternalServerError)
                       : QHttpServerResponse(QHttpServerResponder::StatusCode::Ok);
        });
        const quint16 port = receiver.listen(QHostAddress::LocalHost, 0);
        QVERIFY(port != 0);
        const QString url = QStringLiteral("http://127.0.0.1:%1/hook").arg(port);
        const ApiReply set = api->call(
            QStringLiteral("setWebhook"),
            {{QStringLiteral("url"), url}, {QStringLiteral("secret_token"), QStringLiteral("s3cr3t-_X")}});
        QCOMPARE(set.body.value(QStringLiteral("result")).toBool(), true);
        QSignalSpy failed(fake, &FakeTelegram::webhookFailed);
        QSignalSpy delivered(fake, &FakeTelegram::webhookDelivered);
        const QJsonObject first = fake->injectText(kTestToken, testCustomer(), QStringLiteral("first"));
        const QJsonObject second = fake->injectText(kTestToken, testCustomer(), QStringLiteral("second"));
        QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 2, 10000);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(received.size(), 3); // first, first again, second: in order, one at a time
        QCOMPARE(received.at(0), first);
        QCOMPARE(received.at(1), first);
        QCOMPARE(received.at(2), second);
        for (const QByteArray &secret : secrets)
            QCOMPARE(secret, QByteArrayLiteral("s3cr3t-_X"));
        const QJsonObject info =
            api->call(QStringLiteral("getWebhookInfo")).body.value(QStringLiteral("result")).toObject();
        QCOMPARE(info.value(QStringLiteral("url")).toString(), url);
        QCOMPARE(info.value(QStringLiteral("pending_update_count")).toInt(), 0);
        QVERIFY(info.value(QStringLiteral("last_error_message")).toString().contains(QStringLiteral("500")));
        QVERIFY(info.value(QStringLiteral("last_error_date")).toInteger() > 0);
    }

    void webhookConnectionErrorIsReportedAndRetried()
    {
        QTcpServer probe; // take a free port, then leave it closed
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        api->call(QStringLiteral("setWebhook"),
                  {{QStringLiteral("url"), QStringLiteral("http://127.0.0.1:%1/hook").arg(port)}});
        QSignalSpy failed(fake, &FakeTelegram::webhookFailed);
        fake->injectText(kTestToken, testCustomer(), QStringLiteral("anyone?"));
        QTRY_VERIFY_WITH_TIMEOUT(failed.size() >= 2, 10000);
        const QJsonObject info =
            api->call(QStringLiteral("getWebhookInfo")).body.value(QStringLiteral("result")).toObject();
        QCOMPARE(info.value(QStringLiteral("last_error_message")).toString(),
                 QStringLiteral("Connection refused"));
        QCOMPARE(info.value(QStringLiteral("pending_update_count")).toInt(), 1);
        api->call(QStringLiteral("deleteWebhook"), {{QStringLiteral("drop_pending_updates"), true}});
        QCOMPARE(fake->pendingUpdateCount(kTestToken), 0);
    }

    void helpersBuildTheDocumentedFields_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QStringList>("fields");
        QTest::newRow("sticker") << QStringLiteral("sticker")
                                 << QStringList{QStringLiteral("file_id"), QStringLiteral("file_unique_id"),
                                                QStringLiteral("type"),    QStringLiteral("width"),
                                                QStringLiteral("height"),  QStringLiteral("is_animated"),
                                                QStringLiteral("is_video")};
        QTest::newRow("voice") << QStringLiteral("voice")
                               << QStringList{QStringLiteral("file_id"), QStringLiteral("file_unique_id"),
                                              QStringLiteral("duration")};
        QTest::newRow("audio") << QStringLiteral("audio")
                               << QStringList{QStringLiteral("file_id"), QStringLiteral("file_unique_id"),
                                              QStringLiteral("duration"), QStringLiteral("performer"),
                                              QStringLiteral("title")};
        QTest::newRow("video") << QStringLiteral("video")
                               << QStringList{QStringLiteral("file_id"), QStringLiteral("file_unique_id"),
                                              QStringLiteral("width"), QStringLiteral("height"),
                                              QStringLiteral("duration")};
        QTest::newRow("location") << QStringLiteral("location")
                                  << QStringList{QStringLiteral("latitude"), QStringLiteral("longitude")};
        QTest::newRow("venue") << QStringLiteral("venue")
                               << QStringList{QStringLiteral("location"), QStringLiteral("title"),
                                              QStringLiteral("address")};
        QTest::newRow("contact") << QStringLiteral("contact")
                                 << QStringList{QStringLiteral("phone_number"), QStringLiteral("first_name")};
    }

    void helpersBuildTheDocumentedFields()
    {
        QFETCH(QString, kind);
        QFETCH(QStringList, fields);
        FakeTelegramMedia media;
        media.bytes = QByteArrayLiteral("OggS fake");
        media.duration = 3;
        QJsonObject update;
        if (kind == QLatin1String("sticker"))
            update = fake->injectSticker(kTestToken, testCustomer(), media, QStringLiteral("👍"));
        else if (kind == QLatin1String("voice"))
            update = fake->injectVoice(kTestToken, testCustomer(), media);
        else if (kind == QLatin1String("audio"))
            update = fake->injectAudio(kTestToken, testCustomer(), media, QStringLiteral("ERA Band"),
                                       QStringLiteral("Hold"));
        else if (kind == QLatin1String("video"))
            update = fake->injectVideo(kTestToken, testCustomer(), media);
        else if (kind == QLatin1String("location"))
            update = fake->injectLocation(kTestToken, testCustomer(), 55.75, 37.61);
        else if (kind == QLatin1String("venue"))
            update = fake->injectVenue(kTestToken, testCustomer(), 55.75, 37.61, QStringLiteral("Office"),
                                       QStringLiteral("Tverskaya 1"));
        else
            update = fake->injectContact(kTestToken, testCustomer(), QStringLiteral("+79990001122"),
                                         QStringLiteral("Anna"));
        const QJsonObject message = update.value(QStringLiteral("message")).toObject();
        for (const QString &field : {QStringLiteral("message_id"), QStringLiteral("from"),
                                     QStringLiteral("chat"), QStringLiteral("date")})
            QVERIFY2(message.contains(field), qPrintable(field));
        const QJsonObject object = message.value(kind).toObject();
        for (const QString &field : fields)
            QVERIFY2(object.contains(field), qPrintable(field));
        const QJsonValue fileId = object.value(QStringLiteral("file_id"));
        if (fileId.isString())
            QCOMPARE(fake->fileBytes(fileId.toString()), media.bytes);
    }

    void customerEditsRepliesAndReactionsReferToStoredMessages()
    {
        const QJsonObject first =
            fake->injectText(kTestToken, testCustomer(), QStringLiteral("where is my order?"));
        const int id =
            first.value(QStringLiteral("message")).toObject().value(QStringLiteral("message_id")).toInt();
        const QJsonObject edit =
            fake->injectEdit(kTestToken, testCustomer(), id, QStringLiteral("where is order 2?"));
        const QJsonObject edited = edit.value(QStringLiteral("edited_message")).toObject();
        QCOMPARE(edited.value(QStringLiteral("message_id")).toInt(), id);
        QCOMPARE(edited.value(QStringLiteral("text")).toString(), QStringLiteral("where is order 2?"));
        QVERIFY(edited.value(QStringLiteral("edit_date")).toInteger() > 0);
        const QJsonObject reply = fake->injectReply(kTestToken, testCustomer(), id, QStringLiteral("hello?"));
        QCOMPARE(reply.value(QStringLiteral("message"))
                     .toObject()
                     .value(QStringLiteral("reply_to_message"))
                     .toObject()
                     .value(QStringLiteral("message_id"))
                     .toInt(),
                 id);
        QVERIFY(fake->injectReply(kTestToken, testCustomer(), 999, QStringLiteral("no such")).isEmpty());
        api->updates({{QStringLiteral("allowed_updates"),
                       QJsonArray{QStringLiteral("message"), QStringLiteral("message_reaction")}}});
        const QJsonObject reaction =
            fake->injectReaction(kTestToken, testCustomer(), id, {}, {QStringLiteral("👍")})
                .value(QStringLiteral("message_reaction"))
                .toObject();
        QCOMPARE(reaction.value(QStringLiteral("new_reaction")).toArray(),
                 (QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("emoji")},
                                         {QStringLiteral("emoji"), QStringLiteral("👍")}}}));
        QCOMPARE(reaction.value(QStringLiteral("old_reaction")).toArray(), QJsonArray());
        QCOMPARE(reaction.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toInteger(),
                 100000001);
    }

    void everyFixtureRoundTripsThroughGetUpdates_data()
    {
        QTest::addColumn<QString>("path");
        const QDir dir(QStringLiteral(ERA_TELEGRAM_FIXTURES_DIR));
        const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 15);
        for (const QString &file : files)
            QTest::newRow(file.toUtf8().constData()) << dir.filePath(file);
    }

    void everyFixtureRoundTripsThroughGetUpdates()
    {
        QFETCH(QString, path);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QVERIFY(doc.isObject());
        QVERIFY(doc.object().value(QStringLiteral("update_id")).isDouble());
        api->updates({{QStringLiteral("allowed_updates"),
                       QJsonArray{QStringLiteral("message"), QStringLiteral("edited_message"),
                                  QStringLiteral("message_reaction"), QStringLiteral("poll")}}});
        const int updateId = fake->injectUpdate(kTestToken, doc.object());
        QVERIFY(updateId > 0);
        const QJsonArray got = api->updates();
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.at(0).toObject().value(QStringLiteral("update_id")).toInt(), updateId);
        QCOMPARE(withoutUpdateId(got.at(0).toObject()), withoutUpdateId(doc.object()));
    }
};

QTEST_GUILESS_MAIN(TestFakeTelegramUpdates)
#include "tst_fake_telegram_updates.moc"
