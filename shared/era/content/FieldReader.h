#pragma once

// Internal to the content codecs (ContentJson.cpp); not part of the public API.

#include "era/content/ContentJson.h"

#include <QJsonArray>
#include <QJsonObject>
#include <cmath>
#include <limits>
#include <optional>

namespace era::content::detail {

using namespace Qt::StringLiterals;

// JavaScript clients read numbers as doubles: integers beyond 2^53 would not survive the trip.
constexpr qint64 MaxSafeInteger = (qint64(1) << 53) - 1;

// Reads typed fields of one JSON object. The first problem is kept and later reads do nothing, so a decoder
// reads everything and checks once. A null counts as absent.
class FieldReader {
public:
    FieldReader(const QJsonObject &object, QString prefix) : m_object(object), m_prefix(std::move(prefix)) {}

    bool failed() const { return m_error.has_value(); }
    const DecodeError &error() const { return *m_error; }

    QString path(const QString &key) const
    {
        return m_prefix.isEmpty() ? key : QString(m_prefix + u'.' + key);
    }

    void fail(const QString &key, const QString &message)
    {
        if (!m_error)
            m_error = DecodeError{path(key), message};
    }

    bool has(const QString &key) const
    {
        const QJsonValue v = m_object.value(key);
        return !v.isUndefined() && !v.isNull();
    }

    QString string(const QString &key, bool required = false)
    {
        const QJsonValue v = value(key, required);
        if (v.isUndefined())
            return {};
        if (!v.isString()) {
            fail(key, u"must be a string"_s);
            return {};
        }
        return v.toString();
    }

    QString nonEmptyString(const QString &key)
    {
        QString s = string(key, true);
        if (!failed() && s.isEmpty())
            fail(key, u"must not be empty"_s);
        return s;
    }

    bool boolean(const QString &key)
    {
        const QJsonValue v = value(key, false);
        if (v.isUndefined())
            return false;
        if (!v.isBool()) {
            fail(key, u"must be a boolean"_s);
            return false;
        }
        return v.toBool();
    }

    std::optional<double> number(const QString &key, double min, double max, bool required = false)
    {
        const QJsonValue v = value(key, required);
        if (v.isUndefined())
            return std::nullopt;
        if (!v.isDouble()) {
            fail(key, u"must be a number"_s);
            return std::nullopt;
        }
        const double d = v.toDouble();
        if (!(d >= min && d <= max)) {
            fail(key, rangeMessage(min, max));
            return std::nullopt;
        }
        return d;
    }

    std::optional<qint64> integer(const QString &key, qint64 min, qint64 max, bool required = false)
    {
        const QJsonValue v = value(key, required);
        if (v.isUndefined())
            return std::nullopt;
        const double d = v.toDouble();
        if (!v.isDouble() || std::trunc(d) != d) {
            fail(key, u"must be an integer"_s);
            return std::nullopt;
        }
        if (d < double(min) || d > double(max)) {
            fail(key, rangeMessage(double(min), double(max)));
            return std::nullopt;
        }
        return qint64(d);
    }

    std::optional<int> size(const QString &key) // widths, heights, durations
    {
        const std::optional<qint64> n = integer(key, 0, std::numeric_limits<int>::max());
        return n ? std::optional<int>(int(*n)) : std::nullopt;
    }

    std::optional<QDateTime> time(const QString &key, bool required = false)
    {
        const QJsonValue v = value(key, required);
        if (v.isUndefined())
            return std::nullopt;
        const QDateTime t = v.isString() ? timeFromJson(v.toString()) : QDateTime();
        if (!t.isValid()) {
            fail(key, u"must be an ISO 8601 time such as 2025-01-10T08:15:02.331Z"_s);
            return std::nullopt;
        }
        return t;
    }

    std::optional<QJsonObject> object(const QString &key, bool required = false)
    {
        const QJsonValue v = value(key, required);
        if (v.isUndefined())
            return std::nullopt;
        if (!v.isObject()) {
            fail(key, u"must be an object"_s);
            return std::nullopt;
        }
        return v.toObject();
    }

    std::optional<QJsonArray> array(const QString &key)
    {
        const QJsonValue v = value(key, false);
        if (v.isUndefined())
            return std::nullopt;
        if (!v.isArray()) {
            fail(key, u"must be an array"_s);
            return std::nullopt;
        }
        return v.toArray();
    }

    // Decodes a nested object with its own reader and keeps its error, with the full path.
    template <typename T, typename Decode>
    std::optional<T> nested(const QString &key, Decode decode, bool required = false)
    {
        const std::optional<QJsonObject> o = object(key, required);
        if (!o)
            return std::nullopt;
        Expected<T> decoded = decode(*o, path(key));
        if (!decoded) {
            if (!m_error)
                m_error = decoded.error();
            return std::nullopt;
        }
        return std::move(decoded).value();
    }

private:
    // Undefined when absent (or already failed); fails when required and absent.
    QJsonValue value(const QString &key, bool required)
    {
        if (failed())
            return QJsonValue(QJsonValue::Undefined);
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull()) {
            if (required)
                fail(key, u"is required"_s);
            return QJsonValue(QJsonValue::Undefined);
        }
        return v;
    }

    static QString rangeMessage(double min, double max)
    {
        if (min == 0 && max >= double(MaxSafeInteger))
            return u"must not be negative"_s;
        return u"must be between %1 and %2"_s.arg(min).arg(max);
    }

    const QJsonObject &m_object;
    QString m_prefix;
    std::optional<DecodeError> m_error;
};

} // namespace era::content::detail
