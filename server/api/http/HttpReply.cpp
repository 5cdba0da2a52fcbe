#include "api/http/HttpReply.h"

#include "core/Metrics.h"

#include <QJsonDocument>

namespace era::api {

using namespace Qt::StringLiterals;
using Status = QHttpServerResponder::StatusCode;

QHttpServerResponder::StatusCode httpStatusFor(const QString &code)
{
    static const QHash<QString, Status> table = {
        {u"bad_json"_s, Status::BadRequest},
        {u"bad_args"_s, Status::BadRequest},
        {u"weak_password"_s, Status::UnprocessableEntity},
        {u"bad_credentials"_s, Status::Unauthorized},
        {u"unauthorized"_s, Status::Unauthorized},
        {u"token_expired"_s, Status::Unauthorized},
        {u"token_revoked"_s, Status::Unauthorized},
        {u"user_disabled"_s, Status::Forbidden},
        {u"forbidden"_s, Status::Forbidden},
        {u"not_found"_s, Status::NotFound},
        {u"login_taken"_s, Status::Conflict},
        {u"conflict"_s, Status::Conflict},
        {u"too_large"_s, Status::PayloadTooLarge},
        {u"too_many_attempts"_s, Status::TooManyRequests},
        {u"shutting_down"_s, Status::ServiceUnavailable},
    };
    return table.value(code, Status::InternalServerError);
}

HttpReply::HttpReply(QHttpServerResponder &&responder, QByteArray route, Metrics *metrics)
    : m_state(std::make_shared<State>(std::move(responder))), m_route(std::move(route)), m_metrics(metrics)
{}

void HttpReply::write(const QByteArray &body, const QByteArray &contentType, Status status,
                      const QByteArray &retryAfter)
{
    if (m_state->written)
        return;
    m_state->written = true;
    if (m_metrics)
        m_metrics->add("era_http_requests_total",
                       "route=\"" + m_route + "\",status=\"" + QByteArray::number(int(status)) + '"');
    if (!m_state->socket || !m_state->socket->isOpen())
        return; // the client left while we worked; nothing to tell
    if (retryAfter.isEmpty())
        m_state->responder.write(body, {{"Content-Type", contentType}, {"Cache-Control", "no-store"}},
                                 status);
    else
        m_state->responder.write(
            body, {{"Content-Type", contentType}, {"Cache-Control", "no-store"}, {"Retry-After", retryAfter}},
            status);
}

void HttpReply::json(const QJsonObject &body, Status status)
{
    write(QJsonDocument(body).toJson(QJsonDocument::Compact), "application/json", status);
}

void HttpReply::json(const QJsonArray &body, Status status)
{
    write(QJsonDocument(body).toJson(QJsonDocument::Compact), "application/json", status);
}

void HttpReply::text(const QByteArray &body, const QByteArray &contentType, Status status)
{
    write(body, contentType, status);
}

void HttpReply::noContent()
{
    write({}, "application/json", Status::NoContent);
}

void HttpReply::error(const Error &e)
{
    QJsonObject err = e.details;
    err.insert(u"code"_s, e.code);
    err.insert(u"message"_s, e.message);
    const QByteArray body = QJsonDocument(QJsonObject{{u"error"_s, err}}).toJson(QJsonDocument::Compact);
    const qint64 retry = e.details.value(u"retry_after"_s).toInteger();
    write(body, "application/json", httpStatusFor(e.code),
          retry > 0 ? QByteArray::number(retry) : QByteArray());
}

} // namespace era::api
