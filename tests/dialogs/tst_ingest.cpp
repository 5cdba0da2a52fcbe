// Ingest on both storage backends: subscribers and dialogs are created on their own, provider retries are
// stored once, and the connector's cursor commits with the messages it delivered.
#include "StorageTestBackend.h"
#include "dialogs/IngestService.h"
#include "storage/Database.h"

#include <QJsonArray>
#include <QJsonDocument>
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
        era::storage::DatabaseOptions o;
        o.url = m_backend.url();
        auto db = era::storage::Database::open(o);
        QVERIFY(db);
        m_db = std::move(*db);
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
        QTest::qWait(5);
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
};

QTEST_GUILESS_MAIN(TestIngest)
#include "tst_ingest.moc"
