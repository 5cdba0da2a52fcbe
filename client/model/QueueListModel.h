#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QtQml/qqmlregistration.h>

namespace era::desk {

// The queues the user may see (queues.list) with, for supervisors, their live figures (queue.stats).
class QueueListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the session owns the queue list")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(int waitingTotal READ waitingTotal NOTIFY statsChanged)
    Q_PROPERTY(int longestWaitSec READ longestWaitSec NOTIFY statsChanged)
    Q_PROPERTY(QDateTime statsAt READ statsAt NOTIFY statsChanged)
public:
    enum Role {
        QueueIdRole = Qt::UserRole + 1, // qint64
        NameRole,                       // QString
        OfferTimeoutSecRole,            // int: how long an offer waits for an answer
        MemberCountRole,                // int
        WaitingRole,                    // int: dialogs waiting now (supervisors)
        LongestWaitSecRole,             // int: the oldest waiting dialog's age in seconds
        ActiveDialogsRole,              // int: dialogs members serve now
        OnlineRole,                     // int: members online
        AwayRole,                       // int: members away
        OfflineRole,                    // int: members offline
        MemberIdsRole,                  // QVariantList of qint64
    };
    Q_ENUM(Role)

    explicit QueueListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The `queues` array of queues.list.
    void reset(const QJsonArray &queues);
    // One Queue object (queue.created / queue.updated).
    void upsert(const QJsonObject &queue);
    // A queues.stats result or queue.stats event.
    void applyStats(const QJsonObject &stats);
    QString nameOf(qint64 queueId) const;

    int waitingTotal() const;
    int longestWaitSec() const;
    QDateTime statsAt() const { return m_statsAt; }

Q_SIGNALS:
    void countChanged();
    void statsChanged();

private:
    struct Queue {
        qint64 id = 0;
        QString name;
        int offerTimeoutSec = 0;
        QVariantList memberIds;
        int waiting = 0;
        int longestWaitSec = 0;
        int activeDialogs = 0;
        int online = 0;
        int away = 0;
        int offline = 0;
    };
    static Queue fromJson(const QJsonObject &queue);
    int rowOf(qint64 id) const;

    QList<Queue> m_rows;
    QDateTime m_statsAt;
};

} // namespace era::desk
