#pragma once

#include <QLoggingCategory>

// "era.channels.telegram": what the Telegram connector skips, retries and refuses.
Q_DECLARE_LOGGING_CATEGORY(lcTelegram)
