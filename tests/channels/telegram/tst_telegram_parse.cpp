// The pure Telegram parse functions: every fixture payload, and what must never crash or vanish.
#include "channels/telegram/TelegramParse.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTest>

using namespace era::channels;
using namespace era::content;

Q_DECLARE_METATYPE(era::content::Content)
Q_DECLARE_METATYPE(era::channels::InboundEvent::Type)

namespace {

QJsonObject fixture(const QString &name)
{
    QFile file(QStringLiteral(ERA_TELEGRAM_FIXTURES_DIR "/") + name);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

Attachment pending(const QString &ref, const QString &mime, std::optional<qint64> size,
                   const QString &name = {}, std::optional<int> width = {}, std::optional<int> height = {},
                   std::optional<int> duration = {})
{
    Attachment file;
    file.state = AttachmentState::Pending;
    file.providerFileRef = ref;
    file.mimeType = mime;
    file.sizeBytes = size;
    file.fileName = name;
    file.width = width;
    file.height = height;
    file.durationSeconds = duration;
    return file;
}

Content content(Body body)
{
    Content result;
    result.body = std::move(body);
    return result;
}

QJsonObject privateChat()
{
    return QJsonObject{{QStringLiteral("id"), 100000001},
                       {QStringLiteral("type"), QStringLiteral("private")},
                       {QStringLiteral("first_name"), QStringLiteral("Ivan")}};
}

QJsonObject user()
{
    return QJsonObject{{QStringLiteral("id"), 100000001},
                       {QStringLiteral("is_bot"), false},
                       {QStringLiteral("first_name"), QStringLiteral("Ivan")}};
}

// An update carrying one private message with the given content fields.
QJsonObject messageUpdate(const QJsonObject &fields)
{
    QJsonObject message{{QStringLiteral("message_id"), 77},
                        {QStringLiteral("from"), user()},
                        {QStringLiteral("chat"), privateChat()},
                        {QStringLiteral("date"), 1732442400}};
    for (auto it = fields.begin(); it != fields.end(); ++it)
        message.insert(it.key(), it.value());
    return QJsonObject{{QStringLiteral("update_id"), 5}, {QStringLiteral("message"), message}};
}

QJsonObject parseJson(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

} // namespace

class TelegramParseTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyFixtureParsesToItsContent_data();
    void everyFixtureParsesToItsContent();
    void emojiOnlyTextIsFlagged_data();
    void emojiOnlyTextIsFlagged();
    void profileChatIdAndTimeComeFromTheMessage();
    void messageIdsAreUniqueAcrossChats();
    void replyNamesTheAnsweredMessage();
    void editCarriesTheEditDate();
    void reactionListsTheNewEmojis();
    void customEmojiReactionIsSkippedWithANote();
    void forwardOriginBecomesForwardedFrom_data();
    void forwardOriginBecomesForwardedFrom();
    void contentWeCannotMapIsUnsupportedWithANote_data();
    void contentWeCannotMapIsUnsupportedWithANote();
    void updatesOutsidePrivateChatsAreSkippedWithAReason_data();
    void updatesOutsidePrivateChatsAreSkippedWithAReason();
    void largeIdsStayExact();
    void batchReportsTheLastUpdateId();
};

void TelegramParseTest::everyFixtureParsesToItsContent_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("producesEvent");
    QTest::addColumn<InboundEvent::Type>("type");
    QTest::addColumn<QString>("messageId");
    QTest::addColumn<Content>("expected");

