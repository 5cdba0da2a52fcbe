// The Telegram Bot API emulator speaks the API as documented: long polling, webhooks, files, sends, faults.
#include "FakeTelegram.h"

#include <QDir>
#include <QElapsedTimer>
#include <QHttpMultiPart>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>
#include <QUrlQuery>

namespace {

const QString kToken = QStringLiteral("123456789:AAHfakeTokenForTests_abcdefghijklmn");

struct ApiReply {
    int status = 0;
    QJsonObject body;
    QByteArray raw;
};

FakeTelegramCustomer customer()
{
    FakeTelegramCustomer c;
    c.id = 100000001;
    c.firstName = QStringLiteral("Ivan");
    c.lastName = QStringLiteral("Petrov");
    c.username = QStringLiteral("ivan_petrov");
    c.languageCode = QStringLiteral("ru");
    return c;
}

QJsonObject withoutUpdateId(QJsonObject update)
{
    update.remove(QStringLiteral("update_id"));
    return update;
}

} // namespace

class TestFakeTelegram : public QObject {
    Q_OBJECT

    FakeTelegram *fake = nullptr;
    QNetworkAccessManager *network = nullptr;

    QUrl methodUrl(const QString &method, const QString &token = kToken) const
    {
        QUrl url = fake->baseUrl();
        url.setPath(QStringLiteral("/bot") + token + QStringLiteral("/") + method);
        return url;
    }

    QNetworkReply *postJson(const QString &method, const QJsonObject &params, const QString &token = kToken)
    {
        QNetworkRequest request(methodUrl(method, token));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setTransferTimeout(120000);
        return network->post(request, QJsonDocument(params).toJson(QJsonDocument::Compact));
    }

    static ApiReply finish(QNetworkReply *reply)
    {
        if (!reply->isFinished()) {
            QSignalSpy finished(reply, &QNetworkReply::finished);
            finished.wait(20000);
        }
        ApiReply result;
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.raw = reply->readAll();
        result.body = QJsonDocument::fromJson(result.raw).object();
        reply->deleteLater();
        return result;
    }

    ApiReply call(const QString &method, const QJsonObject &params = {}, const QString &token = kToken)
    {
        return finish(postJson(method, params, token));
    }

    ApiReply get(const QUrl &url) { return finish(network->get(QNetworkRequest(url))); }

    QJsonArray updates(const QJsonObject &params = {})
    {
        const ApiReply reply = call(QStringLiteral("getUpdates"), params);
        return reply.body.value(QStringLiteral("result")).toArray();
    }

private Q_SLOTS:
    void init()
    {
        fake = new FakeTelegram(this);
        QVERIFY(fake->listen());
        fake->addBot(kToken, QStringLiteral("era_support_bot"), QStringLiteral("ERA Support"));
        fake->setWebhookRetryDelay(20, 200);
        network = new QNetworkAccessManager(this);
        network->setProxy(QNetworkProxy::NoProxy);
    }

    void cleanup()
    {
        delete network;
        delete fake;
    }

