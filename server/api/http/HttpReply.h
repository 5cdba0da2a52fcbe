#pragma once

#include "core/Result.h"

#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>
#include <QTcpSocket>
#include <memory>

namespace era {
class Metrics;
}

namespace era::api {

// The HTTP status for an error code of the application services (bad_args -> 400, forbidden -> 403, ...).
QHttpServerResponder::StatusCode httpStatusFor(const QString &errorCode);

// An answer that may be written later, after asynchronous work: it keeps the responder, notices when the
// client went away meanwhile, writes exactly once and counts the request in the metrics.
class HttpReply {
public:
    HttpReply(QHttpServerResponder &&responder, QByteArray route, Metrics *metrics);

    void json(const QJsonObject &body,
              QHttpServerResponder::StatusCode status = QHttpServerResponder::StatusCode::Ok);
    void json(const QJsonArray &body,
              QHttpServerResponder::StatusCode status = QHttpServerResponder::StatusCode::Ok);
    void text(const QByteArray &body, const QByteArray &contentType,
              QHttpServerResponder::StatusCode status = QHttpServerResponder::StatusCode::Ok);
    void noContent();
    // {"error":{"code","message",...details}} with the status of the code, and Retry-After when the details
    // carry retry_after.
    void error(const Error &e);

private:
    void write(const QByteArray &body, const QByteArray &contentType, QHttpServerResponder::StatusCode status,
               const QByteArray &retryAfter = {});

    struct State {
        explicit State(QHttpServerResponder &&r) : responder(std::move(r)), socket(responder.socket()) {}
        QHttpServerResponder responder;
        QPointer<QTcpSocket> socket;
        bool written = false;
    };
    std::shared_ptr<State> m_state;
    QByteArray m_route;
    Metrics *m_metrics;
};

} // namespace era::api
