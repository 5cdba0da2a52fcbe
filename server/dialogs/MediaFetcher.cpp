#include "dialogs/MediaFetcher.h"

#include "dialogs/Records.h"
#include "files/FileStore.h"
#include "storage/Database.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>

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
                           Options options, QObject *parent)
    : QObject(parent), m_db(db), m_files(files), m_connectors(std::move(connectors)), m_options(options)
{}

MediaFetcher::MediaFetcher(storage::Database &db, files::FileStore &files, ConnectorLookup connectors,
                           qint64 maxBytes, QObject *parent)
    : MediaFetcher(db, files, std::move(connectors), Options{maxBytes}, parent)
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
    attempt(messageId);
}

void MediaFetcher::attempt(qint64 messageId)
{
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
            if (!pending || !pending->has_value())
                return release(messageId);
            const Pending p = **pending;
            channels::Connector *connector = m_connectors(p.channelId);
            if (!connector)
                return release(messageId); // resume() tries again when the channel runs
            connector->fetchMedia(
                p.providerRef, m_options.maxBytes, this, [this, messageId, p](Result<QByteArray> bytes) {
                    if (!bytes)
                        return settle(messageId, bytes.error());
                    m_files.put(*bytes, p.fileName, m_options.maxBytes, this,
                                [this, messageId](Result<files::StoredFile> f) {
                                    if (!f)
                                        settle(messageId, f.error());
                                    else
                                        record(messageId, u"ready"_s, f->id, f->mime, f->size, {});
                                });
                });
        });
}

// "too_large" is final, "unavailable" (the connector's word for network errors, timeouts, 5xx and 429) is
// tried again, anything else (a wrong file reference, a file the provider no longer has, the store refusing
// it) fails at once. A store that is shutting down leaves the file pending for the next start.
void MediaFetcher::settle(qint64 messageId, const Error &error)
{
    if (error.code == u"shutting_down"_s)
        return release(messageId);
    if (error.code == u"too_large"_s)
        return record(messageId, u"too_large"_s, {}, {}, 0, error.message);
    if (error.code != u"unavailable"_s)
        return record(messageId, u"failed"_s, {}, {}, 0, error.message);
    const int tries = ++m_attempts[messageId];
    if (tries >= m_options.maxAttempts) {
        qCWarning(lcMedia, "gave up on the attachment of message %lld after %d attempts: %ls", messageId,
                  tries, qUtf16Printable(error.message));
        return record(messageId, u"failed"_s, {}, {}, 0,
                      u"gave up after %1 attempts: %2"_s.arg(tries).arg(error.message));
    }
    const qint64 delay = backoffMs(tries, error.details.value(u"retry_after"_s).toInt());
    qCInfo(lcMedia, "attachment of message %lld: %ls; try %d in %lld ms", messageId,
           qUtf16Printable(error.message), tries + 1, delay);
    Q_EMIT retryScheduled(messageId, tries, delay, error.message);
    QTimer::singleShot(delay, this, [this, messageId] { attempt(messageId); });
}

// Attempt n waits min(initial * 2^(n-1), max) with equal jitter, so files that failed together do not all
// come back together; never sooner than the provider's retry_after.
qint64 MediaFetcher::backoffMs(int attempt, int retryAfterSec) const
{
    qint64 backoff = qMax<qint64>(m_options.initialBackoffMs, 1);
    for (int i = 1; i < attempt && backoff < m_options.maxBackoffMs; ++i)
        backoff *= 2;
    backoff = qMin(backoff, qMax(m_options.maxBackoffMs, qint64(1)));
    const qint64 delay = backoff / 2 + QRandomGenerator::global()->bounded(backoff / 2 + 1);
    return qMax(delay, qint64(retryAfterSec) * 1000);
}

void MediaFetcher::release(qint64 messageId)
{
    m_inFlight.remove(messageId);
    m_attempts.remove(messageId);
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
            if (Status s = records::linkFiles(tx.connection(), messageId, message.content); !s)
                return s.error();
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
            self->release(messageId);
            if (!r)
                qCWarning(lcMedia, "could not record the attachment of message %lld: %ls", messageId,
                          qUtf16Printable(r.error().message));
            Q_EMIT self->finished(messageId, state);
        });
}

} // namespace era::dialogs
