#pragma once

#include "core/Result.h"

#include <QHash>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <limits>

namespace era {

// One setting: its key as written in the config file, its default, and a line for --help and the docs.
struct ConfigKey {
    QString key;          // e.g. "http.port"
    QString defaultValue; // "" means unset
    QString help;
    qint64 min = 0; // numeric keys (those with a numeric default) must lie in [min, max]
    qint64 max = std::numeric_limits<qint32>::max();
};

// The server's settings. Every key can be given, from weakest to strongest, by its default, the config file
// (`key = value` lines, `#` comments), the environment (ERA_HTTP_PORT for http.port) and a command-line flag
// (--http.port=8080 or --http.port 8080). Words that are not flags are kept as the positional arguments.
class Config {
public:
    static const QList<ConfigKey> &keys();
    static QString envName(const QString &key); // "http.port" -> "ERA_HTTP_PORT"

    // Reads the flags, the environment and the config file named by --config / ERA_CONFIG, or
    // <data_dir>/era.conf when that file exists. Unknown keys and malformed lines are errors.
    static Result<Config> load(const QStringList &arguments,
                               const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());

    QString string(const QString &key) const;
    qint64 integer(const QString &key) const; // validated at load for numeric keys
    bool boolean(const QString &key) const;
    void set(const QString &key, const QString &value) { m_values.insert(key, value); }

    const QStringList &positional() const { return m_positional; }
    bool helpRequested() const { return m_help; }
    static QString helpText();

private:
    Status apply(const QString &key, const QString &value, const QString &origin);

    QHash<QString, QString> m_values;
    QStringList m_positional;
    bool m_help = false;
};

} // namespace era
