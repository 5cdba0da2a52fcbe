#include "core/JsonArgs.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using era::ArgSpec;

class TestJsonArgs : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void argumentsAreCheckedByType_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("problemField"); // empty: valid
        QTest::newRow("valid") << QByteArray(R"({"name":"a","n":3,"flag":true})") << QString();
        QTest::newRow("optional absent") << QByteArray(R"({"name":"a"})") << QString();
        QTest::newRow("missing required") << QByteArray(R"({"n":3})") << u"name"_s;
        QTest::newRow("string given a number") << QByteArray(R"({"name":5})") << u"name"_s;
        QTest::newRow("fractional integer") << QByteArray(R"({"name":"a","n":1.5})") << u"n"_s;
        QTest::newRow("bool given a string") << QByteArray(R"({"name":"a","flag":"yes"})") << u"flag"_s;
        QTest::newRow("unknown field") << QByteArray(R"({"name":"a","extra":1})") << u"extra"_s;
    }
    void argumentsAreCheckedByType()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, problemField);
        const auto args = QJsonDocument::fromJson(json).object();
        era::Status s = era::checkArgs(
            args, {{u"name"_s}, {u"n"_s, ArgSpec::Integer, false}, {u"flag"_s, ArgSpec::Bool, false}});
        QCOMPARE(s.ok(), problemField.isEmpty());
        if (!s) {
            QCOMPARE(s.error().code, u"bad_args"_s);
            QVERIFY2(s.error().message.startsWith(problemField + u':'), qPrintable(s.error().message));
        }
    }

    void bodiesMustBeOneJsonObject_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("ok");
        QTest::newRow("object") << QByteArray("{}") << true;
        QTest::newRow("array") << QByteArray("[]") << false;
        QTest::newRow("truncated") << QByteArray("{\"a\":") << false;
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("garbage") << QByteArray("\xff\xfe") << false;
    }
    void bodiesMustBeOneJsonObject()
    {
        QFETCH(QByteArray, body);
        QFETCH(bool, ok);
        auto r = era::parseJsonObject(body);
        QCOMPARE(r.ok(), ok);
        if (!ok)
            QCOMPARE(r.error().code, u"bad_json"_s);
    }
};

QTEST_GUILESS_MAIN(TestJsonArgs)
#include "tst_json_args.moc"
