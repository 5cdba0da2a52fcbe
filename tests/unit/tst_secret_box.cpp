#include "core/SecretBox.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using era::SecretBox;

class TestSecretBox : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sealedValuesOpenWithTheSameKeyFile()
    {
        QTemporaryDir dir;
        const QString key = dir.filePath(u"secret.key"_s);
        auto box = SecretBox::open(key);
        QVERIFY(box);
        const auto perms = QFile(key).permissions();
        QVERIFY(perms & QFileDevice::ReadOwner);
        QVERIFY(!(perms & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup |
                           QFileDevice::WriteOther)));
        const QByteArray sealed = box->seal("123456:bot-token");
        QVERIFY(!sealed.contains("bot-token"));
        QCOMPARE(box->unseal(sealed).value(), QByteArray("123456:bot-token"));
        auto again = SecretBox::open(key); // reads the existing key
        QVERIFY(again);
        QCOMPARE(again->unseal(sealed).value(), QByteArray("123456:bot-token"));
        QVERIFY(box->seal("x") != box->seal("x")); // fresh nonce every time
    }

    void anotherKeyOrAlteredDataIsRefused()
    {
        QTemporaryDir dir;
        auto a = SecretBox::open(dir.filePath(u"a.key"_s));
        auto b = SecretBox::open(dir.filePath(u"b.key"_s));
        QByteArray sealed = a->seal("secret");
        QCOMPARE(b->unseal(sealed).error().code, u"secret_unreadable"_s);
        sealed[sealed.size() - 1] = char(sealed.at(sealed.size() - 1) ^ 1);
        QCOMPARE(a->unseal(sealed).error().code, u"secret_unreadable"_s);
        QCOMPARE(a->unseal("short").error().code, u"secret_unreadable"_s);
    }

    void keyFileReadableByOthersIsRefused()
    {
        QTemporaryDir dir;
        const QString key = dir.filePath(u"secret.key"_s);
        QVERIFY(SecretBox::open(key));
        QFile(key).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther);
        auto r = SecretBox::open(key);
        QVERIFY(!r);
        QVERIFY(r.error().message.contains(u"chmod 600"_s));
    }
};

QTEST_GUILESS_MAIN(TestSecretBox)
#include "tst_secret_box.moc"