    QHash<QString, std::tuple<bool, InboundEvent::Type, QString, Content>> rows;
    const auto message = InboundEvent::Type::Message;
    rows[QStringLiteral("text.json")] = {
        true, message, QStringLiteral("41"),
        content(Text::of(QStringLiteral("Здравствуйте! Где мой заказ №1024? 📦")))};
    rows[QStringLiteral("photo.json")] = {
        true, message, QStringLiteral("42"),
        content(Image{pending(QStringLiteral("AgACAgIAAxkBAAMqZ0Mfake1280AAAAAAAAAAAAAAAAAAAAAAAA"),
                              QStringLiteral("image/jpeg"), 187445, {}, 1280, 960),
                      QStringLiteral("Коробка пришла мятая")})};
    rows[QStringLiteral("document.json")] = {
        true, message, QStringLiteral("43"),
        content(
            Document{pending(QStringLiteral("BQACAgIAAxkBAAMrZ0Nmakedoc00000000000000000000000000"),
                             QStringLiteral("application/pdf"), 245760, QStringLiteral("invoice-1024.pdf")),
                     QStringLiteral("Счёт")})};
    rows[QStringLiteral("sticker.json")] = {
        true, message, QStringLiteral("44"),
        content(Sticker{pending(QStringLiteral("CAACAgIAAxkBAAMsZ0Nmakesticker000000000000000000000"),
                                QStringLiteral("image/webp"), 28672, {}, 512, 512),
                        QStringLiteral("👍"), false, false})};
    rows[QStringLiteral("voice.json")] = {
        true, message, QStringLiteral("45"),
        content(Voice{pending(QStringLiteral("AwACAgIAAxkBAAMtZ0Nmakevoice00000000000000000000000"),
                              QStringLiteral("audio/ogg"), 12345, {}, {}, {}, 4),
                      {}})};
    rows[QStringLiteral("audio.json")] = {
        true, message, QStringLiteral("46"),
        content(Audio{pending(QStringLiteral("CQACAgIAAxkBAAMuZ0Nmakeaudio00000000000000000000000"),
                              QStringLiteral("audio/mpeg"), 2930000, QStringLiteral("hold-music.mp3"), {}, {},
                              183),
                      {}})};
    rows[QStringLiteral("video.json")] = {
        true, message, QStringLiteral("47"),
        content(Video{pending(QStringLiteral("BAACAgIAAxkBAAMvZ0Nmakevideo00000000000000000000000"),
                              QStringLiteral("video/mp4"), 4194304, QStringLiteral("unboxing.mp4"), 1280, 720,
                              12),
                      QStringLiteral("Видео распаковки")})};
    rows[QStringLiteral("location.json")] = {true, message, QStringLiteral("48"),
                                             content(Location{55.751244, 37.618423, {}, {}, {}})};
    rows[QStringLiteral("venue.json")] = {
        true, message, QStringLiteral("49"),
        content(Location{59.939095,
                         30.315868,
                         {},
                         QStringLiteral("Пункт выдачи ERA"),
                         QStringLiteral("Дворцовая пл., 2, Санкт-Петербург")})};
    rows[QStringLiteral("contact.json")] = {
        true, message, QStringLiteral("50"),
        content(Contact{
            QStringLiteral("Ivan Petrov"), QStringLiteral("+79991234567"), {}, QStringLiteral("100000001")})};
    rows[QStringLiteral("reply.json")] = {true, message, QStringLiteral("51"),
                                          content(Text::of(QStringLiteral("А когда привезут?")))};
    Content edited = content(Text::of(QStringLiteral("Здравствуйте! Где мой заказ №1025? 📦")));
    edited.editedAt = QDateTime::fromSecsSinceEpoch(1732442520, Qt::UTC);
    rows[QStringLiteral("edited_message.json")] = {true, InboundEvent::Type::Edit, QStringLiteral("41"),
                                                   edited};
    rows[QStringLiteral("message_reaction.json")] = {true, InboundEvent::Type::Reaction, QStringLiteral("40"),
                                                     Content{}};
    rows[QStringLiteral("dice.json")] = {
        true, message, QStringLiteral("53"),
        content(Unsupported{QStringLiteral("telegram.dice"), QStringLiteral("A dice roll 🎲 showing 4.")})};
    rows[QStringLiteral("poll.json")] = {false, message, {}, Content{}};      // not about a private chat
    rows[QStringLiteral("malformed.json")] = {false, message, {}, Content{}}; // no chat to put it in

