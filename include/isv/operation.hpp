// isv::operation: everything an admin can ask of the library, each guarded by one row of the authorization table.
#pragma once

#include <boost/describe/enum.hpp>

namespace isv {

/// Everything an admin can ask of the library. Each has one row in operation_rules (isv/operations/authorization.hpp),
/// checked at compile time, and guards at least one command (isv/command.hpp), so no operation skips authorization.
BOOST_DEFINE_ENUM_CLASS(operation,
    manage_admin_roles,        ///< grant or revoke a directory role
    manage_directory,          ///< add, name and remove users, create and delete groups, change group membership (D-DIR-1, D-DIR-2)
    purchase,                  ///< buy a subscription (D-BUY-4)
    activate,                  ///< activate a SaaS subscription (D-ACT-1)
    install,                   ///< install an ISV app into the tenant (D-INSTALL-1)
    assign,                    ///< assign licenses to users and groups (D-ROLE-1)
    unassign,                  ///< preview and confirm an unassignment (D-ROLE-1)
    reprocess,                 ///< give group members in count violation the seats that freed up (D-GROUP-1)
    change_quantity,           ///< D-ROLE-2
    cancel,                    ///< D-ROLE-2
    set_auto_renew,            ///< D-TERM-1
    change_billing_profile,    ///< move a subscription to another profile (D-BILL-3)
    create_billing_profile,    ///< D-BILL-2
    edit_billing_profile,      ///< contact info, payment methods, how invoices are paid (D-ROLE-4)
    manage_billing_roles,      ///< grant or revoke roles on a profile (owner only, D-ROLE-4)
    view_invoices,             ///< D-BILL-4
    pay_invoice,               ///< D-BILL-4
    change_plan,               ///< move a subscription to another plan of its app (D-PLAN-2)
    marketplace                ///< the marketplace's SaaS fulfillment: the platform's and the publisher's, never a tenant admin's (D-MKT-1)
)

/// Operations only the platform runs (or an app's publisher, through the marketplace): no tenant
/// admin may, whatever roles they hold, and their commands name no acting user (D-MKT-1).
[[nodiscard]] constexpr bool platform_operation(operation op) noexcept { return op == operation::marketplace; }

} // namespace isv
