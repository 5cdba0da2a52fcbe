#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

namespace era::files {

// Makes the JPEG thumbnail of an image file: at most maxSide x maxSide, aspect kept, never enlarged,
// transparency flattened onto white. CPU-heavy and blocking: workers only. Fails with unsupported_media_type
// when the file does not decode or has more than maxPixels pixels.
Result<QByteArray> makeThumbnail(const QString &path, int maxSide, qint64 maxPixels);

} // namespace era::files
