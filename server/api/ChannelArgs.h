#pragma once

#include "channels/ChannelService.h"

#include <QJsonObject>

// JSON arguments and results of the channel commands, read the same way for REST bodies and WebSocket
// commands.
namespace era::api {

Result<channels::ChannelService::NewChannel> newChannelFrom(const QJsonObject &args);
Result<channels::ChannelService::ChannelPatch> channelPatchFrom(const QJsonObject &args,
                                                                const QString &extraField = {});
QJsonObject channelJson(const channels::Channel &channel);
QJsonObject channelsJson(const QList<channels::Channel> &channels);

} // namespace era::api
