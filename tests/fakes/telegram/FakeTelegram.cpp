#include "FakeTelegramPrivate.h"
#include "TelegramObjects.h"

#include <QFileInfo>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QMimeDatabase>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>

using namespace FakeTelegramState;
using TelegramObjects::errorEnvelope;
using TelegramObjects::extensionOf;

namespace {

using Status = QHttpServerResponder::StatusCode;

const QStringList &knownMethods()
{
    static const QStringList methods{
        QStringLiteral("getMe"),          QStringLiteral("getUpdates"),        QStringLiteral("setWebhook"),
        QStringLiteral("deleteWebhook"),  QStringLiteral("getWebhookInfo"),    QStringLiteral("getFile"),
        QStringLiteral("sendMessage"),    QStringLiteral("sendPhoto"),         QStringLiteral("sendDocument"),
        QStringLiteral("sendChatAction"), QStringLiteral("setMessageReaction")};
    return methods;
}

QString canonicalMethod(const QString &name)
{
    for (const QString &method : knownMethods()) {
        if (method.compare(name, Qt::CaseInsensitive) == 0)
            return method;
    }
    return {};
}

// Compact, as api.telegram.org answers.
void writeJson(QHttpServerResponder &responder, int status, const QJsonObject &envelope)
{
    responder.write(QJsonDocument(envelope).toJson(QJsonDocument::Compact),
                    QByteArrayLiteral("application/json"), static_cast<Status>(status));
}

} // namespace

QJsonObject FakeTelegramCustomer::user() const
{
    QJsonObject user{{QStringLiteral("id"), id},
                     {QStringLiteral("is_bot"), false},
                     {QStringLiteral("first_name"), firstName}};
    if (!lastName.isEmpty())
        user.insert(QStringLiteral("last_name"), lastName);
    if (!username.isEmpty())
        user.insert(QStringLiteral("username"), username);
    if (!languageCode.isEmpty())
        user.insert(QStringLiteral("language_code"), languageCode);
    return user;
}

QJsonObject FakeTelegramCustomer::chat() const
{
    QJsonObject chat{{QStringLiteral("id"), id},
                     {QStringLiteral("type"), QStringLiteral("private")},
                     {QStringLiteral("first_name"), firstName}};
    if (!lastName.isEmpty())
        chat.insert(QStringLiteral("last_name"), lastName);
    if (!username.isEmpty())
        chat.insert(QStringLiteral("username"), username);
    return chat;
}

FakeTelegram::Private::Private(FakeTelegram *owner) : q(owner) {}

FakeTelegram::FakeTelegram(QObject *parent) : QObject(parent), d(std::make_unique<Private>(this))
{
    qRegisterMetaType<FakeTelegramCall>();
    d->server = std::make_unique<BotApiHttpServer>(
        [this](const QHttpServerRequest &request, QTcpSocket *socket) { d->handle(request, socket); }, this);
    d->network = new QNetworkAccessManager(this);
    d->network->setProxy(QNetworkProxy::NoProxy);
}

FakeTelegram::~FakeTelegram()
{
    // Pending long polls hold responders whose sockets belong to the server; drop them first.
    for (auto &[token, bot] : d->bots)
        bot->poll.reset();
    d->server.reset();
}

bool FakeTelegram::listen(quint16 port, const QHostAddress &address)
{
    d->port = d->server->listen(address, port);
    return d->port != 0;
}

quint16 FakeTelegram::port() const
{
    return d->port;
}

QUrl FakeTelegram::baseUrl() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(d->port);
    return url;
}

void FakeTelegram::addBot(const QString &token, const QString &username, const QString &firstName)
{
    auto bot = std::make_unique<Bot>();
    bot->token = token;
    bot->username = username;
    bot->firstName = firstName.isEmpty() ? username : firstName;
    bool numeric = false;
    bot->id = token.section(QLatin1Char(':'), 0, 0).toLongLong(&numeric);
    if (!numeric)
        bot->id = 5000000000LL + qHash(token) % 1000000000ULL;
    d->bots[token] = std::move(bot);
}

