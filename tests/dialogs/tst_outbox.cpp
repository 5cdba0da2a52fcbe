// The outbox on both storage backends, against a scripted connector: delivery, retries with backoff, rate
// limits, permanent failures, per-dialog order, restarts, a missing connector and reactions.
#include "dialogs/Outbox.h"
#include "storage/Database.h"
#include "storage/StorageTestBackend.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <era/content/Content.h>
#include <era/content/ContentJson.h>

using namespace Qt::StringLiterals;
using era::channels::SendRequest;
using era::channels::SendResult;
using era::dialogs::Outbox;

namespace {

SendResult retryLater(const QString &reason)
{
    return SendResult{SendResult::Outcome::RetryLater, {}, 0, reason};
}

SendResult rateLimited(int seconds)
{
    return SendResult{SendResult::Outcome::RateLimited, {}, seconds, u"Too Many Requests"_s};
}

SendResult permanent(const QString &reason)
{
    return SendResult{SendResult::Outcome::Permanent, {}, 0, reason};
}

// Records what the outbox asks and answers from a script per chat (Sent with a fresh provider id when the
// script is empty); chats in `silentChats` never answer until released.
class FakeConnector : public era::channels::Connector {
public:
    struct Call {
        SendRequest request;
        qint64 at = 0;
    };
    QList<Call> calls;
    QHash<QString, QList<SendResult>> script;
    QSet<QString> silentChats;
    QList<std::pair<QPointer<QObject>, std::function<void(SendResult)>>> held;
    int nextId = 1000;

    void start(const QString &, Deliver) override {}
    void stop() override {}

    void send(const SendRequest &request, QObject *context, std::function<void(SendResult)> done) override
    {
        calls.append({request, QDateTime::currentMSecsSinceEpoch()});
        if (silentChats.contains(request.externalChatId)) {
            held.append({QPointer<QObject>(context), std::move(done)});
            return;
        }
        QList<SendResult> &steps = script[request.externalChatId];
        SendResult result = steps.isEmpty() ? SendResult{} : steps.takeFirst();
        if (result.outcome == SendResult::Outcome::Sent && result.externalId.isEmpty())
            result.externalId = QString::number(nextId++);
        QTimer::singleShot(0, this, [guard = QPointer<QObject>(context), done = std::move(done), result] {
            if (guard)
                done(result);
        });
    }

    // Answers every held send.
    void release(const SendResult &result)
    {
        for (auto &[guard, done] : std::exchange(held, {}))
            if (guard)
                done(result);
    }

    void fetchMedia(const QString &, qint64, QObject *,
                    std::function<void(era::Result<QByteArray>)> done) override
    {
        done(era::Error{u"unsupported"_s, u"no media here"_s});
    }
    void handleWebhook(const era::channels::WebhookRequest &,
                       std::function<void(era::channels::WebhookReply)> reply) override
    {
        reply({404, {}});
    }

    QStringList textsTo(const QString &chat) const
    {
        QStringList texts;
        for (const Call &c : calls)
            if (c.request.externalChatId == chat && c.request.action == SendRequest::Action::Send)
                texts.append(std::get<era::content::Text>(c.request.content.body).text);
        return texts;
    }
};

QString contentOf(const era::content::Body &body)
{
    era::content::Content c;
    c.body = body;
    return QString::fromUtf8(QJsonDocument(era::content::toJson(c)).toJson(QJsonDocument::Compact));
}

} // namespace

class TestOutbox : public QObject {
    Q_OBJECT
    StorageTestBackend m_backend;
    std::unique_ptr<era::storage::Database> m_db;
    FakeConnector m_connector;
    bool m_connectorRunning = true;
    std::unique_ptr<Outbox> m_outbox;
    era::EventList m_events;
    std::unique_ptr<QObject> m_eventSink; // per test: a closed database's late events never reach the next
    qint64 m_channel = 0;
    int m_subscribers = 0;

    Outbox::Options fastOptions() const
    {
        Outbox::Options o;
        o.initialBackoffMs = 20;
        o.maxBackoffMs = 100;
        o.pollIntervalMs = 50;
        o.connectorWaitMs = 50;
        return o;
    }

