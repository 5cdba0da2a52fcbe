#include "files/Thumbnailer.h"

#include <QBuffer>
#include <QImage>
#include <QImageReader>
#include <QImageWriter>
#include <QPainter>

namespace era::files {

using namespace Qt::StringLiterals;

Result<QByteArray> makeThumbnail(const QString &path, int maxSide, qint64 maxPixels)
{
    QImageReader reader(path);
    reader.setAutoTransform(true); // EXIF orientation, as people see the photo
    const QSize size = reader.size();
    if (!size.isValid())
        return Error{u"unsupported_media_type"_s,
                     u"the image cannot be decoded: %1"_s.arg(reader.errorString())};
    if (qint64(size.width()) * size.height() > maxPixels)
        return Error{u"unsupported_media_type"_s,
                     u"the image has more than %1 pixels; no thumbnail is made"_s.arg(maxPixels)};
    // Readers that can (JPEG) decode straight at the smaller size.
    if (size.width() > maxSide || size.height() > maxSide)
        reader.setScaledSize(size.scaled(maxSide, maxSide, Qt::KeepAspectRatio));
    QImage image = reader.read();
    if (image.isNull())
        return Error{u"unsupported_media_type"_s,
                     u"the image cannot be decoded: %1"_s.arg(reader.errorString())};
    if (image.width() > maxSide || image.height() > maxSide) // autoTransform may have turned it
        image = image.scaled(maxSide, maxSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);

    QImage flat(image.size(), QImage::Format_RGB32);
    flat.fill(Qt::white);
    {
        QPainter painter(&flat);
        painter.drawImage(0, 0, image);
    }
    QByteArray jpeg;
    QBuffer buffer(&jpeg);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, "jpeg");
    writer.setQuality(82);
    if (!writer.write(flat))
        return Error{u"io_error"_s, u"JPEG encoding failed: %1"_s.arg(writer.errorString())};
    return jpeg;
}

} // namespace era::files
