#pragma once

// CPU time of processes and threads from /proc, for benchmarks that print where the CPU of a run went.
#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QList>
#include <QString>
#include <unistd.h>

namespace bench {

using namespace Qt::StringLiterals;

// CPU seconds (user + system) of a process, from /proc/<pid>/stat.
inline double cpuSeconds(qint64 pid)
{
    QFile f(u"/proc/%1/stat"_s.arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray line = f.readAll();
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    // After the command name: field 3 is index 0, so utime (14) is 11 and stime (15) is 12.
    return double(fields.value(11).toLongLong() + fields.value(12).toLongLong()) /
           double(sysconf(_SC_CLK_TCK));
}

// CPU seconds per thread of a process, keyed by "name/tid".
inline QHash<QString, double> threadCpu(qint64 pid)
{
    QHash<QString, double> cpu;
    QDir tasks(u"/proc/%1/task"_s.arg(pid));
    for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile f(tasks.filePath(tid + u"/stat"_s));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = f.readAll();
        const QString name =
            QString::fromUtf8(line.mid(line.indexOf('(') + 1, line.lastIndexOf(')') - line.indexOf('(') - 1));
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        cpu.insert(name + u'/' + tid, double(fields.value(11).toLongLong() + fields.value(12).toLongLong()) /
                                          double(sysconf(_SC_CLK_TCK)));
    }
    return cpu;
}

// CPU seconds of every child of the PostgreSQL postmaster listening on `port` (its backends, WAL writer,
// checkpointer...), keyed by pid; empty when there is none (SQLite).
inline QHash<qint64, double> postgresCpu(int port)
{
    QHash<qint64, double> cpu;
    if (port <= 0)
        return cpu;
    qint64 postmaster = 0;
    QHash<qint64, qint64> parentOf;
    const QDir proc(u"/proc"_s);
    for (const QString &entry : proc.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        if (!isPid)
            continue;
        QFile stat(proc.filePath(entry + u"/stat"_s));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        if (!line.contains("(postgres)"))
            continue;
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        parentOf.insert(pid, fields.value(1).toLongLong());
        cpu.insert(pid, double(fields.value(11).toLongLong() + fields.value(12).toLongLong()) /
                            double(sysconf(_SC_CLK_TCK)));
        QFile cmd(proc.filePath(entry + u"/cmdline"_s));
        if (cmd.open(QIODevice::ReadOnly) && cmd.readAll().split('\0').contains(QByteArray::number(port)))
            postmaster = pid;
    }
    QHash<qint64, double> mine;
    for (auto it = parentOf.cbegin(); it != parentOf.cend(); ++it) {
        if (postmaster && it.value() == postmaster)
            mine.insert(it.key(), cpu.value(it.key()));
    }
    return mine;
}

} // namespace bench
