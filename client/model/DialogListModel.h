#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QJsonObject>
#include <QtQml/qqmlregistration.h>
#include <functional>

namespace era::desk {

// One dialog as the list shows it (a summary of docs/protocol.md 5.13, kept current by events).
struct DialogSummary {
    enum class Section { Offered, Waiting, Active, Finished };

    qint64 id = 0;
    qint64 channelId = 0;
    QString channelKind;
    QString channelName;
    qint64 subscriberId = 0;
    QString subscriberName;
    QString subscriberUsername;
    QString state; // waiting | active | closed
    qint64 queueId = 0;
    qint64 operatorId = 0;
    QDateTime openedAt;
    QDateTime assignedAt;
    QDateTime closedAt;
    QDateTime lastMessageAt;
    qint64 lastMessageId = 0;
    QString lastDirection; // in | out | system, empty when there is no message
    QString lastPreview;
    QDateTime lastIncomingAt; // when the customer's unanswered message came (waiting time), else invalid
    int unread = 0;
    QDateTime offerExpiresAt; // valid while offered to me
    int offerTimeoutSec = 0;
    Section section = Section::Active;

    static DialogSummary fromJson(const QJsonObject &summary);
    // Fills what a Dialog object (not a summary) tells: state, queue, operator, times.
    void applyDialog(const QJsonObject &dialog);
};

// Every dialog the desk knows of: offers first (soonest to expire first), then waiting ones (staff),
// active ones (the latest message first), then recently finished ones. Rows move when their order changes.
class DialogListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the session owns the dialog list")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(int unreadTotal READ unreadTotal NOTIFY unreadTotalChanged)
    Q_PROPERTY(int offeredCount READ offeredCount NOTIFY countChanged)
    // Active dialogs in the list (a supervisor sees everyone's there).
    Q_PROPERTY(int activeCount READ activeCount NOTIFY countChanged)
    // Active dialogs served by me: my load, against my capacity.
    Q_PROPERTY(int mineCount READ mineCount NOTIFY countChanged)
public:
    enum Role {
        DialogIdRole = Qt::UserRole + 1, // qint64
        SectionRole,                     // QString: offered | waiting | active | finished
        SectionTitleRole,                // QString: the section heading, translated
        ChannelKindRole,                 // QString: telegram, vk, whatsapp, email, avito, autoru, widget
        ChannelNameRole,                 // QString: the channel's name
        SubscriberNameRole,              // QString: the customer's name (or username, or "Customer")
        SubscriberUsernameRole,          // QString
        InitialsRole,                    // QString: one or two letters for the avatar
        LastMessageRole,                 // QString: one-line preview of the latest message
        LastDirectionRole,               // QString: in | out | system
        LastMessageAtRole,               // QDateTime
        UnreadRole,                      // int: customer messages after my read marker
        WaitingSinceRole,                // QDateTime: since when the customer waits for us, invalid if not
        OfferExpiresAtRole,              // QDateTime: while offered to me
        OfferTimeoutSecRole,             // int
        StateRole,                       // QString: waiting | active | closed
        OperatorIdRole,                  // qint64: 0 when none
        QueueIdRole,                     // qint64: 0 when none
    };
    Q_ENUM(Role)

    explicit DialogListModel(QObject *parent = nullptr);
    void setMe(qint64 userId)
    {
        m_me = userId;
        Q_EMIT countChanged();
    }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void reset(QList<DialogSummary> dialogs);
    // Inserts or replaces by id, then moves the row to its place.
    void upsert(const DialogSummary &dialog);
    // Changes a known dialog in place; false when it is unknown.
    bool update(qint64 id, const std::function<void(DialogSummary &)> &change);
    void remove(qint64 id);
    const DialogSummary *find(qint64 id) const;
    QList<qint64> ids() const;

    Q_INVOKABLE int rowOf(qint64 id) const;
    // The dialog after/before `id` in the list order among offered and active ones (wraps around).
    Q_INVOKABLE qint64 neighbour(qint64 id, int step) const;
    int unreadTotal() const;
    int offeredCount() const;
    int activeCount() const;
    int mineCount() const;

Q_SIGNALS:
    void countChanged();
    void unreadTotalChanged();

private:
    int placeFor(const DialogSummary &d, int ignoreRow) const;
    void settle(int row);
    void changed();

    QList<DialogSummary> m_rows;
    int m_unreadTotal = 0;
    qint64 m_me = 0;
};

} // namespace era::desk
