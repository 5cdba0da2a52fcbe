#include "dialogs/FileAccess.h"

#include "dialogs/Access.h"
#include "queues/QueueService.h"
#include "storage/Database.h"

namespace era::dialogs {

FileAccess::FileAccess(storage::Database &db, queues::QueueService &queues) : m_db(db), m_queues(queues) {}

void FileAccess::mayRead(const accounts::Principal &actor, const QString &fileId, QObject *context,
                         std::function<void(Result<Done>)> done)
{
    if (access::isStaff(actor))
        return done(Done{}); // whether the file exists is the store's answer
    // Offers live in memory: taken now, on this thread, and handed to the reader.
    const QList<qint64> offered = m_queues.offersOf(actor.user.id);
    m_db.read<Done>(
        context,
        [actor, fileId, offered](storage::Connection &c) {
            return access::fileReadable(c, actor, fileId, offered);
        },
        std::move(done));
}

} // namespace era::dialogs