    const QStringList files = QDir(QStringLiteral(ERA_TELEGRAM_FIXTURES_DIR))
                                  .entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    QVERIFY(!files.isEmpty());
    for (const QString &file : files) {
        // A new fixture without an expectation here fails on purpose: add its row above.
        const auto [event, type, id, expected] =
            rows.value(file, {true, message, QStringLiteral("<no expectation for this fixture>"), Content{}});
        QTest::newRow(qPrintable(file)) << file << event << type << id << expected;
    }
}

void TelegramParseTest::everyFixtureParsesToItsContent()
{
    QFETCH(QString, file);
    QFETCH(bool, producesEvent);
    QFETCH(InboundEvent::Type, type);
    QFETCH(QString, messageId);
    QFETCH(Content, expected);

    const QJsonObject update = fixture(file);
    QVERIFY2(!update.isEmpty(), qPrintable(file));
    const telegram::ParseResult result = telegram::parseUpdate(update);
    QVERIFY(result.lastUpdateId.has_value());
    QCOMPARE(*result.lastUpdateId, update.value(QLatin1String("update_id")).toInteger());
    if (!producesEvent) {
        QCOMPARE(result.events.size(), 0);
        QCOMPARE(result.skipped.size(), 1);
        QVERIFY(!result.skipped.constFirst().isEmpty());
        return;
    }
    QCOMPARE(result.events.size(), 1);
    const InboundEvent &event = result.events.constFirst();
    QCOMPARE(event.type, type);
    QCOMPARE(event.externalMessageId, QStringLiteral("100000001:") + messageId); // chat:message
    QCOMPARE(event.externalChatId, QStringLiteral("100000001"));
    QCOMPARE(event.from.externalId, QStringLiteral("100000001"));
    if (type != InboundEvent::Type::Reaction) {
        QCOMPARE(kindName(event.content.kind()), kindName(expected.kind()));
        QCOMPARE(event.content, expected);
    }
}

void TelegramParseTest::emojiOnlyTextIsFlagged_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("emojiOnly");
    QTest::newRow("one emoji") << QStringLiteral("👍") << true;
    QTest::newRow("three emoji") << QStringLiteral("😀😀😀") << true;
    QTest::newRow("words") << QStringLiteral("thanks 👍") << false;
}

void TelegramParseTest::emojiOnlyTextIsFlagged()
{
    QFETCH(QString, text);
    QFETCH(bool, emojiOnly);
    const auto result = telegram::parseUpdate(messageUpdate({{QStringLiteral("text"), text}}));
    QCOMPARE(result.events.size(), 1);
    const auto *body = std::get_if<Text>(&result.events.constFirst().content.body);
    QVERIFY(body);
    QCOMPARE(body->text, text);
    QCOMPARE(body->emojiOnly, emojiOnly);
}

void TelegramParseTest::profileChatIdAndTimeComeFromTheMessage()
{
    QJsonObject update = fixture(QStringLiteral("text.json"));
    QJsonObject message = update.value(QLatin1String("message")).toObject();
    QJsonObject from = message.value(QLatin1String("from")).toObject();
    from.insert(QStringLiteral("is_premium"), true);
    message.insert(QStringLiteral("from"), from);
    update.insert(QStringLiteral("message"), message);

    const auto result = telegram::parseUpdate(update);
    QCOMPARE(result.events.size(), 1);
    const InboundEvent &event = result.events.constFirst();
    QCOMPARE(event.from.name, QStringLiteral("Ivan Petrov"));
    QCOMPARE(event.from.username, QStringLiteral("ivan_petrov"));
    QCOMPARE(event.from.language, QStringLiteral("ru"));
    QCOMPARE(event.from.extra.value(QLatin1String("is_premium")).toBool(), true);
    QCOMPARE(event.at, QDateTime::fromSecsSinceEpoch(1732442400, Qt::UTC));
    QCOMPARE(event.at.timeSpec(), Qt::UTC);
    QVERIFY(event.replyToExternalId.isEmpty());
    QVERIFY(!event.content.forwardedFrom.has_value());
}

