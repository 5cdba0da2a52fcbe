#include "era/content/EmojiOnly.h"

#include <QChar>
#include <QList>
#include <algorithm>
#include <span>

namespace era::content {

namespace {

struct Range {
    char32_t first;
    char32_t last;
};

// Qt 6.4's QChar knows no emoji properties, so the two we need are tabled here.
//
// Extended_Pictographic=Yes, from emoji-data.txt of Unicode 14.0 (the property is unchanged since 13.0 and
// is the same in 15.0 and 15.1). It covers reserved blocks too, so emoji assigned later are recognised
// without a table update.
constexpr Range ExtendedPictographic[] = {
    {0x00A9, 0x00A9},   {0x00AE, 0x00AE},   {0x203C, 0x203C},   {0x2049, 0x2049},   {0x2122, 0x2122},
    {0x2139, 0x2139},   {0x2194, 0x2199},   {0x21A9, 0x21AA},   {0x231A, 0x231B},   {0x2328, 0x2328},
    {0x2388, 0x2388},   {0x23CF, 0x23CF},   {0x23E9, 0x23F3},   {0x23F8, 0x23FA},   {0x24C2, 0x24C2},
    {0x25AA, 0x25AB},   {0x25B6, 0x25B6},   {0x25C0, 0x25C0},   {0x25FB, 0x25FE},   {0x2600, 0x2605},
    {0x2607, 0x2612},   {0x2614, 0x2685},   {0x2690, 0x2705},   {0x2708, 0x2712},   {0x2714, 0x2714},
    {0x2716, 0x2716},   {0x271D, 0x271D},   {0x2721, 0x2721},   {0x2728, 0x2728},   {0x2733, 0x2734},
    {0x2744, 0x2744},   {0x2747, 0x2747},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
    {0x2757, 0x2757},   {0x2763, 0x2767},   {0x2795, 0x2797},   {0x27A1, 0x27A1},   {0x27B0, 0x27B0},
    {0x27BF, 0x27BF},   {0x2934, 0x2935},   {0x2B05, 0x2B07},   {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},
    {0x2B55, 0x2B55},   {0x3030, 0x3030},   {0x303D, 0x303D},   {0x3297, 0x3297},   {0x3299, 0x3299},
    {0x1F000, 0x1F0FF}, {0x1F10D, 0x1F10F}, {0x1F12F, 0x1F12F}, {0x1F16C, 0x1F171}, {0x1F17E, 0x1F17F},
    {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F1AD, 0x1F1E5}, {0x1F201, 0x1F20F}, {0x1F21A, 0x1F21A},
    {0x1F22F, 0x1F22F}, {0x1F232, 0x1F23A}, {0x1F23C, 0x1F23F}, {0x1F249, 0x1F3FA}, {0x1F400, 0x1F53D},
    {0x1F546, 0x1F64F}, {0x1F680, 0x1F6FF}, {0x1F774, 0x1F77F}, {0x1F7D5, 0x1F7FF}, {0x1F80C, 0x1F80F},
    {0x1F848, 0x1F84F}, {0x1F85A, 0x1F85F}, {0x1F888, 0x1F88F}, {0x1F8AE, 0x1F8FF}, {0x1F90C, 0x1F93A},
    {0x1F93C, 0x1F945}, {0x1F947, 0x1FAFF}, {0x1FC00, 0x1FFFD},
};

// Emoji_Presentation=Yes below U+1F000 (same emoji-data.txt): the few BMP pictographs shown as emoji without
// U+FE0F. Above U+1F000 almost every pictograph is emoji by default, and phones send the rest with U+FE0F, so
// all of them count.
constexpr Range BmpEmojiPresentation[] = {
    {0x231A, 0x231B}, {0x23E9, 0x23EC}, {0x23F0, 0x23F0}, {0x23F3, 0x23F3}, {0x25FD, 0x25FE},
    {0x2614, 0x2615}, {0x2648, 0x2653}, {0x267F, 0x267F}, {0x2693, 0x2693}, {0x26A1, 0x26A1},
    {0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5}, {0x26CE, 0x26CE}, {0x26D4, 0x26D4},
    {0x26EA, 0x26EA}, {0x26F2, 0x26F3}, {0x26F5, 0x26F5}, {0x26FA, 0x26FA}, {0x26FD, 0x26FD},
    {0x2705, 0x2705}, {0x270A, 0x270B}, {0x2728, 0x2728}, {0x274C, 0x274C}, {0x274E, 0x274E},
    {0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797}, {0x27B0, 0x27B0}, {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55},
};

constexpr char32_t ZeroWidthJoiner = 0x200D;
constexpr char32_t TextSelector = 0xFE0E;  // VS15
constexpr char32_t EmojiSelector = 0xFE0F; // VS16
constexpr char32_t CombiningKeycap = 0x20E3;
constexpr char32_t CancelTag = 0xE007F;

bool inRanges(char32_t c, std::span<const Range> ranges)
{
    const auto it = std::upper_bound(ranges.begin(), ranges.end(), c,
                                     [](char32_t v, const Range &r) { return v < r.first; });
    return it != ranges.begin() && c <= std::prev(it)->last;
}

bool isExtendedPictographic(char32_t c)
{
    return inRanges(c, ExtendedPictographic);
}

bool isRegionalIndicator(char32_t c)
{
    return c >= 0x1F1E6 && c <= 0x1F1FF;
}

bool isSkinTone(char32_t c)
{
    return c >= 0x1F3FB && c <= 0x1F3FF;
}

bool isTagSpec(char32_t c)
{
    return c >= 0xE0020 && c <= 0xE007E;
}

bool isKeycapBase(char32_t c)
{
    return (c >= u'0' && c <= u'9') || c == u'#' || c == u'*';
}

// Reads emoji sequences (UTS #51 "possible emoji" grammar) from a string of code points.
class EmojiScanner {
public:
    explicit EmojiScanner(const QList<uint> &codePoints) : m_cps(codePoints) {}

