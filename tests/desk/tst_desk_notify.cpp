// When the desk tells the operator, and how: the Notifier's rules, desktop notices through a
// org.freedesktop.Notifications service on a private session bus (registered by the test itself, as the
// desktop's notification daemon would be), and the tray badge.
#include "notify/DesktopNotifications.h"
#include "notify/Notifier.h"
#include "notify/TrayIcon.h"

#include <QDBusAbstractAdaptor>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace era::desk;

namespace {

struct Call {
    uint replaces = 0;
    QString summary;
    QString body;
    QStringList actions;
    QVariantMap hints;
};

// The notification daemon of a desktop, as far as the desk uses it.
class FakeNotificationDaemon : public QObject {
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    QList<Call> notified;
    QList<uint> closed;

public Q_SLOTS:
    uint Notify(const QString &appName, uint replacesId, const QString &icon, const QString &summary,
                const QString &body, const QStringList &actions, const QVariantMap &hints, int timeout)
    {
        Q_UNUSED(appName);
        Q_UNUSED(icon);
        Q_UNUSED(timeout);
        notified.append({replacesId, summary, body, actions, hints});
        return replacesId ? replacesId : ++m_next;
    }
    void CloseNotification(uint id) { closed.append(id); }

Q_SIGNALS:
    void ActionInvoked(uint id, const QString &action);
    void NotificationClosed(uint id, uint reason);

private:
    uint m_next = 40;
};

class RecordingSink : public NotificationSink {
public:
    using NotificationSink::NotificationSink;
    void show(const Notice &notice) override { shown.append(notice); }
    void withdraw(Notice::Kind kind, qint64 dialogId) override { withdrawn.append({int(kind), dialogId}); }
    QList<Notice> shown;
    QList<std::pair<int, qint64>> withdrawn;
};

class CountingSound : public SoundSink {
public:
    void play(Notice::Kind kind) override { played.append(kind); }
    QList<Notice::Kind> played;
};

} // namespace

