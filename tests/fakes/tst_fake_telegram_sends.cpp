// The emulator answers the bot's sends, files and faults as the Bot API does.
#include "TelegramApiClient.h"

#include <QHttpMultiPart>
#include <QHttpServer>
#include <QTest>

class TestFakeTelegramSends : public QObject {
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

    void getFileAndDownloadServeTheBytes()
    {
        const QByteArray bytes =
            QByteArrayLiteral("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x02\x80\0\0\x01\xe0 rest of png");
        FakeTelegramMedia media;
        media.bytes = bytes;
        const QJsonObject update = fake->injectPhoto(kTestToken, testCustomer(), media);
        const QJsonArray sizes =
            update.value(QStringLiteral("message")).toObject().value(QStringLiteral("photo")).toArray();
        QVERIFY(sizes.size() >= 2);
        const QJsonObject largest = sizes.last().toObject();
        QCOMPARE(largest.value(QStringLiteral("width")).toInt(), 640); // read from the PNG header
        QCOMPARE(largest.value(QStringLiteral("height")).toInt(), 480);
        const ApiReply file =
            api->call(QStringLiteral("getFile"),
                      {{QStringLiteral("file_id"), largest.value(QStringLiteral("file_id"))}});
        QCOMPARE(file.status, 200);
        const QString path = file.body.value(QStringLiteral("result"))
                                 .toObject()
                                 .value(QStringLiteral("file_path"))
                                 .toString();
        QVERIFY(!path.isEmpty());
        QUrl url = fake->baseUrl();
        url.setPath(QStringLiteral("/file/bot") + kTestToken + QStringLiteral("/") + path);
        const ApiReply download = api->get(url);
        QCOMPARE(download.status, 200);
        QCOMPARE(download.raw, bytes);
    }

