#pragma once

#include "accounts/User.h"
#include "core/Result.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <functional>

namespace era::storage {
class Database;
}

namespace era::queues {

template <typename T>
using Reply = std::function<void(Result<T>)>;

enum class Presence { Offline, Away, Online };
QString presenceName(Presence p);
std::optional<Presence> presenceFromName(const QString &name);

struct Queue {
    qint64 id = 0;
    QString name;
    int offerTimeoutSec = 30;
    QList<std::pair<qint64, int>> members; // user id, skill
    QJsonObject toJson() const;
};

// Who serves which waiting dialog. Keeps in memory, rebuilt from the database at start: the waiting dialogs
// of each queue (oldest first), each operator's presence, capacity and load, and the open offers. A waiting
// dialog is offered to one eligible operator (member of the queue, online, below capacity, has not declined
// it), longest idle first; an offer that is not accepted within the queue's timeout, or is declined, goes to
// the next one. Accepting assigns the dialog in the database. When an operator's last connection goes, their
// offers return at once and their active dialogs after the grace period.
class QueueService : public QObject {
    Q_OBJECT
public:
    struct Options {
        int defaultCapacity = 5;
        int disconnectGraceSec = 120;
        int statsIntervalMs = 1000; // at most one queue.stats event per interval, and only after a change
    };
    QueueService(storage::Database &db, Options options, QObject *parent = nullptr);

    // Loads queues, waiting and active dialogs. Blocking: start-up only.
    Status load();

    // Admin: queues and their members.
    void list(const accounts::Principal &actor, QObject *context, Reply<QList<Queue>> done);
    void create(const accounts::Principal &actor, const QString &name, int offerTimeoutSec, QObject *context,
                Reply<Queue> done);
    void setMembers(const accounts::Principal &actor, qint64 queueId,
                    const QList<std::pair<qint64, int>> &members, QObject *context, Reply<Queue> done);
    void setCapacity(const accounts::Principal &actor, qint64 userId, int capacity, QObject *context,
                     Reply<Done> done);

    // Blocking forms for the command line (another process: nothing in memory here changes).
    static Result<Queue> createNow(storage::Database &db, const QString &name, int offerTimeoutSec);
    static Result<QList<Queue>> listNow(storage::Database &db);
    static Result<Queue> setMembersNow(storage::Database &db, const QString &queueName,
                                       const QList<std::pair<QString, int>> &loginsAndSkills);

    // The router's hand-off: a new dialog goes to this queue (only while it has none; a second hand-off of
    // the same dialog changes nothing).
    void enqueue(qint64 dialogId, qint64 queueId);

    // Operators.
    void setPresence(const accounts::Principal &actor, Presence presence, QObject *context,
                     Reply<QJsonObject> done);
    void sessionOpened(qint64 userId);
    void sessionClosed(qint64 userId);
    void accept(const accounts::Principal &actor, qint64 dialogId, QObject *context, Reply<QJsonObject> done);
    void decline(const accounts::Principal &actor, qint64 dialogId, QObject *context, Reply<Done> done);
    // A dialog stopped counting against its operator (finished, transferred).
    void released(qint64 dialogId, qint64 operatorId);
    // Transfer: the dialog waits in another queue (it keeps its place by age).
    void requeue(qint64 dialogId, qint64 queueId);
    // A waiting dialog was finished (by a supervisor): it leaves its queue and its offer.
    void closed(qint64 dialogId);
    // Transfer to a person: the dialog now counts against that operator.
    void adopted(qint64 dialogId, qint64 operatorId);
    bool isConnected(qint64 userId) const { return m_operators.value(userId).sessions > 0; }

    bool isOfferedTo(qint64 dialogId, qint64 userId) const;
    QList<qint64> offersOf(qint64 userId) const;
    // An offer as its operator's client shows it: the countdown that ends at `expiresAt`.
    struct OfferTerms {
        qint64 dialogId = 0;
        qint64 expiresAt = 0;
        int timeoutSec = 0;
    };
    QList<OfferTerms> offerTermsOf(qint64 userId) const;
    // The waiting position (1 = next) of a dialog, 0 when it is not waiting.
    int positionOf(qint64 dialogId) const;

    // Live figures per queue for supervisors.
    QJsonObject stats() const;
    void statsFor(const accounts::Principal &actor, QObject *context, Reply<QJsonObject> done);
    // Every enabled user with their presence, connection, load and capacity, by display name: whom a dialog
    // can be transferred to, and who wrote a message. Any signed-in user may ask.
    void listOperators(QObject *context, Reply<QJsonObject> done);

private:
    struct Operator {
        Presence presence = Presence::Offline;
        int sessions = 0;
        int capacity = 0; // 0: the default
        QSet<qint64> active;
        qint64 idleSince = 0; // when the operator last got free capacity; longest idle goes first
        qint64 offlineSince = 0;
    };
    struct Waiting {
        qint64 dialogId = 0;
        qint64 openedAt = 0;
    };
    struct Offer {
        qint64 dialogId = 0;
        qint64 queueId = 0;
        qint64 operatorId = 0;
        qint64 expiresAt = 0;
        int timeoutSec = 0;
        QSet<qint64> declinedBy;
    };

    // Writes the dialog's queue and puts it in line by age; with onlyWithoutQueue, only when it had none.
    void place(qint64 dialogId, qint64 queueId, bool onlyWithoutQueue);
    void dispatch();
    void offer(Offer &o, qint64 operatorId);
    void withdraw(qint64 dialogId, const QString &why);
    void expireOffers();
    void returnDialogsOf(qint64 userId);
    int capacityOf(const Operator &op) const;
    void statsChanged();
    void publishStats();
    void appendEvent(const QString &name, const QStringList &audience, const QJsonObject &data);
    void removeWaiting(qint64 dialogId);

    storage::Database &m_db;
    Options m_options;
    QHash<qint64, Queue> m_queues;
    QHash<qint64, Operator> m_operators;
    QHash<qint64, QList<Waiting>> m_waiting; // queue -> dialogs, oldest first
    QHash<qint64, qint64> m_queueOf;         // waiting dialog -> queue
    QHash<qint64, Offer> m_offers;           // dialog -> its offer
    QSet<qint64> m_accepting;                // dialogs whose accept is being written
    QTimer m_clock;
    QTimer m_statsTimer;
    bool m_statsDirty = false;
};

} // namespace era::queues
