// Sending (with pacing) and media download of the Telegram connector.
#include "channels/telegram/TelegramConnector.h"
#include "channels/telegram/TelegramLog.h"
#include "channels/telegram/TelegramParse.h"

#include <QFile>
#include <QHttpMultiPart>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <limits>

namespace era::channels {

using namespace era::content;
using telegram::messageIdOf;
using telegram::messageKey;

namespace {

QJsonValue chatIdValue(const QString &chatId)
{
    bool numeric = false;
    const qint64 id = chatId.toLongLong(&numeric);
    return numeric ? QJsonValue(id) : QJsonValue(chatId); // "@channelname" stays a string
}

SendResult permanent(const QString &reason)
{
    return SendResult{SendResult::Outcome::Permanent, {}, 0, reason};
}

// Telegram's answer in the outbox's terms.
SendResult classify(const TelegramConnector::ApiReply &reply, const QString &chatId,
                    const QString &fallbackId)
{
    SendResult result;
    if (reply.ok) {
        const QJsonValue id = reply.result.toObject().value(QLatin1String("message_id"));
        result.externalId = id.isDouble() ? messageKey(chatId, id.toInteger()) : fallbackId;
        return result;
    }
    result.reason = reply.description;
    if (reply.httpStatus == 429) {
        result.outcome = SendResult::Outcome::RateLimited;
        result.retryAfterSec = qMax(1, reply.retryAfterSec);
    } else if (reply.httpStatus == 0 || reply.httpStatus >= 500 || reply.httpStatus == 401 ||
               reply.httpStatus == 409) {
        // No answer, a server fault, or a token being fixed: the message itself is fine.
        result.outcome = SendResult::Outcome::RetryLater;
    } else {
        // 400 (chat not found, bad request...), 403 (bot was blocked by the user, user is deactivated)...
        result.outcome = SendResult::Outcome::Permanent;
    }
    return result;
}

QByteArray quotedFileName(QString name)
{
    if (name.isEmpty())
        name = QStringLiteral("file");
    for (QChar &c : name) {
        if (c == QLatin1Char('"') || c == QLatin1Char('\\') || c == QLatin1Char('\r') ||
            c == QLatin1Char('\n'))
            c = QLatin1Char('_');
    }
    return '"' + name.toUtf8() + '"';
}

void addField(QHttpMultiPart *body, const QString &name, const QByteArray &value)
{
    QHttpPart part;
    part.setHeader(QNetworkRequest::ContentDispositionHeader,
                   QByteArray("form-data; name=\"" + name.toUtf8() + '"'));
    part.setBody(value);
    body->append(part);
}

struct MediaMethod {
    QString method; // sendPhoto...
    QString field;  // photo...
};

std::optional<MediaMethod> mediaMethod(Kind kind)
{
    switch (kind) {
    case Kind::Image:
        return MediaMethod{QStringLiteral("sendPhoto"), QStringLiteral("photo")};
    case Kind::Document:
        return MediaMethod{QStringLiteral("sendDocument"), QStringLiteral("document")};
    case Kind::Video:
        return MediaMethod{QStringLiteral("sendVideo"), QStringLiteral("video")};
    case Kind::Audio:
        return MediaMethod{QStringLiteral("sendAudio"), QStringLiteral("audio")};
    case Kind::Voice:
        return MediaMethod{QStringLiteral("sendVoice"), QStringLiteral("voice")};
    case Kind::Sticker:
        return MediaMethod{QStringLiteral("sendSticker"), QStringLiteral("sticker")};
    default:
        return std::nullopt;
    }
}

// Caption and provider reference of a media body.
std::pair<QString, QString> captionAndRef(const Body &body)
{
    return std::visit(
        [](const auto &media) -> std::pair<QString, QString> {
            using T = std::decay_t<decltype(media)>;
            if constexpr (std::is_same_v<T, Sticker>)
                return {QString(), media.file.providerFileRef};
            else if constexpr (requires { media.caption; })
                return {media.caption, media.file.providerFileRef};
            else
                return {};
        },
        body);
}

} // namespace

struct TelegramConnector::PendingSend {
    QString chatId;
    bool paced = true; // a message: counts against the chat's 1/s
    std::function<void()> run;
};

void TelegramConnector::send(const SendRequest &request, QObject *context,
                             std::function<void(SendResult)> done)
{
    const QPointer<QObject> guard(context);
    const bool guarded = context != nullptr;
    auto finish = [guard, guarded, done = std::move(done)](const SendResult &result) {
        if (!guarded || guard)
            done(result);
    };
    auto job = std::make_shared<PendingSend>();
    job->chatId = request.externalChatId;
    job->paced = request.action == SendRequest::Action::Send;
    const QString chatId = request.externalChatId;
    job->run = [this, request, finish, chatId] {
        auto answer = [this, finish, chatId, target = request.targetExternalId](const ApiReply &reply) {
            const SendResult result = classify(reply, chatId, target);
            if (result.outcome == SendResult::Outcome::RateLimited) // hold this chat's queue as Telegram asks
                m_chatNextAt[chatId] = m_clock.elapsed() + qint64(result.retryAfterSec) * 1000;
            if (result.outcome != SendResult::Outcome::Sent)
                qCInfo(lcTelegram) << "send to chat" << chatId << "not done:" << result.reason;
            finish(result);
        };
        QJsonObject params{{QStringLiteral("chat_id"), chatIdValue(chatId)}};

        if (request.action == SendRequest::Action::React) {
            const auto target = messageIdOf(request.targetExternalId);
            if (!target)
                return finish(
                    permanent(QStringLiteral("not a Telegram message id: ") + request.targetExternalId));
            const qint64 messageId = *target;
            QJsonArray reaction;
            // Telegram lets a bot keep one reaction per message: the newest of ours stands for all.
            if (!request.emojis.isEmpty())
                reaction.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("emoji")},
                                            {QStringLiteral("emoji"), request.emojis.constLast()}});
            params.insert(QStringLiteral("message_id"), messageId);
            params.insert(QStringLiteral("reaction"), reaction);
            callJson(QStringLiteral("setMessageReaction"), params, m_settings.requestTimeoutMs, answer);
            return;
        }

        QJsonObject replyParameters;
        if (!request.replyToExternalId.isEmpty()) {
            // The customer may have deleted it: send anyway, as a plain message.
            if (const auto replyId = messageIdOf(request.replyToExternalId))
                replyParameters = QJsonObject{{QStringLiteral("message_id"), *replyId},
                                              {QStringLiteral("allow_sending_without_reply"), true}};
        }
        if (!replyParameters.isEmpty())
            params.insert(QStringLiteral("reply_parameters"), replyParameters);
        auto sendText = [&](const QString &text) {
            if (text.trimmed().isEmpty())
                return finish(permanent(QStringLiteral("nothing to send: the text is empty")));
            params.insert(QStringLiteral("text"), text);
            callJson(QStringLiteral("sendMessage"), params, m_settings.requestTimeoutMs, answer);
        };

        const Body &body = request.content.body;
        if (const auto *text = std::get_if<Text>(&body))
            return sendText(text->text);
        if (const auto *system = std::get_if<System>(&body))
            return sendText(system->text);
        if (const auto *location = std::get_if<Location>(&body)) {
            params.insert(QStringLiteral("latitude"), location->latitude);
            params.insert(QStringLiteral("longitude"), location->longitude);
            if (!location->title.isEmpty()) {
                params.insert(QStringLiteral("title"), location->title);
                params.insert(QStringLiteral("address"), location->address);
                callJson(QStringLiteral("sendVenue"), params, m_settings.requestTimeoutMs, answer);
            } else {
                if (location->accuracyMeters)
                    params.insert(QStringLiteral("horizontal_accuracy"),
                                  qMin(*location->accuracyMeters, 1500.0));
                callJson(QStringLiteral("sendLocation"), params, m_settings.requestTimeoutMs, answer);
            }
            return;
        }
        if (const auto *contact = std::get_if<Contact>(&body)) {
            if (contact->phone.isEmpty()) // Telegram's contact needs a phone number: send the card as text
                return sendText(contact->displayName);
            params.insert(QStringLiteral("phone_number"), contact->phone);
            params.insert(QStringLiteral("first_name"), contact->displayName);
            if (!contact->vcard.isEmpty())
                params.insert(QStringLiteral("vcard"), contact->vcard);
            callJson(QStringLiteral("sendContact"), params, m_settings.requestTimeoutMs, answer);
            return;
        }
        const auto method = mediaMethod(request.content.kind());
        if (!method) {
            return finish(permanent(QStringLiteral("a %1 message cannot be sent to Telegram")
                                        .arg(kindName(request.content.kind()))));
        }
        const auto [caption, providerRef] = captionAndRef(body);
        if (!caption.isEmpty())
            params.insert(QStringLiteral("caption"), caption);
        if (!request.file) {
            if (!providerRef.isEmpty()) { // a file Telegram already has: send it again by file_id
                params.insert(method->field, providerRef);
                callJson(method->method, params, m_settings.requestTimeoutMs, answer);
                return;
            }
            if (const auto *sticker = std::get_if<Sticker>(&body); sticker && !sticker->emoji.isEmpty())
                return sendText(sticker->emoji);
            return finish(permanent(
                QStringLiteral("no file to upload for a %1 message").arg(kindName(request.content.kind()))));
        }
        auto *file = new QFile(request.file->path);
        if (!file->open(QIODevice::ReadOnly)) {
            const QString reason = QStringLiteral("cannot read the file to upload: ") + file->errorString();
            delete file;
            return finish(permanent(reason));
        }
        auto *multipart = new QHttpMultiPart(QHttpMultiPart::FormDataType);
        file->setParent(multipart);
        for (auto it = params.begin(); it != params.end(); ++it) {
            const QJsonValue value = it.value();
            addField(multipart, it.key(),
                     value.isString()   ? value.toString().toUtf8()
                     : value.isObject() ? QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact)
                                        : QByteArray::number(value.toInteger()));
        }
        QHttpPart part;
        part.setHeader(QNetworkRequest::ContentDispositionHeader,
                       QByteArray("form-data; name=\"" + method->field.toUtf8() +
                                  "\"; filename=" + quotedFileName(request.file->fileName)));
        if (!request.file->mimeType.isEmpty())
            part.setHeader(QNetworkRequest::ContentTypeHeader, request.file->mimeType.toUtf8());
        part.setBodyDevice(file); // streamed from disk while uploading
        multipart->append(part);
        callMultipart(method->method, multipart, answer);
    };
    enqueue(job);
}

