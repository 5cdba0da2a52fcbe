#include "accounts/Credentials.h"

#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;
namespace cred = era::accounts::credentials;

class TestCredentials : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void passwordHashIsArgon2idAndVerifies()
    {
        auto h = cred::hashPassword(u"correct horse ✓"_s, {1, 8192});
        QVERIFY(h);
        QVERIFY(h->startsWith(u"$argon2id$"_s));
        QVERIFY(cred::verifyPassword(*h, u"correct horse ✓"_s));
        QVERIFY(!cred::verifyPassword(*h, u"correct horse"_s));
        QVERIFY(!cred::verifyPassword(u"not a hash"_s, u"x"_s));
    }

    void samePasswordHashesDifferently()
    {
        QVERIFY(*cred::hashPassword(u"password1"_s, {1, 8192}) !=
                *cred::hashPassword(u"password1"_s, {1, 8192}));
    }

    void tokensAre256BitAndUnique()
    {
        QSet<QString> seen;
        for (int i = 0; i < 1000; ++i) {
            const QString t = cred::newToken();
            QCOMPARE(t.size(), 43);
            QCOMPARE(QByteArray::fromBase64(t.toLatin1(), QByteArray::Base64UrlEncoding).size(), 32);
            seen.insert(t);
        }
        QCOMPARE(seen.size(), 1000);
    }

    void onlyTheTokenHashIsKept()
    {
        const QString t = cred::newToken();
        const QString h = cred::tokenHash(t);
        QCOMPARE(h.size(), 64);
        QVERIFY(!h.contains(t));
        QCOMPARE(cred::tokenHash(t), h);
    }

    void shortPasswordsAreRefused()
    {
        QCOMPARE(cred::checkPasswordStrength(u"1234567"_s).error().code, u"weak_password"_s);
        QVERIFY(cred::checkPasswordStrength(u"12345678"_s));
        QVERIFY(cred::checkPasswordStrength(cred::generatePassword()));
    }
};

QTEST_GUILESS_MAIN(TestCredentials)
#include "tst_credentials.moc"
