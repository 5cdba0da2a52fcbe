#include "channels/telegram/TelegramConnector.h"

#include "channels/telegram/TelegramLog.h"

#include <QCryptographicHash>
#include <QHttpMultiPart>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>

Q_LOGGING_CATEGORY(lcTelegram, "era.channels.telegram")

namespace era::channels {

namespace {

// The update types the connector asks for; others (my_chat_member, polls...) are never requested.
QJsonArray allowedUpdates()
{
    return QJsonArray{QStringLiteral("message"), QStringLiteral("edited_message"),
                      QStringLiteral("message_reaction")};
}

// Compares digests so the time taken says nothing about how much of the secret a caller guessed.
bool sameSecret(const QByteArray &given, const QByteArray &expected)
{
    const QByteArray a = QCryptographicHash::hash(given, QCryptographicHash::Sha256);
    const QByteArray b = QCryptographicHash::hash(expected, QCryptographicHash::Sha256);
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0 && !expected.isEmpty();
}

Error settingsError(const QString &field, const QString &message)
{
    return Error{QStringLiteral("invalid_settings"), message, QJsonObject{{QStringLiteral("field"), field}}};
}

} // namespace

Result<TelegramSettings> TelegramSettings::fromJson(const QJsonObject &json)
{
    TelegramSettings s;
    static const QRegularExpression tokenPattern(QStringLiteral("^[0-9]+:[A-Za-z0-9_-]+$"));
    s.token = json.value(QLatin1String("token")).toString();
    if (!tokenPattern.match(s.token).hasMatch())
        return settingsError(QStringLiteral("token"), QStringLiteral("token must look like 123456789:AA... "
                                                                     "(from @BotFather)"));
    const QString mode = json.value(QLatin1String("mode")).toString(QStringLiteral("polling"));
    if (mode == QLatin1String("polling"))
        s.mode = Mode::Polling;
    else if (mode == QLatin1String("webhook"))
        s.mode = Mode::Webhook;
    else
        return settingsError(QStringLiteral("mode"),
                             QStringLiteral("mode must be \"polling\" or \"webhook\""));
    if (json.contains(QLatin1String("api_base_url"))) {
        s.apiBaseUrl = QUrl(json.value(QLatin1String("api_base_url")).toString(), QUrl::StrictMode);
        if (!s.apiBaseUrl.isValid() || s.apiBaseUrl.host().isEmpty() ||
            (s.apiBaseUrl.scheme() != QLatin1String("https") &&
             s.apiBaseUrl.scheme() != QLatin1String("http")))
            return settingsError(
                QStringLiteral("api_base_url"),
                QStringLiteral("api_base_url must be an http(s) URL such as https://api.telegram.org"));
    }
    if (s.mode == Mode::Webhook) {
        s.webhookUrl = QUrl(json.value(QLatin1String("webhook_url")).toString(), QUrl::StrictMode);
        if (!s.webhookUrl.isValid() || s.webhookUrl.host().isEmpty() ||
            (s.webhookUrl.scheme() != QLatin1String("https") &&
             s.webhookUrl.scheme() != QLatin1String("http")))
            return settingsError(QStringLiteral("webhook_url"),
                                 QStringLiteral("webhook mode needs webhook_url, a public https:// URL"));
        static const QRegularExpression secretPattern(QStringLiteral("^[A-Za-z0-9_-]{1,256}$"));
        s.webhookSecret = json.value(QLatin1String("webhook_secret")).toString();
        if (!secretPattern.match(s.webhookSecret).hasMatch())
            return settingsError(
                QStringLiteral("webhook_secret"),
                QStringLiteral("webhook mode needs webhook_secret: 1-256 characters of A-Z, a-z, "
                               "0-9, _ and -"));
    }
    if (json.contains(QLatin1String("poll_timeout_sec"))) {
        const int timeout = json.value(QLatin1String("poll_timeout_sec")).toInt(-1);
        if (timeout < 0 || timeout > 90)
            return settingsError(QStringLiteral("poll_timeout_sec"),
                                 QStringLiteral("poll_timeout_sec: 0..90"));
        s.pollTimeoutSec = timeout;
    }
    if (json.contains(QLatin1String("max_media_bytes"))) {
        const qint64 cap = json.value(QLatin1String("max_media_bytes")).toInteger(-1);
        if (cap <= 0)
            return settingsError(QStringLiteral("max_media_bytes"),
                                 QStringLiteral("max_media_bytes must be a positive number of bytes"));
        s.maxMediaBytes = cap;
    }
    return s;
}

TelegramConnector::TelegramConnector(TelegramSettings settings, QObject *parent)
    : Connector(parent), m_settings(std::move(settings)), m_network(new QNetworkAccessManager(this))
{
    m_clock.start();
    m_pacer.setSingleShot(true);
    connect(&m_pacer, &QTimer::timeout, this, &TelegramConnector::pump);
}

TelegramConnector::~TelegramConnector()
{
    // Replies still in flight are aborted by ~QObject after our connections are gone: nothing is delivered.
    m_running = false;
    ++m_generation;
}

QUrl TelegramConnector::methodUrl(const QString &method) const
{
    QUrl url = m_settings.apiBaseUrl;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QStringLiteral("/bot") + m_settings.token + QLatin1Char('/') + method,
                QUrl::DecodedMode);
    return url;
}

