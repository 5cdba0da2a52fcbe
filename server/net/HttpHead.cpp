#include "net/HttpHead.h"

#include <QByteArrayMatcher>
#include <QJsonDocument>
#include <QJsonObject>

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

qint64 BodyLimits::forPath(QByteArrayView path) const
{
    qint64 limit = defaultBytes;
    qsizetype matched = -1;
    for (const auto &[prefix, bytes] : byPathPrefix) {
        const bool matches =
            path.startsWith(prefix) &&
            (path.size() == prefix.size() || prefix.endsWith('/') || path.at(prefix.size()) == '/');
        if (matches && prefix.size() > matched) {
            matched = prefix.size();
            limit = bytes;
        }
    }
    return limit;
}

qint64 BodyLimits::largest() const
{
    qint64 out = defaultBytes;
    for (const auto &entry : byPathPrefix)
        out = qMax(out, entry.second);
    return out;
}

HeadVerdict rejection(int status, QByteArray code, QByteArray message, qint64 maxBytes, QByteArray extra)
{
    return HeadVerdict{HeadVerdict::Reject, status,   std::move(code),
                       std::move(message),  maxBytes, std::move(extra)};
}

HeadVerdict classifyHead(const HttpHead &head, const HeadLimits &limits)
{
    const bool upgrade = head.hasToken("upgrade", "websocket");
    if (head.path == limits.wsPath) {
        if (!upgrade)
            return rejection(426, "upgrade_required", limits.wsPath + " takes only WebSocket upgrades", -1,
                             "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n");
        if (head.method != "GET" || !head.hasToken("connection", "upgrade") || head.version != "HTTP/1.1")
            return rejection(400, "bad_request",
                             "a WebSocket upgrade is a GET over HTTP/1.1 with Connection: Upgrade");
        if (head.value("sec-websocket-version") != "13")
            return rejection(426, "upgrade_required", "only WebSocket version 13 is spoken", -1,
                             "Sec-WebSocket-Version: 13\r\n");
        const QByteArray key = head.value("sec-websocket-key");
        const auto decoded = QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || decoded.decoded.size() != 16)
            return rejection(400, "bad_request", "Sec-WebSocket-Key must be 16 bytes in base64");
        HeadVerdict webSocket;
        webSocket.kind = HeadVerdict::WebSocket;
        return webSocket;
    }
    if (upgrade)
        return rejection(404, "not_found", "WebSocket upgrades are served only on " + limits.wsPath);

    qsizetype lengths = 0;
    for (const auto &[name, value] : head.headers) {
        if (name != "content-length")
            continue;
        bool ok = false;
        const qint64 length = value.toLongLong(&ok);
        if (!ok || length < 0 || ++lengths > 1)
            return rejection(400, "bad_request", "Content-Length must be given once, as a whole number");
        const qint64 limit = limits.body.forPath(head.path);
        if (length > limit)
            return rejection(413, "too_large",
                             "the body of " + head.method + ' ' + head.path + " may be at most " +
                                 QByteArray::number(limit) + " bytes",
                             limit);
    }
    return HeadVerdict{};
}

QByteArray rejectResponse(const HeadVerdict &verdict)
{
    QJsonObject error{{QStringLiteral("code"), QString::fromLatin1(verdict.code)},
                      {QStringLiteral("message"), QString::fromLatin1(verdict.message)}};
    if (verdict.maxBytes >= 0)
        error.insert(QStringLiteral("max_bytes"), verdict.maxBytes);
    const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("error"), error}}).toJson(QJsonDocument::Compact);
    return "HTTP/1.1 " + QByteArray::number(verdict.status) + ' ' + reasonPhrase(verdict.status) +
           "\r\nConnection: close\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
           "Content-Length: " +
           QByteArray::number(body.size()) + "\r\n" + verdict.extra + "\r\n" + body;
}

} // namespace era::net
