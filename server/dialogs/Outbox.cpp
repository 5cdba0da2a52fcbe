#include "dialogs/Outbox.h"

#include "core/Time.h"
#include "dialogs/Records.h"
#include "storage/Database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <era/content/ContentJson.h>

Q_LOGGING_CATEGORY(lcOutbox, "era.outbox")

namespace era::dialogs {

using namespace Qt::StringLiterals;
using channels::SendRequest;
using channels::SendResult;
using storage::Connection;
using storage::WriteTx;

// One due row, with everything its connector needs except the file (resolved on the owner's thread).
struct Outbox::Due {
    qint64 id = 0;
    qint64 messageId = 0;
    qint64 dialogId = 0;
    qint64 channelId = 0;
    int attempts = 0;
    SendRequest request;
    QString fileId;  // an image or document body's file-store id
    QString problem; // set: this row can never be sent, for this reason
};

// What one try's outcome does to its row.
struct Outbox::Verdict {
    enum class Kind { Sent, Retry, Fail };
    Kind kind = Kind::Sent;
    QString externalId;       // Sent
    qint64 nextAttemptAt = 0; // Retry
    int attemptsAdded = 0;    // 0 when the try does not count against maxAttempts
    QString error;            // Retry: last_error; Fail: the reason
};

namespace {

struct Batch {
    QList<Outbox::Due> rows;
    qint64 nextDueAt = 0; // the earliest later next_attempt_at of a pending row, 0 if none
};

// The file-store id of an image or document body; other kinds go without a file.
QString fileIdOf(const content::Content &c)
{
    if (const auto *image = std::get_if<content::Image>(&c.body))
        return image->file.fileId;
    if (const auto *document = std::get_if<content::Document>(&c.body))
        return document->file.fileId;
    return {};
}

Result<QString> externalIdOf(Connection &c, qint64 messageId)
{
    auto r = c.exec(u"SELECT external_id FROM messages WHERE id = $1"_s, {messageId});
    if (!r)
        return r.error();
    return r->isEmpty() ? QString() : r->at(0, 0).toString();
}

// The heads of the dialogs' queues that are due: a row waits while an earlier pending row of its dialog is
// not done, so a retrying message is never overtaken.
const QString dueRows =
    u"SELECT o.id, o.message_id, o.action, o.payload, o.attempts, m.dialog_id, m.channel_id, m.content, "
    "m.external_id, d.external_chat_id, q.external_id "
    "FROM outbox o JOIN messages m ON m.id = o.message_id JOIN dialogs d ON d.id = m.dialog_id "
    "LEFT JOIN messages q ON q.id = m.reply_to "
    "WHERE o.state = 'pending' AND o.next_attempt_at <= $1 AND NOT EXISTS ("
    "SELECT 1 FROM outbox e JOIN messages em ON em.id = e.message_id "
    "WHERE e.state = 'pending' AND e.id < o.id AND em.dialog_id = m.dialog_id) "
    "ORDER BY o.id LIMIT $2"_s;

Result<Outbox::Due> dueFrom(Connection &c, const QVariantList &r)
{
    Outbox::Due due;
    due.id = r.at(0).toLongLong();
    due.messageId = r.at(1).toLongLong();
    const QString action = r.at(2).toString();
    const QJsonObject payload = QJsonDocument::fromJson(r.at(3).toString().toUtf8()).object();
    due.attempts = r.at(4).toInt();
    due.dialogId = r.at(5).toLongLong();
    due.channelId = r.at(6).toLongLong();
    SendRequest &q = due.request;
    q.externalChatId = r.at(9).toString();
    if (action == u"send"_s) {
        q.action = SendRequest::Action::Send;
        auto content = content::fromJson<content::Content>(
            QJsonDocument::fromJson(r.at(7).toString().toUtf8()).object());
        if (!content) {
            due.problem = u"the message's content is unreadable: %1"_s.arg(content.error().toString());
            return due;
        }
        q.content = *content;
        q.replyToExternalId = r.at(10).toString();
        due.fileId = fileIdOf(q.content);
    } else if (action == u"react"_s) {
        q.action = SendRequest::Action::React;
        for (const QJsonValue &emoji : payload.value(u"emojis"_s).toArray())
            q.emojis.append(emoji.toString());
        const qint64 target = payload.value(u"target_message_id"_s).toInteger(due.messageId);
        if (target == due.messageId) {
            q.targetExternalId = r.at(8).toString();
        } else {
            auto id = externalIdOf(c, target);
            if (!id)
                return id.error();
            q.targetExternalId = *id;
        }
        if (q.targetExternalId.isEmpty())
            due.problem = u"message %1 has no provider id to react to (it was never delivered)"_s.arg(target);
    } else {
        due.problem = u"unknown outbox action '%1'"_s.arg(action);
    }
    return due;
}

Result<Batch> readDue(Connection &c, qint64 now, int limit)
{
    auto r = c.exec(dueRows, {now, limit});
    if (!r)
        return r.error();
    Batch batch;
    for (const QVariantList &row : r->rows) {
        auto due = dueFrom(c, row);
        if (!due)
            return due.error();
        batch.rows.append(*due);
    }
    auto next = c.exec(
        u"SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending' AND next_attempt_at > $1"_s, {now});
    if (!next)
        return next.error();
    batch.nextDueAt = next->isEmpty() ? 0 : next->at(0, 0).toLongLong();
    return batch;
}

Status appendEvent(WriteTx &tx, const QString &name, qint64 dialogId, const QJsonObject &data)
{
    auto dialog = records::dialog(tx.connection(), dialogId);
    if (!dialog)
        return dialog.error();
    const QStringList audience =
        dialog->has_value() ? records::audienceOf(**dialog) : QStringList{u"role:supervisor"_s};
    auto e = tx.appendEvent(name, audience, data);
    return e ? ok() : Status(e.error());
}

// Records one try; false when the row was no longer pending (another try already settled it). Pure database
// work: the job may run twice when another job of its batch fails.
Result<bool> recordTry(WriteTx &tx, const Outbox::Due &row, const Outbox::Verdict &v)
{
    using Kind = Outbox::Verdict::Kind;
    const bool isSend = row.request.action == SendRequest::Action::Send;
    const QString state = v.kind == Kind::Sent   ? u"done"_s
                          : v.kind == Kind::Fail ? u"failed"_s
                                                 : u"pending"_s;
    auto updated = v.kind == Kind::Retry
                       ? tx.exec(u"UPDATE outbox SET attempts = attempts + $2, next_attempt_at = $3, "
                                 "last_error = $4 WHERE id = $1 AND state = 'pending'"_s,
                                 {row.id, v.attemptsAdded, v.nextAttemptAt, v.error})
                       : tx.exec(u"UPDATE outbox SET state = $2, attempts = attempts + $3, last_error = $4 "
                                 "WHERE id = $1 AND state = 'pending'"_s,
                                 {row.id, state, v.attemptsAdded, v.error});
    if (!updated)
        return updated.error();
    if (updated->affected == 0)
        return false;
    if (v.kind == Kind::Retry)
        return true;

    const QJsonObject ids{{u"dialog_id"_s, row.dialogId}, {u"message_id"_s, row.messageId}};
    if (v.kind == Kind::Fail) {
        QJsonObject data = ids;
        data.insert(u"reason"_s, v.error);
        if (!isSend) {
            Status s = appendEvent(tx, u"reaction.failed"_s, row.dialogId, data);
            return s ? Result<bool>(true) : Result<bool>(s.error());
        }
        auto m = tx.exec(u"UPDATE messages SET status = 'failed', failure = $2 WHERE id = $1"_s,
                         {row.messageId, v.error});
        if (!m)
            return m.error();
        data.insert(u"status"_s, u"failed"_s);
        Status s = appendEvent(tx, u"message.status"_s, row.dialogId, data);
        return s ? Result<bool>(true) : Result<bool>(s.error());
    }

    if (!isSend)
        return true; // a delivered reaction is already in the message's content: nothing to announce
    QString externalId = v.externalId;
    if (!externalId.isEmpty()) {
        // The provider's id is unique per channel; a clash must not keep the row failing (and resending).
        auto clash =
            tx.exec(u"SELECT id FROM messages WHERE channel_id = $1 AND external_id = $2 AND id <> $3"_s,
                    {row.channelId, externalId, row.messageId});
        if (!clash)
            return clash.error();
        if (!clash->isEmpty()) {
            qCWarning(lcOutbox) << "message" << row.messageId << "was sent as provider message" << externalId
                                << "which message" << clash->at(0, 0).toLongLong() << "already has";
            externalId.clear();
        }
    }
    auto m = tx.exec(u"UPDATE messages SET status = 'sent', failure = '', external_id = $2 WHERE id = $1"_s,
                     {row.messageId, externalId.isEmpty() ? QVariant() : QVariant(externalId)});
    if (!m)
        return m.error();
    QJsonObject data = ids;
    data.insert(u"status"_s, u"sent"_s);
    data.insert(u"external_id"_s, externalId);
    Status s = appendEvent(tx, u"message.status"_s, row.dialogId, data);
    return s ? Result<bool>(true) : Result<bool>(s.error());
}

} // namespace

Outbox::Outbox(storage::Database &db, ConnectorLookup connectors, Options options, QObject *parent)
    : QObject(parent), m_db(db), m_connectors(std::move(connectors)), m_options(std::move(options))
{
    m_options.batch = std::max(1, m_options.batch);
    m_options.maxAttempts = std::max(1, m_options.maxAttempts);
    m_options.pollIntervalMs = std::max(1, m_options.pollIntervalMs);
    m_options.initialBackoffMs = std::max<qint64>(1, m_options.initialBackoffMs);
    m_options.maxBackoffMs = std::max(m_options.initialBackoffMs, m_options.maxBackoffMs);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &Outbox::poll);
}

