#include "era/content/ContentJson.h"

#include "era/content/EmojiOnly.h"
#include "era/content/FieldReader.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <limits>

using namespace Qt::StringLiterals;

namespace era::content {

using detail::FieldReader;
using detail::MaxSafeInteger;

namespace {

constexpr qsizetype MaxProviderTypeLength = 64;

void putString(QJsonObject &json, const QString &key, const QString &value)
{
    if (!value.isEmpty())
        json.insert(key, value);
}

template <typename N>
void putNumber(QJsonObject &json, const QString &key, const std::optional<N> &value)
{
    if (value)
        json.insert(key, *value);
}

bool allowsDimensions(Kind kind)
{
    return kind == Kind::Image || kind == Kind::Video || kind == Kind::Sticker;
}

bool allowsDuration(Kind kind)
{
    return kind == Kind::Audio || kind == Kind::Voice || kind == Kind::Video;
}

Expected<Attachment> decodeAttachment(const QJsonObject &json, const QString &prefix)
{
    FieldReader r(json, prefix);
    Attachment a;
    const QString state = r.string(u"state"_s, true);
    if (!r.failed()) {
        if (const auto s = attachmentStateFromName(state))
            a.state = *s;
        else
            r.fail(u"state"_s, u"must be one of pending, ready, failed, too_large"_s);
    }
    a.fileId = r.string(u"id"_s);
    if (!r.failed() && a.state == AttachmentState::Ready && a.fileId.isEmpty())
        r.fail(u"id"_s, u"is required when the state is ready"_s);
    if (!r.failed() && a.state != AttachmentState::Ready && !a.fileId.isEmpty())
        r.fail(u"id"_s, u"must be absent unless the state is ready"_s);
    a.stateReason = r.string(u"reason"_s);
    a.mimeType = r.string(u"mime"_s);
    if (!r.failed() && !a.mimeType.isEmpty()) {
        const qsizetype slash = a.mimeType.indexOf(u'/');
        if (slash <= 0 || slash == a.mimeType.size() - 1 || a.mimeType.contains(u' '))
            r.fail(u"mime"_s, u"must be a MIME type such as image/jpeg"_s);
    }
    a.sizeBytes = r.integer(u"size"_s, 0, MaxSafeInteger);
    a.fileName = r.string(u"name"_s);
    a.width = r.size(u"width"_s);
    a.height = r.size(u"height"_s);
    a.durationSeconds = r.size(u"duration"_s);
    a.providerFileRef = r.string(u"provider_ref"_s);
    a.thumbnailFileId = r.string(u"thumbnail_id"_s);
    if (r.failed())
        return r.error();
    return a;
}

// The attachment of a media kind, with the fields that kind cannot have refused.
std::optional<Attachment> readFile(FieldReader &r, Kind kind)
{
    std::optional<Attachment> a = r.nested<Attachment>(u"file"_s, decodeAttachment, true);
    if (!a)
        return std::nullopt;
    const QString notFor = u"is not allowed for kind "_s + kindName(kind);
    if (!allowsDimensions(kind) && a->width)
        r.fail(u"file.width"_s, notFor);
    if (!allowsDimensions(kind) && a->height)
        r.fail(u"file.height"_s, notFor);
    if (!allowsDuration(kind) && a->durationSeconds)
        r.fail(u"file.duration"_s, notFor);
    return a;
}

template <typename Media>
QJsonObject mediaToJson(const Media &media)
{
    QJsonObject json{{u"file"_s, toJson(media.file)}};
    putString(json, u"caption"_s, media.caption);
    return json;
}

template <typename Media>
Expected<Media> decodeMedia(const QJsonObject &json, const QString &prefix)
{
    FieldReader r(json, prefix);
    Media media;
    std::optional<Attachment> file = readFile(r, kindOf(Body(Media{})));
    media.caption = r.string(u"caption"_s);
    if (r.failed())
        return r.error();
    media.file = std::move(*file);
    return media;
}

Expected<Text> decodeText(const QJsonObject &json, const QString &prefix)
{
    FieldReader r(json, prefix);
    const QString text = r.nonEmptyString(u"text"_s);
    r.boolean(u"emoji_only"_s); // derived: checked for its type, then recomputed
    if (r.failed())
        return r.error();
    return Text::of(text);
}

Expected<Sticker> decodeSticker(const QJsonObject &json, const QString &prefix)
{
    FieldReader r(json, prefix);
    Sticker s;
    std::optional<Attachment> file = readFile(r, Kind::Sticker);
    s.emoji = r.string(u"emoji"_s);
    s.animated = r.boolean(u"animated"_s);
    s.video = r.boolean(u"video"_s);
    if (r.failed())
        return r.error();
    s.file = std::move(*file);
    return s;
}

Expected<Location> decodeLocation(const QJsonObject &json, const QString &prefix)
{
    FieldReader r(json, prefix);
    Location l;
    const std::optional<double> latitude = r.number(u"latitude"_s, -90, 90, true);
    const std::optional<double> longitude = r.number(u"longitude"_s, -180, 180, true);
    l.accuracyMeters = r.number(u"accuracy"_s, 0, std::numeric_limits<double>::max());
    l.title = r.string(u"title"_s);
    l.address = r.string(u"address"_s);
    if (r.failed())
        return r.error();
    l.latitude = *latitude;
    l.longitude = *longitude;
    return l;
}

Expected<Contact> decodeContact(const QJsonObject &json, const QString &prefix)
{
    FieldReader r(json, prefix);
    Contact c;
    c.displayName = r.nonEmptyString(u"display_name"_s);
    c.phone = r.string(u"phone"_s, true);
    c.vcard = r.string(u"vcard"_s);
    c.providerUserId = r.string(u"provider_user_id"_s);
    if (r.failed())
        return r.error();
    return c;
}

Expected<System> decodeSystem(const QJsonObject &json, const QString &prefix)
{
    static const QRegularExpression codePattern(u"^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$"_s);
    FieldReader r(json, prefix);
    System s;
    s.code = r.string(u"code"_s, true);
    if (!r.failed() && !codePattern.match(s.code).hasMatch())
        r.fail(u"code"_s, u"must be a dotted lower-case name such as dialog.opened"_s);
    s.params = r.object(u"params"_s).value_or(QJsonObject());
    s.text = r.string(u"text"_s, true);
    if (r.failed())
        return r.error();
    return s;
}

Expected<Unsupported> decodeUnsupported(const QJsonObject &json, const QString &prefix)
{
    FieldReader r(json, prefix);
    Unsupported u;
    u.providerType = r.nonEmptyString(u"provider_type"_s);
    if (!r.failed() && u.providerType.size() > MaxProviderTypeLength)
        r.fail(u"provider_type"_s, u"must be at most %1 characters"_s.arg(MaxProviderTypeLength));
    u.note = r.string(u"note"_s);
    if (r.failed())
        return r.error();
    return u;
}

Expected<ReplyTo> decodeReplyTo(const QJsonObject &json, const QString &prefix)
{
    FieldReader r(json, prefix);
    ReplyTo reply;
    const std::optional<qint64> id = r.integer(u"message_id"_s, 1, MaxSafeInteger, true);
    reply.authorName = r.string(u"author_name"_s);
    const QString kind = r.string(u"kind"_s, true);
    if (!r.failed()) {
        if (const auto k = kindFromName(kind))
            reply.kind = *k;
        else
            r.fail(u"kind"_s, u"unknown kind \"%1\""_s.arg(kind));
    }
    reply.snippet = r.string(u"snippet"_s);
    if (r.failed())
        return r.error();
    reply.messageId = *id;
    return reply;
}

Expected<Reaction> decodeReaction(const QJsonObject &json, const QString &prefix)
{
    FieldReader r(json, prefix);
    Reaction reaction;
    const QString actor = r.string(u"actor"_s, true);
    if (!r.failed()) {
        if (const auto a = Actor::parse(actor))
            reaction.actor = *a;
        else
            r.fail(u"actor"_s, u"must be subscriber:<id> or user:<id>"_s);
    }
    reaction.emoji = r.nonEmptyString(u"emoji"_s);
    const std::optional<QDateTime> at = r.time(u"at"_s, true);
    if (r.failed())
        return r.error();
    reaction.at = *at;
    return reaction;
}

Expected<ForwardedFrom> decodeForwardedFrom(const QJsonObject &json, const QString &prefix)
{
    FieldReader r(json, prefix);
    ForwardedFrom f{r.string(u"name"_s)};
    if (r.failed())
        return r.error();
    return f;
}

// Decodes the body of the given kind from the flat content object.
Expected<Body> decodeBody(Kind kind, const QJsonObject &json)
{
    auto widen = [](auto decoded) -> Expected<Body> {
        if (!decoded)
            return decoded.error();
        return Body(std::move(decoded).value());
    };
    const QString none;
    switch (kind) {
    case Kind::Text:
        return widen(decodeText(json, none));
    case Kind::Image:
        return widen(decodeMedia<Image>(json, none));
    case Kind::Video:
        return widen(decodeMedia<Video>(json, none));
    case Kind::Audio:
        return widen(decodeMedia<Audio>(json, none));
    case Kind::Voice:
        return widen(decodeMedia<Voice>(json, none));
    case Kind::Document:
        return widen(decodeMedia<Document>(json, none));
    case Kind::Sticker:
        return widen(decodeSticker(json, none));
    case Kind::Location:
        return widen(decodeLocation(json, none));
    case Kind::Contact:
        return widen(decodeContact(json, none));
    case Kind::System:
        return widen(decodeSystem(json, none));
    case Kind::Unsupported:
        return widen(decodeUnsupported(json, none));
    }
    return DecodeError{u"kind"_s, u"unknown kind"_s};
}

} // namespace

QString timeToJson(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime timeFromJson(QStringView text)
{
    // Qt alone also accepts a date without time or a time without zone; the wire wants neither.
    static const QRegularExpression shape(
        u"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?(Z|[+-]\\d{2}:\\d{2})$"_s);
    const QString s = text.toString();
    if (!shape.match(s).hasMatch())
        return {};
    const QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
    return t.isValid() ? t.toUTC() : QDateTime();
}

QJsonObject toJson(const Attachment &a)
{
    QJsonObject json{{u"state"_s, attachmentStateName(a.state)}};
    putString(json, u"id"_s, a.fileId);
    putString(json, u"reason"_s, a.stateReason);
    putString(json, u"mime"_s, a.mimeType);
    putNumber(json, u"size"_s, a.sizeBytes);
    putString(json, u"name"_s, a.fileName);
    putNumber(json, u"width"_s, a.width);
    putNumber(json, u"height"_s, a.height);
    putNumber(json, u"duration"_s, a.durationSeconds);
    putString(json, u"provider_ref"_s, a.providerFileRef);
    putString(json, u"thumbnail_id"_s, a.thumbnailFileId);
    return json;
}

QJsonObject toJson(const Text &text)
{
    return {{u"text"_s, text.text}, {u"emoji_only"_s, isEmojiOnly(text.text)}};
}

QJsonObject toJson(const Image &image)
{
    return mediaToJson(image);
}

QJsonObject toJson(const Video &video)
{
    return mediaToJson(video);
}

QJsonObject toJson(const Audio &audio)
{
    return mediaToJson(audio);
}

QJsonObject toJson(const Voice &voice)
{
    return mediaToJson(voice);
}

QJsonObject toJson(const Document &document)
{
    return mediaToJson(document);
}

QJsonObject toJson(const Sticker &sticker)
{
    QJsonObject json{{u"file"_s, toJson(sticker.file)}};
    putString(json, u"emoji"_s, sticker.emoji);
    if (sticker.animated)
        json.insert(u"animated"_s, true);
    if (sticker.video)
        json.insert(u"video"_s, true);
    return json;
}

QJsonObject toJson(const Location &location)
{
    QJsonObject json{{u"latitude"_s, location.latitude}, {u"longitude"_s, location.longitude}};
    putNumber(json, u"accuracy"_s, location.accuracyMeters);
    putString(json, u"title"_s, location.title);
    putString(json, u"address"_s, location.address);
    return json;
}

QJsonObject toJson(const Contact &contact)
{
    QJsonObject json{{u"display_name"_s, contact.displayName}, {u"phone"_s, contact.phone}};
    putString(json, u"vcard"_s, contact.vcard);
    putString(json, u"provider_user_id"_s, contact.providerUserId);
    return json;
}

QJsonObject toJson(const System &system)
{
    QJsonObject json{{u"code"_s, system.code}, {u"text"_s, system.text}};
    if (!system.params.isEmpty())
        json.insert(u"params"_s, system.params);
    return json;
}

QJsonObject toJson(const Unsupported &unsupported)
{
    QJsonObject json{{u"provider_type"_s, unsupported.providerType}};
    putString(json, u"note"_s, unsupported.note);
    return json;
}

QJsonObject toJson(const ReplyTo &replyTo)
{
    QJsonObject json{{u"message_id"_s, replyTo.messageId}, {u"kind"_s, kindName(replyTo.kind)}};
    putString(json, u"author_name"_s, replyTo.authorName);
    putString(json, u"snippet"_s, replyTo.snippet);
    return json;
}

QJsonObject toJson(const Reaction &reaction)
{
    return {{u"actor"_s, reaction.actor.toString()},
            {u"emoji"_s, reaction.emoji},
            {u"at"_s, timeToJson(reaction.at)}};
}

QJsonObject toJson(const ForwardedFrom &forwardedFrom)
{
    QJsonObject json;
    putString(json, u"name"_s, forwardedFrom.name);
    return json;
}

QJsonObject toJson(const Content &content)
{
    if (content.isDeleted()) {
        return {{u"kind"_s, kindName(content.kind())},
                {u"deleted"_s, true},
                {u"deleted_at"_s, timeToJson(*content.deletedAt)}};
    }
    QJsonObject json = std::visit([](const auto &body) { return toJson(body); }, content.body);
    json.insert(u"kind"_s, kindName(content.kind()));
    if (content.replyTo)
        json.insert(u"reply_to"_s, toJson(*content.replyTo));
    if (!content.reactions.isEmpty()) {
        QJsonArray reactions;
        for (const Reaction &reaction : content.reactions)
            reactions.append(toJson(reaction));
        json.insert(u"reactions"_s, reactions);
    }
    if (content.editedAt)
        json.insert(u"edited_at"_s, timeToJson(*content.editedAt));
    if (content.forwardedFrom)
        json.insert(u"forwarded_from"_s, toJson(*content.forwardedFrom));
    return json;
}

template <>
Expected<Attachment> fromJson<Attachment>(const QJsonObject &json)
{
    return decodeAttachment(json, {});
}

template <>
Expected<Text> fromJson<Text>(const QJsonObject &json)
{
    return decodeText(json, {});
}

template <>
Expected<Image> fromJson<Image>(const QJsonObject &json)
{
    return decodeMedia<Image>(json, {});
}

template <>
Expected<Video> fromJson<Video>(const QJsonObject &json)
{
    return decodeMedia<Video>(json, {});
}

template <>
Expected<Audio> fromJson<Audio>(const QJsonObject &json)
{
    return decodeMedia<Audio>(json, {});
}

template <>
Expected<Voice> fromJson<Voice>(const QJsonObject &json)
{
    return decodeMedia<Voice>(json, {});
}

template <>
Expected<Document> fromJson<Document>(const QJsonObject &json)
{
    return decodeMedia<Document>(json, {});
}

template <>
Expected<Sticker> fromJson<Sticker>(const QJsonObject &json)
{
    return decodeSticker(json, {});
}

template <>
Expected<Location> fromJson<Location>(const QJsonObject &json)
{
    return decodeLocation(json, {});
}

template <>
Expected<Contact> fromJson<Contact>(const QJsonObject &json)
{
    return decodeContact(json, {});
}

template <>
Expected<System> fromJson<System>(const QJsonObject &json)
{
    return decodeSystem(json, {});
}

template <>
Expected<Unsupported> fromJson<Unsupported>(const QJsonObject &json)
{
    return decodeUnsupported(json, {});
}

template <>
Expected<ReplyTo> fromJson<ReplyTo>(const QJsonObject &json)
{
    return decodeReplyTo(json, {});
}

template <>
Expected<Reaction> fromJson<Reaction>(const QJsonObject &json)
{
    return decodeReaction(json, {});
}

template <>
Expected<ForwardedFrom> fromJson<ForwardedFrom>(const QJsonObject &json)
{
    return decodeForwardedFrom(json, {});
}

template <>
Expected<Content> fromJson<Content>(const QJsonObject &json)
{
    FieldReader r(json, {});
    const QString kindText = r.string(u"kind"_s, true);
    if (r.failed())
        return r.error();
    const std::optional<Kind> kind = kindFromName(kindText);
    if (!kind)
        return DecodeError{u"kind"_s, u"unknown kind \"%1\""_s.arg(kindText)};

    Content content;
    const bool deleted = r.boolean(u"deleted"_s);
    content.deletedAt = r.time(u"deleted_at"_s, deleted);
    if (!r.failed() && !deleted && content.deletedAt)
        r.fail(u"deleted"_s, u"must be true when deleted_at is given"_s);
    if (r.failed())
        return r.error();
    if (deleted) { // the rest is blank on the wire; anything else there is ignored
        content.body = emptyBody(*kind);
        return content;
    }

    Expected<Body> body = decodeBody(*kind, json);
    if (!body)
        return body.error();
    content.body = std::move(body).value();

    content.replyTo = r.nested<ReplyTo>(u"reply_to"_s, decodeReplyTo);
    if (const std::optional<QJsonArray> reactions = r.array(u"reactions"_s)) {
        QSet<QString> seen;
        for (qsizetype i = 0; i < reactions->size() && !r.failed(); ++i) {
            const QString key = u"reactions[%1]"_s.arg(i);
            const QJsonValue item = reactions->at(i);
            if (!item.isObject()) {
                r.fail(key, u"must be an object"_s);
                break;
            }
            Expected<Reaction> reaction = decodeReaction(item.toObject(), key);
            if (!reaction)
                return reaction.error();
            const QString pair = reaction->actor.toString() + u' ' + reaction->emoji;
            if (seen.contains(pair)) {
                r.fail(key, u"repeats the same actor and emoji"_s);
                break;
            }
            seen.insert(pair);
            content.reactions.append(std::move(reaction).value());
        }
    }
    content.editedAt = r.time(u"edited_at"_s);
    content.forwardedFrom = r.nested<ForwardedFrom>(u"forwarded_from"_s, decodeForwardedFrom);
    if (r.failed())
        return r.error();
    return content;
}

} // namespace era::content
