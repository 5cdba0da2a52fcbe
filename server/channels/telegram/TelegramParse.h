#pragma once

#include "channels/Connector.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QStringList>
#include <optional>

// Pure translation of Telegram Bot API objects (https://core.telegram.org/bots/api) into the connector's
// canonical events: JSON in, values out, no I/O and no clock, so tests and fuzzers can call it directly.
namespace era::channels::telegram {

// What one Update (or a batch of them) turned into.
struct ParseResult {
    QList<InboundEvent> events;
    // Why an update, or a part of it, produced no event: not about a private customer chat (my_chat_member,
    // a group message, a poll's state...), too broken to place in a dialog, or a custom-emoji reaction.
    // The connector logs them; they are never an error.
    QStringList skipped;
    // The highest update_id seen (also of skipped updates): the next getUpdates offset is this + 1.
    std::optional<qint64> lastUpdateId;
};

// One Update object: message, edited_message or message_reaction become events; anything else is skipped
// with a reason. Message content Telegram has but our model lacks (polls, dice, games, service messages) and
// messages with wrongly typed fields become an Unsupported content with a note, never a crash or a drop.
ParseResult parseUpdate(const QJsonObject &update);

// Telegram numbers messages per chat, so our external id of a message is "<chat_id>:<message_id>", unique in
// the channel. messageIdOf() reads the message number back (a bare number is accepted too).
QString messageKey(const QString &chatId, qint64 messageId);
std::optional<qint64> messageIdOf(const QString &key);

// The `result` array of a getUpdates answer, in order.
ParseResult parseUpdates(const QJsonArray &updates);

// The body of one Message (text, media, location...), without reply / forward / edit metadata.
content::Body parseMessageBody(const QJsonObject &message);

// A User object: id, "first last", username, language_code; is_premium goes into extra.
SubscriberProfile parseUser(const QJsonObject &user);

} // namespace era::channels::telegram
