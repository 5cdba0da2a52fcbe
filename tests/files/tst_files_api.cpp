// The file routes through the real HTTP stack (QHttpServer on loopback) on both storage backends: upload and
// download, Range, caching headers, thumbnails, who may read an upload, and the refusals (401, 400, 403, 404,
// 413, 415, 416). Files in dialogs: tests/e2e/tst_file_access.cpp.
#include "FilesTesting.h"
#include "accounts/AccountService.h"
#include "api/http/FilesApi.h"
#include "core/Metrics.h"
#include "dialogs/FileAccess.h"
#include "files/FileStore.h"
#include "queues/QueueService.h"
#include "storage/Database.h"
#include "storage/StorageTestBackend.h"

#include <QBuffer>
#include <QHttpServer>
#include <QImageReader>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using era::api::FilesApi;
using era::api::RangeRequest;

struct Answer {
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QNetworkReply *raw = nullptr; // for headers; deleted with the test's manager
    QByteArray header(const char *name) const { return raw ? raw->rawHeader(name) : QByteArray(); }
};

class TestFilesApi : public QObject {
    Q_OBJECT
    static constexpr qint64 kMaxBytes = 2 * 1024 * 1024;

    StorageTestBackend m_backend;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<era::storage::Database> m_db;
    std::unique_ptr<era::accounts::AccountService> m_accounts;
    std::unique_ptr<era::files::FileStore> m_store;
    std::unique_ptr<era::queues::QueueService> m_queues;
    std::unique_ptr<era::dialogs::FileAccess> m_access;
    std::unique_ptr<QHttpServer> m_http;
    std::unique_ptr<FilesApi> m_api;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    era::Metrics m_metrics;
    quint16 m_port = 0;
    QString m_token;     // olga, an operator: the one who uploads unless a test says otherwise
    QString m_petrToken; // another operator
    QString m_saraToken; // a supervisor

    Answer send(const QByteArray &method, const QString &path, const QByteArray &body = {},
                const QList<std::pair<QByteArray, QByteArray>> &headers = {}, bool withToken = true)
    {
        QNetworkRequest request(QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(path)));
        if (withToken)
            request.setRawHeader("Authorization", "Bearer " + m_token.toLatin1());
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        if (method == "POST")
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("text/plain")); // ignored
        QNetworkReply *reply = m_nam->sendCustomRequest(request, method, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished() && !finished.wait(20000))
            qWarning("no answer to %s %s", method.constData(), qPrintable(path));
        Answer a;
        a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        a.body = reply->readAll();
        a.json = QJsonDocument::fromJson(a.body).object();
        a.raw = reply;
        return a;
    }
    // The same request with another user's token.
    Answer sendAs(const QString &token, const QByteArray &method, const QString &path,
                  const QByteArray &body = {})
    {
        return send(method, path, body, {{"Authorization", "Bearer " + token.toLatin1()}}, false);
    }
    QString signIn(const QString &login, era::accounts::Role role)
    {
        const QString password = u"a long enough test password 42"_s;
        auto user = m_accounts->createUserNow({login, login, role, password});
        if (!user)
            return {};
        auto signedIn = waitFor<era::accounts::AccountService::Login>(
            [&](auto done) { m_accounts->login(login, password, u"127.0.0.1"_s, this, done); });
        return signedIn ? signedIn->token : QString();
    }
    QString upload(const QByteArray &bytes, const QByteArray &name = "a.bin")
    {
        Answer a = send("POST", u"/api/v1/files"_s, bytes, {{"X-File-Name", name}});
        if (a.status != 201)
            qWarning("upload answered %d: %s", a.status, a.body.constData());
        return a.json.value(u"id"_s).toString();
    }

