// Ingest on both storage backends: subscribers and dialogs are created on their own, provider retries are
// stored once, and the connector's cursor commits with the messages it delivered.
#include "StorageTestBackend.h"
#include "dialogs/IngestService.h"
#include "storage/Database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <era/content/Content.h>

using namespace Qt::StringLiterals;
using era::channels::InboundEvent;
using era::dialogs::IngestService;

static InboundEvent text(const QString &messageId, const QString &body, const QString &user = u"501"_s)
{
    InboundEvent e;
    e.externalChatId = user;
    e.from = {user, u"Ivan Petrov"_s, u"ivanp"_s, u"ru"_s, {}};
    e.externalMessageId = messageId;
    e.content.body = era::content::Text::of(body);
    e.at = QDateTime::currentDateTimeUtc();
    return e;
}

class TestIngest : public QObject {
    Q_OBJECT
    StorageTestBackend m_backend;
    std::unique_ptr<era::storage::Database> m_db;
    std::unique_ptr<IngestService> m_ingest;
    era::EventList m_events;
    qint64 m_channel = 0;

    IngestService::Outcome ingest(const QList<InboundEvent> &events, const QString &cursor = {})
    {
        std::optional<era::Result<IngestService::Outcome>> result;
        m_ingest->ingest(m_channel, events, cursor, this,
                         [&](era::Result<IngestService::Outcome> r) { result = r; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 10000))
            qFatal("ingest did not answer");
        if (!*result)
            qWarning("ingest failed: %s", qPrintable(result->error().message));
        return result->ok() ? result->value() : IngestService::Outcome{-1, -1, {}, {}};
    }

    // Deliveries queued while the writer is held by another job are written by one ingest job.
    using Answer = std::optional<era::Result<IngestService::Outcome>>;
    QList<Answer> ingestTogether(const QList<QList<InboundEvent>> &deliveries,
                                 const QStringList &cursors = {}, const QList<qint64> &channels = {})
    {
        QSemaphore held, release; // the holding job runs / may end
        m_db->submitWrite(
            nullptr,
            [&](era::storage::WriteTx &) -> era::Status {
                held.release();
                release.acquire();
                return era::ok();
            },
            [](era::Status) {});
        QList<Answer> answers(deliveries.size());
        for (qsizetype i = 0; i < deliveries.size(); ++i)
            m_ingest->ingest(channels.value(i, m_channel), deliveries.at(i), cursors.value(i), this,
                             [&answers, i](era::Result<IngestService::Outcome> r) { answers[i] = r; });
        if (!held.tryAcquire(1, 10000))
            qFatal("the writer did not take the holding job");
        release.release();
        if (!QTest::qWaitFor(
                [&] {
                    return std::all_of(answers.begin(), answers.end(),
                                       [](const Answer &a) { return a.has_value(); });
                },
                10000))
            qFatal("ingest did not answer");
        return answers;
    }

    qint64 count(const QString &sql, const QVariantList &params = {})
    {
        auto r = m_db->readSync<qint64>([&](era::storage::Connection &c) -> era::Result<qint64> {
            auto rows = c.exec(sql, params);
            if (!rows)
                return rows.error();
            return rows->at(0, 0).toLongLong();
        });
        return r ? *r : -1;
    }

    QStringList column(const QString &sql)
    {
        auto r = m_db->readSync<QStringList>([&](era::storage::Connection &c) -> era::Result<QStringList> {
            auto rows = c.exec(sql);
            if (!rows)
                return rows.error();
            QStringList out;
            for (const QVariantList &row : std::as_const(rows->rows))
                out.append(row.at(0).toString());
            return out;
        });
        return r ? *r : QStringList();
    }

