// Schema migrations at Database::open().
#include "StorageTestBackend.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
#include "storage/OpenConnection.h"

#include <QTest>
#include <algorithm>

using namespace era;
using namespace era::storage;

class MigrationsTest : public QObject {
    Q_OBJECT

private:
    StorageTestBackend m_backend;

    Result<std::unique_ptr<Database>> open()
    {
        DatabaseOptions options;
        options.url = m_backend.url();
        return Database::open(options);
    }

    Result<Rows> query(const QString &sql, const QVariantList &params = {})
    {
        auto c = openConnection(m_backend.url());
        if (!c)
            return c.error();
        return (*c)->exec(sql, params);
    }

private Q_SLOTS:
    void initTestCase_data() { StorageTestBackend::addBackendRows(); }
    void init() { m_backend.prepare(); }
    void cleanup() { m_backend.cleanup(); }

    void binaryKnowsTheEventsMigration()
    {
        QVERIFY(Database::knownSchemaVersion() >= 1);
        QCOMPARE(migrations::known().first().version, 1);
        QCOMPARE(migrations::known().first().name, QStringLiteral("events"));
        QCOMPARE(migrations::known().last().version, Database::knownSchemaVersion());
    }

    void freshDatabaseIsMigratedToTheKnownVersion()
    {
        auto db = open();
        ERA_VERIFY_OK(db);
        QCOMPARE((*db)->schemaVersion(), Database::knownSchemaVersion());
        db = Error{};

        auto rows = query(QStringLiteral("SELECT version, name FROM schema_migrations ORDER BY version"));
        ERA_VERIFY_OK(rows);
        QCOMPARE(rows->size(), migrations::known().size());
        QCOMPARE(rows->at(0, 0).toLongLong(), qint64(1));
        QCOMPARE(rows->at(0, 1).toString(), QStringLiteral("events"));
        QVERIFY(query(QStringLiteral("SELECT seq, name, audience, data, at FROM events")));
        QVERIFY(query(QStringLiteral("SELECT key, value FROM meta")));
    }

    void reopeningAppliesNothing()
    {
        QVERIFY(open());
        auto first =
            query(QStringLiteral("SELECT version, applied_at FROM schema_migrations ORDER BY version"));
        QVERIFY(first);

        auto again = open();
        ERA_VERIFY_OK(again);
        QCOMPARE((*again)->schemaVersion(), Database::knownSchemaVersion());
        auto second =
            query(QStringLiteral("SELECT version, applied_at FROM schema_migrations ORDER BY version"));
        QVERIFY(second);
        QCOMPARE(second->rows, first->rows);
    }

    void newerSchemaIsRefusedWithSchemaTooNew()
    {
        QVERIFY(open());
        const int newer = Database::knownSchemaVersion() + 2;
        QVERIFY(query(
            QStringLiteral("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)"),
            {newer, QStringLiteral("from_the_future"), 0}));

        auto refused = open();
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, QStringLiteral("schema_too_new"));
        const QString expected =
            QStringLiteral("database schema is version %1 but this era-server knows only up to %2")
                .arg(newer)
                .arg(Database::knownSchemaVersion());
        QVERIFY2(refused.error().message.contains(expected), qPrintable(refused.error().message));
    }

    // Migrations cannot be injected from here, so a real one is made to fail from the outside:
    // 0005_file_access creates file_uploads and then message_files; a message_files made beforehand fails its
    // second statement after its first one ran.
    void failedMigrationLeavesThePreviousVersionWithNothingOfItApplied()
    {
        const auto &known = migrations::known();
        const auto failing = std::find_if(known.cbegin(), known.cend(), [](const migrations::Migration &m) {
            return m.name == u"file_access";
        });
        QVERIFY(failing != known.cend());
        QVERIFY(failing->sql.indexOf(u"CREATE TABLE file_uploads") <
                failing->sql.indexOf(u"CREATE TABLE message_files"));
        QVERIFY(query(QStringLiteral("CREATE TABLE message_files (obstacle BIGINT)")));

        auto refused = open();
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, QStringLiteral("migration_failed"));
        QVERIFY2(refused.error().message.contains(u"0005_file_access"), qPrintable(refused.error().message));

        auto version = query(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
        ERA_VERIFY_OK(version);
        QCOMPARE(version->at(0, 0).toLongLong(), qint64(failing->version - 1));
        QVERIFY(query(QStringLiteral("SELECT dialog_id FROM dialog_reads"))); // 0004 is in place
        QVERIFY2(!query(QStringLiteral("SELECT file_id FROM file_uploads")),
                 "the failed migration's first table was kept");
        auto obstacle = query(QStringLiteral("SELECT obstacle FROM message_files"));
        QVERIFY2(obstacle, "the obstacle was replaced"); // untouched, as it was

        // With the obstacle gone, the next start applies it and the rest.
        QVERIFY(query(QStringLiteral("DROP TABLE message_files")));
        auto reopened = open();
        ERA_VERIFY_OK(reopened);
        QCOMPARE((*reopened)->schemaVersion(), Database::knownSchemaVersion());
    }

    void unknownUrlSchemeIsAClearError()
    {
        DatabaseOptions options;
        options.url = QStringLiteral("mysql://localhost/era");
        auto db = Database::open(options);
        QVERIFY(!db);
        QCOMPARE(db.error().code, QStringLiteral("bad_url"));
    }

    void dialectTokensExpandPerEngine()
    {
        const QString sql =
            QStringLiteral("CREATE TABLE t (id {{id}}, b {{bytes}}, at BIGINT DEFAULT {{now_ms}})");
        QVERIFY(!migrations::expand(sql, Dialect::Sqlite).contains(u"{{"));
        QVERIFY(!migrations::expand(sql, Dialect::Postgres).contains(u"{{"));
        auto c = openConnection(m_backend.url());
        QVERIFY(c);
        QVERIFY((*c)->execScript(migrations::expand(sql, (*c)->dialect())));
        auto r =
            (*c)->exec(QStringLiteral("INSERT INTO t (b) VALUES ($1) RETURNING id, at"), {QByteArray("x")});
        ERA_VERIFY_OK(r);
        QCOMPARE(r->at(0, 0).toLongLong(), qint64(1));
        QVERIFY(qAbs(r->at(0, 1).toLongLong() - QDateTime::currentMSecsSinceEpoch()) < 60'000);
    }
};

QTEST_GUILESS_MAIN(MigrationsTest)
#include "tst_migrations.moc"
