#include "api/ws/Frames.h"

#include "core/JsonText.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <era/protocol/Protocol.h>

namespace era::api::frames {

using namespace Qt::StringLiterals;

namespace {

// Any JSON value as compact text (a document needs an array or object around it).
QByteArray valueJson(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String: {
        QByteArray out;
        appendJsonString(out, value.toString());
        return out;
    }
    case QJsonValue::Bool:
        return value.toBool() ? QByteArrayLiteral("true") : QByteArrayLiteral("false");
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return QByteArrayLiteral("null");
    default:
        return QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact).mid(1).chopped(1);
    }
}

QByteArray objectJson(const QJsonObject &object)
{
    return object.isEmpty() ? QByteArrayLiteral("{}") : QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

QByteArray event(const Event &e)
{
    const QByteArray data = dataJsonOf(e);
    QByteArray out;
    out.reserve(data.size() + e.name.size() + 48);
    out += "{\"data\":";
    out += data;
    out += ",\"name\":";
    appendJsonString(out, e.name);
    out += ",\"seq\":";
    out += QByteArray::number(e.seq);
    out += ",\"type\":\"";
    out += protocol::FrameEvent;
    out += "\"}";
    return out;
}

QByteArray reply(const QJsonValue &id, const Result<QJsonObject> &result)
{
    QByteArray out = "{";
    if (!result) {
        QJsonObject err = result.error().details;
        err.insert(u"code"_s, result.error().code);
        err.insert(u"message"_s, result.error().message);
        out += "\"error\":";
        out += objectJson(err);
        out += ',';
    }
    out += "\"id\":";
    out += valueJson(id);
    out += result ? ",\"ok\":true,\"result\":" + objectJson(*result) : QByteArray(",\"ok\":false");
    out += ",\"type\":\"";
    out += protocol::FrameReply;
    out += "\"}";
    return out;
}

} // namespace era::api::frames
