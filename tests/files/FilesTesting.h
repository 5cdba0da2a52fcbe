#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QTest>
#include <functional>
#include <optional>

// Bytes of a generated PNG (a gradient, so it is not trivially small).
QByteArray pngBytes(QSize size, bool alpha = false);
// The first bytes of a PDF.
QByteArray pdfBytes();
// Bytes no MIME rule matches (random, with a non-magic first byte).
QByteArray randomBytes(qsizetype size);
QString sha256Hex(const QByteArray &bytes);
// Every regular file under `dir`, relative to it.
QStringList filesUnder(const QString &dir);

// Calls `start` with a callback and waits (event loop running) for its result.
template <typename T>
era::Result<T> waitFor(const std::function<void(std::function<void(era::Result<T>)>)> &start,
                       int timeoutMs = 20000)
{
    std::optional<era::Result<T>> out;
    start([&out](era::Result<T> r) { out.emplace(std::move(r)); });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, timeoutMs))
        return era::Error{QStringLiteral("timeout"), QStringLiteral("no answer in time")};
    return std::move(*out);
}
