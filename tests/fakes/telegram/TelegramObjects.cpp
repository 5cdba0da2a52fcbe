#include "TelegramObjects.h"

#include <QFileInfo>
#include <QMimeDatabase>
#include <QRegularExpression>

namespace TelegramObjects {

QString updateType(const QJsonObject &update)
{
    for (auto it = update.begin(); it != update.end(); ++it) {
        if (it.key() != QLatin1String("update_id"))
            return it.key();
    }
    return {};
}

bool isOptInUpdateType(const QString &type)
{
    return type == QLatin1String("chat_member") || type == QLatin1String("message_reaction") ||
           type == QLatin1String("message_reaction_count");
}

bool isAllowedReactionEmoji(const QString &emoji)
{
    // From the ReactionTypeEmoji section; U+200D joins the multi-part ones.
    static const QStringList allowed{QStringLiteral("👍"),        QStringLiteral("👎"),
                                     QStringLiteral("❤"),        QStringLiteral("🔥"),
                                     QStringLiteral("🥰"),     QStringLiteral("👏"),
                                     QStringLiteral("😁"),        QStringLiteral("🤔"),
                                     QStringLiteral("🤯"),     QStringLiteral("😱"),
                                     QStringLiteral("🤬"),     QStringLiteral("😢"),
                                     QStringLiteral("🎉"),        QStringLiteral("🤩"),
                                     QStringLiteral("🤮"),     QStringLiteral("💩"),
                                     QStringLiteral("🙏"),        QStringLiteral("👌"),
                                     QStringLiteral("🕊"),     QStringLiteral("🤡"),
                                     QStringLiteral("🥱"),     QStringLiteral("🥴"),
                                     QStringLiteral("😍"),        QStringLiteral("🐳"),
                                     QStringLiteral("❤\u200D🔥"), QStringLiteral("🌚"),
                                     QStringLiteral("🌭"),     QStringLiteral("💯"),
                                     QStringLiteral("🤣"),     QStringLiteral("⚡"),
                                     QStringLiteral("🍌"),        QStringLiteral("🏆"),
                                     QStringLiteral("💔"),        QStringLiteral("🤨"),
                                     QStringLiteral("😐"),        QStringLiteral("🍓"),
                                     QStringLiteral("🍾"),     QStringLiteral("💋"),
                                     QStringLiteral("🖕"),     QStringLiteral("😈"),
                                     QStringLiteral("😴"),        QStringLiteral("😭"),
                                     QStringLiteral("🤓"),     QStringLiteral("👻"),
                                     QStringLiteral("👨\u200D💻"), QStringLiteral("👀"),
                                     QStringLiteral("🎃"),        QStringLiteral("🙈"),
                                     QStringLiteral("😇"),        QStringLiteral("😨"),
                                     QStringLiteral("🤝"),     QStringLiteral("✍"),
                                     QStringLiteral("🤗"),     QStringLiteral("🫡"),
                                     QStringLiteral("🎅"),        QStringLiteral("🎄"),
                                     QStringLiteral("☃"),        QStringLiteral("💅"),
                                     QStringLiteral("🤪"),     QStringLiteral("🗿"),
                                     QStringLiteral("🆒"),        QStringLiteral("💘"),
                                     QStringLiteral("🙉"),        QStringLiteral("🦄"),
                                     QStringLiteral("😘"),        QStringLiteral("💊"),
                                     QStringLiteral("🙊"),        QStringLiteral("😎"),
                                     QStringLiteral("👾"),        QStringLiteral("🤷\u200D♂"),
                                     QStringLiteral("🤷"),     QStringLiteral("🤷\u200D♀"),
                                     QStringLiteral("😡")};
    QString bare = emoji;
    bare.remove(QChar(0xFE0F));
    return allowed.contains(bare);
}

QString plainTextOfHtml(const QString &html)
{
    static const QRegularExpression tag(QStringLiteral("<[^>]*>"));
    QString text = html;
    text.remove(tag);
    text.replace(QLatin1String("&lt;"), QLatin1String("<"));
    text.replace(QLatin1String("&gt;"), QLatin1String(">"));
    text.replace(QLatin1String("&quot;"), QLatin1String("\""));
    text.replace(QLatin1String("&amp;"), QLatin1String("&"));
    return text;
}

QSize imageSize(const QByteArray &bytes)
{
    const auto u8 = [&bytes](qsizetype i) {
        return static_cast<int>(static_cast<unsigned char>(bytes.at(i)));
    };
    if (bytes.startsWith("\x89PNG\r\n\x1a\n") && bytes.size() >= 24) {
        const int w = (u8(16) << 24) | (u8(17) << 16) | (u8(18) << 8) | u8(19);
        const int h = (u8(20) << 24) | (u8(21) << 16) | (u8(22) << 8) | u8(23);
        return {w, h};
    }
    if (bytes.startsWith("\xff\xd8")) {
        qsizetype i = 2;
        while (i + 9 < bytes.size()) {
            if (u8(i) != 0xFF)
                return {};
            const int marker = u8(i + 1);
            const int length = (u8(i + 2) << 8) | u8(i + 3);
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
                return {(u8(i + 7) << 8) | u8(i + 8), (u8(i + 5) << 8) | u8(i + 6)};
            i += 2 + length;
        }
    }
    return {};
}

QString extensionOf(const QString &fileName, const QString &mimeType)
{
    const QString suffix = QFileInfo(fileName).suffix();
    if (!suffix.isEmpty())
        return suffix.toLower();
    const QStringList suffixes = QMimeDatabase().mimeTypeForName(mimeType).suffixes();
    return suffixes.isEmpty() ? QString() : suffixes.constFirst();
}

QJsonObject errorEnvelope(int code, const QString &description, int retryAfter)
{
    QJsonObject envelope{{QStringLiteral("ok"), false},
                         {QStringLiteral("error_code"), code},
                         {QStringLiteral("description"), description}};
    if (retryAfter > 0)
        envelope.insert(QStringLiteral("parameters"),
                        QJsonObject{{QStringLiteral("retry_after"), retryAfter}});
    return envelope;
}

QJsonObject okEnvelope(const QJsonValue &result)
{
    return QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("result"), result}};
}

} // namespace TelegramObjects
