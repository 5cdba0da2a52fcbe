#include "era/content/Content.h"

#include "era/content/EmojiOnly.h"

#include <array>

using namespace Qt::StringLiterals;

namespace era::content {

namespace {

constexpr std::array KindNames = {u"text",    u"image",    u"video",   u"audio",  u"voice",      u"document",
                                  u"sticker", u"location", u"contact", u"system", u"unsupported"};
static_assert(KindNames.size() == std::variant_size_v<Body>);

constexpr std::array StateNames = {u"pending", u"ready", u"failed", u"too_large"};

// JavaScript clients read ids as doubles: larger ids would not survive the trip.
constexpr qint64 MaxSafeInteger = (qint64(1) << 53) - 1;

template <std::size_t I = 0>
Body emptyBodyAt(std::size_t index)
{
    if constexpr (I < std::variant_size_v<Body>) {
        if (index == I)
            return Body(std::in_place_index<I>);
        return emptyBodyAt<I + 1>(index);
    } else {
        return Body();
    }
}

} // namespace

QString kindName(Kind kind)
{
    return QString::fromUtf16(KindNames.at(static_cast<std::size_t>(kind)));
}

std::optional<Kind> kindFromName(QStringView name)
{
    for (std::size_t i = 0; i < KindNames.size(); ++i) {
        if (name == QStringView(KindNames[i]))
            return static_cast<Kind>(i);
    }
    return std::nullopt;
}

QString attachmentStateName(AttachmentState state)
{
    return QString::fromUtf16(StateNames.at(static_cast<std::size_t>(state)));
}

std::optional<AttachmentState> attachmentStateFromName(QStringView name)
{
    for (std::size_t i = 0; i < StateNames.size(); ++i) {
        if (name == QStringView(StateNames[i]))
            return static_cast<AttachmentState>(i);
    }
    return std::nullopt;
}

Text Text::of(const QString &text)
{
    return Text{text, isEmojiOnly(text)};
}

Body emptyBody(Kind kind)
{
    return emptyBodyAt(static_cast<std::size_t>(kind));
}

QString Actor::toString() const
{
    return (type == Type::Subscriber ? u"subscriber:"_s : u"user:"_s) + QString::number(id);
}

std::optional<Actor> Actor::parse(QStringView text)
{
    const qsizetype colon = text.indexOf(u':');
    if (colon < 0)
        return std::nullopt;
    const QStringView prefix = text.left(colon);
    const QStringView digits = text.mid(colon + 1);
    Actor actor;
    if (prefix == u"subscriber")
        actor.type = Type::Subscriber;
    else if (prefix == u"user")
        actor.type = Type::User;
    else
        return std::nullopt;
    // Canonical decimal only: no sign, no leading zero, no spaces.
    if (digits.isEmpty() || digits.size() > 16 || digits.front() == u'0')
        return std::nullopt;
    for (QChar c : digits) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
    }
    actor.id = digits.toLongLong();
    if (actor.id > MaxSafeInteger)
        return std::nullopt;
    return actor;
}

Content markedDeleted(const Content &content, const QDateTime &at)
{
    Content deleted;
    deleted.body = emptyBody(content.kind());
    deleted.deletedAt = at.toUTC();
    return deleted;
}

} // namespace era::content