bool FakeTelegram::hasBot(const QString &token) const
{
    return d->bot(token) != nullptr;
}

QJsonObject FakeTelegram::botUser(const QString &token) const
{
    const Bot *bot = d->bot(token);
    return bot ? d->botUserOf(*bot) : QJsonObject();
}

void FakeTelegram::addChat(const QString &token, const Customer &customer)
{
    if (Bot *bot = d->bot(token))
        d->ensureChat(*bot, customer.chat());
}

Bot *FakeTelegram::Private::bot(const QString &token) const
{
    const auto it = bots.find(token);
    return it == bots.end() ? nullptr : it->second.get();
}

QJsonObject FakeTelegram::Private::botUserOf(const Bot &bot) const
{
    return QJsonObject{{QStringLiteral("id"), bot.id},
                       {QStringLiteral("is_bot"), true},
                       {QStringLiteral("first_name"), bot.firstName},
                       {QStringLiteral("username"), bot.username}};
}

Chat &FakeTelegram::Private::ensureChat(Bot &bot, const QJsonObject &chat)
{
    const qint64 id = chat.value(QStringLiteral("id")).toInteger();
    Chat &state = bot.chats[id];
    if (state.chat.isEmpty())
        state.chat = chat;
    return state;
}

Chat *FakeTelegram::Private::chat(Bot &bot, const QJsonValue &chatId)
{
    if (chatId.isString()) { // @username of a chat
        const QString name = chatId.toString().mid(1);
        for (auto &[id, state] : bot.chats) {
            if (state.chat.value(QStringLiteral("username")).toString() == name)
                return &state;
        }
        return nullptr;
    }
    const auto it = bot.chats.find(chatId.toInteger());
    return it == bot.chats.end() ? nullptr : &it->second;
}

void FakeTelegram::Private::rememberMessage(Bot &bot, const QJsonObject &message)
{
    const QJsonObject chatObject = message.value(QStringLiteral("chat")).toObject();
    const QJsonValue messageId = message.value(QStringLiteral("message_id"));
    if (!chatObject.value(QStringLiteral("id")).isDouble() || !messageId.isDouble())
        return;
    Chat &state = ensureChat(bot, chatObject);
    const int id = messageId.toInt();
    state.messages[id] = message;
    state.nextMessageId = qMax(state.nextMessageId, id + 1);
}

// ---- HTTP ----

void FakeTelegram::Private::handle(const QHttpServerRequest &request, QTcpSocket *socket)
{
    QHttpServerResponder responder = BotApiHttpServer::responderFor(request, socket);
    const QString path = request.url().path();
    if (path.startsWith(QLatin1String("/file/bot"))) {
        serveFile(path.mid(9), responder);
        return;
    }
    FakeTelegramCall call;
    call.at = QDateTime::currentDateTimeUtc();
    const qsizetype slash = path.indexOf(QLatin1Char('/'), 1);
    if (!path.startsWith(QLatin1String("/bot")) || slash < 0) {
        finish(responder, call, fail(404, QStringLiteral("Not Found")));
        return;
    }
    call.token = path.mid(4, slash - 4);
    call.method = path.mid(slash + 1);
    Bot *target = bot(call.token);
    if (!target) {
        finish(responder, call, fail(401, QStringLiteral("Unauthorized")));
        return;
    }
    const QString method = canonicalMethod(call.method);
    if (method.isEmpty()) {
        finish(responder, call, fail(404, QStringLiteral("Not Found")));
        return;
    }
    call.method = method;
    const BotApiRequest parsed = BotApiRequest::parse(request);
    call.params = parsed.params;
    call.uploads = parsed.uploads;
    if (!parsed.error.isEmpty()) {
        finish(responder, call, badRequest(parsed.error));
        return;
    }
    if (const auto fault = takeFault(method)) {
        finish(responder, call, *fault);
        return;
    }
    if (method == QLatin1String("getUpdates")) {
        getUpdates(*target, std::move(responder), socket, call);
        return;
    }
    if (method == QLatin1String("sendPhoto") || method == QLatin1String("sendDocument")) {
        const QString field =
            method == QLatin1String("sendPhoto") ? QStringLiteral("photo") : QStringLiteral("document");
        const QString given = parsed.params.value(field).toString();
        if (given.startsWith(QLatin1String("http://")) || given.startsWith(QLatin1String("https://"))) {
            fetchThenSend(field, parsed, std::move(responder), socket, call);
            return;
        }
    }
    finish(responder, call, dispatch(*target, method, parsed));
}

