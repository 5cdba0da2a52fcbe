// "Remember me": the token goes to the system keychain (gnome-keyring's Secret Service on a private bus,
// see with-private-bus.sh) and never to a file; without a keychain nothing is kept unless the user allowed
// a plain file. ctest runs the keychain cases under a private bus and the others with no bus at all.
#include "DeskTesting.h"
#include "auth/TokenVault.h"
#include "session/Session.h"

#include <QFile>
#include <QSettings>

using namespace Qt::StringLiterals;
using namespace era::desk;

namespace {

TokenVault::Outcome wait(const std::function<void(TokenVault::Callback)> &start)
{
    TokenVault::Outcome result;
    bool done = false;
    start([&](const TokenVault::Outcome &o) {
        result = o;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 20000))
        qWarning("the keychain did not answer");
    return result;
}

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

const QString Account = u"http://127.0.0.1:8080/|olga"_s;
const QString Secret = u"Xk2-secret-token-0123456789abcdefghijklmnopqrstu"_s;

} // namespace

class TestDeskKeychain : public QObject {
    Q_OBJECT
    std::unique_ptr<desktest::DeskFolders> m_folders;
    std::unique_ptr<QSettings> m_settings;
    QString m_iniPath;

private Q_SLOTS:
    void init()
    {
        m_folders = std::make_unique<desktest::DeskFolders>();
        m_iniPath = m_folders->path(u"desk.ini"_s);
        m_settings = std::make_unique<QSettings>(m_iniPath, QSettings::IniFormat);
    }
    void cleanup()
    {
        m_settings.reset();
        m_folders.reset();
    }

    // --- with a keychain (run under with-private-bus.sh) ---

    void theTokenIsKeptInTheKeychainAndNowhereElse()
    {
        TokenVault vault(u"era-desk-test"_s, m_settings.get());
        const auto written = wait([&](auto cb) { vault.write(Account, Secret, this, cb); });
        QVERIFY2(written.ok, qPrintable(written.error));
        QCOMPARE(written.place, TokenVault::Place::Keychain);
        m_settings->sync();
        QVERIFY(!fileBytes(m_iniPath).contains(Secret.toUtf8()));

        TokenVault again(u"era-desk-test"_s, m_settings.get());
        const auto read = wait([&](auto cb) { again.read(Account, this, cb); });
        QCOMPARE(read.place, TokenVault::Place::Keychain);
        QCOMPARE(read.token, Secret);

        again.remove(Account);
        QTRY_VERIFY_WITH_TIMEOUT(wait([&](auto cb) { again.read(Account, this, cb); }).token.isEmpty(),
                                 10000);
    }

    void aRememberedLoginStartsTheNextSessionWithoutThePassword()
    {
        desktest::ServerSide side;
        QVERIFY(side.start());
        {
            Session first(nullptr);
            first.login(side.url().toString(), u"olga"_s, desktest::ServerSide::password(u"olga"_s), true);
            QTRY_COMPARE_WITH_TIMEOUT(first.state(), Session::State::Online, 15000);
            QTRY_VERIFY_WITH_TIMEOUT(first.keychainNote().isEmpty(), 5000);
        }
        // The settings file knows the server and the login, not the token.
        const QByteArray ini =
            fileBytes(QString::fromUtf8(qgetenv("ERA_DESK_CONFIG_DIR")) + u"/era-desk.ini"_s);
        QVERIFY(ini.contains("olga"));
        QVERIFY(!ini.contains("plain_tokens"));

        Session second(nullptr);
        second.restore();
        QTRY_COMPARE_WITH_TIMEOUT(second.state(), Session::State::Online, 15000);
        QCOMPARE(second.user().value(u"login"_s).toString(), u"olga"_s);

        // Logging out forgets it.
        second.logout();
        QTRY_COMPARE_WITH_TIMEOUT(second.state(), Session::State::LoggedOut, 10000);
        Session third(nullptr);
        third.restore();
        QTRY_COMPARE_WITH_TIMEOUT(third.state(), Session::State::LoggedOut, 15000);
    }

    // --- without a keychain (run with no session bus) ---

    void withoutAKeychainNothingIsKeptAndTheUserIsTold()
    {
        TokenVault vault(u"era-desk-test"_s, m_settings.get());
        const auto written = wait([&](auto cb) { vault.write(Account, Secret, this, cb); });
        QVERIFY(!written.ok);
        QCOMPARE(written.place, TokenVault::Place::Nowhere);
        QVERIFY(!written.error.isEmpty());
        m_settings->sync();
        QVERIFY(!fileBytes(m_iniPath).contains(Secret.toUtf8()));
        const auto read = wait([&](auto cb) { vault.read(Account, this, cb); });
        QVERIFY(read.token.isEmpty());
    }

    void aPlainFileIsUsedOnlyWhenTheUserAllowsIt()
    {
        TokenVault vault(u"era-desk-test"_s, m_settings.get());
        vault.setPlaintextAllowed(true);
        const auto written = wait([&](auto cb) { vault.write(Account, Secret, this, cb); });
        QVERIFY(written.ok);
        QCOMPARE(written.place, TokenVault::Place::PlainFile);
        const auto read = wait([&](auto cb) { vault.read(Account, this, cb); });
        QCOMPARE(read.place, TokenVault::Place::PlainFile);
        QCOMPARE(read.token, Secret);

        // Taking the permission back removes it.
        vault.setPlaintextAllowed(false);
        QVERIFY(!fileBytes(m_iniPath).contains(Secret.toUtf8()));
        QVERIFY(wait([&](auto cb) { vault.read(Account, this, cb); }).token.isEmpty());
    }

    void theLoginPageSaysWhyTheLoginIsNotRemembered()
    {
        desktest::ServerSide side;
        QVERIFY(side.start());
        Session session(nullptr);
        session.login(side.url().toString(), u"olga"_s, desktest::ServerSide::password(u"olga"_s), true);
        QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Online, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(session.keychainNote().contains(u"not remembered"_s), 10000);
    }
};

QTEST_MAIN(TestDeskKeychain)
#include "tst_desk_keychain.moc"
