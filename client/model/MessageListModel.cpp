#include "model/MessageListModel.h"

#include "model/TextFormat.h"

#include <QCoreApplication>
#include <QUrlQuery>
#include <era/content/Preview.h>

using namespace Qt::StringLiterals;
using namespace era::content;

namespace era::desk {

namespace {

constexpr qint64 GroupWindowMs = 5 * 60 * 1000;

// The attachment of a media body, or null.
const Attachment *fileOf(const Body &body)
{
    return std::visit(
        [](const auto &b) -> const Attachment * {
            if constexpr (requires { b.file; })
                return &b.file;
            else
                return nullptr;
        },
        body);
}

QString captionOf(const Body &body)
{
    return std::visit(
        [](const auto &b) -> QString {
            if constexpr (requires { b.caption; })
                return b.caption;
            else
                return {};
        },
        body);
}

// What the text role shows for each kind.
QString textOf(const Content &c)
{
    if (const auto *t = std::get_if<Text>(&c.body))
        return t->text;
    if (const auto *s = std::get_if<System>(&c.body))
        return s->text;
    if (const auto *u = std::get_if<Unsupported>(&c.body))
        return u->note;
    return captionOf(c.body);
}

QString fallbackFileName(Kind kind)
{
    switch (kind) {
    case Kind::Image:
        return QCoreApplication::translate("MessageListModel", "Photo");
    case Kind::Video:
        return QCoreApplication::translate("MessageListModel", "Video");
    case Kind::Audio:
        return QCoreApplication::translate("MessageListModel", "Audio");
    case Kind::Voice:
        return QCoreApplication::translate("MessageListModel", "Voice message");
    case Kind::Sticker:
        return QCoreApplication::translate("MessageListModel", "Sticker");
    default:
        return QCoreApplication::translate("MessageListModel", "File");
    }
}

} // namespace

MessageListModel::MessageListModel(QObject *parent) : QAbstractListModel(parent) {}

int MessageListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QHash<int, QByteArray> MessageListModel::roleNames() const
{
    return {
        {MessageIdRole, "messageId"},
        {ClientIdRole, "clientId"},
        {DirectionRole, "direction"},
        {OutgoingRole, "outgoing"},
        {AuthorNameRole, "authorName"},
        {MineRole, "mine"},
        {KindRole, "kind"},
        {TextRole, "text"},
        {RichTextRole, "richText"},
        {EmojiOnlyRole, "emojiOnly"},
        {FileIdRole, "fileId"},
        {FileStateRole, "fileState"},
        {FileReasonRole, "fileReason"},
        {FileNameRole, "fileName"},
        {FileSizeRole, "fileSize"},
        {FileSizeTextRole, "fileSizeText"},
        {MimeTypeRole, "mimeType"},
        {MediaWidthRole, "mediaWidth"},
        {MediaHeightRole, "mediaHeight"},
        {DurationTextRole, "durationText"},
        {FileUrlRole, "fileUrl"},
        {ThumbnailUrlRole, "thumbnailUrl"},
        {StickerEmojiRole, "stickerEmoji"},
        {LatitudeRole, "latitude"},
        {LongitudeRole, "longitude"},
        {LocationTitleRole, "locationTitle"},
        {AddressRole, "address"},
        {MapUrlRole, "mapUrl"},
        {ContactNameRole, "contactName"},
        {ContactPhoneRole, "contactPhone"},
        {ReplyToIdRole, "replyToId"},
        {ReplyAuthorRole, "replyAuthor"},
        {ReplySnippetRole, "replySnippet"},
        {ReactionsRole, "reactions"},
        {EditedRole, "edited"},
        {DeletedRole, "deleted"},
        {ForwardedRole, "forwarded"},
        {ForwardedFromRole, "forwardedFrom"},
        {StatusRole, "status"},
        {FailureRole, "failure"},
        {UploadProgressRole, "uploadProgress"},
        {CreatedAtRole, "createdAt"},
        {TimeTextRole, "timeText"},
        {DayTextRole, "dayText"},
        {FirstOfDayRole, "firstOfDay"},
        {GroupedWithOlderRole, "groupedWithOlder"},
    };
}

QVariant MessageListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const DeskMessage &m = m_rows.at(row);
    const Content &c = m.content;
    const Attachment *file = fileOf(c.body);
    const auto *location = std::get_if<Location>(&c.body);
    const auto *contact = std::get_if<Contact>(&c.body);
    const DeskMessage *older = row + 1 < m_rows.size() ? &m_rows.at(row + 1) : nullptr;

