#include "model/DialogListModel.h"

#include "model/TextFormat.h"

#include <QCoreApplication>
#include <era/content/ContentJson.h>
#include <era/content/Preview.h>

using namespace Qt::StringLiterals;

namespace era::desk {

namespace {

QDateTime timeOf(const QJsonObject &o, const QString &key)
{
    return content::timeFromJson(o.value(key).toString());
}

QString sectionName(DialogSummary::Section s)
{
    switch (s) {
    case DialogSummary::Section::Offered:
        return u"offered"_s;
    case DialogSummary::Section::Waiting:
        return u"waiting"_s;
    case DialogSummary::Section::Active:
        return u"active"_s;
    case DialogSummary::Section::Finished:
        return u"finished"_s;
    }
    return {};
}

QString sectionTitle(DialogSummary::Section s)
{
    switch (s) {
    case DialogSummary::Section::Offered:
        return QCoreApplication::translate("DialogListModel", "Offered to you");
    case DialogSummary::Section::Waiting:
        return QCoreApplication::translate("DialogListModel", "Waiting in queues");
    case DialogSummary::Section::Active:
        return QCoreApplication::translate("DialogListModel", "In progress");
    case DialogSummary::Section::Finished:
        return QCoreApplication::translate("DialogListModel", "Finished");
    }
    return {};
}

// The list order: does a come before b?
bool before(const DialogSummary &a, const DialogSummary &b)
{
    if (a.section != b.section)
        return a.section < b.section;
    switch (a.section) {
    case DialogSummary::Section::Offered:
        if (a.offerExpiresAt != b.offerExpiresAt)
            return a.offerExpiresAt < b.offerExpiresAt;
        break;
    case DialogSummary::Section::Waiting:
        if (a.openedAt != b.openedAt)
            return a.openedAt < b.openedAt;
        break;
    case DialogSummary::Section::Active:
        if (a.lastMessageAt != b.lastMessageAt)
            return a.lastMessageAt > b.lastMessageAt;
        break;
    case DialogSummary::Section::Finished:
        if (a.closedAt != b.closedAt)
            return a.closedAt > b.closedAt;
        break;
    }
    return a.id > b.id;
}

} // namespace

DialogSummary DialogSummary::fromJson(const QJsonObject &s)
{
    DialogSummary d;
    d.id = s.value(u"id"_s).toInteger();
    d.channelId = s.value(u"channel_id"_s).toInteger();
    d.channelKind = s.value(u"channel_kind"_s).toString();
    d.channelName = s.value(u"channel_name"_s).toString();
    d.subscriberId = s.value(u"subscriber_id"_s).toInteger();
    d.subscriberName = s.value(u"subscriber_name"_s).toString();
    d.subscriberUsername = s.value(u"subscriber_username"_s).toString();
    d.applyDialog(s);
    d.lastMessageId = s.value(u"last_message_id"_s).toInteger();
    d.lastDirection = s.value(u"last_message_direction"_s).toString();
    if (const QJsonValue last = s.value(u"last_message"_s); last.isObject()) {
        auto content = content::fromJson<content::Content>(last.toObject());
        if (content)
            d.lastPreview = content::plainPreview(*content, 120);
    }
    if (d.lastDirection == u"in"_s)
        d.lastIncomingAt = d.lastMessageAt;
    d.unread = s.value(u"unread"_s).toInt();
    d.offerExpiresAt = timeOf(s, u"offer_expires_at"_s);
    d.offerTimeoutSec = s.value(u"offer_timeout_sec"_s).toInt();
    return d;
}

void DialogSummary::applyDialog(const QJsonObject &o)
{
    if (o.contains(u"state"_s))
        state = o.value(u"state"_s).toString();
    if (o.contains(u"queue_id"_s))
        queueId = o.value(u"queue_id"_s).toInteger();
    if (o.contains(u"operator_id"_s))
        operatorId = o.value(u"operator_id"_s).toInteger();
    if (o.contains(u"opened_at"_s))
        openedAt = timeOf(o, u"opened_at"_s);
    if (o.contains(u"assigned_at"_s))
        assignedAt = timeOf(o, u"assigned_at"_s);
    if (o.contains(u"closed_at"_s))
        closedAt = timeOf(o, u"closed_at"_s);
    if (o.contains(u"last_message_at"_s))
        lastMessageAt = timeOf(o, u"last_message_at"_s);
    if (state == u"closed"_s)
        section = Section::Finished;
    else if (state == u"active"_s)
        section = Section::Active;
    else if (section != Section::Offered)
        section = Section::Waiting;
}

DialogListModel::DialogListModel(QObject *parent) : QAbstractListModel(parent) {}

int DialogListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QHash<int, QByteArray> DialogListModel::roleNames() const
{
    return {
        {DialogIdRole, "dialogId"},
        {SectionRole, "section"},
        {SectionTitleRole, "sectionTitle"},
        {ChannelKindRole, "channelKind"},
        {ChannelNameRole, "channelName"},
        {SubscriberNameRole, "subscriberName"},
        {SubscriberUsernameRole, "subscriberUsername"},
        {InitialsRole, "initials"},
        {LastMessageRole, "lastMessage"},
        {LastDirectionRole, "lastDirection"},
        {LastMessageAtRole, "lastMessageAt"},
        {UnreadRole, "unread"},
        {WaitingSinceRole, "waitingSince"},
        {OfferExpiresAtRole, "offerExpiresAt"},
        {OfferTimeoutSecRole, "offerTimeoutSec"},
        {StateRole, "state"},
        {OperatorIdRole, "operatorId"},
        {QueueIdRole, "queueId"},
    };
}

QVariant DialogListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DialogSummary &d = m_rows.at(index.row());
    const QString name = !d.subscriberName.isEmpty() ? d.subscriberName
                         : !d.subscriberUsername.isEmpty()
                             ? u"@"_s + d.subscriberUsername
                             : QCoreApplication::translate("DialogListModel", "Customer");
    switch (Role(role)) {
    case DialogIdRole:
        return d.id;
    case SectionRole:
        return sectionName(d.section);
    case SectionTitleRole:
        return sectionTitle(d.section);
    case ChannelKindRole:
        return d.channelKind;
    case ChannelNameRole:
        return d.channelName;
    case SubscriberNameRole:
        return name;
    case SubscriberUsernameRole:
        return d.subscriberUsername;
    case InitialsRole:
        return format::initials(d.subscriberName.isEmpty() ? d.subscriberUsername : d.subscriberName);
    case LastMessageRole:
        return d.lastPreview;
    case LastDirectionRole:
        return d.lastDirection;
    case LastMessageAtRole:
        return d.lastMessageAt;
    case UnreadRole:
        return d.unread;
    case WaitingSinceRole:
        if (d.section == DialogSummary::Section::Offered || d.section == DialogSummary::Section::Waiting)
            return d.openedAt;
        return d.section == DialogSummary::Section::Active ? d.lastIncomingAt : QDateTime();
    case OfferExpiresAtRole:
        return d.offerExpiresAt;
    case OfferTimeoutSecRole:
        return d.offerTimeoutSec;
    case StateRole:
        return d.state;
    case OperatorIdRole:
        return d.operatorId;
    case QueueIdRole:
        return d.queueId;
    }
    return {};
}

