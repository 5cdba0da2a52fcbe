#include "core/Metrics.h"

#include <QMutexLocker>
#include <algorithm>

namespace era {

Metrics::Histogram::Histogram(QList<double> upperBounds)
    : m_bounds(std::move(upperBounds)), m_buckets(new std::atomic<quint64>[m_bounds.size() + 1])
{
    for (qsizetype i = 0; i <= m_bounds.size(); ++i)
        m_buckets[i] = 0;
}

void Metrics::Histogram::observe(double value)
{
    auto it = std::lower_bound(m_bounds.cbegin(), m_bounds.cend(), value);
    m_buckets[it - m_bounds.cbegin()].fetch_add(1, std::memory_order_relaxed);
    m_count.fetch_add(1, std::memory_order_relaxed);
    m_sumMicros.fetch_add(qint64(value * 1e6), std::memory_order_relaxed);
}

QList<quint64> Metrics::Histogram::cumulativeCounts() const
{
    QList<quint64> out;
    quint64 running = 0;
    for (qsizetype i = 0; i <= m_bounds.size(); ++i) {
        running += m_buckets[i].load(std::memory_order_relaxed);
        out.append(running);
    }
    return out;
}

double Metrics::Histogram::sum() const
{
    return double(m_sumMicros.load()) / 1e6;
}

void Metrics::add(const QByteArray &name, const QByteArray &labels, double delta)
{
    QMutexLocker lock(&m_mutex);
    m_families[name].samples[labels] += delta;
}

void Metrics::set(const QByteArray &name, const QByteArray &labels, double value)
{
    QMutexLocker lock(&m_mutex);
    Family &f = m_families[name];
    f.type = "gauge";
    f.samples[labels] = value;
}

Metrics::Histogram &Metrics::histogram(const QByteArray &name, const QList<double> &bounds)
{
    QMutexLocker lock(&m_mutex);
    auto &slot = m_histograms[name];
    if (!slot)
        slot = std::make_unique<Histogram>(bounds);
    return *slot;
}

void Metrics::describe(const QByteArray &name, const QByteArray &type, const QByteArray &help)
{
    QMutexLocker lock(&m_mutex);
    Family &f = m_families[name];
    f.type = type;
    f.help = help;
}

QList<double> Metrics::defaultLatencyBounds()
{
    return {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
}

static QByteArray number(double v)
{
    return QByteArray::number(v, 'g', 12);
}

QByteArray Metrics::render() const
{
    QMutexLocker lock(&m_mutex);
    QByteArray out;
    for (const auto &[name, family] : m_families) {
        if (m_histograms.count(name))
            continue;
        if (!family.help.isEmpty())
            out += "# HELP " + name + ' ' + family.help + '\n';
        out += "# TYPE " + name + ' ' + family.type + '\n';
        for (const auto &[labels, value] : family.samples)
            out += name + (labels.isEmpty() ? QByteArray() : '{' + labels + '}') + ' ' + number(value) + '\n';
    }
    for (const auto &[name, h] : m_histograms) {
        auto fam = m_families.find(name);
        if (fam != m_families.end() && !fam->second.help.isEmpty())
            out += "# HELP " + name + ' ' + fam->second.help + '\n';
        out += "# TYPE " + name + " histogram\n";
        const QList<quint64> counts = h->cumulativeCounts();
        const QList<double> bounds = h->bounds();
        for (qsizetype i = 0; i < bounds.size(); ++i)
            out += name + "_bucket{le=\"" + number(bounds[i]) + "\"} " + QByteArray::number(counts[i]) + '\n';
        out += name + "_bucket{le=\"+Inf\"} " + QByteArray::number(counts.last()) + '\n';
        out += name + "_sum " + number(h->sum()) + '\n';
        out += name + "_count " + QByteArray::number(h->count()) + '\n';
    }
    return out;
}

} // namespace era
