#pragma once

#include <QDateTime>
#include <QString>
#include <QUrl>

// How the desk writes things for people: links in text, sizes, durations, days and waiting times.
namespace era::desk::format {

// Escapes the text for a Qt rich-text label and turns http(s) links, www. addresses and e-mail addresses
// into <a href> links; line breaks become <br>.
QString linkify(const QString &plain);
// "512 B", "48 KB", "1.2 MB", "3.4 GB".
QString size(qint64 bytes);
// "0:07", "1:15", "1:02:03".
QString duration(int seconds);
// "Today", "Yesterday", the weekday within the last week, else "12 March" / "12 March 2024".
QString day(const QDate &date, const QDate &today);
// "14:05" in local time.
QString clock(const QDateTime &time);
// A waiting time: "now", "45 s", "12 min", "3 h 5 min", "2 d".
QString waited(qint64 ms);
// One or two capital letters for an avatar: "Anna Petrova" -> "AP", "olga" -> "O", "" -> "?".
QString initials(const QString &name);
// https://www.openstreetmap.org/?mlat=..&mlon=..#map=17/lat/lon
QUrl mapUrl(double latitude, double longitude);

} // namespace era::desk::format