Outbox::Outbox(storage::Database &db, ConnectorLookup connectors, QObject *parent)
    : Outbox(db, std::move(connectors), Options{}, parent)
{}

Outbox::~Outbox() = default;

void Outbox::start()
{
    m_running = true;
    schedule(0);
}

void Outbox::wake()
{
    schedule(0);
}

void Outbox::stop()
{
    m_running = false;
    m_timer.stop();
}

void Outbox::schedule(qint64 delayMs)
{
    if (!m_running)
        return;
    const int delay = int(std::clamp<qint64>(delayMs, 0, m_options.pollIntervalMs));
    if (m_timer.isActive() && m_timer.remainingTime() <= delay)
        return;
    m_timer.start(delay);
}

void Outbox::poll()
{
    if (!m_running)
        return;
    if (m_reading) {
        m_pollAgain = true;
        return;
    }
    const qsizetype room = m_options.batch - m_inFlight.size();
    if (room <= 0) {
        schedule(m_options.pollIntervalMs); // a recorded result polls sooner
        return;
    }
    m_reading = true;
    const qint64 now = nowMs();
    // The rows in flight are still pending and due, so they come back too and are skipped: read them on top.
    const int limit = m_options.batch;
    m_db.read<Batch>(
        this, [now, limit](Connection &c) { return readDue(c, now, limit); },
        [this, room](Result<Batch> r) {
            m_reading = false;
            const QSet<qint64> stale = std::exchange(m_settledDuringRead, {});
            qint64 delay = m_options.pollIntervalMs;
            if (!r) {
                qCWarning(lcOutbox) << "cannot read the outbox:" << r.error().message;
            } else {
                qsizetype started = 0;
                for (const Due &row : std::as_const(r->rows)) {
                    if (!m_running || started >= room)
                        break;
                    if (m_inFlight.contains(row.id) || stale.contains(row.id))
                        continue;
                    ++started;
                    dispatch(row);
                }
                if (r->nextDueAt > 0)
                    delay = std::min(delay, r->nextDueAt - nowMs());
            }
            if (std::exchange(m_pollAgain, false))
                delay = 0;
            schedule(delay);
        });
}

