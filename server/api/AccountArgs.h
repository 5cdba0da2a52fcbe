#pragma once

#include "accounts/AccountService.h"

#include <QJsonObject>

// JSON arguments of the account commands, read the same way for REST bodies and WebSocket commands.
namespace era::api {

Result<accounts::AccountService::NewUser> newUserFrom(const QJsonObject &args);
// `allowed` lists the extra fields the caller carries in the same object (e.g. "id" for WebSocket).
Result<accounts::AccountService::UserPatch> userPatchFrom(const QJsonObject &args,
                                                          const QString &extraField = {});

} // namespace era::api