    QString scalar(const QString &sql, const QVariantList &params = {})
    {
        auto r = m_db->readSync<QString>([&](era::storage::Connection &c) -> era::Result<QString> {
            auto rows = c.exec(sql, params);
            if (!rows)
                return rows.error();
            return rows->isEmpty() ? QString() : rows->at(0, 0).toString();
        });
        return r ? *r : QString();
    }

private Q_SLOTS:
    void initTestCase_data() { StorageTestBackend::addBackendRows(); }
    void init()
    {
        m_backend.prepare();
        m_db = m_backend.openDatabase();
        QVERIFY(m_db);
        m_events.clear();
        connect(m_db.get(), &era::storage::Database::committed, this,
                [this](const era::EventList &events) { m_events += events; });
        m_ingest = std::make_unique<IngestService>(*m_db);
        auto id = m_db->writeSync<qint64>([](era::storage::WriteTx &tx) -> era::Result<qint64> {
            auto r = tx.exec(u"INSERT INTO channels (kind, name, settings, created_at, updated_at) "
                             "VALUES ('telegram', 'Support bot', '{}', 0, 0) RETURNING id"_s);
            if (!r)
                return r.error();
            return r->at(0, 0).toLongLong();
        });
        QVERIFY(id);
        m_channel = *id;
    }
    void cleanup()
    {
        m_ingest.reset();
        m_db.reset();
        m_backend.cleanup();
    }

    void firstMessageCreatesSubscriberDialogAndMessage()
    {
        const auto out = ingest({text(u"1"_s, u"Здравствуйте!"_s)});
        QCOMPARE(out.stored, 1);
        QCOMPARE(out.openedDialogs.size(), 1);
        QCOMPARE(count(u"SELECT COUNT(*) FROM subscribers"_s), 1);
        QCOMPARE(scalar(u"SELECT name FROM subscribers"_s), u"Ivan Petrov"_s);
        QCOMPARE(scalar(u"SELECT state FROM dialogs"_s), u"waiting"_s);
        QCOMPARE(count(u"SELECT COUNT(*) FROM messages WHERE direction = 'in' AND status = 'received'"_s), 1);
        QTRY_VERIFY(m_events.size() >= 2);
        QCOMPARE(m_events.at(0).name, u"dialog.opened"_s);
        QCOMPARE(m_events.at(1).name, u"message.created"_s);
        const QJsonObject message = m_events.at(1).data.value(u"message"_s).toObject();
        QCOMPARE(message.value(u"content"_s).toObject().value(u"text"_s).toString(), u"Здравствуйте!"_s);
        QVERIFY(m_events.at(1).audience.contains(u"role:supervisor"_s));
    }

    void aProviderRetryIsStoredOnce()
    {
        ingest({text(u"7"_s, u"hello"_s)});
        const auto again = ingest({text(u"7"_s, u"hello"_s), text(u"7"_s, u"hello"_s)});
        QCOMPARE(again.stored, 0);
        QCOMPARE(again.duplicates, 2);
        QCOMPARE(count(u"SELECT COUNT(*) FROM messages"_s), 1);
    }

    void laterMessagesJoinTheOpenDialogAndAClosedOneStartsAnew()
    {
        ingest({text(u"1"_s, u"one"_s)});
        const auto second = ingest({text(u"2"_s, u"two"_s)});
        QVERIFY(second.openedDialogs.isEmpty());
        QCOMPARE(count(u"SELECT COUNT(*) FROM dialogs"_s), 1);
        QVERIFY(m_db->writeSync<qint64>([](era::storage::WriteTx &tx) -> era::Result<qint64> {
            auto r = tx.exec(u"UPDATE dialogs SET state = 'closed', closed_at = 1"_s);
            if (!r)
                return r.error();
            return r->affected;
        }));
        // A provider's retry of a message of the ended dialog opens nothing.
        const auto retry = ingest({text(u"2"_s, u"two"_s)});
        QCOMPARE(retry.duplicates, 1);
        QVERIFY(retry.openedDialogs.isEmpty());
        QCOMPARE(count(u"SELECT COUNT(*) FROM dialogs"_s), 1);
        const auto third = ingest({text(u"3"_s, u"three"_s)});
        QCOMPARE(third.openedDialogs.size(), 1);
        QCOMPARE(count(u"SELECT COUNT(*) FROM dialogs"_s), 2);
        QCOMPARE(count(u"SELECT COUNT(*) FROM subscribers"_s), 1);
        // In the open dialog, a retry of its first message is dropped too, and a new message moves its time.
        InboundEvent later = text(u"4"_s, u"four"_s);
        later.at = QDateTime::currentDateTimeUtc().addSecs(60);
        const auto fourth = ingest({text(u"3"_s, u"three"_s), later});
        QCOMPARE(fourth.stored, 1);
        QCOMPARE(fourth.duplicates, 1);
        QCOMPARE(count(u"SELECT last_message_at FROM dialogs WHERE state <> 'closed'"_s),
                 later.at.toMSecsSinceEpoch());
        QCOMPARE(count(u"SELECT COUNT(*) FROM messages"_s), 4);
    }

