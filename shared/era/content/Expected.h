#pragma once

#include <QString>
#include <utility>
#include <variant>

namespace era::content {

// Why a JSON value could not be decoded: the path of the offending field ("file.size", "reactions[1].actor")
// and what is wrong with it, in English for logs and error replies.
struct DecodeError {
    QString field;
    QString message;

    QString toString() const { return field.isEmpty() ? message : QString(field + u": " + message); }

    friend bool operator==(const DecodeError &, const DecodeError &) = default;
};

// Either a value or an error. Shared code cannot use server/core/Result.h, and std::expected is C++23.
template <typename T, typename E = DecodeError>
class [[nodiscard]] Expected {
public:
    Expected(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
    Expected(E error) : m_state(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<0>(m_state); }
    T &value() & { return std::get<0>(m_state); }
    T &&value() && { return std::get<0>(std::move(m_state)); }
    const T &operator*() const & { return value(); }
    T &operator*() & { return value(); }
    T &&operator*() && { return std::move(*this).value(); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }

    const E &error() const { return std::get<1>(m_state); }

private:
    std::variant<T, E> m_state;
};

} // namespace era::content
