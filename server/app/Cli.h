#pragma once

#include "core/Config.h"

#include <QTextStream>

namespace era::app {

// `era-server user add|passwd|list|disable|enable ...`: account administration on the machine itself.
// Returns the process exit code.
int runUserCommand(const Config &config, QTextStream &out, QTextStream &err);

// `era-server channel add|list ...`: connect a provider account (credentials sealed like through the API).
int runChannelCommand(const Config &config, QTextStream &out, QTextStream &err);

// `era-server queue add|list|members ...`: operator queues. A running server picks changes up at its next
// start; the API changes them live.
int runQueueCommand(const Config &config, QTextStream &out, QTextStream &err);

} // namespace era::app
