#pragma once

#include <QString>

// The wire protocol's names, declared once for the server and the desk client (docs/protocol.md).
namespace era::protocol {

inline constexpr int Version = 1;

// Frame types.
inline constexpr char FrameCommand[] = "cmd";
inline constexpr char FrameReply[] = "res";
inline constexpr char FrameEvent[] = "event";

} // namespace era::protocol
