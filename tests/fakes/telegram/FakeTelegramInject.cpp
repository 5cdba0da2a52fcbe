// What customers do: building faithful Update objects and queueing them for getUpdates or the webhook.
#include "FakeTelegramPrivate.h"
#include "TelegramObjects.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QMimeDatabase>

using namespace FakeTelegramState;

namespace {

QString mimeOf(const FakeTelegramMedia &media, const QString &fallback)
{
    if (!media.mimeType.isEmpty())
        return media.mimeType;
    if (!media.fileName.isEmpty())
        return QMimeDatabase().mimeTypeForFileNameAndData(media.fileName, media.bytes).name();
    return fallback;
}

qint64 sizeOf(const FakeTelegramMedia &media)
{
    return qMax<qint64>(media.declaredSize, media.bytes.size());
}

QJsonArray emojiReactions(const QStringList &emoji)
{
    QJsonArray reactions;
    for (const QString &e : emoji)
        reactions.append(
            QJsonObject{{QStringLiteral("type"), QStringLiteral("emoji")}, {QStringLiteral("emoji"), e}});
    return reactions;
}

} // namespace

QJsonObject FakeTelegram::loadFixture(const QString &name)
{
    QFile file(QDir(QStringLiteral(ERA_TELEGRAM_FIXTURES_DIR)).filePath(name + QStringLiteral(".json")));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

int FakeTelegram::injectUpdate(const QString &token, QJsonObject update)
{
    Bot *bot = d->bot(token);
    if (!bot)
        return -1;
    const QString type = TelegramObjects::updateType(update);
    const bool allowed = bot->allowedUpdates && !bot->allowedUpdates->isEmpty()
                             ? bot->allowedUpdates->contains(type)
                             : !TelegramObjects::isOptInUpdateType(type);
    if (!allowed)
        return -1;
    for (const QString &key : {QStringLiteral("message"), QStringLiteral("edited_message")}) {
        if (update.value(key).isObject())
            d->rememberMessage(*bot, update.value(key).toObject());
    }
    const int updateId = bot->nextUpdateId++;
    update.insert(QStringLiteral("update_id"), updateId);
    bot->queue.append(update);
    if (!bot->webhookUrl.isEmpty())
        d->deliverWebhook(*bot);
    else
        d->offerToPoll(*bot);
    return updateId;
}

QJsonObject FakeTelegram::injectMessage(const QString &token, const Customer &customer,
                                        const QJsonObject &content)
{
    Bot *bot = d->bot(token);
    if (!bot)
        return {};
    Chat &chat = d->ensureChat(*bot, customer.chat());
    QJsonObject message = content;
    message.insert(QStringLiteral("message_id"), chat.nextMessageId);
    message.insert(QStringLiteral("from"), customer.user());
    message.insert(QStringLiteral("chat"), customer.chat());
    message.insert(QStringLiteral("date"), QDateTime::currentSecsSinceEpoch());
    QJsonObject update{{QStringLiteral("message"), message}};
    const int updateId = injectUpdate(token, update);
    if (updateId < 0)
        return {};
    update.insert(QStringLiteral("update_id"), updateId);
    return update;
}

QJsonObject FakeTelegram::injectText(const QString &token, const Customer &customer, const QString &text)
{
    return injectMessage(token, customer, QJsonObject{{QStringLiteral("text"), text}});
}

QJsonObject FakeTelegram::injectPhoto(const QString &token, const Customer &customer, const Media &media)
{
    QSize full(media.width, media.height);
    if (full.isEmpty())
        full = TelegramObjects::imageSize(media.bytes);
    if (full.isEmpty())
        full = QSize(1280, 960);
    // Telegram offers the photo in several sizes, smallest first; here every size serves the same bytes.
    QJsonArray sizes;
    for (const int side : {90, 320, 800, 1280}) {
        const int longest = qMax(full.width(), full.height());
        const bool last = side >= longest || side == 1280;
        const QSize scaled = last ? full : full.scaled(side, side, Qt::KeepAspectRatio);
        const QString fileId = registerFile(media.bytes, QStringLiteral("photos"),
                                            QStringLiteral("photo.jpg"), media.declaredSize);
        QJsonObject size = fileInfo(fileId);
        size.remove(QStringLiteral("file_path"));
        size.insert(QStringLiteral("width"), scaled.width());
        size.insert(QStringLiteral("height"), scaled.height());
        sizes.append(size);
        if (last)
            break;
    }
    QJsonObject content{{QStringLiteral("photo"), sizes}};
    if (!media.caption.isEmpty())
        content.insert(QStringLiteral("caption"), media.caption);
    return injectMessage(token, customer, content);
}

QJsonObject FakeTelegram::injectDocument(const QString &token, const Customer &customer, const Media &media)
{
    const QString fileName = media.fileName.isEmpty() ? QStringLiteral("file.bin") : media.fileName;
    const QString fileId =
        registerFile(media.bytes, QStringLiteral("documents"), fileName, media.declaredSize);
    QJsonObject document{
        {QStringLiteral("file_id"), fileId},
        {QStringLiteral("file_unique_id"), fileInfo(fileId).value(QStringLiteral("file_unique_id"))},
        {QStringLiteral("file_name"), fileName},
        {QStringLiteral("mime_type"), mimeOf(media, QStringLiteral("application/octet-stream"))},
        {QStringLiteral("file_size"), sizeOf(media)}};
    QJsonObject content{{QStringLiteral("document"), document}};
    if (!media.caption.isEmpty())
        content.insert(QStringLiteral("caption"), media.caption);
    return injectMessage(token, customer, content);
}

QJsonObject FakeTelegram::injectSticker(const QString &token, const Customer &customer, const Media &media,
                                        const QString &emoji)
{
    const QString fileId = registerFile(media.bytes, QStringLiteral("stickers"),
                                        QStringLiteral("sticker.webp"), media.declaredSize);
    QJsonObject sticker{
        {QStringLiteral("file_id"), fileId},
        {QStringLiteral("file_unique_id"), fileInfo(fileId).value(QStringLiteral("file_unique_id"))},
        {QStringLiteral("type"), QStringLiteral("regular")},
        {QStringLiteral("width"), media.width > 0 ? media.width : 512},
        {QStringLiteral("height"), media.height > 0 ? media.height : 512},
        {QStringLiteral("is_animated"), false},
        {QStringLiteral("is_video"), false},
        {QStringLiteral("emoji"), emoji},
        {QStringLiteral("set_name"), QStringLiteral("EraFakeStickers")},
        {QStringLiteral("file_size"), sizeOf(media)}};
    return injectMessage(token, customer, QJsonObject{{QStringLiteral("sticker"), sticker}});
}

QJsonObject FakeTelegram::injectVoice(const QString &token, const Customer &customer, const Media &media)
{
    const QString fileId =
        registerFile(media.bytes, QStringLiteral("voice"), QStringLiteral("voice.oga"), media.declaredSize);
    QJsonObject voice{
        {QStringLiteral("file_id"), fileId},
        {QStringLiteral("file_unique_id"), fileInfo(fileId).value(QStringLiteral("file_unique_id"))},
        {QStringLiteral("duration"), media.duration},
        {QStringLiteral("mime_type"), mimeOf(media, QStringLiteral("audio/ogg"))},
        {QStringLiteral("file_size"), sizeOf(media)}};
    return injectMessage(token, customer, QJsonObject{{QStringLiteral("voice"), voice}});
}

QJsonObject FakeTelegram::injectAudio(const QString &token, const Customer &customer, const Media &media,
                                      const QString &performer, const QString &title)
{
    const QString fileName = media.fileName.isEmpty() ? QStringLiteral("audio.mp3") : media.fileName;
    const QString fileId = registerFile(media.bytes, QStringLiteral("music"), fileName, media.declaredSize);
    QJsonObject audio{
        {QStringLiteral("file_id"), fileId},
        {QStringLiteral("file_unique_id"), fileInfo(fileId).value(QStringLiteral("file_unique_id"))},
        {QStringLiteral("duration"), media.duration},
        {QStringLiteral("file_name"), fileName},
        {QStringLiteral("mime_type"), mimeOf(media, QStringLiteral("audio/mpeg"))},
        {QStringLiteral("file_size"), sizeOf(media)}};
    if (!performer.isEmpty())
        audio.insert(QStringLiteral("performer"), performer);
    if (!title.isEmpty())
        audio.insert(QStringLiteral("title"), title);
    QJsonObject content{{QStringLiteral("audio"), audio}};
    if (!media.caption.isEmpty())
        content.insert(QStringLiteral("caption"), media.caption);
    return injectMessage(token, customer, content);
}

QJsonObject FakeTelegram::injectVideo(const QString &token, const Customer &customer, const Media &media)
{
    const QString fileName = media.fileName.isEmpty() ? QStringLiteral("video.mp4") : media.fileName;
    const QString fileId = registerFile(media.bytes, QStringLiteral("videos"), fileName, media.declaredSize);
    QJsonObject video{
        {QStringLiteral("file_id"), fileId},
        {QStringLiteral("file_unique_id"), fileInfo(fileId).value(QStringLiteral("file_unique_id"))},
        {QStringLiteral("width"), media.width > 0 ? media.width : 1280},
        {QStringLiteral("height"), media.height > 0 ? media.height : 720},
        {QStringLiteral("duration"), media.duration},
        {QStringLiteral("file_name"), fileName},
        {QStringLiteral("mime_type"), mimeOf(media, QStringLiteral("video/mp4"))},
        {QStringLiteral("file_size"), sizeOf(media)}};
    QJsonObject content{{QStringLiteral("video"), video}};
    if (!media.caption.isEmpty())
        content.insert(QStringLiteral("caption"), media.caption);
    return injectMessage(token, customer, content);
}

QJsonObject FakeTelegram::injectLocation(const QString &token, const Customer &customer, double latitude,
                                         double longitude)
{
    return injectMessage(
        token, customer,
        QJsonObject{{QStringLiteral("location"), QJsonObject{{QStringLiteral("latitude"), latitude},
                                                             {QStringLiteral("longitude"), longitude}}}});
}

QJsonObject FakeTelegram::injectVenue(const QString &token, const Customer &customer, double latitude,
                                      double longitude, const QString &title, const QString &address)
{
    // Telegram sends a venue together with its location field, for clients that know only locations.
    const QJsonObject location{{QStringLiteral("latitude"), latitude},
                               {QStringLiteral("longitude"), longitude}};
    const QJsonObject venue{{QStringLiteral("location"), location},
                            {QStringLiteral("title"), title},
                            {QStringLiteral("address"), address}};
    return injectMessage(
        token, customer,
        QJsonObject{{QStringLiteral("venue"), venue}, {QStringLiteral("location"), location}});
}

QJsonObject FakeTelegram::injectContact(const QString &token, const Customer &customer,
                                        const QString &phoneNumber, const QString &firstName,
                                        const QString &lastName, qint64 userId)
{
    QJsonObject contact{{QStringLiteral("phone_number"), phoneNumber},
                        {QStringLiteral("first_name"), firstName}};
    if (!lastName.isEmpty())
        contact.insert(QStringLiteral("last_name"), lastName);
    if (userId != 0)
        contact.insert(QStringLiteral("user_id"), userId);
    return injectMessage(token, customer, QJsonObject{{QStringLiteral("contact"), contact}});
}

QJsonObject FakeTelegram::injectReply(const QString &token, const Customer &customer, int replyToMessageId,
                                      const QString &text)
{
    QJsonObject replied = message(token, customer.id, replyToMessageId);
    if (replied.isEmpty())
        return {};
    replied.remove(QStringLiteral("reply_to_message"));
    return injectMessage(
        token, customer,
        QJsonObject{{QStringLiteral("text"), text}, {QStringLiteral("reply_to_message"), replied}});
}

QJsonObject FakeTelegram::injectEdit(const QString &token, const Customer &customer, int messageId,
                                     const QString &newText)
{
    QJsonObject edited = message(token, customer.id, messageId);
    if (edited.isEmpty())
        return {};
    edited.insert(edited.contains(QStringLiteral("text")) ? QStringLiteral("text")
                                                          : QStringLiteral("caption"),
                  newText);
    edited.insert(QStringLiteral("edit_date"), QDateTime::currentSecsSinceEpoch());
    QJsonObject update{{QStringLiteral("edited_message"), edited}};
    const int updateId = injectUpdate(token, update);
    if (updateId < 0)
        return {};
    update.insert(QStringLiteral("update_id"), updateId);
    return update;
}

QJsonObject FakeTelegram::injectReaction(const QString &token, const Customer &customer, int messageId,
                                         const QStringList &oldEmoji, const QStringList &newEmoji)
{
    const QJsonObject reaction{{QStringLiteral("chat"), customer.chat()},
                               {QStringLiteral("message_id"), messageId},
                               {QStringLiteral("user"), customer.user()},
                               {QStringLiteral("date"), QDateTime::currentSecsSinceEpoch()},
                               {QStringLiteral("old_reaction"), emojiReactions(oldEmoji)},
                               {QStringLiteral("new_reaction"), emojiReactions(newEmoji)}};
    QJsonObject update{{QStringLiteral("message_reaction"), reaction}};
    const int updateId = injectUpdate(token, update);
    if (updateId < 0)
        return {};
    update.insert(QStringLiteral("update_id"), updateId);
    return update;
}
