#include "channels/telegram/TelegramKind.h"

#include "channels/telegram/TelegramConnector.h"

namespace era::channels::telegram {

using namespace Qt::StringLiterals;

static Result<TelegramSettings> settingsOf(const QJsonObject &settings, const QJsonObject &credentials)
{
    QJsonObject all = settings;
    for (auto it = credentials.begin(); it != credentials.end(); ++it)
        all.insert(it.key(), it.value());
    auto s = TelegramSettings::fromJson(all);
    if (!s) // the admin API's code for a bad field
        return Error{u"bad_args"_s, s.error().message, s.error().details};
    return s;
}

ConnectorKind kind()
{
    ConnectorKind k;
    k.kind = u"telegram"_s;
    k.defaultSettings = {{u"mode"_s, u"polling"_s}, {u"api_base_url"_s, u"https://api.telegram.org"_s}};
    k.validate = [](const QJsonObject &settings, const QJsonObject &credentials) -> Status {
        for (const QString &secret : {u"token"_s, u"webhook_secret"_s})
            if (settings.contains(secret))
                return Error{u"bad_args"_s,
                             u"settings.%1: put it in credentials (they are write-only)"_s.arg(secret)};
        auto s = settingsOf(settings, credentials);
        return s ? ok() : Status(s.error());
    };
    k.create = [](qint64, const QJsonObject &settings,
                  const QJsonObject &credentials) -> std::unique_ptr<Connector> {
        auto s = settingsOf(settings, credentials);
        if (!s)
            return nullptr;
        return std::make_unique<TelegramConnector>(*s);
    };
    return k;
}

} // namespace era::channels::telegram
