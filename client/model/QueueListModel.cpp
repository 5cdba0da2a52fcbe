#include "model/QueueListModel.h"

#include <era/content/ContentJson.h>

using namespace Qt::StringLiterals;

namespace era::desk {

QueueListModel::QueueListModel(QObject *parent) : QAbstractListModel(parent) {}

int QueueListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QHash<int, QByteArray> QueueListModel::roleNames() const
{
    return {{QueueIdRole, "queueId"},
            {NameRole, "name"},
            {OfferTimeoutSecRole, "offerTimeoutSec"},
            {MemberCountRole, "memberCount"},
            {WaitingRole, "waiting"},
            {LongestWaitSecRole, "longestWaitSec"},
            {ActiveDialogsRole, "activeDialogs"},
            {OnlineRole, "online"},
            {AwayRole, "away"},
            {OfflineRole, "offline"},
            {MemberIdsRole, "memberIds"}};
}

QVariant QueueListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Queue &q = m_rows.at(index.row());
    switch (Role(role)) {
    case QueueIdRole:
        return q.id;
    case NameRole:
        return q.name;
    case OfferTimeoutSecRole:
        return q.offerTimeoutSec;
    case MemberCountRole:
        return int(q.memberIds.size());
    case WaitingRole:
        return q.waiting;
    case LongestWaitSecRole:
        return q.longestWaitSec;
    case ActiveDialogsRole:
        return q.activeDialogs;
    case OnlineRole:
        return q.online;
    case AwayRole:
        return q.away;
    case OfflineRole:
        return q.offline;
    case MemberIdsRole:
        return q.memberIds;
    }
    return {};
}

QueueListModel::Queue QueueListModel::fromJson(const QJsonObject &j)
{
    Queue q;
    q.id = j.value(u"id"_s).toInteger();
    q.name = j.value(u"name"_s).toString();
    q.offerTimeoutSec = j.value(u"offer_timeout_sec"_s).toInt();
    for (const QJsonValue &m : j.value(u"members"_s).toArray())
        q.memberIds.append(m.toObject().value(u"user_id"_s).toInteger());
    return q;
}

void QueueListModel::reset(const QJsonArray &queues)
{
    beginResetModel();
    m_rows.clear();
    for (const QJsonValue &v : queues)
        m_rows.append(fromJson(v.toObject()));
    endResetModel();
    Q_EMIT countChanged();
    Q_EMIT statsChanged();
}

void QueueListModel::upsert(const QJsonObject &queue)
{
    Queue q = fromJson(queue);
    const int row = rowOf(q.id);
    if (row >= 0) {
        // Keep the live figures; the queue object carries only its definition.
        Queue &old = m_rows[row];
        old.name = q.name;
        old.offerTimeoutSec = q.offerTimeoutSec;
        old.memberIds = q.memberIds;
        Q_EMIT dataChanged(index(row), index(row));
        return;
    }
    // Ordered by id, as the server lists them.
    int at = 0;
    while (at < m_rows.size() && m_rows.at(at).id < q.id)
        ++at;
    beginInsertRows({}, at, at);
    m_rows.insert(at, q);
    endInsertRows();
    Q_EMIT countChanged();
}

void QueueListModel::applyStats(const QJsonObject &stats)
{
    for (const QJsonValue &v : stats.value(u"queues"_s).toArray()) {
        const QJsonObject s = v.toObject();
        const int row = rowOf(s.value(u"id"_s).toInteger());
        if (row < 0)
            continue;
        Queue &q = m_rows[row];
        q.waiting = s.value(u"waiting"_s).toInt();
        q.longestWaitSec = s.value(u"longest_wait_sec"_s).toInt();
        q.activeDialogs = s.value(u"active_dialogs"_s).toInt();
        const QJsonObject ops = s.value(u"operators"_s).toObject();
        q.online = ops.value(u"online"_s).toInt();
        q.away = ops.value(u"away"_s).toInt();
        q.offline = ops.value(u"offline"_s).toInt();
        Q_EMIT dataChanged(index(row), index(row));
    }
    m_statsAt = content::timeFromJson(stats.value(u"at"_s).toString());
    Q_EMIT statsChanged();
}

QString QueueListModel::nameOf(qint64 queueId) const
{
    const int row = rowOf(queueId);
    return row >= 0 ? m_rows.at(row).name : QString();
}

int QueueListModel::waitingTotal() const
{
    int n = 0;
    for (const Queue &q : m_rows)
        n += q.waiting;
    return n;
}

int QueueListModel::longestWaitSec() const
{
    int n = 0;
    for (const Queue &q : m_rows)
        n = std::max(n, q.longestWaitSec);
    return n;
}

int QueueListModel::rowOf(qint64 id) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).id == id)
            return i;
    }
    return -1;
}

} // namespace era::desk
