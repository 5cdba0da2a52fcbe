#include "notify/Notifier.h"

namespace era::desk {

Notifier::Notifier(QObject *parent) : QObject(parent) {}

void Notifier::setSink(NotificationSink *sink)
{
    if (m_sink)
        m_sink->disconnect(this);
    m_sink = sink;
    if (m_sink)
        connect(m_sink, &NotificationSink::activated, this, &Notifier::activated);
}

void Notifier::setWindowActive(bool active)
{
    if (active == m_windowActive)
        return;
    m_windowActive = active;
    Q_EMIT windowChanged();
}

void Notifier::setWindowVisible(bool visible)
{
    if (visible == m_windowVisible)
        return;
    m_windowVisible = visible;
    Q_EMIT windowChanged();
}

bool Notifier::onScreen(qint64 dialogId) const
{
    return m_windowActive && m_windowVisible && dialogId == m_current;
}

void Notifier::showNotice(const Notice &notice)
{
    const bool fresh = !m_shown.contains({int(notice.kind), notice.dialogId});
    m_shown.insert({int(notice.kind), notice.dialogId}, notice);
    if (m_sink && m_desktopEnabled)
        m_sink->show(notice);
    if (m_sound && m_soundEnabled)
        m_sound->play(notice.kind);
    if (fresh)
        Q_EMIT pendingChanged();
}

void Notifier::offer(qint64 dialogId, const QString &customer, const QString &preview, int timeoutSec)
{
    Notice n;
    n.kind = Notice::Kind::Offer;
    n.dialogId = dialogId;
    n.title = tr("New dialog: %1").arg(customer);
    n.body = timeoutSec > 0 ? tr("%1\nAccept within %n s", nullptr, timeoutSec).arg(preview) : preview;
    showNotice(n);
}

void Notifier::offerGone(qint64 dialogId)
{
    if (m_shown.remove({int(Notice::Kind::Offer), dialogId})) {
        if (m_sink)
            m_sink->withdraw(Notice::Kind::Offer, dialogId);
        Q_EMIT pendingChanged();
    }
}

void Notifier::message(qint64 dialogId, const QString &customer, const QString &preview)
{
    if (onScreen(dialogId))
        return;
    Notice n;
    n.kind = Notice::Kind::Message;
    n.dialogId = dialogId;
    n.title = customer;
    n.body = preview;
    if (const auto it = m_shown.constFind({int(Notice::Kind::Message), dialogId}); it != m_shown.cend()) {
        n.count = it->count + 1;
        n.title = tr("%1 (%n new)", nullptr, n.count).arg(customer);
    }
    showNotice(n);
}

void Notifier::seen(qint64 dialogId)
{
    if (m_shown.remove({int(Notice::Kind::Message), dialogId})) {
        if (m_sink)
            m_sink->withdraw(Notice::Kind::Message, dialogId);
        Q_EMIT pendingChanged();
    }
}

void Notifier::clear()
{
    const auto shown = std::exchange(m_shown, {});
    for (const Notice &n : shown) {
        if (m_sink)
            m_sink->withdraw(n.kind, n.dialogId);
    }
    if (!shown.isEmpty())
        Q_EMIT pendingChanged();
}

} // namespace era::desk
