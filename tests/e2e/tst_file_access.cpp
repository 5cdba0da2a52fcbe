// Who may read a stored file, through the real server and the Telegram emulator on both storage backends
// (docs/files.md): staff read every file; an operator reads a file they uploaded, or one a message shows in a
// dialog they may read (offered to them now, assigned to them, or finished by them), and gets 403 for any
// other; the thumbnail follows its image. A message may show only files its author may read.
#include "ConversationTest.h"

using namespace Qt::StringLiterals;
using e2e::errorCode;
using e2e::pngBytes;
using e2e::Token;

class TestFileAccess : public e2e::ConversationTest {
    Q_OBJECT

    QString m_supervisorToken;
    QString m_strangerToken; // an operator outside the queue

    // The HTTP status of a download of the file (or of its thumbnail) with this token.
    int fetch(const QString &token, const QString &fileId, bool thumbnail = false)
    {
        const QString path = u"/api/v1/files/"_s + fileId + (thumbnail ? u"?thumbnail=1"_s : QString());
        return m_server->request("GET", path, {}, token).status;
    }

    // The statuses of the file and of its thumbnail for each of these tokens, in order.
    QList<int> fetchAll(const QList<QString> &tokens, const QString &fileId)
    {
        QList<int> out;
        for (const QString &token : tokens)
            out << fetch(token, fileId) << fetch(token, fileId, true);
        return out;
    }

    // The customer sends a photo; returns its file id once the fetcher has stored it (empty on timeout).
    // `reader` is a client that may read the dialog.
    QString customerPhoto(WsClient &reader, qint64 *dialog)
    {
        FakeTelegram::Media photo;
        photo.bytes = pngBytes();
        photo.caption = u"Чек"_s;
        m_telegram->injectPhoto(Token, m_customer, photo);
        const QJsonObject offer = reader.waitEvent(u"dialog.offered"_s, 15000);
        *dialog = offeredDialog(offer);
        return fileOf(reader, *dialog);
    }

    // The file id of the dialog's newest message once it is ready (empty when it does not get ready).
    static QString fileOf(WsClient &reader, qint64 dialog)
    {
        QString id;
        (void)QTest::qWaitFor(
            [&] {
                const QJsonArray messages = reader.call(u"dialog.history"_s, {{u"dialog_id"_s, dialog}})
                                                .value(u"result"_s)
                                                .toObject()
                                                .value(u"messages"_s)
                                                .toArray();
                const QJsonObject file =
                    messages.at(0).toObject().value(u"content"_s).toObject().value(u"file"_s).toObject();
                id = file.value(u"state"_s) == u"ready"_s ? file.value(u"id"_s).toString() : QString();
                return !id.isEmpty();
            },
            15000);
        return id;
    }

    QJsonObject sendImage(WsClient &client, qint64 dialog, const QString &clientId, const QString &fileId,
                          const QString &thumbnailId = {})
    {
        QJsonObject file{{u"id"_s, fileId}, {u"state"_s, u"ready"_s}};
        if (!thumbnailId.isEmpty())
            file.insert(u"thumbnail_id"_s, thumbnailId);
        return client.call(u"message.send"_s,
                           {{u"dialog_id"_s, dialog},
                            {u"client_id"_s, clientId},
                            {u"content"_s, QJsonObject{{u"kind"_s, u"image"_s}, {u"file"_s, file}}}});
    }

    QString uploadAs(const QString &token, const QByteArray &bytes)
    {
        auto r = m_server->request("POST", u"/api/v1/files"_s, bytes, token, {{"X-File-Name", "pic.png"}});
        return r.status == 201 ? r.json.value(u"id"_s).toString() : QString();
    }

private Q_SLOTS:
    void initTestCase_data() { StorageTestBackend::addBackendRows(); }
    void init()
    {
        start();
        setUpChannel();
        m_supervisorToken = m_server->createUserAndLogin(u"sara"_s, u"supervisor"_s);
        m_strangerToken = m_server->createUserAndLogin(u"stranger"_s);
        QVERIFY(!m_supervisorToken.isEmpty() && !m_strangerToken.isEmpty());
    }
    void cleanup() { stop(); }

    void theOperatorOfferedADialogReadsItsFilesAndNobodyElseDoes()
    {
        auto petr = connectSecondOperator();
        QVERIFY(petr);
        qint64 dialog = 0;
        const QString file = customerPhoto(*m_operator, &dialog); // Olga waited longest: hers
        QVERIFY(!file.isEmpty());

        QCOMPARE(fetchAll({m_operatorToken, m_supervisorToken, m_server->adminToken()}, file),
                 QList<int>({200, 200, 200, 200, 200, 200}));
        QCOMPARE(fetchAll({m_secondToken, m_strangerToken}, file), QList<int>({403, 403, 403, 403}));
        const auto refused = m_server->request("GET", u"/api/v1/files/"_s + file, {}, m_secondToken);
        QCOMPARE(refused.json.value(u"error"_s).toObject().value(u"code"_s).toString(), u"forbidden"_s);
        QVERIFY(!refused.json.value(u"error"_s).toObject().value(u"message"_s).toString().isEmpty());

        // Declined: the offer, and the files with it, go to Petr.
        QVERIFY(m_operator->call(u"dialog.decline"_s, {{u"dialog_id"_s, dialog}}).value(u"ok"_s).toBool());
        QCOMPARE(offeredDialog(petr->waitEvent(u"dialog.offered"_s)), dialog);
        QCOMPARE(fetchAll({m_secondToken, m_operatorToken}, file), QList<int>({200, 200, 403, 403}));
    }

