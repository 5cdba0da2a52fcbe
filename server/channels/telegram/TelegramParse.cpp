#include "channels/telegram/TelegramParse.h"

#include <QJsonValue>
#include <cmath>
#include <era/content/Content.h>

namespace era::channels::telegram {

namespace {

using namespace era::content;

// Telegram ids reach 52 bits: exact in a double, but read them as 64-bit integers and refuse fractions.
std::optional<qint64> integer(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (!std::isfinite(number) || std::floor(number) != number || std::fabs(number) > 9007199254740992.0)
        return std::nullopt;
    return static_cast<qint64>(number);
}

QDateTime unixTime(const QJsonValue &value)
{
    const auto seconds = integer(value);
    if (!seconds || *seconds < 0)
        return {};
    return QDateTime::fromSecsSinceEpoch(*seconds, Qt::UTC);
}

QString joinName(const QJsonObject &object)
{
    const QString name = object.value(QLatin1String("first_name")).toString() + QLatin1Char(' ') +
                         object.value(QLatin1String("last_name")).toString();
    return name.trimmed();
}

// Collects the first field that is present with the wrong JSON type; an absent optional field is fine.
class FieldReader {
public:
    explicit FieldReader(const QJsonObject &object, QString where)
        : m_object(object), m_where(std::move(where))
    {}

    QString string(QLatin1String key, bool required = false)
    {
        const QJsonValue value = m_object.value(key);
        if (value.isString())
            return value.toString();
        if (!value.isUndefined() || required)
            fail(key, required && value.isUndefined() ? "missing" : "not a string");
        return {};
    }

    std::optional<qint64> number(QLatin1String key)
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined() || value.isNull())
            return std::nullopt;
        const auto parsed = integer(value);
        if (!parsed)
            fail(key, "not an integer");
        return parsed;
    }

    std::optional<int> smallNumber(QLatin1String key)
    {
        const auto parsed = number(key);
        if (!parsed)
            return std::nullopt;
        if (*parsed < 0 || *parsed > std::numeric_limits<int>::max()) {
            fail(key, "out of range");
            return std::nullopt;
        }
        return static_cast<int>(*parsed);
    }

    std::optional<double> real(QLatin1String key, bool required = false)
    {
        const QJsonValue value = m_object.value(key);
        if (value.isDouble() && std::isfinite(value.toDouble()))
            return value.toDouble();
        if (!value.isUndefined() || required)
            fail(key, required && value.isUndefined() ? "missing" : "not a number");
        return std::nullopt;
    }

    bool flag(QLatin1String key)
    {
        const QJsonValue value = m_object.value(key);
        if (!value.isUndefined() && !value.isBool())
            fail(key, "not a boolean");
        return value.toBool();
    }

    const QString &problem() const { return m_problem; }

    void fail(QLatin1String key, const char *what)
    {
        if (m_problem.isEmpty())
            m_problem = m_where + QLatin1Char('.') + key + QLatin1Char(' ') + QLatin1String(what);
    }

private:
    const QJsonObject &m_object;
    QString m_where;
    QString m_problem;
};

Unsupported unsupported(const QString &type, const QString &note)
{
    const QString providerType = QStringLiteral("telegram.") + type;
    return Unsupported{providerType.left(64), note};
}

Unsupported malformed(const QString &problem)
{
    return unsupported(
        QStringLiteral("malformed"),
        QStringLiteral("A Telegram message we could not read (%1); open the chat in Telegram to see it.")
            .arg(problem));
}