void TelegramConnector::enqueue(std::shared_ptr<PendingSend> job)
{
    m_queue.push_back(std::move(job));
    pump();
}

// Starts every queued send whose chat and bot limits allow it now, in order per chat, and wakes up when the
// next one will be allowed: Telegram answers bursts with 429, so the connector waits instead.
void TelegramConnector::pump()
{
    const qint64 now = m_clock.elapsed();
    while (!m_recentSends.empty() && m_recentSends.front() <= now - 1000)
        m_recentSends.pop_front();
    if (m_chatNextAt.size() > 4096)
        m_chatNextAt.removeIf([now](const auto &entry) { return entry.value() <= now; });

    qint64 wakeAt = std::numeric_limits<qint64>::max();
    QList<QString> waitingChats; // a later send to a waiting chat must not overtake an earlier one
    QList<std::shared_ptr<PendingSend>> ready;
    for (auto it = m_queue.begin(); it != m_queue.end();) {
        if (int(m_recentSends.size()) >= qMax(1, m_settings.perBotPerSecond)) {
            wakeAt = qMin(wakeAt, m_recentSends.front() + 1000);
            break;
        }
        const auto &job = *it;
        if (waitingChats.contains(job->chatId)) {
            ++it;
            continue;
        }
        const qint64 chatAt = m_chatNextAt.value(job->chatId, 0);
        if (chatAt > now && (job->paced || chatAt - now > m_settings.perChatIntervalMs)) {
            waitingChats.append(job->chatId);
            wakeAt = qMin(wakeAt, chatAt);
            ++it;
            continue;
        }
        m_recentSends.push_back(now);
        if (job->paced)
            m_chatNextAt.insert(job->chatId, now + m_settings.perChatIntervalMs);
        ready.append(job);
        it = m_queue.erase(it);
    }
    if (wakeAt != std::numeric_limits<qint64>::max())
        m_pacer.start(int(qBound<qint64>(0, wakeAt - now, qint64(60) * 60 * 1000)));
    for (const auto &job : ready) // after the loop: a callback may send again and re-enter pump()
        job->run();
}

