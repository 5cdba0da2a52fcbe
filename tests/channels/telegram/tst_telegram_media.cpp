// Customers' Telegram files downloaded by the MediaFetcher through the TelegramConnector from the Bot API
// emulator, on both storage backends: passing faults (5xx, 429, no connection, no answer) keep the file
// pending and are tried again with backoff until it is ready or the attempts run out; a wrong file and a file
// over the cap end at once.
#include "StorageTestBackend.h"
#include "channels/telegram/TelegramConnector.h"
#include "channels/telegram/TelegramParse.h"
#include "dialogs/IngestService.h"
#include "dialogs/MediaFetcher.h"
#include "files/FileStore.h"
#include "storage/Database.h"

#include <FakeTelegram.h>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using era::channels::TelegramConnector;
using era::channels::TelegramSettings;
using era::dialogs::IngestService;
using era::dialogs::MediaFetcher;

namespace {

const QString kToken = u"123456789:AAEraTestTokenForTheFakeTelegram_x"_s;

// Fast backoff so that a test waits milliseconds where the server waits seconds.
MediaFetcher::Options fastRetries(int maxAttempts = 5)
{
    MediaFetcher::Options o;
    o.maxBytes = 1024 * 1024;
    o.initialBackoffMs = 10;
    o.maxBackoffMs = 40;
    o.maxAttempts = maxAttempts;
    return o;
}

QByteArray pictureBytes()
{
    QByteArray bytes("\x89PNG\r\n\x1a\n", 8);
    for (int i = 0; i < 300; ++i)
        bytes += char(i % 251);
    return bytes;
}

} // namespace

class TelegramMediaTest : public QObject {
    Q_OBJECT
    StorageTestBackend m_backend;
    std::unique_ptr<era::storage::Database> m_db;
    std::unique_ptr<QTemporaryDir> m_filesDir;
    std::unique_ptr<era::files::FileStore> m_files;
    std::unique_ptr<IngestService> m_ingest;
    std::unique_ptr<FakeTelegram> m_fake;
    std::unique_ptr<TelegramConnector> m_connector;
    std::unique_ptr<MediaFetcher> m_fetcher;
    qint64 m_channel = 0;
    FakeTelegram::Customer m_customer;

    TelegramSettings settings(const QUrl &apiBaseUrl, int requestTimeoutMs = 5000) const
    {
        TelegramSettings s;
        s.token = kToken;
        s.apiBaseUrl = apiBaseUrl;
        s.requestTimeoutMs = requestTimeoutMs;
        return s;
    }

    void useConnector(const TelegramSettings &s, const MediaFetcher::Options &options)
    {
        m_fetcher.reset();
        m_connector = std::make_unique<TelegramConnector>(s);
        m_fetcher = std::make_unique<MediaFetcher>(
            *m_db, *m_files,
            [this](qint64 channelId) { return channelId == m_channel ? m_connector.get() : nullptr; },
            options);
    }

    // Stores what the customer sent, as ingest does, and returns the id of the message with the attachment.
    qint64 receive(const QJsonObject &update)
    {
        const auto parsed = era::channels::telegram::parseUpdate(update);
        std::optional<era::Result<IngestService::Outcome>> result;
        m_ingest->ingest(m_channel, parsed.events, {}, this,
                         [&](era::Result<IngestService::Outcome> r) { result = r; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 10000) || !*result ||
            (*result)->pendingMedia.isEmpty())
            return 0;
        return (*result)->pendingMedia.first();
    }

    QJsonObject fileOf(qint64 messageId)
    {
        auto r = m_db->readSync<QString>([&](era::storage::Connection &c) -> era::Result<QString> {
            auto rows = c.exec(u"SELECT content FROM messages WHERE id = $1"_s, {messageId});
            if (!rows)
                return rows.error();
            return rows->isEmpty() ? QString() : rows->at(0, 0).toString();
        });
        return QJsonDocument::fromJson(r ? r->toUtf8() : QByteArray()).object().value(u"file"_s).toObject();
    }

