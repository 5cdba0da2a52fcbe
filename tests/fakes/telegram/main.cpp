// era-fake-telegram: the Telegram Bot API emulator as a program, with a person playing the customer in a
// terminal.
#include "FakeTelegram.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QMimeDatabase>
#include <QRandomGenerator>
#include <QTextStream>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

void say(const QString &line)
{
    out() << line << Qt::endl;
}

const char *const kCommands = R"(Type a line to send it to the bot as a text message. Commands:
  /photo PATH            send an image file as a photo
  /doc PATH              send any file as a document
  /sticker PATH [EMOJI]  send an image (WebP) as a sticker standing for EMOJI (default 🙂)
  /voice PATH            send an audio file (OGG/Opus, as Telegram records them) as a voice note
  /audio PATH            send an audio file (MP3, M4A...) as music
  /video PATH            send a video file (MP4)
  /location LAT LON      send a location
  /venue LAT LON TITLE   send a named place (a venue)
  /contact NAME PHONE    send a contact card
  /dice                  roll a dice (a message type ERA shows as unsupported)
  /edit TEXT             edit your last message
  /react EMOJI           react to the bot's last message (e.g. /react 👍)
  /reply N TEXT          reply to message number N
  /quit                  stop the emulator)";

class CustomerConsole : public QObject {
public:
    CustomerConsole(FakeTelegram *fake, QString token, FakeTelegramCustomer customer)
        : m_fake(fake), m_token(std::move(token)), m_customer(std::move(customer))
    {
        connect(fake, &FakeTelegram::botSentMessage, this,
                [this](const QString &, qint64, const QJsonObject &message) { printBotMessage(message); });
        connect(
            fake, &FakeTelegram::botReacted, this,
            [](const QString &, qint64, int messageId, const QJsonArray &reaction) {
                QStringList emoji;
                for (const QJsonValue &r : reaction)
                    emoji.append(r.toObject().value(QStringLiteral("emoji")).toString());
                say(QStringLiteral("[bot] reaction on #%1: %2")
                        .arg(messageId)
                        .arg(emoji.isEmpty() ? QStringLiteral("(removed)") : emoji.join(QLatin1Char(' '))));
            });
        connect(fake, &FakeTelegram::called, this, [](const FakeTelegramCall &call) {
            if (call.method == QLatin1String("setWebhook") || call.method == QLatin1String("deleteWebhook"))
                say(QStringLiteral("[api] %1 %2 -> %3")
                        .arg(call.method, call.params.value(QStringLiteral("url")).toString())
                        .arg(call.httpStatus));
            else if (call.httpStatus != 200)
                say(QStringLiteral("[api] %1 -> %2 %3")
                        .arg(call.method)
                        .arg(call.httpStatus)
                        .arg(call.reply.value(QStringLiteral("description")).toString()));
        });
        connect(fake, &FakeTelegram::webhookFailed, this,
                [](const QString &, int updateId, const QString &error) {
                    say(QStringLiteral("[webhook] update %1 not delivered: %2 (will retry)")
                            .arg(updateId)
                            .arg(error));
                });
    }

