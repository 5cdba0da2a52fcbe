#include "core/Config.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

namespace era {

using namespace Qt::StringLiterals;

const QList<ConfigKey> &Config::keys()
{
    static const QList<ConfigKey> all = {
        {u"config"_s, {}, u"Config file to read (default: <data_dir>/era.conf when it exists)."_s},
        {u"data_dir"_s, u"era-data"_s,
         u"Directory for the SQLite database (era.db) and the config file (era.conf)."_s},
        {u"database.url"_s,
         {},
         u"Database: sqlite:/path/file.db or postgresql://user:pass@host:port/db (default: "
         "sqlite:<data_dir>/era.db); give a password through ERA_DATABASE_URL or the config file, not a flag."_s},
        {u"database.readers"_s, u"2"_s, u"Reader connections (threads) beside the single writer."_s, 1, 64},
        {u"http.address"_s, u"127.0.0.1"_s, u"Address to listen on (0.0.0.0 for every interface)."_s},
        {u"http.port"_s, u"8080"_s,
         u"Port for REST, WebSocket, /healthz and /metrics (0 picks a free one)."_s, 0, 65535},
        {u"http.max_body_bytes"_s, u"1048576"_s,
         u"Largest accepted request body but for uploads (files.max_bytes); larger gets 413."_s, 1024,
         2147483647},
        {u"http.max_header_bytes"_s, u"16384"_s, u"Largest accepted request head; larger gets 431."_s, 1024,
         1048576},
        {u"tls.cert"_s, {}, u"PEM certificate (chain) file; with tls.key turns on HTTPS and WSS."_s},
        {u"tls.key"_s, {}, u"PEM private key file for tls.cert."_s},
        {u"ws.max_message_bytes"_s, u"1048576"_s, u"Largest WebSocket message; larger closes with 1009."_s,
         1024, 67108864},
        {u"ws.heartbeat_interval"_s, u"30"_s, u"Seconds between server pings on an idle WebSocket."_s, 1,
         3600},
        {u"ws.idle_timeout"_s, u"90"_s, u"Seconds of silence after which a WebSocket peer is dropped."_s, 2,
         86400},
        {u"ws.hello_timeout"_s, u"15"_s, u"Seconds a new WebSocket has to send hello."_s, 1, 600},
        {u"ws.replay_limit"_s, u"50000"_s,
         u"Most missed events replayed on resume; beyond it the client is told resync_required."_s, 0,
         10000000},
        {u"auth.session_ttl_hours"_s, u"720"_s, u"Lifetime of a login token, in hours."_s, 0, 87600},
        {u"auth.free_failures"_s, u"5"_s, u"Failed logins per account (and 4x per address) before slowing."_s,
         0, 1000},
        {u"auth.max_lockout_seconds"_s, u"900"_s, u"Longest wait imposed after repeated failed logins."_s, 1,
         86400},
        {u"auth.argon2_ops"_s, u"2"_s, u"Argon2id passes (libsodium opslimit)."_s, 1, 10},
        {u"auth.argon2_memory_kib"_s, u"65536"_s, u"Argon2id memory in KiB (libsodium memlimit / 1024)."_s, 8,
         4194304},
        {u"files.dir"_s, {}, u"Directory of the file store (default: <data_dir>/files)."_s},
        {u"files.max_bytes"_s, u"20971520"_s,
         u"Largest file upload or downloaded attachment, in bytes; larger is refused (413 / too_large)."_s,
         1024, 2147483647},
        {u"files.thumbnail_side"_s, u"320"_s, u"Longest side of image thumbnails, in pixels."_s, 32, 4096},
        {u"files.threads"_s, u"2"_s, u"Worker threads of the file store (writes, fsync, thumbnails)."_s, 1,
         64},
        {u"secrets.key_file"_s,
         {},
         u"Key that seals channel credentials (default: <data_dir>/secret.key, created on first start). Back "
         u"it "
         "up apart from the database."_s},
        {u"queues.default_capacity"_s, u"5"_s,
         u"Dialogs an operator serves at once unless set per operator."_s, 1, 100},
        {u"queues.disconnect_grace"_s, u"120"_s,
         u"Seconds a disconnected operator keeps their active dialogs before they go back to the queue."_s, 0,
         86400},
        {u"events.retention_days"_s, u"30"_s, u"Events older than this are pruned (0 keeps them forever)."_s,
         0, 36500},
        {u"log.level"_s, u"info"_s, u"debug, info, warning or error."_s},
        {u"shutdown.grace_seconds"_s, u"10"_s, u"Longest wait for in-flight work on SIGTERM/SIGINT."_s, 1,
         3600},
    };
    return all;
}

static const ConfigKey *find(const QString &key)
{
    for (const ConfigKey &k : Config::keys())
        if (k.key == key)
            return &k;
    return nullptr;
}

static bool isNumeric(const QString &key)
{
    const ConfigKey *k = find(key);
    if (!k || k->defaultValue.isEmpty())
        return false;
    bool ok = false;
    k->defaultValue.toLongLong(&ok);
    return ok;
}

QString Config::envName(const QString &key)
{
    QString name = key.toUpper();
    name.replace(u'.', u'_');
    return u"ERA_"_s + name;
}

Status Config::apply(const QString &key, const QString &value, const QString &origin)
{
    if (!find(key))
        return Error{u"config_unknown_key"_s, u"%1: unknown setting '%2' (see --help)"_s.arg(origin, key)};
    if (isNumeric(key)) {
        bool ok = false;
        const qint64 n = value.toLongLong(&ok);
        const ConfigKey *k = find(key);
        if (!ok || n < k->min || n > k->max)
            return Error{u"config_bad_value"_s,
                         u"%1: '%2' must be a whole number from %3 to %4, got '%5'"_s.arg(
                             origin, key, QString::number(k->min), QString::number(k->max), value)};
    }
    m_values.insert(key, value);
    return ok();
}

Result<Config> Config::load(const QStringList &arguments, const QProcessEnvironment &env)
{
    Config config;
    for (const ConfigKey &k : keys())
        config.m_values.insert(k.key, k.defaultValue);

    // Flags first into a separate table: they win, but --config and --data_dir decide which file to read.
    QList<std::pair<QString, QString>> flags;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &arg = arguments.at(i);
        if (arg == u"--help"_s || arg == u"-h"_s) {
            config.m_help = true;
            continue;
        }
        if (!arg.startsWith(u"--"_s) || arg == u"--"_s) {
            config.m_positional.append(arg);
            continue;
        }
        QString key = arg.mid(2);
        QString value;
        const qsizetype eq = key.indexOf(u'=');
        if (eq >= 0) {
            value = key.mid(eq + 1);
            key.truncate(eq);
        } else {
            key.replace(u'-', u'_');
            if (!find(key)) {
                config.m_positional.append(arg); // a subcommand's own flag, e.g. `user add --role admin`
                continue;
            }
            if (i + 1 >= arguments.size())
                return Error{u"config_bad_value"_s, u"flag --%1 needs a value"_s.arg(key)};
            value = arguments.at(++i);
        }
        key.replace(u'-', u'_');
        if (!find(key)) {
            config.m_positional.append(arg);
            continue;
        }
        flags.append({key, value});
    }