    switch (Role(role)) {
    case MessageIdRole:
        return m.id;
    case ClientIdRole:
        return m.clientId;
    case DirectionRole:
        return m.direction;
    case OutgoingRole:
        return m.isOutgoing();
    case AuthorNameRole:
        return authorName(m);
    case MineRole:
        return !m_me.isEmpty() && m.author == m_me;
    case KindRole:
        return kindName(c.kind());
    case TextRole:
        return textOf(c);
    case RichTextRole:
        return format::linkify(textOf(c));
    case EmojiOnlyRole: {
        const auto *t = std::get_if<Text>(&c.body);
        return t && t->emojiOnly;
    }
    case FileIdRole:
        return file ? file->fileId : QString();
    case FileStateRole:
        return file ? attachmentStateName(file->state) : QString();
    case FileReasonRole:
        return file ? file->stateReason : QString();
    case FileNameRole:
        return file ? (file->fileName.isEmpty() ? fallbackFileName(c.kind()) : file->fileName) : QString();
    case FileSizeRole:
        return file && file->sizeBytes ? *file->sizeBytes : qint64(-1);
    case FileSizeTextRole:
        return file && file->sizeBytes ? format::size(*file->sizeBytes) : QString();
    case MimeTypeRole:
        return file ? file->mimeType : QString();
    case MediaWidthRole:
        return file ? file->width.value_or(0) : 0;
    case MediaHeightRole:
        return file ? file->height.value_or(0) : 0;
    case DurationTextRole:
        return file && file->durationSeconds ? format::duration(*file->durationSeconds) : QString();
    case FileUrlRole:
        if (!file || file->fileId.isEmpty() || m_fileBase.isEmpty())
            return QUrl();
        return m_fileBase.resolved(QUrl(u"api/v1/files/"_s + file->fileId));
    case ThumbnailUrlRole: {
        if (!file || m_fileBase.isEmpty())
            return QUrl();
        if (!file->thumbnailFileId.isEmpty())
            return m_fileBase.resolved(QUrl(u"api/v1/files/"_s + file->thumbnailFileId));
        const bool picture =
            c.kind() == Kind::Image || (c.kind() == Kind::Sticker && !file->mimeType.isEmpty());
        if (!picture || file->fileId.isEmpty())
            return QUrl();
        QUrl url = m_fileBase.resolved(QUrl(u"api/v1/files/"_s + file->fileId));
        url.setQuery(u"thumbnail=1"_s);
        return url;
    }
    case StickerEmojiRole: {
        const auto *s = std::get_if<Sticker>(&c.body);
        return s ? s->emoji : QString();
    }
    case LatitudeRole:
        return location ? location->latitude : 0.0;
    case LongitudeRole:
        return location ? location->longitude : 0.0;
    case LocationTitleRole:
        return location ? location->title : QString();
    case AddressRole:
        return location ? location->address : QString();
    case MapUrlRole:
        return location ? format::mapUrl(location->latitude, location->longitude) : QUrl();
    case ContactNameRole:
        return contact ? contact->displayName : QString();
    case ContactPhoneRole:
        return contact ? contact->phone : QString();
    case ReplyToIdRole:
        return c.replyTo ? c.replyTo->messageId : qint64(0);
    case ReplyAuthorRole:
        return c.replyTo ? c.replyTo->authorName : QString();
    case ReplySnippetRole: {
        if (!c.replyTo)
            return QString();
        if (!c.replyTo->snippet.isEmpty())
            return c.replyTo->snippet;
        Content quoted;
        quoted.body = emptyBody(c.replyTo->kind);
        return plainPreview(quoted, 80);
    }
    case ReactionsRole:
        return reactions(m);
    case EditedRole:
        return c.editedAt.has_value();
    case DeletedRole:
        return c.isDeleted();
    case ForwardedRole:
        return c.forwardedFrom.has_value();
    case ForwardedFromRole:
        return c.forwardedFrom ? c.forwardedFrom->name : QString();
    case StatusRole:
        return m.status;
    case FailureRole:
        return m.failure;
    case UploadProgressRole:
        return m.uploadProgress;
    case CreatedAtRole:
        return m.createdAt;
    case TimeTextRole:
        return format::clock(m.createdAt);
    case DayTextRole:
        return format::day(m.createdAt.toLocalTime().date(), QDate::currentDate());
    case FirstOfDayRole:
        return !older || older->createdAt.toLocalTime().date() != m.createdAt.toLocalTime().date();
    case GroupedWithOlderRole:
        return older && older->author == m.author && older->direction == m.direction &&
               older->createdAt.toLocalTime().date() == m.createdAt.toLocalTime().date() &&
               older->createdAt.msecsTo(m.createdAt) < GroupWindowMs;
    }
    return {};
}