// A file object (PhotoSize, Document, Video, Audio, Voice, Sticker, Animation, VideoNote) as a pending
// attachment that remembers the file_id to download it later.
std::optional<Attachment> attachment(const QJsonValue &value, const QString &where, QString *problem)
{
    if (!value.isObject()) {
        *problem = where + QStringLiteral(" is not an object");
        return std::nullopt;
    }
    const QJsonObject object = value.toObject();
    FieldReader read(object, where);
    Attachment file;
    file.state = AttachmentState::Pending;
    file.providerFileRef = read.string(QLatin1String("file_id"), true);
    file.sizeBytes = read.number(QLatin1String("file_size"));
    file.mimeType = read.string(QLatin1String("mime_type"));
    file.fileName = read.string(QLatin1String("file_name"));
    file.width = read.smallNumber(QLatin1String("width"));
    file.height = read.smallNumber(QLatin1String("height"));
    file.durationSeconds = read.smallNumber(QLatin1String("duration"));
    if (file.providerFileRef.isEmpty())
        read.fail(QLatin1String("file_id"), "empty");
    if (!read.problem().isEmpty()) {
        *problem = read.problem();
        return std::nullopt;
    }
    return file;
}

// Telegram sends every photo in several sizes; the largest is the one worth keeping.
std::optional<Attachment> largestPhoto(const QJsonValue &value, QString *problem)
{
    if (!value.isArray() || value.toArray().isEmpty()) {
        *problem = QStringLiteral("photo is not a list of sizes");
        return std::nullopt;
    }
    std::optional<Attachment> best;
    qint64 bestArea = -1;
    for (const QJsonValue &size : value.toArray()) {
        auto file = attachment(size, QStringLiteral("photo[]"), problem);
        if (!file)
            return std::nullopt;
        const qint64 area = qint64(file->width.value_or(0)) * file->height.value_or(0);
        if (area >= bestArea) { // equal areas: the later one, Telegram lists sizes smallest first
            bestArea = area;
            best = file;
        }
    }
    best->mimeType = QStringLiteral("image/jpeg"); // Telegram re-encodes every photo as JPEG
    return best;
}

QString extensionFor(const QString &mimeType)
{
    if (mimeType == QLatin1String("audio/mpeg"))
        return QStringLiteral(".mp3");
    if (mimeType == QLatin1String("audio/ogg"))
        return QStringLiteral(".ogg");
    if (mimeType == QLatin1String("audio/mp4") || mimeType == QLatin1String("audio/x-m4a"))
        return QStringLiteral(".m4a");
    if (mimeType == QLatin1String("audio/flac"))
        return QStringLiteral(".flac");
    return {};
}

// Message fields that describe the message rather than being its content.
bool isMetadataKey(const QString &key)
{
    static const QStringList keys{QStringLiteral("message_id"),
                                  QStringLiteral("message_thread_id"),
                                  QStringLiteral("from"),
                                  QStringLiteral("sender_chat"),
                                  QStringLiteral("sender_boost_count"),
                                  QStringLiteral("sender_business_bot"),
                                  QStringLiteral("date"),
                                  QStringLiteral("business_connection_id"),
                                  QStringLiteral("chat"),
                                  QStringLiteral("forward_origin"),
                                  QStringLiteral("forward_from"),
                                  QStringLiteral("forward_from_chat"),
                                  QStringLiteral("forward_from_message_id"),
                                  QStringLiteral("forward_signature"),
                                  QStringLiteral("forward_sender_name"),
                                  QStringLiteral("forward_date"),
                                  QStringLiteral("is_topic_message"),
                                  QStringLiteral("is_automatic_forward"),
                                  QStringLiteral("reply_to_message"),
                                  QStringLiteral("external_reply"),
                                  QStringLiteral("quote"),
                                  QStringLiteral("reply_to_story"),
                                  QStringLiteral("via_bot"),
                                  QStringLiteral("edit_date"),
                                  QStringLiteral("has_protected_content"),
                                  QStringLiteral("is_from_offline"),
                                  QStringLiteral("media_group_id"),
                                  QStringLiteral("author_signature"),
                                  QStringLiteral("entities"),
                                  QStringLiteral("link_preview_options"),
                                  QStringLiteral("effect_id"),
                                  QStringLiteral("caption"),
                                  QStringLiteral("caption_entities"),
                                  QStringLiteral("show_caption_above_media"),
                                  QStringLiteral("has_media_spoiler"),
                                  QStringLiteral("reply_markup"),
                                  QStringLiteral("paid_star_count")};
    return keys.contains(key);
}

