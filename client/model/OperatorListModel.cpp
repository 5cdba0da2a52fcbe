#include "model/OperatorListModel.h"

#include "model/TextFormat.h"

using namespace Qt::StringLiterals;

namespace era::desk {

OperatorListModel::OperatorListModel(QObject *parent) : QAbstractListModel(parent) {}

int OperatorListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QHash<int, QByteArray> OperatorListModel::roleNames() const
{
    return {{UserIdRole, "userId"},       {LoginRole, "login"},       {DisplayNameRole, "displayName"},
            {InitialsRole, "initials"},   {RoleNameRole, "roleName"}, {PresenceRole, "presence"},
            {ConnectedRole, "connected"}, {ActiveRole, "active"},     {CapacityRole, "capacity"},
            {LoadTextRole, "loadText"},   {IsMeRole, "isMe"}};
}

QVariant OperatorListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Operator &o = m_rows.at(index.row());
    switch (Role(role)) {
    case UserIdRole:
        return o.id;
    case LoginRole:
        return o.login;
    case DisplayNameRole:
        return o.displayName.isEmpty() ? o.login : o.displayName;
    case InitialsRole:
        return format::initials(o.displayName.isEmpty() ? o.login : o.displayName);
    case RoleNameRole:
        return o.role;
    case PresenceRole:
        return o.connected ? o.presence : u"offline"_s;
    case ConnectedRole:
        return o.connected;
    case ActiveRole:
        return o.active;
    case CapacityRole:
        return o.capacity;
    case LoadTextRole:
        return u"%1 / %2"_s.arg(o.active).arg(o.capacity);
    case IsMeRole:
        return o.id == m_me;
    }
    return {};
}

void OperatorListModel::reset(const QJsonArray &operators)
{
    beginResetModel();
    m_rows.clear();
    for (const QJsonValue &v : operators) {
        const QJsonObject j = v.toObject();
        Operator o;
        o.id = j.value(u"id"_s).toInteger();
        o.login = j.value(u"login"_s).toString();
        o.displayName = j.value(u"display_name"_s).toString();
        o.role = j.value(u"role"_s).toString();
        o.presence = j.value(u"presence"_s).toString(u"offline"_s);
        o.connected = j.value(u"connected"_s).toBool();
        o.active = j.value(u"active"_s).toInt();
        o.capacity = j.value(u"capacity"_s).toInt();
        if (o.id > 0)
            m_rows.append(o);
    }
    endResetModel();
    Q_EMIT countChanged();
    Q_EMIT namesChanged();
    Q_EMIT onlineCountChanged();
}

void OperatorListModel::setPresence(qint64 userId, const QString &presence)
{
    const int row = rowOf(userId);
    if (row < 0)
        return;
    m_rows[row].presence = presence;
    // Someone who sets a presence is connected.
    m_rows[row].connected = true;
    Q_EMIT dataChanged(index(row), index(row), {PresenceRole, ConnectedRole});
    Q_EMIT onlineCountChanged();
}

void OperatorListModel::applyStats(const QJsonObject &stats)
{
    for (const QJsonValue &q : stats.value(u"queues"_s).toArray()) {
        for (const QJsonValue &m : q.toObject().value(u"members"_s).toArray()) {
            const QJsonObject member = m.toObject();
            const int row = rowOf(member.value(u"user_id"_s).toInteger());
            if (row < 0)
                continue;
            Operator &o = m_rows[row];
            o.presence = member.value(u"presence"_s).toString(o.presence);
            o.connected = o.presence != u"offline"_s || o.connected;
            o.active = member.value(u"active"_s).toInt(o.active);
            o.capacity = member.value(u"capacity"_s).toInt(o.capacity);
            Q_EMIT dataChanged(index(row), index(row));
        }
    }
    Q_EMIT onlineCountChanged();
}

int OperatorListModel::onlineCount() const
{
    return int(std::count_if(m_rows.begin(), m_rows.end(),
                             [](const Operator &o) { return o.connected && o.presence == u"online"_s; }));
}

QString OperatorListModel::nameOf(qint64 userId) const
{
    const Operator *o = find(userId);
    return o ? (o->displayName.isEmpty() ? o->login : o->displayName) : QString();
}

const OperatorListModel::Operator *OperatorListModel::find(qint64 userId) const
{
    const int row = rowOf(userId);
    return row >= 0 ? &m_rows.at(row) : nullptr;
}

int OperatorListModel::rowOf(qint64 userId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).id == userId)
            return i;
    }
    return -1;
}

} // namespace era::desk
