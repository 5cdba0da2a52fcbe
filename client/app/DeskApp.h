#pragma once

#include "app/Translations.h"

#include <QObject>
#include <QString>
#include <memory>

class QQmlApplicationEngine;

namespace era::desk {

class DesktopNotifications;
class Session;
class SoundPlayer;
class TrayIcon;

// era-desk put together: the session, the tray icon, desktop notifications and sounds, the language, and
// the QML engine showing Main.qml. main.cpp only parses the command line; tests build the same thing.
class DeskApp : public QObject {
    Q_OBJECT
public:
    struct Options {
        QString server; // log in to this server at start (with login and password)
        QString login;
        QString password;     // from --password-file or ERA_DESK_PASSWORD
        bool remember = true; // keep the token for the next start
        bool tray = true;
        bool sounds = true;
    };

    explicit DeskApp(Options options, QObject *parent = nullptr);
    ~DeskApp() override;

    // Call first thing in main(): the start-up report counts from here.
    static void markStart();
    // Loads the window; false when QML failed to load (the errors are logged). With ERA_DESK_REPORT_READY
    // set, prints "era-desk: usable after N ms" on the first frame after the session is online.
    bool load();
    Session *session() const { return m_session.get(); }
    QQmlApplicationEngine *engine() const { return m_engine.get(); }

    // Whether closing the window leaves the desk running in the tray: there is a tray icon and the user
    // did not turn it off in Settings.
    bool keepsRunningWhenClosed() const;

private:
    void reportWhenUsable();
    void applyClosePolicy();

    Options m_options;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<TrayIcon> m_tray;
    std::unique_ptr<DesktopNotifications> m_notifications;
    std::unique_ptr<SoundPlayer> m_sounds;
    Translations m_translations;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    bool m_toldAboutTray = false; // or quitting: the tray says nothing more
};

} // namespace era::desk