    void startOutbox(Outbox::Options options)
    {
        m_outbox = std::make_unique<Outbox>(
            *m_db,
            [this](qint64 channelId) -> era::channels::Connector * {
                return m_connectorRunning && channelId == m_channel ? &m_connector : nullptr;
            },
            std::move(options));
        m_outbox->start();
    }
    void startOutbox() { startOutbox(fastOptions()); }

    qint64 insert(const QString &sql, const QVariantList &params)
    {
        auto r = m_db->writeSync<qint64>([&](era::storage::WriteTx &tx) -> era::Result<qint64> {
            auto rows = tx.exec(sql, params);
            if (!rows)
                return rows.error();
            return rows->at(0, 0).toLongLong();
        });
        if (!r)
            qFatal("fixture insert failed: %s", qPrintable(r.error().message));
        return *r;
    }

    qint64 dialog(const QString &chat)
    {
        const qint64 subscriber =
            insert(u"INSERT INTO subscribers (channel_id, external_id, name, created_at, updated_at) "
                   "VALUES ($1, $2, $3, 0, 0) RETURNING id"_s,
                   {m_channel, chat, u"Customer %1"_s.arg(++m_subscribers)});
        return insert(u"INSERT INTO dialogs (channel_id, subscriber_id, external_chat_id, state, opened_at, "
                      "last_message_at) VALUES ($1, $2, $3, 'active', 0, 0) RETURNING id"_s,
                      {m_channel, subscriber, chat});
    }

    qint64 message(qint64 dialogId, const QString &text, qint64 replyTo = 0)
    {
        return message(dialogId, contentOf(era::content::Text::of(text)), replyTo, {}, u"pending"_s);
    }
    qint64 message(qint64 dialogId, const QString &content, qint64 replyTo, const QString &externalId,
                   const QString &status)
    {
        const bool in = status == u"received"_s;
        return insert(
            u"INSERT INTO messages (dialog_id, channel_id, direction, author, external_id, content, "
            "reply_to, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0) RETURNING id"_s,
            {dialogId, m_channel, in ? u"in"_s : u"out"_s, in ? u"subscriber:1"_s : u"user:1"_s,
             externalId.isEmpty() ? QVariant() : QVariant(externalId), content,
             replyTo > 0 ? QVariant(replyTo) : QVariant(), status});
    }

    qint64 queue(qint64 messageId, const QString &action = u"send"_s, const QJsonObject &payload = {})
    {
        return insert(
            u"INSERT INTO outbox (message_id, action, payload, next_attempt_at, state, created_at) "
            "VALUES ($1, $2, $3, 0, 'pending', 0) RETURNING id"_s,
            {messageId, action, QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact))});
    }

    // A sent message: pending in a fresh dialog, queued.
    std::pair<qint64, qint64> queued(const QString &chat, const QString &text)
    {
        const qint64 m = message(dialog(chat), text);
        return {m, queue(m)};
    }

    QString scalar(const QString &sql, const QVariantList &params = {})
    {
        auto r = m_db->readSync<QString>([&](era::storage::Connection &c) -> era::Result<QString> {
            auto rows = c.exec(sql, params);
            if (!rows)
                return rows.error();
            return rows->isEmpty() ? QString() : rows->at(0, 0).toString();
        });
        return r ? *r : u"<error: %1>"_s.arg(r.error().message);
    }
    QString outboxField(qint64 id, const QString &column)
    {
        return scalar(u"SELECT "_s + column + u" FROM outbox WHERE id = $1"_s, {id});
    }
    QString messageField(qint64 id, const QString &column)
    {
        return scalar(u"SELECT "_s + column + u" FROM messages WHERE id = $1"_s, {id});
    }

    QList<era::Event> eventsNamed(const QString &name) const
    {
        QList<era::Event> out;
        for (const era::Event &e : m_events)
            if (e.name == name)
                out.append(e);
        return out;
    }

