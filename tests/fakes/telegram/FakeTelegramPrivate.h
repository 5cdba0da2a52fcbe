#pragma once

#include "BotApiRequest.h"
#include "FakeTelegram.h"
#include "TelegramObjects.h"

#include <QAbstractHttpServer>
#include <QHash>
#include <QHttpServerResponder>
#include <QPointer>
#include <QSet>
#include <QTcpSocket>
#include <QTimer>
#include <functional>
#include <map>
#include <optional>

class QNetworkAccessManager;

// QAbstractHttpServer hands over the socket with each request, which lets a long poll outlive its handler and
// notice when the client has gone.
class BotApiHttpServer : public QAbstractHttpServer {
public:
    using Handler = std::function<void(const QHttpServerRequest &, QTcpSocket *)>;
    BotApiHttpServer(Handler handler, QObject *parent)
        : QAbstractHttpServer(parent), m_handler(std::move(handler))
    {}
    static QHttpServerResponder responderFor(const QHttpServerRequest &request, QTcpSocket *socket)
    {
        return makeResponder(request, socket);
    }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        m_handler(request, socket);
        return true;
    }
    void missingHandler(const QHttpServerRequest &, QTcpSocket *) override {}

private:
    Handler m_handler;
};

namespace FakeTelegramState {

struct ApiResult {
    int status = 200;
    QJsonObject envelope;
};

inline ApiResult fail(int status, const QString &description, int retryAfter = 0)
{
    return {status, TelegramObjects::errorEnvelope(status, description, retryAfter)};
}

inline ApiResult badRequest(const QString &what)
{
    return fail(400, QStringLiteral("Bad Request: ") + what);
}

inline ApiResult ok(const QJsonValue &result, const QString &description = {})
{
    QJsonObject envelope = TelegramObjects::okEnvelope(result);
    if (!description.isEmpty())
        envelope.insert(QStringLiteral("description"), description);
    return {200, envelope};
}

struct Chat {
    QJsonObject chat;
    int nextMessageId = 1;
    std::map<int, QJsonObject> messages; // every message of the chat, both sides
    QList<QJsonObject> sent;             // what the bot sent, in order
    QHash<int, QJsonArray> botReactions;
    qint64 lastSendMs = 0;
};

struct PendingPoll {
    std::unique_ptr<QHttpServerResponder> responder;
    QPointer<QTcpSocket> socket;
    int limit = 100;
    FakeTelegramCall call;
    QTimer timer;
};

struct Bot {
    QString token;
    QString username;
    QString firstName;
    qint64 id = 0;
    int nextUpdateId = 100000;
    QList<QJsonObject> queue; // unconfirmed updates, oldest first
    std::optional<QStringList> allowedUpdates;
    QString webhookUrl;
    QString secretToken;
    int maxConnections = 40;
    qint64 lastErrorDate = 0;
    QString lastErrorMessage;
    bool delivering = false;
    int webhookGeneration = 0; // replies and retry timers of an older webhook are ignored
    int failedAttempts = 0;
    std::unique_ptr<PendingPoll> poll;
    std::map<qint64, Chat> chats;
    bool floodLimit = false;
    QList<qint64> recentSendsMs;
};

struct File {
    QByteArray bytes;
    qint64 size = 0;
    QString uniqueId;
    QString path;
};

struct Fault {
    QString method; // lower case; empty = any
    int count = 0;
    int status = 500;
    QString description;
    int retryAfter = 0;
};

} // namespace FakeTelegramState

struct FakeTelegram::Private {
    using ApiResult = FakeTelegramState::ApiResult;
    using Bot = FakeTelegramState::Bot;
    using Chat = FakeTelegramState::Chat;

    explicit Private(FakeTelegram *owner);

    FakeTelegram *q;
    std::unique_ptr<BotApiHttpServer> server;
    QNetworkAccessManager *network = nullptr;
    quint16 port = 0;
    std::map<QString, std::unique_ptr<Bot>> bots;
    QHash<QString, FakeTelegramState::File> files;
    QHash<QString, QString> fileIdByPath;
    int fileCounter = 0;
    QList<FakeTelegramCall> calls;
    QList<FakeTelegramState::Fault> faults;
    QList<FakeTelegramState::Fault> downloadFaults; // method unused
    int downloads = 0;
    QSet<qint64> blockedChats;
    int retryFirstMs = 1000;
    int retryMaxMs = 60000;

    Bot *bot(const QString &token) const;
    Chat &ensureChat(Bot &bot, const QJsonObject &chat);
    Chat *chat(Bot &bot, const QJsonValue &chatId);
    void rememberMessage(Bot &bot, const QJsonObject &message);
    QJsonObject botUserOf(const Bot &bot) const;

    // HTTP
    void handle(const QHttpServerRequest &request, QTcpSocket *socket);
    void serveFile(const QString &path, QHttpServerResponder &responder);
    void finish(QHttpServerResponder &responder, FakeTelegramCall call, const ApiResult &result);
    ApiResult dispatch(Bot &bot, const QString &method, const BotApiRequest &request);
    std::optional<ApiResult> takeFault(const QString &method);
    void fetchThenSend(const QString &field, const BotApiRequest &request, QHttpServerResponder &&responder,
                       QTcpSocket *socket, const FakeTelegramCall &call);

    // Updates: long polling and webhooks
    void getUpdates(Bot &bot, QHttpServerResponder &&responder, QTcpSocket *socket, FakeTelegramCall call);
    void answerPoll(Bot &bot, const ApiResult &result);
    void offerToPoll(Bot &bot);
    void deliverWebhook(Bot &bot);
    void deliveryFinished(const QString &token, int generation, int updateId, int status,
                          const QString &error);
    ApiResult setWebhook(Bot &bot, const QJsonObject &params);
    ApiResult deleteWebhook(Bot &bot, const QJsonObject &params);
    ApiResult webhookInfo(const Bot &bot) const;

    // Sending
    std::optional<ApiResult> checkSendable(Bot &bot, const QJsonObject &params, Chat *&chat, bool isSend);
    std::optional<ApiResult> replyTarget(Chat &chat, const QJsonObject &params, QJsonObject &target);
    QJsonObject newBotMessage(Bot &bot, Chat &chat);
    ApiResult commitBotMessage(Bot &bot, Chat &chat, QJsonObject message);
    ApiResult sendMessage(Bot &bot, const QJsonObject &params);
    ApiResult sendMedia(Bot &bot, const QString &field, const BotApiRequest &request);
    ApiResult setMessageReaction(Bot &bot, const QJsonObject &params);
    ApiResult getFile(const QJsonObject &params) const;

    QString newFileId(const QString &pathPrefix, const QString &extension, const QByteArray &bytes,
                      qint64 declaredSize);
};