QNetworkReply *TelegramConnector::callJson(const QString &method, const QJsonObject &params, int timeoutMs,
                                           ApiCallback done)
{
    QNetworkRequest request(methodUrl(method));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(timeoutMs);
    return watch(m_network->post(request, QJsonDocument(params).toJson(QJsonDocument::Compact)),
                 std::move(done));
}

QNetworkReply *TelegramConnector::callMultipart(const QString &method, QHttpMultiPart *body, ApiCallback done)
{
    QNetworkRequest request(methodUrl(method));
    // An upload may take long on a slow link; the timeout counts time without progress, not the total.
    request.setTransferTimeout(m_settings.requestTimeoutMs);
    QNetworkReply *reply = m_network->post(request, body);
    body->setParent(reply);
    return watch(reply, std::move(done));
}

QNetworkReply *TelegramConnector::watch(QNetworkReply *reply, ApiCallback done)
{
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        ApiReply answer;
        answer.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject envelope =
            reply->isOpen() ? QJsonDocument::fromJson(reply->readAll()).object() : QJsonObject();
        answer.ok = answer.httpStatus == 200 && envelope.value(QLatin1String("ok")).toBool();
        answer.result = envelope.value(QLatin1String("result"));
        answer.description = envelope.value(QLatin1String("description")).toString();
        answer.retryAfterSec = envelope.value(QLatin1String("parameters"))
                                   .toObject()
                                   .value(QLatin1String("retry_after"))
                                   .toInt();
        if (answer.httpStatus == 0)
            answer.description = reply->errorString();
        else if (answer.description.isEmpty() && !answer.ok)
            answer.description = QStringLiteral("HTTP %1").arg(answer.httpStatus);
        done(answer);
    });
    return reply;
}

