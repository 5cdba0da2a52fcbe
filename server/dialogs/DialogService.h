#pragma once

#include "accounts/User.h"
#include "core/Result.h"

#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <functional>

namespace era::storage {
class Database;
}
namespace era::queues {
class QueueService;
}

namespace era::dialogs {

template <typename T>
using Reply = std::function<void(Result<T>)>;

// What operators and supervisors do with dialogs: list, open, read the history, mark it read, send, react,
// finish, transfer. The rules live here: an operator reads only dialogs assigned or offered to them and
// writes only to dialogs assigned to them; supervisors and admins read everything. Outgoing messages and
// reactions are stored with an outbox row in the same transaction; `outboxReady` tells the delivery worker.
class DialogService : public QObject {
    Q_OBJECT
public:
    DialogService(storage::Database &db, queues::QueueService &queues, QObject *parent = nullptr);

    // The caller's dialogs: active ones, offered ones, and the most recently finished (supervisors: all
    // open), each with the caller's unread count.
    void list(const accounts::Principal &actor, QObject *context, Reply<QJsonObject> done);
    // One dialog with its channel, its subscriber and the subscriber's earlier dialogs.
    void open(const accounts::Principal &actor, qint64 dialogId, QObject *context, Reply<QJsonObject> done);
    // Messages older than `beforeId` (0: the newest), newest first, at most `limit` (1-200).
    void history(const accounts::Principal &actor, qint64 dialogId, qint64 beforeId, int limit,
                 QObject *context, Reply<QJsonObject> done);
    // Moves the caller's read marker of a dialog forward to `messageId` (never back) and tells the caller's
    // other sessions when it moved.
    void markRead(const accounts::Principal &actor, qint64 dialogId, qint64 messageId, QObject *context,
                  Reply<QJsonObject> done);
    // `content` is the content model's JSON (text, image or document with a stored file id, location);
    // `clientId` makes a resend after a lost reply harmless.
    void send(const accounts::Principal &actor, qint64 dialogId, const QString &clientId,
              const QJsonObject &content, qint64 replyTo, QObject *context, Reply<QJsonObject> done);
    // Sets the caller's reactions on a message (empty: removes them).
    void react(const accounts::Principal &actor, qint64 messageId, const QStringList &emojis,
               QObject *context, Reply<QJsonObject> done);
    void finish(const accounts::Principal &actor, qint64 dialogId, QObject *context, Reply<QJsonObject> done);
    // To a queue (waits there again) or to a connected operator (assigned at once); exactly one of the two.
    void transfer(const accounts::Principal &actor, qint64 dialogId, qint64 toQueue, qint64 toOperator,
                  QObject *context, Reply<QJsonObject> done);

Q_SIGNALS:
    void outboxReady();

private:
    storage::Database &m_db;
    queues::QueueService &m_queues;
};

} // namespace era::dialogs