// Content Telegram has and our model does not: the provider type and what to tell the operator.
QString unsupportedNote(const QString &key, const QJsonObject &message)
{
    if (key == QLatin1String("poll")) {
        return QStringLiteral(
                   "A poll (\"%1\"); polls are not shown here, open the chat in Telegram to see it.")
            .arg(message.value(key).toObject().value(QLatin1String("question")).toString());
    }
    if (key == QLatin1String("dice")) {
        const QJsonObject dice = message.value(key).toObject();
        return QStringLiteral("A dice roll %1 showing %2.")
            .arg(dice.value(QLatin1String("emoji")).toString())
            .arg(dice.value(QLatin1String("value")).toInt());
    }
    if (key == QLatin1String("game"))
        return QStringLiteral("A game; games are not shown here.");
    if (key == QLatin1String("story"))
        return QStringLiteral("A forwarded story; open the chat in Telegram to see it.");
    if (key == QLatin1String("invoice") || key == QLatin1String("successful_payment") ||
        key == QLatin1String("refunded_payment"))
        return QStringLiteral("A payment message (%1); see it in Telegram.").arg(key);
    return QStringLiteral(
               "A Telegram \"%1\" message, which this channel does not show; open the chat in Telegram "
               "to see it.")
        .arg(key);
}

std::optional<ForwardedFrom> forwardedFrom(const QJsonObject &message)
{
    const QJsonValue origin = message.value(QLatin1String("forward_origin"));
    if (origin.isObject()) {
        const QJsonObject object = origin.toObject();
        const QString type = object.value(QLatin1String("type")).toString();
        QString name;
        if (type == QLatin1String("user"))
            name = joinName(object.value(QLatin1String("sender_user")).toObject());
        else if (type == QLatin1String("hidden_user"))
            name = object.value(QLatin1String("sender_user_name")).toString();
        else if (type == QLatin1String("chat"))
            name = object.value(QLatin1String("sender_chat"))
                       .toObject()
                       .value(QLatin1String("title"))
                       .toString();
        else if (type == QLatin1String("channel"))
            name = object.value(QLatin1String("chat")).toObject().value(QLatin1String("title")).toString();
        return ForwardedFrom{name};
    }
    // Bot API servers older than 7.0 (self-hosted ones may be) send the flat forward_* fields.
    if (message.contains(QLatin1String("forward_from")))
        return ForwardedFrom{joinName(message.value(QLatin1String("forward_from")).toObject())};
    if (message.contains(QLatin1String("forward_sender_name")))
        return ForwardedFrom{message.value(QLatin1String("forward_sender_name")).toString()};
    if (message.contains(QLatin1String("forward_from_chat")))
        return ForwardedFrom{message.value(QLatin1String("forward_from_chat"))
                                 .toObject()
                                 .value(QLatin1String("title"))
                                 .toString()};
    if (message.contains(QLatin1String("forward_date")))
        return ForwardedFrom{};
    return std::nullopt;
}

struct Chat {
    QString id;
    QString type;
    QJsonObject object;
};

// The chat of a message or reaction; nullopt (with the reason) when it is missing or not a private chat.
std::optional<Chat> privateChat(const QJsonValue &value, const QString &what, QStringList *skipped)
{
    const QJsonObject object = value.toObject();
    const auto id = integer(object.value(QLatin1String("id")));
    if (!value.isObject() || !id) {
        skipped->append(QStringLiteral("%1 without a readable chat: dropped as malformed").arg(what));
        return std::nullopt;
    }
    const QString type = object.value(QLatin1String("type")).toString();
    if (type != QLatin1String("private")) {
        skipped->append(
            QStringLiteral("%1 in %2 chat %3: only private chats with customers are served")
                .arg(what, type.isEmpty() ? QStringLiteral("an untyped") : QStringLiteral("a ") + type)
                .arg(*id));
        return std::nullopt;
    }
    return Chat{QString::number(*id), type, object};
}

