#pragma once

#include <QHash>
#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace era::desk {

// One notification on the desktop: a new offer, or new customer messages in one dialog.
struct Notice {
    enum class Kind { Offer, Message };
    Kind kind = Kind::Message;
    qint64 dialogId = 0;
    QString title;
    QString body;
    int count = 1; // messages folded into this notice
};

// Where notices go: the desktop's notification service, or the tray's balloon when there is none.
class NotificationSink : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    // Shows the notice, replacing the one shown before for the same dialog and kind.
    virtual void show(const Notice &notice) = 0;
    virtual void withdraw(Notice::Kind kind, qint64 dialogId) = 0;

Q_SIGNALS:
    // The user clicked the notice.
    void activated(qint64 dialogId);
};

// Plays the short sounds of the desk.
class SoundSink {
public:
    virtual ~SoundSink() = default;
    virtual void play(Notice::Kind kind) = 0;
};

// Decides when the operator is told: a new offer always (it expires); a customer message unless the operator
// is looking at that very dialog in the active window. Messages of one dialog fold into one notice that
// counts them, so a minimised window loses none and floods nothing; reading the dialog takes its notice
// back.
class Notifier : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the session owns the notifier")
    Q_PROPERTY(bool windowActive READ windowActive WRITE setWindowActive NOTIFY windowChanged)
    Q_PROPERTY(bool windowVisible READ windowVisible WRITE setWindowVisible NOTIFY windowChanged)
    Q_PROPERTY(int pendingCount READ pendingCount NOTIFY pendingChanged)
public:
    explicit Notifier(QObject *parent = nullptr);

    void setSink(NotificationSink *sink);
    void setSound(SoundSink *sound) { m_sound = sound; }
    void setDesktopEnabled(bool enabled) { m_desktopEnabled = enabled; }
    void setSoundEnabled(bool enabled) { m_soundEnabled = enabled; }

    bool windowActive() const { return m_windowActive; }
    void setWindowActive(bool active);
    bool windowVisible() const { return m_windowVisible; }
    void setWindowVisible(bool visible);
    void setCurrentDialog(qint64 dialogId) { m_current = dialogId; }
    // Notices shown and not yet taken back.
    int pendingCount() const { return int(m_shown.size()); }

    // Whether a message in this dialog would be seen on screen right now.
    bool onScreen(qint64 dialogId) const;

    void offer(qint64 dialogId, const QString &customer, const QString &preview, int timeoutSec);
    void offerGone(qint64 dialogId);
    void message(qint64 dialogId, const QString &customer, const QString &preview);
    // The operator read the dialog: its message notice goes.
    void seen(qint64 dialogId);
    void clear();

Q_SIGNALS:
    void windowChanged();
    void pendingChanged();
    // The user clicked a notice: show this dialog.
    void activated(qint64 dialogId);

private:
    void showNotice(const Notice &notice);

    NotificationSink *m_sink = nullptr;
    SoundSink *m_sound = nullptr;
    bool m_desktopEnabled = true;
    bool m_soundEnabled = true;
    bool m_windowActive = false;
    bool m_windowVisible = false;
    qint64 m_current = 0;
    QHash<std::pair<int, qint64>, Notice> m_shown; // (kind, dialog) -> the notice on screen
};

} // namespace era::desk
