#pragma once

#include "FakeTelegram.h"

#include <QJsonObject>

class QHttpServerRequest;

// The parameters of one Bot API call, whichever of the four accepted encodings carried them: URL query,
// application/x-www-form-urlencoded, application/json or multipart/form-data.
struct BotApiRequest {
    QJsonObject params;
    QList<FakeTelegramUpload> uploads;
    QString error; // non-empty: the request could not be read ("Bad Request: ..." follows)

    static BotApiRequest parse(const QHttpServerRequest &request);
    // Pure parts, callable from tests.
    static BotApiRequest parseMultipart(const QByteArray &contentType, const QByteArray &body);
    static BotApiRequest parseUrlEncoded(const QByteArray &encoded);
    // Telegram takes "JSON-serialized" parameters as strings in form encodings and numbers as text; this
    // gives every known parameter its documented type.
    static QJsonValue typed(const QString &name, const QJsonValue &value);
};
