// The desk's list models and text formatting, without a server: every model under QAbstractItemModelTester,
// messages paged and merged with local sends, dialogs ordered by section, colleagues and queues kept live.
#include "model/DialogListModel.h"
#include "model/EmojiModel.h"
#include "model/MessageListModel.h"
#include "model/OperatorListModel.h"
#include "model/QueueListModel.h"
#include "model/TextFormat.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>
#include <era/content/ContentJson.h>

using namespace Qt::StringLiterals;
using namespace era::desk;

namespace {

const QDateTime Base = QDateTime(QDate(2026, 3, 10), QTime(9, 0), Qt::UTC);

DeskMessage message(qint64 id, const QString &text, const QString &direction = u"in"_s, qint64 minute = 0)
{
    DeskMessage m;
    m.id = id;
    m.dialogId = 7;
    m.direction = direction;
    m.author = direction == u"in"_s ? u"subscriber:15"_s : u"user:3"_s;
    m.content.body = era::content::Text::of(text);
    m.status = direction == u"in"_s ? u"received"_s : u"sent"_s;
    m.createdAt = Base.addSecs(60 * (minute ? minute : id));
    return m;
}

// Newest first, ids from `newest` down to `oldest`.
QList<DeskMessage> page(qint64 newest, qint64 oldest)
{
    QList<DeskMessage> out;
    for (qint64 id = newest; id >= oldest; --id)
        out.append(message(id, u"message %1"_s.arg(id)));
    return out;
}

DeskMessage local(const QString &clientId, const QString &text)
{
    DeskMessage m;
    m.clientId = clientId;
    m.dialogId = 7;
    m.direction = u"out"_s;
    m.author = u"user:3"_s;
    m.content.body = era::content::Text::of(text);
    m.status = u"sending"_s;
    m.createdAt = Base.addSecs(3600);
    return m;
}

QList<qint64> ids(const MessageListModel &model)
{
    QList<qint64> out;
    for (int i = 0; i < model.rowCount(); ++i)
        out.append(model.data(model.index(i), MessageListModel::MessageIdRole).toLongLong());
    return out;
}

QVariant role(const QAbstractItemModel &model, int row, int role)
{
    return model.data(model.index(row, 0), role);
}

QJsonObject summary(qint64 id, const QString &state, const QString &lastAt, int unread = 0)
{
    return {{u"id"_s, id},
            {u"channel_id"_s, 1},
            {u"channel_kind"_s, u"telegram"_s},
            {u"channel_name"_s, u"Shop bot"_s},
            {u"subscriber_id"_s, id + 100},
            {u"subscriber_name"_s, u"Customer %1"_s.arg(id)},
            {u"state"_s, state},
            {u"queue_id"_s, 2},
            {u"operator_id"_s, state == u"waiting"_s ? QJsonValue() : QJsonValue(3)},
            {u"opened_at"_s, u"2026-03-10T08:00:00.000Z"_s},
            {u"last_message_at"_s, lastAt},
            {u"last_message_id"_s, id * 10},
            {u"last_message_direction"_s, u"in"_s},
            {u"last_message"_s, QJsonObject{{u"kind"_s, u"text"_s}, {u"text"_s, u"Hi from %1"_s.arg(id)}}},
            {u"unread"_s, unread}};
}

QList<qint64> dialogIds(const DialogListModel &model)
{
    QList<qint64> out;
    for (int i = 0; i < model.rowCount(); ++i)
        out.append(role(model, i, DialogListModel::DialogIdRole).toLongLong());
    return out;
}

} // namespace

