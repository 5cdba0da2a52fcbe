// A customer's files through the real server and the Telegram emulator, on both storage backends: a file
// Telegram cannot give for a while is fetched once Telegram recovers, a file over the cap and a wrong one end
// at once, and the operator sees each state in dialog.history.
#include "ConversationTest.h"

using namespace Qt::StringLiterals;
using e2e::pngBytes;
using e2e::Token;

class TestMediaDownloads : public e2e::ConversationTest {
    Q_OBJECT

    // The customer's first message opens the dialog, which the operator accepts.
    qint64 openDialog()
    {
        m_telegram->injectText(Token, m_customer, u"Сейчас пришлю файл"_s);
        return acceptNextOffer();
    }

    // The newest message's file once it is no longer pending (empty if it stays pending).
    QJsonObject settledFile(qint64 dialog, int messages, int timeoutMs = 15000)
    {
        QJsonObject file;
        const bool settled = QTest::qWaitFor(
            [&] {
                const QJsonArray h = history(dialog);
                if (h.size() != messages)
                    return false;
                file = h.at(0).toObject().value(u"content"_s).toObject().value(u"file"_s).toObject();
                return !file.isEmpty() && file.value(u"state"_s) != u"pending"_s;
            },
            timeoutMs);
        return settled ? file : QJsonObject();
    }

    // The attachment states the operator was told about in message.updated events.
    QStringList announcedStates() const
    {
        QStringList states;
        for (const QJsonObject &f : std::as_const(m_operator->frames))
            if (f.value(u"name"_s) == u"message.updated"_s)
                states.append(f.value(u"data"_s)
                                  .toObject()
                                  .value(u"message"_s)
                                  .toObject()
                                  .value(u"content"_s)
                                  .toObject()
                                  .value(u"file"_s)
                                  .toObject()
                                  .value(u"state"_s)
                                  .toString());
        return states;
    }

private Q_SLOTS:
    void initTestCase_data() { StorageTestBackend::addBackendRows(); }
    void init() { start(); }
    void cleanup() { stop(); }

    void aFileTelegramCannotGiveForAWhileArrivesOnceItRecovers_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::newRow("getFile 500") << u"getFile"_s;
        QTest::newRow("download 502") << u"download"_s;
    }
    void aFileTelegramCannotGiveForAWhileArrivesOnceItRecovers()
    {
        QFETCH(QString, fault);
        setUpChannel();
        const qint64 dialog = openDialog();
        QVERIFY(dialog > 0);
        // Two failures: the fetcher waits about 1 s, then about 2 s (docs/files.md), and the third try works.
        if (fault == u"getFile"_s)
            m_telegram->failNext(u"getFile"_s, 2, 500);
        else
            m_telegram->failNextDownloads(2, 502);
        const QByteArray png = pngBytes();
        FakeTelegram::Media photo;
        photo.bytes = png;
        photo.caption = u"Чек"_s;
        m_telegram->injectPhoto(Token, m_customer, photo);
        const QJsonObject file = settledFile(dialog, 2);
        QCOMPARE(file.value(u"state"_s).toString(), u"ready"_s);
        QCOMPARE(download(file.value(u"id"_s).toString()), png);
        QCOMPARE(m_telegram->calls(u"getFile"_s).size(), 3);
        QCOMPARE(announcedStates(), QStringList{u"ready"_s}); // never shown as failed on the way
    }

    void aFileOverTheCapIsTooLargeInTheHistory_data()
    {
        QTest::addColumn<qint64>("declaredSize");
        QTest::addColumn<int>("channelCap");
        QTest::newRow("over Telegram's 20 MB") << qint64(30 * 1024 * 1024) << 0;
        QTest::newRow("over the channel's max_media_bytes") << qint64(5000) << 4096;
    }
    void aFileOverTheCapIsTooLargeInTheHistory()
    {
        QFETCH(qint64, declaredSize);
        QFETCH(int, channelCap);
        setUpChannel(channelCap > 0 ? QJsonObject{{u"max_media_bytes"_s, channelCap}} : QJsonObject());
        const qint64 dialog = openDialog();
        QVERIFY(dialog > 0);
        FakeTelegram::Media big;
        big.bytes = QByteArray("PK\x03\x04", 4);
        big.fileName = u"backup.zip"_s;
        big.declaredSize = declaredSize;
        m_telegram->injectDocument(Token, m_customer, big);
        const QJsonObject file = settledFile(dialog, 2);
        QCOMPARE(file.value(u"state"_s).toString(), u"too_large"_s);
        QVERIFY2(!file.value(u"reason"_s).toString().isEmpty(), QJsonDocument(file).toJson().constData());
        QVERIFY(!file.contains(u"id"_s));
        QCOMPARE(file.value(u"name"_s).toString(), u"backup.zip"_s);
        QCOMPARE(file.value(u"size"_s).toInteger(), declaredSize);
        QCOMPARE(m_telegram->calls(u"getFile"_s).size(), 1); // not tried again
        QCOMPARE(m_telegram->downloadCount(), 0);
        QCOMPARE(announcedStates(), QStringList{u"too_large"_s});
    }

    void aFileTelegramDoesNotKnowFailsAtOnceWithTheReason()
    {
        setUpChannel();
        const qint64 dialog = openDialog();
        QVERIFY(dialog > 0);
        const QJsonObject document{{u"file_id"_s, u"BQACAgIAAxkBAAnotAfileTheEmulatorKnows"_s},
                                   {u"file_unique_id"_s, u"AgADx1"_s},
                                   {u"file_name"_s, u"gone.pdf"_s},
                                   {u"file_size"_s, 1000}};
        m_telegram->injectMessage(Token, m_customer, {{u"document"_s, document}});
        const QJsonObject file = settledFile(dialog, 2, 5000);
        QCOMPARE(file.value(u"state"_s).toString(), u"failed"_s);
        QVERIFY2(file.value(u"reason"_s).toString().contains(u"invalid file_id"_s),
                 QJsonDocument(file).toJson().constData());
        QCOMPARE(m_telegram->calls(u"getFile"_s).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestMediaDownloads)
#include "tst_media_downloads.moc"
