#include "app/Cli.h"

#include "accounts/AccountService.h"
#include "accounts/Credentials.h"
#include "channels/ChannelService.h"
#include "channels/telegram/TelegramKind.h"
#include "core/SecretBox.h"
#include "queues/QueueService.h"
#include "storage/Database.h"

#include <QDir>
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

    storage::DatabaseOptions dbOptions;
    dbOptions.url = config.string(u"database.url"_s);
    dbOptions.readers = 1;
    auto db = storage::Database::open(dbOptions);
    if (!db) {
        err << "era-server: " << db.error().message << Qt::endl;
        return 1;
    }
    AccountService::Options accountOptions;
    accountOptions.hashCost = {quint64(config.integer(u"auth.argon2_ops"_s)),
                               quint64(config.integer(u"auth.argon2_memory_kib"_s))};
    AccountService accounts(**db, accountOptions);

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

static std::unique_ptr<storage::Database> openDatabase(const Config &config, QTextStream &err)
{
    storage::DatabaseOptions options;
    options.url = config.string(u"database.url"_s);
    options.readers = 1;
    auto db = storage::Database::open(options);
    if (!db) {
        err << "era-server: " << db.error().message << Qt::endl;
        return nullptr;
    }
    return std::move(db).value();
}

int runChannelCommand(const Config &config, QTextStream &out, QTextStream &err)
{
    const QStringList &pos = config.positional();
    const QString verb = pos.value(1);
    QStringList rest;
    QString problem;
    const auto opts = options(pos.mid(2), rest, problem);
    static const QStringList known{u"token"_s,       u"mode"_s,           u"api-base-url"_s,
                                   u"webhook-url"_s, u"webhook-secret"_s, u"queue"_s};
    bool unknown = false;
    for (auto it = opts.cbegin(); it != opts.cend(); ++it)
        unknown = unknown || !known.contains(it.key());
    if (!problem.isEmpty() || unknown ||
        !((verb == u"add"_s && rest.size() == 2) || (verb == u"list"_s && rest.isEmpty()))) {
        err << "usage: era-server channel add telegram NAME --token TOKEN [--mode polling|webhook] "
               "[--api-base-url URL]\n"
               "                  [--webhook-url URL --webhook-secret SECRET] [--queue QUEUE_NAME]\n"
               "       era-server channel list"
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
    if (verb == u"list"_s) {
        auto list = service.listNow();
        if (!list) {
            err << "era-server: " << list.error().message << Qt::endl;
            return 1;
        }
        for (const channels::Channel &c : *list)
            out << c.id << "  " << c.kind << "  " << c.name << "  " << (c.enabled ? "enabled" : "disabled")
                << "  " << (c.state.isEmpty() ? u"-"_s : c.state) << '\n';
        out.flush();
        return 0;
    }
    channels::ChannelService::NewChannel spec;
    spec.kind = rest.at(0);
    spec.name = rest.at(1);
    spec.credentials.insert(u"token"_s, opts.value(u"token"_s));
    if (opts.contains(u"webhook-secret"_s))
        spec.credentials.insert(u"webhook_secret"_s, opts.value(u"webhook-secret"_s));
    for (const auto &[flag, key] :
         {std::pair{u"mode"_s, u"mode"_s}, std::pair{u"api-base-url"_s, u"api_base_url"_s},
          std::pair{u"webhook-url"_s, u"webhook_url"_s}})
        if (opts.contains(flag))
            spec.settings.insert(key, opts.value(flag));
    if (opts.contains(u"queue"_s)) {
        auto queues = queues::QueueService::listNow(*db);
        if (!queues) {
            err << "era-server: " << queues.error().message << Qt::endl;
            return 1;
        }
        for (const queues::Queue &q : *queues)
            if (q.name == opts.value(u"queue"_s))
                spec.defaultQueueId = q.id;
        if (spec.defaultQueueId == 0) {
            err << "era-server: no queue named '" << opts.value(u"queue"_s) << "' (era-server queue add NAME)"
                << Qt::endl;
            return 1;
        }
    }
    auto channel = service.createNow(spec);
    if (!channel) {
        err << "era-server: " << channel.error().message << Qt::endl;
        return 1;
    }
    out << "created " << channel->kind << " channel '" << channel->name << "' (id " << channel->id
        << "); a running server starts it at its next start, or at once when added through the API"
        << Qt::endl;
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