QString MessageListModel::authorName(const DeskMessage &m) const
{
    if (m.direction == u"system"_s)
        return {};
    const QString name = m_names ? m_names(m.author) : QString();
    return name.isEmpty() ? m.author : name;
}

QVariantList MessageListModel::reactions(const DeskMessage &m) const
{
    // One chip per emoji, in order of first use, with a count and whether we are among those who chose it.
    QVariantList chips;
    QList<QString> order;
    QHash<QString, std::pair<int, bool>> counts;
    for (const Reaction &r : m.content.reactions) {
        auto &entry = counts[r.emoji];
        if (entry.first == 0)
            order.append(r.emoji);
        ++entry.first;
        entry.second = entry.second || (r.actor.type == Actor::Type::User && r.actor.toString() == m_me);
    }
    for (const QString &emoji : order) {
        const auto &[count, mine] = counts.value(emoji);
        chips.append(QVariantMap{{u"emoji"_s, emoji}, {u"count"_s, count}, {u"mine"_s, mine}});
    }
    return chips;
}

bool MessageListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_hasMore && !m_loadingOlder;
}

void MessageListModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    setLoadingOlder(true);
    Q_EMIT olderRequested(oldestStoredId());
}

int MessageListModel::localCount() const
{
    int n = 0;
    while (n < m_rows.size() && m_rows.at(n).isLocal())
        ++n;
    return n;
}

void MessageListModel::resetStored(const QList<DeskMessage> &newestFirst, bool hasMore)
{
    beginResetModel();
    QList<DeskMessage> rows = m_rows.mid(0, localCount());
    rows.reserve(rows.size() + newestFirst.size());
    for (const DeskMessage &m : newestFirst) {
        // A local message already stored meanwhile gives way to the stored copy.
        if (!m.clientId.isEmpty())
            rows.removeIf([&](const DeskMessage &l) { return l.isLocal() && l.clientId == m.clientId; });
        rows.append(m);
    }
    m_rows = std::move(rows);
    endResetModel();
    setLoadingOlder(false);
    setHasMore(hasMore);
    Q_EMIT countChanged();
}

void MessageListModel::appendOlder(const QList<DeskMessage> &newestFirst, bool hasMore)
{
    const qint64 oldest = oldestStoredId();
    QList<DeskMessage> older;
    for (const DeskMessage &m : newestFirst) {
        if (oldest == 0 || m.id < oldest)
            older.append(m);
    }
    if (!older.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(older.size()) - 1);
        m_rows.append(older);
        endInsertRows();
        if (first > 0)
            touchNeighbours(first - 1);
        Q_EMIT countChanged();
    }
    setLoadingOlder(false);
    setHasMore(hasMore);
}

void MessageListModel::olderFailed()
{
    setLoadingOlder(false);
}

int MessageListModel::insertionRow(qint64 id) const
{
    int row = localCount();
    while (row < m_rows.size() && m_rows.at(row).id > id)
        ++row;
    return row;
}