    bool atEnd() const { return m_pos >= m_cps.size(); }

    void skipWhitespace()
    {
        while (!atEnd() && QChar::isSpace(peek()))
            ++m_pos;
    }

    // One whole sequence, ZWJ-joined parts included; false when what follows is not an emoji.
    bool readEmoji()
    {
        Part part = readPart(false);
        if (part == Part::None)
            return false;
        bool emoji = part == Part::Emoji;
        while (peek() == ZeroWidthJoiner) {
            ++m_pos;
            part = readPart(true);
            if (part == Part::None)
                return false;
            emoji = emoji || part == Part::Emoji;
        }
        return emoji;
    }

private:
    enum class Part { None, Text, Emoji };

    char32_t peek(qsizetype ahead = 0) const
    {
        const qsizetype at = m_pos + ahead;
        return at < m_cps.size() ? char32_t(m_cps.at(at)) : char32_t(0);
    }

    Part readPart(bool afterJoiner)
    {
        const char32_t c = peek();
        if (!afterJoiner && isKeycapBase(c)) {
            qsizetype len = 1;
            if (peek(len) == EmojiSelector)
                ++len;
            if (peek(len) != CombiningKeycap)
                return Part::None;
            m_pos += len + 1;
            return Part::Emoji;
        }
        if (!afterJoiner && isRegionalIndicator(c)) {
            if (!isRegionalIndicator(peek(1)))
                return Part::None;
            m_pos += 2;
            return Part::Emoji;
        }
        if (isSkinTone(c)) {
            ++m_pos;
            return Part::Emoji;
        }
        if (!isExtendedPictographic(c))
            return Part::None;
        ++m_pos;
        bool emoji = c >= 0x1F000 || inRanges(c, BmpEmojiPresentation);
        bool text = false;
        for (;; ++m_pos) {
            const char32_t next = peek();
            if (next == EmojiSelector || isSkinTone(next))
                emoji = true;
            else if (next == TextSelector)
                text = true;
            else
                break;
        }
        if (isTagSpec(peek())) {
            while (isTagSpec(peek()))
                ++m_pos;
            if (peek() != CancelTag)
                return Part::None;
            ++m_pos;
            emoji = true;
        }
        return emoji && !text ? Part::Emoji : Part::Text;
    }

    const QList<uint> &m_cps;
    qsizetype m_pos = 0;
};

} // namespace

bool isEmojiOnly(QStringView text, int maxEmoji)
{
    const QList<uint> codePoints = text.toUcs4();
    EmojiScanner scanner(codePoints);
    int count = 0;
    for (scanner.skipWhitespace(); !scanner.atEnd(); scanner.skipWhitespace()) {
        if (!scanner.readEmoji() || ++count > maxEmoji)
            return false;
    }
    return count > 0;
}

} // namespace era::content
