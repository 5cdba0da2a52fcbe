#pragma once

#include <QStringView>

namespace era::content {

// True when the text is 1..maxEmoji emoji with nothing but whitespace around them, the messenger rule for
// showing a message as large emoji. One emoji is one sequence as people see it: a ZWJ sequence (family,
// profession), a skin-tone modifier sequence, a keycap (1️⃣), a flag (two regional indicators) or a tag
// sequence (🏴󠁧󠁢󠁳󠁣󠁴󠁿). Pictographs that are text by default (©, ™, ❤) count only
// with U+FE0F (©️, ❤️); U+FE0E asks for text and never counts.
bool isEmojiOnly(QStringView text, int maxEmoji = 3);

} // namespace era::content
