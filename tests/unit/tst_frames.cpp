// The frames the server writes directly (api/ws/Frames) must be exactly what QJsonDocument writes for the
// same frame object, for every kind of id, result, error and event.
#include "api/ws/Frames.h"
#include "core/JsonText.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace era;

namespace {

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// Every character class JSON strings treat specially, and some that pass as they are.
QString awkwardText()
{
    QString s = u"quote \" backslash \\ slash / tab \t newline \n cr \r bs \b ff \f"_s;
    for (char16_t c = 0; c < 0x20; ++c)
        s += QChar(c);
    s += QChar(0x7f);
    s += u" cyrillic \u043f\u0440\u0438\u0432\u0435\u0442 emoji \U0001F600 bom \uFEFF ls \u2028"_s;
    return s;
}

} // namespace

class TestFrames : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void repliesAreWhatQJsonDocumentWrites_data()
    {
        QTest::addColumn<QJsonValue>("id");
        QTest::addColumn<QJsonObject>("result");
        const QJsonObject nested{{u"user"_s, QJsonObject{{u"id"_s, 7}, {u"name"_s, awkwardText()}}},
                                 {u"list"_s, QJsonArray{1, 2.5, true, QJsonValue::Null, u"x"_s}}};
        QTest::newRow("string id, empty result") << QJsonValue(u"42"_s) << QJsonObject{};
        QTest::newRow("awkward string id") << QJsonValue(awkwardText()) << nested;
        QTest::newRow("integer id") << QJsonValue(12345) << nested;
        QTest::newRow("large integer id") << QJsonValue(qint64(1) << 53) << QJsonObject{};
        QTest::newRow("fractional id") << QJsonValue(0.1) << QJsonObject{};
        QTest::newRow("negative id") << QJsonValue(-3) << QJsonObject{};
        QTest::newRow("bool id") << QJsonValue(true) << QJsonObject{};
        QTest::newRow("null id") << QJsonValue(QJsonValue::Null) << QJsonObject{};
        QTest::newRow("object id") << QJsonValue(QJsonObject{{u"a"_s, 1}}) << QJsonObject{};
        QTest::newRow("array id") << QJsonValue(QJsonArray{1, u"b"_s}) << QJsonObject{};
    }
    void repliesAreWhatQJsonDocumentWrites()
    {
        QFETCH(QJsonValue, id);
        QFETCH(QJsonObject, result);
        const QJsonObject expected{
            {u"type"_s, u"res"_s}, {u"id"_s, id}, {u"ok"_s, true}, {u"result"_s, result}};
        QCOMPARE(api::frames::reply(id, result), compact(expected));
    }

    void errorRepliesAreWhatQJsonDocumentWrites()
    {
        const Error error{u"bad_args"_s, awkwardText(), QJsonObject{{u"field"_s, u"name"_s}, {u"max"_s, 64}}};
        const QJsonObject expected{{u"type"_s, u"res"_s},
                                   {u"id"_s, u"c1"_s},
                                   {u"ok"_s, false},
                                   {u"error"_s, QJsonObject{{u"code"_s, error.code},
                                                            {u"message"_s, error.message},
                                                            {u"field"_s, u"name"_s},
                                                            {u"max"_s, 64}}}};
        QCOMPARE(api::frames::reply(u"c1"_s, Result<QJsonObject>(error)), compact(expected));
    }

    void eventsAreWhatQJsonDocumentWrites()
    {
        const QJsonObject data{{u"name"_s, awkwardText()}, {u"value"_s, QJsonArray{1, 2.5, false}}};
        Event e{9007199254740993, awkwardText(), {u"user:1"_s}, data, QDateTime::currentDateTimeUtc(), {}};
        const QByteArray expected =
            compact({{u"type"_s, u"event"_s}, {u"seq"_s, e.seq}, {u"name"_s, e.name}, {u"data"_s, e.data}});
        QCOMPARE(api::frames::event(e), expected); // data serialized now
        e.dataJson = compact(data);
        QCOMPARE(api::frames::event(e), expected); // data as the store wrote it
    }

    void theStoresTextOfTheDataIsUsedAsItIs()
    {
        // An event read back from the log carries the row's text; the frame embeds it without re-encoding.
        Event e{5, u"prefs.changed"_s, {u"user:1"_s}, QJsonObject{{u"value"_s, 1}}, {}, "{\"value\": 1}"};
        QCOMPARE(api::frames::event(e),
                 QByteArray(R"({"data":{"value": 1},"name":"prefs.changed","seq":5,"type":"event"})"));
    }

    void everyCharacterSurvivesAJsonString()
    {
        QString all;
        for (char32_t c = 1; c < 0x800; ++c)
            all += QChar(char16_t(c));
        all += awkwardText();
        QByteArray text = "[";
        appendJsonString(text, all);
        text += ']';
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(doc.array().at(0).toString(), all);
    }
};

QTEST_GUILESS_MAIN(TestFrames)
#include "tst_frames.moc"