class TestDeskNotify : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // --- the rules ---

    void anOfferIsAlwaysAnnouncedWithSound()
    {
        Notifier n;
        RecordingSink sink;
        CountingSound sound;
        n.setSink(&sink);
        n.setSound(&sound);
        n.setWindowActive(true);
        n.setWindowVisible(true);
        n.setCurrentDialog(7);
        n.offer(7, u"Anna"_s, u"Hello"_s, 30);
        QCOMPARE(sink.shown.size(), 1);
        QCOMPARE(sink.shown.first().kind, Notice::Kind::Offer);
        QVERIFY(sink.shown.first().title.contains(u"Anna"_s));
        QVERIFY(sink.shown.first().body.contains(u"30"_s));
        QCOMPARE(sound.played, QList<Notice::Kind>{Notice::Kind::Offer});
        n.offerGone(7);
        QCOMPARE(sink.withdrawn.size(), 1);
        QCOMPARE(n.pendingCount(), 0);
    }

    void aMessageIsAnnouncedUnlessItsDialogIsOnScreen_data()
    {
        QTest::addColumn<bool>("active");
        QTest::addColumn<bool>("visible");
        QTest::addColumn<qint64>("current");
        QTest::addColumn<bool>("announced");
        QTest::newRow("looking at it") << true << true << qint64(7) << false;
        QTest::newRow("another dialog") << true << true << qint64(8) << true;
        QTest::newRow("window in the background") << false << true << qint64(7) << true;
        QTest::newRow("window minimised") << true << false << qint64(7) << true;
    }
    void aMessageIsAnnouncedUnlessItsDialogIsOnScreen()
    {
        QFETCH(bool, active);
        QFETCH(bool, visible);
        QFETCH(qint64, current);
        QFETCH(bool, announced);
        Notifier n;
        RecordingSink sink;
        n.setSink(&sink);
        n.setWindowActive(active);
        n.setWindowVisible(visible);
        n.setCurrentDialog(current);
        n.message(7, u"Anna"_s, u"Are you there?"_s);
        QCOMPARE(sink.shown.size(), announced ? 1 : 0);
    }

    void messagesOfADialogFoldIntoOneNoticeThatReadingTakesBack()
    {
        Notifier n;
        RecordingSink sink;
        n.setSink(&sink);
        for (int i = 0; i < 5; ++i)
            n.message(7, u"Anna"_s, u"message %1"_s.arg(i));
        n.message(8, u"Pavel"_s, u"hi"_s);
        QCOMPARE(sink.shown.size(), 6); // each replaces the one before it for that dialog
        QCOMPARE(sink.shown.at(4).count, 5);
        QCOMPARE(sink.shown.at(4).body, u"message 4"_s);
        QVERIFY(sink.shown.at(4).title.contains(u"5"_s));
        QCOMPARE(n.pendingCount(), 2);
        n.seen(7);
        QCOMPARE(n.pendingCount(), 1);
        QCOMPARE(sink.withdrawn, (QList<std::pair<int, qint64>>{{int(Notice::Kind::Message), 7}}));
        n.message(7, u"Anna"_s, u"again"_s);
        QCOMPARE(sink.shown.last().count, 1); // a fresh notice after reading
    }

    void switchedOffMeansNoNoticeAndNoSound()
    {
        Notifier n;
        RecordingSink sink;
        CountingSound sound;
        n.setSink(&sink);
        n.setSound(&sound);
        n.setDesktopEnabled(false);
        n.setSoundEnabled(false);
        n.offer(1, u"Anna"_s, u"Hello"_s, 30);
        n.message(1, u"Anna"_s, u"Hello"_s);
        QVERIFY(sink.shown.isEmpty());
        QVERIFY(sound.played.isEmpty());
        QCOMPARE(n.pendingCount(), 2); // still counted for the tray
    }

    // --- the desktop's notification service ---

    void noticesGoToTheDesktopServiceAndReplaceEachOther()
    {
        QDBusConnection bus = QDBusConnection::sessionBus();
        QVERIFY2(bus.isConnected(), "this test runs under dbus-run-session (tests/desk/with-private-bus.sh)");
        FakeNotificationDaemon daemon;
        QVERIFY(bus.registerObject(u"/org/freedesktop/Notifications"_s, &daemon,
                                   QDBusConnection::ExportAllSlots | QDBusConnection::ExportAllSignals));
        QVERIFY(bus.registerService(u"org.freedesktop.Notifications"_s));

        DesktopNotifications sink(bus);
        Notice first{Notice::Kind::Message, 7, u"Anna"_s, u"Hello"_s, 1};
        sink.show(first);
        QTRY_COMPARE(daemon.notified.size(), 1);
        QCOMPARE(daemon.notified.first().summary, u"Anna"_s);
        QCOMPARE(daemon.notified.first().body, u"Hello"_s);
        QCOMPARE(daemon.notified.first().replaces, 0u);
        QCOMPARE(daemon.notified.first().actions.first(), u"default"_s);
        QCOMPARE(daemon.notified.first().hints.value(u"x-era-dialog"_s).toLongLong(), 7);

        // Once the service's id is back, the next notice for the dialog replaces that one.
        QTRY_COMPARE(sink.idOf(Notice::Kind::Message, 7), 41u);
        Notice second{Notice::Kind::Message, 7, u"Anna (2 new)"_s, u"Are you there?"_s, 2};
        sink.show(second);
        QTRY_COMPARE(daemon.notified.size(), 2);
        QCOMPARE(daemon.notified.at(1).replaces, 41u);

        // A click on it asks for the dialog.
        QSignalSpy activated(&sink, &NotificationSink::activated);
        Q_EMIT daemon.ActionInvoked(41, u"default"_s);
        QTRY_COMPARE(activated.count(), 1);
        QCOMPARE(activated.first().first().toLongLong(), 7);

        sink.withdraw(Notice::Kind::Message, 7);
        QTRY_COMPARE(daemon.closed, QList<uint>{41u});

        bus.unregisterService(u"org.freedesktop.Notifications"_s);
        bus.unregisterObject(u"/org/freedesktop/Notifications"_s);
    }

    void withoutANotificationServiceNothingBreaks()
    {
        QDBusConnection bus = QDBusConnection::sessionBus();
        QVERIFY(!bus.interface()->isServiceRegistered(u"org.freedesktop.Notifications"_s));
        DesktopNotifications sink(bus);
        sink.show(Notice{Notice::Kind::Offer, 3, u"Anna"_s, u"Hello"_s, 1}); // no tray here either
        sink.withdraw(Notice::Kind::Offer, 3);
        QCOMPARE(sink.undelivered(), 1); // counted (and logged once), shown in the window only
    }

    // --- the tray badge ---

    void theTrayBadgeShowsTheCountAndTurnsRedForOffers()
    {
        const QImage quiet = TrayIcon::badgeImage(0, false, 64);
        const QImage unread = TrayIcon::badgeImage(3, false, 64);
        const QImage offer = TrayIcon::badgeImage(1, true, 64);
        const QPoint corner(60, 52); // inside the badge, outside the bubble and the digits
        QCOMPARE(quiet.pixelColor(corner).alpha(), 0);
        QVERIFY(unread.pixelColor(corner).red() > 200 && unread.pixelColor(corner).green() > 100);
        QVERIFY(offer.pixelColor(corner).red() > 200 && offer.pixelColor(corner).green() < 100);
        QVERIFY(quiet != unread);
    }
};

QTEST_MAIN(TestDeskNotify)
#include "tst_desk_notify.moc"
