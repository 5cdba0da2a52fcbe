// era-desk: the operators' desktop client. Everything is in the libraries; this file reads the command line.
#include "app/DeskApp.h"
#include "app/QmlPlugins.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QTextStream>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    era::desk::DeskApp::markStart();
    QApplication app(argc, argv); // widgets only for the tray icon's menu
    QApplication::setOrganizationName(u"ERA"_s);
    QApplication::setApplicationName(u"era-desk"_s);
    QApplication::setApplicationDisplayName(u"ERA Desk"_s);
    QApplication::setApplicationVersion(QStringLiteral(ERA_VERSION));
    QApplication::setDesktopFileName(u"era-desk"_s);
    QApplication::setQuitOnLastWindowClosed(true);

    QCommandLineParser cli;
    cli.setApplicationDescription(u"ERA Desk: serve customers' dialogs from every channel."_s);
    cli.addHelpOption();
    cli.addVersionOption();
    const QCommandLineOption server(
        u"server"_s, u"Log in to this server at start, e.g. http://127.0.0.1:8080"_s, u"url"_s);
    const QCommandLineOption login(u"login"_s, u"The login to use with --server"_s, u"login"_s);
    const QCommandLineOption passwordFile(
        u"password-file"_s,
        u"Read the password for --login from this file (- for stdin); or set "
        "ERA_DESK_PASSWORD"_s,
        u"path"_s);
    const QCommandLineOption noRemember(
        u"no-remember"_s, u"With --login: do not keep the token in the keychain for the next start"_s);
    const QCommandLineOption noTray(u"no-tray"_s, u"Do not show a tray icon"_s);
    const QCommandLineOption noSounds(u"no-sounds"_s, u"Play no sounds"_s);
    cli.addOptions({server, login, passwordFile, noRemember, noTray, noSounds});
    cli.process(app);

    era::desk::DeskApp::Options options;
    options.server = cli.value(server);
    options.login = cli.value(login);
    options.password = qEnvironmentVariable("ERA_DESK_PASSWORD");
    if (cli.isSet(passwordFile)) {
        QFile f;
        const QString path = cli.value(passwordFile);
        const bool opened = path == u"-"_s ? f.open(stdin, QIODevice::ReadOnly)
                                           : (f.setFileName(path), f.open(QIODevice::ReadOnly));
        if (!opened) {
            QTextStream(stderr) << "era-desk: cannot read " << path << ": " << f.errorString() << "\n";
            return 2;
        }
        options.password = QString::fromUtf8(f.readLine()).trimmed();
    }
    options.remember = !cli.isSet(noRemember);
    options.tray = !cli.isSet(noTray);
    options.sounds = !cli.isSet(noSounds);

    era::desk::DeskApp desk(options);
    if (!desk.load())
        return 1;
    return app.exec();
}
