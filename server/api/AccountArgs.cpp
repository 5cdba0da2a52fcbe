#include "api/AccountArgs.h"

#include "core/JsonArgs.h"

namespace era::api {

using namespace Qt::StringLiterals;
using accounts::AccountService;

static Result<accounts::Role> roleArg(const QJsonObject &args)
{
    const auto role = accounts::roleFromName(args.value(u"role"_s).toString());
    if (!role)
        return Error{u"bad_args"_s, u"role: must be operator, supervisor or admin"_s};
    return *role;
}

Result<AccountService::NewUser> newUserFrom(const QJsonObject &args)
{
    if (Status s = checkArgs(args, {{u"login"_s},
                                    {u"password"_s},
                                    {u"display_name"_s, ArgSpec::String, false},
                                    {u"role"_s, ArgSpec::String, false}});
        !s)
        return s.error();
    AccountService::NewUser spec;
    spec.login = args.value(u"login"_s).toString();
    spec.password = args.value(u"password"_s).toString();
    spec.displayName = args.value(u"display_name"_s).toString();
    if (args.contains(u"role"_s)) {
        auto role = roleArg(args);
        if (!role)
            return role.error();
        spec.role = *role;
    }
    return spec;
}

Result<AccountService::UserPatch> userPatchFrom(const QJsonObject &args, const QString &extraField)
{
    QJsonObject own = args;
    if (!extraField.isEmpty())
        own.remove(extraField);
    if (Status s = checkArgs(own, {{u"display_name"_s, ArgSpec::String, false},
                                   {u"role"_s, ArgSpec::String, false},
                                   {u"disabled"_s, ArgSpec::Bool, false},
                                   {u"password"_s, ArgSpec::String, false}});
        !s)
        return s.error();
    if (own.isEmpty())
        return Error{u"bad_args"_s, u"nothing to change: give display_name, role, disabled or password"_s};
    AccountService::UserPatch patch;
    if (own.contains(u"display_name"_s))
        patch.displayName = own.value(u"display_name"_s).toString();
    if (own.contains(u"role"_s)) {
        auto role = roleArg(own);
        if (!role)
            return role.error();
        patch.role = *role;
    }
    if (own.contains(u"disabled"_s))
        patch.disabled = own.value(u"disabled"_s).toBool();
    if (own.contains(u"password"_s))
        patch.password = own.value(u"password"_s).toString();
    return patch;
}

} // namespace era::api
