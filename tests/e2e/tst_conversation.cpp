// The whole path of a conversation against the Telegram Bot API emulator over real HTTP, on both storage
// backends: a customer writes (every content type), the operator is offered the dialog, accepts, reads the
// history with its media, answers with text, a reply, a reaction and a photo, the emulator receives the right
// Bot API calls, Finish, and the next customer message opens a new dialog.
#include "ConversationTest.h"

using namespace Qt::StringLiterals;
using e2e::errorCode;
using e2e::pngBytes;
using e2e::Token;

class TestConversation : public e2e::ConversationTest {
    Q_OBJECT

    // The sorted waiting positions of these dialogs, as dialog.open tells a supervisor.
    static QList<int> queuePositions(WsClient &client, const QJsonArray &dialogs)
    {
        QList<int> positions;
        for (const QJsonValue &d : dialogs) {
            const QJsonObject opened =
                client.call(u"dialog.open"_s, {{u"dialog_id"_s, d.toObject().value(u"id"_s)}});
            positions.append(opened.value(u"result"_s)
                                 .toObject()
                                 .value(u"dialog"_s)
                                 .toObject()
                                 .value(u"queue_position"_s)
                                 .toInt());
        }
        std::sort(positions.begin(), positions.end());
        return positions;
    }

private Q_SLOTS:
    void initTestCase_data() { StorageTestBackend::addBackendRows(); }
    void init() { start(); }
    void cleanup() { stop(); }

