#pragma once

#include <QDateTime>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QUrl>
#include <memory>

// One file the bot uploaded in a multipart/form-data request.
struct FakeTelegramUpload {
    QString field;    // form field name: "photo", "document", or the name an attach:// points at
    QString fileName; // filename of the Content-Disposition header
    QString mimeType; // Content-Type of the part (empty when the client sent none)
    QByteArray bytes;
};

// One Bot API request as the emulator understood and answered it.
struct FakeTelegramCall {
    QString token;
    QString method;     // canonical spelling, e.g. "sendMessage" (the API is case-insensitive)
    QJsonObject params; // JSON-serialized parameters decoded; integers and booleans typed
    QList<FakeTelegramUpload> uploads;
    QDateTime at;       // when the request arrived
    int httpStatus = 0; // status of the answer
    QJsonObject reply;  // the envelope sent back: {"ok":true,"result":...} or the error
};

// A Telegram user who writes to the bot from a private chat (chat id == user id, as in Telegram).
struct FakeTelegramCustomer {
    qint64 id = 100000001;
    QString firstName = QStringLiteral("Ivan");
    QString lastName;
    QString username;
    QString languageCode;

    QJsonObject user() const; // User object
    QJsonObject chat() const; // Chat object of type "private"
};

// The bytes and the metadata of a file a customer sends. declaredSize lets a test announce a file larger than
// the bytes it holds (e.g. 30 MB, to meet the documented 20 MB getFile limit) without allocating it.
struct FakeTelegramMedia {
    QByteArray bytes;
    QString fileName;
    QString mimeType;
    qint64 declaredSize = -1;
    int width = 0;
    int height = 0;
    int duration = 0;
    QString caption;
};

// In-process emulator of the Telegram Bot API (api.telegram.org or a self-hosted Bot API server) on real
// HTTP: /bot<token>/<method> and /file/bot<token>/<file_path>, long polling, webhooks, files, sends and fault
// injection.
class FakeTelegram : public QObject {
    Q_OBJECT
public:
    using Call = FakeTelegramCall;
    using Customer = FakeTelegramCustomer;
    using Media = FakeTelegramMedia;
    using Upload = FakeTelegramUpload;

    static constexpr qint64 kMaxDownloadSize = 20 * 1024 * 1024; // getFile refuses bigger files
    static constexpr int kMaxTextLength = 4096;
    static constexpr int kMaxCaptionLength = 1024;

    explicit FakeTelegram(QObject *parent = nullptr);
    ~FakeTelegram() override;

    // Port 0 picks a free port. Returns false when the port cannot be bound.
    bool listen(quint16 port = 0, const QHostAddress &address = QHostAddress::LocalHost);
    quint16 port() const;
    // http://127.0.0.1:<port>; the API is at baseUrl() + "/bot<token>/<method>".
    QUrl baseUrl() const;

    // Bots. The bot's user id is the number before ':' in the token, as in real tokens.
    void addBot(const QString &token, const QString &username, const QString &firstName = {});
    bool hasBot(const QString &token) const;
    QJsonObject botUser(const QString &token) const;
    // Makes a private chat known to the bot without a message (the customer pressed Start long ago).
    void addChat(const QString &token, const Customer &customer);

