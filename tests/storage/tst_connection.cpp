// Connection on both engines: placeholders, typed binding and the values that come back.
#include "StorageTestBackend.h"
#include "storage/Migrations.h"
#include "storage/OpenConnection.h"

#include <QTest>
#include <limits>

using namespace era;
using namespace era::storage;

class ConnectionTest : public QObject {
    Q_OBJECT

private:
    StorageTestBackend m_backend;
    std::unique_ptr<Connection> m_c;

    // Inserts `value` into the column and reads it back.
    QVariant roundTrip(const QString &column, const QVariant &value)
    {
        auto inserted = m_c->exec(u"INSERT INTO sample (" + column + u") VALUES ($1) RETURNING id", {value});
        if (!inserted) {
            qWarning("%s", qPrintable(inserted.error().message));
            return QStringLiteral("<insert failed>");
        }
        auto read = m_c->exec(u"SELECT " + column + u" FROM sample WHERE id = $1", {inserted->at(0, 0)});
        if (!read || read->size() != 1)
            return QStringLiteral("<select failed>");
        return read->at(0, 0);
    }

private Q_SLOTS:
    void initTestCase_data() { StorageTestBackend::addBackendRows(); }

    void init()
    {
        m_backend.prepare();
        if (QTest::currentTestFailed())
            return;
        auto c = openConnection(m_backend.url());
        ERA_VERIFY_OK(c);
        m_c = std::move(c).value();
        const QString table = migrations::expand(
            QStringLiteral(
                "CREATE TABLE sample (id {{id}}, i BIGINT, d DOUBLE PRECISION, s TEXT, b {{bytes}})"),
            m_c->dialect());
        auto created = m_c->exec(table);
        ERA_VERIFY_OK(created);
    }

    void cleanup()
    {
        m_c.reset();
        m_backend.cleanup();
    }

    // What makes a commit durable when it returns: SQLite in WAL with synchronous=FULL, PostgreSQL with
    // synchronous_commit=on, on the writer's connection and the readers' alike. The PostgreSQL session is
    // started with synchronous_commit=off, which the connection must override.
    void connectionsCommitDurably_data()
    {
        QTest::addColumn<bool>("readOnly");
        QTest::newRow("writer") << false;
        QTest::newRow("reader") << true;
    }
    void connectionsCommitDurably()
    {
        QFETCH(bool, readOnly);
        QString url = m_backend.url();
        if (m_backend.backend() == u"postgres") {
            QVERIFY(url.contains(QStringLiteral("options=")));
            url.replace(QStringLiteral("options="), QStringLiteral("options=-csynchronous_commit%3Doff%20"));
        }
        auto c = openConnection(url, {readOnly});
        ERA_VERIFY_OK(c);
        if ((*c)->dialect() == Dialect::Sqlite) {
            auto journal = (*c)->exec(QStringLiteral("PRAGMA journal_mode"));
            ERA_VERIFY_OK(journal);
            QCOMPARE(journal->at(0, 0).toString().toLower(), QStringLiteral("wal"));
            auto synchronous = (*c)->exec(QStringLiteral("PRAGMA synchronous"));
            ERA_VERIFY_OK(synchronous);
            QCOMPARE(synchronous->at(0, 0).toLongLong(), qint64(2)); // FULL
        } else {
            auto synchronous = (*c)->exec(QStringLiteral("SELECT current_setting('synchronous_commit')"));
            ERA_VERIFY_OK(synchronous);
            QCOMPARE(synchronous->at(0, 0).toString(), QStringLiteral("on"));
        }
    }

    void nullRoundTripsAsInvalidVariantInEveryColumn()
    {
        for (const QString &column :
             {QStringLiteral("i"), QStringLiteral("d"), QStringLiteral("s"), QStringLiteral("b")}) {
            const QVariant v = roundTrip(column, QVariant());
            QVERIFY2(!v.isValid(), qPrintable(column));
        }
    }

    void int64ExtremesRoundTrip_data()
    {
        QTest::addColumn<qint64>("value");
        QTest::newRow("min") << std::numeric_limits<qint64>::min();
        QTest::newRow("max") << std::numeric_limits<qint64>::max();
        QTest::newRow("zero") << qint64(0);
        QTest::newRow("minus one") << qint64(-1);
        QTest::newRow("above 32 bits") << (qint64(1) << 40);
    }
    void int64ExtremesRoundTrip()
    {
        QFETCH(qint64, value);
        const QVariant v = roundTrip(QStringLiteral("i"), value);
        QCOMPARE(v.typeId(), QMetaType::LongLong);
        QCOMPARE(v.toLongLong(), value);
    }

