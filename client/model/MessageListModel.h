#pragma once

#include "model/DeskMessage.h"

#include <QAbstractListModel>
#include <QUrl>
#include <QtQml/qqmlregistration.h>
#include <functional>

namespace era::desk {

// The messages of one dialog, newest first (row 0 is the newest; the view lays them out bottom to top).
// Messages the operator is sending and the server has not stored yet sit on top, above every stored one,
// until the stored copy with the same client id replaces them. Older pages are asked for through
// `fetchMore`, which emits `olderRequested`; the owner answers with `appendOlder`.
class MessageListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("messages belong to a conversation")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(bool hasMore READ hasMore NOTIFY hasMoreChanged)
    Q_PROPERTY(bool loadingOlder READ loadingOlder NOTIFY loadingOlderChanged)
public:
    enum Role {
        MessageIdRole = Qt::UserRole + 1, // qint64: the server's id; 0 while only local
        ClientIdRole,                     // QString: our client id of an outgoing message (may be empty)
        DirectionRole,                    // QString: in | out | system
        OutgoingRole,                     // bool: written by one of us
        AuthorNameRole,                   // QString: the customer's or the colleague's name
        MineRole,                         // bool: written by me
        KindRole,                         // QString: the content kind (text, image, ..., unsupported)
        TextRole,                         // QString: text, caption, system or unsupported note, plain
        RichTextRole,                     // QString: the same as HTML with clickable links, escaped
        EmojiOnlyRole,                    // bool: 1-3 emoji only, shown large
        FileIdRole,                       // QString: stored file id when ready
        FileStateRole,                    // QString: pending | ready | failed | too_large | "" (no file)
        FileReasonRole,                   // QString: why failed / too large
        FileNameRole,                     // QString: the file's name, or a name made from its kind
        FileSizeRole,                     // qint64: bytes, -1 when unknown
        FileSizeTextRole,                 // QString: "1.2 MB"
        MimeTypeRole,                     // QString
        MediaWidthRole,                   // int: pixels, 0 when unknown
        MediaHeightRole,                  // int
        DurationTextRole,                 // QString: "1:15" for audio, voice, video; "" otherwise
        FileUrlRole,                      // QUrl: the file on the server (authenticated), empty unless ready
        ThumbnailUrlRole,                 // QUrl: a small JPEG of an image, empty when there is none
        StickerEmojiRole,                 // QString
        LatitudeRole,                     // double
        LongitudeRole,                    // double
        LocationTitleRole,                // QString: venue name or "Location"
        AddressRole,                      // QString
        MapUrlRole,                       // QUrl: OpenStreetMap at the point
        ContactNameRole,                  // QString
        ContactPhoneRole,                 // QString
        ReplyToIdRole,                    // qint64: the quoted message, 0 when none
        ReplyAuthorRole,                  // QString
        ReplySnippetRole,                 // QString
        ReactionsRole,                    // QVariantList of {emoji, count, mine}
        EditedRole,                       // bool
        DeletedRole,                      // bool
        ForwardedRole,                    // bool: forwarded from somewhere
        ForwardedFromRole,                // QString: the origin's name, "" when not forwarded or hidden
        StatusRole,                       // QString: received | sending | pending | sent | failed
        FailureRole,                      // QString: why delivery failed
        UploadProgressRole,               // double: 0..1 while uploading, -1 otherwise
        CreatedAtRole,                    // QDateTime
        TimeTextRole,                     // QString: "14:05"
        DayTextRole,                      // QString: "Today", "Yesterday", "12 March"
        FirstOfDayRole,                   // bool: the oldest message of its day (a date line above it)
        GroupedWithOlderRole,             // bool: same author as the message above it, within 5 minutes
    };
    Q_ENUM(Role)

    // Names people and colleagues: "subscriber:15" -> "Anna", "user:3" -> "Olga".
    using NameResolver = std::function<QString(const QString &actor)>;

    explicit MessageListModel(QObject *parent = nullptr);

    void setNameResolver(NameResolver resolver) { m_names = std::move(resolver); }
    void setFileBaseUrl(const QUrl &base) { m_fileBase = base; }
    void setMyActor(const QString &actor) { m_me = actor; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    bool hasMore() const { return m_hasMore; }
    bool loadingOlder() const { return m_loadingOlder; }

    // The newest page: replaces every stored message (local ones stay on top).
    void resetStored(const QList<DeskMessage> &newestFirst, bool hasMore);
    // An older page, appended below the oldest.
    void appendOlder(const QList<DeskMessage> &newestFirst, bool hasMore);
    void olderFailed();
    // A stored message, new or changed: replaces the copy with its id, or the local one with its client id.
    void upsert(const DeskMessage &message);
    // A local message being sent; replaces the local one with the same client id.
    void setLocal(const DeskMessage &message);
    void removeLocal(const QString &clientId);
    bool setStatus(qint64 messageId, const QString &status, const QString &failure);
    void setUploadProgress(const QString &clientId, double progress);
    // Names may have changed (operators loaded): refresh every row's author.
    void refreshNames();

    Q_INVOKABLE int rowOfMessage(qint64 messageId) const;
    const DeskMessage *messageAt(int row) const;
    const DeskMessage *find(qint64 messageId) const;
    qint64 newestStoredId() const;
    qint64 oldestStoredId() const;
    qint64 newestIncomingId() const;

Q_SIGNALS:
    void countChanged();
    void hasMoreChanged();
    void loadingOlderChanged();
    void olderRequested(qint64 beforeId);

private:
    int localCount() const;
    int rowOfClientId(const QString &clientId) const;
    int insertionRow(qint64 id) const; // where a stored message with this id belongs
    void touchNeighbours(int row);
    void setHasMore(bool hasMore);
    void setLoadingOlder(bool loading);
    QString authorName(const DeskMessage &m) const;
    QVariantList reactions(const DeskMessage &m) const;

    QList<DeskMessage> m_rows;
    bool m_hasMore = false;
    bool m_loadingOlder = false;
    NameResolver m_names;
    QUrl m_fileBase;
    QString m_me;
};

} // namespace era::desk