void TelegramParseTest::messageIdsAreUniqueAcrossChats()
{
    // Telegram numbers messages per chat: message 5 of two customers must stay two messages.
    QCOMPARE(telegram::messageKey(QStringLiteral("100"), 5), QStringLiteral("100:5"));
    QVERIFY(telegram::messageKey(QStringLiteral("100"), 5) != telegram::messageKey(QStringLiteral("200"), 5));
    QCOMPARE(telegram::messageIdOf(QStringLiteral("100:5")), qint64(5));
    QCOMPARE(telegram::messageIdOf(QStringLiteral("7")), qint64(7));
    QVERIFY(!telegram::messageIdOf(QStringLiteral("100:x")).has_value());
}

void TelegramParseTest::replyNamesTheAnsweredMessage()
{
    const auto result = telegram::parseUpdate(fixture(QStringLiteral("reply.json")));
    QCOMPARE(result.events.size(), 1);
    QCOMPARE(result.events.constFirst().replyToExternalId, QStringLiteral("100000001:40"));
}

void TelegramParseTest::editCarriesTheEditDate()
{
    const auto result = telegram::parseUpdate(fixture(QStringLiteral("edited_message.json")));
    QCOMPARE(result.events.size(), 1);
    const InboundEvent &event = result.events.constFirst();
    QCOMPARE(event.type, InboundEvent::Type::Edit);
    QCOMPARE(event.at, QDateTime::fromSecsSinceEpoch(1732442520, Qt::UTC));
    QCOMPARE(event.content.editedAt, QDateTime::fromSecsSinceEpoch(1732442520, Qt::UTC));
}

void TelegramParseTest::reactionListsTheNewEmojis()
{
    const auto result = telegram::parseUpdate(fixture(QStringLiteral("message_reaction.json")));
    QCOMPARE(result.events.size(), 1);
    const InboundEvent &event = result.events.constFirst();
    QCOMPARE(event.type, InboundEvent::Type::Reaction);
    QCOMPARE(event.reactions, QStringList{QStringLiteral("👍")});
    QCOMPARE(event.from.name, QStringLiteral("Ivan Petrov"));
    QCOMPARE(event.at, QDateTime::fromSecsSinceEpoch(1732442530, Qt::UTC));
    QVERIFY(result.skipped.isEmpty());
}

void TelegramParseTest::customEmojiReactionIsSkippedWithANote()
{
    QJsonObject update = fixture(QStringLiteral("message_reaction.json"));
    QJsonObject reaction = update.value(QLatin1String("message_reaction")).toObject();
    reaction.insert(QStringLiteral("new_reaction"), parseJson(R"({"a":[
        {"type":"custom_emoji","custom_emoji_id":"5368324170671202286"},
        {"type":"emoji","emoji":"🔥"}]})")
                                                        .value(QLatin1String("a")));
    update.insert(QStringLiteral("message_reaction"), reaction);

    const auto result = telegram::parseUpdate(update);
    QCOMPARE(result.events.size(), 1);
    QCOMPARE(result.events.constFirst().reactions, QStringList{QStringLiteral("🔥")});
    QCOMPARE(result.skipped.size(), 1);
    QVERIFY2(result.skipped.constFirst().contains(QLatin1String("custom_emoji")),
             qPrintable(result.skipped.constFirst()));
}