void FakeTelegram::Private::fetchThenSend(const QString &field, const BotApiRequest &request,
                                          QHttpServerResponder &&responder, QTcpSocket *socket,
                                          const FakeTelegramCall &call)
{
    // Telegram downloads a file given by URL itself: up to 5 MB for photos, 20 MB for other files.
    const QUrl url(request.params.value(field).toString());
    auto held = std::make_shared<QHttpServerResponder>(std::move(responder));
    const QPointer<QTcpSocket> alive(socket);
    QNetworkRequest get(url);
    get.setTransferTimeout(10000);
    QNetworkReply *reply = network->get(get);
    QObject::connect(
        reply, &QNetworkReply::finished, q, [this, reply, held, alive, field, request, call, url] {
            reply->deleteLater();
            const qint64 limit =
                field == QLatin1String("photo") ? 5 * 1024 * 1024 : FakeTelegram::kMaxDownloadSize;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QByteArray bytes = reply->readAll();
            Bot *target = bot(call.token);
            ApiResult result = badRequest(QStringLiteral("failed to get HTTP URL content"));
            if (target && reply->error() == QNetworkReply::NoError && status / 100 == 2 &&
                bytes.size() <= limit) {
                BotApiRequest withFile = request;
                withFile.params.remove(field);
                const QString fileName = url.fileName().isEmpty() ? QStringLiteral("file") : url.fileName();
                const QString mimeType = reply->header(QNetworkRequest::ContentTypeHeader)
                                             .toString()
                                             .section(QLatin1Char(';'), 0, 0);
                withFile.uploads.append(FakeTelegramUpload{field, fileName, mimeType, bytes});
                result = dispatch(*target, call.method, withFile);
            }
            if (alive)
                finish(*held, call, result);
        });
}

void FakeTelegram::Private::finish(QHttpServerResponder &responder, FakeTelegramCall call,
                                   const ApiResult &result)
{
    call.httpStatus = result.status;
    call.reply = result.envelope;
    writeJson(responder, result.status, result.envelope);
    calls.append(call);
    Q_EMIT q->called(call);
}

void FakeTelegram::Private::serveFile(const QString &tokenAndPath, QHttpServerResponder &responder)
{
    const qsizetype slash = tokenAndPath.indexOf(QLatin1Char('/'));
    const QString token = tokenAndPath.left(slash);
    ++downloads;
    if (!bot(token)) {
        writeJson(responder, 401, errorEnvelope(401, QStringLiteral("Unauthorized")));
        return;
    }
    if (!downloadFaults.isEmpty()) {
        const int status = downloadFaults.first().status;
        if (--downloadFaults.first().count <= 0)
            downloadFaults.removeFirst();
        writeJson(responder, status,
                  errorEnvelope(status, status == 429   ? QStringLiteral("Too Many Requests")
                                        : status == 404 ? QStringLiteral("Not Found")
                                                        : QStringLiteral("Internal Server Error")));
        return;
    }
    const QString fileId = fileIdByPath.value(tokenAndPath.mid(slash + 1));
    const auto it = files.constFind(fileId);
    if (slash < 0 || it == files.constEnd() || it->size > FakeTelegram::kMaxDownloadSize) {
        writeJson(responder, 404, errorEnvelope(404, QStringLiteral("Not Found")));
        return;
    }
    QByteArray bytes = it->bytes;
    if (bytes.size() < it->size) // declared bigger than given: generated on demand
        bytes.append(QByteArray(it->size - bytes.size(), 'x'));
    responder.write(bytes, QByteArrayLiteral("application/octet-stream"));
}

