// The WebSocket commands (docs/protocol.md): each checks its arguments and calls the application service.
#include "api/AccountArgs.h"
#include "api/ws/Gateway.h"
#include "api/ws/WsSession.h"
#include "core/JsonArgs.h"
#include "core/Time.h"

#include <QDateTime>
#include <QJsonArray>
#include <QPointer>

namespace era::api {

using namespace Qt::StringLiterals;
using accounts::User;

// Adapts a service result to a command reply, shaping the value into the result object.
template <typename T, typename Shape>
static auto answer(Gateway::Reply reply, Shape shape)
{
    return [reply = std::move(reply), shape = std::move(shape)](Result<T> r) {
        if (!r)
            reply(r.error());
        else
            reply(shape(*r));
    };
}

void Gateway::registerCommands()
{
    m_commands.insert(u"ping"_s, [](WsSession &, const QJsonObject &args, Reply reply) {
        if (Status s = checkArgs(args, {}); !s)
            return reply(s.error());
        reply(QJsonObject{{u"time"_s, isoTime(QDateTime::currentMSecsSinceEpoch())}});
    });

    m_commands.insert(u"me"_s, [](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {}); !st)
            return reply(st.error());
        reply(QJsonObject{{u"user"_s, s.principal().user.toJson()},
                          {u"session_id"_s, s.principal().sessionId},
                          {u"expires_at"_s, isoTime(s.principal().expiresAt)}});
    });

    m_commands.insert(u"logout"_s, [this](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {}); !st)
            return reply(st.error());
        // Claimed now, before the revocation event can ask for 4003: a logout ends with a normal close.
        s.closeAfterReplies(1000, u"logged out"_s);
        QPointer<WsSession> self(&s);
        m_accounts.logout(s.principal(), &s, [reply, self](Result<Done> r) {
            if (!r && self)
                self->cancelPendingClose();
            reply(r ? Result<QJsonObject>(QJsonObject{}) : Result<QJsonObject>(r.error()));
        });
    });

    m_commands.insert(u"password.change"_s, [this](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {{u"current_password"_s}, {u"new_password"_s}}); !st)
            return reply(st.error());
        m_accounts.changeOwnPassword(s.principal(), args.value(u"current_password"_s).toString(),
                                     args.value(u"new_password"_s).toString(), &s,
                                     answer<Done>(reply, [](Done) { return QJsonObject{}; }));
    });

    m_commands.insert(u"prefs.get"_s, [this](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {}); !st)
            return reply(st.error());
        m_accounts.preferences(s.principal(), &s, answer<QJsonObject>(reply, [](const QJsonObject &prefs) {
                                   return QJsonObject{{u"prefs"_s, prefs}};
                               }));
    });

    m_commands.insert(u"prefs.set"_s, [this](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {{u"name"_s}, {u"value"_s, ArgSpec::Any}}); !st)
            return reply(st.error());
        m_accounts.setPreference(s.principal(), args.value(u"name"_s).toString(), args.value(u"value"_s), &s,
                                 answer<Done>(reply, [](Done) { return QJsonObject{}; }));
    });

    m_commands.insert(u"users.list"_s, [this](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {}); !st)
            return reply(st.error());
        m_accounts.listUsers(s.principal(), &s, answer<QList<User>>(reply, [](const QList<User> &users) {
                                 QJsonArray out;
                                 for (const User &u : users)
                                     out.append(u.toJson());
                                 return QJsonObject{{u"users"_s, out}};
                             }));
    });

    m_commands.insert(u"users.create"_s, [this](WsSession &s, const QJsonObject &args, Reply reply) {
        auto spec = newUserFrom(args);
        if (!spec)
            return reply(spec.error());
        m_accounts.createUser(s.principal(), *spec, &s, answer<User>(reply, [](const User &u) {
                                  return QJsonObject{{u"user"_s, u.toJson()}};
                              }));
    });

    m_commands.insert(u"users.update"_s, [this](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs({{u"id"_s, args.value(u"id"_s)}}, {{u"id"_s, ArgSpec::Integer}}); !st)
            return reply(st.error());
        auto patch = userPatchFrom(args, u"id"_s);
        if (!patch)
            return reply(patch.error());
        m_accounts.updateUser(s.principal(), args.value(u"id"_s).toInteger(), *patch, &s,
                              answer<User>(reply, [](const User &u) {
                                  return QJsonObject{{u"user"_s, u.toJson()}};
                              }));
    });

    m_commands.insert(u"users.revoke_sessions"_s, [this](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {{u"id"_s, ArgSpec::Integer}}); !st)
            return reply(st.error());
        m_accounts.revokeSessions(s.principal(), args.value(u"id"_s).toInteger(), &s,
                                  answer<qint64>(reply, [](qint64 n) {
                                      return QJsonObject{{u"revoked"_s, n}};
                                  }));
    });
}

} // namespace era::api
