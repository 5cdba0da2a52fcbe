// How GET /api/v1/files/<id> sends a file: read off the network thread in chunks, a bounded amount ahead of
// the client, over plain HTTP and TLS, on both storage backends. Large files arrive whole, ranges across
// chunk boundaries, the server answers other requests while a read waits on the disk, a client that does not
// read holds a bounded amount in the server and gets the rest once it reads, a client that goes frees its
// download, and a read that fails mid-file closes the connection. The routes' other rules: tst_files_api.cpp.
#include "FilesTesting.h"
#include "accounts/AccountService.h"
#include "api/http/FilesApi.h"
#include "core/Metrics.h"
#include "files/FileReadRule.h"
#include "files/FileStore.h"
#include "storage/Database.h"
#include "storage/StorageTestBackend.h"

#include <QFile>
#include <QHttpServer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSemaphore>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QTemporaryDir>
#include <atomic>
#include <climits>

using namespace Qt::StringLiterals;
using era::api::FilesApi;

namespace {

constexpr qint64 kChunk = 64 * 1024;
constexpr int kAhead = 2;
constexpr qint64 kHighWater = 256 * 1024;

// Who may read what is tst_files_api's subject; here everyone reads everything.
class EveryoneMayRead final : public era::files::FileReadRule {
public:
    void mayRead(const era::accounts::Principal &, const QString &, QObject *,
                 std::function<void(era::Result<era::Done>)> done) override
    {
        done(era::Done{});
    }
};

// The disk as the tests want it: every read is counted, and reads past the first `freeReads` wait at the
// gate (on the reader's worker) until the test lets them through, as on a disk that does not answer.
struct ReadGate {
    std::atomic<int> reads{0};
    std::atomic<int> freeReads{INT_MAX};
    std::atomic<int> held{0}; // reads waiting at the gate now
    QSemaphore pass;

    void beforeRead(qint64)
    {
        if (reads.fetch_add(1) < freeReads)
            return;
        ++held;
        // Bounded, so that a broken build that reads on the network thread fails instead of hanging.
        pass.tryAcquire(1, 10000);
        --held;
    }
    void openAll()
    {
        freeReads = INT_MAX;
        pass.release(1000);
    }
};

// HTTP/1.1 on a socket of our own, to choose when the client reads and when it goes.
class RawClient {
public:
    bool connectTo(quint16 port, bool tls)
    {
        if (!tls) {
            m_socket.connectToHost(QHostAddress::LocalHost, port);
            return m_socket.waitForConnected(10000);
        }
        QObject::connect(&m_socket, &QSslSocket::sslErrors, &m_socket,
                         [this] { m_socket.ignoreSslErrors(); });
        m_socket.connectToHostEncrypted(u"127.0.0.1"_s, port);
        return QTest::qWaitFor([this] { return m_socket.isEncrypted(); }, 10000);
    }
    void get(const QString &path, const QString &token)
    {
        m_socket.write("GET " + path.toLatin1() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                       token.toLatin1() + "\r\n\r\n");
    }
    // Takes no more than `bytes` from the connection until read() (the kernel's buffers fill, then the
    // server's).
    void holdBack(qint64 bytes) { m_socket.setReadBufferSize(bytes); }
    // Reads all that comes from now on.
    void read()
    {
        m_socket.setReadBufferSize(0);
        QObject::connect(&m_socket, &QIODevice::readyRead, &m_socket,
                         [this] { m_received += m_socket.readAll(); });
        m_received += m_socket.readAll();
    }
    void abort() { m_socket.abort(); }
    bool connected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }

    bool headArrived() const { return m_received.contains("\r\n\r\n"); }
    QByteArray head() const { return m_received.first(qMax<qsizetype>(0, m_received.indexOf("\r\n\r\n"))); }
    qint64 contentLength() const
    {
        for (const QByteArray &line : head().split('\n'))
            if (line.toLower().startsWith("content-length:"))
                return line.mid(15).trimmed().toLongLong();
        return -1;
    }
    QByteArray body() const
    {
        return headArrived() ? m_received.sliced(m_received.indexOf("\r\n\r\n") + 4) : "";
    }

private:
    QSslSocket m_socket; // plain TCP unless connected encrypted
    QByteArray m_received;
};

} // namespace

class TestFileDownloads : public QObject {
    Q_OBJECT

    StorageTestBackend m_backend;
    QTemporaryDir m_certDir;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<era::storage::Database> m_db;
    std::unique_ptr<era::accounts::AccountService> m_accounts;
    std::unique_ptr<era::files::FileStore> m_store;
    EveryoneMayRead m_rule;
    std::shared_ptr<ReadGate> m_gate;
    std::unique_ptr<QHttpServer> m_http;
    std::unique_ptr<FilesApi> m_api;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    era::Metrics m_metrics;
    quint16 m_port = 0;
    bool m_tls = false;
    QString m_token;