void DialogListModel::reset(QList<DialogSummary> dialogs)
{
    std::stable_sort(dialogs.begin(), dialogs.end(), before);
    // One row per dialog even if the server listed it twice (offered and waiting for a supervisor).
    QList<DialogSummary> unique;
    QSet<qint64> seen;
    for (DialogSummary &d : dialogs) {
        if (!seen.contains(d.id)) {
            seen.insert(d.id);
            unique.append(std::move(d));
        }
    }
    beginResetModel();
    m_rows = std::move(unique);
    endResetModel();
    changed();
}

int DialogListModel::placeFor(const DialogSummary &d, int ignoreRow) const
{
    int place = 0;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (i != ignoreRow && before(m_rows.at(i), d))
            ++place;
    }
    return place;
}

void DialogListModel::settle(int row)
{
    const int place = placeFor(m_rows.at(row), row);
    if (place == row)
        return;
    // beginMoveRows counts the destination before the move.
    const int destination = place > row ? place + 1 : place;
    beginMoveRows({}, row, row, {}, destination);
    m_rows.move(row, place);
    endMoveRows();
}

void DialogListModel::upsert(const DialogSummary &dialog)
{
    const int row = rowOf(dialog.id);
    if (row < 0) {
        const int place = placeFor(dialog, -1);
        beginInsertRows({}, place, place);
        m_rows.insert(place, dialog);
        endInsertRows();
    } else {
        m_rows[row] = dialog;
        Q_EMIT dataChanged(index(row), index(row));
        settle(row);
    }
    changed();
}

bool DialogListModel::update(qint64 id, const std::function<void(DialogSummary &)> &change)
{
    const int row = rowOf(id);
    if (row < 0)
        return false;
    change(m_rows[row]);
    Q_EMIT dataChanged(index(row), index(row));
    settle(row);
    changed();
    return true;
}

void DialogListModel::remove(qint64 id)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    changed();
}

const DialogSummary *DialogListModel::find(qint64 id) const
{
    const int row = rowOf(id);
    return row >= 0 ? &m_rows.at(row) : nullptr;
}

QList<qint64> DialogListModel::ids() const
{
    QList<qint64> out;
    out.reserve(m_rows.size());
    for (const DialogSummary &d : m_rows)
        out.append(d.id);
    return out;
}

int DialogListModel::rowOf(qint64 id) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).id == id)
            return i;
    }
    return -1;
}

qint64 DialogListModel::neighbour(qint64 id, int step) const
{
    QList<qint64> open;
    for (const DialogSummary &d : m_rows) {
        if (d.section != DialogSummary::Section::Finished)
            open.append(d.id);
    }
    if (open.isEmpty())
        return 0;
    const qsizetype at = open.indexOf(id);
    if (at < 0)
        return step >= 0 ? open.first() : open.last();
    const qsizetype n = open.size();
    return open.at(((at + step) % n + n) % n);
}

int DialogListModel::unreadTotal() const
{
    return m_unreadTotal;
}

int DialogListModel::offeredCount() const
{
    return int(std::count_if(m_rows.begin(), m_rows.end(), [](const DialogSummary &d) {
        return d.section == DialogSummary::Section::Offered;
    }));
}

int DialogListModel::activeCount() const
{
    return int(std::count_if(m_rows.begin(), m_rows.end(), [](const DialogSummary &d) {
        return d.section == DialogSummary::Section::Active;
    }));
}

int DialogListModel::mineCount() const
{
    return int(std::count_if(m_rows.begin(), m_rows.end(), [this](const DialogSummary &d) {
        return d.section == DialogSummary::Section::Active && d.operatorId == m_me;
    }));
}

void DialogListModel::changed()
{
    int total = 0;
    for (const DialogSummary &d : m_rows) {
        if (d.section != DialogSummary::Section::Finished)
            total += d.unread;
    }
    Q_EMIT countChanged();
    if (total != m_unreadTotal) {
        m_unreadTotal = total;
        Q_EMIT unreadTotalChanged();
    }
}

} // namespace era::desk
