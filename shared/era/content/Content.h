#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>
#include <variant>

// The content of a message, one model for every channel and for internal chats (docs/content-model.md).
namespace era::content {

// What a message is. The order matches the alternatives of Body.
enum class Kind {
    Text,
    Image,
    Video,
    Audio,
    Voice,
    Document,
    Sticker,
    Location,
    Contact,
    System,
    Unsupported
};

// The wire name of a kind ("text", "image", ...) and back; nullopt for a name we do not know.
QString kindName(Kind kind);
std::optional<Kind> kindFromName(QStringView name);

// Where a media file is in its way into our file store.
enum class AttachmentState { Pending, Ready, Failed, TooLarge };

QString attachmentStateName(AttachmentState state);
std::optional<AttachmentState> attachmentStateFromName(QStringView name);

// A media file of a message: our stored copy (content-addressed) plus what the provider told us about it.
struct Attachment {
    QString fileId; // id in our file store; empty unless state is Ready
    AttachmentState state = AttachmentState::Pending;
    QString stateReason; // why Failed / TooLarge, for people
    QString mimeType;    // "type/subtype", empty when unknown
    std::optional<qint64> sizeBytes;
    QString fileName;                   // the original name, empty when the provider gave none
    std::optional<int> width;           // image, video, sticker
    std::optional<int> height;          // image, video, sticker
    std::optional<int> durationSeconds; // audio, voice, video
    QString providerFileRef;            // opaque provider reference (e.g. Telegram file_id) to fetch it again
    QString thumbnailFileId;            // id in our file store, empty when there is none

    friend bool operator==(const Attachment &, const Attachment &) = default;
};

// Plain text. emojiOnly is derived from the text (isEmojiOnly); build it with Text::of.
struct Text {
    QString text;
    bool emojiOnly = false;

    static Text of(const QString &text);

    friend bool operator==(const Text &, const Text &) = default;
};

// A picture shown inline.
struct Image {
    Attachment file;
    QString caption;
    friend bool operator==(const Image &, const Image &) = default;
};

// A video clip.
struct Video {
    Attachment file;
    QString caption;
    friend bool operator==(const Video &, const Video &) = default;
};

// A music or audio file (played by a player, not a voice note).
struct Audio {
    Attachment file;
    QString caption;
    friend bool operator==(const Audio &, const Audio &) = default;
};

// A recorded voice note.
struct Voice {
    Attachment file;
    QString caption;
    friend bool operator==(const Voice &, const Voice &) = default;
};

// Any other file, shown as a download.
struct Document {
    Attachment file;
    QString caption;
    friend bool operator==(const Document &, const Document &) = default;
};

// A sticker: an image (or animation) standing for an emoji.
struct Sticker {
    Attachment file;
    QString emoji; // the emoji the sticker stands for, empty when unknown
    bool animated = false;
    bool video = false;
    friend bool operator==(const Sticker &, const Sticker &) = default;
};

// A point on the map, optionally a named place (venue).
struct Location {
    double latitude = 0;  // [-90, 90]
    double longitude = 0; // [-180, 180]
    std::optional<double> accuracyMeters;
    QString title;
    QString address;
    friend bool operator==(const Location &, const Location &) = default;
};

// A shared contact card.
struct Contact {
    QString displayName;    // never empty
    QString phone;          // empty when the provider gave none
    QString vcard;          // the full vCard when the provider sent one
    QString providerUserId; // the contact's account in the same channel, when known
    friend bool operator==(const Contact &, const Contact &) = default;
};

// A notice from the platform itself ("dialog.opened", "dialog.transferred", ...).
struct System {
    QString code;       // dotted lower-case name, e.g. "dialog.transferred"
    QJsonObject params; // machine-readable details for the code
    QString text;       // the notice for people
    friend bool operator==(const System &, const System &) = default;
};

// A provider payload we could not map (a poll, a game, ...): kept, named and explained, never dropped.
struct Unsupported {
    QString providerType; // short name of the provider's type, e.g. "telegram.poll" (1..64 characters)
    QString note;         // for people: what it was and where to see it
    friend bool operator==(const Unsupported &, const Unsupported &) = default;
};

using Body =
    std::variant<Text, Image, Video, Audio, Voice, Document, Sticker, Location, Contact, System, Unsupported>;
static_assert(std::variant_size_v<Body> == static_cast<std::size_t>(Kind::Unsupported) + 1);

inline Kind kindOf(const Body &body)
{
    return static_cast<Kind>(body.index());
}

// An empty body of the given kind (what a deleted message carries).
Body emptyBody(Kind kind);

// The message a reply quotes, with a short preview so the quote shows without loading that message.
struct ReplyTo {
    qint64 messageId = 0; // > 0
    QString authorName;
    Kind kind = Kind::Text;
    QString snippet; // text or caption of the quoted message, shortened
    friend bool operator==(const ReplyTo &, const ReplyTo &) = default;
};

// Who reacted: a customer (subscriber) or one of our users. Written "subscriber:<id>" / "user:<id>".
struct Actor {
    enum class Type { Subscriber, User };
    Type type = Type::User;
    qint64 id = 0; // > 0

    QString toString() const;
    static std::optional<Actor> parse(QStringView text);

    friend bool operator==(const Actor &, const Actor &) = default;
};

// One reaction of one actor. An actor may hold several reactions, each emoji once.
struct Reaction {
    Actor actor;
    QString emoji;
    QDateTime at;
    friend bool operator==(const Reaction &, const Reaction &) = default;
};

// Where a forwarded message came from; the name is empty when the origin hides itself.
struct ForwardedFrom {
    QString name;
    friend bool operator==(const ForwardedFrom &, const ForwardedFrom &) = default;
};

// The content of one message: its body plus what any message may carry.
struct Content {
    Body body;
    std::optional<ReplyTo> replyTo;
    QList<Reaction> reactions;
    std::optional<QDateTime> editedAt;
    std::optional<QDateTime> deletedAt; // set: the message is deleted and its content is blank
    std::optional<ForwardedFrom> forwardedFrom;

    Kind kind() const { return kindOf(body); }
    bool isDeleted() const { return deletedAt.has_value(); }

    friend bool operator==(const Content &, const Content &) = default;
};

// The content as it is after deletion at `at`: the kind stays, everything else is blanked.
Content markedDeleted(const Content &content, const QDateTime &at);

} // namespace era::content