void Outbox::dispatch(const Due &row)
{
    m_inFlight.insert(row.id);
    if (!row.problem.isEmpty()) {
        settle(row, SendResult{SendResult::Outcome::Permanent, {}, 0, row.problem});
        return;
    }
    channels::Connector *connector = m_connectors ? m_connectors(row.channelId) : nullptr;
    if (!connector) {
        // Not a try: the row keeps its attempts and waits for the channel to run again.
        record(row,
               Verdict{Verdict::Kind::Retry,
                       {},
                       nowMs() + m_options.connectorWaitMs,
                       0,
                       u"the channel's connector is not running"_s},
               3);
        return;
    }
    SendRequest request = row.request;
    if (!row.fileId.isEmpty() && m_options.fileResolver) {
        request.file = m_options.fileResolver(row.fileId);
        if (!request.file) {
            settle(row, SendResult{SendResult::Outcome::Permanent,
                                   {},
                                   0,
                                   u"file %1 is not in the file store"_s.arg(row.fileId)});
            return;
        }
    }
    connector->send(request, this, [this, row](SendResult result) { settle(row, result); });
}

Outbox::Verdict Outbox::verdictFor(const Due &row, const SendResult &result) const
{
    switch (result.outcome) {
    case SendResult::Outcome::Sent:
        return {Verdict::Kind::Sent, result.externalId, 0, 1, {}};
    case SendResult::Outcome::RateLimited: {
        const int seconds = std::max(1, result.retryAfterSec);
        QString error = u"rate limited: retry after %1 s"_s.arg(seconds);
        if (!result.reason.isEmpty())
            error += u" ("_s + result.reason + u")"_s;
        return {Verdict::Kind::Retry, {}, nowMs() + qint64(seconds) * 1000, 0, error};
    }
    case SendResult::Outcome::RetryLater: {
        const QString error = result.reason.isEmpty() ? u"temporary failure"_s : result.reason;
        const int tries = row.attempts + 1;
        if (tries >= m_options.maxAttempts)
            return {Verdict::Kind::Fail, {}, 0, 1, u"gave up after %1 attempts: %2"_s.arg(tries).arg(error)};
        // Exponential, capped, and jittered so that rows failing together do not come back together.
        qint64 backoff = m_options.initialBackoffMs;
        for (int i = 1; i < tries && backoff < m_options.maxBackoffMs; ++i)
            backoff *= 2;
        backoff = std::min(backoff, m_options.maxBackoffMs);
        const qint64 delay = backoff / 2 + QRandomGenerator::global()->bounded(backoff / 2 + 1);
        return {Verdict::Kind::Retry, {}, nowMs() + delay, 1, error};
    }
    case SendResult::Outcome::Permanent:
        break;
    }
    return {Verdict::Kind::Fail, {}, 0, 1, result.reason.isEmpty() ? u"permanent failure"_s : result.reason};
}