void TelegramParseTest::forwardOriginBecomesForwardedFrom_data()
{
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<QString>("name");
    QTest::newRow("user") << QByteArray(R"({"type":"user","date":1,"sender_user":{"id":5,"is_bot":false,
        "first_name":"Anna","last_name":"K"}})")
                          << QStringLiteral("Anna K");
    QTest::newRow("hidden user") << QByteArray(
                                        R"({"type":"hidden_user","date":1,"sender_user_name":"Boris"})")
                                 << QStringLiteral("Boris");
    QTest::newRow("channel") << QByteArray(R"({"type":"channel","date":1,"message_id":3,
        "chat":{"id":-1001,"type":"channel","title":"ERA News"}})")
                             << QStringLiteral("ERA News");
}

void TelegramParseTest::forwardOriginBecomesForwardedFrom()
{
    QFETCH(QByteArray, origin);
    QFETCH(QString, name);
    const auto result = telegram::parseUpdate(
        messageUpdate({{QStringLiteral("text"), QStringLiteral("fwd")},
                       {QStringLiteral("forward_origin"), QJsonDocument::fromJson(origin).object()}}));
    QCOMPARE(result.events.size(), 1);
    QVERIFY(result.events.constFirst().content.forwardedFrom.has_value());
    QCOMPARE(result.events.constFirst().content.forwardedFrom->name, name);
}

void TelegramParseTest::contentWeCannotMapIsUnsupportedWithANote_data()
{
    QTest::addColumn<QByteArray>("fields");
    QTest::addColumn<QString>("providerType");
    QTest::newRow("poll") << QByteArray(R"({"poll":{"id":"1","question":"Why?","options":[]}})")
                          << QStringLiteral("telegram.poll");
    QTest::newRow("dice") << QByteArray(R"({"dice":{"emoji":"🎲","value":4}})")
                          << QStringLiteral("telegram.dice");
    QTest::newRow("game") << QByteArray(R"({"game":{"title":"g"}})") << QStringLiteral("telegram.game");
    QTest::newRow("service message") << QByteArray(R"({"write_access_allowed":{}})")
                                     << QStringLiteral("telegram.write_access_allowed");
    QTest::newRow("a type from the future")
        << QByteArray(R"({"hologram":{"id":1}})") << QStringLiteral("telegram.hologram");
    QTest::newRow("no content") << QByteArray(R"({})") << QStringLiteral("telegram.empty");
    QTest::newRow("text not a string")
        << QByteArray(R"({"text":12345})") << QStringLiteral("telegram.malformed");
    QTest::newRow("photo not a list")
        << QByteArray(R"({"photo":"x"})") << QStringLiteral("telegram.malformed");
    QTest::newRow("photo size without file_id")
        << QByteArray(R"({"photo":[{"width":1,"height":1}]})") << QStringLiteral("telegram.malformed");
    QTest::newRow("document not an object")
        << QByteArray(R"({"document":[1]})") << QStringLiteral("telegram.malformed");
    QTest::newRow("location without longitude")
        << QByteArray(R"({"location":{"latitude":1}})") << QStringLiteral("telegram.malformed");
    QTest::newRow("location out of range") << QByteArray(R"({"location":{"latitude":91,"longitude":0}})")
                                           << QStringLiteral("telegram.malformed");
    QTest::newRow("contact not an object")
        << QByteArray(R"({"contact":"+7"})") << QStringLiteral("telegram.malformed");
    QTest::newRow("date not a number")
        << QByteArray(R"({"text":"hi","date":"yesterday"})") << QStringLiteral("telegram.malformed");
}

void TelegramParseTest::contentWeCannotMapIsUnsupportedWithANote()
{
    QFETCH(QByteArray, fields);
    QFETCH(QString, providerType);
    const auto result = telegram::parseUpdate(messageUpdate(QJsonDocument::fromJson(fields).object()));
    QCOMPARE(result.events.size(), 1);
    const auto *body = std::get_if<Unsupported>(&result.events.constFirst().content.body);
    QVERIFY(body);
    QCOMPARE(body->providerType, providerType);
    QVERIFY(!body->note.isEmpty());
    QCOMPARE(telegram::messageIdOf(result.events.constFirst().externalMessageId), qint64(77));
}

