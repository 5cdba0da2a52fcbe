#include "app/Cli.h"

#include "accounts/AccountService.h"
#include "accounts/Credentials.h"
#include "channels/ChannelService.h"
#include "channels/telegram/TelegramKind.h"
#include "core/SecretBox.h"
#include "queues/QueueService.h"
#include "storage/Database.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <cstdio>

namespace era::app {

using namespace Qt::StringLiterals;
using accounts::AccountService;

// Reads "--name value" pairs after the subcommand's positional words.
static QHash<QString, QString> options(const QStringList &words, QStringList &rest, QString &problem)
{
    QHash<QString, QString> out;
    for (qsizetype i = 0; i < words.size(); ++i) {
        const QString &w = words.at(i);
        if (w == u"--password-stdin"_s) {
            out.insert(u"password-stdin"_s, u"1"_s);
        } else if (w.startsWith(u"--"_s)) {
            const qsizetype eq = w.indexOf(u'=');
            if (eq > 0) {
                out.insert(w.mid(2, eq - 2), w.mid(eq + 1));
            } else if (i + 1 < words.size()) {
                out.insert(w.mid(2), words.at(++i));
            } else {
                problem = u"%1 needs a value"_s.arg(w);
            }
        } else {
            rest.append(w);
        }
    }
    return out;
}

static QString readPasswordFromStdin()
{
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(in.readLine()).trimmed();
}

// The database of the configuration, for one command.
static std::unique_ptr<storage::Database> openDatabase(const Config &config, QTextStream &err)
{
    storage::DatabaseOptions options;
    options.url = config.string(u"database.url"_s);
    options.readers = 1;
    options.foreignEventPollMs = 0; // the command line publishes no events; a running server does
    auto db = storage::Database::open(options);
    if (!db) {
        err << "era-server: " << db.error().message << Qt::endl;
        return nullptr;
    }
    return std::move(db).value();
}

int runUserCommand(const Config &config, QTextStream &out, QTextStream &err)
{
    const QStringList &pos = config.positional();
    const QString verb = pos.value(1);
    QStringList rest;
    QString problem;
    const auto opts = options(pos.mid(2), rest, problem);
    if (!problem.isEmpty()) {
        err << "era-server: " << problem << Qt::endl;
        return 2;
    }
    for (auto it = opts.cbegin(); it != opts.cend(); ++it) {
        if (!QStringList{u"role"_s, u"name"_s, u"password-stdin"_s}.contains(it.key())) {
            err << "era-server: unknown option --" << it.key() << " (see --help)" << Qt::endl;
            return 2;
        }
    }
    const bool needsLogin = verb != u"list"_s;
    if (!QStringList{u"add"_s, u"passwd"_s, u"list"_s, u"disable"_s, u"enable"_s}.contains(verb) ||
        (needsLogin && rest.size() != 1) || (!needsLogin && !rest.isEmpty())) {
        err << "usage: era-server user add LOGIN [--role operator|supervisor|admin] [--name NAME] "
               "[--password-stdin]\n"
               "       era-server user passwd LOGIN [--password-stdin]\n"
               "       era-server user list\n"
               "       era-server user disable LOGIN | enable LOGIN"
            << Qt::endl;
        return 2;
    }

    auto db = openDatabase(config, err);
    if (!db)
        return 1;
    AccountService::Options accountOptions;
    accountOptions.hashCost = {quint64(config.integer(u"auth.argon2_ops"_s)),
                               quint64(config.integer(u"auth.argon2_memory_kib"_s))};
    AccountService accounts(*db, accountOptions);

    auto fail = [&](const Error &e) {
        err << "era-server: " << e.message << Qt::endl;
        return 1;
    };
    // A password from stdin when asked for, else a generated one that is printed.
    auto choosePassword = [&](bool &generated) {
        generated = !opts.contains(u"password-stdin"_s);
        return generated ? accounts::credentials::generatePassword() : readPasswordFromStdin();
    };

    if (verb == u"list"_s) {
        auto users = accounts.listUsersNow();
        if (!users)
            return fail(users.error());
        out << QStringLiteral("%1  %2  %3  %4  %5\n")
                   .arg(u"ID"_s, -5)
                   .arg(u"LOGIN"_s, -24)
                   .arg(u"ROLE"_s, -10)
                   .arg(u"STATE"_s, -8)
                   .arg(u"NAME"_s);
        for (const accounts::User &u : *users)
            out << QStringLiteral("%1  %2  %3  %4  %5\n")
                       .arg(u.id, -5)
                       .arg(u.login, -24)
                       .arg(accounts::roleName(u.role), -10)
                       .arg(u.disabled ? u"disabled"_s : u"active"_s, -8)
                       .arg(u.displayName);
        out.flush();
        return 0;
    }
    const QString login = rest.first();
    if (verb == u"add"_s) {
        AccountService::NewUser spec;
        spec.login = login;
        spec.displayName = opts.value(u"name"_s);
        const auto role = accounts::roleFromName(opts.value(u"role"_s, u"operator"_s));
        if (!role)
            return fail({u"bad_args"_s, u"--role must be operator, supervisor or admin"_s});
        spec.role = *role;
        bool generated = false;
        spec.password = choosePassword(generated);
        auto user = accounts.createUserNow(spec);
        if (!user)
            return fail(user.error());
        out << "created " << accounts::roleName(user->role) << " '" << user->login << "' (id " << user->id
            << ")";
        if (generated)
            out << " with password: " << spec.password;
        out << Qt::endl;
        return 0;
    }
    AccountService::UserPatch patch;
    bool generated = false;
    if (verb == u"passwd"_s)
        patch.password = choosePassword(generated);
    else
        patch.disabled = verb == u"disable"_s;
    auto user = accounts.updateUserNow(login, patch);
    if (!user)
        return fail(user.error());
    if (verb == u"passwd"_s) {
        out << "password of '" << user->login << "' changed; its tokens no longer work";
        if (generated)
            out << "; new password: " << *patch.password;
    } else {
        // The tokens are revoked in the database at once; a running server drops open connections when they
        // next authenticate, since the command line does not reach the running process.
        out << "'" << user->login << "' is now "
            << (user->disabled ? "disabled; its tokens no longer work" : "enabled");
    }
    out << Qt::endl;
    return 0;
}

static const char *const channelUsage =
    "usage: era-server channel add telegram NAME --token TOKEN [--mode polling|webhook] [--api-base-url "
    "URL]\n"
    "                  [--webhook-url URL --webhook-secret SECRET] [--queue QUEUE_NAME]\n"
    "       era-server channel list\n"
    "       era-server channel update NAME|ID [--name NAME] [--token TOKEN [--webhook-secret SECRET]]\n"
    "                  [--mode polling|webhook] [--api-base-url URL] [--webhook-url URL] [--queue "
    "QUEUE_NAME]\n"
    "       era-server channel enable NAME|ID | disable NAME|ID | delete NAME|ID";

// The channel a command names by id (digits) or else by its exact name; an Error says why there is none.
static Result<channels::Channel> findChannel(const QList<channels::Channel> &list, const QString &word)
{
    bool numeric = false;
    const qint64 id = word.toLongLong(&numeric);
    QList<channels::Channel> named;
    for (const channels::Channel &c : list) {
        if (numeric && c.id == id)
            return c;
        if (c.name == word)
            named.append(c);
    }
    if (named.size() == 1)
        return named.first();
    if (named.isEmpty())
        return Error{u"not_found"_s,
                     u"no channel named or numbered '%1' (see: era-server channel list)"_s.arg(word)};
    QStringList ids;
    for (const channels::Channel &c : named)
        ids.append(QString::number(c.id));
    return Error{
        u"bad_args"_s,
        u"%1 channels are named '%2' (ids %3): give the id"_s.arg(named.size()).arg(word, ids.join(u", "_s))};
}

static Result<qint64> queueNamed(storage::Database &db, const QString &name)
{
    auto queues = queues::QueueService::listNow(db);
    if (!queues)
        return queues.error();
    for (const queues::Queue &q : *queues)
        if (q.name == name)
            return q.id;
    return Error{u"not_found"_s, u"no queue named '%1' (era-server queue add NAME)"_s.arg(name)};
}

// Runs one asynchronous ChannelService call to its end, as the command line has no event loop running: the
// same service and the same rules as the REST API.
template <typename T>
static Result<T> await(const std::function<void(QObject *context, channels::Reply<T> done)> &call)
{
    std::optional<Result<T>> result;
    QEventLoop loop;
    QObject context;
    call(&context, [&](Result<T> r) {
        result.emplace(std::move(r));
        loop.quit();
    });
    if (!result)
        loop.exec();
    return std::move(*result);
}

int runChannelCommand(const Config &config, QTextStream &out, QTextStream &err)
{
    const QStringList &pos = config.positional();
    const QString verb = pos.value(1);
    QStringList rest;
    QString problem;
    const auto opts = options(pos.mid(2), rest, problem);
    static const QStringList addOptions{u"token"_s,       u"mode"_s,           u"api-base-url"_s,
                                        u"webhook-url"_s, u"webhook-secret"_s, u"queue"_s};
    const QStringList known = verb == u"add"_s      ? addOptions
                              : verb == u"update"_s ? addOptions + QStringList{u"name"_s}
                                                    : QStringList();
    bool unknown = false;
    for (auto it = opts.cbegin(); it != opts.cend(); ++it)
        unknown = unknown || !known.contains(it.key());
    const bool oneChannel = QStringList{u"update"_s, u"enable"_s, u"disable"_s, u"delete"_s}.contains(verb);
    if (!problem.isEmpty() || unknown ||
        !((verb == u"add"_s && rest.size() == 2) || (verb == u"list"_s && rest.isEmpty()) ||
          (oneChannel && rest.size() == 1))) {
        if (!problem.isEmpty())
            err << "era-server: " << problem << '\n';
        err << channelUsage << Qt::endl;
        return 2;
    }
    if (verb == u"update"_s && opts.isEmpty()) {
        err << "era-server: channel update: nothing to change\n" << channelUsage << Qt::endl;
        return 2;
    }
    if (verb == u"update"_s && opts.contains(u"webhook-secret"_s) && !opts.contains(u"token"_s)) {
        // Credentials are write-only: the command line cannot read the stored token to keep it.
        err << "era-server: --webhook-secret replaces the channel's credentials: give --token with it"
            << Qt::endl;
        return 2;
    }
    auto db = openDatabase(config, err);
    if (!db)
        return 1;
    const QString keyFile = config.string(u"secrets.key_file"_s).isEmpty()
                                ? QDir(config.string(u"data_dir"_s)).filePath(u"secret.key"_s)
                                : config.string(u"secrets.key_file"_s);
    auto secrets = SecretBox::open(keyFile);
    if (!secrets) {
        err << "era-server: " << secrets.error().message << Qt::endl;
        return 1;
    }
    channels::ConnectorKinds kinds;
    kinds.add(channels::telegram::kind());
    channels::ChannelService service(*db, *secrets, kinds);
    auto fail = [&](const Error &e) {
        err << "era-server: " << e.message << Qt::endl;
        return 1;
    };
    // Flags that name settings, under their names in the channel settings.
    static const std::pair<QString, QString> settingFlags[] = {
        {u"mode"_s, u"mode"_s}, {u"api-base-url"_s, u"api_base_url"_s}, {u"webhook-url"_s, u"webhook_url"_s}};
    auto credentialsFromFlags = [&] {
        QJsonObject credentials{{u"token"_s, opts.value(u"token"_s)}};
        if (opts.contains(u"webhook-secret"_s))
            credentials.insert(u"webhook_secret"_s, opts.value(u"webhook-secret"_s));
        return credentials;
    };
    if (verb == u"list"_s) {
        auto list = service.listNow();
        if (!list)
            return fail(list.error());
        for (const channels::Channel &c : *list)
            out << c.id << "  " << c.kind << "  " << c.name << "  " << (c.enabled ? "enabled" : "disabled")
                << "  " << (c.state.isEmpty() ? u"-"_s : c.state) << '\n';
        out.flush();
        return 0;
    }
    if (verb == u"add"_s) {
        channels::ChannelService::NewChannel spec;
        spec.kind = rest.at(0);
        spec.name = rest.at(1);
        spec.credentials = credentialsFromFlags();
        for (const auto &[flag, key] : settingFlags)
            if (opts.contains(flag))
                spec.settings.insert(key, opts.value(flag));
        if (opts.contains(u"queue"_s)) {
            auto queue = queueNamed(*db, opts.value(u"queue"_s));
            if (!queue)
                return fail(queue.error());
            spec.defaultQueueId = *queue;
        }
        auto channel = service.createNow(spec);
        if (!channel)
            return fail(channel.error());
        out << "created " << channel->kind << " channel '" << channel->name << "' (id " << channel->id
            << "); a running server starts it at its next start, or at once when added through the API"
            << Qt::endl;
        return 0;
    }

    auto list = service.listNow();
    if (!list)
        return fail(list.error());
    auto found = findChannel(*list, rest.at(0));
    if (!found)
        return fail(found.error());
    const channels::Channel before = *found;
    accounts::Principal commandLine; // whoever may run era-server on this machine administers it
    commandLine.user.login = u"command line"_s;
    commandLine.user.role = accounts::Role::Admin;
    const char *const nextStart = "; a running server applies it at its next start";

    if (verb == u"delete"_s) {
        auto removed = await<Done>([&](QObject *context, channels::Reply<Done> done) {
            service.remove(commandLine, before.id, context, std::move(done));
        });
        if (!removed)
            return fail(removed.error());
        out << "deleted " << before.kind << " channel '" << before.name << "' (id " << before.id << ")"
            << nextStart << Qt::endl;
        return 0;
    }
    channels::ChannelService::ChannelPatch patch;
    if (verb == u"enable"_s || verb == u"disable"_s)
        patch.enabled = verb == u"enable"_s;
    if (opts.contains(u"name"_s))
        patch.name = opts.value(u"name"_s);
    // Only the settings named change: the patch carries the others as they are.
    QJsonObject settings = before.settings;
    bool settingsChanged = false;
    for (const auto &[flag, key] : settingFlags) {
        if (opts.contains(flag)) {
            settings.insert(key, opts.value(flag));
            settingsChanged = true;
        }
    }
    if (settingsChanged)
        patch.settings = settings;
    if (opts.contains(u"token"_s))
        patch.credentials = credentialsFromFlags();
    if (opts.contains(u"queue"_s)) {
        auto queue = queueNamed(*db, opts.value(u"queue"_s));
        if (!queue)
            return fail(queue.error());
        patch.defaultQueueId = *queue;
    }
    auto channel = await<channels::Channel>([&](QObject *context, channels::Reply<channels::Channel> done) {
        service.update(commandLine, before.id, patch, context, std::move(done));
    });
    if (!channel)
        return fail(channel.error());
    if (verb == u"update"_s)
        out << "updated " << channel->kind << " channel '" << channel->name << "' (id " << channel->id << ")";
    else
        out << channel->kind << " channel '" << channel->name << "' (id " << channel->id << ") is now "
            << (channel->enabled ? "enabled" : "disabled");
    out << nextStart << Qt::endl;
    return 0;
}

int runQueueCommand(const Config &config, QTextStream &out, QTextStream &err)
{
    const QStringList &pos = config.positional();
    const QString verb = pos.value(1);
    QStringList rest;
    QString problem;
    const auto opts = options(pos.mid(2), rest, problem);
    const bool shapeOk = (verb == u"add"_s && rest.size() == 1) || (verb == u"list"_s && rest.isEmpty()) ||
                         (verb == u"members"_s && rest.size() == 2);
    bool unknown = false;
    for (auto it = opts.cbegin(); it != opts.cend(); ++it)
        unknown = unknown || it.key() != u"offer-timeout"_s;
    if (!problem.isEmpty() || unknown || !shapeOk) {
        err << "usage: era-server queue add NAME [--offer-timeout SECONDS]\n"
               "       era-server queue list\n"
               "       era-server queue members NAME LOGIN[:SKILL],LOGIN[:SKILL],..."
            << Qt::endl;
        return 2;
    }
    auto db = openDatabase(config, err);
    if (!db)
        return 1;
    auto fail = [&](const Error &e) {
        err << "era-server: " << e.message << Qt::endl;
        return 1;
    };
    if (verb == u"list"_s) {
        auto list = queues::QueueService::listNow(*db);
        if (!list)
            return fail(list.error());
        for (const queues::Queue &q : *list)
            out << q.id << "  " << q.name << "  offer " << q.offerTimeoutSec << " s  " << q.members.size()
                << " members\n";
        out.flush();
        return 0;
    }
    if (verb == u"add"_s) {
        auto q =
            queues::QueueService::createNow(*db, rest.at(0), opts.value(u"offer-timeout"_s, u"30"_s).toInt());
        if (!q)
            return fail(q.error());
        out << "created queue '" << q->name << "' (id " << q->id << ")" << Qt::endl;
        return 0;
    }
    QList<std::pair<QString, int>> members;
    for (const QString &item : rest.at(1).split(u',', Qt::SkipEmptyParts)) {
        const QStringList parts = item.split(u':');
        members.append({parts.at(0), parts.size() > 1 ? parts.at(1).toInt() : 1});
    }
    auto q = queues::QueueService::setMembersNow(*db, rest.at(0), members);
    if (!q)
        return fail(q.error());
    out << "queue '" << q->name << "' now has " << q->members.size() << " members" << Qt::endl;
    return 0;
}

} // namespace era::app