void Outbox::settle(const Due &row, const SendResult &result)
{
    record(row, verdictFor(row, result), 3);
}

void Outbox::record(const Due &row, const Verdict &verdict, int triesLeft)
{
    m_db.write<bool>(
        this, [row, verdict](WriteTx &tx) { return recordTry(tx, row, verdict); },
        [this, row, verdict, triesLeft](Result<bool> r) {
            if (!r && triesLeft > 0 && m_db.isOpen() && r.error().code != u"shutting_down"_s) {
                qCWarning(lcOutbox) << "cannot record outbox row" << row.id
                                    << "(will try again):" << r.error().message;
                QTimer::singleShot(m_options.pollIntervalMs, this,
                                   [this, row, verdict, triesLeft] { record(row, verdict, triesLeft - 1); });
                return;
            }
            m_inFlight.remove(row.id);
            if (m_reading)
                m_settledDuringRead.insert(row.id);
            if (!r) {
                // The row stays pending and is sent again: at least once.
                qCWarning(lcOutbox) << "cannot record outbox row" << row.id << ":" << r.error().message;
            } else if (*r) {
                switch (verdict.kind) {
                case Verdict::Kind::Sent:
                    Q_EMIT sent(row.id, row.messageId, verdict.externalId);
                    break;
                case Verdict::Kind::Retry:
                    Q_EMIT retryScheduled(row.id, verdict.nextAttemptAt, verdict.error);
                    break;
                case Verdict::Kind::Fail:
                    Q_EMIT failed(row.id, row.messageId, verdict.error);
                    break;
                }
            }
            schedule(0); // the dialog's next row may be due now
        });
}

} // namespace era::dialogs