std::optional<FakeTelegram::Private::ApiResult> FakeTelegram::Private::takeFault(const QString &method)
{
    for (qsizetype i = 0; i < faults.size(); ++i) {
        Fault &fault = faults[i];
        if (!fault.method.isEmpty() && fault.method != method.toLower())
            continue;
        const ApiResult result = fail(fault.status, fault.description, fault.retryAfter);
        if (--fault.count <= 0)
            faults.removeAt(i);
        return result;
    }
    return std::nullopt;
}

FakeTelegram::Private::ApiResult FakeTelegram::Private::dispatch(Bot &bot, const QString &method,
                                                                 const BotApiRequest &request)
{
    const QJsonObject &params = request.params;
    if (method == QLatin1String("getMe")) {
        QJsonObject me = botUserOf(bot);
        me.insert(QStringLiteral("can_join_groups"), true);
        me.insert(QStringLiteral("can_read_all_group_messages"), false);
        me.insert(QStringLiteral("supports_inline_queries"), false);
        return ok(me);
    }
    if (method == QLatin1String("setWebhook"))
        return setWebhook(bot, params);
    if (method == QLatin1String("deleteWebhook"))
        return deleteWebhook(bot, params);
    if (method == QLatin1String("getWebhookInfo"))
        return webhookInfo(bot);
    if (method == QLatin1String("getFile"))
        return getFile(params);
    if (method == QLatin1String("sendMessage"))
        return sendMessage(bot, params);
    if (method == QLatin1String("sendPhoto"))
        return sendMedia(bot, QStringLiteral("photo"), request);
    if (method == QLatin1String("sendDocument"))
        return sendMedia(bot, QStringLiteral("document"), request);
    if (method == QLatin1String("setMessageReaction"))
        return setMessageReaction(bot, params);
    if (method == QLatin1String("sendChatAction")) {
        Chat *target = nullptr;
        if (auto error = checkSendable(bot, params, target, false))
            return *error;
        return ok(true);
    }
    return fail(404, QStringLiteral("Not Found"));
}

// ---- getUpdates ----

void FakeTelegram::Private::getUpdates(Bot &bot, QHttpServerResponder &&responder, QTcpSocket *socket,
                                       FakeTelegramCall call)
{
    const QJsonObject &params = call.params;
    if (!bot.webhookUrl.isEmpty()) {
        finish(responder, call,
               fail(409, QStringLiteral("Conflict: can't use getUpdates method while webhook is active; use "
                                        "deleteWebhook to delete the webhook first")));
        return;
    }
    if (params.contains(QStringLiteral("offset"))) {
        const qint64 offset = params.value(QStringLiteral("offset")).toInteger();
        if (offset < 0) {
            while (bot.queue.size() > -offset) // keep the last -offset updates, forget the rest
                bot.queue.removeFirst();
        } else {
            while (!bot.queue.isEmpty() &&
                   bot.queue.constFirst().value(QStringLiteral("update_id")).toInteger() < offset)
                bot.queue.removeFirst();
        }
    }
    const int limit = qBound(1, params.value(QStringLiteral("limit")).toInt(100), 100);
    const int timeout = qBound(0, params.value(QStringLiteral("timeout")).toInt(0), 600);
    if (params.value(QStringLiteral("allowed_updates")).isArray()) {
        QStringList types;
        for (const QJsonValue &type : params.value(QStringLiteral("allowed_updates")).toArray())
            types.append(type.toString());
        bot.allowedUpdates = types;
    }
    if (bot.poll) // Telegram ends the older request when a second one arrives
        answerPoll(
            bot, fail(409, QStringLiteral("Conflict: terminated by other getUpdates request; make sure that "
                                          "only one bot instance is running")));
    auto poll = std::make_unique<PendingPoll>();
    poll->responder = std::make_unique<QHttpServerResponder>(std::move(responder));
    poll->socket = socket;
    poll->limit = limit;
    poll->call = call;
    bot.poll = std::move(poll);
    if (!bot.queue.isEmpty() || timeout == 0) {
        offerToPoll(bot);
        if (bot.poll)
            answerPoll(bot, ok(QJsonArray()));
        return;
    }
    const QString token = bot.token;
    bot.poll->timer.setSingleShot(true);
    QObject::connect(&bot.poll->timer, &QTimer::timeout, q, [this, token] {
        if (Bot *b = this->bot(token); b && b->poll)
            answerPoll(*b, ok(QJsonArray()));
    });
    bot.poll->timer.start(timeout * 1000);
    Q_EMIT q->longPollStarted(token);
}

