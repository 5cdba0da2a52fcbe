#include "FilesTesting.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QImage>
#include <QRandomGenerator>

QByteArray pngBytes(QSize size, bool alpha)
{
    QImage image(size, alpha ? QImage::Format_ARGB32 : QImage::Format_RGB32);
    for (int y = 0; y < size.height(); ++y)
        for (int x = 0; x < size.width(); ++x)
            image.setPixel(x, y, qRgba(x % 256, y % 256, (x + y) % 256, alpha ? (x * 7) % 256 : 255));
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

QByteArray pdfBytes()
{
    return QByteArrayLiteral(
        "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n");
}

QByteArray randomBytes(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator *random = QRandomGenerator::global();
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char(random->bounded(256));
    // A fixed head no magic of shared-mime-info matches (random bytes at offsets 1-2 can read as a TGA
    // header), then a NUL so that the data is never taken for text.
    for (qsizetype i = 0; i < qMin<qsizetype>(size, 16); ++i)
        bytes[i] = char(0x9b);
    if (bytes.size() > 16)
        bytes[16] = char(0x00);
    return bytes;
}

QString sha256Hex(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

QStringList filesUnder(const QString &dir)
{
    QStringList found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext())
        found.append(QDir(dir).relativeFilePath(it.next()));
    found.sort();
    return found;
}
