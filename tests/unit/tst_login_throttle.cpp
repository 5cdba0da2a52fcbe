#include "accounts/LoginThrottle.h"

#include <QTest>

using namespace Qt::StringLiterals;
using era::accounts::LoginThrottle;

class TestLoginThrottle : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void freeFailuresDoNotSlowDown()
    {
        LoginThrottle t(3, 900);
        for (int i = 0; i < 3; ++i)
            t.recordFailure(u"bob"_s, u"10.0.0.1"_s, 1000);
        QCOMPARE(t.retryAfter(u"bob"_s, u"10.0.0.1"_s, 1000), 0);
    }

    void eachFurtherFailureDoublesTheWaitUpToTheCap()
    {
        LoginThrottle t(0, 8);
        qint64 now = 0;
        QList<qint64> waits;
        for (int i = 0; i < 6; ++i) {
            t.recordFailure(u"Bob"_s, u"a"_s, now);
            waits.append(t.retryAfter(u"bob"_s, u"b"_s, now));
        }
        QCOMPARE(waits, (QList<qint64>{1, 2, 4, 8, 8, 8}));
        QCOMPARE(t.retryAfter(u"bob"_s, u"b"_s, now + 8000), 0);
    }

    void oneAddressGuessingManyLoginsIsSlowedToo()
    {
        LoginThrottle t(2, 900); // an address gets 4x: 8 free failures
        for (int i = 0; i < 8; ++i)
            t.recordFailure(u"user%1"_s.arg(i), u"10.0.0.9"_s, 0);
        QCOMPARE(t.retryAfter(u"someone"_s, u"10.0.0.9"_s, 0), 0);
        t.recordFailure(u"user9"_s, u"10.0.0.9"_s, 0);
        QVERIFY(t.retryAfter(u"someone"_s, u"10.0.0.9"_s, 0) > 0);
        QCOMPARE(t.retryAfter(u"someone"_s, u"10.0.0.10"_s, 0), 0);
    }

    void successClearsTheAccount()
    {
        LoginThrottle t(0, 900);
        t.recordFailure(u"bob"_s, u"a"_s, 0);
        QVERIFY(t.retryAfter(u"bob"_s, u"a"_s, 0) > 0);
        t.recordSuccess(u"bob"_s, u"a"_s);
        QCOMPARE(t.retryAfter(u"bob"_s, u"x"_s, 0), 0);
    }
};

QTEST_GUILESS_MAIN(TestLoginThrottle)
#include "tst_login_throttle.moc"
