#pragma once

#include <QObject>
#include <QSettings>
#include <QtQml/qqmlregistration.h>
#include <memory>

namespace era::desk {

// The desk's own settings, kept in an ini file in the user's configuration folder (or ERA_DESK_CONFIG_DIR):
// the last server and login, the language, sounds and notifications, and the explicit permission to keep
// the token in a plain file when there is no keychain.
class DeskSettings : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the session owns the settings")
    Q_PROPERTY(QString serverUrl READ serverUrl WRITE setServerUrl NOTIFY changed)
    Q_PROPERTY(QString login READ login WRITE setLogin NOTIFY changed)
    Q_PROPERTY(bool rememberMe READ rememberMe WRITE setRememberMe NOTIFY changed)
    // "" follows the system; otherwise "en" or "ru".
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)
    Q_PROPERTY(bool soundsEnabled READ soundsEnabled WRITE setSoundsEnabled NOTIFY changed)
    Q_PROPERTY(
        bool notificationsEnabled READ notificationsEnabled WRITE setNotificationsEnabled NOTIFY changed)
    // Closing the window leaves the desk running in the system tray (when there is one).
    Q_PROPERTY(bool closeToTray READ closeToTray WRITE setCloseToTray NOTIFY changed)
    Q_PROPERTY(bool plaintextTokenAllowed READ plaintextTokenAllowed WRITE setPlaintextTokenAllowed NOTIFY
                   plaintextTokenAllowedChanged)
    Q_PROPERTY(QString recentEmoji READ recentEmoji NOTIFY changed)
public:
    explicit DeskSettings(QObject *parent = nullptr);

    // The folder of the settings file; also holds drafts and unsent messages.
    static QString configDir();
    QSettings *store() { return m_store.get(); }

    QString serverUrl() const;
    void setServerUrl(const QString &url);
    QString login() const;
    void setLogin(const QString &login);
    bool rememberMe() const;
    void setRememberMe(bool remember);
    QString language() const;
    void setLanguage(const QString &language);
    bool soundsEnabled() const;
    void setSoundsEnabled(bool enabled);
    bool notificationsEnabled() const;
    void setNotificationsEnabled(bool enabled);
    bool closeToTray() const;
    void setCloseToTray(bool enabled);
    bool plaintextTokenAllowed() const;
    void setPlaintextTokenAllowed(bool allowed);
    // The last emoji used, most recent first, as one string of emoji separated by spaces.
    QString recentEmoji() const;
    Q_INVOKABLE void noteEmojiUsed(const QString &emoji);

Q_SIGNALS:
    void changed();
    void languageChanged();
    void plaintextTokenAllowedChanged();

private:
    void put(const QString &key, const QVariant &value);

    std::unique_ptr<QSettings> m_store;
};

} // namespace era::desk
