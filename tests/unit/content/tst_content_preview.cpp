#include <QTest>
#include <era/content/Preview.h>

using namespace Qt::StringLiterals;
using namespace era::content;

Q_DECLARE_METATYPE(era::content::Content)

namespace {

Content of(Body body)
{
    Content c;
    c.body = std::move(body);
    return c;
}

Attachment named(const QString &fileName, std::optional<int> duration = std::nullopt)
{
    Attachment a;
    a.fileName = fileName;
    a.durationSeconds = duration;
    return a;
}

} // namespace

class TestContentPreview : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void previewIsOneShortLine_data()
    {
        QTest::addColumn<Content>("content");
        QTest::addColumn<int>("maxChars");
        QTest::addColumn<QString>("expected");

        QTest::newRow("text") << of(Text::of(u"Hello"_s)) << 40 << u"Hello"_s;
        QTest::newRow("text whitespace collapsed")
            << of(Text::of(u"  one\n\ntwo\tthree "_s)) << 40 << u"one two three"_s;
        QTest::newRow("long text ellipsized") << of(Text::of(u"abcdefghijklmnop"_s)) << 8 << u"abcdefg…"_s;
        QTest::newRow("text exactly at the limit") << of(Text::of(u"abcdefgh"_s)) << 8 << u"abcdefgh"_s;
        QTest::newRow("no limit") << of(Text::of(u"abcdefghijklmnop"_s)) << 0 << u"abcdefghijklmnop"_s;
        QTest::newRow("cut does not split a surrogate pair") << of(Text::of(u"ab😀cd"_s)) << 4 << u"ab…"_s;
        QTest::newRow("cut does not split a family")
            << of(Text::of(u"a👨‍👩‍👧 and more"_s)) << 8 << u"a…"_s;
        QTest::newRow("cut drops trailing space") << of(Text::of(u"abc defgh"_s)) << 5 << u"abc…"_s;
        QTest::newRow("photo") << of(Image{}) << 40 << u"📷 Photo"_s;
        QTest::newRow("photo with caption") << of(Image{{}, u"Our shop"_s}) << 40 << u"📷 Our shop"_s;
        QTest::newRow("video") << of(Video{}) << 40 << u"🎥 Video"_s;
        QTest::newRow("audio by file name") << of(Audio{named(u"track.mp3"_s), {}}) << 40 << u"🎵 track.mp3"_s;
        QTest::newRow("voice with duration")
            << of(Voice{named({}, 75), {}}) << 40 << u"🎤 Voice message 1:15"_s;
        QTest::newRow("voice without duration") << of(Voice{}) << 40 << u"🎤 Voice message"_s;
        QTest::newRow("document by file name")
            << of(Document{named(u"report.pdf"_s), {}}) << 40 << u"📎 report.pdf"_s;
        QTest::newRow("document caption wins")
            << of(Document{named(u"report.pdf"_s), u"Q3"_s}) << 40 << u"📎 Q3"_s;
        QTest::newRow("document without name") << of(Document{}) << 40 << u"📎 Document"_s;
        QTest::newRow("sticker with emoji") << of(Sticker{{}, u"😀"_s, false, false}) << 40 << u"😀 Sticker"_s;
        QTest::newRow("sticker without emoji") << of(Sticker{}) << 40 << u"Sticker"_s;
        QTest::newRow("location") << of(Location{1, 2, std::nullopt, {}, {}}) << 40 << u"📍 Location"_s;
        QTest::newRow("venue") << of(Location{1, 2, std::nullopt, u"Cafe Singer"_s, u"Nevsky 28"_s}) << 40
                               << u"📍 Cafe Singer"_s;
        QTest::newRow("contact") << of(Contact{u"Anna"_s, u"+7900"_s, {}, {}}) << 40 << u"👤 Anna"_s;
        QTest::newRow("system") << of(System{u"dialog.opened"_s, {}, u"Dialog opened"_s}) << 40
                                << u"Dialog opened"_s;
        QTest::newRow("unsupported") << of(Unsupported{u"telegram.poll"_s, u"A poll"_s}) << 40
                                     << u"⚠️ Unsupported message"_s;
        QTest::newRow("deleted") << markedDeleted(of(Text::of(u"secret"_s)), QDateTime::currentDateTimeUtc())
                                 << 40 << u"Message deleted"_s;
        QTest::newRow("long caption ellipsized")
            << of(Image{{}, u"A very long caption indeed"_s}) << 10 << u"📷 A very…"_s;
    }
    void previewIsOneShortLine()
    {
        QFETCH(Content, content);
        QFETCH(int, maxChars);
        QFETCH(QString, expected);
        const QString preview = plainPreview(content, maxChars);
        QCOMPARE(preview, expected);
        if (maxChars > 0)
            QVERIFY(preview.size() <= maxChars);
    }
};

QTEST_APPLESS_MAIN(TestContentPreview)
#include "tst_content_preview.moc"
