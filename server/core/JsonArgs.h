#pragma once

#include "core/Result.h"

#include <QJsonObject>
#include <QJsonValue>
#include <initializer_list>

namespace era {

// What a command or request body field must be.
struct ArgSpec {
    enum Type { String, Integer, Bool, Object, Array, Any };
    QString name;
    Type type = String;
    bool required = true;
};

// Checks `args` against `spec`: every required field present, each present field of its type (Integer means a
// whole number; Any accepts null), no field that the spec does not name. The first problem is returned as
// Error{"bad_args", "<field>: <what is wrong>"}.
Status checkArgs(const QJsonObject &args, std::initializer_list<ArgSpec> spec);

// Parses a request body that must be one JSON object; Error{"bad_json", ...} otherwise.
Result<QJsonObject> parseJsonObject(const QByteArray &body);

} // namespace era