void MessageListModel::upsert(const DeskMessage &message)
{
    if (const int row = rowOfMessage(message.id); row >= 0) {
        m_rows[row] = message;
        Q_EMIT dataChanged(index(row), index(row));
        return;
    }
    if (!message.clientId.isEmpty()) {
        if (const int local = rowOfClientId(message.clientId); local >= 0 && m_rows.at(local).isLocal()) {
            beginRemoveRows({}, local, local);
            m_rows.removeAt(local);
            endRemoveRows();
        }
    }
    // An older message we have not paged to yet stays out: paging brings it in its place.
    const int row = insertionRow(message.id);
    if (row == m_rows.size() && m_hasMore && row > localCount()) {
        Q_EMIT countChanged();
        return;
    }
    beginInsertRows({}, row, row);
    m_rows.insert(row, message);
    endInsertRows();
    touchNeighbours(row);
    Q_EMIT countChanged();
}

void MessageListModel::setLocal(const DeskMessage &message)
{
    if (const int row = rowOfClientId(message.clientId); row >= 0 && m_rows.at(row).isLocal()) {
        m_rows[row] = message;
        Q_EMIT dataChanged(index(row), index(row));
        return;
    }
    // Newest local first, like the stored ones.
    beginInsertRows({}, 0, 0);
    m_rows.prepend(message);
    endInsertRows();
    touchNeighbours(0);
    Q_EMIT countChanged();
}

void MessageListModel::removeLocal(const QString &clientId)
{
    const int row = rowOfClientId(clientId);
    if (row < 0 || !m_rows.at(row).isLocal())
        return;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    if (row < m_rows.size())
        touchNeighbours(row);
    Q_EMIT countChanged();
}

bool MessageListModel::setStatus(qint64 messageId, const QString &status, const QString &failure)
{
    const int row = rowOfMessage(messageId);
    if (row < 0)
        return false;
    DeskMessage &m = m_rows[row];
    m.status = status;
    m.failure = failure;
    Q_EMIT dataChanged(index(row), index(row), {StatusRole, FailureRole});
    return true;
}

void MessageListModel::setUploadProgress(const QString &clientId, double progress)
{
    const int row = rowOfClientId(clientId);
    if (row < 0)
        return;
    m_rows[row].uploadProgress = progress;
    Q_EMIT dataChanged(index(row), index(row), {UploadProgressRole});
}

void MessageListModel::refreshNames()
{
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1), {AuthorNameRole});
}

void MessageListModel::touchNeighbours(int row)
{
    // The day line and grouping of a row depend on the row below it (older).
    for (int r : {row - 1, row, row + 1}) {
        if (r >= 0 && r < m_rows.size())
            Q_EMIT dataChanged(index(r), index(r), {FirstOfDayRole, GroupedWithOlderRole});
    }
}

int MessageListModel::rowOfMessage(qint64 messageId) const
{
    if (messageId <= 0)
        return -1;
    // Stored rows are ordered by id, newest first: binary search after the local ones.
    int lo = localCount(), hi = int(m_rows.size()) - 1;
    while (lo <= hi) {
        const int mid = (lo + hi) / 2;
        const qint64 id = m_rows.at(mid).id;
        if (id == messageId)
            return mid;
        if (id > messageId)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

int MessageListModel::rowOfClientId(const QString &clientId) const
{
    if (clientId.isEmpty())
        return -1;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).clientId == clientId)
            return i;
    }
    return -1;
}

const DeskMessage *MessageListModel::messageAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

const DeskMessage *MessageListModel::find(qint64 messageId) const
{
    return messageAt(rowOfMessage(messageId));
}

qint64 MessageListModel::newestStoredId() const
{
    const int row = localCount();
    return row < m_rows.size() ? m_rows.at(row).id : 0;
}

qint64 MessageListModel::oldestStoredId() const
{
    return m_rows.isEmpty() || m_rows.last().isLocal() ? 0 : m_rows.last().id;
}

qint64 MessageListModel::newestIncomingId() const
{
    for (const DeskMessage &m : m_rows) {
        if (!m.isLocal() && m.direction == u"in"_s)
            return m.id;
    }
    return 0;
}

void MessageListModel::setHasMore(bool hasMore)
{
    if (m_hasMore == hasMore)
        return;
    m_hasMore = hasMore;
    Q_EMIT hasMoreChanged();
}

void MessageListModel::setLoadingOlder(bool loading)
{
    if (m_loadingOlder == loading)
        return;
    m_loadingOlder = loading;
    Q_EMIT loadingOlderChanged();
}

} // namespace era::desk
