// What the bot sends: sendMessage, sendPhoto, sendDocument, setMessageReaction, with Telegram's checks and
// errors.
#include "FakeTelegramPrivate.h"
#include "TelegramObjects.h"

#include <QMimeDatabase>

using namespace FakeTelegramState;
using TelegramObjects::extensionOf;

std::optional<FakeTelegram::Private::ApiResult>
FakeTelegram::Private::checkSendable(Bot &bot, const QJsonObject &params, Chat *&target, bool isSend)
{
    const QJsonValue chatId = params.value(QStringLiteral("chat_id"));
    if (!chatId.isDouble() && chatId.toString().isEmpty())
        return badRequest(QStringLiteral("chat_id is empty"));
    target = chat(bot, chatId);
    if (!target)
        return badRequest(QStringLiteral("chat not found"));
    const qint64 id = target->chat.value(QStringLiteral("id")).toInteger();
    if (blockedChats.contains(id))
        return fail(403, QStringLiteral("Forbidden: bot was blocked by the user"));
    if (isSend && bot.floodLimit) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        while (!bot.recentSendsMs.isEmpty() && now - bot.recentSendsMs.constFirst() >= 1000)
            bot.recentSendsMs.removeFirst();
        // Measured on arrival, so a request sent on time but delayed a little on the way (a loaded machine
        // running the suite) is not taken for flooding: Telegram's limit is not exact to the millisecond
        // either.
        if (target->lastSendMs != 0 && now - target->lastSendMs < 900)
            return fail(429, QStringLiteral("Too Many Requests: retry after 1"), 1);
        if (bot.recentSendsMs.size() >= 30)
            return fail(429, QStringLiteral("Too Many Requests: retry after 1"), 1);
        target->lastSendMs = now;
        bot.recentSendsMs.append(now);
    }
    return std::nullopt;
}

std::optional<FakeTelegram::Private::ApiResult>
FakeTelegram::Private::replyTarget(Chat &chat, const QJsonObject &params, QJsonObject &target)
{
    QJsonObject reply = params.value(QStringLiteral("reply_parameters")).toObject();
    if (reply.isEmpty() && params.contains(QStringLiteral("reply_to_message_id"))) {
        reply.insert(QStringLiteral("message_id"), params.value(QStringLiteral("reply_to_message_id")));
        reply.insert(QStringLiteral("allow_sending_without_reply"),
                     params.value(QStringLiteral("allow_sending_without_reply")));
    }
    if (reply.isEmpty())
        return std::nullopt;
    const int messageId = reply.value(QStringLiteral("message_id")).toInt();
    const auto it = chat.messages.find(messageId);
    if (it != chat.messages.end()) {
        target = it->second;
        target.remove(QStringLiteral("reply_to_message")); // never nested, as documented
        return std::nullopt;
    }
    if (reply.value(QStringLiteral("allow_sending_without_reply")).toBool())
        return std::nullopt;
    return badRequest(QStringLiteral("message to be replied not found"));
}

QJsonObject FakeTelegram::Private::newBotMessage(Bot &bot, Chat &chat)
{
    return QJsonObject{{QStringLiteral("message_id"), chat.nextMessageId++},
                       {QStringLiteral("from"), botUserOf(bot)},
                       {QStringLiteral("chat"), chat.chat},
                       {QStringLiteral("date"), QDateTime::currentSecsSinceEpoch()}};
}

FakeTelegram::Private::ApiResult FakeTelegram::Private::commitBotMessage(Bot &bot, Chat &chat,
                                                                         QJsonObject message)
{
    chat.messages[message.value(QStringLiteral("message_id")).toInt()] = message;
    chat.sent.append(message);
    Q_EMIT q->botSentMessage(bot.token, chat.chat.value(QStringLiteral("id")).toInteger(), message);
    return ok(message);
}

namespace {

std::optional<ApiResult> formattedText(const QJsonObject &params, const QString &field, int maxLength,
                                       QString &text)
{
    const QString parseMode = params.value(QStringLiteral("parse_mode")).toString();
    text = params.value(field).toString();
    if (parseMode == QLatin1String("HTML"))
        text = TelegramObjects::plainTextOfHtml(text);
    else if (!parseMode.isEmpty() && parseMode != QLatin1String("Markdown") &&
             parseMode != QLatin1String("MarkdownV2"))
        return badRequest(QStringLiteral("unsupported parse_mode"));
    if (text.size() > maxLength)
        return badRequest(field == QLatin1String("text") ? QStringLiteral("message is too long")
                                                         : QStringLiteral("message caption is too long"));
    return std::nullopt;
}

} // namespace

FakeTelegram::Private::ApiResult FakeTelegram::Private::sendMessage(Bot &bot, const QJsonObject &params)
{
    Chat *target = nullptr;
    if (params.value(QStringLiteral("text")).toString().trimmed().isEmpty()) {
        if (!chat(bot, params.value(QStringLiteral("chat_id"))))
            return badRequest(QStringLiteral("chat not found"));
        return badRequest(QStringLiteral("message text is empty"));
    }
    QString text;
    if (auto error = formattedText(params, QStringLiteral("text"), FakeTelegram::kMaxTextLength, text))
        return *error;
    if (auto error = checkSendable(bot, params, target, true))
        return *error;
    QJsonObject replyTo;
    if (auto error = replyTarget(*target, params, replyTo))
        return *error;
    QJsonObject message = newBotMessage(bot, *target);
    message.insert(QStringLiteral("text"), text);
    if (!replyTo.isEmpty())
        message.insert(QStringLiteral("reply_to_message"), replyTo);
    return commitBotMessage(bot, *target, message);
}