void TelegramConnector::setState(const QString &state)
{
    if (state == m_state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void TelegramConnector::retryLater(std::function<void()> what)
{
    m_backoffMs = m_backoffMs == 0 ? m_settings.retryMinMs : qMin(m_backoffMs * 2, m_settings.retryMaxMs);
    const int generation = m_generation;
    QTimer::singleShot(m_backoffMs, this, [this, generation, what = std::move(what)] {
        if (generation == m_generation && m_running)
            what();
    });
}

// ---- receiving ----

void TelegramConnector::start(const QString &cursor, Deliver deliver)
{
    stop();
    m_deliver = std::move(deliver);
    m_offset.reset();
    bool numeric = false;
    const qint64 offset = cursor.toLongLong(&numeric);
    if (numeric)
        m_offset = offset;
    else if (!cursor.isEmpty())
        qCWarning(lcTelegram) << "ignoring an unreadable cursor" << cursor;
    if (m_settings.mode == TelegramSettings::Mode::Webhook && m_settings.webhookSecret.isEmpty()) {
        setState(QStringLiteral("error: webhook mode needs a webhook_secret"));
        return;
    }
    m_running = true;
    m_backoffMs = 0;
    ++m_generation;
    verifyToken();
}

void TelegramConnector::stop()
{
    const bool wasRunning = m_running;
    m_running = false;
    ++m_generation;
    if (m_poll)
        m_poll->abort(); // its answer belongs to an older generation and is ignored
    if (wasRunning)
        setState(QStringLiteral("stopped"));
}

void TelegramConnector::verifyToken()
{
    const int generation = m_generation;
    callJson(
        QStringLiteral("getMe"), {}, m_settings.requestTimeoutMs, [this, generation](const ApiReply &reply) {
            if (generation != m_generation || !m_running)
                return;
            if (reply.ok) {
                m_backoffMs = 0;
                qCInfo(lcTelegram) << "bot"
                                   << reply.result.toObject().value(QLatin1String("username")).toString()
                                   << "verified";
                afterVerified();
            } else if (reply.httpStatus == 401 || reply.httpStatus == 404) {
                // A revoked or mistyped token does not heal by itself: wait for the admin to fix the
                // settings.
                setState(
                    QStringLiteral("error: Telegram rejected the bot token (%1)").arg(reply.description));
            } else {
                setState(QStringLiteral("error: Telegram is unreachable (%1)").arg(reply.description));
                retryLater([this] { verifyToken(); });
            }
        });
}

void TelegramConnector::afterVerified()
{
    if (m_settings.mode == TelegramSettings::Mode::Webhook) {
        setWebhook();
        return;
    }
    // getUpdates refuses to work while a webhook is set (e.g. the channel was in webhook mode before).
    const int generation = m_generation;
    callJson(QStringLiteral("deleteWebhook"), {}, m_settings.requestTimeoutMs,
             [this, generation](const ApiReply &) {
                 if (generation != m_generation || !m_running)
                     return;
                 setState(QStringLiteral("running"));
                 poll();
             });
}

void TelegramConnector::setWebhook()
{
    const QJsonObject params{{QStringLiteral("url"), m_settings.webhookUrl.toString(QUrl::FullyEncoded)},
                             {QStringLiteral("secret_token"), m_settings.webhookSecret},
                             {QStringLiteral("allowed_updates"), allowedUpdates()}};
    const int generation = m_generation;
    callJson(QStringLiteral("setWebhook"), params, m_settings.requestTimeoutMs,
             [this, generation](const ApiReply &reply) {
                 if (generation != m_generation || !m_running)
                     return;
                 if (reply.ok) {
                     m_backoffMs = 0;
                     setState(QStringLiteral("running"));
                 } else if (reply.httpStatus >= 400 && reply.httpStatus < 500 && reply.httpStatus != 429) {
                     setState(
                         QStringLiteral("error: Telegram refused the webhook (%1)").arg(reply.description));
                 } else {
                     setState(QStringLiteral("error: Telegram is unreachable (%1)").arg(reply.description));
                     retryLater([this] { setWebhook(); });
                 }
             });
}

void TelegramConnector::poll()
{
    if (!m_running)
        return;
    QJsonObject params{{QStringLiteral("timeout"), m_settings.pollTimeoutSec},
                       {QStringLiteral("allowed_updates"), allowedUpdates()}};
    if (m_offset)
        params.insert(QStringLiteral("offset"), *m_offset);
    const int generation = m_generation;
    const int timeoutMs = (m_settings.pollTimeoutSec + 15) * 1000;
    m_poll =
        callJson(QStringLiteral("getUpdates"), params, timeoutMs, [this, generation](const ApiReply &reply) {
            if (generation != m_generation || !m_running)
                return;
            m_poll = nullptr;
            if (!reply.ok || !reply.result.isArray()) {
                if (reply.httpStatus == 401 || reply.httpStatus == 404) {
                    setState(
                        QStringLiteral("error: Telegram rejected the bot token (%1)").arg(reply.description));
                    return;
                }
                qCWarning(lcTelegram) << "getUpdates failed:" << reply.httpStatus << reply.description;
                setState(QStringLiteral("error: getUpdates failed (%1)").arg(reply.description));
                if (reply.httpStatus ==
                    409) // a webhook is set or another poller runs: clear the webhook again
                    retryLater([this] { afterVerified(); });
                else
                    retryLater([this] { poll(); });
                return;
            }
            m_backoffMs = 0;
            setState(QStringLiteral("running"));
            const telegram::ParseResult parsed = telegram::parseUpdates(reply.result.toArray());
            for (const QString &reason : parsed.skipped)
                qCInfo(lcTelegram) << "skipped:" << reason;
            if (!parsed.lastUpdateId) {
                poll();
                return;
            }
            const qint64 next = *parsed.lastUpdateId + 1;
            if (parsed.events.isEmpty()) {
                // Nothing to store: a crash before the next commit only fetches these skipped updates again.
                m_offset = next;
                poll();
                return;
            }
            deliverBatch(parsed.events, next);
        });
}

void TelegramConnector::deliverBatch(const QList<InboundEvent> &events, qint64 nextOffset)
{
    const int generation = m_generation;
    QPointer<TelegramConnector> self(this);
    auto answered = std::make_shared<bool>(false);
    m_deliver(
        events, QString::number(nextOffset), [self, generation, answered, events, nextOffset](Status status) {
            if (*answered)
                return;
            *answered = true;
            if (!self)
                return;
            // Back to the connector's thread, and out of the caller's stack, whatever thread committed.
            QMetaObject::invokeMethod(
                self.data(),
                [self, generation, status, events, nextOffset] {
                    if (!self || generation != self->m_generation || !self->m_running)
                        return;
                    if (status.ok()) {
                        self->m_offset = nextOffset;
                        self->poll();
                        return;
                    }
                    qCWarning(lcTelegram)
                        << "commit failed, delivering the batch again:" << status.error().message;
                    QTimer::singleShot(self->m_settings.commitRetryMs, self.data(),
                                       [self, generation, events, nextOffset] {
                                           if (self && generation == self->m_generation && self->m_running)
                                               self->deliverBatch(events, nextOffset);
                                       });
                },
                Qt::QueuedConnection);
        });
}

void TelegramConnector::handleWebhook(const WebhookRequest &request, std::function<void(WebhookReply)> reply)
{
    if (!sameSecret(request.header(QByteArrayLiteral("x-telegram-bot-api-secret-token")),
                    m_settings.webhookSecret.toUtf8())) {
        qCWarning(lcTelegram) << "webhook call with a wrong or missing secret token refused";
        reply({403, QByteArrayLiteral("{\"error\":\"forbidden\"}")});
        return;
    }
    if (!m_running || m_settings.mode != TelegramSettings::Mode::Webhook) {
        reply({503, QByteArrayLiteral("{\"error\":\"channel not receiving\"}")}); // Telegram retries later
        return;
    }
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        reply({400, QByteArrayLiteral("{\"error\":\"body is not a JSON object\"}")});
        return;
    }
    const telegram::ParseResult parsed = telegram::parseUpdate(document.object());
    for (const QString &reason : parsed.skipped)
        qCInfo(lcTelegram) << "skipped:" << reason;
    if (parsed.events.isEmpty()) {
        reply({200, {}});
        return;
    }
    auto answered = std::make_shared<bool>(false);
    m_deliver(parsed.events, QString(), [reply = std::move(reply), answered](Status status) {
        if (*answered)
            return;
        *answered = true;
        // 5xx makes Telegram deliver the update again later; ingest drops the duplicate if it did store it.
        reply(status.ok() ? WebhookReply{200, {}}
                          : WebhookReply{500, QByteArrayLiteral("{\"error\":\"not stored\"}")});
    });
}

} // namespace era::channels
