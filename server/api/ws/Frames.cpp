#include "api/ws/Frames.h"

#include "core/JsonText.h"

#include <QJsonDocument>
#include <era/protocol/Protocol.h>

namespace era::api::frames {

using namespace Qt::StringLiterals;

namespace {

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
    out += compactJson(id);
    out += result ? ",\"ok\":true,\"result\":" + objectJson(*result) : QByteArray(",\"ok\":false");
    out += ",\"type\":\"";
    out += protocol::FrameReply;
    out += "\"}";
    return out;
}

} // namespace era::api::frames