    QString store(const QByteArray &bytes)
    {
        auto stored = waitFor<era::files::StoredFile>(
            [&](auto done) { m_store->put(bytes, u"f.bin"_s, bytes.size() + 1, this, done); });
        return stored ? stored->id : QString();
    }
    QString pathOf(const QString &id) const { return m_store->locate(id).value().path; }
    QUrl url(const QString &path) const
    {
        return QUrl(u"%1://127.0.0.1:%2%3"_s.arg(m_tls ? u"https"_s : u"http"_s).arg(m_port).arg(path));
    }
    // Starts a GET; the reply is the test manager's.
    QNetworkReply *get(const QString &path, const QByteArray &range = {})
    {
        QNetworkRequest request(url(path));
        request.setRawHeader("Authorization", "Bearer " + m_token.toLatin1());
        if (!range.isEmpty())
            request.setRawHeader("Range", range);
        QNetworkReply *reply = m_nam->get(request);
        connect(reply, &QNetworkReply::sslErrors, reply, [reply] { reply->ignoreSslErrors(); });
        return reply;
    }
    static bool finish(QNetworkReply *reply)
    {
        QSignalSpy finished(reply, &QNetworkReply::finished);
        return reply->isFinished() || finished.wait(30000);
    }
    static int status(QNetworkReply *reply)
    {
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }

private Q_SLOTS:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<bool>("tls");
        QTest::newRow("sqlite") << u"sqlite"_s << false;
        QTest::newRow("postgres") << u"postgres"_s << false;
        QTest::newRow("sqlite, tls") << u"sqlite"_s << true;
        QTest::newRow("postgres, tls") << u"postgres"_s << true;
    }
    void initTestCase()
    {
        QVERIFY(m_certDir.isValid());
        QProcess openssl;
        openssl.start(u"openssl"_s,
                      {u"req"_s, u"-x509"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s,
                       u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s, u"-days"_s, u"1"_s, u"-subj"_s,
                       u"/CN=127.0.0.1"_s, u"-keyout"_s, m_certDir.filePath(u"key.pem"_s), u"-out"_s,
                       m_certDir.filePath(u"cert.pem"_s)});
        QVERIFY(openssl.waitForFinished(60000));
        QCOMPARE(openssl.exitCode(), 0);
    }
    void init()
    {
        QFETCH_GLOBAL(bool, tls);
        m_tls = tls;
        m_backend.prepare();
        m_db = m_backend.openDatabase();
        QVERIFY(m_db);

        era::accounts::AccountService::Options accountOptions;
        accountOptions.hashCost = {1, 8192};
        m_accounts = std::make_unique<era::accounts::AccountService>(*m_db, accountOptions);
        const QString password = u"a long enough test password 42"_s;
        ERA_VERIFY_OK(
            m_accounts->createUserNow({u"olga"_s, u"Olga"_s, era::accounts::Role::Operator, password}));
        auto login = waitFor<era::accounts::AccountService::Login>(
            [&](auto done) { m_accounts->login(u"olga"_s, password, u"127.0.0.1"_s, this, done); });
        ERA_VERIFY_OK(login);
        m_token = login->token;

        m_dir = std::make_unique<QTemporaryDir>();
        auto store = era::files::FileStore::create(*m_db, {m_dir->filePath(u"files"_s)});
        ERA_VERIFY_OK(store);
        m_store = std::move(store).value();

        m_gate = std::make_shared<ReadGate>();
        FilesApi::Options options;
        options.reading.chunkBytes = kChunk;
        options.reading.aheadChunks = kAhead;
        options.reading.beforeRead = [gate = m_gate](qint64 offset) { gate->beforeRead(offset); };
        options.socketHighWaterBytes = kHighWater;
        m_http = std::make_unique<QHttpServer>();
        m_http->route(u"/healthz"_s, [] { return u"ok"_s; });
        if (m_tls) {
            QFile cert(m_certDir.filePath(u"cert.pem"_s));
            QFile key(m_certDir.filePath(u"key.pem"_s));
            QVERIFY(cert.open(QIODevice::ReadOnly) && key.open(QIODevice::ReadOnly));
            m_http->sslSetup(QSslCertificate(&cert), QSslKey(&key, QSsl::Ec));
        }
        m_api = std::make_unique<FilesApi>(*m_http, *m_accounts, *m_store, m_rule, m_metrics, options);
        m_port = m_http->listen(QHostAddress::LocalHost, 0);
        QVERIFY(m_port != 0);
        m_nam = std::make_unique<QNetworkAccessManager>();
    }
    void cleanup()
    {
        if (m_gate)
            m_gate->openAll(); // before the API waits for its reads
        m_nam.reset();
        m_api.reset();
        m_http.reset();
        m_store.reset();
        m_accounts.reset();
        m_db.reset();
        m_dir.reset();
        m_backend.cleanup();
    }

    void aFileLargerThanTheReadWindowArrivesWholeWithItsLength()
    {
        const QByteArray bytes = randomBytes(6 * 1024 * 1024 + 123);
        const QString id = store(bytes);
        QNetworkReply *reply = get(u"/api/v1/files/"_s + id);
        QVERIFY(finish(reply));
        QCOMPARE(status(reply), 200);
        QCOMPARE(reply->rawHeader("Content-Length"), QByteArray::number(bytes.size()));
        QVERIFY(reply->readAll() == bytes);
        QCOMPARE(m_gate->reads.load(), int((bytes.size() + kChunk - 1) / kChunk)); // each byte read once
        QTRY_COMPARE(m_api->downloads().inProgress, 0);
    }

    void anEmptyFileIsAnEmptyBody()
    {
        const QString id = store(QByteArray());
        QNetworkReply *reply = get(u"/api/v1/files/"_s + id);
        QVERIFY(finish(reply));
        QCOMPARE(status(reply), 200);
        QCOMPARE(reply->rawHeader("Content-Length"), QByteArray("0"));
        QVERIFY(reply->readAll().isEmpty());
        QTRY_COMPARE(m_api->downloads().inProgress, 0);
    }

    void rangesAcrossChunkBoundariesAreExact_data()
    {
        QTest::addColumn<QByteArray>("range");
        QTest::addColumn<qint64>("first");
        QTest::addColumn<qint64>("last");
        QTest::newRow("within the first chunk") << QByteArray("bytes=10-20") << qint64(10) << qint64(20);
        QTest::newRow("across one boundary")
            << QByteArray("bytes=65530-65545") << qint64(65530) << qint64(65545);
        QTest::newRow("one chunk's worth, from a boundary")
            << QByteArray("bytes=65536-131071") << qint64(65536) << qint64(131071);
        QTest::newRow("one chunk's worth, off the boundaries")
            << QByteArray("bytes=1000-66535") << qint64(1000) << qint64(66535);
        QTest::newRow("across several chunks")
            << QByteArray("bytes=1000-250000") << qint64(1000) << qint64(250000);
        QTest::newRow("from a boundary to the end")
            << QByteArray("bytes=196608-") << qint64(196608) << qint64(299999);
        QTest::newRow("the last bytes") << QByteArray("bytes=-70000") << qint64(230000) << qint64(299999);
    }
    void rangesAcrossChunkBoundariesAreExact()
    {
        QFETCH(QByteArray, range);
        QFETCH(qint64, first);
        QFETCH(qint64, last);
        const QByteArray bytes = randomBytes(300'000);
        const QString id = store(bytes);
        QNetworkReply *reply = get(u"/api/v1/files/"_s + id, range);
        QVERIFY(finish(reply));
        QCOMPARE(status(reply), 206);
        QCOMPARE(reply->rawHeader("Content-Range"),
                 "bytes " + QByteArray::number(first) + '-' + QByteArray::number(last) + "/300000");
        QCOMPARE(reply->rawHeader("Content-Length"), QByteArray::number(last - first + 1));
        QVERIFY(reply->readAll() == bytes.sliced(first, last - first + 1));
    }

    void otherRequestsAreAnsweredWhileAReadWaitsOnTheDisk()
    {
        const QByteArray bytes = randomBytes(4 * kChunk);
        const QString id = store(bytes);
        m_gate->freeReads = 1; // the second read hangs until the gate opens
        QNetworkReply *download = get(u"/api/v1/files/"_s + id);
        QTRY_COMPARE_WITH_TIMEOUT(m_gate->held.load(), 1, 20000);

        QNetworkReply *health = get(u"/healthz"_s);
        QVERIFY(finish(health));
        QCOMPARE(status(health), 200);
        QCOMPARE(m_gate->held.load(), 1); // answered while the read still waits
        QVERIFY(!download->isFinished());

        m_gate->openAll();
        QVERIFY(finish(download));
        QCOMPARE(status(download), 200);
        QVERIFY(download->readAll() == bytes);
    }

    void aClientThatDoesNotReadHoldsAtMostTheThresholdAndTheWindowInTheServer()
    {
        const QByteArray bytes = randomBytes(16 * 1024 * 1024);
        const QString id = store(bytes);
        RawClient client;
        QVERIFY(client.connectTo(m_port, m_tls));
        client.holdBack(16 * 1024);
        client.get(u"/api/v1/files/"_s + id, m_token);

        // Either the download waits for the client, or (without backpressure) it has put everything into
        // the socket already.
        const auto &downloads = m_api->downloads();
        QTRY_VERIFY_WITH_TIMEOUT(downloads.waitingForClient == 1 || m_gate->reads * kChunk >= bytes.size(),
                                 30000);
        // The socket's unsent bytes stay under the threshold before each write of a chunk; the reader holds
        // its window. TLS adds a few bytes per record of 16 KiB.
        const qint64 bound = kHighWater + kChunk + kAhead * kChunk + 4096;
        QVERIFY2(downloads.peakHeldBytes <= bound,
                 qPrintable(u"held %1 bytes, more than %2"_s.arg(downloads.peakHeldBytes).arg(bound)));
        QCOMPARE(downloads.waitingForClient, 1);
        QVERIFY(m_gate->reads * kChunk < bytes.size());
    }

    void aClientThatReadsLateGetsEveryByte()
    {
        const QByteArray bytes = randomBytes(16 * 1024 * 1024);
        const QString id = store(bytes);
        RawClient client;
        QVERIFY(client.connectTo(m_port, m_tls));
        client.holdBack(16 * 1024);
        client.get(u"/api/v1/files/"_s + id, m_token);
        QTRY_COMPARE_WITH_TIMEOUT(m_api->downloads().waitingForClient, 1, 30000);

        client.read();
        QTRY_VERIFY_WITH_TIMEOUT(client.headArrived() && client.body().size() >= bytes.size(), 60000);
        QVERIFY(client.head().startsWith("HTTP/1.1 200"));
        QCOMPARE(client.contentLength(), bytes.size());
        QVERIFY(client.body() == bytes);
        QTRY_COMPARE(m_api->downloads().inProgress, 0);
        QCOMPARE(m_api->downloads().waitingForClient, 0);
    }

    void aClientThatGoesMidDownloadFreesItsDownloadAndStopsTheReads()
    {
        const QByteArray bytes = randomBytes(16 * kChunk);
        const QString id = store(bytes);
        m_gate->freeReads = 3; // the fourth read hangs, so the client goes while a read is in flight
        RawClient client;
        QVERIFY(client.connectTo(m_port, m_tls));
        client.read();
        client.get(u"/api/v1/files/"_s + id, m_token);
        QTRY_VERIFY_WITH_TIMEOUT(client.body().size() >= 2 * kChunk, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(m_gate->held.load(), 1, 20000);
        QCOMPARE(m_api->downloads().inProgress, 1);

        client.abort();
        QTRY_COMPARE(m_api->downloads().inProgress, 0); // freed while its read is still in flight
        m_gate->openAll();
        QTRY_COMPARE(m_gate->held.load(), 0);
        QNetworkReply *health = get(u"/healthz"_s); // the read's late result has had its turn
        QVERIFY(finish(health));
        QCOMPARE(m_gate->reads.load(), 4);
    }

    void aReadThatFailsMidFileClosesTheConnection()
    {
        const QByteArray bytes = randomBytes(16 * kChunk);
        const QString id = store(bytes);
        m_gate->freeReads = 2;
        RawClient client;
        QVERIFY(client.connectTo(m_port, m_tls));
        client.read();
        client.get(u"/api/v1/files/"_s + id, m_token);
        QTRY_COMPARE_WITH_TIMEOUT(m_gate->held.load(), 1, 20000);

        QVERIFY(QFile::resize(pathOf(id), 100'000)); // the third read (from byte 131072) finds no bytes
        m_gate->openAll();
        QTRY_VERIFY_WITH_TIMEOUT(!client.connected(), 20000);
        QCOMPARE(client.contentLength(), bytes.size());
        QVERIFY(client.body().size() < bytes.size());
        QTRY_COMPARE(m_api->downloads().inProgress, 0);
    }

    void aFileMissingOnDiskWhenFirstReadIs404()
    {
        const QString id = store(randomBytes(1000));
        m_gate->freeReads = 0;
        QNetworkReply *reply = get(u"/api/v1/files/"_s + id);
        QTRY_COMPARE_WITH_TIMEOUT(m_gate->held.load(), 1, 20000);
        QVERIFY(QFile::remove(pathOf(id)));
        m_gate->openAll();
        QVERIFY(finish(reply));
        QCOMPARE(status(reply), 404);
        const QJsonObject error =
            QJsonDocument::fromJson(reply->readAll()).object().value(u"error"_s).toObject();
        QCOMPARE(error.value(u"code"_s).toString(), u"not_found"_s);
        QTRY_COMPARE(m_api->downloads().inProgress, 0);
    }
};

QTEST_GUILESS_MAIN(TestFileDownloads)
#include "tst_file_downloads.moc"
