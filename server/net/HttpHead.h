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
    // For Reject: the status, the error code and message of the JSON answer, the limit that was passed
    // (max_bytes, when one was), and extra response header lines, each ending in CRLF.
    int status = 0;
    QByteArray code;
    QByteArray message;
    qint64 maxBytes = -1;
    QByteArray extra;
};

// The largest body a request may declare, by the path of its head: one mechanism for every route, so that a
// body is refused before it is read.
struct BodyLimits {
    qint64 defaultBytes = 1 << 20;
    // Paths allowed another limit (file uploads). A prefix matches itself and the paths below it:
    // "/api/v1/files" matches "/api/v1/files" and "/api/v1/files/x", not "/api/v1/filesx". The longest
    // matching prefix wins.
    QList<std::pair<QByteArray, qint64>> byPathPrefix;

    qint64 forPath(QByteArrayView path) const;
    qint64 largest() const;
};

struct HeadLimits {
    QByteArray wsPath;
    BodyLimits body;
};

HeadVerdict classifyHead(const HttpHead &head, const HeadLimits &limits);
HeadVerdict rejection(int status, QByteArray code, QByteArray message, qint64 maxBytes = -1,
                      QByteArray extra = {});

// A complete "Connection: close" response whose body is the API's JSON error envelope
// ({"error":{"code","message"[,"max_bytes"]}}).
QByteArray rejectResponse(const HeadVerdict &verdict);

} // namespace era::net
