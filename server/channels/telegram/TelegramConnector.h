#pragma once

#include "channels/Connector.h"
#include "channels/telegram/TelegramParse.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <deque>
#include <memory>

class QHttpMultiPart;
class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace era::channels {

// How one Telegram bot is reached. JSON names (fromJson) are those of the channel settings in the admin API.
struct TelegramSettings {
    enum class Mode { Polling, Webhook };

    QString token; // "token": from @BotFather, secret
    QUrl apiBaseUrl =
        QUrl(QStringLiteral("https://api.telegram.org")); // "api_base_url": or a self-hosted server
    Mode mode = Mode::Polling;                            // "mode": "polling" | "webhook"
    QUrl webhookUrl;         // "webhook_url": public HTTPS address routed to handleWebhook
    QString webhookSecret;   // "webhook_secret": 1..256 of A-Z a-z 0-9 _ -, echoed by Telegram in a header
    int pollTimeoutSec = 50; // "poll_timeout_sec": long-poll wait
    qint64 maxMediaBytes = 20LL * 1024 * 1024; // "max_media_bytes": download cap (Bot API: 20 MB)
    int perChatIntervalMs = 1000;              // one message per chat per this interval
    int perBotPerSecond = 30;                  // messages per second for the whole bot
    int retryMinMs = 1000;                     // back-off after a failed poll / getMe / setWebhook...
    int retryMaxMs = 60000;                    // ...doubling up to this
    int commitRetryMs = 1000;                  // wait before re-delivering a batch whose commit failed
    int requestTimeoutMs = 30000;              // any call but the long poll

    // Reads the admin settings object; an Error names the offending field.
    static Result<TelegramSettings> fromJson(const QJsonObject &json);
};

// A Telegram bot as a channel: receives by long polling (getUpdates) or webhook, sends what the outbox asks
// with per-chat and per-bot pacing, and downloads media under a size cap. Network only
// (QNetworkAccessManager).
class TelegramConnector : public Connector {
    Q_OBJECT
public:
    explicit TelegramConnector(TelegramSettings settings, QObject *parent = nullptr);
    ~TelegramConnector() override;

    const TelegramSettings &settings() const { return m_settings; }

    // The pure parse function (see TelegramParse.h), here for callers that only know the connector.
    static telegram::ParseResult parseUpdate(const QJsonObject &update)
    {
        return telegram::parseUpdate(update);
    }

    void start(const QString &cursor, Deliver deliver) override;
    void stop() override;
    void send(const SendRequest &request, QObject *context, std::function<void(SendResult)> done) override;
    void fetchMedia(const QString &providerRef, qint64 maxBytes, QObject *context,
                    std::function<void(Result<QByteArray>)> done) override;
    void handleWebhook(const WebhookRequest &request, std::function<void(WebhookReply)> reply) override;

    // The last state reported through stateChanged ("running", "error: ...", "stopped").
    QString state() const { return m_state; }
    // Sends waiting for their pacing slot.
    int queuedSends() const { return int(m_queue.size()); }

    // The Bot API's answer to one call, as the connector classifies it.
    struct ApiReply {
        int httpStatus = 0;    // 0: no HTTP answer (network error, timeout)
        bool ok = false;       // "ok": true
        QJsonValue result;     // "result"
        QString description;   // "description" or the network error
        int retryAfterSec = 0; // parameters.retry_after
    };

private:
    using ApiCallback = std::function<void(const ApiReply &)>;

    QUrl methodUrl(const QString &method) const;
    QNetworkReply *callJson(const QString &method, const QJsonObject &params, int timeoutMs,
                            ApiCallback done);
    QNetworkReply *callMultipart(const QString &method, QHttpMultiPart *body, ApiCallback done);
    QNetworkReply *watch(QNetworkReply *reply, ApiCallback done);

    void setState(const QString &state);
    void verifyToken();
    void afterVerified();
    void setWebhook();
    void poll();
    void deliverBatch(const QList<InboundEvent> &events, qint64 nextOffset);
    void retryLater(std::function<void()> what);

    struct PendingSend;
    void enqueue(std::shared_ptr<PendingSend> job);
    void pump();
    void perform(const std::shared_ptr<PendingSend> &job);

    TelegramSettings m_settings;
    QNetworkAccessManager *m_network = nullptr;
    Deliver m_deliver;
    QString m_state;
    bool m_running = false;
    int m_generation = 0; // bumped by start/stop: answers and timers of an older run are ignored
    std::optional<qint64> m_offset;
    QPointer<QNetworkReply> m_poll;
    int m_backoffMs = 0;

    QElapsedTimer m_clock;
    std::deque<std::shared_ptr<PendingSend>> m_queue;
    QHash<QString, qint64> m_chatNextAt; // chat id -> earliest ms (m_clock) of its next message
    std::deque<qint64> m_recentSends;    // ms of the sends of the last second, for the per-bot limit
    QTimer m_pacer;
};

} // namespace era::channels