void parseMessage(const QJsonObject &message, bool edited, ParseResult *result)
{
    const QString what = edited ? QStringLiteral("edited_message") : QStringLiteral("message");
    const auto chat = privateChat(message.value(QLatin1String("chat")), what, &result->skipped);
    if (!chat)
        return;
    const auto messageId = integer(message.value(QLatin1String("message_id")));
    if (!messageId) {
        result->skipped.append(
            QStringLiteral("%1 in chat %2 without a readable message_id: dropped as malformed")
                .arg(what, chat->id));
        return;
    }

    InboundEvent event;
    event.type = edited ? InboundEvent::Type::Edit : InboundEvent::Type::Message;
    event.externalChatId = chat->id;
    event.externalMessageId = messageKey(chat->id, *messageId);
    const QJsonValue from = message.value(QLatin1String("from"));
    // In a private chat the chat is the customer; `from` only misses from broken payloads.
    event.from = parseUser(from.isObject() ? from.toObject() : chat->object);
    if (event.from.externalId.isEmpty())
        event.from = parseUser(chat->object);

    event.content.body = parseMessageBody(message);
    const QDateTime date = unixTime(message.value(QLatin1String("date")));
    if (!date.isValid() && event.content.kind() != Kind::Unsupported)
        event.content.body = malformed(what + QStringLiteral(".date is not a unix time"));
    event.at = date;
    if (edited) {
        const QDateTime editDate = unixTime(message.value(QLatin1String("edit_date")));
        event.content.editedAt = editDate.isValid() ? editDate : date;
        if (editDate.isValid())
            event.at = editDate;
    }
    const QJsonValue reply = message.value(QLatin1String("reply_to_message"));
    if (const auto replyId = integer(reply.toObject().value(QLatin1String("message_id"))))
        event.replyToExternalId = messageKey(chat->id, *replyId);
    event.content.forwardedFrom = forwardedFrom(message);
    result->events.append(event);
}

void parseReaction(const QJsonObject &update, ParseResult *result)
{
    const auto chat = privateChat(update.value(QLatin1String("chat")), QStringLiteral("message_reaction"),
                                  &result->skipped);
    if (!chat)
        return;
    const auto messageId = integer(update.value(QLatin1String("message_id")));
    const QJsonValue user = update.value(QLatin1String("user"));
    if (!messageId || !user.isObject()) {
        result->skipped.append(
            QStringLiteral("message_reaction in chat %1 without a message_id or a user: dropped")
                .arg(chat->id));
        return;
    }
    InboundEvent event;
    event.type = InboundEvent::Type::Reaction;
    event.externalChatId = chat->id;
    event.externalMessageId = messageKey(chat->id, *messageId);
    event.from = parseUser(user.toObject());
    event.at = unixTime(update.value(QLatin1String("date")));
    for (const QJsonValue &reaction : update.value(QLatin1String("new_reaction")).toArray()) {
        const QJsonObject object = reaction.toObject();
        const QString type = object.value(QLatin1String("type")).toString();
        const QString emoji = object.value(QLatin1String("emoji")).toString();
        if (type == QLatin1String("emoji") && !emoji.isEmpty()) {
            if (!event.reactions.contains(emoji))
                event.reactions.append(emoji);
        } else {
            result->skipped.append(
                QStringLiteral("a %1 reaction on message %2 in chat %3 is not kept: only standard emoji are")
                    .arg(type.isEmpty() ? QStringLiteral("malformed") : type, event.externalMessageId,
                         chat->id));
        }
    }
    result->events.append(event);
}

} // namespace

