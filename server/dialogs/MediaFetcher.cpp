#include "dialogs/MediaFetcher.h"

#include "dialogs/Records.h"
#include "files/FileStore.h"
#include "storage/Database.h"

#include <QLoggingCategory>
#include <QPointer>

Q_LOGGING_CATEGORY(lcMedia, "era.media")

namespace era::dialogs {

using namespace Qt::StringLiterals;
using storage::Connection;
using storage::WriteTx;

namespace {

// The attachment of a message body, when it has one.
content::Attachment *attachmentOf(content::Content &c)
{
    return std::visit(
        [](auto &body) -> content::Attachment * {
            if constexpr (requires { body.file; })
                return &body.file;
            else
                return nullptr;
        },
        c.body);
}

struct Pending {
    qint64 channelId = 0;
    QString providerRef;
    QString fileName;
};

} // namespace

MediaFetcher::MediaFetcher(storage::Database &db, files::FileStore &files, ConnectorLookup connectors,
                           qint64 maxBytes, QObject *parent)
    : QObject(parent), m_db(db), m_files(files), m_connectors(std::move(connectors)), m_maxBytes(maxBytes)
{}

void MediaFetcher::resume()
{
    m_db.read<QList<qint64>>(
        this,
        [](Connection &c) -> Result<QList<qint64>> {
            auto r = c.exec(u"SELECT id FROM messages WHERE direction = 'in' AND content LIKE "
                            "'%\"state\":\"pending\"%' ORDER BY id"_s);
            if (!r)
                return r.error();
            QList<qint64> ids;
            for (const QVariantList &row : r->rows)
                ids.append(row.at(0).toLongLong());
            return ids;
        },
        [this](Result<QList<qint64>> ids) {
            if (ids)
                for (qint64 id : *ids)
                    fetch(id);
        });
}

void MediaFetcher::fetch(qint64 messageId)
{
    if (m_inFlight.contains(messageId))
        return;
    m_inFlight.insert(messageId);
    m_db.read<std::optional<Pending>>(
        this,
        [messageId](Connection &c) -> Result<std::optional<Pending>> {
            auto m = records::message(c, messageId);
            if (!m)
                return m.error();
            if (!m->has_value())
                return std::optional<Pending>();
            content::Content content = (*m)->content;
            const content::Attachment *a = attachmentOf(content);
            if (!a || a->state != content::AttachmentState::Pending || a->providerFileRef.isEmpty())
                return std::optional<Pending>();
            auto ch = c.exec(u"SELECT channel_id FROM messages WHERE id = $1"_s, {messageId});
            if (!ch)
                return ch.error();
            return std::optional<Pending>(
                Pending{ch->at(0, 0).toLongLong(), a->providerFileRef, a->fileName});
        },
        [this, messageId](Result<std::optional<Pending>> pending) {
            if (!pending || !pending->has_value()) {
                m_inFlight.remove(messageId);
                return;
            }
            const Pending p = **pending;
            channels::Connector *connector = m_connectors(p.channelId);
            if (!connector) {
                m_inFlight.remove(messageId); // resume() tries again when the channel runs
                return;
            }
            connector->fetchMedia(
                p.providerRef, m_maxBytes, this, [this, messageId, p](Result<QByteArray> bytes) {
                    if (!bytes) {
                        const bool tooLarge = bytes.error().code == u"too_large"_s;
                        record(messageId, tooLarge ? u"too_large"_s : u"failed"_s, {}, {}, 0,
                               bytes.error().message);
                        return;
                    }
                    m_files.put(
                        *bytes, p.fileName, m_maxBytes, this, [this, messageId](Result<files::StoredFile> f) {
                            if (!f)
                                record(messageId,
                                       f.error().code == u"too_large"_s ? u"too_large"_s : u"failed"_s, {},
                                       {}, 0, f.error().message);
                            else
                                record(messageId, u"ready"_s, f->id, f->mime, f->size, {});
                        });
                });
        });
}

void MediaFetcher::record(qint64 messageId, const QString &state, const QString &fileId, const QString &mime,
                          qint64 size, const QString &reason)
{
    QPointer<MediaFetcher> self(this);
    m_db.write<Done>(
        this,
        [=](WriteTx &tx) -> Result<Done> {
            auto m = records::message(tx.connection(), messageId);
            if (!m)
                return m.error();
            if (!m->has_value())
                return Done{};
            MessageRecord message = **m;
            content::Attachment *a = attachmentOf(message.content);
            if (!a)
                return Done{};
            a->state = *content::attachmentStateFromName(state);
            a->stateReason = reason;
            if (!fileId.isEmpty()) {
                a->fileId = fileId;
                a->mimeType = mime;
                a->sizeBytes = size;
            }
            if (auto u = tx.exec(u"UPDATE messages SET content = $2 WHERE id = $1"_s,
                                 {messageId, records::contentText(message.content)});
                !u)
                return u.error();
            auto d = records::dialog(tx.connection(), message.dialogId);
            if (!d)
                return d.error();
            auto e = tx.appendEvent(u"message.updated"_s, records::audienceOf(**d),
                                    {{u"dialog_id"_s, message.dialogId}, {u"message"_s, message.toJson()}});
            if (!e)
                return e.error();
            return Done{};
        },
        [self, messageId, state](Result<Done> r) {
            if (!self)
                return;
            self->m_inFlight.remove(messageId);
            if (!r)
                qCWarning(lcMedia, "could not record the attachment of message %lld: %ls", messageId,
                          qUtf16Printable(r.error().message));
            Q_EMIT self->finished(messageId, state);
        });
}

} // namespace era::dialogs
