#pragma once

#include "core/Metrics.h"
#include "storage/Database.h"

#include <QString>
#include <QTemporaryDir>
#include <memory>

// QVERIFY for a Result or Status that prints the error. The expression is evaluated once (QVERIFY2 evaluates
// its message even on success, so the error is read from the one result).
#define ERA_VERIFY_OK(result)                                                                                \
    do {                                                                                                     \
        const auto &eraVerified = (result);                                                                  \
        QVERIFY2(bool(eraVerified), eraVerified ? "" : qPrintable(eraVerified.error().message));             \
    } while (false)

// A fresh, empty database per test function on the backend named by the global "backend" column.
//
// Every storage test runs on both engines: "sqlite" gets a new file in a temporary directory, "postgres" a
// new schema (the first of the search_path) on the server in ERA_TEST_PG_URL, dropped afterwards. Without
// ERA_TEST_PG_URL the postgres rows fail, unless ERA_TEST_ALLOW_NO_PG=1 turns that into a skip.
class StorageTestBackend {
public:
    // For initTestCase_data().
    static void addBackendRows();

    // For init(): on failure it has already QFAIL'ed or QSKIP'ed, so the test function does not run.
    void prepare();
    // For cleanup().
    void cleanup();

    QString backend() const { return m_backend; }
    // The url of this test's database (the same on every call within one test function).
    QString url() const { return m_url; }
    // A Database on it with default options; null, with the reason logged, when it cannot be opened.
    std::unique_ptr<era::storage::Database> openDatabase() const;

private:
    QString m_backend;
    QString m_url;
    QString m_schema;
    std::unique_ptr<QTemporaryDir> m_dir;
};

// The value of a counter without labels in the Prometheus text of `metrics` (0 if absent).
double counterValue(const era::Metrics &metrics, const QByteArray &name);