    void aReplyQuotesTheMessageItAnswers()
    {
        ingest({text(u"10"_s, u"What are your opening hours?"_s)});
        InboundEvent reply = text(u"11"_s, u"…and on Sunday?"_s);
        reply.replyToExternalId = u"10"_s;
        ingest({reply});
        const QJsonObject content =
            QJsonDocument::fromJson(
                scalar(u"SELECT content FROM messages WHERE external_id = '11'"_s).toUtf8())
                .object();
        const QJsonObject quote = content.value(u"reply_to"_s).toObject();
        QVERIFY(quote.value(u"message_id"_s).toInteger() > 0);
        QVERIFY(quote.value(u"snippet"_s).toString().startsWith(u"What are your"_s));
        QCOMPARE(count(u"SELECT COUNT(*) FROM messages WHERE reply_to IS NOT NULL"_s), 1);
    }

    void anEditReplacesTheContentAndKeepsTheQuote()
    {
        ingest({text(u"20"_s, u"helo"_s)});
        InboundEvent edit = text(u"20"_s, u"hello"_s);
        edit.type = InboundEvent::Type::Edit;
        const auto out = ingest({edit});
        QCOMPARE(out.stored, 1);
        const QJsonObject content =
            QJsonDocument::fromJson(
                scalar(u"SELECT content FROM messages WHERE external_id = '20'"_s).toUtf8())
                .object();
        QCOMPARE(content.value(u"text"_s).toString(), u"hello"_s);
        QVERIFY(!content.value(u"edited_at"_s).toString().isEmpty());
        QTRY_VERIFY(!m_events.isEmpty() && m_events.last().name == u"message.updated"_s);
    }

    void anEditOfAMessageWeNeverSawIsKeptAsAMessage()
    {
        InboundEvent edit = text(u"99"_s, u"changed earlier text"_s);
        edit.type = InboundEvent::Type::Edit;
        QCOMPARE(ingest({edit}).stored, 1);
        QCOMPARE(count(u"SELECT COUNT(*) FROM messages"_s), 1);
    }

    void reactionsReplaceTheSubscribersOwn()
    {
        ingest({text(u"30"_s, u"thanks"_s)});
        InboundEvent react = text(u"30"_s, {});
        react.type = InboundEvent::Type::Reaction;
        react.reactions = {u"👍"_s, u"🔥"_s};
        ingest({react});
        react.reactions = {u"❤"_s};
        ingest({react});
        const QJsonArray reactions =
            QJsonDocument::fromJson(
                scalar(u"SELECT content FROM messages WHERE external_id = '30'"_s).toUtf8())
                .object()
                .value(u"reactions"_s)
                .toArray();
        QCOMPARE(reactions.size(), 1);
        QCOMPARE(reactions.at(0).toObject().value(u"emoji"_s).toString(), u"❤"_s);
    }

