// era-desk's Session against era-server (in this process, real HTTP and WebSocket on loopback) and the
// Telegram Bot API emulator: the operator's whole day through the same object QML uses.
#include "DeskTesting.h"
#include "session/SendQueue.h"
#include "session/Session.h"

#include <QAbstractItemModelTester>
#include <QBuffer>
#include <QImage>

using namespace Qt::StringLiterals;
using namespace era::desk;
using desktest::BotToken;

namespace {

QVariant role(QAbstractItemModel *model, int row, int role)
{
    return model->data(model->index(row, 0), role);
}

int rowWithText(MessageListModel *messages, const QString &text)
{
    for (int i = 0; i < messages->rowCount(); ++i) {
        if (role(messages, i, MessageListModel::TextRole).toString() == text)
            return i;
    }
    return -1;
}

QByteArray pngBytes()
{
    QImage image(80, 60, QImage::Format_RGB32);
    image.fill(Qt::darkCyan);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

} // namespace

class TestDeskSession : public QObject {
    Q_OBJECT
    std::unique_ptr<desktest::DeskFolders> m_folders;
    desktest::ServerSide m_side;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<desktest::RecordingSink> m_sink;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;

    std::unique_ptr<Session> newSession()
    {
        auto s = std::make_unique<Session>(nullptr);
        s->notifier()->setSoundEnabled(false);
        return s;
    }

    // Logs in (without keeping the token) and waits until the snapshot is there.
    void logIn(Session &session, const QString &login)
    {
        session.login(m_side.url().toString(), login, desktest::ServerSide::password(login), false);
        QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Online, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(session.presence(), u"online"_s, 5000);
    }

    // Waits for a dialog offered to the session and returns its id.
    qint64 nextOffer(Session &session)
    {
        if (!QTest::qWaitFor([&] { return session.offers()->rowCount() > 0; }, 15000))
            return 0;
        return role(session.offers(), 0, DialogListModel::DialogIdRole).toLongLong();
    }

    // A customer writes, the operator accepts and opens the dialog; returns it with its first page loaded.
    Conversation *acceptCustomerMessage(const QString &text)
    {
        m_side.telegram->injectText(BotToken, m_side.customer, text);
        const qint64 dialog = nextOffer(*m_session);
        if (dialog <= 0)
            return nullptr;
        m_session->accept(dialog);
        if (!QTest::qWaitFor([&] { return m_session->current() && m_session->current()->canWrite(); }, 10000))
            return nullptr;
        Conversation *c = m_session->current();
        if (!QTest::qWaitFor([&] { return rowWithText(c->messages(), text) >= 0; }, 10000))
            return nullptr;
        return c;
    }

private Q_SLOTS:
    void init()
    {
        m_folders = std::make_unique<desktest::DeskFolders>();
        QVERIFY(m_side.start());
        m_session = newSession();
        m_sink = std::make_unique<desktest::RecordingSink>();
        m_session->notifier()->setSink(m_sink.get());
        // Every model the views bind to is checked while the tests drive it.
        for (QAbstractItemModel *model : std::initializer_list<QAbstractItemModel *>{
                 m_session->dialogs(), m_session->operators(), m_session->queues(),
                 m_session->openConversations(), m_session->offers()})
            m_testers.push_back(std::make_unique<QAbstractItemModelTester>(
                model, QAbstractItemModelTester::FailureReportingMode::QtTest));
        logIn(*m_session, u"olga"_s);
    }
    void cleanup()
    {
        m_testers.clear();
        m_session.reset();
        m_sink.reset();
        m_side = desktest::ServerSide();
        m_folders.reset();
    }

