#pragma once

#include "era/content/Content.h"
#include "era/content/Expected.h"

#include <QJsonObject>

// JSON codecs of the content model: the wire form of the WebSocket protocol and the form stored in the
// database (docs/content-model.md). Encoders write times as ISO 8601 UTC with milliseconds and leave out
// empty optional fields. Decoders are strict about what they read (types, ranges, times, known kinds) and
// name the offending field; fields they do not know are ignored, so newer writers stay readable.
namespace era::content {

QJsonObject toJson(const Attachment &attachment);
QJsonObject toJson(const Text &text); // emoji_only is recomputed from the text
QJsonObject toJson(const Image &image);
QJsonObject toJson(const Video &video);
QJsonObject toJson(const Audio &audio);
QJsonObject toJson(const Voice &voice);
QJsonObject toJson(const Document &document);
QJsonObject toJson(const Sticker &sticker);
QJsonObject toJson(const Location &location);
QJsonObject toJson(const Contact &contact);
QJsonObject toJson(const System &system);
QJsonObject toJson(const Unsupported &unsupported);
QJsonObject toJson(const ReplyTo &replyTo);
QJsonObject toJson(const Reaction &reaction);
QJsonObject toJson(const ForwardedFrom &forwardedFrom);
// The whole content, with "kind". A deleted message is written blank: kind, deleted, deleted_at only.
QJsonObject toJson(const Content &content);

// fromJson<Content>(json), fromJson<Location>(json), ... Body types read their fields without "kind".
template <typename T>
Expected<T> fromJson(const QJsonObject &json) = delete;

template <>
Expected<Attachment> fromJson<Attachment>(const QJsonObject &json);
template <>
Expected<Text> fromJson<Text>(const QJsonObject &json);
template <>
Expected<Image> fromJson<Image>(const QJsonObject &json);
template <>
Expected<Video> fromJson<Video>(const QJsonObject &json);
template <>
Expected<Audio> fromJson<Audio>(const QJsonObject &json);
template <>
Expected<Voice> fromJson<Voice>(const QJsonObject &json);
template <>
Expected<Document> fromJson<Document>(const QJsonObject &json);
template <>
Expected<Sticker> fromJson<Sticker>(const QJsonObject &json);
template <>
Expected<Location> fromJson<Location>(const QJsonObject &json);
template <>
Expected<Contact> fromJson<Contact>(const QJsonObject &json);
template <>
Expected<System> fromJson<System>(const QJsonObject &json);
template <>
Expected<Unsupported> fromJson<Unsupported>(const QJsonObject &json);
template <>
Expected<ReplyTo> fromJson<ReplyTo>(const QJsonObject &json);
template <>
Expected<Reaction> fromJson<Reaction>(const QJsonObject &json);
template <>
Expected<ForwardedFrom> fromJson<ForwardedFrom>(const QJsonObject &json);
template <>
Expected<Content> fromJson<Content>(const QJsonObject &json);

// A time as the wire writes it: "2025-01-10T08:15:02.331Z".
QString timeToJson(const QDateTime &time);
// Accepts ISO 8601 with seconds, optional fraction, and "Z" or "+hh:mm"; returns UTC, or an invalid
// QDateTime.
QDateTime timeFromJson(QStringView text);

} // namespace era::content
