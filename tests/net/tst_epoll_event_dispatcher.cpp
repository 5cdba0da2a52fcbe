// Conformance of EpollEventDispatcher with what Qt's own dispatchers guarantee (timers, socket
// notifiers, posted events, wake-ups, event loops, sockets), in the spirit of qt_eventdispatcher_tests.
#include "net/EpollEventDispatcher.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using era::net::EpollEventDispatcher;

namespace {

class TimerRecorder : public QObject {
public:
    QList<int> fired;

protected:
    void timerEvent(QTimerEvent *event) override { fired.append(event->timerId()); }
};

class SocketPair {
public:
    SocketPair() { ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds); }
    ~SocketPair()
    {
        ::close(fds[0]);
        ::close(fds[1]);
    }
    int fds[2] = {-1, -1};
};

const QEvent::Type kPingEvent = QEvent::Type(QEvent::User + 7);

class EventCounter : public QObject {
public:
    int count = 0;

protected:
    bool event(QEvent *e) override
    {
        if (e->type() == kPingEvent) {
            ++count;
            return true;
        }
        return QObject::event(e);
    }
};

} // namespace

class TestEpollEventDispatcher : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void applicationRunsOnTheEpollDispatcher()
    {
        QVERIFY(qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance()));
    }

    void timersFireInTheOrderOfTheirDeadlines()
    {
        QList<int> order;
        for (int ms : {30, 10, 20, 0})
            QTimer::singleShot(ms, Qt::PreciseTimer, this, [&order, ms] { order.append(ms); });
        QTRY_COMPARE(order.size(), 4);
        QCOMPARE(order, (QList<int>{0, 10, 20, 30}));
    }

    void timersWithEqualDeadlinesFireInRegistrationOrder()
    {
        TimerRecorder recorder;
        const int first = recorder.startTimer(5, Qt::PreciseTimer);
        const int second = recorder.startTimer(5, Qt::PreciseTimer);
        QTRY_VERIFY(recorder.fired.size() >= 2);
        QCOMPARE(recorder.fired.mid(0, 2), (QList<int>{first, second}));
    }

    void zeroTimerDoesNotStarveOtherEvents()
    {
        int zeroTicks = 0;
        QTimer zero;
        zero.setInterval(0);
        connect(&zero, &QTimer::timeout, this, [&zeroTicks] { ++zeroTicks; });
        zero.start();
        SocketPair pair;
        QSocketNotifier notifier(pair.fds[0], QSocketNotifier::Read);
        QSignalSpy readable(&notifier, &QSocketNotifier::activated);
        QVERIFY(::write(pair.fds[1], "x", 1) == 1);
        EventCounter counter;
        QCoreApplication::postEvent(&counter, new QEvent(kPingEvent));
        QTRY_VERIFY(readable.size() >= 1 && counter.count == 1 && zeroTicks > 10);
    }

    void killedTimerNeverFires()
    {
        TimerRecorder recorder;
        const int control = recorder.startTimer(40); // started first: Qt reuses a killed timer's id
        const int id = recorder.startTimer(10);
        recorder.killTimer(id);
        QTRY_VERIFY(recorder.fired.contains(control));
        QVERIFY(!recorder.fired.contains(id));
    }

    void timerKilledInsideItsOwnHandlerStops()
    {
        int ticks = 0;
        QTimer timer;
        timer.setInterval(1);
        connect(&timer, &QTimer::timeout, this, [&] {
            if (++ticks == 3)
                timer.stop();
        });
        timer.start();
        QTRY_COMPARE(ticks, 3);
        QVERIFY(!QTest::qWaitFor([&] { return ticks != 3; }, 30)); // a stopped timer fires no more
    }

    void runningTimerIsNotReenteredByANestedLoop()
    {
        int entered = 0;
        int maxDepth = 0;
        int depth = 0;
        QTimer timer;
        timer.setInterval(1);
        connect(&timer, &QTimer::timeout, this, [&] {
            ++entered;
            maxDepth = std::max(maxDepth, ++depth);
            if (entered == 1) { // a nested event loop while the handler runs
                QEventLoop nested;
                QTimer::singleShot(20, &nested, &QEventLoop::quit);
                nested.exec();
            }
            --depth;
        });
        timer.start();
        QTRY_VERIFY(entered >= 3);
        QCOMPARE(maxDepth, 1);
    }

    void remainingTimeCountsDown()
    {
        QTimer timer;
        timer.start(1000);
        const int left = timer.remainingTime();
        QVERIFY2(left > 900 && left <= 1000, QByteArray::number(left).constData());
        auto *dispatcher = QAbstractEventDispatcher::instance();
        QCOMPARE(dispatcher->registeredTimers(&timer).size(), 1);
        QCOMPARE(dispatcher->registeredTimers(&timer).first().interval, 1000);
        timer.stop();
        QCOMPARE(dispatcher->remainingTime(timer.timerId()), -1);
    }

    void socketNotifierReportsReadableData()
    {
        SocketPair pair;
        QSocketNotifier notifier(pair.fds[0], QSocketNotifier::Read);
        QSignalSpy spy(&notifier, &QSocketNotifier::activated);
        QVERIFY(!QTest::qWaitFor([&] { return spy.size() > 0; }, 20)); // nothing to read yet
        QVERIFY(::write(pair.fds[1], "x", 1) == 1);
        QVERIFY(spy.wait(1000));
    }

    void socketNotifierReportsWritableSocket()
    {
        SocketPair pair;
        QSocketNotifier notifier(pair.fds[0], QSocketNotifier::Write);
        QSignalSpy spy(&notifier, &QSocketNotifier::activated);
        QVERIFY(spy.wait(1000));
    }

    void readAndWriteNotifiersShareOneDescriptor()
    {
        SocketPair pair;
        QSocketNotifier reader(pair.fds[0], QSocketNotifier::Read);
        QSocketNotifier writer(pair.fds[0], QSocketNotifier::Write);
        QSignalSpy readable(&reader, &QSocketNotifier::activated);
        QSignalSpy writable(&writer, &QSocketNotifier::activated);
        QVERIFY(writable.wait(1000));
        writer.setEnabled(false);
        QVERIFY(::write(pair.fds[1], "x", 1) == 1);
        QVERIFY(readable.wait(1000));
    }

    void disabledNotifierStaysQuiet()
    {
        SocketPair pair;
        QSocketNotifier notifier(pair.fds[0], QSocketNotifier::Read);
        QSignalSpy spy(&notifier, &QSocketNotifier::activated);
        notifier.setEnabled(false);
        QVERIFY(::write(pair.fds[1], "x", 1) == 1);
        QVERIFY(!QTest::qWaitFor([&] { return spy.size() > 0; }, 30));
        notifier.setEnabled(true);
        QVERIFY(spy.wait(1000));
    }

    void notifierDeletedByAnotherHandlerIsNotActivated()
    {
        SocketPair first;
        SocketPair second;
        auto *a = new QSocketNotifier(first.fds[0], QSocketNotifier::Read);
        auto *b = new QSocketNotifier(second.fds[0], QSocketNotifier::Read);
        int activations = 0;
        // Whichever fires first deletes the other; the other must then never be called.
        connect(a, &QSocketNotifier::activated, this, [&] {
            ++activations;
            delete b;
            b = nullptr;
            a->setEnabled(false);
        });
        connect(b, &QSocketNotifier::activated, this, [&] {
            ++activations;
            delete a;
            a = nullptr;
            b->setEnabled(false);
        });
        QVERIFY(::write(first.fds[1], "x", 1) == 1);
        QVERIFY(::write(second.fds[1], "x", 1) == 1);
        QTRY_COMPARE(activations, 1);
        QVERIFY(!QTest::qWaitFor([&] { return activations > 1; }, 20));
        delete a;
        delete b;
    }

    void postedEventsAreDelivered()
    {
        EventCounter counter;
        QCoreApplication::postEvent(&counter, new QEvent(kPingEvent));
        QCoreApplication::postEvent(&counter, new QEvent(kPingEvent));
        QAbstractEventDispatcher::instance()->processEvents(QEventLoop::AllEvents);
        QCOMPARE(counter.count, 2);
    }

    void wakeUpFromAnotherThreadEndsTheWait()
    {
        auto *dispatcher = QAbstractEventDispatcher::instance();
        QElapsedTimer clock;
        clock.start();
        std::thread waker([dispatcher] {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            dispatcher->wakeUp();
        });
        dispatcher->processEvents(QEventLoop::WaitForMoreEvents);
        waker.join();
        QVERIFY(clock.elapsed() < 5000);
    }

    void postFromAnotherThreadWakesTheLoop()
    {
        EventCounter counter;
        std::thread poster([&counter] {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            QCoreApplication::postEvent(&counter, new QEvent(kPingEvent));
        });
        QTRY_COMPARE_WITH_TIMEOUT(counter.count, 1, 2000);
        poster.join();
    }

    void interruptStopsAWaitingDispatcher()
    {
        auto *dispatcher = QAbstractEventDispatcher::instance();
        dispatcher->interrupt();
        QElapsedTimer clock;
        clock.start();
        dispatcher->processEvents(QEventLoop::WaitForMoreEvents); // must not block forever
        QVERIFY(clock.elapsed() < 5000);
    }

    void eventLoopExecReturnsTheExitCode()
    {
        QEventLoop loop;
        QTimer::singleShot(10, &loop, [&loop] { loop.exit(42); });
        QCOMPARE(loop.exec(), 42);
    }

    void eventLoopQuitsFromAnotherThread()
    {
        QEventLoop loop;
        std::thread quitter([&loop] {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            QMetaObject::invokeMethod(&loop, "quit", Qt::QueuedConnection);
        });
        QTimer guard;
        guard.setSingleShot(true);
        connect(&guard, &QTimer::timeout, &loop, [&loop] { loop.exit(1); });
        guard.start(5000);
        QCOMPARE(loop.exec(), 0);
        quitter.join();
    }

    void tcpServerAndSocketTalkThroughIt()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        connect(&server, &QTcpServer::newConnection, this, [&server] {
            QTcpSocket *peer = server.nextPendingConnection();
            connect(peer, &QTcpSocket::readyRead, peer, [peer] { peer->write(peer->readAll().toUpper()); });
        });
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, server.serverPort());
        QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
        client.write("hello");
        QByteArray answer;
        QTRY_VERIFY((answer += client.readAll()) == "HELLO");
    }

    void workerThreadRunsItsOwnEpollLoop()
    {
        QThread worker;
        auto *dispatcher = new EpollEventDispatcher;
        worker.setEventDispatcher(dispatcher);
        worker.start();
        auto *context = new QObject;
        context->moveToThread(&worker);
        connect(&worker, &QThread::finished, context, &QObject::deleteLater);
        QAtomicInt fired;
        QAbstractEventDispatcher *seen = nullptr;
        QMetaObject::invokeMethod(context, [&] {
            seen = QAbstractEventDispatcher::instance();
            QTimer::singleShot(10, [&fired] { fired.storeRelease(1); });
        });
        QTRY_VERIFY(fired.loadAcquire() == 1);
        QCOMPARE(seen, dispatcher);
        worker.quit();
        QVERIFY(worker.wait(5000));
    }
};

int main(int argc, char **argv)
{
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    TestEpollEventDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_epoll_event_dispatcher.moc"