    void getMeAnswersTheBotInTheEnvelope()
    {
        const ApiReply reply = call(QStringLiteral("getMe"));
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body.value(QStringLiteral("ok")).toBool(), true);
        const QJsonObject me = reply.body.value(QStringLiteral("result")).toObject();
        QCOMPARE(me.value(QStringLiteral("id")).toInteger(), 123456789);
        QCOMPARE(me.value(QStringLiteral("is_bot")).toBool(), true);
        QCOMPARE(me.value(QStringLiteral("username")).toString(), QStringLiteral("era_support_bot"));
    }

    void methodNamesAreCaseInsensitiveAndGetWorksToo()
    {
        const ApiReply reply = get(methodUrl(QStringLiteral("GETME")));
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body.value(QStringLiteral("ok")).toBool(), true);
    }

    void unknownTokenGets401()
    {
        const ApiReply reply = call(QStringLiteral("getMe"), {}, QStringLiteral("42:nope"));
        QCOMPARE(reply.status, 401);
        QCOMPARE(reply.body, (QJsonObject{{QStringLiteral("ok"), false},
                                          {QStringLiteral("error_code"), 401},
                                          {QStringLiteral("description"), QStringLiteral("Unauthorized")}}));
    }

    void unknownMethodGets404()
    {
        const ApiReply reply = call(QStringLiteral("sendTelepathy"));
        QCOMPARE(reply.status, 404);
        QCOMPARE(reply.body.value(QStringLiteral("description")).toString(), QStringLiteral("Not Found"));
    }

    void getUpdatesReturnsAsSoonAsAnUpdateIsInjected()
    {
        QSignalSpy waiting(fake, &FakeTelegram::longPollStarted);
        QElapsedTimer clock;
        clock.start();
        QNetworkReply *reply = postJson(QStringLiteral("getUpdates"), {{QStringLiteral("timeout"), 30}});
        QVERIFY(waiting.wait(5000));
        QVERIFY(!reply->isFinished());
        const QJsonObject injected = fake->injectText(kToken, customer(), QStringLiteral("Hello"));
        const ApiReply answer = finish(reply);
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
        QNetworkReply *first = postJson(QStringLiteral("getUpdates"), {{QStringLiteral("timeout"), 30}});
        QVERIFY(waiting.wait(5000));
        QNetworkReply *second = postJson(QStringLiteral("getUpdates"), {{QStringLiteral("timeout"), 30}});
        const ApiReply ended = finish(first);
        QCOMPARE(ended.status, 409);
        QVERIFY(ended.body.value(QStringLiteral("description"))
                    .toString()
                    .startsWith(QStringLiteral("Conflict: terminated by other getUpdates request")));
        fake->injectText(kToken, customer(), QStringLiteral("to the second"));
        QCOMPARE(finish(second).body.value(QStringLiteral("result")).toArray().size(), 1);
    }

    void abandonedLongPollLeavesUpdatesQueued()
    {
        QSignalSpy waiting(fake, &FakeTelegram::longPollStarted);
        QNetworkReply *reply = postJson(QStringLiteral("getUpdates"), {{QStringLiteral("timeout"), 30}});
        QVERIFY(waiting.wait(5000));
        reply->abort();
        reply->deleteLater();
        // Whether or not the server has noticed yet, an update is confirmed only by a later offset.
        fake->injectText(kToken, customer(), QStringLiteral("nobody listening"));
        QCOMPARE(updates().size(), 1);
    }

    void offsetConfirmsAndForgetsUpdates()
    {
        const int first = fake->injectText(kToken, customer(), QStringLiteral("one"))
                              .value(QStringLiteral("update_id"))
                              .toInt();
        fake->injectText(kToken, customer(), QStringLiteral("two"));
        const int third = fake->injectText(kToken, customer(), QStringLiteral("three"))
                              .value(QStringLiteral("update_id"))
                              .toInt();
        QCOMPARE(third, first + 2);
        QCOMPARE(updates().size(), 3);
        QCOMPARE(updates().size(), 3); // not confirmed yet: delivered again
        QCOMPARE(updates({{QStringLiteral("limit"), 2}}).size(), 2);
        const QJsonArray rest = updates({{QStringLiteral("offset"), first + 1}});
        QCOMPARE(rest.size(), 2);
        QCOMPARE(rest.at(0).toObject().value(QStringLiteral("update_id")).toInt(), first + 1);
        QCOMPARE(updates({{QStringLiteral("offset"), third + 1}}).size(), 0);
        QCOMPARE(fake->pendingUpdateCount(kToken), 0);
    }

    void negativeOffsetKeepsTheLastUpdatesOnly()
    {
        for (const QString &text : {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")})
            fake->injectText(kToken, customer(), text);
        const QJsonArray last = updates({{QStringLiteral("offset"), -1}});
        QCOMPARE(last.size(), 1);
        QCOMPARE(last.at(0)
                     .toObject()
                     .value(QStringLiteral("message"))
                     .toObject()
                     .value(QStringLiteral("text"))
                     .toString(),
                 QStringLiteral("c"));
        QCOMPARE(updates().size(), 1);
    }

    void longPollTimeoutAnswersEmpty()
    {
        QElapsedTimer clock;
        clock.start();
        const ApiReply reply = call(QStringLiteral("getUpdates"), {{QStringLiteral("timeout"), 1}});
        QVERIFY(clock.elapsed() >= 900);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body.value(QStringLiteral("result")).toArray(), QJsonArray());
    }

    void formEncodedAndQueryParametersWork()
    {
        fake->injectText(kToken, customer(), QStringLiteral("x"));
        QNetworkRequest request(methodUrl(QStringLiteral("getUpdates")));
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/x-www-form-urlencoded"));
        const ApiReply form =
            finish(network->post(request, QByteArrayLiteral("limit=1&allowed_updates=%5B%22message%22%5D")));
        QCOMPARE(form.body.value(QStringLiteral("result")).toArray().size(), 1);
        QUrl url = methodUrl(QStringLiteral("sendMessage"));
        url.setQuery(QStringLiteral("chat_id=100000001&text=hello+there"));
        const ApiReply sent = get(url);
        QCOMPARE(sent.status, 200);
        QCOMPARE(
            sent.body.value(QStringLiteral("result")).toObject().value(QStringLiteral("text")).toString(),
            QStringLiteral("hello there"));
    }

    void allowedUpdatesFiltersAndIsRemembered()
    {
        // By default message_reaction is not sent at all.
        QVERIFY(fake->injectReaction(kToken, customer(), 1, {}, {QStringLiteral("👍")}).isEmpty());
        QCOMPARE(
            updates({{QStringLiteral("allowed_updates"), QJsonArray{QStringLiteral("message_reaction")}}})
                .size(),
            0);
        QVERIFY(fake->injectText(kToken, customer(), QStringLiteral("filtered out")).isEmpty());
        QVERIFY(!fake->injectReaction(kToken, customer(), 1, {}, {QStringLiteral("👍")}).isEmpty());
        const QJsonArray got = updates(); // no allowed_updates: the previous setting stays
        QCOMPARE(got.size(), 1);
        QVERIFY(got.at(0).toObject().contains(QStringLiteral("message_reaction")));
        updates({{QStringLiteral("allowed_updates"), QJsonArray()}}); // back to the default
        QVERIFY(!fake->injectText(kToken, customer(), QStringLiteral("back")).isEmpty());
    }

    void getUpdatesConflictsWithAWebhook()
    {
        QCOMPARE(call(QStringLiteral("setWebhook"),
                      {{QStringLiteral("url"), QStringLiteral("http://127.0.0.1:9/hook")}})
                     .status,
                 200);
        const ApiReply reply = call(QStringLiteral("getUpdates"));
        QCOMPARE(reply.status, 409);
        QCOMPARE(reply.body.value(QStringLiteral("description")).toString(),
                 QStringLiteral(
                     "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
                     "delete the webhook first"));
        QCOMPARE(call(QStringLiteral("deleteWebhook")).status, 200);
        QCOMPARE(call(QStringLiteral("getUpdates")).status, 200);
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
        const ApiReply set = call(
            QStringLiteral("setWebhook"),
            {{QStringLiteral("url"), url}, {QStringLiteral("secret_token"), QStringLiteral("s3cr3t-_X")}});
        QCOMPARE(set.body.value(QStringLiteral("result")).toBool(), true);
        QSignalSpy failed(fake, &FakeTelegram::webhookFailed);
        QSignalSpy delivered(fake, &FakeTelegram::webhookDelivered);
        const QJsonObject first = fake->injectText(kToken, customer(), QStringLiteral("first"));
        const QJsonObject second = fake->injectText(kToken, customer(), QStringLiteral("second"));
        QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 2, 10000);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(received.size(), 3); // first, first again, second: in order, one at a time
        QCOMPARE(received.at(0), first);
        QCOMPARE(received.at(1), first);
        QCOMPARE(received.at(2), second);
        for (const QByteArray &secret : secrets)
            QCOMPARE(secret, QByteArrayLiteral("s3cr3t-_X"));
        const QJsonObject info =
            call(QStringLiteral("getWebhookInfo")).body.value(QStringLiteral("result")).toObject();
        QCOMPARE(info.value(QStringLiteral("url")).toString(), url);
        QCOMPARE(info.value(QStringLiteral("pending_update_count")).toInt(), 0);
        QVERIFY(info.value(QStringLiteral("last_error_message")).toString().contains(QStringLiteral("500")));
        QVERIFY(info.value(QStringLiteral("last_error_date")).toInteger() > 0);
    }

    void getFileAndDownloadServeTheBytes()
    {
        const QByteArray bytes =
            QByteArrayLiteral("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x02\x80\0\0\x01\xe0 rest of png");
        FakeTelegramMedia media;
        media.bytes = bytes;
        const QJsonObject update = fake->injectPhoto(kToken, customer(), media);
        const QJsonArray sizes =
            update.value(QStringLiteral("message")).toObject().value(QStringLiteral("photo")).toArray();
        QVERIFY(sizes.size() >= 2);
        const QJsonObject largest = sizes.last().toObject();
        QCOMPARE(largest.value(QStringLiteral("width")).toInt(), 640); // read from the PNG header
        QCOMPARE(largest.value(QStringLiteral("height")).toInt(), 480);
        const ApiReply file = call(QStringLiteral("getFile"),
                                   {{QStringLiteral("file_id"), largest.value(QStringLiteral("file_id"))}});
        QCOMPARE(file.status, 200);
        const QString path = file.body.value(QStringLiteral("result"))
                                 .toObject()
                                 .value(QStringLiteral("file_path"))
                                 .toString();
        QVERIFY(!path.isEmpty());
        QUrl url = fake->baseUrl();
        url.setPath(QStringLiteral("/file/bot") + kToken + QStringLiteral("/") + path);
        const ApiReply download = get(url);
        QCOMPARE(download.status, 200);
        QCOMPARE(download.raw, bytes);
    }

    void getFileRefusesUnknownAndTooBigFiles()
    {
        const ApiReply unknown =
            call(QStringLiteral("getFile"), {{QStringLiteral("file_id"), QStringLiteral("nope")}});
        QCOMPARE(unknown.status, 400);
        QCOMPARE(unknown.body.value(QStringLiteral("description")).toString(),
                 QStringLiteral("Bad Request: invalid file_id"));
        FakeTelegramMedia big;
        big.bytes = QByteArrayLiteral("head");
        big.fileName = QStringLiteral("huge.zip");
        big.declaredSize = 30 * 1024 * 1024;
        const QJsonObject document = fake->injectDocument(kToken, customer(), big)
                                         .value(QStringLiteral("message"))
                                         .toObject()
                                         .value(QStringLiteral("document"))
                                         .toObject();
        QCOMPARE(document.value(QStringLiteral("file_size")).toInteger(), big.declaredSize);
        const ApiReply tooBig =
            call(QStringLiteral("getFile"),
                 {{QStringLiteral("file_id"), document.value(QStringLiteral("file_id"))}});
        QCOMPARE(tooBig.status, 400);
        QCOMPARE(tooBig.body.value(QStringLiteral("description")).toString(),
                 QStringLiteral("Bad Request: file is too big"));
    }

    void multipartSendsAreRecordedWithBytesAndFileName_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QString>("mimeType");
        QTest::newRow("sendPhoto") << QStringLiteral("sendPhoto") << QStringLiteral("photo")
                                   << QStringLiteral("cat.jpg") << QStringLiteral("image/jpeg");
        QTest::newRow("sendDocument") << QStringLiteral("sendDocument") << QStringLiteral("document")
                                      << QStringLiteral("invoice.pdf") << QStringLiteral("application/pdf");
    }

    void multipartSendsAreRecordedWithBytesAndFileName()
    {
        QFETCH(QString, method);
        QFETCH(QString, field);
        QFETCH(QString, fileName);
        QFETCH(QString, mimeType);
        const int customerMessage = fake->injectText(kToken, customer(), QStringLiteral("send me the file"))
                                        .value(QStringLiteral("message"))
                                        .toObject()
                                        .value(QStringLiteral("message_id"))
                                        .toInt();
        const QByteArray bytes = QByteArrayLiteral("binary\0\r\n--not-a-boundary\r\nbytes");
        auto *multipart = new QHttpMultiPart(QHttpMultiPart::FormDataType);
        const auto textPart = [](const QByteArray &name, const QByteArray &value) {
            QHttpPart part;
            part.setHeader(QNetworkRequest::ContentDispositionHeader,
                           QByteArray("form-data; name=\"" + name + "\""));
            part.setBody(value);
            return part;
        };
        multipart->append(textPart("chat_id", "100000001"));
        multipart->append(textPart("caption", "Ваш файл"));
        multipart->append(
            textPart("reply_parameters", "{\"message_id\":" + QByteArray::number(customerMessage) + "}"));
        QHttpPart filePart;
        filePart.setHeader(
            QNetworkRequest::ContentDispositionHeader,
            QByteArray("form-data; name=\"" + field.toUtf8() + "\"; filename=\"" + fileName.toUtf8() + "\""));
        filePart.setHeader(QNetworkRequest::ContentTypeHeader, mimeType.toUtf8());
        filePart.setBody(bytes);
        multipart->append(filePart);
        QNetworkReply *reply = network->post(QNetworkRequest(methodUrl(method)), multipart);
        multipart->setParent(reply);
        const ApiReply answer = finish(reply);
        QCOMPARE(answer.status, 200);
        const QJsonObject message = answer.body.value(QStringLiteral("result")).toObject();
        QCOMPARE(message.value(QStringLiteral("caption")).toString(), QStringLiteral("Ваш файл"));
        QCOMPARE(message.value(QStringLiteral("from")).toObject().value(QStringLiteral("is_bot")).toBool(),
                 true);
        QCOMPARE(message.value(QStringLiteral("reply_to_message"))
                     .toObject()
                     .value(QStringLiteral("message_id"))
                     .toInt(),
                 customerMessage);
        QVERIFY(message.contains(field));
        const QList<FakeTelegramCall> calls = fake->calls(method);
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls.at(0).params.value(QStringLiteral("chat_id")).toInteger(), 100000001);
        QCOMPARE(calls.at(0).uploads.size(), 1);
        QCOMPARE(calls.at(0).uploads.at(0).fileName, fileName);
        QCOMPARE(calls.at(0).uploads.at(0).mimeType, mimeType);
        QCOMPARE(calls.at(0).uploads.at(0).bytes, bytes);
        QCOMPARE(fake->sentMessages(kToken, 100000001).size(), 1);
    }

    void sentMessagesGetIncreasingIdsAndRepliesMustExist()
    {
        fake->addChat(kToken, customer());
        const QJsonObject params{{QStringLiteral("chat_id"), 100000001},
                                 {QStringLiteral("text"), QStringLiteral("<b>Hi</b> &amp; bye")},
                                 {QStringLiteral("parse_mode"), QStringLiteral("HTML")}};
        const QJsonObject one =
            call(QStringLiteral("sendMessage"), params).body.value(QStringLiteral("result")).toObject();
        const QJsonObject two =
            call(QStringLiteral("sendMessage"), params).body.value(QStringLiteral("result")).toObject();
        QCOMPARE(one.value(QStringLiteral("text")).toString(), QStringLiteral("Hi & bye"));
        QCOMPARE(two.value(QStringLiteral("message_id")).toInt(),
                 one.value(QStringLiteral("message_id")).toInt() + 1);
        QJsonObject reply = params;
        reply.insert(QStringLiteral("reply_parameters"), QJsonObject{{QStringLiteral("message_id"), 999}});
        const ApiReply missing = call(QStringLiteral("sendMessage"), reply);
        QCOMPARE(missing.status, 400);
        QCOMPARE(missing.body.value(QStringLiteral("description")).toString(),
                 QStringLiteral("Bad Request: message to be replied not found"));
        QJsonObject unknownChat = params;
        unknownChat.insert(QStringLiteral("chat_id"), 777);
        QCOMPARE(call(QStringLiteral("sendMessage"), unknownChat)
                     .body.value(QStringLiteral("description"))
                     .toString(),
                 QStringLiteral("Bad Request: chat not found"));
    }

    void setMessageReactionIsRecorded()
    {
        const int messageId = fake->injectText(kToken, customer(), QStringLiteral("thanks"))
                                  .value(QStringLiteral("message"))
                                  .toObject()
                                  .value(QStringLiteral("message_id"))
                                  .toInt();
        QSignalSpy reacted(fake, &FakeTelegram::botReacted);
        const QJsonArray reaction{QJsonObject{{QStringLiteral("type"), QStringLiteral("emoji")},
                                              {QStringLiteral("emoji"), QStringLiteral("❤")}}};
        const ApiReply answer =
            call(QStringLiteral("setMessageReaction"), {{QStringLiteral("chat_id"), 100000001},
                                                        {QStringLiteral("message_id"), messageId},
                                                        {QStringLiteral("reaction"), reaction}});
        QCOMPARE(answer.status, 200);
        QCOMPARE(reacted.size(), 1);
        QCOMPARE(fake->botReaction(kToken, 100000001, messageId), reaction);
        const ApiReply missing =
            call(QStringLiteral("setMessageReaction"), {{QStringLiteral("chat_id"), 100000001},
                                                        {QStringLiteral("message_id"), 4242},
                                                        {QStringLiteral("reaction"), reaction}});
        QCOMPARE(missing.status, 400);
        QCOMPARE(missing.body.value(QStringLiteral("description")).toString(),
                 QStringLiteral("Bad Request: message to react not found"));
        const QJsonArray invalid{QJsonObject{{QStringLiteral("type"), QStringLiteral("emoji")},
                                             {QStringLiteral("emoji"), QStringLiteral("🐙")}}};
        QCOMPARE(call(QStringLiteral("setMessageReaction"), {{QStringLiteral("chat_id"), 100000001},
                                                             {QStringLiteral("message_id"), messageId},
                                                             {QStringLiteral("reaction"), invalid}})
                     .status,
                 400);
    }

    void failNextAnswers429WithRetryAfter()
    {
        fake->addChat(kToken, customer());
        fake->failNext(QStringLiteral("sendMessage"), 1, 429, {}, 7);
        const QJsonObject params{{QStringLiteral("chat_id"), 100000001},
                                 {QStringLiteral("text"), QStringLiteral("hi")}};
        const ApiReply limited = call(QStringLiteral("sendMessage"), params);
        QCOMPARE(limited.status, 429);
        QCOMPARE(
            limited.body,
            (QJsonObject{{QStringLiteral("ok"), false},
                         {QStringLiteral("error_code"), 429},
                         {QStringLiteral("description"), QStringLiteral("Too Many Requests: retry after 7")},
                         {QStringLiteral("parameters"), QJsonObject{{QStringLiteral("retry_after"), 7}}}}));
        QCOMPARE(call(QStringLiteral("sendMessage"), params).status, 200);
        fake->failNext(QStringLiteral("getUpdates"), 2, 500);
        QCOMPARE(call(QStringLiteral("getUpdates")).status, 500);
        QCOMPARE(call(QStringLiteral("getUpdates")).status, 500);
        QCOMPARE(call(QStringLiteral("getUpdates")).status, 200);
    }

    void blockedChatGets403()
    {
        fake->addChat(kToken, customer());
        fake->blockChat(100000001);
        const ApiReply reply =
            call(QStringLiteral("sendMessage"),
                 {{QStringLiteral("chat_id"), 100000001}, {QStringLiteral("text"), QStringLiteral("hi")}});
        QCOMPARE(reply.status, 403);
        QCOMPARE(reply.body.value(QStringLiteral("description")).toString(),
                 QStringLiteral("Forbidden: bot was blocked by the user"));
    }

    void floodLimitAnswers429ForASecondMessageWithinASecond()
    {
        fake->addChat(kToken, customer());
        fake->setFloodLimit(kToken, true);
        const QJsonObject params{{QStringLiteral("chat_id"), 100000001},
                                 {QStringLiteral("text"), QStringLiteral("hi")}};
        QCOMPARE(call(QStringLiteral("sendMessage"), params).status, 200);
        const ApiReply second = call(QStringLiteral("sendMessage"), params);
        QCOMPARE(second.status, 429);
        QVERIFY(second.body.value(QStringLiteral("parameters"))
                    .toObject()
                    .value(QStringLiteral("retry_after"))
                    .toInt() >= 1);
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
        updates({{QStringLiteral("allowed_updates"),
                  QJsonArray{QStringLiteral("message"), QStringLiteral("edited_message"),
                             QStringLiteral("message_reaction"), QStringLiteral("poll")}}});
        const int updateId = fake->injectUpdate(kToken, doc.object());
        QVERIFY(updateId > 0);
        const QJsonArray got = updates();
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.at(0).toObject().value(QStringLiteral("update_id")).toInt(), updateId);
        QCOMPARE(withoutUpdateId(got.at(0).toObject()), withoutUpdateId(doc.object()));
    }
};

QTEST_GUILESS_MAIN(TestFakeTelegram)
#include "tst_fake_telegram.moc"
