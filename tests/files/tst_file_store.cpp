// The content-addressed store on both storage backends: addresses and dedupe, type sniffing, the size cap
// (nothing left behind), crash leftovers, streaming, and JPEG thumbnails.
#include "FilesTesting.h"
#include "files/FileStore.h"
#include "storage/Database.h"
#include "storage/StorageTestBackend.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImageReader>
#include <QProcess>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using era::Result;
using era::files::FileStore;
using era::files::OpenedFile;
using era::files::StoredFile;

class TestFileStore : public QObject {
    Q_OBJECT
    StorageTestBackend m_backend;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<era::storage::Database> m_db;
    std::unique_ptr<FileStore> m_store;

    QString root() const { return m_dir->filePath(u"files"_s); }

    Result<StoredFile> put(const QByteArray &bytes, const QString &name = u"f"_s, qint64 maxBytes = 1 << 24)
    {
        return waitFor<StoredFile>([&](auto done) { m_store->put(bytes, name, maxBytes, this, done); });
    }
    Result<OpenedFile> open(const QString &id)
    {
        return waitFor<OpenedFile>([&](auto done) { m_store->open(id, this, done); });
    }
    Result<OpenedFile> thumbnail(const QString &id, int side = 320)
    {
        return waitFor<OpenedFile>([&](auto done) { m_store->thumbnail(id, side, this, done); });
    }
    qint64 rows()
    {
        auto r = m_db->readSync<qint64>([](era::storage::Connection &c) -> Result<qint64> {
            auto rows = c.exec(u"SELECT COUNT(*) FROM files"_s);
            if (!rows)
                return rows.error();
            return rows->at(0, 0).toLongLong();
        });
        return r ? *r : -1;
    }
    // Content files only (not the thumbnail map).
    QStringList contentFiles() const
    {
        QStringList all = filesUnder(root());
        all.removeIf([](const QString &p) { return p.startsWith(u"thumbs/"_s); });
        return all;
    }

private Q_SLOTS:
    void initTestCase_data() { StorageTestBackend::addBackendRows(); }
    void init()
    {
        m_backend.prepare();
        m_db = m_backend.openDatabase();
        QVERIFY(m_db);
        m_dir = std::make_unique<QTemporaryDir>();
        auto store = FileStore::create(*m_db, {root()});
        ERA_VERIFY_OK(store);
        m_store = std::move(store).value();
    }
    void cleanup()
    {
        m_store.reset();
        m_db.reset();
        m_dir.reset();
        m_backend.cleanup();
    }

