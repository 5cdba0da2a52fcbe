#include "era/content/Preview.h"

#include <QCoreApplication>
#include <QTextBoundaryFinder>

using namespace Qt::StringLiterals;

namespace era::content {

namespace {

// The words are marked with QT_TRANSLATE_NOOP("content", ...) where they are written, for lupdate.
QString word(const char *source)
{
    return QCoreApplication::translate("content", source);
}

QString labelled(QStringView symbol, const QString &text)
{
    return symbol + u' ' + text;
}

QString firstOf(const QString &a, const QString &b, const QString &fallback = {})
{
    return !a.trimmed().isEmpty() ? a : !b.trimmed().isEmpty() ? b : fallback;
}

QString duration(int seconds)
{
    return u"%1:%2"_s.arg(seconds / 60).arg(seconds % 60, 2, 10, QChar(u'0'));
}

struct PreviewLine {
    QString operator()(const Text &t) const { return t.text; }
    QString operator()(const Image &m) const
    {
        return labelled(u"📷", firstOf(m.caption, {}, word(QT_TRANSLATE_NOOP("content", "Photo"))));
    }
    QString operator()(const Video &m) const
    {
        return labelled(u"🎥", firstOf(m.caption, {}, word(QT_TRANSLATE_NOOP("content", "Video"))));
    }
    QString operator()(const Audio &m) const
    {
        return labelled(u"🎵",
                        firstOf(m.caption, m.file.fileName, word(QT_TRANSLATE_NOOP("content", "Audio"))));
    }
    QString operator()(const Voice &m) const
    {
        if (!m.caption.trimmed().isEmpty())
            return labelled(u"🎤", m.caption);
        const QString text = word(QT_TRANSLATE_NOOP("content", "Voice message"));
        return labelled(
            u"🎤", m.file.durationSeconds ? QString(text + u' ' + duration(*m.file.durationSeconds)) : text);
    }
    QString operator()(const Document &m) const
    {
        return labelled(u"📎",
                        firstOf(m.caption, m.file.fileName, word(QT_TRANSLATE_NOOP("content", "Document"))));
    }
    QString operator()(const Sticker &s) const
    {
        return s.emoji.isEmpty() ? word(QT_TRANSLATE_NOOP("content", "Sticker"))
                                 : labelled(s.emoji, word(QT_TRANSLATE_NOOP("content", "Sticker")));
    }
    QString operator()(const Location &l) const
    {
        return labelled(u"📍", firstOf(l.title, l.address, word(QT_TRANSLATE_NOOP("content", "Location"))));
    }
    QString operator()(const Contact &c) const
    {
        return labelled(u"👤", firstOf(c.displayName, {}, word(QT_TRANSLATE_NOOP("content", "Contact"))));
    }
    QString operator()(const System &s) const { return firstOf(s.text, s.code); }
    QString operator()(const Unsupported &) const
    {
        return labelled(u"⚠️", word(QT_TRANSLATE_NOOP("content", "Unsupported message")));
    }
};

QString ellipsized(const QString &line, int maxChars)
{
    if (maxChars <= 0 || line.size() <= maxChars)
        return line;
    QTextBoundaryFinder graphemes(QTextBoundaryFinder::Grapheme, line);
    graphemes.setPosition(maxChars - 1); // room for the ellipsis
    if (!graphemes.isAtBoundary())
        graphemes.toPreviousBoundary();
    const qsizetype cut = qMax<qsizetype>(0, graphemes.position());
    return QStringView(line).left(cut).trimmed() + u'…';
}

} // namespace

QString plainPreview(const Content &content, int maxChars)
{
    if (content.isDeleted())
        return ellipsized(word(QT_TRANSLATE_NOOP("content", "Message deleted")), maxChars);
    return ellipsized(std::visit(PreviewLine{}, content.body).simplified(), maxChars);
}

} // namespace era::content