SubscriberProfile parseUser(const QJsonObject &user)
{
    SubscriberProfile profile;
    if (const auto id = integer(user.value(QLatin1String("id"))))
        profile.externalId = QString::number(*id);
    profile.name = joinName(user);
    profile.username = user.value(QLatin1String("username")).toString();
    profile.language = user.value(QLatin1String("language_code")).toString();
    if (user.value(QLatin1String("is_premium")).isBool())
        profile.extra.insert(QStringLiteral("is_premium"), user.value(QLatin1String("is_premium")).toBool());
    return profile;
}

content::Body parseMessageBody(const QJsonObject &message)
{
    FieldReader read(message, QStringLiteral("message"));
    const QString caption = read.string(QLatin1String("caption"));
    QString problem = read.problem();
    auto media = [&](const char *key) {
        return attachment(message.value(QLatin1String(key)), QLatin1String(key), &problem);
    };

    if (message.contains(QLatin1String("text"))) {
        const QString text = read.string(QLatin1String("text"));
        if (!read.problem().isEmpty())
            return malformed(read.problem());
        return Text::of(text);
    }
    if (!problem.isEmpty())
        return malformed(problem);
    // A GIF arrives as `animation` plus a `document` copy for old clients: the animation is the truth.
    if (message.contains(QLatin1String("animation"))) {
        if (auto file = media("animation"))
            return Video{*file, caption};
        return malformed(problem);
    }
    if (message.contains(QLatin1String("photo"))) {
        if (auto file = largestPhoto(message.value(QLatin1String("photo")), &problem))
            return Image{*file, caption};
        return malformed(problem);
    }
    if (message.contains(QLatin1String("video"))) {
        if (auto file = media("video"))
            return Video{*file, caption};
        return malformed(problem);
    }
    if (message.contains(QLatin1String("video_note"))) { // a round video message
        if (auto file = media("video_note")) {
            file->mimeType = QStringLiteral("video/mp4");
            file->width = file->height =
                message.value(QLatin1String("video_note")).toObject().value(QLatin1String("length")).toInt();
            return Video{*file, caption};
        }
        return malformed(problem);
    }
    if (message.contains(QLatin1String("document"))) {
        if (auto file = media("document"))
            return Document{*file, caption};
        return malformed(problem);
    }
    if (message.contains(QLatin1String("sticker"))) {
        auto file = media("sticker");
        if (!file)
            return malformed(problem);
        const QJsonObject object = message.value(QLatin1String("sticker")).toObject();
        FieldReader sticker(object, QStringLiteral("sticker"));
        Sticker result{*file, sticker.string(QLatin1String("emoji")),
                       sticker.flag(QLatin1String("is_animated")), sticker.flag(QLatin1String("is_video"))};
        if (!sticker.problem().isEmpty())
            return malformed(sticker.problem());
        result.file.mimeType = result.animated ? QStringLiteral("application/x-tgsticker")
                               : result.video  ? QStringLiteral("video/webm")
                                               : QStringLiteral("image/webp");
        return result;
    }
    if (message.contains(QLatin1String("voice"))) {
        if (auto file = media("voice"))
            return Voice{*file, caption};
        return malformed(problem);
    }
    if (message.contains(QLatin1String("audio"))) {
        auto file = media("audio");
        if (!file)
            return malformed(problem);
        if (file->fileName.isEmpty()) {
            const QJsonObject object = message.value(QLatin1String("audio")).toObject();
            const QString performer = object.value(QLatin1String("performer")).toString();
            const QString title = object.value(QLatin1String("title")).toString();
            const QString name = performer.isEmpty() || title.isEmpty()
                                     ? QString(performer + title)
                                     : QString(performer + QStringLiteral(" - ") + title);
            if (!name.isEmpty())
                file->fileName = name + extensionFor(file->mimeType);
        }
        return Audio{*file, caption};
    }
    if (message.contains(QLatin1String("venue")) || message.contains(QLatin1String("location"))) {
        const bool venue = message.value(QLatin1String("venue")).isObject();
        const QJsonObject venueObject = message.value(QLatin1String("venue")).toObject();
        const QJsonObject object = venue && venueObject.value(QLatin1String("location")).isObject()
                                       ? venueObject.value(QLatin1String("location")).toObject()
                                       : message.value(QLatin1String("location")).toObject();
        FieldReader point(object, QStringLiteral("location"));
        Location location;
        location.latitude = point.real(QLatin1String("latitude"), true).value_or(0);
        location.longitude = point.real(QLatin1String("longitude"), true).value_or(0);
        location.accuracyMeters = point.real(QLatin1String("horizontal_accuracy"));
        if (!point.problem().isEmpty())
            return malformed(point.problem());
        if (qAbs(location.latitude) > 90 || qAbs(location.longitude) > 180)
            return malformed(QStringLiteral("location out of range"));
        if (venue) {
            location.title = venueObject.value(QLatin1String("title")).toString();
            location.address = venueObject.value(QLatin1String("address")).toString();
        }
        return location;
    }
    if (message.contains(QLatin1String("contact"))) {
        const QJsonObject object = message.value(QLatin1String("contact")).toObject();
        FieldReader card(object, QStringLiteral("contact"));
        Contact contact;
        contact.phone = card.string(QLatin1String("phone_number"));
        contact.vcard = card.string(QLatin1String("vcard"));
        contact.displayName = joinName(object);
        if (const auto userId = card.number(QLatin1String("user_id")))
            contact.providerUserId = QString::number(*userId);
        if (!message.value(QLatin1String("contact")).isObject())
            card.fail(QLatin1String("contact"), "not an object");
        if (!card.problem().isEmpty())
            return malformed(card.problem());
        if (contact.displayName.isEmpty())
            contact.displayName = contact.phone.isEmpty() ? QStringLiteral("?") : contact.phone;
        return contact;
    }
    for (auto it = message.begin(); it != message.end(); ++it) {
        if (!isMetadataKey(it.key()))
            return unsupported(it.key(), unsupportedNote(it.key(), message));
    }
    return unsupported(QStringLiteral("empty"),
                       QStringLiteral("A Telegram message without any content we know; see it in Telegram."));
}