    QList<std::pair<QString, QString>> fromEnv;
    for (const ConfigKey &k : keys()) {
        const QString name = envName(k.key);
        if (env.contains(name))
            fromEnv.append({k.key, env.value(name)});
    }

    auto strongest = [&](const QString &key) {
        QString v = config.m_values.value(key);
        for (const auto &[k, value] : fromEnv)
            if (k == key)
                v = value;
        for (const auto &[k, value] : flags)
            if (k == key)
                v = value;
        return v;
    };

    QString file = strongest(u"config"_s);
    const bool explicitFile = !file.isEmpty();
    if (!explicitFile)
        file = QDir(strongest(u"data_dir"_s)).filePath(u"era.conf"_s);
    if (explicitFile || QFileInfo::exists(file)) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
            return Error{u"config_unreadable"_s,
                         u"cannot read config file %1: %2"_s.arg(file, f.errorString())};
        QTextStream in(&f);
        int lineNo = 0;
        while (!in.atEnd()) {
            ++lineNo;
            const QString line = in.readLine().trimmed();
            if (line.isEmpty() || line.startsWith(u'#'))
                continue;
            const qsizetype eq = line.indexOf(u'=');
            const QString origin = u"%1:%2"_s.arg(file).arg(lineNo);
            if (eq <= 0)
                return Error{u"config_bad_line"_s, u"%1: expected 'key = value'"_s.arg(origin)};
            if (Status s = config.apply(line.left(eq).trimmed(), line.mid(eq + 1).trimmed(), origin); !s)
                return s.error();
        }
    }
    for (const auto &[k, v] : fromEnv)
        if (Status s = config.apply(k, v, u"environment %1"_s.arg(envName(k))); !s)
            return s.error();
    for (const auto &[k, v] : flags)
        if (Status s = config.apply(k, v, u"flag --%1"_s.arg(k)); !s)
            return s.error();

    if (config.string(u"database.url"_s).isEmpty())
        config.m_values.insert(u"database.url"_s,
                               u"sqlite:"_s +
                                   QDir(config.string(u"data_dir"_s)).absoluteFilePath(u"era.db"_s));
    const QString level = config.string(u"log.level"_s);
    if (!QStringList{u"debug"_s, u"info"_s, u"warning"_s, u"error"_s}.contains(level))
        return Error{u"config_bad_value"_s,
                     u"log.level must be debug, info, warning or error, got '%1'"_s.arg(level)};
    if (config.string(u"tls.cert"_s).isEmpty() != config.string(u"tls.key"_s).isEmpty())
        return Error{u"config_bad_value"_s, u"tls.cert and tls.key must be given together"_s};
    return config;
}

