#include "BotApiRequest.h"

#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

namespace {

QByteArray header(const QHttpServerRequest &request, const QByteArray &name)
{
    const auto headers = request.headers();
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool isJsonParam(const QString &name)
{
    static const QStringList names{QStringLiteral("reply_parameters"),
                                   QStringLiteral("reply_markup"),
                                   QStringLiteral("reaction"),
                                   QStringLiteral("allowed_updates"),
                                   QStringLiteral("entities"),
                                   QStringLiteral("caption_entities"),
                                   QStringLiteral("link_preview_options"),
                                   QStringLiteral("media")};
    return names.contains(name);
}

bool isIntegerParam(const QString &name)
{
    static const QStringList names{QStringLiteral("chat_id"),
                                   QStringLiteral("message_id"),
                                   QStringLiteral("offset"),
                                   QStringLiteral("limit"),
                                   QStringLiteral("timeout"),
                                   QStringLiteral("max_connections"),
                                   QStringLiteral("reply_to_message_id"),
                                   QStringLiteral("message_thread_id")};
    return names.contains(name);
}

bool isBooleanParam(const QString &name)
{
    static const QStringList names{QStringLiteral("is_big"),
                                   QStringLiteral("drop_pending_updates"),
                                   QStringLiteral("disable_notification"),
                                   QStringLiteral("protect_content"),
                                   QStringLiteral("allow_sending_without_reply"),
                                   QStringLiteral("disable_web_page_preview"),
                                   QStringLiteral("disable_content_type_detection"),
                                   QStringLiteral("has_spoiler")};
    return names.contains(name);
}

// key="value"; key2=value2 -> map (Content-Disposition and Content-Type parameters).
QHash<QByteArray, QByteArray> headerParameters(const QByteArray &value)
{
    QHash<QByteArray, QByteArray> result;
    const QList<QByteArray> pieces = value.split(';');
    for (const QByteArray &piece : pieces) {
        const QByteArray trimmed = piece.trimmed();
        const qsizetype eq = trimmed.indexOf('=');
        if (eq < 0) {
            result.insert(trimmed.toLower(), {});
            continue;
        }
        QByteArray v = trimmed.mid(eq + 1).trimmed();
        if (v.size() >= 2 && v.startsWith('"') && v.endsWith('"'))
            v = v.mid(1, v.size() - 2);
        result.insert(trimmed.left(eq).trimmed().toLower(), v);
    }
    return result;
}

} // namespace

QJsonValue BotApiRequest::typed(const QString &name, const QJsonValue &value)
{
    if (!value.isString())
        return value;
    const QString text = value.toString();
    if (isJsonParam(name)) {
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
        if (error.error == QJsonParseError::NoError)
            return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
        return value;
    }
    if (isIntegerParam(name)) {
        bool ok = false;
        const qint64 number = text.toLongLong(&ok);
        return ok ? QJsonValue(number) : value;
    }
    if (isBooleanParam(name)) {
        if (text == QLatin1String("true") || text == QLatin1String("1") || text == QLatin1String("True"))
            return true;
        if (text == QLatin1String("false") || text == QLatin1String("0") || text == QLatin1String("False"))
            return false;
    }
    return value;
}

BotApiRequest BotApiRequest::parseUrlEncoded(const QByteArray &encoded)
{
    BotApiRequest result;
    QByteArray spaced = encoded;
    spaced.replace('+', "%20");
    const QUrlQuery query(QString::fromUtf8(spaced));
    const auto items = query.queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items)
        result.params.insert(key, typed(key, value));
    return result;
}

BotApiRequest BotApiRequest::parseMultipart(const QByteArray &contentType, const QByteArray &body)
{
    BotApiRequest result;
    const QByteArray boundary = headerParameters(contentType).value("boundary");
    if (boundary.isEmpty()) {
        result.error = QStringLiteral("multipart body without boundary");
        return result;
    }
    const QByteArray delimiter = "--" + boundary;
    qsizetype pos = body.indexOf(delimiter);
    if (pos < 0) {
        result.error = QStringLiteral("multipart body without parts");
        return result;
    }
    for (;;) {
        pos += delimiter.size();
        if (body.mid(pos, 2) == "--")
            break;
        if (body.mid(pos, 2) == "\r\n")
            pos += 2;
        const qsizetype next = body.indexOf(QByteArray("\r\n" + delimiter), pos);
        if (next < 0) {
            result.error = QStringLiteral("unterminated multipart body");
            return result;
        }
        const QByteArray part = body.mid(pos, next - pos);
        const qsizetype headerEnd = part.indexOf("\r\n\r\n");
        const QByteArray headers = headerEnd < 0 ? part : part.left(headerEnd);
        const QByteArray content = headerEnd < 0 ? QByteArray() : part.mid(headerEnd + 4);
        QHash<QByteArray, QByteArray> disposition;
        QByteArray partType;
        for (const QByteArray &line : headers.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon < 0)
                continue;
            const QByteArray key = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (key == "content-disposition")
                disposition = headerParameters(value);
            else if (key == "content-type")
                partType = value;
        }
        const QString name = QString::fromUtf8(disposition.value("name"));
        if (name.isEmpty()) {
            result.error = QStringLiteral("multipart part without a name");
            return result;
        }
        if (disposition.contains("filename")) {
            result.uploads.append(FakeTelegramUpload{name, QString::fromUtf8(disposition.value("filename")),
                                                     QString::fromUtf8(partType), content});
        } else {
            result.params.insert(name, typed(name, QString::fromUtf8(content)));
        }
        pos = next + 2;
    }
    return result;
}

BotApiRequest BotApiRequest::parse(const QHttpServerRequest &request)
{
    BotApiRequest result = parseUrlEncoded(request.url().query(QUrl::FullyEncoded).toLatin1());
    const QByteArray contentType = header(request, "content-type");
    const QByteArray mime = contentType.split(';').constFirst().trimmed().toLower();
    const QByteArray body = request.body();
    BotApiRequest fromBody;
    if (mime == "application/json") {
        if (!body.trimmed().isEmpty()) {
            QJsonParseError error{};
            const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
            if (error.error != QJsonParseError::NoError || !doc.isObject()) {
                result.error = QStringLiteral("can't parse JSON object");
                return result;
            }
            const QJsonObject object = doc.object();
            for (auto it = object.begin(); it != object.end(); ++it)
                fromBody.params.insert(it.key(), typed(it.key(), it.value()));
        }
    } else if (mime == "application/x-www-form-urlencoded") {
        fromBody = parseUrlEncoded(body);
    } else if (mime == "multipart/form-data") {
        fromBody = parseMultipart(contentType, body);
    }
    if (!fromBody.error.isEmpty()) {
        result.error = fromBody.error;
        return result;
    }
    for (auto it = fromBody.params.begin(); it != fromBody.params.end(); ++it)
        result.params.insert(it.key(), it.value());
    result.uploads = fromBody.uploads;
    return result;
}
