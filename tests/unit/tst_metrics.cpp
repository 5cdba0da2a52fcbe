#include "core/Metrics.h"

#include <QTest>
#include <QThread>

class TestMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rendersPrometheusTextFormat()
    {
        era::Metrics m;
        m.describe("era_requests_total", "counter", "Requests.");
        m.add("era_requests_total", "route=\"/a\",status=\"200\"");
        m.add("era_requests_total", "route=\"/a\",status=\"200\"");
        m.set("era_open", {}, 7);
        auto &h = m.histogram("era_latency_seconds", {0.01, 0.1});
        h.observe(0.005);
        h.observe(0.05);
        h.observe(5);
        const QByteArray text = m.render();
        QVERIFY(text.contains("# HELP era_requests_total Requests.\n"));
        QVERIFY(text.contains("# TYPE era_requests_total counter\n"));
        QVERIFY(text.contains("era_requests_total{route=\"/a\",status=\"200\"} 2\n"));
        QVERIFY(text.contains("# TYPE era_open gauge\nera_open 7\n"));
        QVERIFY(text.contains("era_latency_seconds_bucket{le=\"0.01\"} 1\n"));
        QVERIFY(text.contains("era_latency_seconds_bucket{le=\"0.1\"} 2\n"));
        QVERIFY(text.contains("era_latency_seconds_bucket{le=\"+Inf\"} 3\n"));
        QVERIFY(text.contains("era_latency_seconds_count 3\n"));
    }

    void countersAreSafeAcrossThreads()
    {
        era::Metrics m;
        QList<QThread *> threads;
        for (int t = 0; t < 4; ++t) {
            threads.append(QThread::create([&m] {
                for (int i = 0; i < 10000; ++i) {
                    m.add("era_x_total");
                    m.histogram("era_h").observe(0.001);
                }
            }));
            threads.last()->start();
        }
        for (QThread *t : threads) {
            QVERIFY(t->wait(30000));
            delete t;
        }
        QVERIFY(m.render().contains("era_x_total 40000\n"));
        QCOMPARE(m.histogram("era_h").count(), quint64(40000));
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