    void theCursorCommitsWithItsMessagesAndABadBatchChangesNothing()
    {
        ingest({text(u"40"_s, u"a"_s)}, u"41"_s);
        QCOMPARE(scalar(u"SELECT cursor FROM channel_cursors WHERE channel_id = $1"_s, {m_channel}), u"41"_s);
        InboundEvent broken = text(u"42"_s, u"b"_s);
        broken.from.externalId.clear();
        const auto out = ingest({text(u"41"_s, u"ok"_s), broken}, u"43"_s);
        QCOMPARE(out.stored, -1); // refused as a whole
        QCOMPARE(scalar(u"SELECT cursor FROM channel_cursors WHERE channel_id = $1"_s, {m_channel}), u"41"_s);
        QCOMPARE(count(u"SELECT COUNT(*) FROM messages"_s), 1);
    }

    void theSubscriberIsRewrittenOnlyWhenTheProviderSaysSomethingNew()
    {
        ingest({text(u"60"_s, u"one"_s)});
        const QString firstUpdate = scalar(u"SELECT updated_at FROM subscribers"_s);
        // A later write would have a later time.
        QTRY_VERIFY(QDateTime::currentMSecsSinceEpoch() > firstUpdate.toLongLong());
        ingest({text(u"61"_s, u"two"_s), text(u"62"_s, u"three"_s)});
        QCOMPARE(scalar(u"SELECT updated_at FROM subscribers"_s), firstUpdate); // the same profile
        InboundEvent renamed = text(u"63"_s, u"four"_s);
        renamed.from.name = u"Ivan P."_s;
        renamed.from.language = u"en"_s;
        QCOMPARE(ingest({renamed}).stored, 1);
        QCOMPARE(scalar(u"SELECT name FROM subscribers"_s), u"Ivan P."_s);
        QCOMPARE(scalar(u"SELECT language FROM subscribers"_s), u"en"_s);
        QVERIFY(scalar(u"SELECT updated_at FROM subscribers"_s).toLongLong() > firstUpdate.toLongLong());
        // The old name again is news too (what the service remembers follows what was committed).
        QCOMPARE(ingest({text(u"64"_s, u"five"_s)}).stored, 1);
        QCOMPARE(scalar(u"SELECT name FROM subscribers"_s), u"Ivan Petrov"_s);
        QCOMPARE(count(u"SELECT COUNT(*) FROM subscribers"_s), 1);
        QCOMPARE(count(u"SELECT COUNT(*) FROM messages"_s), 5);
    }

    void aNewSubscriberOfARefusedDeliveryIsCreatedWithTheNextOne()
    {
        InboundEvent broken = text(u"71"_s, u"b"_s, u"777"_s);
        broken.externalChatId.clear();
        QCOMPARE(ingest({text(u"70"_s, u"hello"_s, u"777"_s), broken}).stored, -1); // rolled back
        QCOMPARE(count(u"SELECT COUNT(*) FROM subscribers"_s), 0);
        const auto out = ingest({text(u"70"_s, u"hello"_s, u"777"_s)});
        QCOMPARE(out.stored, 1);
        QCOMPARE(out.openedDialogs.size(), 1);
        QCOMPARE(count(u"SELECT COUNT(*) FROM subscribers"_s), 1);
    }

    void manyCustomersAtOnceEachGetTheirOwnDialog()
    {
        QList<InboundEvent> batch;
        for (int i = 0; i < 50; ++i)
            batch.append(text(u"m%1"_s.arg(i), u"hi"_s, u"user%1"_s.arg(i % 10)));
        const auto out = ingest(batch);
        QCOMPARE(out.stored, 50);
        QCOMPARE(out.openedDialogs.size(), 10);
        QCOMPARE(count(u"SELECT COUNT(*) FROM dialogs WHERE state <> 'closed'"_s), 10);
    }