    void handleLine(const QString &line)
    {
        const QString text = line.trimmed();
        if (text.isEmpty())
            return;
        if (!text.startsWith(QLatin1Char('/')) || text.startsWith(QLatin1String("//"))) {
            noteSent(m_fake->injectText(m_token, m_customer,
                                        text.startsWith(QLatin1String("//")) ? text.mid(1) : text));
            return;
        }
        const QString command = text.section(QLatin1Char(' '), 0, 0);
        const QString rest = text.section(QLatin1Char(' '), 1).trimmed();
        if (command == QLatin1String("/quit")) {
            QCoreApplication::quit();
        } else if (command == QLatin1String("/photo") || command == QLatin1String("/doc") ||
                   command == QLatin1String("/voice") || command == QLatin1String("/audio") ||
                   command == QLatin1String("/video")) {
            sendFile(command, rest);
        } else if (command == QLatin1String("/sticker")) {
            // The emoji is the last word unless the whole rest names a file (paths may hold spaces).
            const bool pathOnly = QFileInfo::exists(rest) || !rest.contains(QLatin1Char(' '));
            const QString path = pathOnly ? rest : rest.section(QLatin1Char(' '), 0, -2);
            const QString emoji = pathOnly ? QStringLiteral("🙂") : rest.section(QLatin1Char(' '), -1);
            if (const auto media = readMedia(path))
                noteSent(m_fake->injectSticker(m_token, m_customer, *media, emoji));
        } else if (command == QLatin1String("/location")) {
            bool okLat = false;
            bool okLon = false;
            const double lat = rest.section(QLatin1Char(' '), 0, 0).toDouble(&okLat);
            const double lon = rest.section(QLatin1Char(' '), 1, 1).toDouble(&okLon);
            if (!okLat || !okLon)
                return say(QStringLiteral("usage: /location LAT LON"));
            noteSent(m_fake->injectLocation(m_token, m_customer, lat, lon));
        } else if (command == QLatin1String("/venue")) {
            bool okLat = false;
            bool okLon = false;
            const double lat = rest.section(QLatin1Char(' '), 0, 0).toDouble(&okLat);
            const double lon = rest.section(QLatin1Char(' '), 1, 1).toDouble(&okLon);
            const QString title = rest.section(QLatin1Char(' '), 2).trimmed();
            if (!okLat || !okLon || title.isEmpty())
                return say(QStringLiteral("usage: /venue LAT LON TITLE"));
            noteSent(m_fake->injectVenue(m_token, m_customer, lat, lon, title, {}));
        } else if (command == QLatin1String("/dice")) {
            noteSent(m_fake->injectMessage(
                m_token, m_customer,
                QJsonObject{{QStringLiteral("dice"),
                             QJsonObject{{QStringLiteral("emoji"), QStringLiteral("🎲")},
                                         {QStringLiteral("value"),
                                          int(QRandomGenerator::global()->bounded(1, 7))}}}}));
        } else if (command == QLatin1String("/contact")) {
            const QString phone = rest.section(QLatin1Char(' '), -1);
            const QString name = rest.section(QLatin1Char(' '), 0, -2);
            if (name.isEmpty() || phone.isEmpty())
                return say(QStringLiteral("usage: /contact NAME PHONE"));
            noteSent(m_fake->injectContact(m_token, m_customer, phone, name));
        } else if (command == QLatin1String("/edit")) {
            if (m_lastOwnMessage == 0 || rest.isEmpty())
                return say(QStringLiteral("nothing to edit yet (usage: /edit TEXT)"));
            report(m_fake->injectEdit(m_token, m_customer, m_lastOwnMessage, rest), QStringLiteral("edited"));
        } else if (command == QLatin1String("/react")) {
            if (m_lastBotMessage == 0 || rest.isEmpty())
                return say(QStringLiteral("the bot has sent nothing yet (usage: /react EMOJI)"));
            report(m_fake->injectReaction(m_token, m_customer, m_lastBotMessage, m_lastReaction, {rest}),
                   QStringLiteral("reacted"));
            m_lastReaction = {rest};
        } else if (command == QLatin1String("/reply")) {
            bool ok = false;
            const int target = rest.section(QLatin1Char(' '), 0, 0).toInt(&ok);
            const QString body = rest.section(QLatin1Char(' '), 1).trimmed();
            if (!ok || body.isEmpty())
                return say(QStringLiteral("usage: /reply N TEXT"));
            const QJsonObject update = m_fake->injectReply(m_token, m_customer, target, body);
            if (update.isEmpty())
                return say(QStringLiteral("no message #%1 in this chat").arg(target));
            noteSent(update);
        } else {
            say(QString::fromUtf8(kCommands));
        }
    }

private:
    // The file at `path` as a customer's media, or nullopt (said why) when it cannot be read.
    std::optional<FakeTelegramMedia> readMedia(const QString &path)
    {
        QFile file(path);
        if (path.isEmpty() || !file.open(QIODevice::ReadOnly)) {
            say(QStringLiteral("cannot read %1").arg(path));
            return std::nullopt;
        }
        FakeTelegramMedia media;
        media.bytes = file.readAll();
        media.fileName = QFileInfo(path).fileName();
        media.mimeType = QMimeDatabase().mimeTypeForFileNameAndData(path, media.bytes).name();
        return media;
    }