class TestDeskModels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // --- MessageListModel ---

    void messagesArePagedNewestFirstAndOlderPagesAppend()
    {
        MessageListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.resetStored(page(100, 51), true);
        QCOMPARE(model.rowCount(), 50);
        QCOMPARE(ids(model).first(), 100);
        QVERIFY(model.canFetchMore({}));

        QSignalSpy older(&model, &MessageListModel::olderRequested);
        model.fetchMore({});
        QCOMPARE(older.count(), 1);
        QCOMPARE(older.first().first().toLongLong(), 51);
        QVERIFY(model.loadingOlder());
        QVERIFY(!model.canFetchMore({})); // one page at a time

        model.appendOlder(page(50, 1), false);
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(ids(model).last(), 1);
        QVERIFY(!model.hasMore());
        QVERIFY(!model.canFetchMore({}));
    }

    void anOverlappingOlderPageAddsOnlyWhatIsOlder()
    {
        MessageListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.resetStored(page(20, 11), true);
        model.appendOlder(page(12, 3), true); // 12 and 11 are there already
        QCOMPARE(model.rowCount(), 18);
        QCOMPARE(ids(model),
                 (QList<qint64>{20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3}));
    }

    void aNewMessageGoesOnTopAndAChangedOneIsReplacedInPlace()
    {
        MessageListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.resetStored(page(10, 1), false);
        model.upsert(message(11, u"new"_s));
        QCOMPARE(ids(model).first(), 11);

        DeskMessage edited = message(5, u"edited text"_s);
        edited.content.editedAt = Base.addSecs(9999);
        model.upsert(edited);
        QCOMPARE(model.rowCount(), 11);
        const int row = model.rowOfMessage(5);
        QCOMPARE(role(model, row, MessageListModel::TextRole).toString(), u"edited text"_s);
        QCOMPARE(role(model, row, MessageListModel::EditedRole).toBool(), true);
    }

    void aMessageOlderThanTheLoadedPagesWaitsForPaging()
    {
        MessageListModel model;
        model.resetStored(page(100, 51), true);
        model.upsert(message(30, u"old edit"_s)); // an edit of a message we have not paged to
        QCOMPARE(model.rowCount(), 50);
        QCOMPARE(model.rowOfMessage(30), -1);
    }

    void aLocalSendShowsAtOnceAndGivesWayToTheStoredCopy()
    {
        MessageListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.resetStored(page(10, 1), false);
        model.setLocal(local(u"c-1"_s, u"on its way"_s));
        QCOMPARE(model.rowCount(), 11);
        QCOMPARE(role(model, 0, MessageListModel::StatusRole).toString(), u"sending"_s);
        QCOMPARE(role(model, 0, MessageListModel::MessageIdRole).toLongLong(), 0);

        // A customer message arriving meanwhile sits below the local one.
        model.upsert(message(11, u"are you there?"_s));
        QCOMPARE(role(model, 0, MessageListModel::ClientIdRole).toString(), u"c-1"_s);
        QCOMPARE(role(model, 1, MessageListModel::MessageIdRole).toLongLong(), 11);

        DeskMessage stored = message(12, u"on its way"_s, u"out"_s);
        stored.clientId = u"c-1"_s;
        stored.status = u"pending"_s;
        model.upsert(stored);
        QCOMPARE(model.rowCount(), 12);
        QCOMPARE(ids(model).first(), 12);
        QCOMPARE(role(model, 0, MessageListModel::StatusRole).toString(), u"pending"_s);
        QVERIFY(model.setStatus(12, u"sent"_s, {}));
        QCOMPARE(role(model, 0, MessageListModel::StatusRole).toString(), u"sent"_s);
    }

    void aReloadedPageKeepsUnsentLocalMessagesOnTop()
    {
        MessageListModel model;
        model.resetStored(page(5, 1), false);
        model.setLocal(local(u"c-9"_s, u"typed offline"_s));
        model.resetStored(page(6, 1), false);
        QCOMPARE(model.rowCount(), 7);
        QCOMPARE(role(model, 0, MessageListModel::ClientIdRole).toString(), u"c-9"_s);
        model.removeLocal(u"c-9"_s);
        QCOMPARE(model.rowCount(), 6);
    }

    void failureReasonAndUploadProgressAreRoles()
    {
        MessageListModel model;
        DeskMessage m = local(u"c-2"_s, u"photo"_s);
        m.status = u"failed"_s;
        m.failure = u"the bot was blocked by the user"_s;
        model.setLocal(m);
        QCOMPARE(role(model, 0, MessageListModel::FailureRole).toString(), m.failure);
        model.setUploadProgress(u"c-2"_s, 0.5);
        QCOMPARE(role(model, 0, MessageListModel::UploadProgressRole).toDouble(), 0.5);
    }

    void daysAndGroupsFollowTheOlderNeighbour()
    {
        MessageListModel model;
        QList<DeskMessage> rows{message(3, u"c"_s, u"in"_s, 3), message(2, u"b"_s, u"in"_s, 2),
                                message(1, u"a"_s, u"in"_s, 1)};
        rows[2].createdAt = Base.addDays(-1); // yesterday
        model.resetStored(rows, false);
        QCOMPARE(role(model, 2, MessageListModel::FirstOfDayRole).toBool(), true);  // the oldest overall
        QCOMPARE(role(model, 1, MessageListModel::FirstOfDayRole).toBool(), true);  // first of today
        QCOMPARE(role(model, 0, MessageListModel::FirstOfDayRole).toBool(), false); // same day as below
        QCOMPARE(role(model, 0, MessageListModel::GroupedWithOlderRole).toBool(), true);
        QCOMPARE(role(model, 1, MessageListModel::GroupedWithOlderRole).toBool(), false);
    }

    void everyContentKindHasItsRoles_data()
    {
        QTest::addColumn<QJsonObject>("content");
        QTest::addColumn<int>("role");
        QTest::addColumn<QVariant>("expected");
        const QJsonObject image{{u"kind"_s, u"image"_s},
                                {u"caption"_s, u"Our shop"_s},
                                {u"file"_s, QJsonObject{{u"id"_s, u"ab12"_s},
                                                        {u"state"_s, u"ready"_s},
                                                        {u"mime"_s, u"image/jpeg"_s},
                                                        {u"size"_s, 48213},
                                                        {u"width"_s, 1280},
                                                        {u"height"_s, 960}}}};
        QTest::newRow("image caption") << image << int(MessageListModel::TextRole) << QVariant(u"Our shop"_s);
        QTest::newRow("image width") << image << int(MessageListModel::MediaWidthRole) << QVariant(1280);
        QTest::newRow("image size") << image << int(MessageListModel::FileSizeTextRole)
                                    << QVariant(u"47 KB"_s);
        QTest::newRow("image thumbnail")
            << image << int(MessageListModel::ThumbnailUrlRole)
            << QVariant(QUrl(u"http://127.0.0.1:8080/api/v1/files/ab12?thumbnail=1"_s));
        QTest::newRow("image file") << image << int(MessageListModel::FileUrlRole)
                                    << QVariant(QUrl(u"http://127.0.0.1:8080/api/v1/files/ab12"_s));
        const QJsonObject voice{
            {u"kind"_s, u"voice"_s},
            {u"file"_s,
             QJsonObject{{u"state"_s, u"pending"_s}, {u"mime"_s, u"audio/ogg"_s}, {u"duration"_s, 75}}}};
        QTest::newRow("voice duration")
            << voice << int(MessageListModel::DurationTextRole) << QVariant(u"1:15"_s);
        QTest::newRow("voice state") << voice << int(MessageListModel::FileStateRole)
                                     << QVariant(u"pending"_s);
        QTest::newRow("voice no url") << voice << int(MessageListModel::FileUrlRole) << QVariant(QUrl());
        const QJsonObject document{{u"kind"_s, u"document"_s},
                                   {u"file"_s, QJsonObject{{u"state"_s, u"too_large"_s},
                                                           {u"reason"_s, u"over 20 MB"_s},
                                                           {u"size"_s, 52428800},
                                                           {u"name"_s, u"backup.zip"_s}}}};
        QTest::newRow("document name")
            << document << int(MessageListModel::FileNameRole) << QVariant(u"backup.zip"_s);
        QTest::newRow("document reason")
            << document << int(MessageListModel::FileReasonRole) << QVariant(u"over 20 MB"_s);
        QTest::newRow("document size")
            << document << int(MessageListModel::FileSizeTextRole) << QVariant(u"50 MB"_s);
        const QJsonObject location{{u"kind"_s, u"location"_s},
                                   {u"latitude"_s, 59.9386},
                                   {u"longitude"_s, 30.3141},
                                   {u"title"_s, u"Cafe Singer"_s},
                                   {u"address"_s, u"Nevsky 28"_s}};
        QTest::newRow("location title")
            << location << int(MessageListModel::LocationTitleRole) << QVariant(u"Cafe Singer"_s);
        QTest::newRow("location map")
            << location << int(MessageListModel::MapUrlRole)
            << QVariant(QUrl(
                   u"https://www.openstreetmap.org/?mlat=59.938600&mlon=30.314100#map=17/59.938600/30.314100"_s));
        const QJsonObject contact{{u"kind"_s, u"contact"_s},
                                  {u"display_name"_s, u"Anna Petrova"_s},
                                  {u"phone"_s, u"+79001234567"_s}};
        QTest::newRow("contact phone")
            << contact << int(MessageListModel::ContactPhoneRole) << QVariant(u"+79001234567"_s);
        const QJsonObject sticker{{u"kind"_s, u"sticker"_s},
                                  {u"emoji"_s, u"😀"_s},
                                  {u"file"_s, QJsonObject{{u"state"_s, u"pending"_s}}}};
        QTest::newRow("sticker emoji")
            << sticker << int(MessageListModel::StickerEmojiRole) << QVariant(u"😀"_s);
        const QJsonObject unsupported{{u"kind"_s, u"unsupported"_s},
                                      {u"provider_type"_s, u"telegram.poll"_s},
                                      {u"note"_s, u"A poll: open Telegram to vote"_s}};
        QTest::newRow("unsupported note")
            << unsupported << int(MessageListModel::TextRole) << QVariant(u"A poll: open Telegram to vote"_s);
        const QJsonObject emoji{{u"kind"_s, u"text"_s}, {u"text"_s, u"👍🏽"_s}};
        QTest::newRow("emoji only") << emoji << int(MessageListModel::EmojiOnlyRole) << QVariant(true);
        const QJsonObject link{{u"kind"_s, u"text"_s}, {u"text"_s, u"see www.example.com, <b>now</b>"_s}};
        QTest::newRow("links and escaping")
            << link << int(MessageListModel::RichTextRole)
            << QVariant(
                   u"see <a href=\"https://www.example.com\">www.example.com</a>, &lt;b&gt;now&lt;/b&gt;"_s);
        const QJsonObject reply{
            {u"kind"_s, u"text"_s},
            {u"text"_s, u"yes"_s},
            {u"reply_to"_s,
             QJsonObject{{u"message_id"_s, 41}, {u"kind"_s, u"image"_s}, {u"author_name"_s, u"Anna"_s}}}};
        QTest::newRow("reply id") << reply << int(MessageListModel::ReplyToIdRole) << QVariant(qint64(41));
        QTest::newRow("reply snippet from the kind")
            << reply << int(MessageListModel::ReplySnippetRole) << QVariant(u"📷 Photo"_s);
        const QJsonObject deleted{
            {u"kind"_s, u"image"_s}, {u"deleted"_s, true}, {u"deleted_at"_s, u"2026-03-10T10:00:00.000Z"_s}};
        QTest::newRow("deleted") << deleted << int(MessageListModel::DeletedRole) << QVariant(true);
    }
    void everyContentKindHasItsRoles()
    {
        QFETCH(QJsonObject, content);
        QFETCH(int, role);
        QFETCH(QVariant, expected);
        auto parsed = era::content::fromJson<era::content::Content>(content);
        QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().field + parsed.error().message));
        DeskMessage m = message(1, {});
        m.content = *parsed;
        MessageListModel model;
        model.setFileBaseUrl(QUrl(u"http://127.0.0.1:8080/"_s));
        model.resetStored({m}, false);
        QCOMPARE(model.data(model.index(0), role), expected);
    }

    void reactionsAreCountedPerEmojiAndMineMarked()
    {
        auto content = era::content::fromJson<era::content::Content>(
            QJsonObject{{u"kind"_s, u"text"_s},
                        {u"text"_s, u"ok"_s},
                        {u"reactions"_s, QJsonArray{QJsonObject{{u"actor"_s, u"subscriber:15"_s},
                                                                {u"emoji"_s, u"👍"_s},
                                                                {u"at"_s, u"2026-03-10T08:15:02.331Z"_s}},
                                                    QJsonObject{{u"actor"_s, u"user:3"_s},
                                                                {u"emoji"_s, u"👍"_s},
                                                                {u"at"_s, u"2026-03-10T08:16:00.000Z"_s}},
                                                    QJsonObject{{u"actor"_s, u"user:4"_s},
                                                                {u"emoji"_s, u"❤️"_s},
                                                                {u"at"_s, u"2026-03-10T08:17:00.000Z"_s}}}}});
        QVERIFY(content);
        DeskMessage m = message(1, {});
        m.content = *content;
        MessageListModel model;
        model.setMyActor(u"user:3"_s);
        model.resetStored({m}, false);
        const QVariantList chips = role(model, 0, MessageListModel::ReactionsRole).toList();
        QCOMPARE(chips.size(), 2);
        QCOMPARE(chips[0].toMap().value(u"emoji"_s).toString(), u"👍"_s);
        QCOMPARE(chips[0].toMap().value(u"count"_s).toInt(), 2);
        QCOMPARE(chips[0].toMap().value(u"mine"_s).toBool(), true);
        QCOMPARE(chips[1].toMap().value(u"mine"_s).toBool(), false);
    }

    void authorsAreNamedByTheResolver()
    {
        MessageListModel model;
        model.setNameResolver([](const QString &actor) {
            return actor == u"subscriber:15"_s ? u"Anna"_s : actor == u"user:3"_s ? u"Olga"_s : QString();
        });
        model.setMyActor(u"user:9"_s);
        model.resetStored({message(2, u"hi"_s, u"out"_s), message(1, u"hello"_s)}, false);
        QCOMPARE(role(model, 0, MessageListModel::AuthorNameRole).toString(), u"Olga"_s);
        QCOMPARE(role(model, 0, MessageListModel::MineRole).toBool(), false);
        QCOMPARE(role(model, 1, MessageListModel::AuthorNameRole).toString(), u"Anna"_s);
    }

    // --- DialogListModel ---

    void dialogsAreInSectionsOffersFirstThenTheLatestActive()
    {
        DialogListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        DialogSummary offered =
            DialogSummary::fromJson(summary(4, u"waiting"_s, u"2026-03-10T08:00:00.000Z"_s));
        offered.section = DialogSummary::Section::Offered;
        model.reset({DialogSummary::fromJson(summary(1, u"active"_s, u"2026-03-10T08:01:00.000Z"_s)),
                     DialogSummary::fromJson(summary(2, u"active"_s, u"2026-03-10T08:05:00.000Z"_s, 3)),
                     DialogSummary::fromJson(summary(3, u"closed"_s, u"2026-03-10T07:00:00.000Z"_s)),
                     offered});
        QCOMPARE(dialogIds(model), (QList<qint64>{4, 2, 1, 3}));
        QCOMPARE(role(model, 0, DialogListModel::SectionRole).toString(), u"offered"_s);
        QCOMPARE(role(model, 3, DialogListModel::SectionRole).toString(), u"finished"_s);
        QCOMPARE(model.unreadTotal(), 3);
        QCOMPARE(model.offeredCount(), 1);
        QCOMPARE(model.activeCount(), 2);
        QCOMPARE(model.mineCount(), 0); // both are operator 3's, as a supervisor sees them
        model.setMe(3);
        QCOMPARE(model.mineCount(), 2);
        QCOMPARE(role(model, 1, DialogListModel::LastMessageRole).toString(), u"Hi from 2"_s);
        QCOMPARE(role(model, 1, DialogListModel::InitialsRole).toString(), u"C2"_s);
        QCOMPARE(role(model, 1, DialogListModel::ChannelKindRole).toString(), u"telegram"_s);
    }

    void aNewMessageMovesTheDialogUpAndCountsUnread()
    {
        DialogListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset({DialogSummary::fromJson(summary(1, u"active"_s, u"2026-03-10T08:01:00.000Z"_s)),
                     DialogSummary::fromJson(summary(2, u"active"_s, u"2026-03-10T08:05:00.000Z"_s))});
        QSignalSpy unread(&model, &DialogListModel::unreadTotalChanged);
        QVERIFY(model.update(1, [](DialogSummary &d) {
            d.lastMessageAt = QDateTime(QDate(2026, 3, 10), QTime(9, 0), Qt::UTC);
            ++d.unread;
        }));
        QCOMPARE(dialogIds(model), (QList<qint64>{1, 2}));
        QCOMPARE(model.unreadTotal(), 1);
        QCOMPARE(unread.count(), 1);
        QVERIFY(!model.update(99, [](DialogSummary &) {}));
    }

    void acceptingMovesAnOfferToTheActiveOnesAndFinishingToFinished()
    {
        DialogListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset({DialogSummary::fromJson(summary(1, u"active"_s, u"2026-03-10T08:01:00.000Z"_s))});
        DialogSummary offer =
            DialogSummary::fromJson(summary(5, u"waiting"_s, u"2026-03-10T08:09:00.000Z"_s));
        offer.section = DialogSummary::Section::Offered;
        model.upsert(offer);
        QCOMPARE(dialogIds(model), (QList<qint64>{5, 1}));
        model.update(5, [](DialogSummary &d) { d.applyDialog({{u"state"_s, u"active"_s}}); });
        QCOMPARE(role(model, 0, DialogListModel::SectionRole).toString(), u"active"_s);
        model.update(5, [](DialogSummary &d) {
            d.applyDialog({{u"state"_s, u"closed"_s}, {u"closed_at"_s, u"2026-03-10T09:00:00.000Z"_s}});
        });
        QCOMPARE(dialogIds(model), (QList<qint64>{1, 5}));
        QCOMPARE(role(model, 1, DialogListModel::SectionRole).toString(), u"finished"_s);
        model.remove(5);
        QCOMPARE(dialogIds(model), (QList<qint64>{1}));
    }

    void nextAndPreviousWrapAroundOpenDialogs()
    {
        DialogListModel model;
        model.reset({DialogSummary::fromJson(summary(1, u"active"_s, u"2026-03-10T08:03:00.000Z"_s)),
                     DialogSummary::fromJson(summary(2, u"active"_s, u"2026-03-10T08:02:00.000Z"_s)),
                     DialogSummary::fromJson(summary(3, u"closed"_s, u"2026-03-10T07:00:00.000Z"_s))});
        QCOMPARE(model.neighbour(1, 1), 2);
        QCOMPARE(model.neighbour(2, 1), 1); // finished ones are skipped
        QCOMPARE(model.neighbour(1, -1), 2);
        QCOMPARE(model.neighbour(0, 1), 1);
    }

    void aWaitingCustomerShowsSinceWhen()
    {
        DialogSummary d = DialogSummary::fromJson(summary(1, u"active"_s, u"2026-03-10T08:03:00.000Z"_s));
        DialogListModel model;
        model.reset({d});
        QCOMPARE(role(model, 0, DialogListModel::WaitingSinceRole).toDateTime(),
                 QDateTime(QDate(2026, 3, 10), QTime(8, 3), Qt::UTC));
        model.update(1, [](DialogSummary &s) {
            s.lastDirection = u"out"_s;
            s.lastIncomingAt = {};
        });
        QVERIFY(!role(model, 0, DialogListModel::WaitingSinceRole).toDateTime().isValid());
    }

    // --- OperatorListModel, QueueListModel ---

    void colleaguesFollowPresenceAndStatistics()
    {
        OperatorListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMe(3);
        model.reset(QJsonArray{QJsonObject{{u"id"_s, 3},
                                           {u"login"_s, u"olga"_s},
                                           {u"display_name"_s, u"Olga Ivanova"_s},
                                           {u"role"_s, u"operator"_s},
                                           {u"presence"_s, u"online"_s},
                                           {u"connected"_s, true},
                                           {u"active"_s, 1},
                                           {u"capacity"_s, 5}},
                               QJsonObject{{u"id"_s, 4},
                                           {u"login"_s, u"petr"_s},
                                           {u"display_name"_s, u"Petr"_s},
                                           {u"role"_s, u"operator"_s},
                                           {u"presence"_s, u"online"_s},
                                           {u"connected"_s, false},
                                           {u"active"_s, 0},
                                           {u"capacity"_s, 5}}});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.nameOf(3), u"Olga Ivanova"_s);
        QCOMPARE(role(model, 0, OperatorListModel::InitialsRole).toString(), u"OI"_s);
        QCOMPARE(role(model, 0, OperatorListModel::IsMeRole).toBool(), true);
        QCOMPARE(role(model, 1, OperatorListModel::PresenceRole).toString(), u"offline"_s); // not connected
        QCOMPARE(model.onlineCount(), 1);
        model.setPresence(3, u"away"_s);
        QCOMPARE(role(model, 0, OperatorListModel::PresenceRole).toString(), u"away"_s);
        QCOMPARE(model.onlineCount(), 0);
        model.applyStats(QJsonObject{
            {u"queues"_s,
             QJsonArray{QJsonObject{{u"id"_s, 2},
                                    {u"members"_s, QJsonArray{QJsonObject{{u"user_id"_s, 3},
                                                                          {u"presence"_s, u"online"_s},
                                                                          {u"active"_s, 4},
                                                                          {u"capacity"_s, 6}}}}}}}});
        QCOMPARE(role(model, 0, OperatorListModel::LoadTextRole).toString(), u"4 / 6"_s);
    }

    void queuesKeepTheirFiguresWhenTheirDefinitionChanges()
    {
        QueueListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset(QJsonArray{QJsonObject{{u"id"_s, 2},
                                           {u"name"_s, u"Sales"_s},
                                           {u"offer_timeout_sec"_s, 30},
                                           {u"members"_s, QJsonArray{QJsonObject{{u"user_id"_s, 3}}}}}});
        model.applyStats(QJsonObject{
            {u"at"_s, u"2026-03-10T08:15:05.000Z"_s},
            {u"queues"_s,
             QJsonArray{QJsonObject{
                 {u"id"_s, 2},
                 {u"waiting"_s, 4},
                 {u"longest_wait_sec"_s, 95},
                 {u"active_dialogs"_s, 7},
                 {u"operators"_s, QJsonObject{{u"online"_s, 2}, {u"away"_s, 1}, {u"offline"_s, 0}}}}}}});
        QCOMPARE(model.waitingTotal(), 4);
        QCOMPARE(model.longestWaitSec(), 95);
        model.upsert(
            QJsonObject{{u"id"_s, 2}, {u"name"_s, u"Sales and returns"_s}, {u"offer_timeout_sec"_s, 45}});
        QCOMPARE(role(model, 0, QueueListModel::NameRole).toString(), u"Sales and returns"_s);
        QCOMPARE(role(model, 0, QueueListModel::WaitingRole).toInt(), 4);
        model.upsert(QJsonObject{{u"id"_s, 1}, {u"name"_s, u"VIP"_s}});
        QCOMPARE(role(model, 0, QueueListModel::NameRole).toString(), u"VIP"_s); // ordered by id
        QCOMPARE(model.nameOf(2), u"Sales and returns"_s);
    }

    void emojiComeByCategoryAfterTheRecentOnes()
    {
        EmojiModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const int all = model.rowCount();
        QVERIFY(all > 300);
        model.setRecent(u"🔥 👍"_s);
        QCOMPARE(model.rowCount(), all + 2);
        QCOMPARE(role(model, 0, EmojiModel::EmojiRole).toString(), u"🔥"_s);
        QCOMPARE(role(model, 0, EmojiModel::CategoryIndexRole).toInt(), 0);
        QCOMPARE(model.firstRowOf(1), 2);
        QCOMPARE(role(model, 2, EmojiModel::CategoryIndexRole).toInt(), 1);
        QCOMPARE(model.categories().size(), 9);
    }

    // --- format ---

    void formatWritesSizesDurationsAndWaits_data()
    {
        QTest::addColumn<QString>("actual");
        QTest::addColumn<QString>("expected");
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QTest::newRow("bytes") << format::size(512) << u"512 B"_s;
        QTest::newRow("kb") << format::size(48213) << u"47 KB"_s;
        QTest::newRow("mb") << format::size(1258291) << u"1.2 MB"_s;
        QTest::newRow("short") << format::duration(7) << u"0:07"_s;
        QTest::newRow("long") << format::duration(3723) << u"1:02:03"_s;
        QTest::newRow("now") << format::waited(2000) << u"now"_s;
        QTest::newRow("seconds") << format::waited(45000) << u"45 s"_s;
        QTest::newRow("minutes") << format::waited(12 * 60000 + 5000) << u"12 min"_s;
        QTest::newRow("hours") << format::waited(3 * 3600000 + 5 * 60000) << u"3 h 5 min"_s;
        QTest::newRow("today") << format::day(QDate(2026, 3, 10), QDate(2026, 3, 10)) << u"Today"_s;
        QTest::newRow("yesterday") << format::day(QDate(2026, 3, 9), QDate(2026, 3, 10)) << u"Yesterday"_s;
        QTest::newRow("weekday") << format::day(QDate(2026, 3, 6), QDate(2026, 3, 10)) << u"Friday"_s;
        QTest::newRow("date") << format::day(QDate(2026, 1, 2), QDate(2026, 3, 10)) << u"2 January"_s;
        QTest::newRow("other year") << format::day(QDate(2025, 1, 2), QDate(2026, 3, 10))
                                    << u"2 January 2025"_s;
        QTest::newRow("url with trailing dot")
            << format::linkify(u"go to https://a.example/x."_s)
            << u"go to <a href=\"https://a.example/x\">https://a.example/x</a>."_s;
        QTest::newRow("mail") << format::linkify(u"anna@example.com"_s)
                              << u"<a href=\"mailto:anna@example.com\">anna@example.com</a>"_s;
        QTest::newRow("brackets")
            << format::linkify(u"(see https://a.example/wiki/A_(b))"_s)
            << u"(see <a href=\"https://a.example/wiki/A_(b)\">https://a.example/wiki/A_(b)</a>)"_s;
        QTest::newRow("lines") << format::linkify(u"a\nb & c"_s) << u"a<br>b &amp; c"_s;
    }
    void formatWritesSizesDurationsAndWaits()
    {
        QFETCH(QString, actual);
        QFETCH(QString, expected);
        QCOMPARE(actual, expected);
    }
};

QTEST_GUILESS_MAIN(TestDeskModels)
#include "tst_desk_models.moc"
