#include "model/TextFormat.h"

#include <QCoreApplication>
#include <QLocale>
#include <QRegularExpression>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace era::desk::format {

namespace {
// The words are marked with QT_TRANSLATE_NOOP("format", ...) where they are written, for lupdate.
QString say(const char *text)
{
    return QCoreApplication::translate("format", text);
}

// Trailing punctuation that usually ends the sentence, not the link.
void trimLinkEnd(QString &link)
{
    while (!link.isEmpty()) {
        const QChar last = link.back();
        if (QStringView(u".,;:!?'\"").contains(last)) {
            link.chop(1);
        } else if (last == u')' && link.count(u'(') < link.count(u')')) {
            link.chop(1);
        } else {
            break;
        }
    }
}
} // namespace

QString linkify(const QString &plain)
{
    static const QRegularExpression links(
        uR"((?<url>\b(?:https?://|www\.)[^\s<>"]+)|(?<mail>\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b))"_s,
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption);
    QString out;
    out.reserve(plain.size() + 16);
    qsizetype at = 0;
    auto it = links.globalMatch(plain);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        QString text = m.captured(0);
        const bool mail = !m.captured(u"mail"_s).isEmpty();
        if (!mail)
            trimLinkEnd(text);
        out += plain.mid(at, m.capturedStart() - at).toHtmlEscaped();
        QString href = mail                                              ? u"mailto:"_s + text
                       : text.startsWith(u"www."_s, Qt::CaseInsensitive) ? u"https://"_s + text
                                                                         : text;
        out += u"<a href=\""_s + href.toHtmlEscaped() + u"\">"_s + text.toHtmlEscaped() + u"</a>"_s;
        at = m.capturedStart() + text.size();
    }
    out += plain.mid(at).toHtmlEscaped();
    out.replace(u"\n"_s, u"<br>"_s);
    return out;
}

QString size(qint64 bytes)
{
    if (bytes < 0)
        return {};
    if (bytes < 1024)
        return say(QT_TRANSLATE_NOOP("format", "%1 B")).arg(bytes);
    const char *units[] = {QT_TRANSLATE_NOOP("format", "%1 KB"), QT_TRANSLATE_NOOP("format", "%1 MB"),
                           QT_TRANSLATE_NOOP("format", "%1 GB")};
    double value = bytes / 1024.0;
    int unit = 0;
    while (value >= 1024 && unit < 2) {
        value /= 1024;
        ++unit;
    }
    const int decimals = value < 10 && unit > 0 ? 1 : 0;
    return say(units[unit]).arg(QLocale().toString(value, 'f', decimals));
}

QString duration(int seconds)
{
    if (seconds < 0)
        return {};
    const int h = seconds / 3600, m = (seconds / 60) % 60, s = seconds % 60;
    if (h > 0)
        return u"%1:%2:%3"_s.arg(h).arg(m, 2, 10, QChar(u'0')).arg(s, 2, 10, QChar(u'0'));
    return u"%1:%2"_s.arg(m).arg(s, 2, 10, QChar(u'0'));
}

QString day(const QDate &date, const QDate &today)
{
    if (!date.isValid())
        return {};
    const qint64 back = date.daysTo(today);
    if (back == 0)
        return say(QT_TRANSLATE_NOOP("format", "Today"));
    if (back == 1)
        return say(QT_TRANSLATE_NOOP("format", "Yesterday"));
    QLocale locale;
    if (back > 1 && back < 7)
        return locale.standaloneDayName(date.dayOfWeek(), QLocale::LongFormat);
    return date.year() == today.year() ? locale.toString(date, u"d MMMM"_s)
                                       : locale.toString(date, u"d MMMM yyyy"_s);
}

QString clock(const QDateTime &time)
{
    return time.isValid() ? time.toLocalTime().toString(u"HH:mm"_s) : QString();
}

QString waited(qint64 ms)
{
    const qint64 s = std::max<qint64>(0, ms) / 1000;
    if (s < 5)
        return say(QT_TRANSLATE_NOOP("format", "now"));
    if (s < 60)
        return say(QT_TRANSLATE_NOOP("format", "%1 s")).arg(s);
    if (s < 3600)
        return say(QT_TRANSLATE_NOOP("format", "%1 min")).arg(s / 60);
    if (s < 86400) {
        const qint64 min = (s / 60) % 60;
        return min ? say(QT_TRANSLATE_NOOP("format", "%1 h %2 min")).arg(s / 3600).arg(min)
                   : say(QT_TRANSLATE_NOOP("format", "%1 h")).arg(s / 3600);
    }
    return say(QT_TRANSLATE_NOOP("format", "%1 d")).arg(s / 86400);
}

QString initials(const QString &name)
{
    QString out;
    for (const QString &word : name.split(u' ', Qt::SkipEmptyParts)) {
        if (word.at(0).isLetterOrNumber())
            out += word.at(0).toUpper();
        if (out.size() == 2)
            break;
    }
    return out.isEmpty() ? u"?"_s : out;
}

QUrl mapUrl(double latitude, double longitude)
{
    const QString lat = QString::number(latitude, 'f', 6), lon = QString::number(longitude, 'f', 6);
    QUrl url(u"https://www.openstreetmap.org/"_s);
    QUrlQuery q;
    q.addQueryItem(u"mlat"_s, lat);
    q.addQueryItem(u"mlon"_s, lon);
    url.setQuery(q);
    url.setFragment(u"map=17/"_s + lat + u"/"_s + lon);
    return url;
}

} // namespace era::desk::format