    void sendFile(const QString &command, const QString &path)
    {
        const auto media = readMedia(path);
        if (!media)
            return;
        if (command == QLatin1String("/photo"))
            noteSent(m_fake->injectPhoto(m_token, m_customer, *media));
        else if (command == QLatin1String("/voice"))
            noteSent(m_fake->injectVoice(m_token, m_customer, *media));
        else if (command == QLatin1String("/audio"))
            noteSent(m_fake->injectAudio(m_token, m_customer, *media, {}, {}));
        else if (command == QLatin1String("/video"))
            noteSent(m_fake->injectVideo(m_token, m_customer, *media));
        else
            noteSent(m_fake->injectDocument(m_token, m_customer, *media));
    }

    void noteSent(const QJsonObject &update)
    {
        const int id =
            update.value(QStringLiteral("message")).toObject().value(QStringLiteral("message_id")).toInt();
        if (id != 0)
            m_lastOwnMessage = id;
        report(update, QStringLiteral("sent #%1").arg(id));
    }

    void report(const QJsonObject &update, const QString &what)
    {
        if (update.isEmpty())
            return say(
                QStringLiteral("[you] not delivered (unknown message, or filtered by allowed_updates)"));
        say(QStringLiteral("[you] %1 (update %2, %3 pending)")
                .arg(what)
                .arg(update.value(QStringLiteral("update_id")).toInt())
                .arg(m_fake->pendingUpdateCount(m_token)));
    }

    void printBotMessage(const QJsonObject &message)
    {
        const int id = message.value(QStringLiteral("message_id")).toInt();
        m_lastBotMessage = id;
        m_lastReaction.clear();
        QString line = QStringLiteral("[bot #%1]").arg(id);
        const int replyTo = message.value(QStringLiteral("reply_to_message"))
                                .toObject()
                                .value(QStringLiteral("message_id"))
                                .toInt();
        if (replyTo != 0)
            line += QStringLiteral(" (reply to #%1)").arg(replyTo);
        if (message.contains(QStringLiteral("text")))
            line += QLatin1Char(' ') + message.value(QStringLiteral("text")).toString();
        if (message.contains(QStringLiteral("photo"))) {
            const QJsonObject largest = message.value(QStringLiteral("photo")).toArray().last().toObject();
            line += QStringLiteral(" photo %1x%2, %3 bytes")
                        .arg(largest.value(QStringLiteral("width")).toInt())
                        .arg(largest.value(QStringLiteral("height")).toInt())
                        .arg(largest.value(QStringLiteral("file_size")).toInteger());
        }
        if (message.contains(QStringLiteral("document"))) {
            const QJsonObject document = message.value(QStringLiteral("document")).toObject();
            line += QStringLiteral(" document \"%1\" (%2), %3 bytes")
                        .arg(document.value(QStringLiteral("file_name")).toString(),
                             document.value(QStringLiteral("mime_type")).toString())
                        .arg(document.value(QStringLiteral("file_size")).toInteger());
        }
        if (message.contains(QStringLiteral("caption")))
            line += QStringLiteral(" — ") + message.value(QStringLiteral("caption")).toString();
        say(line);
    }