    void aCustomerMessageReachesTheOperatorAndTheRepliesGoBack()
    {
        setUpChannel();
        m_telegram->injectText(Token, m_customer, u"Здравствуйте! Где мой заказ?"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);

        // The whole history, with the subscriber created from the Telegram profile.
        QJsonArray messages = history(dialog);
        QCOMPARE(messages.size(), 1);
        const QJsonObject first = messages.at(0).toObject();
        QCOMPARE(first.value(u"content"_s).toObject().value(u"text"_s).toString(),
                 u"Здравствуйте! Где мой заказ?"_s);
        auto opened = m_operator->call(u"dialog.open"_s, {{u"dialog_id"_s, dialog}});
        QCOMPARE(opened.value(u"result"_s)
                     .toObject()
                     .value(u"subscriber"_s)
                     .toObject()
                     .value(u"name"_s)
                     .toString(),
                 u"Мария Иванова"_s);

        // Text.
        auto sent = m_operator->call(
            u"message.send"_s,
            {{u"dialog_id"_s, dialog},
             {u"client_id"_s, u"c-1"_s},
             {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"Сейчас проверю"_s}}}});
        QVERIFY2(sent.value(u"ok"_s).toBool(), QJsonDocument(sent).toJson().constData());
        QTRY_COMPARE_WITH_TIMEOUT(m_telegram->calls(u"sendMessage"_s).size(), 1, 10000);
        const auto call = m_telegram->calls(u"sendMessage"_s).first();
        QCOMPARE(call.params.value(u"text"_s).toString(), u"Сейчас проверю"_s);
        QCOMPARE(call.params.value(u"chat_id"_s).toVariant().toLongLong(), m_customer.id);
        const QJsonObject status = m_operator->waitEvent(u"message.status"_s);
        QCOMPARE(status.value(u"data"_s).toObject().value(u"status"_s).toString(), u"sent"_s);

        // A reply to the customer's message, and a reaction on it.
        const qint64 customerMessage = first.value(u"id"_s).toInteger();
        QVERIFY(m_operator
                    ->call(u"message.send"_s,
                           {{u"dialog_id"_s, dialog},
                            {u"client_id"_s, u"c-2"_s},
                            {u"reply_to"_s, customerMessage},
                            {u"content"_s,
                             QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"Ваш заказ в пути"_s}}}})
                    .value(u"ok"_s)
                    .toBool());
        QTRY_COMPARE_WITH_TIMEOUT(m_telegram->calls(u"sendMessage"_s).size(), 2, 10000);
        const QJsonObject replyParams =
            m_telegram->calls(u"sendMessage"_s).last().params.value(u"reply_parameters"_s).toObject();
        QVERIFY(replyParams.value(u"message_id"_s).toInt() > 0);
        QVERIFY(m_operator
                    ->call(u"message.react"_s,
                           {{u"message_id"_s, customerMessage}, {u"emojis"_s, QJsonArray{u"👍"_s}}})
                    .value(u"ok"_s)
                    .toBool());
        QTRY_COMPARE_WITH_TIMEOUT(m_telegram->calls(u"setMessageReaction"_s).size(), 1, 10000);

        // A photo: uploaded to the file store by the operator (a message shows only files its author may
        // read), then sent as a multipart sendPhoto.
        const QByteArray png = pngBytes();
        auto upload =
            m_server->request("POST", u"/api/v1/files"_s, png, m_operatorToken, {{"X-File-Name", "map.png"}});
        QCOMPARE(upload.status, 201);
        const QString fileId = upload.json.value(u"id"_s).toString();
        auto photo = m_operator->call(
            u"message.send"_s,
            {{u"dialog_id"_s, dialog},
             {u"client_id"_s, u"c-3"_s},
             {u"content"_s, QJsonObject{{u"kind"_s, u"image"_s},
                                        {u"file"_s, QJsonObject{{u"id"_s, fileId}, {u"state"_s, u"ready"_s}}},
                                        {u"caption"_s, u"Схема проезда"_s}}}});
        QVERIFY2(photo.value(u"ok"_s).toBool(), QJsonDocument(photo).toJson().constData());
        QTRY_COMPARE_WITH_TIMEOUT(m_telegram->calls(u"sendPhoto"_s).size(), 1, 10000);
        const auto photoCall = m_telegram->calls(u"sendPhoto"_s).first();
        QCOMPARE(photoCall.uploads.size(), 1);
        QCOMPARE(photoCall.uploads.first().bytes, png);

        // The same client id again is acknowledged and not sent twice.
        auto again = m_operator->call(
            u"message.send"_s,
            {{u"dialog_id"_s, dialog},
             {u"client_id"_s, u"c-1"_s},
             {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"Сейчас проверю"_s}}}});
        QCOMPARE(again.value(u"result"_s).toObject().value(u"duplicate"_s).toBool(), true);

        // Finish; the customer's next message opens a new dialog.
        QVERIFY(m_operator->call(u"dialog.finish"_s, {{u"dialog_id"_s, dialog}}).value(u"ok"_s).toBool());
        m_telegram->injectText(Token, m_customer, u"Спасибо!"_s);
        const qint64 next = acceptNextOffer();
        QVERIFY(next > 0);
        QVERIFY(next != dialog);
        QCOMPARE(m_telegram->calls(u"sendMessage"_s).size(), 2);
        QCOMPARE(errorCode(m_operator->call(
                     u"message.send"_s,
                     {{u"dialog_id"_s, dialog},
                      {u"client_id"_s, u"c-9"_s},
                      {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"?"_s}}}})),
                 u"dialog_closed"_s);
    }

    // Every type the Telegram connector maps, sent by the customer through the emulator, reaches the
    // operator's history with its fields, and every file's bytes can be downloaded; what it cannot map is an
    // "unsupported" message with a note.
    void everyContentTypeArrivesWithItsMedia()
    {
        setUpChannel();
        m_telegram->injectText(Token, m_customer, u"👍"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        const qint64 subscriber = m_operator->call(u"dialog.open"_s, {{u"dialog_id"_s, dialog}})
                                      .value(u"result"_s)
                                      .toObject()
                                      .value(u"subscriber"_s)
                                      .toObject()
                                      .value(u"id"_s)
                                      .toInteger();
        QVERIFY(subscriber > 0);
        auto media = [](const QByteArray &bytes, const QString &name, const QString &mime, int duration = 0,
                        const QString &caption = {}) {
            FakeTelegram::Media m;
            m.bytes = bytes;
            m.fileName = name;
            m.mimeType = mime;
            m.duration = duration;
            m.caption = caption;
            return m;
        };
        // Each file has its own bytes, so a mix-up cannot pass.
        const QByteArray png = pngBytes();
        const QByteArray pdf("%PDF-1.4\n%fake invoice\n");
        const QByteArray webp = QByteArray("RIFF\x24\x00\x00\x00WEBPVP8 ", 16) + QByteArray(24, 's');
        const QByteArray ogg = QByteArray("OggS", 4) + QByteArray(2044, 'v');
        const QByteArray mp3 = QByteArray("ID3\x03\x00", 5) + QByteArray(3000, 'a');
        const QByteArray mp4 = QByteArray("\x00\x00\x00\x18"
                                          "ftypmp42",
                                          12) +
                               QByteArray(4000, 'm');

        const int photoId =
            m_telegram->injectPhoto(Token, m_customer, media(png, {}, u"image/png"_s, 0, u"Вот"_s))
                .value(u"message"_s)
                .toObject()
                .value(u"message_id"_s)
                .toInt();
        QVERIFY(photoId > 0);
        m_telegram->injectDocument(Token, m_customer, media(pdf, u"invoice.pdf"_s, u"application/pdf"_s));
        m_telegram->injectSticker(Token, m_customer, media(webp, {}, {}), u"😀"_s);
        m_telegram->injectVoice(Token, m_customer, media(ogg, {}, u"audio/ogg"_s, 3));
        m_telegram->injectAudio(Token, m_customer,
                                media(mp3, u"hold-music.mp3"_s, u"audio/mpeg"_s, 5, u"Музыка ожидания"_s),
                                u"ERA"_s, u"Hold music"_s);
        m_telegram->injectVideo(Token, m_customer,
                                media(mp4, u"unboxing.mp4"_s, u"video/mp4"_s, 12, u"Распаковка"_s));
        m_telegram->injectLocation(Token, m_customer, 59.9386, 30.3141);
        m_telegram->injectVenue(Token, m_customer, 59.939095, 30.315868, u"Пункт выдачи ERA"_s,
                                u"Дворцовая пл., 2"_s);
        m_telegram->injectContact(Token, m_customer, u"+79001234567"_s, u"Пётр"_s, u"Сидоров"_s, 777000);
        const int questionId = m_telegram->injectText(Token, m_customer, u"Где мой заказ?"_s)
                                   .value(u"message"_s)
                                   .toObject()
                                   .value(u"message_id"_s)
                                   .toInt();
        m_telegram->injectReply(Token, m_customer, photoId, u"Это про фото"_s);
        const QJsonObject dice =
            FakeTelegram::loadFixture(u"dice"_s).value(u"message"_s).toObject().value(u"dice"_s).toObject();
        QVERIFY(!dice.isEmpty());
        m_telegram->injectMessage(Token, m_customer, {{u"dice"_s, dice}});
        QTRY_COMPARE_WITH_TIMEOUT(history(dialog).size(), 13, 15000);

        // An edit of the question, and a reaction to the operator's answer.
        QVERIFY(!m_telegram->injectEdit(Token, m_customer, questionId, u"Где мой заказ №1024?"_s).isEmpty());
        QVERIFY(m_operator
                    ->call(u"message.send"_s,
                           {{u"dialog_id"_s, dialog},
                            {u"client_id"_s, u"k-1"_s},
                            {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"Минутку"_s}}}})
                    .value(u"ok"_s)
                    .toBool());
        QTRY_COMPARE_WITH_TIMEOUT(m_telegram->sentMessages(Token, m_customer.id).size(), 1, 10000);
        const int answerId =
            m_telegram->sentMessages(Token, m_customer.id).first().value(u"message_id"_s).toInt();
        // The reaction names Telegram's id of the answer, which is stored with "sent".
        const QJsonObject status = m_operator->waitEvent(u"message.status"_s, 10000);
        QCOMPARE(status.value(u"data"_s).toObject().value(u"status"_s).toString(), u"sent"_s);
        QVERIFY(!m_telegram->injectReaction(Token, m_customer, answerId, {}, {u"🔥"_s}).isEmpty());

        // Wait until every file is fetched and the edit and the reaction are in.
        QList<QJsonObject> c;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                c = contents(dialog);
                if (c.size() != 14 || c.at(10).value(u"edited_at"_s).toString().isEmpty() ||
                    c.at(13).value(u"reactions"_s).toArray().isEmpty())
                    return false;
                for (const QJsonObject &m : std::as_const(c))
                    if (m.contains(u"file"_s) &&
                        m.value(u"file"_s).toObject().value(u"state"_s) != u"ready"_s)
                        return false;
                return true;
            }(),
            20000);
        QStringList kinds;
        for (const QJsonObject &m : std::as_const(c))
            kinds.append(m.value(u"kind"_s).toString());
        QCOMPARE(kinds, (QStringList{u"text"_s, u"image"_s, u"document"_s, u"sticker"_s, u"voice"_s,
                                     u"audio"_s, u"video"_s, u"location"_s, u"location"_s, u"contact"_s,
                                     u"text"_s, u"text"_s, u"unsupported"_s, u"text"_s}));
        auto file = [&](int i) { return c.at(i).value(u"file"_s).toObject(); };

        QCOMPARE(c.at(0).value(u"text"_s).toString(), u"👍"_s);
        QCOMPARE(c.at(0).value(u"emoji_only"_s).toBool(), true);
        QCOMPARE(c.at(1).value(u"caption"_s).toString(), u"Вот"_s);
        QCOMPARE(file(1).value(u"width"_s).toInt(), 64);
        QCOMPARE(file(1).value(u"height"_s).toInt(), 48);
        QCOMPARE(file(1).value(u"mime"_s).toString(), u"image/png"_s); // sniffed from the bytes
        QCOMPARE(file(2).value(u"name"_s).toString(), u"invoice.pdf"_s);
        QCOMPARE(file(2).value(u"mime"_s).toString(), u"application/pdf"_s);
        QCOMPARE(file(2).value(u"size"_s).toInteger(), pdf.size());
        QCOMPARE(c.at(3).value(u"emoji"_s).toString(), u"😀"_s);
        QCOMPARE(c.at(3).value(u"animated"_s).toBool(), false);
        QCOMPARE(file(3).value(u"width"_s).toInt(), 512);
        QCOMPARE(file(4).value(u"duration"_s).toInt(), 3);
        QCOMPARE(file(5).value(u"name"_s).toString(), u"hold-music.mp3"_s);
        QCOMPARE(file(5).value(u"duration"_s).toInt(), 5);
        QCOMPARE(c.at(5).value(u"caption"_s).toString(), u"Музыка ожидания"_s);
        QCOMPARE(file(6).value(u"name"_s).toString(), u"unboxing.mp4"_s);
        QCOMPARE(file(6).value(u"duration"_s).toInt(), 12);
        QCOMPARE(file(6).value(u"width"_s).toInt(), 1280);
        QCOMPARE(file(6).value(u"height"_s).toInt(), 720);
        QCOMPARE(c.at(6).value(u"caption"_s).toString(), u"Распаковка"_s);
        QCOMPARE(c.at(7).value(u"latitude"_s).toDouble(), 59.9386);
        QCOMPARE(c.at(7).value(u"longitude"_s).toDouble(), 30.3141);
        QVERIFY(!c.at(7).contains(u"title"_s));
        QCOMPARE(c.at(8).value(u"latitude"_s).toDouble(), 59.939095);
        QCOMPARE(c.at(8).value(u"title"_s).toString(), u"Пункт выдачи ERA"_s);
        QCOMPARE(c.at(8).value(u"address"_s).toString(), u"Дворцовая пл., 2"_s);
        QCOMPARE(c.at(9).value(u"display_name"_s).toString(), u"Пётр Сидоров"_s);
        QCOMPARE(c.at(9).value(u"phone"_s).toString(), u"+79001234567"_s);
        QCOMPARE(c.at(9).value(u"provider_user_id"_s).toString(), u"777000"_s);
        QCOMPARE(c.at(10).value(u"text"_s).toString(), u"Где мой заказ №1024?"_s); // edited in place
        QCOMPARE(c.at(11).value(u"text"_s).toString(), u"Это про фото"_s);
        const QJsonObject replyTo = c.at(11).value(u"reply_to"_s).toObject();
        QCOMPARE(replyTo.value(u"message_id"_s).toInteger(),
                 history(dialog).at(12).toObject().value(u"id"_s).toInteger()); // the photo, second oldest
        QCOMPARE(replyTo.value(u"kind"_s).toString(), u"image"_s);
        QCOMPARE(c.at(12).value(u"provider_type"_s).toString(), u"telegram.dice"_s);
        QVERIFY2(c.at(12).value(u"note"_s).toString().contains(u"dice roll 🎲 showing 4"_s),
                 qPrintable(c.at(12).value(u"note"_s).toString()));
        QCOMPARE(c.at(13).value(u"text"_s).toString(), u"Минутку"_s);
        const QJsonArray reactions = c.at(13).value(u"reactions"_s).toArray();
        QCOMPARE(reactions.size(), 1);
        QCOMPARE(reactions.at(0).toObject().value(u"actor"_s).toString(), u"subscriber:%1"_s.arg(subscriber));
        QCOMPARE(reactions.at(0).toObject().value(u"emoji"_s).toString(), u"🔥"_s);

        // Media are fetched into the file store and the operator downloads the very bytes the customer sent.
        const QList<std::pair<int, QByteArray>> files{{1, png}, {2, pdf}, {3, webp},
                                                      {4, ogg}, {5, mp3}, {6, mp4}};
        for (const auto &[i, bytes] : files) {
            QCOMPARE(file(i).value(u"state"_s).toString(), u"ready"_s);
            QCOMPARE(file(i).value(u"size"_s).toInteger(), bytes.size());
            QCOMPARE(download(file(i).value(u"id"_s).toString()), bytes);
        }
    }

    void theSameUpdateDeliveredTwiceIsStoredOnce()
    {
        setUpChannel();
        const QJsonObject update = m_telegram->injectText(Token, m_customer, u"once"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        // The provider retries the very same message (same message_id) in a new update.
        QJsonObject retry = update;
        retry.remove(u"update_id"_s);
        m_telegram->injectUpdate(Token, retry);
        m_telegram->injectText(Token, m_customer, u"twice?"_s);
        QStringList texts;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                texts.clear();
                for (const QJsonObject &c : contents(dialog))
                    texts.append(c.value(u"text"_s).toString());
                return texts.size() >= 2;
            }(),
            10000);
        QCOMPARE(texts, (QStringList{u"once"_s, u"twice?"_s}));
    }

    void operatorsCannotTouchDialogsThatAreNotTheirs()
    {
        setUpChannel();
        m_telegram->injectText(Token, m_customer, u"hello"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        const QString otherToken = m_server->createUserAndLogin(u"stranger"_s);
        WsClient other(*m_server);
        QVERIFY(other.open());
        QCOMPARE(other.hello(otherToken).value(u"ok"_s).toBool(), true);
        QCOMPARE(errorCode(other.call(u"dialog.history"_s, {{u"dialog_id"_s, dialog}})), u"forbidden"_s);
        QCOMPARE(errorCode(other.call(u"dialog.open"_s, {{u"dialog_id"_s, dialog}})), u"forbidden"_s);
        QCOMPARE(errorCode(other.call(u"dialog.accept"_s, {{u"dialog_id"_s, dialog}})), u"not_offered"_s);
        QCOMPARE(errorCode(other.call(u"dialog.finish"_s, {{u"dialog_id"_s, dialog}})), u"forbidden"_s);
        QCOMPARE(
            errorCode(other.call(u"dialog.transfer"_s, {{u"dialog_id"_s, dialog}, {u"queue_id"_s, m_queue}})),
            u"forbidden"_s);
        QCOMPARE(errorCode(
                     other.call(u"message.send"_s,
                                {{u"dialog_id"_s, dialog},
                                 {u"client_id"_s, u"x"_s},
                                 {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"hi"_s}}}})),
                 u"forbidden"_s);
        const qint64 customerMessage = history(dialog).at(0).toObject().value(u"id"_s).toInteger();
        QCOMPARE(errorCode(other.call(u"message.react"_s, {{u"message_id"_s, customerMessage},
                                                           {u"emojis"_s, QJsonArray{u"👎"_s}}})),
                 u"forbidden"_s);
        QCOMPARE(errorCode(other.call(u"channels.list"_s)), u"forbidden"_s);
        QCOMPARE(errorCode(other.call(u"queues.stats"_s)), u"forbidden"_s);
        QCOMPARE(m_telegram->calls(u"sendMessage"_s).size(), 0);
    }

    void theOutboxWaitsOutRateLimitsAndServerErrorsAndDeliversOnce()
    {
        setUpChannel();
        m_telegram->injectText(Token, m_customer, u"hi"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        m_telegram->failNext(u"sendMessage"_s, 1, 429, u"Too Many Requests: retry after 1"_s, 1);
        m_telegram->failNext(u"sendMessage"_s, 1, 500, u"Internal Server Error"_s);
        QVERIFY(m_operator
                    ->call(u"message.send"_s,
                           {{u"dialog_id"_s, dialog},
                            {u"client_id"_s, u"r-1"_s},
                            {u"content"_s,
                             QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"after the storm"_s}}}})
                    .value(u"ok"_s)
                    .toBool());
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                int delivered = 0;
                for (const auto &c : m_telegram->calls(u"sendMessage"_s))
                    delivered += c.httpStatus == 200 ? 1 : 0;
                return delivered == 1;
            }(),
            20000);
        QCOMPARE(m_telegram->sentMessages(Token, m_customer.id).size(), 1);
    }

    void aBlockedBotFailsTheMessageWithTheReason()
    {
        setUpChannel();
        m_telegram->injectText(Token, m_customer, u"bye"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        m_telegram->blockChat(m_customer.id, true);
        QVERIFY(m_operator
                    ->call(u"message.send"_s, {{u"dialog_id"_s, dialog},
                                               {u"client_id"_s, u"b-1"_s},
                                               {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s},
                                                                          {u"text"_s, u"are you there?"_s}}}})
                    .value(u"ok"_s)
                    .toBool());
        const QJsonObject status = m_operator->waitEvent(u"message.status"_s, 15000);
        QCOMPARE(status.value(u"data"_s).toObject().value(u"status"_s).toString(), u"failed"_s);
        QVERIFY(status.value(u"data"_s).toObject().value(u"reason"_s).toString().contains(u"blocked"_s));
    }

    void anOfferNotAcceptedInTimeGoesToTheNextOperator()
    {
        setUpChannel({}, 5);
        auto second = connectSecondOperator();
        QVERIFY(second);
        m_telegram->injectText(Token, m_customer, u"anyone?"_s);
        // Olga went online first, so she has waited longest and gets the offer.
        const qint64 dialog = offeredDialog(m_operator->waitEvent(u"dialog.offered"_s));
        QVERIFY(dialog > 0);
        const QJsonObject withdrawn = m_operator->waitEvent(u"dialog.offer_withdrawn"_s, 10000);
        QCOMPARE(withdrawn.value(u"data"_s).toObject().value(u"reason"_s).toString(), u"expired"_s);
        QCOMPARE(offeredDialog(second->waitEvent(u"dialog.offered"_s, 10000)), dialog);
        QCOMPARE(errorCode(m_operator->call(u"dialog.accept"_s, {{u"dialog_id"_s, dialog}})),
                 u"not_offered"_s);
        QVERIFY(second->call(u"dialog.accept"_s, {{u"dialog_id"_s, dialog}}).value(u"ok"_s).toBool());
    }

    void aDeclinedOfferGoesToTheNextOperatorAtOnce()
    {
        setUpChannel();
        auto second = connectSecondOperator();
        QVERIFY(second);
        m_telegram->injectText(Token, m_customer, u"hello"_s);
        const qint64 dialog = offeredDialog(m_operator->waitEvent(u"dialog.offered"_s));
        QVERIFY(m_operator->call(u"dialog.decline"_s, {{u"dialog_id"_s, dialog}}).value(u"ok"_s).toBool());
        QCOMPARE(offeredDialog(second->waitEvent(u"dialog.offered"_s, 5000)), dialog);
    }

    void offersReturnAtOnceAndActiveDialogsAfterTheGraceWhenAnOperatorDisconnects()
    {
        QVERIFY(m_server->restart({u"--queues.disconnect_grace=1"_s}));
        setUpChannel();
        m_telegram->injectText(Token, m_customer, u"first"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        auto second = connectSecondOperator();
        QVERIFY(second);
        m_operator->socket.close();
        QVERIFY(m_operator->waitClosed());
        // After the grace period the dialog goes back to the queue and to the operator still connected.
        QCOMPARE(offeredDialog(second->waitEvent(u"dialog.offered"_s, 10000)), dialog);
        QVERIFY(second->call(u"dialog.accept"_s, {{u"dialog_id"_s, dialog}}).value(u"ok"_s).toBool());
    }

    void capacityLimitsHowManyDialogsAnOperatorIsOffered()
    {
        setUpChannel();
        WsClient admin(*m_server);
        QVERIFY(admin.open());
        QCOMPARE(admin.hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
        QVERIFY(
            admin.call(u"operators.set_capacity"_s, {{u"user_id"_s, m_operatorIds.at(0)}, {u"capacity"_s, 1}})
                .value(u"ok"_s)
                .toBool());
        m_telegram->injectText(Token, m_customer, u"one"_s);
        QVERIFY(acceptNextOffer() > 0);
        FakeTelegram::Customer other;
        other.id = 555000222;
        other.firstName = u"Anna"_s;
        m_telegram->addChat(Token, other);
        m_telegram->injectText(Token, other, u"two"_s);
        auto second = connectSecondOperator();
        QVERIFY(second);
        QVERIFY(offeredDialog(second->waitEvent(u"dialog.offered"_s, 10000)) > 0);
        QVERIFY(m_operator->waitEvent(u"dialog.offered"_s, 1000).isEmpty()); // Olga is full
    }

    void aDialogIsTransferredToAQueueAndToAnOperator()
    {
        setUpChannel();
        auto second = connectSecondOperator();
        QVERIFY(second);
        m_telegram->injectText(Token, m_customer, u"help"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        // To Petr directly: he is assigned at once and can write.
        auto moved = m_operator->call(u"dialog.transfer"_s,
                                      {{u"dialog_id"_s, dialog}, {u"operator_id"_s, m_operatorIds.at(1)}});
        QVERIFY2(moved.value(u"ok"_s).toBool(), QJsonDocument(moved).toJson().constData());
        QVERIFY(!second->waitEvent(u"dialog.transferred"_s).isEmpty());
        QCOMPARE(errorCode(m_operator->call(u"dialog.history"_s, {{u"dialog_id"_s, dialog}})),
                 u"forbidden"_s);
        QVERIFY(second
                    ->call(u"message.send"_s,
                           {{u"dialog_id"_s, dialog},
                            {u"client_id"_s, u"t-1"_s},
                            {u"content"_s, QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"Petr here"_s}}}})
                    .value(u"ok"_s)
                    .toBool());
        // Back to the queue: it waits and is offered again (to Olga, the only one with room who has not had
        // it).
        QVERIFY(second->call(u"dialog.transfer"_s, {{u"dialog_id"_s, dialog}, {u"queue_id"_s, m_queue}})
                    .value(u"ok"_s)
                    .toBool());
        QCOMPARE(offeredDialog(m_operator->waitEvent(u"dialog.offered"_s, 10000)), dialog);
    }

    void waitingCustomersKnowTheirPlaceInTheQueue()
    {
        setUpChannel();
        QVERIFY(m_operator->call(u"presence.set"_s, {{u"presence"_s, u"away"_s}}).value(u"ok"_s).toBool());
        FakeTelegram::Customer other;
        other.id = 555000333;
        other.firstName = u"Ivan"_s;
        m_telegram->addChat(Token, other);
        m_telegram->injectText(Token, m_customer, u"first in line"_s);
        m_telegram->injectText(Token, other, u"second in line"_s);
        WsClient admin(*m_server);
        QVERIFY(admin.open());
        QCOMPARE(admin.hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
        QJsonArray open;
        QTRY_VERIFY_WITH_TIMEOUT(
            (open = admin.call(u"dialogs.list"_s).value(u"result"_s).toObject().value(u"active"_s).toArray())
                    .size() == 2,
            10000);
        QTRY_COMPARE_WITH_TIMEOUT(queuePositions(admin, open), QList<int>({1, 2}), 10000);
    }

    void supervisorsSeeLiveQueueFigures()
    {
        setUpChannel();
        WsClient admin(*m_server);
        QVERIFY(admin.open());
        QCOMPARE(admin.hello(m_server->adminToken()).value(u"ok"_s).toBool(), true);
        m_telegram->injectText(Token, m_customer, u"waiting"_s);
        QVERIFY(!m_operator->waitEvent(u"dialog.offered"_s, 15000).isEmpty());
        const QJsonObject stats = admin.waitEvent(u"queue.stats"_s, 10000);
        const QJsonObject queue =
            stats.value(u"data"_s).toObject().value(u"queues"_s).toArray().at(0).toObject();
        QCOMPARE(queue.value(u"waiting"_s).toInt(), 1);
        QCOMPARE(queue.value(u"operators"_s).toObject().value(u"online"_s).toInt(), 1);
    }
};

QTEST_GUILESS_MAIN(TestConversation)
#include "tst_conversation.moc"