    void anOperatorServesADialogFromOfferToFinish()
    {
        m_side.telegram->injectText(BotToken, m_side.customer, u"Здравствуйте! Где мой заказ?"_s);
        const qint64 dialog = nextOffer(*m_session);
        QVERIFY(dialog > 0);
        QCOMPARE(role(m_session->offers(), 0, DialogListModel::SubscriberNameRole).toString(),
                 u"Мария Иванова"_s);
        QCOMPARE(role(m_session->offers(), 0, DialogListModel::LastMessageRole).toString(),
                 u"Здравствуйте! Где мой заказ?"_s);
        QVERIFY(role(m_session->offers(), 0, DialogListModel::OfferExpiresAtRole).toDateTime().isValid());

        m_session->accept(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(m_session->current() && m_session->current()->canWrite(), 10000);
        Conversation *c = m_session->current();
        QCOMPARE(c->dialogId(), dialog);
        QTRY_COMPARE_WITH_TIMEOUT(c->messages()->rowCount(), 1, 10000);
        QCOMPARE(c->title(), u"Мария Иванова"_s);
        QCOMPARE(c->subscriber().value(u"username"_s).toString(), u"maria_i"_s);
        QCOMPARE(m_session->offers()->rowCount(), 0);
        QCOMPARE(m_session->dialogs()->activeCount(), 1);
        QCOMPARE(m_session->dialogs()->mineCount(), 1);

        QVERIFY(c->send(u"Добрый день! Заказ уже в пути."_s));
        QTRY_COMPARE_WITH_TIMEOUT(m_side.sentTexts(), QStringList{u"Добрый день! Заказ уже в пути."_s},
                                  10000);
        QTRY_COMPARE_WITH_TIMEOUT(role(c->messages(), 0, MessageListModel::StatusRole).toString(), u"sent"_s,
                                  10000);
        QCOMPARE(role(c->messages(), 0, MessageListModel::OutgoingRole).toBool(), true);
        QCOMPARE(c->messages()->rowCount(), 2);

        m_session->finish(dialog);
        QTRY_COMPARE_WITH_TIMEOUT(c->state(), u"closed"_s, 10000);
        QVERIFY(!c->canWrite());
        const int row = m_session->dialogs()->rowOf(dialog);
        QCOMPARE(role(m_session->dialogs(), row, DialogListModel::SectionRole).toString(), u"finished"_s);

        // The customer's next message is a new dialog, offered again.
        m_side.telegram->injectText(BotToken, m_side.customer, u"И ещё вопрос"_s);
        const qint64 next = nextOffer(*m_session);
        QVERIFY(next > 0);
        QVERIFY(next != dialog);
    }

    void theOfferIsNotifiedAndItsNoticeOpensTheDialog()
    {
        QSignalSpy raise(m_session.get(), &Session::raiseRequested);
        m_side.telegram->injectText(BotToken, m_side.customer, u"Hello?"_s);
        const qint64 dialog = nextOffer(*m_session);
        QVERIFY(dialog > 0);
        QCOMPARE(m_sink->shown.size(), 1);
        QCOMPARE(m_sink->shown.first().kind, Notice::Kind::Offer);
        QCOMPARE(m_sink->shown.first().dialogId, dialog);
        QVERIFY(m_sink->shown.first().title.contains(u"Мария"_s));
        m_sink->click(dialog);
        QTRY_COMPARE_WITH_TIMEOUT(m_session->currentDialogId(), dialog, 5000);
        QCOMPARE(raise.count(), 1);
        m_session->accept(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(
            m_sink->withdrawn.contains(std::pair<int, qint64>{int(Notice::Kind::Offer), dialog}), 10000);
    }

    void aCustomerMessageNotOnScreenIsNotifiedAndCountedUnread()
    {
        Conversation *c = acceptCustomerMessage(u"first"_s);
        QVERIFY(c);
        m_sink->shown.clear();
        // The window is in the background: the message is not seen.
        m_session->notifier()->setWindowVisible(true);
        m_session->notifier()->setWindowActive(false);
        m_side.telegram->injectText(BotToken, m_side.customer, u"second"_s);
        QTRY_COMPARE_WITH_TIMEOUT(m_sink->shown.size(), 1, 10000);
        QCOMPARE(m_sink->shown.first().kind, Notice::Kind::Message);
        QCOMPARE(m_sink->shown.first().body, u"second"_s);
        const int row = m_session->dialogs()->rowOf(c->dialogId());
        QVERIFY(role(m_session->dialogs(), row, DialogListModel::UnreadRole).toInt() >= 1);
        // Two more fold into the same notice, with a count.
        m_side.telegram->injectText(BotToken, m_side.customer, u"third"_s);
        QTRY_COMPARE_WITH_TIMEOUT(m_sink->shown.size(), 2, 10000);
        QCOMPARE(m_sink->shown.last().count, 2);
        QCOMPARE(m_session->notifier()->pendingCount(), 1);
    }

    void aMessageInTheDialogOnScreenIsNotNotified()
    {
        Conversation *c = acceptCustomerMessage(u"first"_s);
        QVERIFY(c);
        m_sink->shown.clear();
        m_session->notifier()->setWindowVisible(true);
        m_session->notifier()->setWindowActive(true);
        m_side.telegram->injectText(BotToken, m_side.customer, u"I am here"_s);
        QTRY_VERIFY_WITH_TIMEOUT(rowWithText(c->messages(), u"I am here"_s) >= 0, 10000);
        QTest::qWait(200);
        QVERIFY(m_sink->shown.isEmpty());
    }

    void unreadCountsComeFromTheServerAndReadingClearsThemEverywhere()
    {
        Conversation *c = acceptCustomerMessage(u"first"_s);
        QVERIFY(c);
        const qint64 dialog = c->dialogId();
        m_session->notifier()->setWindowVisible(true);
        m_session->notifier()->setWindowActive(false); // looking elsewhere
        m_side.telegram->injectText(BotToken, m_side.customer, u"second"_s);
        m_side.telegram->injectText(BotToken, m_side.customer, u"third"_s);
        QTRY_VERIFY_WITH_TIMEOUT(rowWithText(c->messages(), u"third"_s) == 0, 10000);

        // The same operator on another computer: the counts come from the server's read markers.
        auto other = newSession();
        logIn(*other, u"olga"_s);
        const int row = other->dialogs()->rowOf(dialog);
        QVERIFY(row >= 0);
        QCOMPARE(role(other->dialogs(), row, DialogListModel::UnreadRole).toInt(), 3);
        QCOMPARE(other->dialogs()->unreadTotal(), 3);

        // Back at the first desk, the window comes to the front with the dialog on screen.
        m_session->notifier()->setWindowActive(true);
        QTRY_COMPARE_WITH_TIMEOUT(m_session->dialogs()->unreadTotal(), 0, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(other->dialogs()->unreadTotal(), 0, 10000); // dialog.read reached it
    }

    void repliesReactionsAndPhotosReachTheCustomer()
    {
        Conversation *c = acceptCustomerMessage(u"Is it in stock?"_s);
        QVERIFY(c);
        const qint64 question = role(c->messages(), 0, MessageListModel::MessageIdRole).toLongLong();

        c->startReply(question);
        QCOMPARE(c->replyToId(), question);
        QCOMPARE(c->replyToSnippet(), u"Is it in stock?"_s);
        QVERIFY(c->send(u"Yes, two left"_s));
        QCOMPARE(c->replyToId(), 0); // the quote went with the message
        QTRY_COMPARE_WITH_TIMEOUT(m_side.telegram->calls(u"sendMessage"_s).size(), 1, 10000);
        const auto send = m_side.telegram->calls(u"sendMessage"_s).first();
        QVERIFY(send.params.value(u"reply_parameters"_s).toObject().contains(u"message_id"_s));
        QTRY_COMPARE_WITH_TIMEOUT(role(c->messages(), 0, MessageListModel::ReplyToIdRole).toLongLong(),
                                  question, 10000);

        c->toggleReaction(question, u"👍"_s);
        QTRY_COMPARE_WITH_TIMEOUT(m_side.telegram->calls(u"setMessageReaction"_s).size(), 1, 10000);
        const int row = c->messages()->rowOfMessage(question);
        const QVariantList chips = role(c->messages(), row, MessageListModel::ReactionsRole).toList();
        QCOMPARE(chips.size(), 1);
        QCOMPARE(chips.first().toMap().value(u"mine"_s).toBool(), true);
        c->toggleReaction(question, u"👍"_s); // taken back
        QTRY_VERIFY_WITH_TIMEOUT(role(c->messages(), row, MessageListModel::ReactionsRole).toList().isEmpty(),
                                 10000);

        const QString photo = m_folders->path(u"shelf.png"_s);
        QFile f(photo);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(pngBytes());
        f.close();
        QCOMPARE(c->sendFiles({QUrl::fromLocalFile(photo)}, u"Here it is"_s), 1);
        QCOMPARE(role(c->messages(), 0, MessageListModel::KindRole).toString(), u"image"_s); // at once
        QCOMPARE(role(c->messages(), 0, MessageListModel::StatusRole).toString(), u"sending"_s);
        QTRY_COMPARE_WITH_TIMEOUT(m_side.telegram->calls(u"sendPhoto"_s).size(), 1, 15000);
        const auto sent = m_side.telegram->calls(u"sendPhoto"_s).first();
        QCOMPARE(sent.uploads.size(), 1);
        QCOMPARE(sent.uploads.first().bytes, pngBytes());
        QCOMPARE(sent.params.value(u"caption"_s).toString(), u"Here it is"_s);
        QTRY_COMPARE_WITH_TIMEOUT(role(c->messages(), 0, MessageListModel::StatusRole).toString(), u"sent"_s,
                                  10000);
        QVERIFY(role(c->messages(), 0, MessageListModel::MessageIdRole).toLongLong() > 0);
    }

    void aMessageTypedWhileDisconnectedGoesOutOnceWhenBack()
    {
        Conversation *c = acceptCustomerMessage(u"hi"_s);
        QVERIFY(c);
        // The network drops; the operator keeps typing.
        m_session->connection()->setBackoff(Backoff{{300}, 0});
        m_session->connection()->abortForTest();
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), Session::State::Reconnecting, 5000);
        QVERIFY(c->send(u"typed offline"_s));
        QCOMPARE(role(c->messages(), 0, MessageListModel::TextRole).toString(), u"typed offline"_s);
        QCOMPARE(role(c->messages(), 0, MessageListModel::StatusRole).toString(), u"sending"_s);
        QCOMPARE(m_session->unsentCount(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), Session::State::Online, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_side.sentTexts(), QStringList{u"typed offline"_s}, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_session->unsentCount(), 0, 5000);
        QCOMPARE(rowWithText(c->messages(), u"typed offline"_s), 0);
        QTest::qWait(500);
        QCOMPARE(m_side.sentTexts().size(), 1); // once
    }

    void unsentMessagesSurviveARestartOfTheDesk()
    {
        Conversation *c = acceptCustomerMessage(u"hi"_s);
        QVERIFY(c);
        const qint64 dialog = c->dialogId();
        const quint16 port = quint16(m_side.url().port());
        m_side.server->stop(); // the server goes away...
        QTRY_VERIFY_WITH_TIMEOUT(m_session->state() == Session::State::Reconnecting, 5000);
        QVERIFY(c->send(u"written while the server was down"_s));
        c->setDraft(u"half a thought"_s);
        m_session.reset(); // ...and the operator quits the desk

        QVERIFY(m_side.server->restart({u"--http.port=%1"_s.arg(port)}));
        m_session = newSession();
        logIn(*m_session, u"olga"_s);
        QTRY_COMPARE_WITH_TIMEOUT(m_side.sentTexts(), QStringList{u"written while the server was down"_s},
                                  15000);
        m_session->openDialog(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(m_session->current() && m_session->currentDialogId() == dialog, 5000);
        QCOMPARE(m_session->current()->draft(), u"half a thought"_s);
    }

    void aMessageTheChannelRefusesShowsWhyAndCanBeSentAgain()
    {
        Conversation *c = acceptCustomerMessage(u"hi"_s);
        QVERIFY(c);
        m_side.telegram->blockChat(m_side.customer.id);
        QVERIFY(c->send(u"are you still there?"_s));
        QTRY_COMPARE_WITH_TIMEOUT(role(c->messages(), 0, MessageListModel::StatusRole).toString(),
                                  u"failed"_s, 15000);
        QVERIFY(role(c->messages(), 0, MessageListModel::FailureRole).toString().contains(u"blocked"_s));
        const qint64 failed = role(c->messages(), 0, MessageListModel::MessageIdRole).toLongLong();

        m_side.telegram->blockChat(m_side.customer.id, false);
        c->resend(failed);
        QTRY_COMPARE_WITH_TIMEOUT(m_side.sentTexts(), QStringList{u"are you still there?"_s}, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(role(c->messages(), 0, MessageListModel::StatusRole).toString(), u"sent"_s,
                                  10000);
        QCOMPARE(c->messages()->rowCount(), 3); // the question, the failed copy, the one that went
    }

    void aSendTheServerRefusesKeepsTheTextWithTheReason()
    {
        Conversation *c = acceptCustomerMessage(u"hi"_s);
        QVERIFY(c);
        // Typed while the connection is down...
        m_session->connection()->setBackoff(Backoff{{1500}, 0});
        m_session->connection()->abortForTest();
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), Session::State::Reconnecting, 5000);
        QVERIFY(c->send(u"one more thing"_s));
        // ...while a supervisor finishes the dialog.
        WsClient supervisor(*m_side.server);
        QVERIFY(supervisor.open());
        QVERIFY(supervisor
                    .hello(m_side.server->login(u"svetlana"_s, desktest::ServerSide::password(u"svetlana"_s)))
                    .value(u"ok"_s)
                    .toBool());
        QVERIFY(
            supervisor.call(u"dialog.finish"_s, {{u"dialog_id"_s, c->dialogId()}}).value(u"ok"_s).toBool());
        QTRY_COMPARE_WITH_TIMEOUT(role(c->messages(), 0, MessageListModel::StatusRole).toString(),
                                  u"failed"_s, 10000);
        QCOMPARE(role(c->messages(), 0, MessageListModel::TextRole).toString(), u"one more thing"_s);
        QVERIFY(!role(c->messages(), 0, MessageListModel::FailureRole).toString().isEmpty());
        QCOMPARE(c->state(), u"closed"_s);
        QCOMPARE(m_session->unsentCount(), 1); // kept until the operator decides
        QVERIFY(m_side.sentTexts().isEmpty());
        c->discard(role(c->messages(), 0, MessageListModel::ClientIdRole).toString());
        QCOMPARE(m_session->unsentCount(), 0);
        QCOMPARE(rowWithText(c->messages(), u"one more thing"_s), -1);
    }

    void eventsMissedWhileDisconnectedArriveWhenBack()
    {
        Conversation *c = acceptCustomerMessage(u"one"_s);
        QVERIFY(c);
        const qint64 dialog = c->dialogId();
        m_session->connection()->setBackoff(Backoff{{1500}, 0});
        QSignalSpy ready(m_session->connection(), &ServerConnection::ready);
        m_session->connection()->abortForTest();
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), Session::State::Reconnecting, 5000);
        m_side.telegram->injectText(BotToken, m_side.customer, u"two"_s);
        m_side.telegram->injectText(BotToken, m_side.customer, u"three"_s);
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 10000);
        QCOMPARE(ready.first().at(0).toBool(), false); // resumed, not reloaded
        QTRY_VERIFY_WITH_TIMEOUT(rowWithText(c->messages(), u"three"_s) >= 0, 10000);
        QCOMPARE(rowWithText(c->messages(), u"three"_s), 0);
        QCOMPARE(rowWithText(c->messages(), u"two"_s), 1);
        QCOMPARE(c->messages()->rowCount(), 3);
        const int row = m_session->dialogs()->rowOf(dialog);
        QCOMPARE(role(m_session->dialogs(), row, DialogListModel::LastMessageRole).toString(), u"three"_s);
    }

    void olderMessagesLoadPageByPage()
    {
        Conversation *c = acceptCustomerMessage(u"message 0"_s);
        QVERIFY(c);
        for (int i = 1; i <= 70; ++i)
            m_side.telegram->injectText(BotToken, m_side.customer, u"message %1"_s.arg(i));
        QTRY_VERIFY_WITH_TIMEOUT(rowWithText(c->messages(), u"message 70"_s) == 0, 20000);
        // Open it afresh: the first page is the newest 50.
        const qint64 dialog = c->dialogId(); // c goes with the close
        m_session->workspace()->closeConversation(dialog);
        m_session->openDialog(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(m_session->current() && m_session->currentDialogId() == dialog, 5000);
        Conversation *again = m_session->current();
        QTRY_COMPARE_WITH_TIMEOUT(again->messages()->rowCount(), 50, 10000);
        QVERIFY(again->messages()->hasMore());
        QCOMPARE(role(again->messages(), 0, MessageListModel::TextRole).toString(), u"message 70"_s);
        again->messages()->fetchMore({});
        QTRY_COMPARE_WITH_TIMEOUT(again->messages()->rowCount(), 71, 10000);
        QVERIFY(!again->messages()->hasMore());
        QCOMPARE(role(again->messages(), 70, MessageListModel::TextRole).toString(), u"message 0"_s);
    }

    void jumpingToAQuotedMessagePagesBackToIt()
    {
        Conversation *c = acceptCustomerMessage(u"the original question"_s);
        QVERIFY(c);
        const qint64 original = role(c->messages(), 0, MessageListModel::MessageIdRole).toLongLong();
        for (int i = 1; i <= 60; ++i)
            m_side.telegram->injectText(BotToken, m_side.customer, u"filler %1"_s.arg(i));
        QTRY_VERIFY_WITH_TIMEOUT(rowWithText(c->messages(), u"filler 60"_s) == 0, 20000);
        const qint64 dialog = c->dialogId(); // c goes with the close
        m_session->workspace()->closeConversation(dialog);
        m_session->openDialog(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(m_session->current() && m_session->currentDialogId() == dialog, 5000);
        Conversation *again = m_session->current();
        QTRY_COMPARE_WITH_TIMEOUT(again->messages()->rowCount(), 50, 10000);
        QSignalSpy shown(again, &Conversation::messageShown);
        again->showMessage(original);
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, 10000);
        QCOMPARE(shown.first().at(1).toLongLong(), original);
        QCOMPARE(again->messages()->rowOfMessage(original), shown.first().at(0).toInt());
    }

    void draftsAndQuotesStayWithTheirDialog()
    {
        Conversation *first = acceptCustomerMessage(u"from Maria"_s);
        QVERIFY(first);
        FakeTelegram::Customer other;
        other.id = 555000222;
        other.firstName = u"Pavel"_s;
        m_side.telegram->addChat(BotToken, other);
        m_side.telegram->injectText(BotToken, other, u"from Pavel"_s);
        const qint64 second = nextOffer(*m_session);
        QVERIFY(second > 0);
        m_session->accept(second);
        QTRY_VERIFY_WITH_TIMEOUT(m_session->currentDialogId() == second && m_session->current()->canWrite(),
                                 10000);
        Conversation *pavel = m_session->current();
        QTRY_VERIFY_WITH_TIMEOUT(pavel->messages()->rowCount() == 1, 10000);

        first->setDraft(u"Maria, about your order"_s);
        pavel->setDraft(u"Pavel, one moment"_s);
        pavel->startReply(role(pavel->messages(), 0, MessageListModel::MessageIdRole).toLongLong());
        m_session->showNext(1);
        QCOMPARE(m_session->current(), first);
        QCOMPARE(m_session->current()->draft(), u"Maria, about your order"_s);
        QCOMPARE(m_session->current()->replyToId(), 0);
        m_session->showNext(1);
        QCOMPARE(m_session->current(), pavel);
        QCOMPARE(pavel->draft(), u"Pavel, one moment"_s);
        QVERIFY(pavel->replyToId() > 0);
        QCOMPARE(m_session->openConversations()->rowCount(), 2);
    }

    void onlyTheRecentlyShownConversationsKeepTheirPageDrawn()
    {
        // Ten dialogs served one after another (finished ones stay open on the desk).
        QList<qint64> served;
        for (int i = 0; i < 10; ++i) {
            FakeTelegram::Customer customer;
            customer.id = 555100000 + i;
            customer.firstName = u"Customer %1"_s.arg(i);
            m_side.telegram->addChat(BotToken, customer);
            m_side.telegram->injectText(BotToken, customer, u"hello %1"_s.arg(i));
            const qint64 dialog = nextOffer(*m_session);
            QVERIFY(dialog > 0);
            m_session->accept(dialog);
            QTRY_VERIFY_WITH_TIMEOUT(
                m_session->currentDialogId() == dialog && m_session->current()->canWrite(), 10000);
            m_session->finish(dialog);
            QTRY_COMPARE_WITH_TIMEOUT(m_session->current()->state(), u"closed"_s, 10000);
            served.append(dialog);
        }
        QAbstractItemModel *open = m_session->openConversations();
        QCOMPARE(open->rowCount(), 10);
        const auto live = [&](qint64 dialog) {
            for (int row = 0; row < open->rowCount(); ++row) {
                if (role(open, row, ConversationListModel::DialogIdRole).toLongLong() == dialog)
                    return role(open, row, ConversationListModel::LiveRole).toBool();
            }
            return false;
        };
        for (int i = 0; i < served.size(); ++i)
            QVERIFY2(live(served.at(i)) == (i >= 2), qPrintable(u"dialog %1"_s.arg(i)));

        // Showing the oldest again brings its page back; the least recently shown of the others lets go.
        Conversation *oldest = m_session->workspace()->conversation(served.first());
        oldest->setViewState({{u"atNewest"_s, false}, {u"index"_s, 0}});
        m_session->openDialog(served.first());
        QTRY_COMPARE_WITH_TIMEOUT(m_session->currentDialogId(), served.first(), 5000);
        QCOMPARE(m_session->current(), oldest); // the same conversation, with its data and where it was
        QCOMPARE(oldest->viewState().value(u"atNewest"_s).toBool(), false);
        QVERIFY(live(served.first()));
        QVERIFY(!live(served.at(1)));
        QVERIFY(!live(served.at(2)));
        QVERIFY(live(served.at(3)));
        QCOMPARE(open->rowCount(), 10);
    }

    void aTransferHandsTheDialogToAColleague()
    {
        Conversation *c = acceptCustomerMessage(u"I need returns"_s);
        QVERIFY(c);
        auto petr = newSession();
        logIn(*petr, u"petr"_s);
        m_session->refreshOperators();
        QTRY_VERIFY_WITH_TIMEOUT(m_session->operators()->rowCount() >= 3, 5000);
        QSignalSpy notice(m_session.get(), &Session::notice);
        m_session->transferToOperator(c->dialogId(), m_side.operatorIds.at(1));
        QTRY_COMPARE_WITH_TIMEOUT(m_session->dialogs()->rowOf(c->dialogId()), -1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(petr->dialogs()->rowOf(c->dialogId()) >= 0, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!notice.isEmpty(), 5000);
        QVERIFY(!c->canWrite());
        QCOMPARE(m_session->dialogs()->mineCount(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(petr->dialogs()->mineCount(), 1, 5000);

        // Petr sends it on to a queue.
        petr->openDialog(c->dialogId());
        QTRY_VERIFY_WITH_TIMEOUT(petr->current() && petr->current()->canWrite(), 10000);
        petr->transferToQueue(c->dialogId(), m_side.second);
        QTRY_COMPARE_WITH_TIMEOUT(petr->dialogs()->rowOf(c->dialogId()), -1, 10000);
    }

    void aSupervisorSeesLiveQueueFigures()
    {
        auto supervisor = newSession();
        logIn(*supervisor, u"svetlana"_s);
        QVERIFY(supervisor->isStaff());
        QTRY_COMPARE_WITH_TIMEOUT(supervisor->queues()->rowCount(), 2, 5000);
        m_session->setPresence(u"away"_s); // nobody takes the dialog
        QTRY_COMPARE_WITH_TIMEOUT(m_session->presence(), u"away"_s, 5000);
        m_side.telegram->injectText(BotToken, m_side.customer, u"waiting here"_s);
        QTRY_COMPARE_WITH_TIMEOUT(supervisor->queues()->waitingTotal(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(supervisor->dialogs()->rowCount(), 1, 10000);
        QCOMPARE(role(supervisor->dialogs(), 0, DialogListModel::SectionRole).toString(), u"waiting"_s);
        const int olga = [&] {
            for (int i = 0; i < supervisor->operators()->rowCount(); ++i)
                if (role(supervisor->operators(), i, OperatorListModel::LoginRole).toString() == u"olga"_s)
                    return i;
            return -1;
        }();
        QVERIFY(olga >= 0);
        QTRY_COMPARE_WITH_TIMEOUT(
            role(supervisor->operators(), olga, OperatorListModel::PresenceRole).toString(), u"away"_s,
            10000);
    }

    void loginMistakesAreExplained_data()
    {
        QTest::addColumn<QString>("server");
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("says");
        QTest::newRow("wrong password") << QString() << u"not-the-password"_s << u"Wrong login or password"_s;
        QTest::newRow("no server there") << u"http://127.0.0.1:1"_s << u"x"_s << u"Cannot reach the server"_s;
        QTest::newRow("no address") << u"  "_s << u"x"_s << u"Enter the server address"_s;
    }
    void loginMistakesAreExplained()
    {
        QFETCH(QString, server);
        QFETCH(QString, password);
        QFETCH(QString, says);
        auto s = newSession();
        s->login(server.isNull() ? m_side.url().toString() : server, u"petr"_s, password, false);
        QTRY_VERIFY_WITH_TIMEOUT(s->loginError().contains(says), 10000);
        QCOMPARE(s->state(), Session::State::LoggedOut);
    }

    void loggingOutReturnsToTheLoginPage()
    {
        m_session->logout();
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), Session::State::LoggedOut, 10000);
        QCOMPARE(m_session->dialogs()->rowCount(), 0);
        QCOMPARE(m_session->loginError(), QString());
        QCOMPARE(m_session->connection()->state(), ServerConnection::State::Idle);
    }

    void aRevokedSessionSendsTheOperatorBackToTheLogin()
    {
        WsClient admin(*m_side.server);
        QVERIFY(admin.open());
        QVERIFY(admin.hello(m_side.server->adminToken()).value(u"ok"_s).toBool());
        QVERIFY(admin.call(u"users.revoke_sessions"_s, {{u"id"_s, m_side.operatorIds.at(0)}})
                    .value(u"ok"_s)
                    .toBool());
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), Session::State::LoggedOut, 10000);
        QVERIFY(m_session->loginError().contains(u"log in again"_s));
        QCOMPARE(m_session->connection()->state(), ServerConnection::State::Idle);
    }
};

QTEST_MAIN(TestDeskSession)
#include "tst_desk_session.moc"
