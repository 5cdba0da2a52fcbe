#include "api/ChannelArgs.h"

#include "core/JsonArgs.h"

#include <QJsonArray>

namespace era::api {

using namespace Qt::StringLiterals;

Result<channels::ChannelService::NewChannel> newChannelFrom(const QJsonObject &args)
{
    if (Status s = checkArgs(args, {{u"kind"_s},
                                    {u"name"_s},
                                    {u"enabled"_s, ArgSpec::Bool, false},
                                    {u"default_queue_id"_s, ArgSpec::Integer, false},
                                    {u"settings"_s, ArgSpec::Object, false},
                                    {u"credentials"_s, ArgSpec::Object}});
        !s)
        return s.error();
    channels::ChannelService::NewChannel spec;
    spec.kind = args.value(u"kind"_s).toString();
    spec.name = args.value(u"name"_s).toString();
    spec.enabled = args.value(u"enabled"_s).toBool(true);
    spec.defaultQueueId = args.value(u"default_queue_id"_s).toInteger();
    spec.settings = args.value(u"settings"_s).toObject();
    spec.credentials = args.value(u"credentials"_s).toObject();
    return spec;
}

Result<channels::ChannelService::ChannelPatch> channelPatchFrom(const QJsonObject &args,
                                                                const QString &extraField)
{
    QJsonObject own = args;
    if (!extraField.isEmpty())
        own.remove(extraField);
    if (Status s = checkArgs(own, {{u"name"_s, ArgSpec::String, false},
                                   {u"enabled"_s, ArgSpec::Bool, false},
                                   {u"default_queue_id"_s, ArgSpec::Integer, false},
                                   {u"settings"_s, ArgSpec::Object, false},
                                   {u"credentials"_s, ArgSpec::Object, false}});
        !s)
        return s.error();
    if (own.isEmpty())
        return Error{u"bad_args"_s, u"nothing to change"_s};
    channels::ChannelService::ChannelPatch patch;
    if (own.contains(u"name"_s))
        patch.name = own.value(u"name"_s).toString();
    if (own.contains(u"enabled"_s))
        patch.enabled = own.value(u"enabled"_s).toBool();
    if (own.contains(u"default_queue_id"_s))
        patch.defaultQueueId = own.value(u"default_queue_id"_s).toInteger();
    if (own.contains(u"settings"_s))
        patch.settings = own.value(u"settings"_s).toObject();
    if (own.contains(u"credentials"_s))
        patch.credentials = own.value(u"credentials"_s).toObject();
    return patch;
}

QJsonObject channelJson(const channels::Channel &channel)
{
    return {{u"channel"_s, channel.toJson()}};
}

QJsonObject channelsJson(const QList<channels::Channel> &list)
{
    QJsonArray out;
    for (const channels::Channel &c : list)
        out.append(c.toJson());
    return {{u"channels"_s, out}};
}

} // namespace era::api
