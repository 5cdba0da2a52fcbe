#include "StorageTestBackend.h"

#include "storage/OpenConnection.h"

#include <QTest>
#include <atomic>

void StorageTestBackend::addBackendRows()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgres") << QStringLiteral("postgres");
}

void StorageTestBackend::prepare()
{
    QFETCH_GLOBAL(QString, backend);
    m_backend = backend;
    m_url.clear();
    m_schema.clear();

    if (backend == u"sqlite") {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY2(m_dir->isValid(), qPrintable(m_dir->errorString()));
        m_url = u"sqlite:" + m_dir->filePath(QStringLiteral("era.db"));
        return;
    }

    const QString base = qEnvironmentVariable("ERA_TEST_PG_URL");
    if (base.isEmpty()) {
        if (qEnvironmentVariable("ERA_TEST_ALLOW_NO_PG") == u"1")
            QSKIP("ERA_TEST_PG_URL is not set and ERA_TEST_ALLOW_NO_PG=1: PostgreSQL rows skipped");
        QFAIL("ERA_TEST_PG_URL is not set: run the tests through scripts/with-postgres (or set "
              "ERA_TEST_ALLOW_NO_PG=1 to skip the PostgreSQL rows)");
    }

    static std::atomic<int> counter{0};
    m_schema = QStringLiteral("era_test_%1_%2_%3")
                   .arg(QCoreApplication::applicationPid())
                   .arg(QDateTime::currentMSecsSinceEpoch())
                   .arg(++counter);
    auto admin = era::storage::openConnection(base);
    ERA_VERIFY_OK(admin);
    auto created = (*admin)->exec(u"CREATE SCHEMA " + m_schema);
    ERA_VERIFY_OK(created);
    // libpq URL parameter: every connection of this test starts with the new schema as its search_path.
    m_url = base + (base.contains(u'?') ? u"&" : u"?") + u"options=-csearch_path%3D" + m_schema;
}

void StorageTestBackend::cleanup()
{
    if (!m_schema.isEmpty()) {
        auto admin = era::storage::openConnection(qEnvironmentVariable("ERA_TEST_PG_URL"));
        if (admin)
            (void)(*admin)->exec(u"DROP SCHEMA IF EXISTS " + m_schema + u" CASCADE");
        m_schema.clear();
    }
    m_dir.reset();
    m_url.clear();
}

double counterValue(const era::Metrics &metrics, const QByteArray &name)
{
    const QList<QByteArray> lines = metrics.render().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith(QByteArray(name + ' ')))
            return line.mid(name.size() + 1).toDouble();
    }
    return 0;
}

std::unique_ptr<era::storage::Database> StorageTestBackend::openDatabase() const
{
    era::storage::DatabaseOptions options;
    options.url = m_url;
    auto db = era::storage::Database::open(options);
    if (!db) {
        qWarning("cannot open the test database: %s", qPrintable(db.error().message));
        return nullptr;
    }
    return std::move(db).value();
}
