#pragma once

#include <QList>
#include <QRandomGenerator>
#include <algorithm>

namespace era::desk {

// How long to wait before reconnect attempt n (0-based): a table that grows to a ceiling, each step spread
// by +-20% so that a hundred desks cut off together do not come back in the same millisecond.
struct Backoff {
    QList<int> stepsMs{500, 1000, 2000, 5000, 10000, 20000, 30000};
    double jitter = 0.2;

    int delayMs(int attempt, QRandomGenerator *random = QRandomGenerator::global()) const
    {
        if (stepsMs.isEmpty())
            return 0;
        const int base = stepsMs.at(std::clamp(attempt, 0, int(stepsMs.size()) - 1));
        if (jitter <= 0)
            return base;
        const double factor = 1.0 + jitter * (2.0 * random->generateDouble() - 1.0);
        return std::max(0, int(base * factor));
    }
};

} // namespace era::desk
