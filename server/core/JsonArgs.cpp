#include "core/JsonArgs.h"

#include <QJsonDocument>
#include <cmath>

namespace era {

using namespace Qt::StringLiterals;

static QString typeName(ArgSpec::Type t)
{
    switch (t) {
    case ArgSpec::String:
        return u"a string"_s;
    case ArgSpec::Integer:
        return u"a whole number"_s;
    case ArgSpec::Bool:
        return u"true or false"_s;
    case ArgSpec::Object:
        return u"an object"_s;
    case ArgSpec::Array:
        return u"an array"_s;
    case ArgSpec::Any:
        return u"any JSON value"_s;
    }
    return {};
}

static bool fits(const QJsonValue &v, ArgSpec::Type t)
{
    switch (t) {
    case ArgSpec::String:
        return v.isString();
    case ArgSpec::Integer:
        return v.isDouble() && std::trunc(v.toDouble()) == v.toDouble() && std::abs(v.toDouble()) < 9.0e15;
    case ArgSpec::Bool:
        return v.isBool();
    case ArgSpec::Object:
        return v.isObject();
    case ArgSpec::Array:
        return v.isArray();
    case ArgSpec::Any:
        return !v.isUndefined();
    }
    return false;
}

Status checkArgs(const QJsonObject &args, std::initializer_list<ArgSpec> spec)
{
    for (const ArgSpec &s : spec) {
        const QJsonValue v = args.value(s.name);
        if (v.isUndefined()) {
            if (s.required)
                return Error{u"bad_args"_s, u"%1: required, must be %2"_s.arg(s.name, typeName(s.type))};
            continue;
        }
        if (!fits(v, s.type))
            return Error{u"bad_args"_s, u"%1: must be %2"_s.arg(s.name, typeName(s.type))};
    }
    for (auto it = args.begin(); it != args.end(); ++it) {
        bool known = false;
        for (const ArgSpec &s : spec)
            known = known || s.name == it.key();
        if (!known)
            return Error{u"bad_args"_s, u"%1: unknown field"_s.arg(it.key())};
    }
    return ok();
}

Result<QJsonObject> parseJsonObject(const QByteArray &body)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError)
        return Error{u"bad_json"_s,
                     u"malformed JSON at offset %1: %2"_s.arg(err.offset).arg(err.errorString())};
    if (!doc.isObject())
        return Error{u"bad_json"_s, u"expected a JSON object"_s};
    return doc.object();
}

} // namespace era
