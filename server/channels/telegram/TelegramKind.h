#pragma once

#include "channels/ConnectorKind.h"

namespace era::channels::telegram {

// The "telegram" channel kind: settings {mode, api_base_url, webhook_url, poll_timeout_sec, max_media_bytes},
// credentials {token, webhook_secret}.
ConnectorKind kind();

} // namespace era::channels::telegram