    FakeTelegram *m_fake;
    QString m_token;
    FakeTelegramCustomer m_customer;
    int m_lastOwnMessage = 0;
    int m_lastBotMessage = 0;
    QStringList m_lastReaction;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("era-fake-telegram"));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral(
            "Emulates the Telegram Bot API (getUpdates, webhooks, files, sendMessage, sendPhoto, "
            "sendDocument, setMessageReaction) on this machine, and lets you play the customer: every "
            "line you type reaches the bot as a text message.\n\n") +
        QString::fromUtf8(kCommands) +
        QStringLiteral("\n\nConfigure era-server's Telegram channel with the printed base URL (instead of "
                       "https://api.telegram.org) and the token."));
    parser.addHelpOption();
    const QCommandLineOption port(QStringLiteral("port"), QStringLiteral("Port to listen on (0: any free)."),
                                  QStringLiteral("port"), QStringLiteral("8081"));
    const QCommandLineOption host(QStringLiteral("host"), QStringLiteral("Address to listen on."),
                                  QStringLiteral("address"), QStringLiteral("127.0.0.1"));
    const QCommandLineOption token(QStringLiteral("token"), QStringLiteral("The bot's token."),
                                   QStringLiteral("token"),
                                   QStringLiteral("123456789:AAFakeEraTelegramToken"));
    const QCommandLineOption botName(QStringLiteral("bot-username"), QStringLiteral("The bot's username."),
                                     QStringLiteral("name"), QStringLiteral("era_support_bot"));
    const QCommandLineOption customerId(QStringLiteral("customer-id"),
                                        QStringLiteral("Your Telegram user id (= chat id)."),
                                        QStringLiteral("id"), QStringLiteral("100000001"));
    const QCommandLineOption firstName(QStringLiteral("first-name"), QStringLiteral("Your first name."),
                                       QStringLiteral("name"), QStringLiteral("Ivan"));
    const QCommandLineOption lastName(QStringLiteral("last-name"), QStringLiteral("Your last name."),
                                      QStringLiteral("name"), QStringLiteral("Petrov"));
    const QCommandLineOption username(QStringLiteral("username"), QStringLiteral("Your @username."),
                                      QStringLiteral("name"), QStringLiteral("ivan_petrov"));
    const QCommandLineOption language(QStringLiteral("language"),
                                      QStringLiteral("Your language_code (IETF tag)."),
                                      QStringLiteral("code"), QStringLiteral("ru"));
    const QCommandLineOption retry(QStringLiteral("webhook-retry-ms"),
                                   QStringLiteral("First delay before a failed webhook delivery is retried."),
                                   QStringLiteral("ms"), QStringLiteral("1000"));
    parser.addOptions(
        {port, host, token, botName, customerId, firstName, lastName, username, language, retry});
    parser.process(app);

    FakeTelegram fake;
    fake.addBot(parser.value(token), parser.value(botName));
    fake.setWebhookRetryDelay(parser.value(retry).toInt(), 60000);
    if (!fake.listen(static_cast<quint16>(parser.value(port).toUInt()), QHostAddress(parser.value(host)))) {
        std::cerr << "cannot listen on " << parser.value(host).toStdString() << ':'
                  << parser.value(port).toStdString() << '\n';
        return 1;
    }
    FakeTelegramCustomer customer;
    customer.id = parser.value(customerId).toLongLong();
    customer.firstName = parser.value(firstName);
    customer.lastName = parser.value(lastName);
    customer.username = parser.value(username);
    customer.languageCode = parser.value(language);
    fake.addChat(parser.value(token), customer);

    QUrl base = fake.baseUrl();
    base.setHost(parser.value(host));
    say(QStringLiteral("Telegram Bot API emulator at %1").arg(base.toString()));
    say(QStringLiteral("  era-server: Telegram base URL %1, token %2")
            .arg(base.toString(), parser.value(token)));
    say(QStringLiteral("  bot @%1; you are %2 (id %3). /help lists the commands.")
            .arg(parser.value(botName), customer.firstName)
            .arg(customer.id));

    CustomerConsole console(&fake, parser.value(token), customer);
    // std::getline blocks, so stdin is read on its own thread and each line is handed to the event loop.
    std::thread reader([&app, &console] {
        std::string line;
        while (std::getline(std::cin, line)) {
            const QString text = QString::fromStdString(line);
            QMetaObject::invokeMethod(
                &console, [&console, text] { console.handleLine(text); }, Qt::QueuedConnection);
        }
        // End of input at a terminal (Ctrl-D) quits; a closed pipe leaves the emulator serving until killed.
        if (isatty(STDIN_FILENO))
            QMetaObject::invokeMethod(&app, &QCoreApplication::quit, Qt::QueuedConnection);
    });
    reader.detach();
    const int rc = app.exec();
    out().flush();
    std::fflush(stdout);
    std::_Exit(rc); // the reader thread may still sit in getline; don't unwind objects it refers to
}
