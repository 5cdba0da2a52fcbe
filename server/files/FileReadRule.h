#pragma once

#include "core/Result.h"

#include <QString>
#include <functional>

class QObject;

namespace era::accounts {
struct Principal;
}

namespace era::files {

// Who may read which stored file. The store cannot tell (a file is readable where the messages that show it
// are); the dialogs code answers for the server (dialogs::FileAccess), and FilesApi asks it before every
// download and thumbnail.
class FileReadRule {
public:
    virtual ~FileReadRule() = default;
    // Done, or forbidden; not_found when the store has no such file. Delivered on `context`'s thread.
    virtual void mayRead(const accounts::Principal &actor, const QString &fileId, QObject *context,
                         std::function<void(Result<Done>)> done) = 0;
};

} // namespace era::files