    QByteArray storedBytes(const QString &fileId)
    {
        const auto located = m_files->locate(fileId);
        if (!located)
            return {};
        QFile f(located->path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    qint64 photo(const QByteArray &bytes, qint64 declaredSize = -1)
    {
        FakeTelegram::Media media;
        media.bytes = bytes;
        media.declaredSize = declaredSize;
        return receive(m_fake->injectPhoto(kToken, m_customer, media));
    }

private Q_SLOTS:
    void initTestCase_data() { StorageTestBackend::addBackendRows(); }
    void init()
    {
        m_backend.prepare();
        m_db = m_backend.openDatabase();
        QVERIFY(m_db);
        auto id = m_db->writeSync<qint64>([](era::storage::WriteTx &tx) -> era::Result<qint64> {
            auto r = tx.exec(u"INSERT INTO channels (kind, name, settings, created_at, updated_at) "
                             "VALUES ('telegram', 'Support bot', '{}', 0, 0) RETURNING id"_s);
            if (!r)
                return r.error();
            return r->at(0, 0).toLongLong();
        });
        ERA_VERIFY_OK(id);
        m_channel = *id;
        m_filesDir = std::make_unique<QTemporaryDir>();
        era::files::FileStore::Options fileOptions;
        fileOptions.root = m_filesDir->path();
        auto files = era::files::FileStore::create(*m_db, fileOptions);
        ERA_VERIFY_OK(files);
        m_files = std::move(*files);
        m_ingest = std::make_unique<IngestService>(*m_db);
        m_fake = std::make_unique<FakeTelegram>();
        QVERIFY(m_fake->listen());
        m_fake->addBot(kToken, u"era_support_bot"_s);
        m_customer.id = 100000001;
        m_fake->addChat(kToken, m_customer);
        useConnector(settings(m_fake->baseUrl()), fastRetries());
    }
    void cleanup()
    {
        m_fetcher.reset();
        m_connector.reset();
        m_fake.reset();
        m_ingest.reset();
        m_files.reset();
        m_filesDir.reset();
        m_db.reset();
        m_backend.cleanup();
    }

    void passingFaultsAreRetriedUntilTheFileIsReady_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<int>("status");
        QTest::newRow("getFile 500") << u"getFile"_s << 500;
        QTest::newRow("getFile 502") << u"getFile"_s << 502;
        QTest::newRow("getFile 429") << u"getFile"_s << 429;
        QTest::newRow("download 500") << u"download"_s << 500;
        QTest::newRow("download 503") << u"download"_s << 503;
        QTest::newRow("download 429") << u"download"_s << 429;
        QTest::newRow("download 408") << u"download"_s << 408;
    }
    void passingFaultsAreRetriedUntilTheFileIsReady()
    {
        QFETCH(QString, fault);
        QFETCH(int, status);
        if (fault == u"getFile"_s)
            m_fake->failNext(u"getFile"_s, 3, status);
        else
            m_fake->failNextDownloads(3, status);
        QSignalSpy retries(m_fetcher.get(), &MediaFetcher::retryScheduled);
        QSignalSpy finished(m_fetcher.get(), &MediaFetcher::finished);
        QStringList statesWhileWaiting;
        connect(m_fetcher.get(), &MediaFetcher::retryScheduled, this, [&](qint64 messageId) {
            statesWhileWaiting.append(fileOf(messageId).value(u"state"_s).toString());
        });
        const QByteArray bytes = pictureBytes();
        const qint64 message = photo(bytes);
        QVERIFY(message > 0);
        m_fetcher->fetch(message);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        QCOMPARE(retries.size(), 3);
        QCOMPARE(statesWhileWaiting, QStringList(3, u"pending"_s)); // never failed meanwhile
        QCOMPARE(retries.at(2).at(1).toInt(), 3);                   // the attempt that failed
        QCOMPARE(finished.first().at(1).toString(), u"ready"_s);
        const QJsonObject file = fileOf(message);
        QCOMPARE(file.value(u"state"_s).toString(), u"ready"_s);
        QVERIFY(!file.contains(u"reason"_s));
        QCOMPARE(storedBytes(file.value(u"id"_s).toString()), bytes);
    }

    void theFileFailsWithTheReasonWhenTheAttemptsRunOut_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("reason");
        QTest::newRow("500 every time") << u"faulty"_s << u"Internal Server Error"_s;
        QTest::newRow("connection refused") << u"closed"_s << u"getFile failed"_s;
        QTest::newRow("no answer") << u"silent"_s << u"getFile failed"_s;
    }
    void theFileFailsWithTheReasonWhenTheAttemptsRunOut()
    {
        QFETCH(QString, provider);
        QFETCH(QString, reason);
        QTcpServer silent; // accepts connections and never answers: each try ends in the request timeout
        QUrl base = m_fake->baseUrl();
        if (provider == u"faulty"_s) {
            m_fake->failNext(u"getFile"_s, 100, 500);
        } else if (provider == u"closed"_s) {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            base.setPort(probe.serverPort()); // closed again when probe goes out of scope
        } else {
            QVERIFY(silent.listen(QHostAddress::LocalHost));
            base.setPort(silent.serverPort());
        }
        useConnector(settings(base, 200), fastRetries(3));
        QSignalSpy retries(m_fetcher.get(), &MediaFetcher::retryScheduled);
        QSignalSpy finished(m_fetcher.get(), &MediaFetcher::finished);
        const qint64 message = photo(pictureBytes());
        QVERIFY(message > 0);
        m_fetcher->fetch(message);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QCOMPARE(finished.first().at(1).toString(), u"failed"_s);
        QCOMPARE(retries.size(), 2); // the third failure is the last
        const QJsonObject file = fileOf(message);
        QCOMPARE(file.value(u"state"_s).toString(), u"failed"_s);
        const QString why = file.value(u"reason"_s).toString();
        QVERIFY2(why.startsWith(u"gave up after 3 attempts: "_s) && why.contains(reason), qPrintable(why));
    }

