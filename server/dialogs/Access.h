#pragma once

#include "accounts/User.h"
#include "core/Result.h"
#include "dialogs/Records.h"

#include <QList>
#include <QString>

namespace era::dialogs {

enum class Access { Read, Write };

// The one rule of who may do what with a dialog, and with the files its messages show. DialogService and
// FileAccess both ask here, so a file is readable exactly where its dialog is.
namespace access {

// Supervisors and admins: they read every dialog and every file.
bool isStaff(const accounts::Principal &p);

// Read: staff, the dialog's operator (while it is active and after it is finished) or the operator it is
// offered to now. Write: only the operator of an active dialog.
Status allowed(const accounts::Principal &actor, const DialogRecord &d, Access access, bool offeredToActor);

// Whether `actor` may read the stored file `fileId`: staff; the user who uploaded it; whoever may read a
// dialog (as above) with a message that shows it, as its attachment or that attachment's thumbnail.
// `offeredToActor` are the dialogs offered to the actor now. not_found when the store has no such file.
Status fileReadable(storage::Connection &c, const accounts::Principal &actor, const QString &fileId,
                    const QList<qint64> &offeredToActor);

} // namespace access

} // namespace era::dialogs