// ---- media ----

void TelegramConnector::fetchMedia(const QString &providerRef, qint64 maxBytes, QObject *context,
                                   std::function<void(Result<QByteArray>)> done)
{
    const qint64 cap = maxBytes > 0 ? qMin(maxBytes, m_settings.maxMediaBytes) : m_settings.maxMediaBytes;
    const QPointer<QObject> guard(context);
    const bool guarded = context != nullptr;
    auto finish = [guard, guarded, done = std::move(done)](Result<QByteArray> result) {
        if (!guarded || guard)
            done(std::move(result));
    };
    auto tooLarge = [cap](qint64 size) {
        return Error{QStringLiteral("too_large"),
                     QStringLiteral("the file is larger than the %1 bytes allowed").arg(cap),
                     QJsonObject{{QStringLiteral("size"), size}, {QStringLiteral("max_bytes"), cap}}};
    };
    const QJsonObject params{{QStringLiteral("file_id"), providerRef}};
    callJson(
        QStringLiteral("getFile"), params, m_settings.requestTimeoutMs,
        [this, cap, finish, tooLarge](const ApiReply &reply) {
            if (!reply.ok) {
                if (reply.description.contains(QLatin1String("file is too big"), Qt::CaseInsensitive))
                    return finish(tooLarge(-1));
                const bool passing = reply.httpStatus == 0 || reply.httpStatus >= 500 ||
                                     reply.httpStatus == 429 || reply.httpStatus == 401;
                return finish(Error{passing ? QStringLiteral("unavailable") : QStringLiteral("not_found"),
                                    QStringLiteral("getFile failed: ") + reply.description,
                                    QJsonObject{{QStringLiteral("retry_after"), reply.retryAfterSec}}});
            }
            const QJsonObject file = reply.result.toObject();
            const qint64 size = file.value(QLatin1String("file_size")).toInteger(-1);
            if (size > cap)
                return finish(tooLarge(size));
            const QString path = file.value(QLatin1String("file_path")).toString();
            if (path.isEmpty())
                return finish(
                    Error{QStringLiteral("not_found"), QStringLiteral("Telegram gave no file_path")});

            QUrl url = m_settings.apiBaseUrl;
            QString base = url.path();
            while (base.endsWith(QLatin1Char('/')))
                base.chop(1);
            url.setPath(base + QStringLiteral("/file/bot") + m_settings.token + QLatin1Char('/') + path,
                        QUrl::DecodedMode);
            QNetworkRequest request(url);
            request.setTransferTimeout(m_settings.requestTimeoutMs);
            QNetworkReply *download = m_network->get(request);
            struct State {
                QByteArray bytes;
                bool overCap = false;
            };
            auto state = std::make_shared<State>();
            // Refuse as soon as the size is known or passed, never after buffering it all.
            connect(download, &QNetworkReply::metaDataChanged, this, [download, state, cap] {
                const QVariant length = download->header(QNetworkRequest::ContentLengthHeader);
                if (length.isValid() && length.toLongLong() > cap) {
                    state->overCap = true;
                    download->abort();
                }
            });
            connect(download, &QNetworkReply::readyRead, this, [download, state, cap] {
                state->bytes += download->readAll();
                if (state->bytes.size() > cap) {
                    state->overCap = true;
                    download->abort();
                }
            });
            connect(download, &QNetworkReply::finished, this, [download, state, finish, tooLarge] {
                download->deleteLater();
                if (state->overCap)
                    return finish(tooLarge(state->bytes.size()));
                const int status = download->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                if (download->error() != QNetworkReply::NoError || status != 200) {
                    // No answer, a server fault, a timeout or a rate limit passes; anything else is the
                    // file's.
                    const bool passing = status == 0 || status >= 500 || status == 408 || status == 429;
                    QJsonObject details;
                    if (const int retryAfter = download->rawHeader("Retry-After").toInt(); retryAfter > 0)
                        details.insert(QStringLiteral("retry_after"), retryAfter);
                    return finish(Error{passing ? QStringLiteral("unavailable") : QStringLiteral("not_found"),
                                        QStringLiteral("download failed: ") + download->errorString(),
                                        details});
                }
                state->bytes += download->readAll();
                finish(std::move(state->bytes));
            });
        });
}

} // namespace era::channels