ParseResult parseUpdate(const QJsonObject &update)
{
    ParseResult result;
    result.lastUpdateId = integer(update.value(QLatin1String("update_id")));
    QString type;
    for (auto it = update.begin(); it != update.end(); ++it) {
        if (it.key() != QLatin1String("update_id")) {
            type = it.key();
            break;
        }
    }
    const QJsonValue payload = update.value(type);
    if (type == QLatin1String("message") || type == QLatin1String("edited_message")) {
        if (payload.isObject())
            parseMessage(payload.toObject(), type == QLatin1String("edited_message"), &result);
        else
            result.skipped.append(QStringLiteral("%1 that is not an object: dropped as malformed").arg(type));
    } else if (type == QLatin1String("message_reaction")) {
        parseReaction(payload.toObject(), &result);
    } else if (type.isEmpty()) {
        result.skipped.append(QStringLiteral("an empty update"));
    } else {
        result.skipped.append(
            QStringLiteral("a %1 update: not a customer's message in a private chat").arg(type));
    }
    return result;
}

ParseResult parseUpdates(const QJsonArray &updates)
{
    ParseResult all;
    for (const QJsonValue &value : updates) {
        ParseResult one = parseUpdate(value.toObject());
        all.events.append(one.events);
        all.skipped.append(one.skipped);
        if (one.lastUpdateId && (!all.lastUpdateId || *one.lastUpdateId > *all.lastUpdateId))
            all.lastUpdateId = one.lastUpdateId;
    }
    return all;
}

QString messageKey(const QString &chatId, qint64 messageId)
{
    return chatId + u':' + QString::number(messageId);
}

std::optional<qint64> messageIdOf(const QString &key)
{
    bool numeric = false;
    const qint64 id = QStringView(key).mid(key.lastIndexOf(u':') + 1).toLongLong(&numeric);
    return numeric ? std::optional<qint64>(id) : std::nullopt;
}

} // namespace era::channels::telegram
