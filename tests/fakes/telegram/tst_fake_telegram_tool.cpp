// era-fake-telegram as a person uses it: every line typed into the running tool reaches the bot as the Update
// Telegram would send, files read from the given paths (checked through getUpdates, getFile and the
// download).
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

static const QString Token = u"123456789:AAFakeEraTelegramToken"_s;

class TestFakeTelegramTool : public QObject {
    Q_OBJECT
    QProcess m_tool;
    QByteArray m_output;
    QUrl m_base;
    QNetworkAccessManager m_nam;
    QTemporaryDir m_dir;

    QByteArray get(const QUrl &url)
    {
        QNetworkReply *reply = m_nam.get(QNetworkRequest(url));
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!reply->isFinished() && !done.wait(10000))
            return {};
        reply->deleteLater();
        return reply->readAll();
    }

    QJsonObject call(const QString &method, const QString &query = {})
    {
        QUrl url = m_base;
        url.setPath(u"/bot"_s + Token + u'/' + method);
        url.setQuery(query);
        return QJsonDocument::fromJson(get(url)).object();
    }

    // Types a line and returns the message of the Update it made (empty when it made none).
    QJsonObject type(const QString &line)
    {
        m_tool.write(line.toUtf8() + '\n');
        QJsonArray updates;
        const bool made = QTest::qWaitFor(
            [&] {
                updates = call(u"getUpdates"_s, u"timeout=0"_s).value(u"result"_s).toArray();
                return updates.size() > m_seen;
            },
            5000);
        if (!made)
            return {};
        m_seen = updates.size();
        return updates.last().toObject().value(u"message"_s).toObject();
    }
    qsizetype m_seen = 0; // updates so far (none is confirmed, so getUpdates returns them all)

    QString writeFile(const QString &name, const QByteArray &bytes)
    {
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(bytes);
        return f.fileName();
    }

    // The bytes behind a file_id, as the bot downloads them.
    QByteArray fileBytes(const QString &fileId)
    {
        const QString path = call(u"getFile"_s, u"file_id="_s + fileId)
                                 .value(u"result"_s)
                                 .toObject()
                                 .value(u"file_path"_s)
                                 .toString();
        QUrl url = m_base;
        url.setPath(u"/file/bot"_s + Token + u'/' + path);
        return path.isEmpty() ? QByteArray() : get(url);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_tool.setProgram(QStringLiteral(ERA_FAKE_TELEGRAM_TOOL));
        m_tool.setArguments({u"--port"_s, u"0"_s, u"--token"_s, Token});
        m_tool.start();
        QVERIFY(m_tool.waitForStarted(10000));
        static const QRegularExpression at(u"emulator at (http://\\S+)"_s);
        QTRY_VERIFY_WITH_TIMEOUT(
            at.match(QString::fromUtf8(m_output += m_tool.readAllStandardOutput())).hasMatch(), 10000);
        m_base = QUrl(at.match(QString::fromUtf8(m_output)).captured(1));
        QVERIFY(m_base.port() > 0);
    }
    void cleanupTestCase()
    {
        m_tool.write("/quit\n");
        if (!m_tool.waitForFinished(5000))
            m_tool.kill();
    }

    void everyMediaCommandSendsItsFile_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QString>("field");
        QTest::newRow("sticker") << u"/sticker"_s << u"hello.webp"_s << u"sticker"_s;
        QTest::newRow("voice") << u"/voice"_s << u"note.ogg"_s << u"voice"_s;
        QTest::newRow("audio") << u"/audio"_s << u"song.mp3"_s << u"audio"_s;
        QTest::newRow("video") << u"/video"_s << u"clip.mp4"_s << u"video"_s;
        QTest::newRow("photo") << u"/photo"_s << u"picture.png"_s << u"photo"_s;
        QTest::newRow("document") << u"/doc"_s << u"notes.txt"_s << u"document"_s;
    }
    void everyMediaCommandSendsItsFile()
    {
        QFETCH(QString, command);
        QFETCH(QString, fileName);
        QFETCH(QString, field);
        const QByteArray bytes = "bytes of " + fileName.toUtf8() + QByteArray(100, '.');
        const QString path = writeFile(fileName, bytes);
        const QJsonObject message = type(command + u' ' + path);
        QVERIFY2(message.contains(field), QJsonDocument(message).toJson().constData());
        const QJsonValue media = message.value(field);
        const QJsonObject file = media.isArray() ? media.toArray().last().toObject() : media.toObject();
        QCOMPARE(fileBytes(file.value(u"file_id"_s).toString()), bytes);
    }

    void aStickerStandsForTheEmojiTyped()
    {
        const QString path = writeFile(u"smile.webp"_s, "RIFF....WEBPVP8 ");
        QCOMPARE(
            type(u"/sticker "_s + path + u" 😀"_s).value(u"sticker"_s).toObject().value(u"emoji"_s).toString(),
            u"😀"_s);
    }

    void placesAndDiceAreSent()
    {
        const QJsonObject venue = type(u"/venue 59.9386 30.3141 Пункт выдачи"_s).value(u"venue"_s).toObject();
        QCOMPARE(venue.value(u"title"_s).toString(), u"Пункт выдачи"_s);
        QCOMPARE(venue.value(u"location"_s).toObject().value(u"latitude"_s).toDouble(), 59.9386);
        const QJsonObject dice = type(u"/dice"_s).value(u"dice"_s).toObject();
        QCOMPARE(dice.value(u"emoji"_s).toString(), u"🎲"_s);
        QVERIFY(dice.value(u"value"_s).toInt() >= 1 && dice.value(u"value"_s).toInt() <= 6);
    }
};

QTEST_GUILESS_MAIN(TestFakeTelegramTool)
#include "tst_fake_telegram_tool.moc"