    void theAssignedOperatorReadsTheFilesUntilTheDialogMovesOnAndAfterFinishing()
    {
        auto petr = connectSecondOperator();
        QVERIFY(petr);
        qint64 dialog = 0;
        const QString file = customerPhoto(*m_operator, &dialog);
        QVERIFY(!file.isEmpty());
        QVERIFY(m_operator->call(u"dialog.accept"_s, {{u"dialog_id"_s, dialog}}).value(u"ok"_s).toBool());
        QCOMPARE(fetchAll({m_operatorToken, m_secondToken}, file), QList<int>({200, 200, 403, 403}));

        // Transferred to Petr: his now, no longer Olga's.
        QVERIFY(m_operator
                    ->call(u"dialog.transfer"_s,
                           {{u"dialog_id"_s, dialog}, {u"operator_id"_s, m_operatorIds.at(1)}})
                    .value(u"ok"_s)
                    .toBool());
        QCOMPARE(fetchAll({m_secondToken, m_operatorToken}, file), QList<int>({200, 200, 403, 403}));

        // Finished by Petr: he keeps reading the dialog he served, and so its files.
        QVERIFY(petr->call(u"dialog.finish"_s, {{u"dialog_id"_s, dialog}}).value(u"ok"_s).toBool());
        QCOMPARE(fetchAll({m_secondToken, m_operatorToken, m_strangerToken}, file),
                 QList<int>({200, 200, 403, 403, 403, 403}));
    }

    void anUploadIsTheUploadersUntilAMessageShowsItInADialog()
    {
        m_telegram->injectText(Token, m_customer, u"Пришлите схему"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        const QString file = uploadAs(m_operatorToken, pngBytes());
        QVERIFY(!file.isEmpty());
        QCOMPARE(fetchAll({m_operatorToken, m_secondToken, m_supervisorToken}, file),
                 QList<int>({200, 200, 403, 403, 200, 200}));

        const QJsonObject sent = sendImage(*m_operator, dialog, u"img-1"_s, file);
        QVERIFY2(sent.value(u"ok"_s).toBool(), QJsonDocument(sent).toJson().constData());
        QCOMPARE(fetch(m_secondToken, file), 403);
        // Whoever takes the dialog over reads what it shows.
        auto petr = connectSecondOperator();
        QVERIFY(petr);
        QVERIFY(m_operator
                    ->call(u"dialog.transfer"_s,
                           {{u"dialog_id"_s, dialog}, {u"operator_id"_s, m_operatorIds.at(1)}})
                    .value(u"ok"_s)
                    .toBool());
        QCOMPARE(fetchAll({m_secondToken, m_strangerToken}, file), QList<int>({200, 200, 403, 403}));
        QCOMPARE(fetch(m_operatorToken, file), 200); // still her own upload
    }

    void aMessageMayShowOnlyFilesItsAuthorMayRead()
    {
        m_telegram->injectText(Token, m_customer, u"hello"_s);
        const qint64 dialog = acceptNextOffer();
        QVERIFY(dialog > 0);
        const QByteArray png = pngBytes();
        const QString petrs = uploadAs(m_secondToken, png);
        const QString myImage = uploadAs(m_operatorToken, png + QByteArray(1, '\0'));
        const QString myThumbnail = uploadAs(m_operatorToken, png + QByteArray(2, '\0'));
        QVERIFY(!petrs.isEmpty() && !myImage.isEmpty() && !myThumbnail.isEmpty());

        QCOMPARE(errorCode(sendImage(*m_operator, dialog, u"f-1"_s, petrs)), u"forbidden"_s);
        // As the thumbnail of an image of her own: refused too; an unknown thumbnail is a bad argument.
        QCOMPARE(errorCode(sendImage(*m_operator, dialog, u"f-2"_s, myImage, petrs)), u"forbidden"_s);
        QCOMPARE(errorCode(sendImage(*m_operator, dialog, u"f-3"_s, myImage, QString(64, u'e'))),
                 u"bad_args"_s);
        // A document too.
        QCOMPARE(errorCode(m_operator->call(
                     u"message.send"_s,
                     {{u"dialog_id"_s, dialog},
                      {u"client_id"_s, u"f-4"_s},
                      {u"content"_s,
                       QJsonObject{{u"kind"_s, u"document"_s},
                                   {u"file"_s, QJsonObject{{u"id"_s, petrs}, {u"state"_s, u"ready"_s}}}}}})),
                 u"forbidden"_s);
        QCOMPARE(fetch(m_operatorToken, petrs), 403); // nothing was stored that shows it
        QCOMPARE(history(dialog).size(), 1);

        // Her own files she may send, the image with its thumbnail.
        const QJsonObject sent = sendImage(*m_operator, dialog, u"f-5"_s, myImage, myThumbnail);
        QVERIFY2(sent.value(u"ok"_s).toBool(), QJsonDocument(sent).toJson().constData());
    }

    void aThumbnailMadeByTheServerIsReadThroughItsImage()
    {
        qint64 dialog = 0;
        const QString file = customerPhoto(*m_operator, &dialog);
        QVERIFY(!file.isEmpty());
        const auto thumbnail =
            m_server->request("GET", u"/api/v1/files/%1?thumbnail=1"_s.arg(file), {}, m_operatorToken);
        QCOMPARE(thumbnail.status, 200);
        const QString thumbnailId = QString::fromLatin1(thumbnail.header("ETag")).remove(u'"');
        QVERIFY(thumbnailId.size() == 64 && thumbnailId != file);
        // By its own id it is a file no message shows: staff only (docs/files.md).
        QCOMPARE(fetch(m_operatorToken, thumbnailId), 403);
        QCOMPARE(fetch(m_supervisorToken, thumbnailId), 200);
    }
};

QTEST_GUILESS_MAIN(TestFileAccess)
#include "tst_file_access.moc"