    void deliveriesThatArriveTogetherAreStoredAsIfOneAfterTheOther()
    {
        ingest({text(u"100"_s, u"earlier"_s, u"900"_s)}); // a customer with an open dialog already
        InboundEvent reply = text(u"103"_s, u"about my second message"_s);
        reply.replyToExternalId = u"102"_s; // in a delivery of the same job
        InboundEvent edit = text(u"101"_s, u"first, edited"_s);
        edit.type = InboundEvent::Type::Edit;
        InboundEvent react = text(u"100"_s, {}, u"900"_s);
        react.type = InboundEvent::Type::Reaction;
        react.reactions = {u"👍"_s};
        InboundEvent noId = text({}, u"no provider id"_s, u"900"_s);
        const auto answers = ingestTogether({
            {text(u"101"_s, u"first"_s)},                                     // opens 501's dialog
            {text(u"102"_s, u"second"_s), text(u"200"_s, u"hi"_s, u"902"_s)}, // joins it; opens 902's
            {text(u"101"_s, u"first"_s)},                                     // a provider's retry
            {reply, edit, text(u"104"_s, u"after the edit"_s)},
            {text(u"105"_s, u"more"_s, u"900"_s), react, noId}, // the open dialog
        });
        QList<IngestService::Outcome> out;
        for (const Answer &a : answers) {
            QVERIFY(a->ok());
            out.append(a->value());
        }
        QCOMPARE(out.at(0).stored, 1);
        QCOMPARE(out.at(0).openedDialogs.size(), 1);
        QCOMPARE(out.at(1).stored, 2);
        QCOMPARE(out.at(1).openedDialogs.size(), 1);
        QCOMPARE(out.at(2).stored, 0);
        QCOMPARE(out.at(2).duplicates, 1);
        QCOMPARE(out.at(3).stored, 3);
        QCOMPARE(out.at(4).stored, 3);
        QVERIFY(out.at(4).openedDialogs.isEmpty());
        QCOMPARE(count(u"SELECT COUNT(*) FROM dialogs"_s), 3);
        QCOMPARE(count(u"SELECT COUNT(*) FROM subscribers"_s), 3);
        QCOMPARE(count(u"SELECT COUNT(*) FROM messages"_s), 8);
        // In the provider's order: ids grow with it, the reply quotes its message, the edit applied.
        QCOMPARE(column(u"SELECT external_id FROM messages WHERE external_id LIKE '10%' ORDER BY id"_s),
                 (QStringList{u"100"_s, u"101"_s, u"102"_s, u"103"_s, u"104"_s, u"105"_s}));
        QCOMPARE(count(u"SELECT reply_to FROM messages WHERE external_id = '103'"_s),
                 count(u"SELECT id FROM messages WHERE external_id = '102'"_s));
        const QJsonObject edited =
            QJsonDocument::fromJson(
                scalar(u"SELECT content FROM messages WHERE external_id = '101'"_s).toUtf8())
                .object();
        QCOMPARE(edited.value(u"text"_s).toString(), u"first, edited"_s);
        QVERIFY(scalar(u"SELECT content FROM messages WHERE external_id = '100'"_s).contains(u"👍"_s));
        QCOMPARE(count(u"SELECT COUNT(*) FROM messages WHERE external_id IS NULL"_s), 1);
        // The open dialog's time is its newest message's.
        const qint64 newest =
            count(u"SELECT MAX(m.created_at) FROM messages m JOIN dialogs d ON d.id = m.dialog_id "
                  "JOIN subscribers s ON s.id = d.subscriber_id WHERE s.external_id = '900'"_s);
        QCOMPARE(
            count(u"SELECT d.last_message_at FROM dialogs d JOIN subscribers s ON s.id = d.subscriber_id "
                  "WHERE s.external_id = '900'"_s),
            newest);
        // Events in the same order: each dialog.opened before its first message.
        QTRY_COMPARE(m_events.size(), 2 + 2 + 3 + 0 + 3 + 3);
        QStringList names;
        for (qsizetype i = 2; i < m_events.size(); ++i) {
            QVERIFY(m_events.at(i).seq > m_events.at(i - 1).seq);
            names.append(m_events.at(i).name);
        }
        QCOMPARE(names, (QStringList{u"dialog.opened"_s, u"message.created"_s, u"message.created"_s,
                                     u"dialog.opened"_s, u"message.created"_s, u"message.created"_s,
                                     u"message.updated"_s, u"message.created"_s, u"message.created"_s,
                                     u"message.reactions"_s, u"message.created"_s}));
    }