    // What customers do. injectUpdate assigns the next update_id of that bot and returns it; -1 when the bot
    // is unknown or the bot's allowed_updates excludes the update's type (Telegram never creates it then).
    // Messages found in the update are remembered, so the bot can reply or react to them.
    int injectUpdate(const QString &token, QJsonObject update);
    // The helpers build a faithful Update, inject it and return it with its update_id (empty when not
    // injected).
    QJsonObject injectMessage(const QString &token, const Customer &customer, const QJsonObject &content);
    QJsonObject injectText(const QString &token, const Customer &customer, const QString &text);
    QJsonObject injectPhoto(const QString &token, const Customer &customer, const Media &media);
    QJsonObject injectDocument(const QString &token, const Customer &customer, const Media &media);
    QJsonObject injectSticker(const QString &token, const Customer &customer, const Media &media,
                              const QString &emoji);
    QJsonObject injectVoice(const QString &token, const Customer &customer, const Media &media);
    QJsonObject injectAudio(const QString &token, const Customer &customer, const Media &media,
                            const QString &performer, const QString &title);
    QJsonObject injectVideo(const QString &token, const Customer &customer, const Media &media);
    QJsonObject injectLocation(const QString &token, const Customer &customer, double latitude,
                               double longitude);
    QJsonObject injectVenue(const QString &token, const Customer &customer, double latitude, double longitude,
                            const QString &title, const QString &address);
    QJsonObject injectContact(const QString &token, const Customer &customer, const QString &phoneNumber,
                              const QString &firstName, const QString &lastName = {}, qint64 userId = 0);
    QJsonObject injectReply(const QString &token, const Customer &customer, int replyToMessageId,
                            const QString &text);
    QJsonObject injectEdit(const QString &token, const Customer &customer, int messageId,
                           const QString &newText);
    QJsonObject injectReaction(const QString &token, const Customer &customer, int messageId,
                               const QStringList &oldEmoji, const QStringList &newEmoji);

    // Fixtures of tests/fixtures/telegram by base name ("text", "photo", ...); empty when missing or not
    // JSON.
    static QJsonObject loadFixture(const QString &name);
    int injectFixture(const QString &token, const QString &name)
    {
        return injectUpdate(token, loadFixture(name));
    }

    // Files kept in memory by file_id. A declaredSize above bytes.size() is served as that many generated
    // bytes.
    QString registerFile(const QByteArray &bytes, const QString &pathPrefix, const QString &fileName,
                         qint64 declaredSize = -1);
    QByteArray fileBytes(const QString &fileId) const;
    QJsonObject fileInfo(const QString &fileId) const; // {file_id, file_unique_id, file_size, file_path}

    // What the bot did.
    QList<Call> calls() const;
    QList<Call> calls(const QString &method) const;
    void clearCalls();
    QList<QJsonObject> sentMessages(const QString &token,
                                    qint64 chatId) const; // Message objects the bot sent
    QJsonObject message(const QString &token, qint64 chatId, int messageId) const;
    QJsonArray botReaction(const QString &token, qint64 chatId, int messageId) const;
    int pendingUpdateCount(const QString &token) const;
    QString webhookUrl(const QString &token) const;

    // Faults and limits. failNext answers the next `count` calls of `method` (any method when empty) with
    // `httpStatus`; the description defaults to Telegram's ("Too Many Requests: retry after N" for 429), and
    // retryAfter > 0 adds parameters.retry_after.
    void failNext(const QString &method, int count, int httpStatus, const QString &description = {},
                  int retryAfter = 0);
    // Answers the next `count` file downloads (/file/bot<token>/<path>) with `httpStatus` instead of the
    // bytes.
    void failNextDownloads(int count, int httpStatus);
    // File downloads asked for so far, answered or failed.
    int downloadCount() const;
    void blockChat(qint64 chatId,
                   bool blocked = true); // sends to it get 403 "Forbidden: bot was blocked by the user"
    // Answers 429 when the bot sends more than one message per second to a chat or 30 per second overall.
    void setFloodLimit(const QString &token, bool enabled);
    // Webhook retries wait firstMs, then twice as long each time, up to maxMs (Telegram's are much longer).
    void setWebhookRetryDelay(int firstMs, int maxMs);

Q_SIGNALS:
    void called(const FakeTelegramCall &call);  // emitted when the call is answered (a long poll: at its end)
    void longPollStarted(const QString &token); // a getUpdates request is held open, waiting for updates
    void botSentMessage(const QString &token, qint64 chatId, const QJsonObject &message);
    void botReacted(const QString &token, qint64 chatId, int messageId, const QJsonArray &reaction);
    void webhookDelivered(const QString &token, int updateId);
    void webhookFailed(const QString &token, int updateId, const QString &error);

private:
    struct Private;
    friend struct Private;
    std::unique_ptr<Private> d;
};

Q_DECLARE_METATYPE(FakeTelegramCall)
