#pragma once

#include <QByteArray>
#include <QList>
#include <QMutex>
#include <QString>
#include <atomic>
#include <map>
#include <memory>

namespace era {

// Prometheus-style counters, gauges and histograms, safe to update from any thread.
class Metrics {
public:
    class Histogram {
    public:
        explicit Histogram(QList<double> upperBounds);
        void observe(double value);
        QList<double> bounds() const { return m_bounds; }
        QList<quint64> cumulativeCounts() const;
        quint64 count() const { return m_count.load(); }
        double sum() const;

    private:
        QList<double> m_bounds;
        std::unique_ptr<std::atomic<quint64>[]> m_buckets; // per bucket (not cumulative); last is +Inf
        std::atomic<quint64> m_count{0};
        std::atomic<qint64> m_sumMicros{0};
    };

    // Adds `delta` to the counter `name` with the given label set, e.g. {route="/api/v1/me",status="200"}.
    void add(const QByteArray &name, const QByteArray &labels = {}, double delta = 1);
    // Sets a gauge.
    void set(const QByteArray &name, const QByteArray &labels, double value);
    // The histogram `name`, created with `bounds` on first use (seconds for latencies).
    Histogram &histogram(const QByteArray &name, const QList<double> &bounds = defaultLatencyBounds());

    void describe(const QByteArray &name, const QByteArray &type, const QByteArray &help);

    // The Prometheus text exposition format (version 0.0.4).
    QByteArray render() const;

    static QList<double> defaultLatencyBounds();

private:
    struct Family {
        QByteArray type = "counter";
        QByteArray help;
        std::map<QByteArray, double> samples; // labels -> value
    };
    mutable QMutex m_mutex;
    std::map<QByteArray, Family> m_families;
    std::map<QByteArray, std::unique_ptr<Histogram>> m_histograms;
};

} // namespace era