private Q_SLOTS:
    void initTestCase_data() { StorageTestBackend::addBackendRows(); }
    void init()
    {
        m_backend.prepare();
        m_db = m_backend.openDatabase();
        QVERIFY(m_db);

        era::accounts::AccountService::Options accountOptions;
        accountOptions.hashCost = {1, 8192};
        m_accounts = std::make_unique<era::accounts::AccountService>(*m_db, accountOptions);
        m_token = signIn(u"olga"_s, era::accounts::Role::Operator);
        m_petrToken = signIn(u"petr"_s, era::accounts::Role::Operator);
        m_saraToken = signIn(u"sara"_s, era::accounts::Role::Supervisor);
        QVERIFY(!m_token.isEmpty() && !m_petrToken.isEmpty() && !m_saraToken.isEmpty());

        m_dir = std::make_unique<QTemporaryDir>();
        auto store = era::files::FileStore::create(*m_db, {m_dir->filePath(u"files"_s)});
        ERA_VERIFY_OK(store);
        m_store = std::move(store).value();

        m_queues = std::make_unique<era::queues::QueueService>(*m_db, era::queues::QueueService::Options{});
        ERA_VERIFY_OK(m_queues->load());
        m_access = std::make_unique<era::dialogs::FileAccess>(*m_db, *m_queues);
        m_http = std::make_unique<QHttpServer>();
        m_api = std::make_unique<FilesApi>(*m_http, *m_accounts, *m_store, *m_access, m_metrics,
                                           FilesApi::Options{kMaxBytes, 320});
        m_port = m_http->listen(QHostAddress::LocalHost, 0);
        QVERIFY(m_port != 0);
        m_nam = std::make_unique<QNetworkAccessManager>();
    }
    void cleanup()
    {
        m_nam.reset();
        m_api.reset();
        m_http.reset();
        m_access.reset();
        m_queues.reset();
        m_store.reset();
        m_accounts.reset();
        m_db.reset();
        m_dir.reset();
        m_backend.cleanup();
    }

    void uploadedBytesComeBackWithTheirType()
    {
        const QByteArray png = pngBytes({120, 90});
        Answer up = send("POST", u"/api/v1/files"_s, png, {{"X-File-Name", "holiday%20photo.txt"}});
        QCOMPARE(up.status, 201);
        QCOMPARE(up.json.value(u"id"_s).toString(), sha256Hex(png));
        QCOMPARE(up.json.value(u"size"_s).toInteger(), png.size());
        QCOMPARE(up.json.value(u"mime"_s).toString(), u"image/png"_s);
        QCOMPARE(up.json.value(u"name"_s).toString(), u"holiday photo.txt"_s);

        const QString id = up.json.value(u"id"_s).toString();
        Answer down = send("GET", u"/api/v1/files/"_s + id);
        QCOMPARE(down.status, 200);
        QCOMPARE(down.body, png);
        QCOMPARE(down.header("Content-Type"), QByteArray("image/png"));
        QCOMPARE(down.header("Content-Length"), QByteArray::number(png.size()));
        QCOMPARE(down.header("ETag"), '"' + id.toLatin1() + '"');
        QVERIFY(down.header("Cache-Control").contains("private"));
        QVERIFY(down.header("Cache-Control").contains("immutable"));
        QCOMPARE(down.header("Accept-Ranges"), QByteArray("bytes"));
        QCOMPARE(down.header("X-Content-Type-Options"), QByteArray("nosniff"));
    }

    void largeFileRoundTrips()
    {
        const QByteArray bytes = randomBytes(1'500'000);
        const QString id = upload(bytes);
        QCOMPARE(id, sha256Hex(bytes));
        Answer down = send("GET", u"/api/v1/files/"_s + id);
        QCOMPARE(down.status, 200);
        QCOMPARE(down.header("Content-Type"), QByteArray("application/octet-stream"));
        QCOMPARE(down.header("Content-Disposition"), QByteArray("attachment"));
        QVERIFY(down.body == bytes);
    }

    void rangeAnswersPartialContent_data()
    {
        QTest::addColumn<QByteArray>("range");
        QTest::addColumn<qint64>("first");
        QTest::addColumn<qint64>("last");
        QTest::newRow("a-b") << QByteArray("bytes=0-9") << qint64(0) << qint64(9);
        QTest::newRow("middle") << QByteArray("bytes=100000-200000") << qint64(100000) << qint64(200000);
        QTest::newRow("a-") << QByteArray("bytes=299990-") << qint64(299990) << qint64(299999);
        QTest::newRow("-n") << QByteArray("bytes=-5") << qint64(299995) << qint64(299999);
        QTest::newRow("past the end is clamped")
            << QByteArray("bytes=299000-999999") << qint64(299000) << qint64(299999);
    }
    void rangeAnswersPartialContent()
    {
        QFETCH(QByteArray, range);
        QFETCH(qint64, first);
        QFETCH(qint64, last);
        const QByteArray bytes = randomBytes(300'000);
        const QString id = upload(bytes);
        Answer a = send("GET", u"/api/v1/files/"_s + id, {}, {{"Range", range}});
        QCOMPARE(a.status, 206);
        QCOMPARE(a.header("Content-Range"),
                 "bytes " + QByteArray::number(first) + '-' + QByteArray::number(last) + "/300000");
        QCOMPARE(a.header("Content-Length"), QByteArray::number(last - first + 1));
        QVERIFY(a.body == bytes.sliced(first, last - first + 1));
    }

    void unsatisfiableRangeIs416_data()
    {
        QTest::addColumn<QByteArray>("range");
        QTest::newRow("starts past the end") << QByteArray("bytes=1000-");
        QTest::newRow("empty suffix") << QByteArray("bytes=-0");
    }
    void unsatisfiableRangeIs416()
    {
        QFETCH(QByteArray, range);
        const QString id = upload(randomBytes(1000));
        Answer a = send("GET", u"/api/v1/files/"_s + id, {}, {{"Range", range}});
        QCOMPARE(a.status, 416);
        QCOMPARE(a.header("Content-Range"), QByteArray("bytes */1000"));
    }

    void malformedOrMultipleRangesGetTheWholeFile()
    {
        const QByteArray bytes = randomBytes(1000);
        const QString id = upload(bytes);
        for (const QByteArray &range : {QByteArray("bytes=0-1,5-6"), QByteArray("items=0-1"),
                                        QByteArray("bytes=9-3"), QByteArray("bytes=x-")}) {
            Answer a = send("GET", u"/api/v1/files/"_s + id, {}, {{"Range", range}});
            QCOMPARE(a.status, 200);
            QVERIFY(a.body == bytes);
        }
    }

    void knownEtagIsNotModified()
    {
        const QString id = upload(randomBytes(500));
        Answer a = send("GET", u"/api/v1/files/"_s + id, {}, {{"If-None-Match", '"' + id.toLatin1() + '"'}});
        QCOMPARE(a.status, 304);
        QVERIFY(a.body.isEmpty());
    }

    void withoutAValidTokenIs401_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("authorization");
        QTest::newRow("upload, no token") << QByteArray("POST") << QByteArray();
        QTest::newRow("upload, bad token") << QByteArray("POST") << QByteArray("Bearer nope");
        QTest::newRow("download, no token") << QByteArray("GET") << QByteArray();
        QTest::newRow("download, bad token") << QByteArray("GET") << QByteArray("Bearer nope");
    }
    void withoutAValidTokenIs401()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, authorization);
        const QString id = upload(randomBytes(100));
        QList<std::pair<QByteArray, QByteArray>> headers;
        if (!authorization.isEmpty())
            headers.append({"Authorization", authorization});
        Answer a = method == "POST" ? send(method, u"/api/v1/files"_s, "bytes", headers, false)
                                    : send(method, u"/api/v1/files/"_s + id, {}, headers, false);
        QCOMPARE(a.status, 401);
        QVERIFY(!a.json.value(u"error"_s).toObject().value(u"code"_s).toString().isEmpty());
    }

    void overTheCapIs413AndNothingIsStored()
    {
        Answer a = send("POST", u"/api/v1/files"_s, randomBytes(kMaxBytes + 1));
        QCOMPARE(a.status, 413);
        QCOMPARE(a.json.value(u"error"_s).toObject().value(u"code"_s).toString(), u"too_large"_s);
        QCOMPARE(a.json.value(u"error"_s).toObject().value(u"max_bytes"_s).toInteger(), kMaxBytes);
        QStringList stored = filesUnder(m_store->root());
        QCOMPARE(stored, QStringList());
    }

    void badIdIs400AndUnknownIdIs404_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<int>("status");
        QTest::newRow("short") << u"abc"_s << 400;
        QTest::newRow("not hex") << QString(64, u'z') << 400;
        QTest::newRow("dots") << u"..%2F..%2Fera.db"_s << 404; // matches no route
        QTest::newRow("unknown") << QString(64, u'0') << 404;
    }
    void badIdIs400AndUnknownIdIs404()
    {
        QFETCH(QString, id);
        QFETCH(int, status);
        Answer a = send("GET", u"/api/v1/files/"_s + id);
        QCOMPARE(a.status, status);
    }

    void anUploadIsReadByItsUploaderAndStaffOnly_data()
    {
        QTest::addColumn<QString>("query");
        QTest::newRow("file") << QString();
        QTest::newRow("thumbnail") << u"?thumbnail=1"_s;
    }
    void anUploadIsReadByItsUploaderAndStaffOnly()
    {
        QFETCH(QString, query);
        const QString id = upload(pngBytes({64, 48}), "mine.png");
        const QString path = u"/api/v1/files/"_s + id + query;
        QCOMPARE(send("GET", path).status, 200);
        QCOMPARE(sendAs(m_saraToken, "GET", path).status, 200);
        const Answer refused = sendAs(m_petrToken, "GET", path);
        QCOMPARE(refused.status, 403);
        const QJsonObject error = refused.json.value(u"error"_s).toObject();
        QCOMPARE(error.value(u"code"_s).toString(), u"forbidden"_s);
        QVERIFY2(error.value(u"message"_s).toString().contains(id),
                 qPrintable(error.value(u"message"_s).toString()));
        QVERIFY(!refused.body.contains("PNG"));
    }

    void theSameBytesUploadedByTwoUsersAreReadByBoth()
    {
        const QByteArray bytes = randomBytes(2000);
        const QString id = upload(bytes);
        QCOMPARE(sendAs(m_petrToken, "GET", u"/api/v1/files/"_s + id).status, 403);
        const Answer again = sendAs(m_petrToken, "POST", u"/api/v1/files"_s, bytes);
        QCOMPARE(again.status, 201);
        QCOMPARE(again.json.value(u"id"_s).toString(), id);
        const Answer down = sendAs(m_petrToken, "GET", u"/api/v1/files/"_s + id);
        QCOMPARE(down.status, 200);
        QVERIFY(down.body == bytes);
        QCOMPARE(send("GET", u"/api/v1/files/"_s + id).status, 200);
    }

    void anUnknownIdIs404ForEveryRole()
    {
        const QString unknown = QString(64, u'a');
        for (const QString &token : {m_token, m_petrToken, m_saraToken}) {
            const Answer a = sendAs(token, "GET", u"/api/v1/files/"_s + unknown);
            QCOMPARE(a.status, 404);
            QCOMPARE(a.json.value(u"error"_s).toObject().value(u"code"_s).toString(), u"not_found"_s);
            QCOMPARE(sendAs(token, "GET", u"/api/v1/files/%1?thumbnail=1"_s.arg(unknown)).status, 404);
        }
    }

    void thumbnailIsAJpegOf320AtMost()
    {
        const QString id = upload(pngBytes({800, 600}), "big.png");
        Answer a = send("GET", u"/api/v1/files/%1?thumbnail=1"_s.arg(id));
        QCOMPARE(a.status, 200);
        QCOMPARE(a.header("Content-Type"), QByteArray("image/jpeg"));
        QBuffer buffer(&a.body);
        buffer.open(QIODevice::ReadOnly);
        QImageReader reader(&buffer);
        QCOMPARE(reader.format(), QByteArray("jpeg"));
        QCOMPARE(reader.size(), QSize(320, 240));
        QVERIFY(a.header("ETag") != '"' + id.toLatin1() + '"'); // the thumbnail's own id
    }

    void thumbnailOfANonImageIs415()
    {
        const QString id = upload(pdfBytes(), "doc.pdf");
        Answer a = send("GET", u"/api/v1/files/%1?thumbnail=1"_s.arg(id));
        QCOMPARE(a.status, 415);
        QCOMPARE(a.json.value(u"error"_s).toObject().value(u"code"_s).toString(),
                 u"unsupported_media_type"_s);
    }

    void rangeHeaderIsParsed_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<qint64>("size");
        QTest::addColumn<int>("kind");
        QTest::addColumn<qint64>("first");
        QTest::addColumn<qint64>("last");
        QTest::newRow("absent") << QByteArray() << qint64(10) << int(RangeRequest::Whole) << qint64(0)
                                << qint64(-1);
        QTest::newRow("a-b") << QByteArray("bytes=2-4") << qint64(10) << int(RangeRequest::Partial)
                             << qint64(2) << qint64(4);
        QTest::newRow("spaces") << QByteArray(" bytes= 2 - 4 ") << qint64(10) << int(RangeRequest::Partial)
                                << qint64(2) << qint64(4);
        QTest::newRow("suffix longer than file")
            << QByteArray("bytes=-50") << qint64(10) << int(RangeRequest::Partial) << qint64(0) << qint64(9);
        QTest::newRow("empty file") << QByteArray("bytes=0-") << qint64(0) << int(RangeRequest::Unsatisfiable)
                                    << qint64(0) << qint64(-1);
        QTest::newRow("negative") << QByteArray("bytes=-1-2") << qint64(10) << int(RangeRequest::Whole)
                                  << qint64(0) << qint64(-1);
        QTest::newRow("plus sign") << QByteArray("bytes=+1-2") << qint64(10) << int(RangeRequest::Whole)
                                   << qint64(0) << qint64(-1);
    }
    void rangeHeaderIsParsed()
    {
        QFETCH(QByteArray, header);
        QFETCH(qint64, size);
        QFETCH(int, kind);
        QFETCH(qint64, first);
        QFETCH(qint64, last);
        const RangeRequest r = era::api::parseRange(header, size);
        QCOMPARE(int(r.kind), kind);
        if (r.kind == RangeRequest::Partial) {
            QCOMPARE(r.first, first);
            QCOMPARE(r.last, last);
        }
    }
};

QTEST_GUILESS_MAIN(TestFilesApi)
#include "tst_files_api.moc"