    void aBadDeliveryAmongOthersIsRefusedAloneAndChangesNothing()
    {
        InboundEvent broken = text(u"302"_s, u"b"_s, u"931"_s);
        broken.externalChatId.clear();
        QSignalSpy opened(m_ingest.get(), &IngestService::dialogOpened);
        const auto answers = ingestTogether({{text(u"300"_s, u"first"_s, u"930"_s)},
                                             {text(u"301"_s, u"a"_s, u"931"_s), broken},
                                             {text(u"303"_s, u"third"_s, u"932"_s)}},
                                            {u"c1"_s, u"c2"_s, u"c3"_s});
        QVERIFY(answers.at(0)->ok());
        QVERIFY(!answers.at(1)->ok());
        QCOMPARE(answers.at(1)->error().code, u"bad_event"_s);
        QVERIFY(answers.at(2)->ok());
        QCOMPARE(answers.at(2)->value().stored, 1);
        QCOMPARE(count(u"SELECT COUNT(*) FROM messages"_s), 2);
        QCOMPARE(count(u"SELECT COUNT(*) FROM messages WHERE external_id = '301'"_s), 0);
        QCOMPARE(count(u"SELECT COUNT(*) FROM subscribers WHERE external_id = '931'"_s), 0);
        QCOMPARE(count(u"SELECT COUNT(*) FROM dialogs"_s), 2);
        QCOMPARE(scalar(u"SELECT cursor FROM channel_cursors WHERE channel_id = $1"_s, {m_channel}), u"c3"_s);
        QCOMPARE(opened.size(), 2);
        QTRY_COMPARE(m_events.size(), 4);
        QStringList texts;
        for (const era::Event &e : std::as_const(m_events)) {
            if (e.name == u"message.created"_s)
                texts.append(e.data.value(u"message"_s)
                                 .toObject()
                                 .value(u"content"_s)
                                 .toObject()
                                 .value(u"text"_s)
                                 .toString());
        }
        QCOMPARE(texts, (QStringList{u"first"_s, u"third"_s}));
        // The refused customer's next delivery creates them (nothing of the refused one was remembered).
        const auto again = ingest({text(u"301"_s, u"a"_s, u"931"_s)});
        QCOMPARE(again.stored, 1);
        QCOMPARE(again.openedDialogs.size(), 1);
        QCOMPARE(count(u"SELECT COUNT(*) FROM subscribers WHERE external_id = '931'"_s), 1);
    }

    void aDeliveryTheDatabaseRefusesAmongOthersIsRefusedAlone()
    {
        // A channel that does not exist: the subscriber's insert breaks a foreign key, which on PostgreSQL
        // aborts the transaction until the savepoint is rolled back.
        const qint64 gone = m_channel + 1000;
        const auto answers = ingestTogether({{text(u"400"_s, u"one"_s, u"940"_s)},
                                             {text(u"401"_s, u"lost"_s, u"941"_s)},
                                             {text(u"402"_s, u"two"_s, u"940"_s)}},
                                            {}, {m_channel, gone, m_channel});
        QVERIFY(answers.at(0)->ok());
        QVERIFY(!answers.at(1)->ok());
        QCOMPARE(answers.at(1)->error().code, u"foreign_key_violation"_s);
        QVERIFY(answers.at(2)->ok());
        QCOMPARE(answers.at(2)->value().stored, 1);
        QCOMPARE(column(u"SELECT external_id FROM messages ORDER BY id"_s),
                 (QStringList{u"400"_s, u"402"_s}));
        QCOMPARE(count(u"SELECT COUNT(*) FROM subscribers"_s), 1);
        QCOMPARE(count(u"SELECT COUNT(*) FROM dialogs"_s), 1);
        QTRY_COMPARE(m_events.size(), 3); // dialog.opened and the two messages
    }
};

QTEST_GUILESS_MAIN(TestIngest)
#include "tst_ingest.moc"
