#include "dialogs/Access.h"

namespace era::dialogs::access {

using namespace Qt::StringLiterals;

bool isStaff(const accounts::Principal &p)
{
    return p.user.role != accounts::Role::Operator;
}

Status allowed(const accounts::Principal &actor, const DialogRecord &d, Access access, bool offeredToActor)
{
    if (access == Access::Read) {
        if (isStaff(actor) || d.operatorId == actor.user.id || offeredToActor)
            return ok();
        return Error{u"forbidden"_s, u"dialog %1 is not assigned or offered to you"_s.arg(d.id)};
    }
    if (d.state == u"closed"_s)
        return Error{u"dialog_closed"_s, u"dialog %1 is finished"_s.arg(d.id)};
    if (d.state == u"active"_s && d.operatorId == actor.user.id)
        return ok();
    return Error{u"forbidden"_s, u"dialog %1 is not assigned to you"_s.arg(d.id)};
}

Status fileReadable(storage::Connection &c, const accounts::Principal &actor, const QString &fileId,
                    const QList<qint64> &offeredToActor)
{
    auto known = c.exec(u"SELECT 1 FROM files WHERE id = $1"_s, {fileId});
    if (!known)
        return known.error();
    if (known->isEmpty())
        return Error{u"not_found"_s, u"no file with id %1"_s.arg(fileId)};
    if (isStaff(actor))
        return ok();
    auto uploaded =
        c.exec(u"SELECT 1 FROM file_uploads WHERE file_id = $1 AND user_id = $2"_s, {fileId, actor.user.id});
    if (!uploaded)
        return uploaded.error();
    if (!uploaded->isEmpty())
        return ok();
    // Only the dialogs that could pass the rule are read (a sticker may be in thousands of dialogs); the rule
    // itself still decides.
    QVariantList params{fileId, actor.user.id};
    QStringList candidates{u"d.operator_id = $2"_s};
    for (qint64 dialog : offeredToActor) {
        params.append(dialog);
        candidates.append(u"d.id = $%1"_s.arg(params.size()));
    }
    auto shown = c.exec(u"SELECT "_s + records::prefixed(records::dialogColumns, u"d"_s) +
                            u" FROM message_files f JOIN messages m ON m.id = f.message_id JOIN dialogs d ON "
                            "d.id = m.dialog_id WHERE f.file_id = $1 AND ("_s +
                            candidates.join(u" OR "_s) + u") LIMIT 20"_s,
                        params);
    if (!shown)
        return shown.error();
    for (const QVariantList &row : shown->rows) {
        const DialogRecord d = records::dialogFrom(row);
        if (allowed(actor, d, Access::Read, offeredToActor.contains(d.id)))
            return ok();
    }
    return Error{
        u"forbidden"_s,
        u"file %1 is not in a dialog assigned or offered to you, and you did not upload it"_s.arg(fileId)};
}

} // namespace era::dialogs::access
