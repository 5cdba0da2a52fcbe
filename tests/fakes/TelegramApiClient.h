#pragma once

// A small Bot API client for the emulator's tests: synchronous calls on top of QNetworkAccessManager.
#include "telegram/FakeTelegram.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>

inline const QString kTestToken = QStringLiteral("123456789:AAHfakeTokenForTests_abcdefghijklmn");

struct ApiReply {
    int status = 0;
    QJsonObject body;
    QByteArray raw;
};

inline FakeTelegramCustomer testCustomer()
{
    FakeTelegramCustomer c;
    c.id = 100000001;
    c.firstName = QStringLiteral("Ivan");
    c.lastName = QStringLiteral("Petrov");
    c.username = QStringLiteral("ivan_petrov");
    c.languageCode = QStringLiteral("ru");
    return c;
}

class TelegramApiClient {
public:
    explicit TelegramApiClient(FakeTelegram *fake) : m_fake(fake)
    {
        m_network.setProxy(QNetworkProxy::NoProxy);
    }

    QNetworkAccessManager &network() { return m_network; }

    QUrl methodUrl(const QString &method, const QString &token = kTestToken) const
    {
        QUrl url = m_fake->baseUrl();
        url.setPath(QStringLiteral("/bot") + token + QStringLiteral("/") + method);
        return url;
    }

    QNetworkReply *postJson(const QString &method, const QJsonObject &params,
                            const QString &token = kTestToken)
    {
        QNetworkRequest request(methodUrl(method, token));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setTransferTimeout(120000);
        return m_network.post(request, QJsonDocument(params).toJson(QJsonDocument::Compact));
    }

    static ApiReply finish(QNetworkReply *reply)
    {
        if (!reply->isFinished()) {
            QSignalSpy finished(reply, &QNetworkReply::finished);
            finished.wait(20000);
        }
        ApiReply result;
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.raw = reply->readAll();
        result.body = QJsonDocument::fromJson(result.raw).object();
        reply->deleteLater();
        return result;
    }

    ApiReply call(const QString &method, const QJsonObject &params = {}, const QString &token = kTestToken)
    {
        return finish(postJson(method, params, token));
    }

    ApiReply get(const QUrl &url) { return finish(m_network.get(QNetworkRequest(url))); }

    QJsonArray updates(const QJsonObject &params = {})
    {
        return call(QStringLiteral("getUpdates"), params).body.value(QStringLiteral("result")).toArray();
    }

private:
    FakeTelegram *m_fake;
    QNetworkAccessManager m_network;
};
