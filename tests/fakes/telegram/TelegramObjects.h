#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QSize>
#include <QString>
#include <QStringList>

// Facts of the Bot API the emulator needs in several places (core.telegram.org/bots/api).
namespace TelegramObjects {

// The field of an Update besides update_id ("message", "edited_message", "message_reaction", ...).
QString updateType(const QJsonObject &update);
// Types Telegram sends only when allowed_updates names them explicitly.
bool isOptInUpdateType(const QString &type);
// ReactionTypeEmoji.emoji accepts only the documented list (variation selectors ignored).
bool isAllowedReactionEmoji(const QString &emoji);
// The text a message shows after HTML formatting is applied (tags removed, entities decoded).
QString plainTextOfHtml(const QString &html);
// Width and height from a PNG or JPEG header; invalid when neither.
QSize imageSize(const QByteArray &bytes);
// File name extension for a stored file: from the name, else the MIME type's usual suffix.
QString extensionOf(const QString &fileName, const QString &mimeType);
// The error envelope: {"ok":false,"error_code":N,"description":"...","parameters":{"retry_after":N}}.
QJsonObject errorEnvelope(int code, const QString &description, int retryAfter = 0);
QJsonObject okEnvelope(const QJsonValue &result);

} // namespace TelegramObjects
