#pragma once

#include <QIcon>
#include <QObject>
#include <memory>

class QMenu;
class QSystemTrayIcon;

namespace era::desk {

// The desk in the system tray: the icon carries the number of unread customer messages and offers, the
// tooltip says it in words, the menu brings the window back, switches presence and quits.
class TrayIcon : public QObject {
    Q_OBJECT
public:
    explicit TrayIcon(QObject *parent = nullptr);
    ~TrayIcon() override;

    bool available() const;
    QSystemTrayIcon *tray() const { return m_tray.get(); }
    void setCounts(int unread, int offers);
    void setPresence(const QString &presence);
    // The icon as drawn for these counts (for tests and the window icon).
    static QImage badgeImage(int count, bool urgent, int side = 64);

Q_SIGNALS:
    void showRequested();
    void presenceRequested(const QString &presence);
    void quitRequested();

private:
    std::unique_ptr<QMenu> m_menu;
    std::unique_ptr<QSystemTrayIcon> m_tray;
    int m_unread = 0;
    int m_offers = 0;
};

} // namespace era::desk
