#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <era/content/ContentJson.h>

using namespace Qt::StringLiterals;
using namespace era::content;

Q_DECLARE_METATYPE(era::content::Content)

namespace {

QDateTime at(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs);
}

Attachment readyFile()
{
    Attachment a;
    a.fileId = u"sha256:9f86d081884c7d659a2feaa0c55ad015"_s;
    a.state = AttachmentState::Ready;
    a.mimeType = u"image/jpeg"_s;
    a.sizeBytes = 48213;
    a.fileName = u"IMG_0042.jpg"_s;
    a.width = 1280;
    a.height = 960;
    a.providerFileRef = u"AgACAgIAAxkBAAIBZ2"_s;
    a.thumbnailFileId = u"sha256:2c26b46b68ffc68ff99b453c1d304134"_s;
    return a;
}

Attachment plainFile(AttachmentState state = AttachmentState::Pending)
{
    Attachment a;
    a.state = state;
    return a;
}

Content of(Body body)
{
    Content c;
    c.body = std::move(body);
    return c;
}

QJsonObject parse(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("test JSON does not parse: %s", json.constData());
    return doc.object();
}

QByteArray text(const QJsonObject &json)
{
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

} // namespace

class TestContentJson : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyKindAndFieldSurvivesTheRoundTrip_data()
    {
        QTest::addColumn<Content>("content");

        QTest::newRow("text") << of(Text::of(u"Hello, when do you open?"_s));
        QTest::newRow("emoji-only text") << of(Text::of(u"👍🏽"_s));
        QTest::newRow("image with every file field and a caption") << of(Image{readyFile(), u"Our shop"_s});
        Attachment pending = plainFile();
        pending.providerFileRef = u"BQACAgIAAxkBAAIBa"_s;
        QTest::newRow("image still pending") << of(Image{pending, {}});
        Attachment failed = plainFile(AttachmentState::Failed);
        failed.stateReason = u"provider answered 404"_s;
        QTest::newRow("video failed with a reason") << of(Video{failed, u"clip"_s});
        Attachment tooLarge = plainFile(AttachmentState::TooLarge);
        tooLarge.stateReason = u"52428800 bytes is over the 20 MB limit"_s;
        tooLarge.sizeBytes = 52428800;
        QTest::newRow("document too large") << of(Document{tooLarge, {}});
        Attachment clip = readyFile();
        clip.mimeType = u"video/mp4"_s;
        clip.durationSeconds = 17;
        QTest::newRow("video with dimensions and duration") << of(Video{clip, {}});
        Attachment song = plainFile(AttachmentState::Ready);
        song.fileId = u"sha256:aa"_s;
        song.mimeType = u"audio/mpeg"_s;
        song.durationSeconds = 241;
        song.fileName = u"track.mp3"_s;
        QTest::newRow("audio") << of(Audio{song, u"listen"_s});
        Attachment note = plainFile(AttachmentState::Ready);
        note.fileId = u"sha256:bb"_s;
        note.mimeType = u"audio/ogg"_s;
        note.durationSeconds = 0;
        note.sizeBytes = 0;
        QTest::newRow("voice with zero duration and size") << of(Voice{note, {}});
        Attachment pdf = plainFile(AttachmentState::Ready);
        pdf.fileId = u"sha256:cc"_s;
        pdf.mimeType = u"application/pdf"_s;
        pdf.fileName = u"report.pdf"_s;
        QTest::newRow("document") << of(Document{pdf, u"Q3 numbers"_s});
        QTest::newRow("static sticker") << of(Sticker{readyFile(), u"😀"_s, false, false});
        QTest::newRow("animated sticker") << of(Sticker{readyFile(), {}, true, false});
        QTest::newRow("video sticker") << of(Sticker{readyFile(), u"🔥"_s, false, true});
        QTest::newRow("location point") << of(Location{55.751244, 37.618423, std::nullopt, {}, {}});
        QTest::newRow("location at the limits") << of(Location{-90, 180, 0.0, {}, {}});
        QTest::newRow("venue") << of(Location{59.9386, 30.3141, 12.5, u"Cafe Singer"_s, u"Nevsky pr. 28"_s});
        QTest::newRow("contact with phone only") << of(Contact{u"Anna Petrova"_s, u"+79001234567"_s, {}, {}});
        QTest::newRow("contact with vCard and account")
            << of(Contact{u"Anna"_s, {}, u"BEGIN:VCARD\nVERSION:3.0\nFN:Anna\nEND:VCARD"_s, u"777000"_s});
        QTest::newRow("system with params")
            << of(System{u"dialog.transferred"_s, QJsonObject{{u"from_user"_s, 3}, {u"to_queue"_s, 7}},
                         u"Transferred to Sales"_s});
        QTest::newRow("system without params") << of(System{u"dialog.opened"_s, {}, u"Dialog opened"_s});
        QTest::newRow("unsupported") << of(
            Unsupported{u"telegram.poll"_s, u"A poll: open Telegram to vote"_s});
        QTest::newRow("unsupported without note") << of(Unsupported{u"vk.wall_post"_s, {}});

        Content reply = of(Text::of(u"Yes"_s));
        reply.replyTo = ReplyTo{41, u"Anna"_s, Kind::Image, u"Is this one in stock?"_s};
        QTest::newRow("reply with quote") << reply;
        Content bareReply = of(Text::of(u"Yes"_s));
        bareReply.replyTo = ReplyTo{9007199254740991, {}, Kind::Sticker, {}};
        QTest::newRow("reply to the largest id without quote") << bareReply;
        Content reacted = of(Text::of(u"Done"_s));
        reacted.reactions = {{{Actor::Type::Subscriber, 15}, u"👍"_s, at("2025-01-10T08:15:02.331Z")},
                             {{Actor::Type::User, 3}, u"❤️"_s, at("2025-01-10T08:16:00.000Z")},
                             {{Actor::Type::User, 3}, u"🔥"_s, at("2025-01-10T08:16:00.001Z")}};
        QTest::newRow("reactions of several actors") << reacted;
        Content edited = of(Text::of(u"Fixed typo"_s));
        edited.editedAt = at("2025-01-10T09:00:00.123Z");
        QTest::newRow("edited") << edited;
        Content forwarded = of(Image{readyFile(), {}});
        forwarded.forwardedFrom = ForwardedFrom{u"News channel"_s};
        QTest::newRow("forwarded with a name") << forwarded;
        Content hidden = of(Text::of(u"fwd"_s));
        hidden.forwardedFrom = ForwardedFrom{};
        QTest::newRow("forwarded from a hidden origin") << hidden;
        Content everything = of(Location{1.5, -2.25, 3.0, u"Dock"_s, {}});
        everything.replyTo = ReplyTo{7, u"Bob"_s, Kind::Text, u"where?"_s};
        everything.reactions = {{{Actor::Type::User, 1}, u"👌"_s, at("2025-03-01T00:00:00.000Z")}};
        everything.editedAt = at("2025-03-01T00:00:01.000Z");
        everything.forwardedFrom = ForwardedFrom{u"Bob"_s};
        QTest::newRow("every optional field at once") << everything;
        QTest::newRow("deleted text")
            << markedDeleted(of(Text::of(u"secret"_s)), at("2025-01-10T10:00:00.000Z"));
        QTest::newRow("deleted image")
            << markedDeleted(of(Image{readyFile(), {}}), at("2025-01-10T10:00:00.000Z"));
    }
    void everyKindAndFieldSurvivesTheRoundTrip()
    {
        QFETCH(Content, content);
        const QByteArray wire = text(toJson(content));
        const Expected<Content> decoded = fromJson<Content>(parse(wire));
        QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().toString()));
        QVERIFY2(*decoded == content, wire.constData());
        QCOMPARE(text(toJson(*decoded)), wire);
    }

    void wireFormIsStable_data()
    {
        QTest::addColumn<Content>("content");
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("text") << of(Text::of(u"Hi"_s))
                              << QByteArray(R"({"emoji_only":false,"kind":"text","text":"Hi"})");
        QTest::newRow("pending voice")
            << of(Voice{plainFile(), {}}) << QByteArray(R"({"file":{"state":"pending"},"kind":"voice"})");
        QTest::newRow("location") << of(Location{55.75, 37.62, std::nullopt, {}, {}})
                                  << QByteArray(R"({"kind":"location","latitude":55.75,"longitude":37.62})");
        Content deleted = of(Text::of(u"gone"_s));
        deleted.reactions = {{{Actor::Type::User, 1}, u"👌"_s, at("2025-03-01T00:00:00.000Z")}};
        deleted.deletedAt = at("2025-03-01T03:00:00.000+03:00");
        QTest::newRow("deleted message is blank")
            << deleted
            << QByteArray(R"({"deleted":true,"deleted_at":"2025-03-01T00:00:00.000Z","kind":"text"})");
    }
    void wireFormIsStable()
    {
        QFETCH(Content, content);
        QFETCH(QByteArray, json);
        QCOMPARE(text(toJson(content)), json);
    }

    void emojiOnlyIsRecomputedFromTheText()
    {
        const auto decoded = fromJson<Content>(parse(R"({"kind":"text","text":"😀","emoji_only":false})"));
        QVERIFY(decoded.ok());
        QVERIFY(std::get<Text>(decoded->body).emojiOnly);
        QCOMPARE(toJson(Text{u"😀"_s, false}).value(u"emoji_only"_s), QJsonValue(true));
    }

    void timesAreReadInAnyZoneAndWrittenInUtc()
    {
        const auto decoded = fromJson<Content>(
            parse(R"({"kind":"text","text":"x","edited_at":"2025-01-10T11:15:02.5+03:00"})"));
        QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().toString()));
        QCOMPARE(toJson(*decoded).value(u"edited_at"_s).toString(), u"2025-01-10T08:15:02.500Z"_s);
    }

    void unknownFieldsAndNullsAreIgnored()
    {
        const auto decoded = fromJson<Content>(
            parse(R"({"kind":"text","text":"x","future":1,"edited_at":null,"reply_to":null})"));
        QVERIFY(decoded.ok());
        QCOMPARE(*decoded, of(Text::of(u"x"_s)));
    }

    void deletedMessageIgnoresLeftoverContent()
    {
        const auto decoded = fromJson<Content>(
            parse(R"({"kind":"image","deleted":true,"deleted_at":"2025-01-10T10:00:00.000Z","caption":5})"));
        QVERIFY(decoded.ok());
        QVERIFY(decoded->isDeleted());
        QCOMPARE(decoded->kind(), Kind::Image);
        QCOMPARE(std::get<Image>(decoded->body), Image{});
    }

    void badInputIsRefusedNamingTheField_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("field");

        const QByteArray ready = R"("file":{"state":"ready","id":"sha256:aa")";
        auto row = [](const char *name, const QByteArray &json, const QString &field) {
            QTest::newRow(name) << json << field;
        };
        // The kind.
        row("missing kind", R"({"text":"x"})", u"kind"_s);
        row("kind is not a string", R"({"kind":1})", u"kind"_s);
        row("unknown kind", R"({"kind":"poll"})", u"kind"_s);
        // Text.
        row("text missing", R"({"kind":"text"})", u"text"_s);
        row("text is empty", R"({"kind":"text","text":""})", u"text"_s);
        row("text is a number", R"({"kind":"text","text":5})", u"text"_s);
        row("emoji_only is a string", R"({"kind":"text","text":"x","emoji_only":"yes"})", u"emoji_only"_s);
        // Attachments.
        row("image without file", R"({"kind":"image"})", u"file"_s);
        row("file is a string", R"({"kind":"image","file":"abc"})", u"file"_s);
        row("file without state", R"({"kind":"image","file":{}})", u"file.state"_s);
        row("unknown file state", R"({"kind":"image","file":{"state":"done"}})", u"file.state"_s);
        row("ready file without id", R"({"kind":"image","file":{"state":"ready"}})", u"file.id"_s);
        row("pending file with id", R"({"kind":"image","file":{"state":"pending","id":"x"}})", u"file.id"_s);
        row("negative size", R"({"kind":"document",)" + ready + R"(,"size":-1}})", u"file.size"_s);
        row("fractional size", R"({"kind":"document",)" + ready + R"(,"size":1.5}})", u"file.size"_s);
        row("size is a string", R"({"kind":"document",)" + ready + R"(,"size":"10"}})", u"file.size"_s);
        row("size beyond 2^53", R"({"kind":"document",)" + ready + R"(,"size":1e17}})", u"file.size"_s);
        row("negative width", R"({"kind":"image",)" + ready + R"(,"width":-5}})", u"file.width"_s);
        row("height is a bool", R"({"kind":"image",)" + ready + R"(,"height":true}})", u"file.height"_s);
        row("negative duration", R"({"kind":"voice",)" + ready + R"(,"duration":-2}})", u"file.duration"_s);
        row("width on audio", R"({"kind":"audio",)" + ready + R"(,"width":10}})", u"file.width"_s);
        row("duration on an image", R"({"kind":"image",)" + ready + R"(,"duration":3}})", u"file.duration"_s);
        row("MIME type without slash", R"({"kind":"document",)" + ready + R"(,"mime":"pdf"}})",
            u"file.mime"_s);
        row("file name is a number", R"({"kind":"document",)" + ready + R"(,"name":1}})", u"file.name"_s);
        row("caption is a number", R"({"kind":"image",)" + ready + R"(},"caption":1})", u"caption"_s);
        row("sticker animated is a string", R"({"kind":"sticker",)" + ready + R"(},"animated":"1"})",
            u"animated"_s);
        // Location.
        row("latitude missing", R"({"kind":"location","longitude":1})", u"latitude"_s);
        row("latitude is a string", R"({"kind":"location","latitude":"55.7","longitude":1})", u"latitude"_s);
        row("latitude above 90", R"({"kind":"location","latitude":90.5,"longitude":1})", u"latitude"_s);
        row("latitude below -90", R"({"kind":"location","latitude":-91,"longitude":1})", u"latitude"_s);
        row("longitude above 180", R"({"kind":"location","latitude":0,"longitude":180.01})", u"longitude"_s);
        row("longitude below -180", R"({"kind":"location","latitude":0,"longitude":-200})", u"longitude"_s);
        row("negative accuracy", R"({"kind":"location","latitude":0,"longitude":0,"accuracy":-1})",
            u"accuracy"_s);
        row("venue title is an object", R"({"kind":"location","latitude":0,"longitude":0,"title":{}})",
            u"title"_s);
        // Contact.
        row("contact without name", R"({"kind":"contact","phone":"+1"})", u"display_name"_s);
        row("contact with empty name", R"({"kind":"contact","display_name":"","phone":"+1"})",
            u"display_name"_s);
        row("contact phone is a number", R"({"kind":"contact","display_name":"A","phone":79001234567})",
            u"phone"_s);
        row("contact without phone", R"({"kind":"contact","display_name":"A"})", u"phone"_s);
        // System and unsupported.
        row("system without code", R"({"kind":"system","text":"x"})", u"code"_s);
        row("system code with capitals", R"({"kind":"system","code":"Dialog.Opened","text":"x"})", u"code"_s);
        row("system params is an array", R"({"kind":"system","code":"a.b","params":[],"text":"x"})",
            u"params"_s);
        row("system without text", R"({"kind":"system","code":"a.b"})", u"text"_s);
        row("unsupported without type", R"({"kind":"unsupported","note":"x"})", u"provider_type"_s);
        row("unsupported type too long",
            R"({"kind":"unsupported","provider_type":")" + QByteArray(65, 'a') + R"("})", u"provider_type"_s);
        // Reply.
        row("reply_to is a number", R"({"kind":"text","text":"x","reply_to":41})", u"reply_to"_s);
        row("reply to id zero", R"({"kind":"text","text":"x","reply_to":{"message_id":0,"kind":"text"}})",
            u"reply_to.message_id"_s);
        row("reply to fractional id",
            R"({"kind":"text","text":"x","reply_to":{"message_id":4.5,"kind":"text"}})",
            u"reply_to.message_id"_s);
        row("reply to id as a string",
            R"({"kind":"text","text":"x","reply_to":{"message_id":"4","kind":"text"}})",
            u"reply_to.message_id"_s);
        row("reply to unknown kind", R"({"kind":"text","text":"x","reply_to":{"message_id":4,"kind":"gif"}})",
            u"reply_to.kind"_s);
        // Reactions.
        const QByteArray when = R"("at":"2025-01-10T08:15:02.331Z")";
        row("reactions is an object", R"({"kind":"text","text":"x","reactions":{}})", u"reactions"_s);
        row("reaction is a string", R"({"kind":"text","text":"x","reactions":["👍"]})", u"reactions[0]"_s);
        row("reaction of an unknown actor type",
            R"({"kind":"text","text":"x","reactions":[{"actor":"bot:1","emoji":"👍",)" + when + "}]}",
            u"reactions[0].actor"_s);
        row("reaction actor without id",
            R"({"kind":"text","text":"x","reactions":[{"actor":"user:","emoji":"👍",)" + when + "}]}",
            u"reactions[0].actor"_s);
        row("reaction actor with negative id",
            R"({"kind":"text","text":"x","reactions":[{"actor":"user:-3","emoji":"👍",)" + when + "}]}",
            u"reactions[0].actor"_s);
        row("reaction without emoji",
            R"({"kind":"text","text":"x","reactions":[{"actor":"user:3","emoji":"",)" + when + "}]}",
            u"reactions[0].emoji"_s);
        row("reaction with a bad time",
            R"({"kind":"text","text":"x","reactions":[{"actor":"user:3","emoji":"👍","at":"yesterday"}]})",
            u"reactions[0].at"_s);
        row("same reaction twice",
            R"({"kind":"text","text":"x","reactions":[{"actor":"user:3","emoji":"👍",)" + when +
                R"(},{"actor":"user:3","emoji":"👍",)" + when + "}]}",
            u"reactions[1]"_s);
        // Times.
        row("edited_at is not a time", R"({"kind":"text","text":"x","edited_at":"soon"})", u"edited_at"_s);
        row("edited_at without zone", R"({"kind":"text","text":"x","edited_at":"2025-01-10T08:15:02"})",
            u"edited_at"_s);
        row("edited_at date only", R"({"kind":"text","text":"x","edited_at":"2025-01-10"})", u"edited_at"_s);
        row("edited_at is a number", R"({"kind":"text","text":"x","edited_at":1736496902})", u"edited_at"_s);
        row("edited_at on 30 February", R"({"kind":"text","text":"x","edited_at":"2025-02-30T00:00:00Z"})",
            u"edited_at"_s);
        row("edited_at at hour 25", R"({"kind":"text","text":"x","edited_at":"2025-01-10T25:00:00Z"})",
            u"edited_at"_s);
        // Deletion and forwarding.
        row("deleted without deleted_at", R"({"kind":"text","deleted":true})", u"deleted_at"_s);
        row("deleted_at without deleted",
            R"({"kind":"text","text":"x","deleted_at":"2025-01-10T08:15:02.331Z"})", u"deleted"_s);
        row("deleted is a string", R"({"kind":"text","text":"x","deleted":"true"})", u"deleted"_s);
        row("forwarded_from is a string", R"({"kind":"text","text":"x","forwarded_from":"Bob"})",
            u"forwarded_from"_s);
        row("forwarded_from name is a number", R"({"kind":"text","text":"x","forwarded_from":{"name":1}})",
            u"forwarded_from.name"_s);
    }
    void badInputIsRefusedNamingTheField()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, field);
        const Expected<Content> decoded = fromJson<Content>(parse(json));
        QVERIFY2(!decoded.ok(), json.constData());
        QCOMPARE(decoded.error().field, field);
        QVERIFY(!decoded.error().message.isEmpty());
    }

    void bodyTypesDecodeOnTheirOwn()
    {
        const auto location = fromJson<Location>(parse(R"({"latitude":10,"longitude":20,"title":"Pier"})"));
        QVERIFY(location.ok());
        QCOMPARE(*location, (Location{10, 20, std::nullopt, u"Pier"_s, {}}));
        const auto file = fromJson<Attachment>(parse(R"({"state":"ready"})"));
        QVERIFY(!file.ok());
        QCOMPARE(file.error().field, u"id"_s);
        QCOMPARE(file.error().toString(), u"id: is required when the state is ready"_s);
    }

    void actorsAreWrittenAsTypeAndId()
    {
        QCOMPARE((Actor{Actor::Type::Subscriber, 42}).toString(), u"subscriber:42"_s);
        QCOMPARE(Actor::parse(u"user:7"), (Actor{Actor::Type::User, 7}));
        QVERIFY(!Actor::parse(u"user:07"));
        QVERIFY(!Actor::parse(u"user:9007199254740992"));
        QVERIFY(!Actor::parse(u"User:7"));
    }
};

QTEST_APPLESS_MAIN(TestContentJson)
#include "tst_content_json.moc"