void FakeTelegram::Private::answerPoll(Bot &bot, const ApiResult &result)
{
    std::unique_ptr<PendingPoll> poll = std::move(bot.poll);
    if (!poll || !poll->socket)
        return; // the client went away; its updates stay unconfirmed
    finish(*poll->responder, poll->call, result);
}

void FakeTelegram::Private::offerToPoll(Bot &bot)
{
    if (!bot.poll || bot.queue.isEmpty())
        return;
    if (!bot.poll->socket) {
        bot.poll.reset();
        return;
    }
    QJsonArray updates;
    for (qsizetype i = 0; i < bot.queue.size() && i < bot.poll->limit; ++i)
        updates.append(bot.queue.at(i));
    answerPoll(bot, ok(updates));
}

// ---- files ----

QString FakeTelegram::Private::newFileId(const QString &pathPrefix, const QString &extension,
                                         const QByteArray &bytes, qint64 declaredSize)
{
    const int n = fileCounter++;
    const QString fileId =
        QStringLiteral("BQACAgIAAxkBAAI") +
        QString::fromLatin1(QByteArray("era-fake-file-" + QByteArray::number(n))
                                .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    FakeTelegramState::File file;
    file.bytes = bytes;
    file.size = qMax<qint64>(declaredSize, bytes.size());
    file.uniqueId = QStringLiteral("AgAD") + QString::number(1000 + n);
    file.path = pathPrefix + QStringLiteral("/file_") + QString::number(n) +
                (extension.isEmpty() ? QString() : QStringLiteral(".") + extension);
    files.insert(fileId, file);
    fileIdByPath.insert(file.path, fileId);
    return fileId;
}

FakeTelegram::Private::ApiResult FakeTelegram::Private::getFile(const QJsonObject &params) const
{
    const QString fileId = params.value(QStringLiteral("file_id")).toString();
    const auto it = files.constFind(fileId);
    if (it == files.constEnd())
        return badRequest(QStringLiteral("invalid file_id"));
    if (it->size > FakeTelegram::kMaxDownloadSize)
        return badRequest(QStringLiteral("file is too big"));
    return ok(QJsonObject{{QStringLiteral("file_id"), fileId},
                          {QStringLiteral("file_unique_id"), it->uniqueId},
                          {QStringLiteral("file_size"), it->size},
                          {QStringLiteral("file_path"), it->path}});
}

QString FakeTelegram::registerFile(const QByteArray &bytes, const QString &pathPrefix,
                                   const QString &fileName, qint64 declaredSize)
{
    return d->newFileId(pathPrefix, extensionOf(fileName, {}), bytes, declaredSize);
}

QByteArray FakeTelegram::fileBytes(const QString &fileId) const
{
    return d->files.value(fileId).bytes;
}

QJsonObject FakeTelegram::fileInfo(const QString &fileId) const
{
    const auto it = d->files.constFind(fileId);
    if (it == d->files.constEnd())
        return {};
    return QJsonObject{{QStringLiteral("file_id"), fileId},
                       {QStringLiteral("file_unique_id"), it->uniqueId},
                       {QStringLiteral("file_size"), it->size},
                       {QStringLiteral("file_path"), it->path}};
}

// ---- recording, faults ----

QList<FakeTelegramCall> FakeTelegram::calls() const
{
    return d->calls;
}

QList<FakeTelegramCall> FakeTelegram::calls(const QString &method) const
{
    QList<FakeTelegramCall> matching;
    for (const FakeTelegramCall &call : d->calls) {
        if (call.method.compare(method, Qt::CaseInsensitive) == 0)
            matching.append(call);
    }
    return matching;
}

void FakeTelegram::clearCalls()
{
    d->calls.clear();
}

QList<QJsonObject> FakeTelegram::sentMessages(const QString &token, qint64 chatId) const
{
    Bot *bot = d->bot(token);
    Chat *chat = bot ? d->chat(*bot, chatId) : nullptr;
    return chat ? chat->sent : QList<QJsonObject>();
}

QJsonObject FakeTelegram::message(const QString &token, qint64 chatId, int messageId) const
{
    Bot *bot = d->bot(token);
    Chat *chat = bot ? d->chat(*bot, chatId) : nullptr;
    if (!chat)
        return {};
    const auto it = chat->messages.find(messageId);
    return it == chat->messages.end() ? QJsonObject() : it->second;
}

QJsonArray FakeTelegram::botReaction(const QString &token, qint64 chatId, int messageId) const
{
    Bot *bot = d->bot(token);
    Chat *chat = bot ? d->chat(*bot, chatId) : nullptr;
    return chat ? chat->botReactions.value(messageId) : QJsonArray();
}

int FakeTelegram::pendingUpdateCount(const QString &token) const
{
    const Bot *bot = d->bot(token);
    return bot ? static_cast<int>(bot->queue.size()) : 0;
}

QString FakeTelegram::webhookUrl(const QString &token) const
{
    const Bot *bot = d->bot(token);
    return bot ? bot->webhookUrl : QString();
}

void FakeTelegram::failNext(const QString &method, int count, int httpStatus, const QString &description,
                            int retryAfter)
{
    QString text = description;
    if (text.isEmpty()) {
        switch (httpStatus) {
        case 429:
            text = QStringLiteral("Too Many Requests: retry after %1").arg(retryAfter);
            break;
        case 400:
            text = QStringLiteral("Bad Request");
            break;
        case 403:
            text = QStringLiteral("Forbidden");
            break;
        case 502:
            text = QStringLiteral("Bad Gateway");
            break;
        default:
            text = QStringLiteral("Internal Server Error");
        }
    }
    d->faults.append(Fault{method.toLower(), count, httpStatus, text, retryAfter});
}

void FakeTelegram::failNextDownloads(int count, int httpStatus)
{
    if (count > 0)
        d->downloadFaults.append(Fault{{}, count, httpStatus, {}, 0});
}

int FakeTelegram::downloadCount() const
{
    return d->downloads;
}

void FakeTelegram::blockChat(qint64 chatId, bool blocked)
{
    if (blocked)
        d->blockedChats.insert(chatId);
    else
        d->blockedChats.remove(chatId);
}

void FakeTelegram::setFloodLimit(const QString &token, bool enabled)
{
    if (Bot *bot = d->bot(token))
        bot->floodLimit = enabled;
}

void FakeTelegram::setWebhookRetryDelay(int firstMs, int maxMs)
{
    d->retryFirstMs = qMax(1, firstMs);
    d->retryMaxMs = qMax(d->retryFirstMs, maxMs);
}
