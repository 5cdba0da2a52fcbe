#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <era/content/Content.h>
#include <functional>
#include <optional>

namespace era::channels {

// The customer as the provider describes them.
struct SubscriberProfile {
    QString externalId; // the provider's user id
    QString name;       // display name ("first last")
    QString username;
    QString language;  // IETF tag when the provider gives one
    QJsonObject extra; // anything else worth keeping (is_premium...)
};

// What a customer did, in the words of our content model. Made by a connector's pure parse function.
struct InboundEvent {
    enum class Type { Message, Edit, Reaction };
    Type type = Type::Message;
    QString externalChatId;
    SubscriberProfile from;
    QString externalMessageId; // Message: its id; Edit / Reaction: the message edited or reacted to
    content::Content content;  // Message / Edit; attachments are Pending with the provider's file reference
    QString replyToExternalId; // Message: the provider id of the message it answers
    QStringList reactions;     // Reaction: the subscriber's emojis on that message now (empty: all removed)
    QDateTime at;
};

// A file to upload with an outgoing message, read from the file store.
struct OutboundFile {
    QString path; // on local disk
    QString fileName;
    QString mimeType;
    qint64 size = 0;
};

// What the outbox asks a connector to do.
struct SendRequest {
    enum class Action { Send, React };
    Action action = Action::Send;
    QString externalChatId;
    content::Content content;         // Send
    std::optional<OutboundFile> file; // Send with an image/document body
    QString replyToExternalId;        // Send: answer this provider message
    QString targetExternalId;         // React: the provider message reacted to
    QStringList emojis;               // React: our reactions on it now (empty: remove)
};

// How a send ended, classified so the outbox knows what to do next.
struct SendResult {
    enum class Outcome {
        Sent,        // done; externalId names the provider's message
        RetryLater,  // a passing fault (network, 5xx): try again with backoff
        RateLimited, // the provider asked us to wait retryAfterSec
        Permanent    // will never work (blocked by the user, chat gone, bad request): reason says why
    };
    Outcome outcome = Outcome::Sent;
    QString externalId;
    int retryAfterSec = 0;
    QString reason;
};

// A webhook call routed to its connector by the API layer.
struct WebhookRequest {
    QList<std::pair<QByteArray, QByteArray>> headers; // names lower-case
    QByteArray body;
    QByteArray header(const QByteArray &lowercaseName) const
    {
        for (const auto &[k, v] : headers)
            if (k == lowercaseName)
                return v;
        return {};
    }
};
struct WebhookReply {
    int status = 200;
    QByteArray body;
};

// One account at one provider (a Telegram bot, a VK community...). A connector receives on its own (long
// polling or webhook), hands every event to `deliver` and confirms to the provider only after `committed`
// reports a durable commit; it sends what the outbox asks, and downloads media under a size cap. It never
// touches the database.
class Connector : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    // `cursor` is the position to resume from after these events (e.g. Telegram's next offset), stored in the
    // same transaction as the events; empty when the transport needs none (webhooks).
    using Committed = std::function<void(Status)>;
    using Deliver =
        std::function<void(const QList<InboundEvent> &events, const QString &cursor, Committed committed)>;

    // Starts receiving from `cursor` (what the last committed delivery said).
    virtual void start(const QString &cursor, Deliver deliver) = 0;
    virtual void stop() = 0;

    virtual void send(const SendRequest &request, QObject *context, std::function<void(SendResult)> done) = 0;
    virtual void fetchMedia(const QString &providerRef, qint64 maxBytes, QObject *context,
                            std::function<void(Result<QByteArray>)> done) = 0;

    // A webhook request for this channel (only for connectors in webhook mode).
    virtual void handleWebhook(const WebhookRequest &request, std::function<void(WebhookReply)> reply) = 0;

Q_SIGNALS:
    // For the admin: "running", "error: ..." (bad token, provider unreachable), "stopped".
    void stateChanged(const QString &state);
};

} // namespace era::channels