void TelegramParseTest::updatesOutsidePrivateChatsAreSkippedWithAReason_data()
{
    QTest::addColumn<QByteArray>("update");
    QTest::newRow("my_chat_member") << QByteArray(R"({"update_id":1,"my_chat_member":{"chat":{"id":1,
        "type":"private"},"from":{"id":1,"is_bot":false,"first_name":"A"},"date":1,
        "old_chat_member":{},"new_chat_member":{}}})");
    QTest::newRow("group message") << QByteArray(R"({"update_id":1,"message":{"message_id":1,"date":1,
        "chat":{"id":-100123,"type":"supergroup","title":"G"},"text":"hi"}})");
    QTest::newRow("channel post") << QByteArray(R"({"update_id":1,"channel_post":{"message_id":1,"date":1,
        "chat":{"id":-100123,"type":"channel","title":"C"},"text":"hi"}})");
    QTest::newRow("message without chat")
        << QByteArray(R"({"update_id":1,"message":{"message_id":1,"date":1}})");
    QTest::newRow("message id not a number") << QByteArray(R"({"update_id":1,"message":{"message_id":"x",
        "date":1,"chat":{"id":1,"type":"private"},"text":"hi"}})");
    QTest::newRow("message not an object") << QByteArray(R"({"update_id":1,"message":[]})");
    QTest::newRow("reaction in a group") << QByteArray(R"({"update_id":1,"message_reaction":{"chat":{"id":-5,
        "type":"group"},"message_id":1,"date":1,"old_reaction":[],"new_reaction":[]}})");
    QTest::newRow("empty update") << QByteArray(R"({"update_id":1})");
    QTest::newRow("not even an update") << QByteArray(R"({})");
}

void TelegramParseTest::updatesOutsidePrivateChatsAreSkippedWithAReason()
{
    QFETCH(QByteArray, update);
    const QJsonDocument document = QJsonDocument::fromJson(update);
    QVERIFY(document.isObject());
    const auto result = telegram::parseUpdate(document.object());
    QCOMPARE(result.events.size(), 0);
    QCOMPARE(result.skipped.size(), 1);
    QVERIFY(!result.skipped.constFirst().isEmpty());
}

void TelegramParseTest::largeIdsStayExact()
{
    QJsonObject update = messageUpdate({{QStringLiteral("text"), QStringLiteral("hi")}});
    QJsonObject message = update.value(QLatin1String("message")).toObject();
    const qint64 big = 4503599627370497; // 2^52 + 1
    QJsonObject chat = privateChat();
    chat.insert(QStringLiteral("id"), big);
    message.insert(QStringLiteral("chat"), chat);
    QJsonObject from = user();
    from.insert(QStringLiteral("id"), big);
    message.insert(QStringLiteral("from"), from);
    update.insert(QStringLiteral("message"), message);
    const auto result = telegram::parseUpdate(update);
    QCOMPARE(result.events.size(), 1);
    QCOMPARE(result.events.constFirst().externalChatId, QStringLiteral("4503599627370497"));
    QCOMPARE(result.events.constFirst().from.externalId, QStringLiteral("4503599627370497"));
}

void TelegramParseTest::batchReportsTheLastUpdateId()
{
    QJsonArray updates{fixture(QStringLiteral("text.json")), fixture(QStringLiteral("poll.json")),
                       fixture(QStringLiteral("photo.json"))};
    const auto result = telegram::parseUpdates(updates);
    QCOMPARE(result.events.size(), 2);
    QCOMPARE(result.skipped.size(), 1);
    QCOMPARE(*result.lastUpdateId, 730000014);
}

QTEST_GUILESS_MAIN(TelegramParseTest)
#include "tst_telegram_parse.moc"