    void doubleRoundTripsExactly_data()
    {
        QTest::addColumn<double>("value");
        QTest::newRow("pi") << 3.141592653589793;
        QTest::newRow("one tenth") << 0.1;
        QTest::newRow("tiny") << -1e-300;
        QTest::newRow("largest") << std::numeric_limits<double>::max();
    }
    void doubleRoundTripsExactly()
    {
        QFETCH(double, value);
        const QVariant v = roundTrip(QStringLiteral("d"), value);
        QCOMPARE(v.typeId(), QMetaType::Double);
        QCOMPARE(v.toDouble(), value); // exact, not fuzzy
    }

    void textRoundTripsUnicodeAndStaysNotNullWhenEmpty_data()
    {
        QTest::addColumn<QString>("value");
        QTest::newRow("cyrillic, emoji, cjk") << QStringLiteral("Привет, мир 👋 — ñ 中文 \u00e9");
        QTest::newRow("quotes and backslash") << QStringLiteral("it's \"quoted\" \\ $1");
        QTest::newRow("empty") << QStringLiteral("");
    }
    void textRoundTripsUnicodeAndStaysNotNullWhenEmpty()
    {
        QFETCH(QString, value);
        const QVariant v = roundTrip(QStringLiteral("s"), value);
        QCOMPARE(v.typeId(), QMetaType::QString);
        QCOMPARE(v.toString(), value);
    }

