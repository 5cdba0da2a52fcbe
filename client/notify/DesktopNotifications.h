#pragma once

#include "notify/Notifier.h"

#include <QDBusConnection>
#include <QHash>
#include <QIcon>
#include <QPointer>

class QSystemTrayIcon;
class QSoundEffect;

namespace era::desk {

// Notices through the desktop's notification service (org.freedesktop.Notifications on the session bus):
// one notice per dialog and kind, replaced in place as messages add up, with a click that opens the dialog.
// Without that service the tray icon's balloon shows them.
class DesktopNotifications : public NotificationSink {
    Q_OBJECT
public:
    explicit DesktopNotifications(QDBusConnection bus = QDBusConnection::sessionBus(),
                                  QObject *parent = nullptr);
    void setFallback(QSystemTrayIcon *tray);
    void setAppName(const QString &name) { m_appName = name; }

    void show(const Notice &notice) override;
    // Notices that had nowhere to go (no notification service and no tray): they show in the window only.
    int undelivered() const { return m_undelivered; }
    // The service's id of the notice shown for this dialog (the next one replaces it); 0 until it answered.
    uint idOf(Notice::Kind kind, qint64 dialogId) const { return m_ids.value({int(kind), dialogId}, 0u); }
    void withdraw(Notice::Kind kind, qint64 dialogId) override;

private Q_SLOTS:
    void onActionInvoked(uint id, const QString &action);
    void onClosed(uint id, uint reason);

private:
    bool serviceAvailable() const;

    QDBusConnection m_bus;
    QPointer<QSystemTrayIcon> m_tray;
    QString m_appName = QStringLiteral("ERA Desk");
    QHash<std::pair<int, qint64>, uint> m_ids; // (kind, dialog) -> the service's notification id
    QHash<uint, qint64> m_dialogOf;
    qint64 m_lastBalloonDialog = 0;
    int m_undelivered = 0;
};

// The two short sounds (new offer, new message) from the desk's resources, played through Qt Multimedia.
// The player is made on first use, so a machine without audio pays nothing until a sound is due.
class SoundPlayer : public QObject, public SoundSink {
    Q_OBJECT
public:
    explicit SoundPlayer(QObject *parent = nullptr);
    void play(Notice::Kind kind) override;

private:
    QSoundEffect *effect(Notice::Kind kind);
    QSoundEffect *m_offer = nullptr;
    QSoundEffect *m_message = nullptr;
};

} // namespace era::desk
