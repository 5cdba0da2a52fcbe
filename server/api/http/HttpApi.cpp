#include "api/http/HttpApi.h"

#include "api/AccountArgs.h"
#include "api/ChannelArgs.h"
#include "api/http/HttpReply.h"
#include "core/JsonArgs.h"
#include "core/Metrics.h"
#include "core/Time.h"
#include "storage/Database.h"

#include <QDateTime>
#include <QJsonArray>

namespace era::api {

using namespace Qt::StringLiterals;
using Method = QHttpServerRequest::Method;
using Code = QHttpServerResponder::StatusCode;
using accounts::Principal;
using accounts::User;

static QString clientAddress(const QHttpServerRequest &request)
{
    return request.remoteAddress().toString();
}

HttpApi::HttpApi(QHttpServer &server, accounts::AccountService &accounts, channels::ChannelService &channels,
                 storage::Database &db, Metrics &metrics, Options options, QObject *parent)
    : QObject(parent), m_server(server), m_accounts(accounts), m_channels(channels), m_db(db),
      m_metrics(metrics), m_options(std::move(options))
{
    m_uptime.start();
    m_metrics.describe("era_http_requests_total", "counter", "HTTP requests by route pattern and status.");
    m_metrics.describe("era_uptime_seconds", "gauge", "Seconds since era-server started.");
    routes();
    channelRoutes();
}

bool HttpApi::bodyFits(const QByteArray &raw, HttpReply &reply) const
{
    if (raw.size() <= m_options.maxBodyBytes)
        return true;
    reply.error({u"too_large"_s, u"the body is larger than %1 bytes"_s.arg(m_options.maxBodyBytes),
                 QJsonObject{{u"max_bytes"_s, m_options.maxBodyBytes}}});
    return false;
}

std::optional<QJsonObject> HttpApi::body(const QByteArray &raw, HttpReply &reply) const
{
    if (!bodyFits(raw, reply))
        return std::nullopt;
    auto parsed = parseJsonObject(raw);
    if (!parsed) {
        reply.error(parsed.error());
        return std::nullopt;
    }
    return *parsed;
}

void HttpApi::withPrincipal(const QHttpServerRequest &request, HttpReply reply, AuthedHandler handler)
{
    const QByteArray header = request.value("Authorization");
    if (!header.startsWith("Bearer ")) {
        reply.error({u"unauthorized"_s, u"send the token as 'Authorization: Bearer <token>'"_s});
        return;
    }
    RequestData data{request.body(), clientAddress(request)};
    m_accounts.authenticate(QString::fromLatin1(header.mid(7).trimmed()), this,
                            [reply, data, handler](Result<Principal> who) mutable {
                                if (!who)
                                    reply.error(who.error());
                                else
                                    handler(*who, data, reply);
                            });
}

void HttpApi::routes()
{
    auto on = [this](const QString &path, Method method, const QByteArray &label, Handler handler) {
        m_server.route(
            path, method,
            [this, label, handler](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                HttpReply reply(std::move(responder), label, &m_metrics);
                handler(request, reply);
            });
    };
    auto authed = [this, on](const QString &path, Method method, AuthedHandler handler) {
        on(path, method, path.toUtf8(), [this, handler](const QHttpServerRequest &request, HttpReply &reply) {
            withPrincipal(request, reply, handler);
        });
    };
    // Routes with an id in the path: QHttpServer passes the captured number first.
    auto onUser =
        [this](const QString &path, Method method,
               std::function<void(qint64, const Principal &, const RequestData &, HttpReply &)> handler) {
            m_server.route(path, method,
                           [this, path, handler](qint64 id, const QHttpServerRequest &request,
                                                 QHttpServerResponder &&responder) {
                               HttpReply reply(std::move(responder), path.toUtf8(), &m_metrics);
                               withPrincipal(request, reply,
                                             [id, handler](const Principal &p, const RequestData &r,
                                                           HttpReply &rep) { handler(id, p, r, rep); });
                           });
        };

    on(u"/healthz"_s, Method::Get, "/healthz", [this](const QHttpServerRequest &, HttpReply &reply) {
        if (m_shuttingDown) {
            reply.json(QJsonObject{{u"status"_s, u"shutting_down"_s}}, Code::ServiceUnavailable);
            return;
        }
        const qint64 uptime = m_uptime.elapsed() / 1000;
        m_db.read<qint64>(
            this,
            [](storage::Connection &c) -> Result<qint64> {
                auto r = c.exec(u"SELECT 1"_s);
                if (!r)
                    return r.error();
                return r->at(0, 0).toLongLong();
            },
            [reply, uptime](Result<qint64> r) mutable {
                QJsonObject body{{u"status"_s, r ? u"ok"_s : u"degraded"_s},
                                 {u"version"_s, QStringLiteral(ERA_VERSION)},
                                 {u"uptime_seconds"_s, uptime},
                                 {u"database"_s, r ? u"ok"_s : r.error().message}};
                reply.json(body, r ? Code::Ok : Code::ServiceUnavailable);
            });
    });

    on(u"/metrics"_s, Method::Get, "/metrics", [this](const QHttpServerRequest &, HttpReply &reply) {
        m_metrics.set("era_uptime_seconds", {}, double(m_uptime.elapsed()) / 1000.0);
        if (m_options.refreshGauges)
            m_options.refreshGauges();
        reply.text(m_metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
    });

    on(u"/api/v1/auth/login"_s, Method::Post, "/api/v1/auth/login",
       [this](const QHttpServerRequest &request, HttpReply &reply) {
           auto args = body(request.body(), reply);
           if (!args)
               return;
           if (Status s = checkArgs(*args, {{u"login"_s}, {u"password"_s}}); !s) {
               reply.error(s.error());
               return;
           }
           m_accounts.login(args->value(u"login"_s).toString(), args->value(u"password"_s).toString(),
                            clientAddress(request), this,
                            [reply](Result<accounts::AccountService::Login> r) mutable {
                                if (!r) {
                                    reply.error(r.error());
                                    return;
                                }
                                reply.json(QJsonObject{{u"token"_s, r->token},
                                                       {u"expires_at"_s, isoTime(r->expiresAt)},
                                                       {u"user"_s, r->user.toJson()}});
                            });
       });

    authed(u"/api/v1/auth/logout"_s, Method::Post,
           [this](const Principal &who, const RequestData &, HttpReply &reply) {
               m_accounts.logout(who, this, [reply](Result<Done> r) mutable {
                   r ? reply.noContent() : reply.error(r.error());
               });
           });

    authed(u"/api/v1/me"_s, Method::Get, [](const Principal &who, const RequestData &, HttpReply &reply) {
        reply.json(QJsonObject{{u"user"_s, who.user.toJson()},
                               {u"session_id"_s, who.sessionId},
                               {u"expires_at"_s, isoTime(who.expiresAt)}});
    });

    authed(u"/api/v1/me/password"_s, Method::Post,
           [this](const Principal &who, const RequestData &request, HttpReply &reply) {
               auto args = body(request.body, reply);
               if (!args)
                   return;
               if (Status s = checkArgs(*args, {{u"current_password"_s}, {u"new_password"_s}}); !s) {
                   reply.error(s.error());
                   return;
               }
               m_accounts.changeOwnPassword(
                   who, args->value(u"current_password"_s).toString(),
                   args->value(u"new_password"_s).toString(), this,
                   [reply](Result<Done> r) mutable { r ? reply.noContent() : reply.error(r.error()); });
           });

    authed(u"/api/v1/users"_s, Method::Get,
           [this](const Principal &who, const RequestData &, HttpReply &reply) {
               m_accounts.listUsers(who, this, [reply](Result<QList<User>> r) mutable {
                   if (!r) {
                       reply.error(r.error());
                       return;
                   }
                   QJsonArray users;
                   for (const User &u : *r)
                       users.append(u.toJson());
                   reply.json(QJsonObject{{u"users"_s, users}});
               });
           });

    authed(
        u"/api/v1/users"_s, Method::Post,
        [this](const Principal &who, const RequestData &request, HttpReply &reply) {
            auto args = body(request.body, reply);
            if (!args)
                return;
            auto spec = newUserFrom(*args);
            if (!spec) {
                reply.error(spec.error());
                return;
            }
            m_accounts.createUser(who, *spec, this, [reply](Result<User> r) mutable {
                r ? reply.json(QJsonObject{{u"user"_s, r->toJson()}}, Code::Created) : reply.error(r.error());
            });
        });

    onUser(u"/api/v1/users/<arg>"_s, Method::Patch,
           [this](qint64 id, const Principal &who, const RequestData &request, HttpReply &reply) {
               auto args = body(request.body, reply);
               if (!args)
                   return;
               auto patch = userPatchFrom(*args);
               if (!patch) {
                   reply.error(patch.error());
                   return;
               }
               m_accounts.updateUser(who, id, *patch, this, [reply](Result<User> r) mutable {
                   r ? reply.json(QJsonObject{{u"user"_s, r->toJson()}}) : reply.error(r.error());
               });
           });

    onUser(u"/api/v1/users/<arg>/sessions"_s, Method::Delete,
           [this](qint64 id, const Principal &who, const RequestData &, HttpReply &reply) {
               m_accounts.revokeSessions(who, id, this, [reply](Result<qint64> r) mutable {
                   r ? reply.json(QJsonObject{{u"revoked"_s, *r}}) : reply.error(r.error());
               });
           });
}

void HttpApi::channelRoutes()
{
    using channels::Channel;
    auto authed = [this](const QString &path, Method method, AuthedHandler handler) {
        m_server.route(
            path, method,
            [this, path, handler](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                withPrincipal(request, HttpReply(std::move(responder), path.toUtf8(), &m_metrics), handler);
            });
    };
    auto withId =
        [this](const QString &path, Method method,
               std::function<void(qint64, const Principal &, const RequestData &, HttpReply &)> handler) {
            m_server.route(path, method,
                           [this, path, handler](qint64 id, const QHttpServerRequest &request,
                                                 QHttpServerResponder &&responder) {
                               withPrincipal(request,
                                             HttpReply(std::move(responder), path.toUtf8(), &m_metrics),
                                             [id, handler](const Principal &p, const RequestData &r,
                                                           HttpReply &rep) { handler(id, p, r, rep); });
                           });
        };

    authed(u"/api/v1/channels"_s, Method::Get,
           [this](const Principal &who, const RequestData &, HttpReply &reply) {
               m_channels.list(who, this, [reply](Result<QList<Channel>> r) mutable {
                   r ? reply.json(channelsJson(*r)) : reply.error(r.error());
               });
           });
    authed(u"/api/v1/channels"_s, Method::Post,
           [this](const Principal &who, const RequestData &request, HttpReply &reply) {
               auto args = body(request.body, reply);
               if (!args)
                   return;
               auto spec = newChannelFrom(*args);
               if (!spec)
                   return reply.error(spec.error());
               m_channels.create(who, *spec, this, [reply](Result<Channel> r) mutable {
                   r ? reply.json(channelJson(*r), Code::Created) : reply.error(r.error());
               });
           });
    withId(u"/api/v1/channels/<arg>"_s, Method::Patch,
           [this](qint64 id, const Principal &who, const RequestData &request, HttpReply &reply) {
               auto args = body(request.body, reply);
               if (!args)
                   return;
               auto patch = channelPatchFrom(*args);
               if (!patch)
                   return reply.error(patch.error());
               m_channels.update(who, id, *patch, this, [reply](Result<Channel> r) mutable {
                   r ? reply.json(channelJson(*r)) : reply.error(r.error());
               });
           });
    withId(u"/api/v1/channels/<arg>"_s, Method::Delete,
           [this](qint64 id, const Principal &who, const RequestData &, HttpReply &reply) {
               m_channels.remove(who, id, this, [reply](Result<Done> r) mutable {
                   r ? reply.noContent() : reply.error(r.error());
               });
           });

    // Provider webhooks: no bearer token; the channel's connector checks the provider's own secret.
    m_server.route(
        u"/api/v1/webhooks/<arg>"_s, Method::Post,
        [this](qint64 channelId, const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            HttpReply reply(std::move(responder), "/api/v1/webhooks/<arg>", &m_metrics);
            if (!bodyFits(request.body(), reply))
                return;
            channels::Connector *connector =
                m_options.connectorFor ? m_options.connectorFor(channelId) : nullptr;
            if (!connector)
                return reply.error({u"not_found"_s, u"no running channel %1"_s.arg(channelId)});
            channels::WebhookRequest hook;
            for (const auto &[name, value] : request.headers())
                hook.headers.append({name.toLower(), value});
            hook.body = request.body();
            connector->handleWebhook(hook, [reply](channels::WebhookReply r) mutable {
                reply.text(r.body, "application/json", Code(r.status));
            });
        });
}

} // namespace era::api
