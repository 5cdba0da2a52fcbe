#include "accounts/User.h"

#include "core/Time.h"

#include <QDateTime>

namespace era::accounts {

using namespace Qt::StringLiterals;

QString roleName(Role role)
{
    switch (role) {
    case Role::Operator:
        return u"operator"_s;
    case Role::Supervisor:
        return u"supervisor"_s;
    case Role::Admin:
        return u"admin"_s;
    }
    return {};
}

std::optional<Role> roleFromName(const QString &name)
{
    if (name == u"operator"_s)
        return Role::Operator;
    if (name == u"supervisor"_s)
        return Role::Supervisor;
    if (name == u"admin"_s)
        return Role::Admin;
    return std::nullopt;
}

QJsonObject User::toJson() const
{
    return {{u"id"_s, id},
            {u"login"_s, login},
            {u"display_name"_s, displayName},
            {u"role"_s, roleName(role)},
            {u"disabled"_s, disabled},
            {u"created_at"_s, isoTime(createdAt)},
            {u"updated_at"_s, isoTime(updatedAt)}};
}

} // namespace era::accounts
