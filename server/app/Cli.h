#pragma once

#include "core/Config.h"

#include <QTextStream>

namespace era::app {

// `era-server user add|passwd|list|disable|enable ...`: account administration on the machine itself.
// Returns the process exit code.
int runUserCommand(const Config &config, QTextStream &out, QTextStream &err);

} // namespace era::app
