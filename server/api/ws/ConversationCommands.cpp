// WebSocket commands of the conversation core (docs/protocol.md): presence, offers, dialogs, messages, queues
// and channels. Each checks its arguments and calls the application service.
#include "api/ChannelArgs.h"
#include "api/ws/Gateway.h"
#include "api/ws/WsSession.h"
#include "channels/ChannelService.h"
#include "core/JsonArgs.h"
#include "dialogs/DialogService.h"
#include "queues/QueueService.h"

#include <QJsonArray>

namespace era::api {

using namespace Qt::StringLiterals;

namespace {

// Adapts a JSON-object result to a command reply.
Gateway::Reply passOn(Gateway::Reply reply)
{
    return reply;
}

template <typename T, typename Shape>
auto shaped(Gateway::Reply reply, Shape shape)
{
    return [reply = std::move(reply), shape = std::move(shape)](Result<T> r) {
        if (!r)
            reply(r.error());
        else
            reply(shape(*r));
    };
}

qint64 id(const QJsonObject &args, const QString &name)
{
    return args.value(name).toInteger();
}

} // namespace

void Gateway::registerConversationCommands()
{
    Services &sv = m_services;

    m_commands.insert(u"presence.set"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {{u"presence"_s}}); !st)
            return reply(st.error());
        const auto p = queues::presenceFromName(args.value(u"presence"_s).toString());
        if (!p)
            return reply(Error{u"bad_args"_s, u"presence: online, away or offline"_s});
        sv.queues.setPresence(s.principal(), *p, &s, passOn(reply));
    });

    m_commands.insert(u"dialogs.list"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {}); !st)
            return reply(st.error());
        sv.dialogs.list(s.principal(), &s, passOn(reply));
    });

    m_commands.insert(u"dialog.open"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {{u"dialog_id"_s, ArgSpec::Integer}}); !st)
            return reply(st.error());
        sv.dialogs.open(s.principal(), id(args, u"dialog_id"_s), &s, passOn(reply));
    });

    m_commands.insert(u"dialog.history"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {{u"dialog_id"_s, ArgSpec::Integer},
                                         {u"before_id"_s, ArgSpec::Integer, false},
                                         {u"limit"_s, ArgSpec::Integer, false}});
            !st)
            return reply(st.error());
        sv.dialogs.history(s.principal(), id(args, u"dialog_id"_s), id(args, u"before_id"_s),
                           args.contains(u"limit"_s) ? int(id(args, u"limit"_s)) : 50, &s, passOn(reply));
    });

    m_commands.insert(u"dialog.read"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st =
                checkArgs(args, {{u"dialog_id"_s, ArgSpec::Integer}, {u"message_id"_s, ArgSpec::Integer}});
            !st)
            return reply(st.error());
        sv.dialogs.markRead(s.principal(), id(args, u"dialog_id"_s), id(args, u"message_id"_s), &s,
                            passOn(reply));
    });

    m_commands.insert(u"dialog.accept"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {{u"dialog_id"_s, ArgSpec::Integer}}); !st)
            return reply(st.error());
        sv.queues.accept(s.principal(), id(args, u"dialog_id"_s), &s, passOn(reply));
    });

    m_commands.insert(u"dialog.decline"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {{u"dialog_id"_s, ArgSpec::Integer}}); !st)
            return reply(st.error());
        sv.queues.decline(s.principal(), id(args, u"dialog_id"_s), &s,
                          shaped<Done>(reply, [](Done) { return QJsonObject{}; }));
    });

    m_commands.insert(u"dialog.finish"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {{u"dialog_id"_s, ArgSpec::Integer}}); !st)
            return reply(st.error());
        sv.dialogs.finish(s.principal(), id(args, u"dialog_id"_s), &s, passOn(reply));
    });

    m_commands.insert(u"dialog.transfer"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {{u"dialog_id"_s, ArgSpec::Integer},
                                         {u"queue_id"_s, ArgSpec::Integer, false},
                                         {u"operator_id"_s, ArgSpec::Integer, false}});
            !st)
            return reply(st.error());
        sv.dialogs.transfer(s.principal(), id(args, u"dialog_id"_s), id(args, u"queue_id"_s),
                            id(args, u"operator_id"_s), &s, passOn(reply));
    });

    m_commands.insert(u"message.send"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {{u"dialog_id"_s, ArgSpec::Integer},
                                         {u"client_id"_s},
                                         {u"content"_s, ArgSpec::Object},
                                         {u"reply_to"_s, ArgSpec::Integer, false}});
            !st)
            return reply(st.error());
        sv.dialogs.send(s.principal(), id(args, u"dialog_id"_s), args.value(u"client_id"_s).toString(),
                        args.value(u"content"_s).toObject(), id(args, u"reply_to"_s), &s, passOn(reply));
    });

    m_commands.insert(u"message.react"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {{u"message_id"_s, ArgSpec::Integer}, {u"emojis"_s, ArgSpec::Array}});
            !st)
            return reply(st.error());
        QStringList emojis;
        for (const QJsonValue &v : args.value(u"emojis"_s).toArray()) {
            if (!v.isString())
                return reply(Error{u"bad_args"_s, u"emojis: must be strings"_s});
            emojis.append(v.toString());
        }
        sv.dialogs.react(s.principal(), id(args, u"message_id"_s), emojis, &s, passOn(reply));
    });

    m_commands.insert(u"queues.list"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {}); !st)
            return reply(st.error());
        sv.queues.list(s.principal(), &s,
                       shaped<QList<queues::Queue>>(reply, [](const QList<queues::Queue> &qs) {
                           QJsonArray out;
                           for (const queues::Queue &q : qs)
                               out.append(q.toJson());
                           return QJsonObject{{u"queues"_s, out}};
                       }));
    });

    m_commands.insert(u"queues.create"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {{u"name"_s}, {u"offer_timeout_sec"_s, ArgSpec::Integer, false}});
            !st)
            return reply(st.error());
        sv.queues.create(s.principal(), args.value(u"name"_s).toString(),
                         args.contains(u"offer_timeout_sec"_s) ? int(id(args, u"offer_timeout_sec"_s)) : 30,
                         &s, shaped<queues::Queue>(reply, [](const queues::Queue &q) {
                             return QJsonObject{{u"queue"_s, q.toJson()}};
                         }));
    });

    m_commands.insert(u"queues.set_members"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {{u"queue_id"_s, ArgSpec::Integer}, {u"members"_s, ArgSpec::Array}});
            !st)
            return reply(st.error());
        QList<std::pair<qint64, int>> members;
        for (const QJsonValue &v : args.value(u"members"_s).toArray()) {
            const QJsonObject m = v.toObject();
            if (Status st =
                    checkArgs(m, {{u"user_id"_s, ArgSpec::Integer}, {u"skill"_s, ArgSpec::Integer, false}});
                !st)
                return reply(Error{u"bad_args"_s, u"members[]."_s + st.error().message});
            members.append({m.value(u"user_id"_s).toInteger(), m.value(u"skill"_s).toInt(1)});
        }
        sv.queues.setMembers(s.principal(), id(args, u"queue_id"_s), members, &s,
                             shaped<queues::Queue>(reply, [](const queues::Queue &q) {
                                 return QJsonObject{{u"queue"_s, q.toJson()}};
                             }));
    });

    m_commands.insert(u"queues.stats"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {}); !st)
            return reply(st.error());
        sv.queues.statsFor(s.principal(), &s, passOn(reply));
    });

    m_commands.insert(u"operators.set_capacity"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st =
                checkArgs(args, {{u"user_id"_s, ArgSpec::Integer}, {u"capacity"_s, ArgSpec::Integer}});
            !st)
            return reply(st.error());
        sv.queues.setCapacity(s.principal(), id(args, u"user_id"_s), int(id(args, u"capacity"_s)), &s,
                              shaped<Done>(reply, [](Done) { return QJsonObject{}; }));
    });

    m_commands.insert(u"operators.list"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {}); !st)
            return reply(st.error());
        sv.queues.listOperators(&s, passOn(reply));
    });

    m_commands.insert(u"channels.list"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {}); !st)
            return reply(st.error());
        sv.channels.list(s.principal(), &s, shaped<QList<channels::Channel>>(reply, channelsJson));
    });

    m_commands.insert(u"channels.create"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        auto spec = newChannelFrom(args);
        if (!spec)
            return reply(spec.error());
        sv.channels.create(s.principal(), *spec, &s, shaped<channels::Channel>(reply, channelJson));
    });

    m_commands.insert(u"channels.update"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs({{u"id"_s, args.value(u"id"_s)}}, {{u"id"_s, ArgSpec::Integer}}); !st)
            return reply(st.error());
        auto patch = channelPatchFrom(args, u"id"_s);
        if (!patch)
            return reply(patch.error());
        sv.channels.update(s.principal(), id(args, u"id"_s), *patch, &s,
                           shaped<channels::Channel>(reply, channelJson));
    });

    m_commands.insert(u"channels.delete"_s, [&sv](WsSession &s, const QJsonObject &args, Reply reply) {
        if (Status st = checkArgs(args, {{u"id"_s, ArgSpec::Integer}}); !st)
            return reply(st.error());
        sv.channels.remove(s.principal(), id(args, u"id"_s), &s,
                           shaped<Done>(reply, [](Done) { return QJsonObject{}; }));
    });
}

} // namespace era::api
