#include "notify/DesktopNotifications.h"

#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QLoggingCategory>
#include <QSoundEffect>
#include <QSystemTrayIcon>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcNotify, "era.desk.notify")

namespace era::desk {

namespace {
const QString Service = u"org.freedesktop.Notifications"_s;
const QString Path = u"/org/freedesktop/Notifications"_s;
const QString Interface = u"org.freedesktop.Notifications"_s;
} // namespace

DesktopNotifications::DesktopNotifications(QDBusConnection bus, QObject *parent)
    : NotificationSink(parent), m_bus(std::move(bus))
{
    if (m_bus.isConnected()) {
        m_bus.connect(Service, Path, Interface, u"ActionInvoked"_s, this,
                      SLOT(onActionInvoked(uint, QString)));
        m_bus.connect(Service, Path, Interface, u"NotificationClosed"_s, this, SLOT(onClosed(uint, uint)));
    }
}

bool DesktopNotifications::serviceAvailable() const
{
    return m_bus.isConnected() && m_bus.interface() && m_bus.interface()->isServiceRegistered(Service);
}

void DesktopNotifications::setFallback(QSystemTrayIcon *tray)
{
    if (m_tray)
        m_tray->disconnect(this);
    m_tray = tray;
    if (m_tray)
        connect(m_tray, &QSystemTrayIcon::messageClicked, this,
                [this] { Q_EMIT activated(m_lastBalloonDialog); });
}

void DesktopNotifications::show(const Notice &notice)
{
    const std::pair<int, qint64> key{int(notice.kind), notice.dialogId};
    if (!serviceAvailable()) {
        if (m_tray && QSystemTrayIcon::supportsMessages()) {
            m_lastBalloonDialog = notice.dialogId;
            m_tray->showMessage(notice.title, notice.body, QSystemTrayIcon::Information,
                                notice.kind == Notice::Kind::Offer ? 15000 : 6000);
            return;
        }
        if (m_undelivered++ == 0)
            qCWarning(lcNotify)
                << "no desktop notification service and no tray: notices show in the window only";
        return;
    }
    QDBusMessage call = QDBusMessage::createMethodCall(Service, Path, Interface, u"Notify"_s);
    const bool offer = notice.kind == Notice::Kind::Offer;
    const QVariantMap hints{{u"urgency"_s, QVariant::fromValue<uchar>(offer ? 2 : 1)},
                            {u"category"_s, u"im.received"_s},
                            {u"desktop-entry"_s, u"era-desk"_s},
                            {u"x-era-dialog"_s, notice.dialogId}};
    call << m_appName << m_ids.value(key, 0u) << u"mail-message-new"_s << notice.title << notice.body
         << QStringList{u"default"_s, tr("Open")} << hints << (offer ? 0 : -1);
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, watcher, key] {
        watcher->deleteLater();
        QDBusPendingReply<uint> reply = *watcher;
        if (reply.isError()) {
            qCWarning(lcNotify) << "the notification service refused a notice:" << reply.error().message();
            return;
        }
        const uint id = reply.value();
        m_ids.insert(key, id);
        m_dialogOf.insert(id, key.second);
    });
}

void DesktopNotifications::withdraw(Notice::Kind kind, qint64 dialogId)
{
    const uint id = m_ids.take({int(kind), dialogId});
    if (id == 0 || !m_bus.isConnected())
        return;
    m_dialogOf.remove(id);
    QDBusMessage call = QDBusMessage::createMethodCall(Service, Path, Interface, u"CloseNotification"_s);
    call << id;
    m_bus.asyncCall(call);
}

void DesktopNotifications::onActionInvoked(uint id, const QString &action)
{
    Q_UNUSED(action);
    if (const auto it = m_dialogOf.constFind(id); it != m_dialogOf.cend())
        Q_EMIT activated(*it);
}

void DesktopNotifications::onClosed(uint id, uint reason)
{
    Q_UNUSED(reason);
    const qint64 dialog = m_dialogOf.take(id);
    for (auto it = m_ids.begin(); it != m_ids.end();) {
        if (it.value() == id && it.key().second == dialog)
            it = m_ids.erase(it);
        else
            ++it;
    }
}

SoundPlayer::SoundPlayer(QObject *parent) : QObject(parent) {}

QSoundEffect *SoundPlayer::effect(Notice::Kind kind)
{
    QSoundEffect *&slot = kind == Notice::Kind::Offer ? m_offer : m_message;
    if (!slot) {
        slot = new QSoundEffect(this);
        slot->setSource(kind == Notice::Kind::Offer ? QUrl(u"qrc:/era/sounds/offer.wav"_s)
                                                    : QUrl(u"qrc:/era/sounds/message.wav"_s));
        slot->setVolume(0.6f);
    }
    return slot;
}

void SoundPlayer::play(Notice::Kind kind)
{
    effect(kind)->play();
}

} // namespace era::desk