QString Config::string(const QString &key) const
{
    Q_ASSERT_X(find(key), "Config::string", "unknown key");
    return m_values.value(key);
}

qint64 Config::integer(const QString &key) const
{
    return string(key).toLongLong();
}

bool Config::boolean(const QString &key) const
{
    const QString v = string(key).toLower();
    return v == u"1"_s || v == u"true"_s || v == u"yes"_s || v == u"on"_s;
}

QString Config::helpText()
{
    QString out;
    QTextStream s(&out);
    s << "Usage: era-server [options]                 run the server\n"
         "       era-server user add LOGIN [--role operator|supervisor|admin] [--name NAME] "
         "[--password-stdin]\n"
         "       era-server user passwd LOGIN [--password-stdin]\n"
         "       era-server user list\n"
         "       era-server user disable LOGIN | enable LOGIN\n"
         "       era-server queue add NAME [--offer-timeout SECONDS] | list | members NAME "
         "LOGIN[:SKILL],...\n"
         "       era-server channel add telegram NAME --token TOKEN [--mode polling|webhook] [--api-base-url "
         "URL]\n"
         "                  [--webhook-url URL --webhook-secret SECRET] [--queue QUEUE_NAME] | list\n"
         "       era-server channel update NAME|ID [--name NAME] [--token TOKEN [--webhook-secret SECRET]]\n"
         "                  [--mode polling|webhook] [--api-base-url URL] [--webhook-url URL] [--queue "
         "QUEUE_NAME]\n"
         "       era-server channel enable NAME|ID | disable NAME|ID | delete NAME|ID\n"
         "(without --password-stdin a password is generated and printed)\n\n"
         "Every setting may be given as --key=value, as the environment variable shown, or as 'key = value'\n"
         "in the config file:\n\n";
    for (const ConfigKey &k : keys()) {
        s << "  --" << k.key;
        s << QString(qMax(1, 26 - int(k.key.size())), u' ') << k.help << '\n';
        s << QString(30, u' ') << envName(k.key);
        if (!k.defaultValue.isEmpty())
            s << ", default " << k.defaultValue;
        s << '\n';
    }
    return out;
}

} // namespace era
