#pragma once

#include "era/content/Content.h"

namespace era::content {

// One line for notifications and dialog lists: the text or caption, or a symbol and a word ("📷 Photo",
// "📎 report.pdf", "📍 Location"). Words are translated in context "content". Whitespace is collapsed; a longer
// line is cut to maxChars UTF-16 units ending in "…", never inside a character or an emoji sequence.
// maxChars <= 0 means no limit.
QString plainPreview(const Content &content, int maxChars = 100);

} // namespace era::content
