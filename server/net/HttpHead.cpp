#include "net/HttpHead.h"

#include <QByteArrayMatcher>

namespace era::net {

namespace {

bool isToken(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (char c : s) {
        if (c <= 32 || c >= 127 || c == ':' || c == '(' || c == ')' || c == ',' || c == '"')
            return false;
    }
    return true;
}

const char *reasonPhrase(int status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 408:
        return "Request Timeout";
    case 413:
        return "Payload Too Large";
    case 426:
        return "Upgrade Required";
    case 431:
        return "Request Header Fields Too Large";
    default:
        return "Error";
    }
}

} // namespace

QByteArray HttpHead::value(QByteArrayView lowercaseName) const
{
    QByteArray result;
    for (const auto &[name, v] : headers) {
        if (name == lowercaseName) {
            if (!result.isEmpty())
                result += ", ";
            result += v;
        }
    }
    return result;
}

bool HttpHead::hasToken(QByteArrayView lowercaseName, QByteArrayView token) const
{
    const QByteArray all = value(lowercaseName);
    for (const QByteArray &part : all.split(',')) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

qsizetype findHeadEnd(QByteArrayView bytes)
{
    static const QByteArrayMatcher blankLine(QByteArrayView("\r\n\r\n"));
    const qsizetype at = blankLine.indexIn(bytes);
    return at < 0 ? -1 : at + 4;
}

std::optional<HttpHead> parseHttpHead(QByteArrayView head)
{
    HttpHead result;
    qsizetype lineStart = 0;
    bool first = true;
    while (lineStart < head.size()) {
        qsizetype lineEnd = head.indexOf(QByteArrayView("\r\n"), lineStart);
        if (lineEnd < 0)
            return std::nullopt;
        const QByteArrayView line = head.sliced(lineStart, lineEnd - lineStart);
        lineStart = lineEnd + 2;
        if (line.isEmpty())
            break;
        if (first) {
            first = false;
            const qsizetype sp1 = line.indexOf(' ');
            const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
            if (sp1 <= 0 || sp2 <= sp1 + 1)
                return std::nullopt;
            result.method = line.first(sp1).toByteArray();
            const QByteArrayView target = line.sliced(sp1 + 1, sp2 - sp1 - 1);
            result.version = line.sliced(sp2 + 1).toByteArray();
            if (!isToken(result.method) || !result.version.startsWith("HTTP/1."))
                return std::nullopt;
            const qsizetype query = target.indexOf('?');
            result.path = (query < 0 ? target : target.first(query)).toByteArray();
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.first(colon)))
            return std::nullopt; // also refuses obsolete line folding
        result.headers.append(
            {line.first(colon).toByteArray().toLower(), line.sliced(colon + 1).trimmed().toByteArray()});
    }
    if (first)
        return std::nullopt;
    return result;
}

HeadVerdict classifyHead(const HttpHead &head, const HeadLimits &limits)
{
    const auto reject = [](int status, QByteArray extra = {}) {
        return HeadVerdict{HeadVerdict::Reject, status, std::move(extra)};
    };
    const bool upgrade = head.hasToken("upgrade", "websocket");
    if (head.path == limits.wsPath) {
        if (!upgrade)
            return reject(426, "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n");
        if (head.method != "GET" || !head.hasToken("connection", "upgrade") || head.version != "HTTP/1.1")
            return reject(400);
        if (head.value("sec-websocket-version") != "13")
            return reject(426, "Sec-WebSocket-Version: 13\r\n");
        const QByteArray key = head.value("sec-websocket-key");
        const auto decoded = QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || decoded.decoded.size() != 16)
            return reject(400);
        return HeadVerdict{HeadVerdict::WebSocket, 0, {}};
    }
    if (upgrade)
        return reject(404);

    qsizetype lengths = 0;
    for (const auto &[name, value] : head.headers) {
        if (name != "content-length")
            continue;
        bool ok = false;
        const qint64 length = value.toLongLong(&ok);
        if (!ok || length < 0 || ++lengths > 1)
            return reject(400);
        if (length > limits.maxBodyBytes)
            return reject(413);
    }
    return HeadVerdict{};
}

QByteArray rejectResponse(int status, const QByteArray &extraHeaders)
{
    const QByteArray body = QByteArray(reasonPhrase(status)) + '\n';
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) +
           "\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: " +
           QByteArray::number(body.size()) + "\r\n" + extraHeaders + "\r\n" + body;
}

} // namespace era::net
