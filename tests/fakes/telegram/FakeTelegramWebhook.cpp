// Webhook mode: setWebhook / deleteWebhook / getWebhookInfo and the delivery of updates by HTTPS POST, one at
// a time in order, retried with back-off while the receiver fails.
#include "FakeTelegramPrivate.h"
#include "TelegramObjects.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>

using namespace FakeTelegramState;

FakeTelegram::Private::ApiResult FakeTelegram::Private::setWebhook(Bot &bot, const QJsonObject &params)
{
    const QString url = params.value(QStringLiteral("url")).toString();
    if (url.isEmpty())
        return deleteWebhook(bot, params);
    const QUrl parsed(url);
    // Telegram demands HTTPS; the emulator also takes http:// so tests can run a plain local receiver.
    if (!parsed.isValid() || parsed.host().isEmpty() ||
        (parsed.scheme() != QLatin1String("https") && parsed.scheme() != QLatin1String("http")))
        return badRequest(QStringLiteral("bad webhook: An HTTPS URL must be provided for webhook"));
    const QString secret = params.value(QStringLiteral("secret_token")).toString();
    static const QRegularExpression secretPattern(QStringLiteral("^[A-Za-z0-9_-]{1,256}$"));
    if (params.contains(QStringLiteral("secret_token")) && !secretPattern.match(secret).hasMatch())
        return badRequest(QStringLiteral("secret token contains unallowed characters"));
    if (params.value(QStringLiteral("allowed_updates")).isArray()) {
        QStringList types;
        for (const QJsonValue &type : params.value(QStringLiteral("allowed_updates")).toArray())
            types.append(type.toString());
        bot.allowedUpdates = types;
    }
    if (params.value(QStringLiteral("drop_pending_updates")).toBool())
        bot.queue.clear();
    if (bot.poll)
        answerPoll(bot, {409, TelegramObjects::errorEnvelope(
                                  409, QStringLiteral("Conflict: terminated by setWebhook request"))});
    const bool same = bot.webhookUrl == url && bot.secretToken == secret;
    bot.webhookUrl = url;
    bot.secretToken = secret;
    bot.maxConnections = qBound(1, params.value(QStringLiteral("max_connections")).toInt(40), 100);
    if (!same) {
        ++bot.webhookGeneration;
        bot.delivering = false;
        bot.failedAttempts = 0;
    }
    deliverWebhook(bot);
    return ok(true, same ? QStringLiteral("Webhook is already set") : QStringLiteral("Webhook was set"));
}

FakeTelegram::Private::ApiResult FakeTelegram::Private::deleteWebhook(Bot &bot, const QJsonObject &params)
{
    if (params.value(QStringLiteral("drop_pending_updates")).toBool())
        bot.queue.clear();
    const bool wasSet = !bot.webhookUrl.isEmpty();
    bot.webhookUrl.clear();
    bot.secretToken.clear();
    ++bot.webhookGeneration;
    bot.delivering = false;
    bot.failedAttempts = 0;
    return ok(true,
              wasSet ? QStringLiteral("Webhook was deleted") : QStringLiteral("Webhook is already deleted"));
}

FakeTelegram::Private::ApiResult FakeTelegram::Private::webhookInfo(const Bot &bot) const
{
    QJsonObject info{{QStringLiteral("url"), bot.webhookUrl},
                     {QStringLiteral("has_custom_certificate"), false},
                     {QStringLiteral("pending_update_count"), bot.queue.size()}};
    if (!bot.webhookUrl.isEmpty()) {
        info.insert(QStringLiteral("max_connections"), bot.maxConnections);
        info.insert(QStringLiteral("ip_address"), QStringLiteral("127.0.0.1"));
        if (bot.lastErrorDate != 0) {
            info.insert(QStringLiteral("last_error_date"), bot.lastErrorDate);
            info.insert(QStringLiteral("last_error_message"), bot.lastErrorMessage);
        }
        if (bot.allowedUpdates)
            info.insert(QStringLiteral("allowed_updates"), QJsonArray::fromStringList(*bot.allowedUpdates));
    }
    return ok(info);
}

void FakeTelegram::Private::deliverWebhook(Bot &bot)
{
    if (bot.webhookUrl.isEmpty() || bot.delivering || bot.queue.isEmpty())
        return;
    bot.delivering = true;
    const QJsonObject update = bot.queue.constFirst();
    QNetworkRequest request{QUrl(bot.webhookUrl)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!bot.secretToken.isEmpty())
        request.setRawHeader(QByteArrayLiteral("X-Telegram-Bot-Api-Secret-Token"), bot.secretToken.toUtf8());
    request.setTransferTimeout(10000);
    QNetworkReply *reply = network->post(request, QJsonDocument(update).toJson(QJsonDocument::Compact));
    const QString token = bot.token;
    const int generation = bot.webhookGeneration;
    const int updateId = update.value(QStringLiteral("update_id")).toInt();
    QObject::connect(reply, &QNetworkReply::finished, q, [this, reply, token, generation, updateId] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        QString error;
        if (status == 0) {
            error = reply->error() == QNetworkReply::ConnectionRefusedError
                        ? QStringLiteral("Connection refused")
                    : reply->error() == QNetworkReply::OperationCanceledError
                        ? QStringLiteral("Read timeout expired")
                        : reply->errorString();
        } else if (status < 200 || status > 299) {
            error = QStringLiteral("Wrong response from the webhook: %1 %2")
                        .arg(status)
                        .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString());
        }
        deliveryFinished(token, generation, updateId, status, error.trimmed());
    });
}

void FakeTelegram::Private::deliveryFinished(const QString &token, int generation, int updateId, int status,
                                             const QString &error)
{
    Q_UNUSED(status);
    Bot *target = bot(token);
    if (!target || target->webhookGeneration != generation)
        return;
    target->delivering = false;
    if (error.isEmpty()) {
        if (!target->queue.isEmpty() &&
            target->queue.constFirst().value(QStringLiteral("update_id")).toInt() == updateId)
            target->queue.removeFirst();
        target->failedAttempts = 0;
        Q_EMIT q->webhookDelivered(token, updateId);
        deliverWebhook(*target);
        return;
    }
    target->lastErrorDate = QDateTime::currentSecsSinceEpoch();
    target->lastErrorMessage = error;
    const int delay = static_cast<int>(
        qMin<qint64>(qint64(retryFirstMs) << qMin(target->failedAttempts, 20), qint64(retryMaxMs)));
    ++target->failedAttempts;
    target->delivering = true; // nothing else goes out before this update
    QTimer::singleShot(delay, q, [this, token, generation] {
        Bot *b = bot(token);
        if (!b || b->webhookGeneration != generation)
            return;
        b->delivering = false;
        deliverWebhook(*b);
    });
    Q_EMIT q->webhookFailed(token, updateId, error);
}
