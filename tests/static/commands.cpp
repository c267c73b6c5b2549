// No unguarded door, at compile time: every operation of the service is an alternative of isv::command that names its operation, its row of the authorization table and its result, and every row guards a command [D-ROLE-1] [D-ROLE-2] [D-ROLE-3] [D-ROLE-4] [D-ROLE-6].
#include "isv/admin_center.hpp"
#include "isv/command.hpp"
#include "isv/storage/memory.hpp"

#include <string_view>
#include <type_traits>
#include <variant>

// The service dispatches nothing but isv::command (basic_admin_center::execute; the named members
// are one-line calls of it), so checking the variant checks every door. command.hpp holds the
// same three checks beside the list; they are repeated here, where the static tests are read.
namespace isv_static_checks {

using T = isv::default_traits;

// [D-ROLE-3] Every alternative names its operation, its authorization row (or none: the platform's) and its result.
static_assert(isv::detail::every_alternative_is_a_command<T>());
// Names are unique: the fingerprint and isv-admin's "op" tell commands apart by name alone (D-IDEM-1).
static_assert(isv::detail::command_names_unique<T>());
// [D-ROLE-1] [D-ROLE-2] [D-ROLE-4] [D-ROLE-6] Every row of operation_rules guards at least one command.
static_assert(isv::detail::every_operation_used<T>());
static_assert(isv::operation_rules_complete());

// Commands that serve one operation each: the fields may be alike, the types are not.
static_assert(!std::is_same_v<isv::activate_command, isv::cancel_command>);
static_assert(!std::is_same_v<isv::add_members_command, isv::remove_members_command>);
static_assert(!std::is_same_v<isv::grant_role_command, isv::revoke_role_command>);
static_assert(!std::is_same_v<isv::remove_payment_method_command, isv::set_default_payment_method_command>);
static_assert(!std::is_same_v<isv::unassign_preview, isv::confirm_unassign_command>);
static_assert(std::is_convertible_v<isv::unassign_preview, isv::confirm_unassign_command>, "a preview is confirmed as it was made");

// Rows, names and results as each command states them.
static_assert(isv::purchase_command::authorization == isv::operation::purchase);
static_assert(isv::confirm_unassign_command::authorization == isv::operation::unassign);
static_assert(isv::unassign_command::operation_name == "preview_unassign");
static_assert(isv::platform_command<isv::advance_command> && isv::platform_command<isv::collect_overdue_command> &&
              isv::platform_command<isv::issue_invoice_command> && isv::platform_command<isv::reinstate_command>);
static_assert(!isv::platform_command<isv::view_invoice_command>);
static_assert(std::is_same_v<isv::install_command::result_value, std::string>);

// [D-DIR-1] [D-DIR-2] User and Global administrators remove users, delete groups and name users, as
// they add users and create groups (seed 004).
static_assert(isv::remove_users_command::authorization == isv::operation::manage_directory &&
              isv::delete_group_command::authorization == isv::operation::manage_directory &&
              isv::name_user_command::authorization == isv::operation::manage_directory);
// Stored records and idempotency records name an alternative by its index: what came after release
// 0.1.0 is appended, and the alternatives of 0.1.0 keep their places.
static_assert(std::is_same_v<std::variant_alternative_t<28, isv::command>, isv::remove_users_command> &&
              std::is_same_v<std::variant_alternative_t<30, isv::command>, isv::name_user_command>);
static_assert(std::is_same_v<std::variant_alternative_t<30, isv::event_payload_t<T>>, isv::basic_invoice_overdue<T>> &&
              std::is_same_v<std::variant_alternative_t<31, isv::event_payload_t<T>>, isv::basic_users_removed<T>> &&
              std::is_same_v<std::variant_alternative_t<33, isv::event_payload_t<T>>, isv::basic_user_named<T>>);
static_assert(std::is_same_v<isv::assign_command::result_value, isv::assignment_report>);
static_assert(std::is_same_v<isv::issue_invoice_command::result_value, isv::invoice>);

// Dispatch walks the alternatives: every name leads back to its own alternative.
static_assert([] {
  for (std::size_t i = 0; i < isv::command_names<T>.size(); ++i)
    for (std::size_t j = 0; j < isv::command_names<T>.size(); ++j)
      if ((i == j) != (isv::command_names<T>[i] == isv::command_names<T>[j])) return false;
  return isv::command_names<T>.size() == std::variant_size_v<isv::command>;
}());

// execute on the variant returns a receipt whose value holds each command's result, and each
// result can be kept in an idempotency record.
using center = isv::basic_admin_center<isv::memory_repository>;
static_assert(std::is_same_v<center::command_value, isv::command_value>);
static_assert(std::variant_size_v<isv::command_value> == 6);
static_assert([]<class... C>(std::type_identity<std::variant<C...>>) {
  return (isv::is_alternative_of<typename C::result_value, isv::command_value> && ...) &&
         (isv::is_alternative_of<typename C::result_value, isv::stored_value_t<T>> && ...);
}(std::type_identity<isv::command>{}));

} // namespace isv_static_checks
