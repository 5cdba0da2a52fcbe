#include "app/DeskSettings.h"

#include <QDir>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace era::desk {

namespace {
constexpr int RecentEmojiCount = 24;
}

QString DeskSettings::configDir()
{
    const QString fromEnv = qEnvironmentVariable("ERA_DESK_CONFIG_DIR");
    const QString dir =
        !fromEnv.isEmpty() ? fromEnv : QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation);
    QDir().mkpath(dir);
    return dir;
}

DeskSettings::DeskSettings(QObject *parent)
    : QObject(parent),
      m_store(std::make_unique<QSettings>(configDir() + u"/era-desk.ini"_s, QSettings::IniFormat))
{}

void DeskSettings::put(const QString &key, const QVariant &value)
{
    if (m_store->value(key) == value)
        return;
    m_store->setValue(key, value);
    m_store->sync();
    Q_EMIT changed();
}

QString DeskSettings::serverUrl() const
{
    return m_store->value(u"server/url"_s, u"http://127.0.0.1:8080"_s).toString();
}

void DeskSettings::setServerUrl(const QString &url)
{
    put(u"server/url"_s, url);
}

QString DeskSettings::login() const
{
    return m_store->value(u"server/login"_s).toString();
}

void DeskSettings::setLogin(const QString &login)
{
    put(u"server/login"_s, login);
}

bool DeskSettings::rememberMe() const
{
    return m_store->value(u"server/remember"_s, true).toBool();
}

void DeskSettings::setRememberMe(bool remember)
{
    put(u"server/remember"_s, remember);
}

QString DeskSettings::language() const
{
    return m_store->value(u"ui/language"_s).toString();
}

void DeskSettings::setLanguage(const QString &language)
{
    if (language == this->language())
        return;
    put(u"ui/language"_s, language);
    Q_EMIT languageChanged();
}

bool DeskSettings::soundsEnabled() const
{
    return m_store->value(u"notify/sounds"_s, true).toBool();
}

void DeskSettings::setSoundsEnabled(bool enabled)
{
    put(u"notify/sounds"_s, enabled);
}

bool DeskSettings::notificationsEnabled() const
{
    return m_store->value(u"notify/desktop"_s, true).toBool();
}

void DeskSettings::setNotificationsEnabled(bool enabled)
{
    put(u"notify/desktop"_s, enabled);
}

bool DeskSettings::closeToTray() const
{
    return m_store->value(u"ui/close_to_tray"_s, true).toBool();
}

void DeskSettings::setCloseToTray(bool enabled)
{
    put(u"ui/close_to_tray"_s, enabled);
}

bool DeskSettings::plaintextTokenAllowed() const
{
    return m_store->value(u"security/plaintext_token"_s, false).toBool();
}

void DeskSettings::setPlaintextTokenAllowed(bool allowed)
{
    if (allowed == plaintextTokenAllowed())
        return;
    put(u"security/plaintext_token"_s, allowed);
    Q_EMIT plaintextTokenAllowedChanged();
}

QString DeskSettings::recentEmoji() const
{
    return m_store->value(u"ui/recent_emoji"_s).toString();
}

void DeskSettings::noteEmojiUsed(const QString &emoji)
{
    if (emoji.isEmpty())
        return;
    QStringList recent = recentEmoji().split(u' ', Qt::SkipEmptyParts);
    recent.removeAll(emoji);
    recent.prepend(emoji);
    while (recent.size() > RecentEmojiCount)
        recent.removeLast();
    put(u"ui/recent_emoji"_s, recent.join(u' '));
}

} // namespace era::desk
