#pragma once

#include <QJsonObject>
#include <QString>
#include <optional>
#include <utility>
#include <variant>

namespace era {

// A failure as a value: a stable machine-readable code plus a sentence for people.
struct Error {
    QString code;
    QString message;
    QJsonObject details = {}; // machine-readable extras, e.g. {"retry_after": 30}

    friend bool operator==(const Error &, const Error &) = default;
};

// Either a value or an Error (C++23's std::expected is not available with C++20 on GCC 12).
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::move(value)) {}
    Result(Error error) : m_state(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_state); }
    T &value() & { return std::get<T>(m_state); }
    T &&value() && { return std::get<T>(std::move(m_state)); }
    const T &operator*() const & { return value(); }
    T &operator*() & { return value(); }
    T &&operator*() && { return std::move(*this).value(); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }

    const Error &error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

// Result of an operation that produces nothing but may fail.
struct Done {};
using Status = Result<Done>;

inline Status ok()
{
    return Done{};
}

} // namespace era