    void bytesAreStoredUnderTheirSha256()
    {
        const QByteArray bytes = randomBytes(100'000);
        auto stored = put(bytes, u"../../etc/passwd"_s);
        ERA_VERIFY_OK(stored);
        QCOMPARE(stored->id, sha256Hex(bytes));
        QCOMPARE(stored->size, 100'000);
        QCOMPARE(stored->name, u"passwd"_s);
        const QString path =
            u"%1/%2/%3/%4"_s.arg(root(), stored->id.first(2), stored->id.sliced(2, 2), stored->id);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), bytes);

        auto opened = open(stored->id);
        ERA_VERIFY_OK(opened);
        QCOMPARE(opened->path, path);
        QCOMPARE(opened->size, 100'000);
        QCOMPARE(opened->mime, u"application/octet-stream"_s);
    }

    void sameBytesAreStoredOnce()
    {
        const QByteArray bytes = pdfBytes();
        auto first = put(bytes, u"a.pdf"_s);
        auto second = put(bytes, u"b.pdf"_s);
        ERA_VERIFY_OK(first);
        ERA_VERIFY_OK(second);
        QCOMPARE(second->id, first->id);
        QCOMPARE(second->name, u"b.pdf"_s);
        QCOMPARE(rows(), 1);
        QCOMPARE(contentFiles().size(), 1);
    }

    void typeIsSniffedFromContentNotName_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("mime");
        QTest::newRow("png named .txt") << pngBytes({40, 30}) << u"notes.txt"_s << u"image/png"_s;
        QTest::newRow("pdf named .png") << pdfBytes() << u"photo.png"_s << u"application/pdf"_s;
        QTest::newRow("random named .jpg")
            << randomBytes(4096) << u"a.jpg"_s << u"application/octet-stream"_s;
        QTest::newRow("empty") << QByteArray() << u"a.png"_s << u"application/octet-stream"_s;
    }
    void typeIsSniffedFromContentNotName()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, name);
        QFETCH(QString, mime);
        auto stored = put(bytes, name);
        ERA_VERIFY_OK(stored);
        QCOMPARE(stored->mime, mime);
        auto opened = open(stored->id);
        ERA_VERIFY_OK(opened);
        QCOMPARE(opened->mime, mime);
    }

    void overTheCapIsRefusedAndNothingIsWritten()
    {
        auto stored = put(randomBytes(1001), u"big"_s, 1000);
        QVERIFY(!stored);
        QCOMPARE(stored.error().code, u"too_large"_s);
        QCOMPARE(contentFiles(), QStringList());
        QCOMPARE(rows(), 0);

        auto exact = put(randomBytes(1000), u"fits"_s, 1000);
        ERA_VERIFY_OK(exact);
    }

    void streamPassingTheCapLeavesNoTemporaryFile()
    {
        auto writer = m_store->writer(u"stream"_s, 1000);
        QVERIFY(writer->append(randomBytes(600)));
        QVERIFY(!writer->append(randomBytes(600))); // would pass the cap: refused, not written
        QCOMPARE(writer->bytesAccepted(), 600);
        auto result = waitFor<StoredFile>([&](auto done) { writer->finish(this, done); });
        QVERIFY(!result);
        QCOMPARE(result.error().code, u"too_large"_s);
        QCOMPARE(contentFiles(), QStringList()); // the 600 bytes written to tmp/ are gone too
        QCOMPARE(rows(), 0);
    }

    void cancelledWriterLeavesNoTemporaryFile()
    {
        {
            auto writer = m_store->writer(u"stream"_s, 1 << 20);
            QVERIFY(writer->append(randomBytes(5000)));
        } // destroyed unfinished
        QVERIFY(m_store->waitForDone(10000));
        QCOMPARE(contentFiles(), QStringList());
    }

    void leftoversOfACrashAreRemovedAtStart()
    {
        QFile stale(root() + u"/tmp/part-crashed"_s);
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.write("half a file");
        stale.close();
        m_store.reset();
        auto store = FileStore::create(*m_db, {root()});
        ERA_VERIFY_OK(store);
        m_store = std::move(store).value();
        QCOMPARE(contentFiles(), QStringList());
    }

    void piecesAreStoredAsOneFile()
    {
        const QByteArray bytes = randomBytes(300'000);
        auto writer = m_store->writer(u"pieces"_s, 1 << 20);
        for (qsizetype at = 0; at < bytes.size(); at += 7'777)
            QVERIFY(writer->append(bytes.sliced(at, qMin<qsizetype>(7'777, bytes.size() - at))));
        auto stored = waitFor<StoredFile>([&](auto done) { writer->finish(this, done); });
        ERA_VERIFY_OK(stored);
        QCOMPARE(stored->id, sha256Hex(bytes));
        QCOMPARE(stored->size, bytes.size());
    }

    void randomAccessDeviceIsStored()
    {
        QByteArray bytes = pngBytes({64, 64});
        QBuffer buffer(&bytes);
        QVERIFY(buffer.open(QIODevice::ReadOnly));
        auto stored =
            waitFor<StoredFile>([&](auto done) { m_store->put(&buffer, u"x"_s, 1 << 20, this, done); });
        ERA_VERIFY_OK(stored);
        QCOMPARE(stored->id, sha256Hex(bytes));
        QCOMPARE(stored->mime, u"image/png"_s);
    }

    void sequentialDeviceIsStoredAsItArrives_data()
    {
        QTest::addColumn<qint64>("cap");
        QTest::addColumn<bool>("fits");
        QTest::newRow("under the cap") << qint64(1 << 20) << true;
        QTest::newRow("over the cap") << qint64(100'000) << false;
    }
    void sequentialDeviceIsStoredAsItArrives()
    {
        QFETCH(qint64, cap);
        QFETCH(bool, fits);
        const QByteArray bytes = randomBytes(250'000);
        const QString source = m_dir->filePath(u"source.bin"_s);
        QFile file(source);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bytes);
        file.close();
        QProcess cat;
        cat.start(u"cat"_s, {source});
        QVERIFY(cat.waitForStarted());
        auto stored = waitFor<StoredFile>([&](auto done) { m_store->put(&cat, u"x"_s, cap, this, done); });
        cat.waitForFinished();
        if (fits) {
            ERA_VERIFY_OK(stored);
            QCOMPARE(stored->id, sha256Hex(bytes));
        } else {
            QVERIFY(!stored);
            QCOMPARE(stored.error().code, u"too_large"_s);
            QCOMPARE(contentFiles(), QStringList());
        }
    }

    void unknownIdIsNotFoundAndBadIdIsRefused()
    {
        auto unknown = open(QString(64, u'a'));
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().code, u"not_found"_s);
        auto bad = open(u"../../era.db"_s);
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, u"bad_args"_s);
    }

    void recordedFileMissingOnDiskIsNotFound()
    {
        auto stored = put(randomBytes(10));
        ERA_VERIFY_OK(stored);
        auto opened = open(stored->id);
        ERA_VERIFY_OK(opened);
        QVERIFY(QFile::remove(opened->path));
        auto again = open(stored->id);
        QVERIFY(!again);
        QCOMPARE(again.error().code, u"not_found"_s);
    }

    void thumbnailIsASmallJpeg_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<bool>("alpha");
        QTest::addColumn<QSize>("expected");
        QTest::newRow("landscape") << QSize(1000, 500) << false << QSize(320, 160);
        QTest::newRow("portrait with alpha") << QSize(300, 900) << true << QSize(107, 320);
        QTest::newRow("small is not enlarged") << QSize(100, 80) << false << QSize(100, 80);
    }
    void thumbnailIsASmallJpeg()
    {
        QFETCH(QSize, size);
        QFETCH(bool, alpha);
        QFETCH(QSize, expected);
        auto original = put(pngBytes(size, alpha), u"a.png"_s);
        ERA_VERIFY_OK(original);
        auto thumb = thumbnail(original->id);
        ERA_VERIFY_OK(thumb);
        QCOMPARE(thumb->mime, u"image/jpeg"_s);
        QImageReader reader(thumb->path);
        QCOMPARE(reader.format(), QByteArray("jpeg"));
        QVERIFY(qAbs(reader.size().width() - expected.width()) <= 1);
        QVERIFY(qAbs(reader.size().height() - expected.height()) <= 1);
        QVERIFY(reader.size().width() <= 320 && reader.size().height() <= 320);

        // Stored and recorded like any file, and made once.
        auto opened = open(thumb->id);
        ERA_VERIFY_OK(opened);
        QCOMPARE(opened->mime, u"image/jpeg"_s);
        const QDateTime written = QFileInfo(thumb->path).lastModified();
        auto again = thumbnail(original->id);
        ERA_VERIFY_OK(again);
        QCOMPARE(again->id, thumb->id);
        QCOMPARE(QFileInfo(thumb->path).lastModified(), written);
        QVERIFY(QFile::exists(u"%1/thumbs/%2-320"_s.arg(root(), original->id)));
    }

    void nonImageHasNoThumbnail()
    {
        auto pdf = put(pdfBytes());
        ERA_VERIFY_OK(pdf);
        auto thumb = thumbnail(pdf->id);
        QVERIFY(!thumb);
        QCOMPARE(thumb.error().code, u"unsupported_media_type"_s);
    }
};

QTEST_GUILESS_MAIN(TestFileStore)
#include "tst_file_store.moc"
