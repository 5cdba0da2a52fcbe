#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <optional>
#include <utility>

namespace era::net {

// The request line and headers of one HTTP/1.x request, parsed from bytes that were peeked, not read.
struct HttpHead {
    QByteArray method;
    QByteArray path; // the target without its query
    QByteArray version;
    QList<std::pair<QByteArray, QByteArray>> headers; // names lower-cased, values trimmed

    // All values of a header joined with ", " (an empty array when absent).
    QByteArray value(QByteArrayView lowercaseName) const;
    bool hasToken(QByteArrayView lowercaseName, QByteArrayView token) const; // comma-separated list
};

// Offset just past the blank line ending the head, or -1 while it is incomplete.
qsizetype findHeadEnd(QByteArrayView bytes);
std::optional<HttpHead> parseHttpHead(QByteArrayView head);

// What the listener does with a connection once its first request head has arrived.
struct HeadVerdict {
    enum Kind { Http, WebSocket, Reject };
    Kind kind = Http;
    int status = 0;   // for Reject
    QByteArray extra; // extra response header lines for Reject, each ending in CRLF
};

struct HeadLimits {
    QByteArray wsPath;
    qint64 maxBodyBytes = 0;
};

HeadVerdict classifyHead(const HttpHead &head, const HeadLimits &limits);

// A complete "Connection: close" response with a short text body.
QByteArray rejectResponse(int status, const QByteArray &extraHeaders = {});

} // namespace era::net