private Q_SLOTS:
    void initTestCase_data() { StorageTestBackend::addBackendRows(); }
    void init()
    {
        m_backend.prepare();
        m_db = m_backend.openDatabase();
        QVERIFY(m_db);
        m_events.clear();
        m_eventSink = std::make_unique<QObject>();
        connect(m_db.get(), &era::storage::Database::committed, m_eventSink.get(),
                [this](const era::EventList &events) { m_events += events; });
        m_connector.calls.clear();
        m_connector.script.clear();
        m_connector.silentChats.clear();
        m_connector.held.clear();
        m_connector.nextId = 1000;
        m_connectorRunning = true;
        m_subscribers = 0;
        m_channel = insert(u"INSERT INTO channels (kind, name, settings, created_at, updated_at) "
                           "VALUES ('telegram', 'Support bot', '{}', 0, 0) RETURNING id"_s,
                           {});
    }
    void cleanup()
    {
        m_outbox.reset();
        m_eventSink.reset();
        m_db.reset();
        m_backend.cleanup();
    }

    void deliversPendingRowsAndMarksThemSent()
    {
        const qint64 d = dialog(u"501"_s);
        const qint64 question = message(d, contentOf(era::content::Text::of(u"Where is my order?"_s)), 0,
                                        u"in-7"_s, u"received"_s);
        const qint64 first = message(d, u"Hello!"_s);
        const qint64 second = message(d, u"It ships today."_s, question);
        const qint64 row1 = queue(first);
        const qint64 row2 = queue(second);
        startOutbox();

        QTRY_COMPARE(messageField(second, u"status"_s), u"sent"_s);
        QCOMPARE(m_connector.textsTo(u"501"_s), (QStringList{u"Hello!"_s, u"It ships today."_s}));
        QCOMPARE(m_connector.calls.at(0).request.replyToExternalId, QString());
        QCOMPARE(m_connector.calls.at(1).request.replyToExternalId, u"in-7"_s);
        QCOMPARE(messageField(first, u"status"_s), u"sent"_s);
        QCOMPARE(messageField(first, u"external_id"_s), u"1000"_s);
        QCOMPARE(messageField(second, u"external_id"_s), u"1001"_s);
        QCOMPARE(outboxField(row1, u"state"_s), u"done"_s);
        QCOMPARE(outboxField(row2, u"attempts"_s), u"1"_s);

        QTRY_COMPARE(eventsNamed(u"message.status"_s).size(), 2);
        const era::Event e = eventsNamed(u"message.status"_s).at(0);
        QCOMPARE(e.data.value(u"dialog_id"_s).toInteger(), d);
        QCOMPARE(e.data.value(u"message_id"_s).toInteger(), first);
        QCOMPARE(e.data.value(u"status"_s).toString(), u"sent"_s);
        QCOMPARE(e.data.value(u"external_id"_s).toString(), u"1000"_s);
        QVERIFY(e.audience.contains(u"role:supervisor"_s));
    }

    void aRetryLaterThenSuccessDeliversOnce()
    {
        m_connector.script[u"501"_s] = {retryLater(u"HTTP 502"_s)};
        const auto [m, row] = queued(u"501"_s, u"Hello"_s);
        startOutbox();
        QSignalSpy sent(m_outbox.get(), &Outbox::sent);

        QTRY_COMPARE(sent.size(), 1);
        QCOMPARE(messageField(m, u"status"_s), u"sent"_s);
        QCOMPARE(m_connector.calls.size(), 2);
        QCOMPARE(outboxField(row, u"state"_s), u"done"_s);
        QCOMPARE(outboxField(row, u"attempts"_s), u"2"_s);
        QTRY_COMPARE(eventsNamed(u"message.status"_s).size(), 1);
    }

    void aRateLimitWaitsRetryAfterBeforeTheNextTry()
    {
        m_connector.script[u"501"_s] = {rateLimited(1)};
        const auto [m, row] = queued(u"501"_s, u"Hello"_s);
        startOutbox();

        QTRY_VERIFY(outboxField(row, u"last_error"_s).startsWith(u"rate limited"_s));
        QCOMPARE(outboxField(row, u"state"_s), u"pending"_s);
        QTRY_COMPARE_WITH_TIMEOUT(messageField(m, u"status"_s), u"sent"_s, 5000);
        QCOMPARE(m_connector.calls.size(), 2);
        QVERIFY2(m_connector.calls.at(1).at - m_connector.calls.at(0).at >= 1000,
                 qPrintable(
                     u"retried after %1 ms"_s.arg(m_connector.calls.at(1).at - m_connector.calls.at(0).at)));
        QCOMPARE(outboxField(row, u"attempts"_s), u"1"_s); // the rate limit did not count as an attempt
    }

    void aPermanentFailureMarksTheMessageFailedWithTheReason()
    {
        const QString reason = u"Forbidden: bot was blocked by the user"_s;
        m_connector.script[u"501"_s] = {permanent(reason)};
        const auto [m, row] = queued(u"501"_s, u"Hello"_s);
        startOutbox();

        QTRY_COMPARE(outboxField(row, u"state"_s), u"failed"_s);
        QCOMPARE(outboxField(row, u"last_error"_s), reason);
        QCOMPARE(messageField(m, u"status"_s), u"failed"_s);
        QCOMPARE(messageField(m, u"failure"_s), reason);
        QCOMPARE(m_connector.calls.size(), 1);
        QTRY_COMPARE(eventsNamed(u"message.status"_s).size(), 1);
        const QJsonObject data = eventsNamed(u"message.status"_s).at(0).data;
        QCOMPARE(data.value(u"status"_s).toString(), u"failed"_s);
        QCOMPARE(data.value(u"reason"_s).toString(), reason);
        QCOMPARE(data.value(u"message_id"_s).toInteger(), m);
    }

    void aDialogKeepsItsOrderWhileItsFirstMessageRetries()
    {
        m_connector.script[u"501"_s] = {retryLater(u"timeout"_s), retryLater(u"timeout"_s)};
        const qint64 d = dialog(u"501"_s);
        const qint64 one = message(d, u"one"_s);
        const qint64 two = message(d, u"two"_s);
        queue(one);
        const qint64 row2 = queue(two);
        startOutbox();

        QTRY_COMPARE(messageField(two, u"status"_s), u"sent"_s);
        QCOMPARE(m_connector.textsTo(u"501"_s), (QStringList{u"one"_s, u"one"_s, u"one"_s, u"two"_s}));
        QVERIFY(messageField(one, u"external_id"_s).toInt() < messageField(two, u"external_id"_s).toInt());
        QCOMPARE(outboxField(row2, u"attempts"_s), u"1"_s);
    }

    void twoDialogsProgressIndependently()
    {
        m_connector.silentChats.insert(u"501"_s); // dialog A's first message hangs at the provider
        const auto [a, rowA] = queued(u"501"_s, u"A1"_s);
        const qint64 dB = dialog(u"502"_s);
        const qint64 b1 = message(dB, u"B1"_s);
        const qint64 b2 = message(dB, u"B2"_s);
        queue(b1);
        queue(b2);
        startOutbox();

        QTRY_COMPARE(messageField(b2, u"status"_s), u"sent"_s);
        QCOMPARE(messageField(b1, u"status"_s), u"sent"_s);
        QCOMPARE(m_connector.textsTo(u"502"_s), (QStringList{u"B1"_s, u"B2"_s}));
        QCOMPARE(m_connector.textsTo(u"501"_s), QStringList{u"A1"_s}); // in flight once, not sent again
        // The outbox hears of B2's commit a moment after it is visible in the database.
        QTRY_COMPARE(m_outbox->inFlight(), 1);
        QCOMPARE(outboxField(rowA, u"state"_s), u"pending"_s);
        QCOMPARE(messageField(a, u"status"_s), u"pending"_s);

        m_connector.release(SendResult{SendResult::Outcome::Sent, u"77"_s, 0, {}});
        QTRY_COMPARE(messageField(a, u"external_id"_s), u"77"_s);
        QTRY_COMPARE(m_outbox->inFlight(), 0);
    }

    void aNewOutboxResumesPendingRows()
    {
        m_connector.silentChats.insert(u"501"_s);
        const qint64 d = dialog(u"501"_s);
        const qint64 one = message(d, u"one"_s);
        const qint64 two = message(d, u"two"_s);
        queue(one);
        queue(two);
        startOutbox();
        QTRY_COMPARE(m_connector.calls.size(), 1);
        m_outbox.reset(); // the server stops while "one" is at the provider; its answer is lost

        m_connector.silentChats.clear();
        m_connector.release(SendResult{});
        startOutbox();
        QTRY_COMPARE(messageField(two, u"status"_s), u"sent"_s);
        QCOMPARE(messageField(one, u"status"_s), u"sent"_s);
        QCOMPARE(m_connector.textsTo(u"501"_s), (QStringList{u"one"_s, u"one"_s, u"two"_s})); // at least once
    }

    void aMissingConnectorLeavesTheRowPending()
    {
        m_connectorRunning = false;
        const auto [m, row] = queued(u"501"_s, u"Hello"_s);
        startOutbox();
        QSignalSpy waits(m_outbox.get(), &Outbox::retryScheduled);

        QTRY_VERIFY(waits.size() >= 2);
        QCOMPARE(outboxField(row, u"state"_s), u"pending"_s);
        QCOMPARE(outboxField(row, u"attempts"_s), u"0"_s);
        QVERIFY(outboxField(row, u"last_error"_s).contains(u"not running"_s));
        QCOMPARE(messageField(m, u"status"_s), u"pending"_s);
        QVERIFY(m_connector.calls.isEmpty());

        m_connectorRunning = true;
        QTRY_COMPARE(messageField(m, u"status"_s), u"sent"_s);
    }

    void tooManyPassingFaultsGiveUp()
    {
        m_connector.script[u"501"_s] = {retryLater(u"HTTP 502"_s), retryLater(u"HTTP 502"_s),
                                        retryLater(u"HTTP 502"_s), SendResult{}};
        const auto [m, row] = queued(u"501"_s, u"Hello"_s);
        Outbox::Options o = fastOptions();
        o.maxAttempts = 3;
        startOutbox(o);

        QTRY_COMPARE(outboxField(row, u"state"_s), u"failed"_s);
        const QString reason = u"gave up after 3 attempts: HTTP 502"_s;
        QCOMPARE(outboxField(row, u"last_error"_s), reason);
        QCOMPARE(outboxField(row, u"attempts"_s), u"3"_s);
        QCOMPARE(messageField(m, u"status"_s), u"failed"_s);
        QCOMPARE(messageField(m, u"failure"_s), reason);
        QCOMPARE(m_connector.calls.size(), 3);
        QTRY_COMPARE(eventsNamed(u"message.status"_s).size(), 1);
        QCOMPARE(eventsNamed(u"message.status"_s).at(0).data.value(u"reason"_s).toString(), reason);
    }

    void aReactionGoesToTheTargetsProviderMessage()
    {
        const qint64 d = dialog(u"501"_s);
        const qint64 target =
            message(d, contentOf(era::content::Text::of(u"Thanks!"_s)), 0, u"in-5"_s, u"received"_s);
        const qint64 row =
            queue(target, u"react"_s, {{u"emojis"_s, QJsonArray{u"👍"_s}}, {u"target_message_id"_s, target}});
        startOutbox();

        QTRY_COMPARE(outboxField(row, u"state"_s), u"done"_s);
        QCOMPARE(m_connector.calls.size(), 1);
        const SendRequest &r = m_connector.calls.at(0).request;
        QCOMPARE(r.action, SendRequest::Action::React);
        QCOMPARE(r.externalChatId, u"501"_s);
        QCOMPARE(r.targetExternalId, u"in-5"_s);
        QCOMPARE(r.emojis, QStringList{u"👍"_s});
        QCOMPARE(messageField(target, u"status"_s), u"received"_s);
        QVERIFY(eventsNamed(u"message.status"_s).isEmpty());
    }

    void aRefusedReactionIsAnnounced()
    {
        m_connector.script[u"501"_s] = {permanent(u"Bad Request: REACTION_INVALID"_s)};
        const qint64 d = dialog(u"501"_s);
        const qint64 target =
            message(d, contentOf(era::content::Text::of(u"Thanks!"_s)), 0, u"in-5"_s, u"received"_s);
        const qint64 row = queue(target, u"react"_s,
                                 {{u"emojis"_s, QJsonArray{u"🦄"_s}}, {u"target_message_id"_s, target}});
        startOutbox();

        QTRY_COMPARE(outboxField(row, u"state"_s), u"failed"_s);
        QCOMPARE(messageField(target, u"status"_s), u"received"_s);
        QTRY_COMPARE(eventsNamed(u"reaction.failed"_s).size(), 1);
        const QJsonObject data = eventsNamed(u"reaction.failed"_s).at(0).data;
        QCOMPARE(data.value(u"dialog_id"_s).toInteger(), d);
        QCOMPARE(data.value(u"message_id"_s).toInteger(), target);
        QCOMPARE(data.value(u"reason"_s).toString(), u"Bad Request: REACTION_INVALID"_s);
        QVERIFY(eventsNamed(u"message.status"_s).isEmpty());
    }

    void aReactionToAnUndeliveredMessageFails()
    {
        const qint64 d = dialog(u"501"_s);
        const qint64 target = message(d, contentOf(era::content::Text::of(u"x"_s)), 0, {}, u"failed"_s);
        const qint64 row =
            queue(target, u"react"_s, {{u"emojis"_s, QJsonArray{u"👍"_s}}, {u"target_message_id"_s, target}});
        startOutbox();

        QTRY_COMPARE(outboxField(row, u"state"_s), u"failed"_s);
        QVERIFY(outboxField(row, u"last_error"_s).contains(u"no provider id"_s));
        QVERIFY(m_connector.calls.isEmpty());
    }

    void anImageGoesWithItsFileFromTheStore()
    {
        era::content::Image image;
        image.file.fileId = u"ab12"_s;
        image.file.state = era::content::AttachmentState::Ready;
        image.file.mimeType = u"image/png"_s;
        image.file.sizeBytes = 10;
        image.caption = u"the receipt"_s;
        const qint64 m = message(dialog(u"501"_s), contentOf(image), 0, {}, u"pending"_s);
        queue(m);
        Outbox::Options o = fastOptions();
        o.fileResolver = [](const QString &id) -> std::optional<era::channels::OutboundFile> {
            if (id != u"ab12"_s)
                return std::nullopt;
            return era::channels::OutboundFile{u"/data/files/ab/ab12"_s, u"receipt.png"_s, u"image/png"_s,
                                               10};
        };
        startOutbox(o);

        QTRY_COMPARE(messageField(m, u"status"_s), u"sent"_s);
        const SendRequest &r = m_connector.calls.at(0).request;
        QVERIFY(r.file.has_value());
        QCOMPARE(r.file->path, u"/data/files/ab/ab12"_s);
        QCOMPARE(std::get<era::content::Image>(r.content.body).caption, u"the receipt"_s);
    }

    void afterStopNothingNewIsSentButResultsAreRecorded()
    {
        m_connector.silentChats.insert(u"501"_s);
        const auto [m, row] = queued(u"501"_s, u"Hello"_s);
        startOutbox();
        QTRY_COMPARE(m_connector.calls.size(), 1);

        m_outbox->stop();
        const auto [later, laterRow] = queued(u"502"_s, u"Later"_s);
        m_outbox->wake();
        m_connector.release(SendResult{SendResult::Outcome::Sent, u"9"_s, 0, {}});
        QTRY_COMPARE(messageField(m, u"status"_s), u"sent"_s);
        QVERIFY(!m_outbox->isRunning());
        QCOMPARE(m_connector.calls.size(), 1);
        QCOMPARE(outboxField(laterRow, u"state"_s), u"pending"_s);
    }
};

QTEST_GUILESS_MAIN(TestOutbox)
#include "tst_outbox.moc"