FakeTelegram::Private::ApiResult FakeTelegram::Private::sendMedia(Bot &bot, const QString &field,
                                                                  const BotApiRequest &request)
{
    const QJsonObject &params = request.params;
    Chat *target = nullptr;
    QString caption;
    if (auto error =
            formattedText(params, QStringLiteral("caption"), FakeTelegram::kMaxCaptionLength, caption))
        return *error;
    // The file: an upload under the field's name, an attach://<name> upload, a known file_id or an HTTP URL.
    QString uploadField = field;
    const QString given = params.value(field).toString();
    if (given.startsWith(QLatin1String("attach://")))
        uploadField = given.mid(9);
    const FakeTelegramUpload *upload = nullptr;
    for (const FakeTelegramUpload &candidate : request.uploads) {
        if (candidate.field == uploadField)
            upload = &candidate;
    }
    if (!upload && given.isEmpty())
        return badRequest(QStringLiteral("there is no %1 in the request").arg(field));
    QString fileId;
    QString fileName;
    QString mimeType;
    if (upload) {
        fileName = upload->fileName;
        mimeType = upload->mimeType;
        if (mimeType.isEmpty() || mimeType == QLatin1String("application/octet-stream"))
            mimeType = QMimeDatabase().mimeTypeForFileNameAndData(fileName, upload->bytes).name();
    } else if (files.contains(given)) {
        fileId = given;
    } else { // URLs were fetched into an upload before dispatch
        return badRequest(QStringLiteral("wrong file identifier/HTTP URL specified"));
    }
    if (auto error = checkSendable(bot, params, target, true))
        return *error;
    QJsonObject replyTo;
    if (auto error = replyTarget(*target, params, replyTo))
        return *error;
    const QByteArray bytes = upload ? upload->bytes : QByteArray();
    const QString prefix =
        field == QLatin1String("photo") ? QStringLiteral("photos") : QStringLiteral("documents");
    if (fileId.isEmpty())
        fileId = newFileId(prefix, extensionOf(fileName, mimeType), bytes, -1);
    const FakeTelegramState::File &file = files[fileId];
    QJsonObject message = newBotMessage(bot, *target);
    QJsonObject described{{QStringLiteral("file_id"), fileId},
                          {QStringLiteral("file_unique_id"), file.uniqueId}};
    if (file.size > 0)
        described.insert(QStringLiteral("file_size"), file.size);
    if (field == QLatin1String("photo")) {
        QSize size = TelegramObjects::imageSize(file.bytes);
        if (!size.isValid())
            size = QSize(800, 600);
        described.insert(QStringLiteral("width"), size.width());
        described.insert(QStringLiteral("height"), size.height());
        message.insert(QStringLiteral("photo"), QJsonArray{described});
    } else {
        if (!fileName.isEmpty())
            described.insert(QStringLiteral("file_name"), fileName);
        if (!mimeType.isEmpty())
            described.insert(QStringLiteral("mime_type"), mimeType);
        message.insert(QStringLiteral("document"), described);
    }
    if (!caption.isEmpty())
        message.insert(QStringLiteral("caption"), caption);
    if (!replyTo.isEmpty())
        message.insert(QStringLiteral("reply_to_message"), replyTo);
    return commitBotMessage(bot, *target, message);
}

FakeTelegram::Private::ApiResult FakeTelegram::Private::setMessageReaction(Bot &bot,
                                                                           const QJsonObject &params)
{
    Chat *target = nullptr;
    if (auto error = checkSendable(bot, params, target, false))
        return *error;
    const int messageId = params.value(QStringLiteral("message_id")).toInt();
    if (target->messages.find(messageId) == target->messages.end())
        return badRequest(QStringLiteral("message to react not found"));
    const QJsonValue reactionValue = params.value(QStringLiteral("reaction"));
    if (!reactionValue.isUndefined() && !reactionValue.isArray())
        return badRequest(QStringLiteral("can't parse reaction types JSON object"));
    const QJsonArray reaction = reactionValue.toArray();
    if (reaction.size() > 1) // bots may set at most one reaction
        return badRequest(QStringLiteral("REACTIONS_TOO_MANY"));
    for (const QJsonValue &value : reaction) {
        const QJsonObject type = value.toObject();
        const QString kind = type.value(QStringLiteral("type")).toString();
        if (kind == QLatin1String("emoji") &&
            TelegramObjects::isAllowedReactionEmoji(type.value(QStringLiteral("emoji")).toString()))
            continue;
        if (kind == QLatin1String("custom_emoji") && type.value(QStringLiteral("custom_emoji_id")).isString())
            continue;
        return badRequest(QStringLiteral("REACTION_INVALID"));
    }
    target->botReactions[messageId] = reaction;
    Q_EMIT q->botReacted(bot.token, target->chat.value(QStringLiteral("id")).toInteger(), messageId,
                         reaction);
    return ok(true);
}
