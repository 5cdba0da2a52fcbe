#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonValue>
#include <QStringView>

namespace era {

// Appends `text` as a JSON string (RFC 8259 section 7), quotes included, as QJsonDocument writes it:
// quote, backslash and control characters escaped, everything else as UTF-8. For JSON text assembled
// directly (frames, rows passed as one parameter) where a QJsonDocument would cost more than the data.
void appendJsonString(QByteArray &out, QStringView text);
// The same for text that is UTF-8 already.
void appendJsonString(QByteArray &out, QByteArrayView utf8);

// Any JSON value as compact text, as QJsonDocument writes it (a document holds only arrays and objects).
QByteArray compactJson(const QJsonValue &value);

} // namespace era
