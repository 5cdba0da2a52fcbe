#include "core/Config.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using era::Config;

class TestConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void defaultsApplyWhenNothingIsGiven()
    {
        QTemporaryDir dir;
        auto c = Config::load({u"era-server"_s, u"--data_dir="_s + dir.path()}, QProcessEnvironment());
        QVERIFY2(c, qPrintable(c ? QString() : c.error().message));
        QCOMPARE(c->integer(u"http.port"_s), 8080);
        QCOMPARE(c->string(u"database.url"_s), u"sqlite:"_s + dir.path() + u"/era.db"_s);
    }

    void flagBeatsEnvironmentBeatsFileBeatsDefault_data()
    {
        QTest::addColumn<bool>("file");
        QTest::addColumn<bool>("env");
        QTest::addColumn<bool>("flag");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("default") << false << false << false << qint64(8080);
        QTest::newRow("file") << true << false << false << qint64(1001);
        QTest::newRow("env over file") << true << true << false << qint64(1002);
        QTest::newRow("flag over all") << true << true << true << qint64(1003);
    }
    void flagBeatsEnvironmentBeatsFileBeatsDefault()
    {
        QFETCH(bool, file);
        QFETCH(bool, env);
        QFETCH(bool, flag);
        QFETCH(qint64, expected);
        QTemporaryDir dir;
        if (file) {
            QFile f(dir.filePath(u"era.conf"_s));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("# comment\n\nhttp.port = 1001\n");
        }
        QProcessEnvironment e;
        if (env)
            e.insert(u"ERA_HTTP_PORT"_s, u"1002"_s);
        QStringList args{u"era-server"_s, u"--data_dir"_s, dir.path()};
        if (flag)
            args << u"--http.port=1003"_s;
        auto c = Config::load(args, e);
        QVERIFY2(c, qPrintable(c ? QString() : c.error().message));
        QCOMPARE(c->integer(u"http.port"_s), expected);
    }

    void badInputIsRejectedWithTheReason_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("fileText");
        QTest::addColumn<QString>("expectedCode");
        QTest::newRow("non-numeric flag")
            << QStringList{u"--http.port=abc"_s} << QString() << u"config_bad_value"_s;
        QTest::newRow("negative") << QStringList{u"--ws.idle_timeout=-5"_s} << QString()
                                  << u"config_bad_value"_s;
        QTest::newRow("unknown key in file") << QStringList{} << u"nope = 1\n"_s << u"config_unknown_key"_s;
        QTest::newRow("line without =") << QStringList{} << u"http.port 80\n"_s << u"config_bad_line"_s;
        QTest::newRow("bad log level")
            << QStringList{u"--log.level=loud"_s} << QString() << u"config_bad_value"_s;
        QTest::newRow("cert without key")
            << QStringList{u"--tls.cert=/x.pem"_s} << QString() << u"config_bad_value"_s;
        QTest::newRow("flag missing value")
            << QStringList{u"--http.port"_s} << QString() << u"config_bad_value"_s;
    }
    void badInputIsRejectedWithTheReason()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, fileText);
        QFETCH(QString, expectedCode);
        QTemporaryDir dir;
        if (!fileText.isEmpty()) {
            QFile f(dir.filePath(u"era.conf"_s));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(fileText.toUtf8());
        }
        auto c = Config::load(QStringList{u"era-server"_s, u"--data_dir="_s + dir.path()} + args,
                              QProcessEnvironment());
        QVERIFY(!c);
        QCOMPARE(c.error().code, expectedCode);
        QVERIFY(!c.error().message.isEmpty());
    }

    void wordsThatAreNotSettingsArePositional()
    {
        auto c = Config::load({u"era-server"_s, u"user"_s, u"add"_s, u"bob"_s, u"--role"_s, u"admin"_s},
                              QProcessEnvironment());
        QVERIFY(c);
        QCOMPARE(c->positional(), (QStringList{u"user"_s, u"add"_s, u"bob"_s, u"--role"_s, u"admin"_s}));
    }

    void helpListsEveryKeyWithItsEnvironmentName()
    {
        const QString help = Config::helpText();
        for (const era::ConfigKey &k : Config::keys()) {
            QVERIFY2(help.contains(u"--"_s + k.key), qPrintable(k.key));
            QVERIFY2(help.contains(Config::envName(k.key)), qPrintable(k.key));
        }
        QCOMPARE(Config::envName(u"ws.idle_timeout"_s), u"ERA_WS_IDLE_TIMEOUT"_s);
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