    void getFileRefusesUnknownAndTooBigFiles()
    {
        const ApiReply unknown =
            api->call(QStringLiteral("getFile"), {{QStringLiteral("file_id"), QStringLiteral("nope")}});
        QCOMPARE(unknown.status, 400);
        QCOMPARE(unknown.body.value(QStringLiteral("description")).toString(),
                 QStringLiteral("Bad Request: invalid file_id"));
        FakeTelegramMedia big;
        big.bytes = QByteArrayLiteral("head");
        big.fileName = QStringLiteral("huge.zip");
        big.declaredSize = 30 * 1024 * 1024;
        const QJsonObject document = fake->injectDocument(kTestToken, testCustomer(), big)
                                         .value(QStringLiteral("message"))
                                         .toObject()
                                         .value(QStringLiteral("document"))
                                         .toObject();
        QCOMPARE(document.value(QStringLiteral("file_size")).toInteger(), big.declaredSize);
        const ApiReply tooBig =
            api->call(QStringLiteral("getFile"),
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
        const int customerMessage =
            fake->injectText(kTestToken, testCustomer(), QStringLiteral("send me the file"))
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
        QNetworkReply *reply = api->network().post(QNetworkRequest(api->methodUrl(method)), multipart);
        multipart->setParent(reply);
        const ApiReply answer = api->finish(reply);
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
        QCOMPARE(fake->sentMessages(kTestToken, 100000001).size(), 1);
    }

    void photoByUrlIsFetchedLikeTelegramDoes()
    {
        QHttpServer files;
        const QByteArray png = QByteArrayLiteral("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x08 more");
        files.route(QStringLiteral("/cat.png"),
                    [png] { return QHttpServerResponse(QByteArrayLiteral("image/png"), png); });
        const quint16 port = files.listen(QHostAddress::LocalHost, 0);
        QVERIFY(port != 0);
        fake->addChat(kTestToken, testCustomer());
        const ApiReply sent =
            api->call(QStringLiteral("sendPhoto"),
                      {{QStringLiteral("chat_id"), 100000001},
                       {QStringLiteral("photo"), QStringLiteral("http://127.0.0.1:%1/cat.png").arg(port)}});
        QCOMPARE(sent.status, 200);
        const QJsonObject photo = sent.body.value(QStringLiteral("result"))
                                      .toObject()
                                      .value(QStringLiteral("photo"))
                                      .toArray()
                                      .last()
                                      .toObject();
        QCOMPARE(photo.value(QStringLiteral("width")).toInt(), 16);
        QCOMPARE(photo.value(QStringLiteral("height")).toInt(), 8);
        QCOMPARE(fake->fileBytes(photo.value(QStringLiteral("file_id")).toString()), png);
        const ApiReply missing = api->call(
            QStringLiteral("sendDocument"),
            {{QStringLiteral("chat_id"), 100000001},
             {QStringLiteral("document"), QStringLiteral("http://127.0.0.1:%1/nope.pdf").arg(port)}});
        QCOMPARE(missing.status, 400);
        QCOMPARE(missing.body.value(QStringLiteral("description")).toString(),
                 QStringLiteral("Bad Request: failed to get HTTP URL content"));
    }

    void sentMessagesGetIncreasingIdsAndRepliesMustExist()
    {
        fake->addChat(kTestToken, testCustomer());
        const QJsonObject params{{QStringLiteral("chat_id"), 100000001},
                                 {QStringLiteral("text"), QStringLiteral("<b>Hi</b> &amp; bye")},
                                 {QStringLiteral("parse_mode"), QStringLiteral("HTML")}};
        const QJsonObject one =
            api->call(QStringLiteral("sendMessage"), params).body.value(QStringLiteral("result")).toObject();
        const QJsonObject two =
            api->call(QStringLiteral("sendMessage"), params).body.value(QStringLiteral("result")).toObject();
        QCOMPARE(one.value(QStringLiteral("text")).toString(), QStringLiteral("Hi & bye"));
        QCOMPARE(two.value(QStringLiteral("message_id")).toInt(),
                 one.value(QStringLiteral("message_id")).toInt() + 1);
        QJsonObject reply = params;
        reply.insert(QStringLiteral("reply_parameters"), QJsonObject{{QStringLiteral("message_id"), 999}});
        const ApiReply missing = api->call(QStringLiteral("sendMessage"), reply);
        QCOMPARE(missing.status, 400);
        QCOMPARE(missing.body.value(QStringLiteral("description")).toString(),
                 QStringLiteral("Bad Request: message to be replied not found"));
        QJsonObject unknownChat = params;
        unknownChat.insert(QStringLiteral("chat_id"), 777);
        QCOMPARE(api->call(QStringLiteral("sendMessage"), unknownChat)
                     .body.value(QStringLiteral("description"))
                     .toString(),
                 QStringLiteral("Bad Request: chat not found"));
    }

    void setMessageReactionIsRecorded()
    {
        const int messageId = fake->injectText(kTestToken, testCustomer(), QStringLiteral("thanks"))
                                  .value(QStringLiteral("message"))
                                  .toObject()
                                  .value(QStringLiteral("message_id"))
                                  .toInt();
        QSignalSpy reacted(fake, &FakeTelegram::botReacted);
        const QJsonArray reaction{QJsonObject{{QStringLiteral("type"), QStringLiteral("emoji")},
                                              {QStringLiteral("emoji"), QStringLiteral("❤")}}};
        const ApiReply answer =
            api->call(QStringLiteral("setMessageReaction"), {{QStringLiteral("chat_id"), 100000001},
                                                             {QStringLiteral("message_id"), messageId},
                                                             {QStringLiteral("reaction"), reaction}});
        QCOMPARE(answer.status, 200);
        QCOMPARE(reacted.size(), 1);
        QCOMPARE(fake->botReaction(kTestToken, 100000001, messageId), reaction);
        const ApiReply missing =
            api->call(QStringLiteral("setMessageReaction"), {{QStringLiteral("chat_id"), 100000001},
                                                             {QStringLiteral("message_id"), 4242},
                                                             {QStringLiteral("reaction"), reaction}});
        QCOMPARE(missing.status, 400);
        QCOMPARE(missing.body.value(QStringLiteral("description")).toString(),
                 QStringLiteral("Bad Request: message to react not found"));
        const QJsonArray invalid{QJsonObject{{QStringLiteral("type"), QStringLiteral("emoji")},
                                             {QStringLiteral("emoji"), QStringLiteral("🐙")}}};
        QCOMPARE(api->call(QStringLiteral("setMessageReaction"), {{QStringLiteral("chat_id"), 100000001},
                                                                  {QStringLiteral("message_id"), messageId},
                                                                  {QStringLiteral("reaction"), invalid}})
                     .status,
                 400);
    }

    void failNextAnswers429WithRetryAfter()
    {
        fake->addChat(kTestToken, testCustomer());
        fake->failNext(QStringLiteral("sendMessage"), 1, 429, {}, 7);
        const QJsonObject params{{QStringLiteral("chat_id"), 100000001},
                                 {QStringLiteral("text"), QStringLiteral("hi")}};
        const ApiReply limited = api->call(QStringLiteral("sendMessage"), params);
        QCOMPARE(limited.status, 429);
        QCOMPARE(
            limited.body,
            (QJsonObject{{QStringLiteral("ok"), false},
                         {QStringLiteral("error_code"), 429},
                         {QStringLiteral("description"), QStringLiteral("Too Many Requests: retry after 7")},
                         {QStringLiteral("parameters"), QJsonObject{{QStringLiteral("retry_after"), 7}}}}));
        QCOMPARE(api->call(QStringLiteral("sendMessage"), params).status, 200);
        fake->failNext(QStringLiteral("getUpdates"), 2, 500);
        QCOMPARE(api->call(QStringLiteral("getUpdates")).status, 500);
        QCOMPARE(api->call(QStringLiteral("getUpdates")).status, 500);
        QCOMPARE(api->call(QStringLiteral("getUpdates")).status, 200);
    }

    void blockedChatGets403()
    {
        fake->addChat(kTestToken, testCustomer());
        fake->blockChat(100000001);
        const ApiReply reply =
            api->call(QStringLiteral("sendMessage"), {{QStringLiteral("chat_id"), 100000001},
                                                      {QStringLiteral("text"), QStringLiteral("hi")}});
        QCOMPARE(reply.status, 403);
        QCOMPARE(reply.body.value(QStringLiteral("description")).toString(),
                 QStringLiteral("Forbidden: bot was blocked by the user"));
    }

    void floodLimitAnswers429ForASecondMessageWithinASecond()
    {
        fake->addChat(kTestToken, testCustomer());
        fake->setFloodLimit(kTestToken, true);
        const QJsonObject params{{QStringLiteral("chat_id"), 100000001},
                                 {QStringLiteral("text"), QStringLiteral("hi")}};
        QCOMPARE(api->call(QStringLiteral("sendMessage"), params).status, 200);
        const ApiReply second = api->call(QStringLiteral("sendMessage"), params);
        QCOMPARE(second.status, 429);
        QVERIFY(second.body.value(QStringLiteral("parameters"))
                    .toObject()
                    .value(QStringLiteral("retry_after"))
                    .toInt() >= 1);
    }
};

QTEST_GUILESS_MAIN(TestFakeTelegramSends)
#include "tst_fake_telegram_sends.moc"
