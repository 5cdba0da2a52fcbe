#include "notify/TrayIcon.h"

#include <QActionGroup>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QSystemTrayIcon>

using namespace Qt::StringLiterals;

namespace era::desk {

TrayIcon::TrayIcon(QObject *parent) : QObject(parent)
{
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return;
    m_menu = std::make_unique<QMenu>();
    m_menu->addAction(tr("Show ERA Desk"), this, &TrayIcon::showRequested);
    m_menu->addSeparator();
    auto *group = new QActionGroup(m_menu.get());
    const std::pair<QString, QString> presences[] = {
        {u"online"_s, tr("Online")}, {u"away"_s, tr("Away")}, {u"offline"_s, tr("Offline")}};
    for (const auto &[name, label] : presences) {
        QAction *a = m_menu->addAction(label, this, [this, name] { Q_EMIT presenceRequested(name); });
        a->setCheckable(true);
        a->setData(name);
        group->addAction(a);
    }
    m_menu->addSeparator();
    m_menu->addAction(tr("Quit"), this, &TrayIcon::quitRequested);
    m_tray = std::make_unique<QSystemTrayIcon>();
    m_tray->setContextMenu(m_menu.get());
    connect(m_tray.get(), &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason r) {
        if (r == QSystemTrayIcon::Trigger || r == QSystemTrayIcon::DoubleClick)
            Q_EMIT showRequested();
    });
    setCounts(0, 0);
    m_tray->show();
}

TrayIcon::~TrayIcon() = default;

bool TrayIcon::available() const
{
    return m_tray != nullptr;
}

QImage TrayIcon::badgeImage(int count, bool urgent, int side)
{
    QImage image(side, side, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    // The app mark: a rounded speech bubble.
    const QRectF body(side * 0.06, side * 0.1, side * 0.8, side * 0.66);
    QPainterPath bubble;
    bubble.addRoundedRect(body, side * 0.18, side * 0.18);
    QPainterPath tail;
    tail.moveTo(side * 0.22, body.bottom() - 2);
    tail.lineTo(side * 0.16, side * 0.94);
    tail.lineTo(side * 0.44, body.bottom() - 2);
    bubble = bubble.united(tail);
    p.fillPath(bubble, QColor(0x2f, 0x6f, 0xeb));
    p.setPen(QPen(Qt::white, side * 0.06, Qt::SolidLine, Qt::RoundCap));
    for (int i = 0; i < 3; ++i) {
        const qreal x = body.left() + body.width() * (0.28 + 0.22 * i);
        p.drawPoint(QPointF(x, body.center().y()));
    }
    if (count > 0) {
        const QString text = count > 99 ? u"99+"_s : QString::number(count);
        const qreal d = side * (text.size() > 2 ? 0.62 : 0.5);
        const QRectF badge(side - d, side - d, d, d);
        p.setPen(Qt::NoPen);
        p.setBrush(urgent ? QColor(0xe5, 0x39, 0x35) : QColor(0xf5, 0x7c, 0x00));
        p.drawEllipse(badge);
        QFont f;
        f.setBold(true);
        f.setPixelSize(int(d * (text.size() > 2 ? 0.42 : 0.6)));
        p.setFont(f);
        p.setPen(Qt::white);
        p.drawText(badge, Qt::AlignCenter, text);
    }
    return image;
}

void TrayIcon::setCounts(int unread, int offers)
{
    m_unread = unread;
    m_offers = offers;
    if (!m_tray)
        return;
    m_tray->setIcon(QIcon(QPixmap::fromImage(badgeImage(unread + offers, offers > 0))));
    QStringList parts;
    if (offers > 0)
        parts.append(tr("%n new dialog(s) offered", nullptr, offers));
    if (unread > 0)
        parts.append(tr("%n unread message(s)", nullptr, unread));
    m_tray->setToolTip(parts.isEmpty()
                           ? tr("ERA Desk: nothing new")
                           : tr("ERA Desk: %1", "the parts joined by commas").arg(parts.join(u", "_s)));
}

void TrayIcon::setPresence(const QString &presence)
{
    if (!m_menu)
        return;
    for (QAction *a : m_menu->actions()) {
        if (a->isCheckable())
            a->setChecked(a->data().toString() == presence);
    }
}

} // namespace era::desk
