#pragma once

#include "core/Result.h"
#include "storage/Connection.h"

#include <QJsonObject>
#include <QString>
#include <era/content/Content.h>
#include <optional>

namespace era::dialogs {

// A stored message as clients see it.
struct MessageRecord {
    qint64 id = 0;
    qint64 dialogId = 0;
    QString direction; // in | out | system
    QString author;    // subscriber:<id> | user:<id> | system
    QString externalId;
    QString clientId;
    content::Content content;
    QString status; // received | pending | sent | failed
    QString failure;
    qint64 createdAt = 0;

    QJsonObject toJson() const;
};

// A conversation with one customer in one channel, from its first message until Finish.
struct DialogRecord {
    qint64 id = 0;
    qint64 channelId = 0;
    qint64 subscriberId = 0;
    QString externalChatId;
    QString state; // waiting | offered | active | closed
    qint64 queueId = 0;
    qint64 operatorId = 0;
    qint64 openedAt = 0;
    qint64 assignedAt = 0;
    qint64 closedAt = 0;
    qint64 lastMessageAt = 0;

    QJsonObject toJson() const;
};

struct SubscriberRecord {
    qint64 id = 0;
    qint64 channelId = 0;
    QString externalId;
    QString name;
    QString username;
    QString language;
    QJsonObject profile;

    QJsonObject toJson() const;
};

// The SQL that reads and writes these records, shared by the dialog services (portable across engines).
namespace records {
extern const QString messageColumns;
extern const QString dialogColumns;
Result<MessageRecord> messageFrom(const QVariantList &row);
DialogRecord dialogFrom(const QVariantList &row);
Result<std::optional<DialogRecord>> dialog(storage::Connection &c, qint64 id);
Result<std::optional<MessageRecord>> message(storage::Connection &c, qint64 id);
Result<std::optional<SubscriberRecord>> subscriber(storage::Connection &c, qint64 id);
// "a.x, a.y" from "x, y": columns of a joined table.
QString prefixed(const QString &columns, const QString &alias);
QString contentText(const content::Content &content);
// Records in message_files the stored files a message shows (its attachment and the attachment's thumbnail),
// for the file rule (dialogs/Access.h). Call it wherever a message's content is written.
Status linkFiles(storage::Connection &c, qint64 messageId, const content::Content &content);
// Who sees what happens in a dialog: its operator (an operator sees only dialogs assigned to them) and
// supervisors. An offer shows a waiting dialog to one operator through its own event.
QStringList audienceOf(const DialogRecord &dialog);
} // namespace records

} // namespace era::dialogs
