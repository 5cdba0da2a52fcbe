#pragma once

#include "core/Config.h"

#include <QTextStream>

namespace era::app {

// `era-server user add|passwd|list|disable|enable ...`: account administration on the machine itself.
// Returns the process exit code.
int runUserCommand(const Config &config, QTextStream &out, QTextStream &err);

// `era-server channel add|list|update|enable|disable|delete ...`: provider accounts, through the same
// ChannelService rules as the API (credentials sealed, settings checked by the kind, no deleting a channel
// with conversations). A running server picks changes up at its next start.
int runChannelCommand(const Config &config, QTextStream &out, QTextStream &err);

// `era-server queue add|list|members ...`: operator queues. A running server picks changes up at its next
// start; the API changes them live.
int runQueueCommand(const Config &config, QTextStream &out, QTextStream &err);

} // namespace era::app
