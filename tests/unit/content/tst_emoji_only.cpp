#include <QTest>
#include <era/content/EmojiOnly.h>

using namespace Qt::StringLiterals;
using era::content::isEmojiOnly;

class TestEmojiOnly : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void emojiOnlyTextIsRecognised_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("maxEmoji");
        QTest::addColumn<bool>("expected");

        // One emoji of each shape.
        QTest::newRow("grinning face") << u"😀"_s << 3 << true;
        QTest::newRow("thumbs up") << u"👍"_s << 3 << true;
        QTest::newRow("red heart with VS16") << u"\u2764\uFE0F"_s << 3 << true;
        QTest::newRow("skin tone") << u"👍\U0001F3FD"_s << 3 << true;
        QTest::newRow("waving hand, dark skin") << u"\U0001F44B\U0001F3FF"_s << 3 << true;
        QTest::newRow("family ZWJ") << u"\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466"_s << 1
                                    << true;
        QTest::newRow("woman technologist ZWJ") << u"\U0001F469\u200D\U0001F4BB"_s << 1 << true;
        QTest::newRow("health worker with VS16") << u"\U0001F9D1\U0001F3FD\u200D\u2695\uFE0F"_s << 1 << true;
        QTest::newRow("couple with heart and skin tones")
            << u"\U0001F469\U0001F3FB\u200D\u2764\uFE0F\u200D\U0001F468\U0001F3FF"_s << 1 << true;
        QTest::newRow("rainbow flag") << u"\U0001F3F3\uFE0F\u200D\U0001F308"_s << 1 << true;
        QTest::newRow("heart on fire") << u"\u2764\uFE0F\u200D\U0001F525"_s << 1 << true;
        QTest::newRow("keycap one") << u"1\uFE0F\u20E3"_s << 3 << true;
        QTest::newRow("keycap hash") << u"#\uFE0F\u20E3"_s << 3 << true;
        QTest::newRow("keycap star without VS16") << u"*\u20E3"_s << 3 << true;
        QTest::newRow("flag of Russia") << u"\U0001F1F7\U0001F1FA"_s << 1 << true;
        QTest::newRow("two flags") << u"\U0001F1F7\U0001F1FA\U0001F1FA\U0001F1F8"_s << 2 << true;
        QTest::newRow("flag of Scotland (tags)")
            << u"\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"_s << 1 << true;
        QTest::newRow("copyright with VS16") << u"\u00A9\uFE0F"_s << 3 << true;
        QTest::newRow("watch, emoji by default") << u"\u231A"_s << 3 << true;
        QTest::newRow("sparkles, emoji by default") << u"\u2728"_s << 3 << true;
        QTest::newRow("skin tone swatch alone") << u"\U0001F3FB"_s << 3 << true;
        QTest::newRow("emoji newer than the Unicode data") << u"\U0001FAE8"_s << 3 << true;

        // Counting and whitespace.
        QTest::newRow("three emoji") << u"😀😂🤣"_s << 3 << true;
        QTest::newRow("four emoji over the default") << u"😀😂🤣😍"_s << 3 << false;
        QTest::newRow("four emoji with a limit of four") << u"😀😂🤣😍"_s << 4 << true;
        QTest::newRow("spaces and newlines around") << u"  😀 \n 😂\t"_s << 3 << true;
        QTest::newRow("no-break space between") << u"😀\u00A0😂"_s << 3 << true;
        QTest::newRow("three families count three")
            << u"👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧"_s << 3 << true;
        QTest::newRow("two emoji over a limit of one") << u"😀😂"_s << 1 << false;

        // Not emoji-only.
        QTest::newRow("empty") << QString() << 3 << false;
        QTest::newRow("only whitespace") << u" \n\t "_s << 3 << false;
        QTest::newRow("letters") << u"ok"_s << 3 << false;
        QTest::newRow("emoji with a word") << u"😀 ok"_s << 3 << false;
        QTest::newRow("Cyrillic word") << u"привет"_s << 3 << false;
        QTest::newRow("plain digit") << u"1"_s << 3 << false;
        QTest::newRow("digit with VS16 but no keycap") << u"1\uFE0F"_s << 3 << false;
        QTest::newRow("hash") << u"#"_s << 3 << false;
        QTest::newRow("star") << u"*"_s << 3 << false;
        QTest::newRow("punctuation") << u"!?"_s << 3 << false;
        QTest::newRow("emoticon") << u":)"_s << 3 << false;
        QTest::newRow("copyright sign as text") << u"\u00A9"_s << 3 << false;
        QTest::newRow("trade mark sign as text") << u"\u2122"_s << 3 << false;
        QTest::newRow("heart without VS16 is text") << u"\u2764"_s << 3 << false;
        QTest::newRow("text presentation selector") << u"\u263A\uFE0E"_s << 3 << false;
        QTest::newRow("emoji forced to text") << u"\u231A\uFE0E"_s << 3 << false;
        QTest::newRow("lone regional indicator") << u"\U0001F1F7"_s << 3 << false;
        QTest::newRow("odd regional indicators") << u"\U0001F1F7\U0001F1FA\U0001F1FA"_s << 3 << false;
        QTest::newRow("tag sequence without cancel tag") << u"\U0001F3F4\U000E0067\U000E0062"_s << 3 << false;
        QTest::newRow("trailing joiner") << u"\U0001F468\u200D"_s << 3 << false;
        QTest::newRow("leading joiner") << u"\u200D\U0001F468"_s << 3 << false;
        QTest::newRow("joiner to a letter") << u"\U0001F468\u200Da"_s << 3 << false;
        QTest::newRow("lone surrogate") << QString(QChar(0xD83D)) << 3 << false;
        QTest::newRow("CJK ideograph") << u"字"_s << 3 << false;
        QTest::newRow("arrow as text") << u"\u2194"_s << 3 << false;
    }
    void emojiOnlyTextIsRecognised()
    {
        QFETCH(QString, text);
        QFETCH(int, maxEmoji);
        QFETCH(bool, expected);
        QCOMPARE(isEmojiOnly(text, maxEmoji), expected);
    }

    void defaultLimitIsThree()
    {
        QVERIFY(isEmojiOnly(u"😀😀😀"_s));
        QVERIFY(!isEmojiOnly(u"😀😀😀😀"_s));
    }
};

QTEST_APPLESS_MAIN(TestEmojiOnly)
#include "tst_emoji_only.moc"