    void blobWithZeroBytesRoundTrips_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("zero bytes inside") << QByteArray("\0\x01\xff\0abc\0", 8);
        QByteArray all;
        for (int i = 0; i < 256; ++i)
            all.append(char(i));
        QTest::newRow("every byte value") << all;
        QTest::newRow("empty") << QByteArray();
    }
    void blobWithZeroBytesRoundTrips()
    {
        QFETCH(QByteArray, value);
        const QVariant v = roundTrip(QStringLiteral("b"), value);
        QCOMPARE(v.typeId(), QMetaType::QByteArray);
        QCOMPARE(v.toByteArray(), value);
    }

    void boolBindsAsZeroOrOneInteger()
    {
        QCOMPARE(roundTrip(QStringLiteral("i"), true).toLongLong(), qint64(1));
        QCOMPARE(roundTrip(QStringLiteral("i"), false).toLongLong(), qint64(0));
    }

    void placeholdersBindByNumberNotByOrderOfAppearance()
    {
        auto inserted = m_c->exec(QStringLiteral("INSERT INTO sample (s, i) VALUES ($2, $1) RETURNING s, i"),
                                  {qint64(7), QStringLiteral("seven")});
        ERA_VERIFY_OK(inserted);
        QCOMPARE(inserted->at(0, QStringLiteral("s")).toString(), QStringLiteral("seven"));
        QCOMPARE(inserted->at(0, QStringLiteral("i")).toLongLong(), qint64(7));
    }

    void repeatedPlaceholderBindsTheSameValue()
    {
        auto r = m_c->exec(QStringLiteral("SELECT $1 + $1"), {21});
        ERA_VERIFY_OK(r);
        QCOMPARE(r->at(0, 0).toLongLong(), qint64(42));
    }

    void placeholderWithoutValueIsAnError()
    {
        auto r = m_c->exec(QStringLiteral("SELECT $1 + $2"), {1});
        QVERIFY(!r);
        QVERIFY(!r.error().message.isEmpty());
    }

    void countComesBackAsInteger()
    {
        auto r = m_c->exec(QStringLiteral("SELECT COUNT(*) FROM sample"));
        ERA_VERIFY_OK(r);
        QCOMPARE(r->columns.size(), 1);
        QCOMPARE(r->at(0, 0).typeId(), QMetaType::LongLong);
        QCOMPARE(r->at(0, 0).toLongLong(), qint64(0));
    }

    void affectedCountsTheRowsAStatementChanged()
    {
        for (int i = 0; i < 3; ++i) {
            auto r = m_c->exec(QStringLiteral("INSERT INTO sample (i) VALUES ($1)"), {i});
            ERA_VERIFY_OK(r);
            QCOMPARE(r->affected, qint64(1));
        }
        auto updated =
            m_c->exec(QStringLiteral("UPDATE sample SET s = $1 WHERE i >= $2"), {QStringLiteral("x"), 1});
        QVERIFY(updated);
        QCOMPARE(updated->affected, qint64(2));
        auto selected = m_c->exec(QStringLiteral("SELECT * FROM sample"));
        QVERIFY(selected);
        QCOMPARE(selected->size(), 3);
        QCOMPARE(selected->affected, qint64(0));
        auto deleted = m_c->exec(QStringLiteral("DELETE FROM sample"));
        QVERIFY(deleted);
        QCOMPARE(deleted->affected, qint64(3));
    }

    void uniqueViolationHasItsOwnErrorCode()
    {
        QVERIFY(m_c->execScript(QStringLiteral("CREATE TABLE names (name TEXT PRIMARY KEY);")));
        QVERIFY(m_c->exec(QStringLiteral("INSERT INTO names (name) VALUES ($1)"), {QStringLiteral("a")}));
        auto again = m_c->exec(QStringLiteral("INSERT INTO names (name) VALUES ($1)"), {QStringLiteral("a")});
        QVERIFY(!again);
        QCOMPARE(again.error().code, QStringLiteral("unique_violation"));
    }

    void syntaxErrorMessageCarriesTheEngineText()
    {
        auto r = m_c->exec(QStringLiteral("SELEKT 1"));
        QVERIFY(!r);
        QCOMPARE(r.error().code, QStringLiteral("sql_error"));
        QVERIFY2(r.error().message.contains(u"syntax error"), qPrintable(r.error().message));
        QVERIFY2(r.error().message.contains(u"SELEKT"), qPrintable(r.error().message));
    }

    void unsupportedParameterTypeIsRefused()
    {
        auto r =
            m_c->exec(QStringLiteral("SELECT $1"), {QVariant::fromValue(QStringList{QStringLiteral("x")})});
        QVERIFY(!r);
        QCOMPARE(r.error().code, QStringLiteral("bad_parameter"));
    }

    void execScriptRunsSeveralStatements()
    {
        Status s = m_c->execScript(QStringLiteral("INSERT INTO sample (i) VALUES (1); INSERT INTO sample (i) "
                                                  "VALUES (2);"));
        ERA_VERIFY_OK(s);
        auto r = m_c->exec(QStringLiteral("SELECT SUM(i) FROM sample"));
        QVERIFY(r);
        QCOMPARE(r->at(0, 0).toLongLong(), qint64(3));
    }

    void deferredStatementRunsBeforeTheNextOne()
    {
        Status deferred = m_c->execDeferred(QStringLiteral("INSERT INTO sample (s) VALUES ($1)"),
                                            {QStringLiteral("deferred")});
        ERA_VERIFY_OK(deferred);
        auto read = m_c->exec(QStringLiteral("SELECT COUNT(*) FROM sample WHERE s = $1"),
                              {QStringLiteral("deferred")});
        ERA_VERIFY_OK(read);
        QCOMPARE(read->at(0, 0).toLongLong(), qint64(1));
    }

    void deferredStatementFailureIsReportedAndTheNextStatementDoesNotRun()
    {
        auto begun = m_c->exec(QStringLiteral("BEGIN"));
        ERA_VERIFY_OK(begun);
        // SQLite reports it at once; PostgreSQL by the statement that follows, which is then not run.
        Status deferred = m_c->execDeferred(QStringLiteral("INSERT INTO nowhere VALUES ($1)"), {1});
        if (deferred) {
            auto next = m_c->exec(QStringLiteral("INSERT INTO sample (i) VALUES (8)"));
            QVERIFY(!next);
            QVERIFY(next.error().message.contains(u"nowhere"));
            QVERIFY(!m_c->inUsableTransaction());
        }
        auto rolledBack = m_c->exec(QStringLiteral("ROLLBACK"));
        ERA_VERIFY_OK(rolledBack);
        auto count = m_c->exec(QStringLiteral("SELECT COUNT(*) FROM sample WHERE i = 8"));
        ERA_VERIFY_OK(count);
        QCOMPARE(count->at(0, 0).toLongLong(), qint64(0));
    }

    void transactionIsUsableOnlyWhileOpen()
    {
        QVERIFY(!m_c->inUsableTransaction());
        auto begun = m_c->exec(QStringLiteral("BEGIN"));
        ERA_VERIFY_OK(begun);
        QVERIFY(m_c->inUsableTransaction());
        auto committed = m_c->exec(QStringLiteral("COMMIT"));
        ERA_VERIFY_OK(committed);
        QVERIFY(!m_c->inUsableTransaction());
    }

    void failedStatementIsUndoneByRollbackToSavepoint()
    {
        QVERIFY(m_c->exec(QStringLiteral("BEGIN")));
        QVERIFY(m_c->exec(QStringLiteral("INSERT INTO sample (i) VALUES (1)")));
        QVERIFY(m_c->exec(QStringLiteral("SAVEPOINT s")));
        QVERIFY(m_c->exec(QStringLiteral("INSERT INTO sample (i) VALUES (2)")));
        QVERIFY(!m_c->exec(QStringLiteral("INSERT INTO nowhere (i) VALUES (3)")));
        QVERIFY(m_c->exec(QStringLiteral("ROLLBACK TO SAVEPOINT s")));
        QVERIFY(m_c->exec(QStringLiteral("COMMIT")));
        auto r = m_c->exec(QStringLiteral("SELECT i FROM sample"));
        QVERIFY(r);
        QCOMPARE(r->size(), 1);
        QCOMPARE(r->at(0, 0).toLongLong(), qint64(1));
    }

    // Statement reuse: PostgreSQL keeps named prepared statements per connection, SQLite a cache of compiled
    // statements. Either way the same SQL text must behave as if it were sent afresh every time.

    void sameStatementRunRepeatedlySeesTheLatestRows()
    {
        for (int i = 1; i <= 8; ++i) {
            QVERIFY(m_c->exec(QStringLiteral("INSERT INTO sample (i) VALUES ($1)"), {i}));
            auto r = m_c->exec(QStringLiteral("SELECT COUNT(*), SUM(i) FROM sample"));
            ERA_VERIFY_OK(r);
            QCOMPARE(r->at(0, 0).toLongLong(), qint64(i));
            QCOMPARE(r->at(0, 1).toLongLong(), qint64(i * (i + 1) / 2));
        }
    }

    void sameSqlWithDifferentParameterTypesBindsEachAsGiven()
    {
        // A statement prepared for an integer must not be reused for text or NULL.
        const QString sql = QStringLiteral("SELECT $1 AS v");
        for (int round = 0; round < 2; ++round) {
            auto number = m_c->exec(sql, {qint64(7)});
            ERA_VERIFY_OK(number);
            QCOMPARE(number->at(0, 0), QVariant(qint64(7)));
            auto text = m_c->exec(sql, {QStringLiteral("seven")});
            ERA_VERIFY_OK(text);
            QCOMPARE(text->at(0, 0).toString(), QStringLiteral("seven"));
            auto null = m_c->exec(QStringLiteral("INSERT INTO sample (i, s) VALUES ($1, $2) RETURNING i, s"),
                                  {QVariant(), QStringLiteral("n")});
            ERA_VERIFY_OK(null);
            QVERIFY(null->at(0, 0).isNull());
            auto value = m_c->exec(QStringLiteral("INSERT INTO sample (i, s) VALUES ($1, $2) RETURNING i, s"),
                                   {qint64(3), QStringLiteral("n")});
            ERA_VERIFY_OK(value);
            QCOMPARE(value->at(0, 0).toLongLong(), qint64(3));
        }
    }

    void statementThatFailedToPrepareRunsOnceItsTableExists()
    {
        const QString sql = QStringLiteral("SELECT COUNT(*) FROM later");
        auto missing = m_c->exec(sql);
        QVERIFY(!missing);
        QVERIFY(missing.error().message.contains(u"later"));
        QVERIFY(m_c->exec(QStringLiteral("CREATE TABLE later (x BIGINT)")));
        auto found = m_c->exec(sql);
        ERA_VERIFY_OK(found);
        QCOMPARE(found->at(0, 0).toLongLong(), qint64(0));
    }

    void statementFirstRunInARolledBackTransactionRunsAfterwards()
    {
        const QString sql = QStringLiteral("SELECT COUNT(*) FROM sample WHERE i = $1");
        QVERIFY(m_c->exec(QStringLiteral("BEGIN")));
        QVERIFY(m_c->exec(QStringLiteral("INSERT INTO sample (i) VALUES (5)")));
        auto inside = m_c->exec(sql, {5});
        ERA_VERIFY_OK(inside);
        QCOMPARE(inside->at(0, 0).toLongLong(), qint64(1));
        QVERIFY(m_c->exec(QStringLiteral("ROLLBACK")));
        auto after = m_c->exec(sql, {5});
        ERA_VERIFY_OK(after);
        QCOMPARE(after->at(0, 0).toLongLong(), qint64(0));
    }

    void statementFirstSentIntoAnAbortedTransactionRunsAfterTheRollback()
    {
        // On PostgreSQL the failing statement is pipelined and the new one's Parse is skipped with it.
        const QString sql = QStringLiteral("SELECT COUNT(*) FROM sample WHERE s = $1");
        QVERIFY(m_c->exec(QStringLiteral("BEGIN")));
        Status deferred = m_c->execDeferred(QStringLiteral("INSERT INTO nowhere VALUES ($1)"), {1});
        if (deferred)
            QVERIFY(!m_c->exec(sql, {QStringLiteral("x")}));
        QVERIFY(!m_c->exec(QStringLiteral("INSERT INTO nowhere VALUES (2)")));
        QVERIFY(m_c->exec(QStringLiteral("ROLLBACK")));
        for (int i = 0; i < 3; ++i) {
            auto r = m_c->exec(sql, {QStringLiteral("x")});
            ERA_VERIFY_OK(r);
            QCOMPARE(r->at(0, 0).toLongLong(), qint64(0));
        }
    }

    void tableChangingShapeUnderARepeatedStatementIsReadAfresh()
    {
        const QString sql = QStringLiteral("SELECT * FROM sample ORDER BY id");
        QVERIFY(m_c->exec(QStringLiteral("INSERT INTO sample (i) VALUES (1)")));
        for (int i = 0; i < 3; ++i) {
            auto r = m_c->exec(sql);
            ERA_VERIFY_OK(r);
            QCOMPARE(r->columns.size(), 5);
        }
        QVERIFY(m_c->exec(QStringLiteral("ALTER TABLE sample ADD COLUMN extra BIGINT")));
        auto r = m_c->exec(sql);
        ERA_VERIFY_OK(r);
        QCOMPARE(r->columns.size(), 6);
        QCOMPARE(r->columns.last(), QStringLiteral("extra"));
    }

    void manyDistinctStatementsAllRunAndThePreparedOnesStayBounded()
    {
        // More distinct statements than any cache holds, twice over, each with its own answer.
        for (int round = 0; round < 2; ++round) {
            for (int i = 0; i < 600; ++i) {
                auto r = m_c->exec(QStringLiteral("SELECT %1 + $1").arg(i), {1000});
                ERA_VERIFY_OK(r);
                QCOMPARE(r->at(0, 0).toLongLong(), qint64(1000 + i));
            }
        }
        if (m_c->dialect() != Dialect::Postgres)
            return;
        auto held = m_c->exec(QStringLiteral("SELECT COUNT(*) FROM pg_prepared_statements"));
        ERA_VERIFY_OK(held);
        // Statements are kept (and reused), but only up to the cache's capacity of 256.
        const qint64 n = held->at(0, 0).toLongLong();
        QVERIFY2(n > 100 && n <= 260, qPrintable(QString::number(n)));
    }

    void statementsStillRunAfterTheSessionDroppedItsPreparedStatements()
    {
        if (m_c->dialect() != Dialect::Postgres)
            QSKIP("DEALLOCATE and DISCARD are PostgreSQL's");
        const QString sql = QStringLiteral("SELECT COUNT(*) FROM sample WHERE i = $1");
        for (const QString &drop : {QStringLiteral("DEALLOCATE ALL"), QStringLiteral("DISCARD ALL")}) {
            QVERIFY(m_c->exec(sql, {1}));
            QVERIFY(m_c->exec(sql, {1}));
            QVERIFY(m_c->exec(drop));
            auto r = m_c->exec(sql, {1});
            ERA_VERIFY_OK(r);
            QCOMPARE(r->at(0, 0).toLongLong(), qint64(0));
            QVERIFY(m_c->exec(sql, {1}));
            QVERIFY(m_c->execScript(drop));
            QVERIFY(m_c->exec(sql, {1}));
        }
    }
};

QTEST_GUILESS_MAIN(ConnectionTest)
#include "tst_connection.moc"
