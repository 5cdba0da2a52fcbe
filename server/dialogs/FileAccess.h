#pragma once

#include "accounts/User.h"
#include "files/FileReadRule.h"

namespace era::storage {
class Database;
}
namespace era::queues {
class QueueService;
}

namespace era::dialogs {

// Answers whether a user may read a stored file (a download or its thumbnail), by the rule of
// access::fileReadable: staff, its uploader, or whoever may read a dialog with a message that shows it.
class FileAccess : public files::FileReadRule {
public:
    FileAccess(storage::Database &db, queues::QueueService &queues);

    void mayRead(const accounts::Principal &actor, const QString &fileId, QObject *context,
                 std::function<void(Result<Done>)> done) override;

private:
    storage::Database &m_db;
    queues::QueueService &m_queues;
};

} // namespace era::dialogs