    void aWrongFileFailsAtOnce_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::newRow("unknown file_id (getFile 400)") << u"unknown"_s;
        QTest::newRow("getFile 404") << u"getFile 404"_s;
        QTest::newRow("download 404") << u"download 404"_s;
    }
    void aWrongFileFailsAtOnce()
    {
        QFETCH(QString, fault);
        QJsonObject update;
        if (fault == u"unknown"_s) {
            const QJsonObject document{{u"file_id"_s, u"BQACAgIAAxkBAAnotAfileTheEmulatorKnows"_s},
                                       {u"file_unique_id"_s, u"AgADx1"_s},
                                       {u"file_name"_s, u"gone.pdf"_s},
                                       {u"file_size"_s, 1000}};
            update = m_fake->injectMessage(kToken, m_customer, {{u"document"_s, document}});
        } else {
            if (fault == u"getFile 404"_s)
                m_fake->failNext(u"getFile"_s, 1, 404, u"Not Found"_s);
            else
                m_fake->failNextDownloads(1, 404);
            FakeTelegram::Media media;
            media.bytes = pictureBytes();
            update = m_fake->injectPhoto(kToken, m_customer, media);
        }
        QSignalSpy retries(m_fetcher.get(), &MediaFetcher::retryScheduled);
        QSignalSpy finished(m_fetcher.get(), &MediaFetcher::finished);
        const qint64 message = receive(update);
        QVERIFY(message > 0);
        m_fetcher->fetch(message);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        QCOMPARE(finished.first().at(1).toString(), u"failed"_s);
        QCOMPARE(retries.size(), 0);
        QCOMPARE(m_fake->calls(u"getFile"_s).size(), 1);
        QVERIFY(!fileOf(message).value(u"reason"_s).toString().isEmpty());
    }

    void aFileOverTheCapIsTooLargeAtOnce_data()
    {
        QTest::addColumn<qint64>("declaredSize");
        QTest::addColumn<qint64>("cap");
        QTest::newRow("over the Bot API's 20 MB (getFile refuses)") << qint64(30 * 1024 * 1024) << qint64(-1);
        QTest::newRow("over our cap") << qint64(-1) << qint64(100);
    }
    void aFileOverTheCapIsTooLargeAtOnce()
    {
        QFETCH(qint64, declaredSize);
        QFETCH(qint64, cap);
        MediaFetcher::Options options = fastRetries();
        if (cap > 0)
            options.maxBytes = cap;
        else
            options.maxBytes = 100 * 1024 * 1024;
        useConnector(settings(m_fake->baseUrl()), options);
        QSignalSpy retries(m_fetcher.get(), &MediaFetcher::retryScheduled);
        QSignalSpy finished(m_fetcher.get(), &MediaFetcher::finished);
        const int downloadsBefore = m_fake->downloadCount();
        const qint64 message = photo(pictureBytes(), declaredSize);
        QVERIFY(message > 0);
        m_fetcher->fetch(message);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        QCOMPARE(finished.first().at(1).toString(), u"too_large"_s);
        QCOMPARE(retries.size(), 0);
        QCOMPARE(m_fake->downloadCount(), downloadsBefore); // the size was known before any byte came
        const QJsonObject file = fileOf(message);
        QCOMPARE(file.value(u"state"_s).toString(), u"too_large"_s);
        QVERIFY(!file.value(u"reason"_s).toString().isEmpty());
        QVERIFY(!file.contains(u"id"_s));
    }

    void resumeFetchesWhatARestartLeftPendingAndLeavesWaitingRetriesAlone()
    {
        // Stored before a "restart": no fetcher saw it.
        const QByteArray first = pictureBytes();
        const qint64 left = photo(first);
        QVERIFY(left > 0);
        QSignalSpy finished(m_fetcher.get(), &MediaFetcher::finished);
        m_fetcher->resume();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        QCOMPARE(finished.first().at(0).toLongLong(), left);
        QCOMPARE(fileOf(left).value(u"state"_s).toString(), u"ready"_s);

        // A file waiting for its retry is not fetched a second time by resume().
        MediaFetcher::Options slow = fastRetries();
        slow.initialBackoffMs = 400;
        useConnector(settings(m_fake->baseUrl()), slow);
        QSignalSpy retries(m_fetcher.get(), &MediaFetcher::retryScheduled);
        QSignalSpy done(m_fetcher.get(), &MediaFetcher::finished);
        m_fake->clearCalls();
        m_fake->failNext(u"getFile"_s, 1, 500);
        QByteArray second = pictureBytes();
        second += "second";
        const qint64 waiting = photo(second);
        QVERIFY(waiting > 0);
        m_fetcher->fetch(waiting);
        QTRY_COMPARE_WITH_TIMEOUT(retries.size(), 1, 5000);
        m_fetcher->resume();
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 5000);
        QCOMPARE(done.first().at(1).toString(), u"ready"_s);
        QCOMPARE(m_fake->calls(u"getFile"_s).size(), 2); // the failed try and the retry, nothing else
        QCOMPARE(storedBytes(fileOf(waiting).value(u"id"_s).toString()), second);
    }
};

QTEST_GUILESS_MAIN(TelegramMediaTest)
#include "tst_telegram_media.moc"
