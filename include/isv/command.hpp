// Commands as values: basic_command<Traits>, the variant of every command of the service, and what each command names about itself (its operation, the row of the authorization table that guards it, the value it returns).
#pragma once

#include "isv/assignment.hpp"
#include "isv/authorization.hpp"
#include "isv/billing.hpp"
#include "isv/enum_names.hpp"
#include "isv/lifecycle.hpp"
#include "isv/membership.hpp"
#include "isv/purchase.hpp"
#include "isv/quantity.hpp"
#include "isv/role_grants.hpp"
#include "isv/traits.hpp"

#include <boost/mp11/algorithm.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

// Each command type says, inside its own definition, the three facts the service needs:
//   static constexpr std::string_view operation_name;             the operation, as the service, the
//                                                                 fingerprint and isv-admin call it
//   static constexpr std::optional<operation> authorization;      its row of operation_rules; none
//                                                                 for the platform's (no admin acts)
//   using result_value = ...;                                     what its receipt carries besides events
// Dispatch (basic_admin_center::execute, isv-admin's lines), fingerprints and the check that no
// operation goes unguarded are all derived from those and from the one list below.
namespace isv {

/// Every operation of the service as a value, one alternative per operation.
template <licensing_traits T>
using basic_command = std::variant<
    // Subscriptions
    basic_purchase_command<T>, basic_activate_command<T>, basic_install_command<T>, basic_change_quantity_command<T>,
    basic_cancel_command<T>, basic_auto_renew_command<T>, basic_change_billing_profile_command<T>,
    // Licenses
    basic_assign_command<T>, basic_unassign_command<T>, basic_confirm_unassign_command<T>, basic_reprocess_command<T>,
    // Directory and roles
    basic_add_users_command<T>, basic_create_group_command<T>, basic_add_members_command<T>,
    basic_remove_members_command<T>, basic_grant_role_command<T>, basic_revoke_role_command<T>,
    // Billing profiles
    basic_create_billing_profile_command<T>, basic_contact_info_command<T>, basic_add_payment_method_command<T>,
    basic_remove_payment_method_command<T>, basic_set_default_payment_method_command<T>, basic_billing_role_command<T>,
    // Invoices and the platform's clock
    basic_issue_invoice_command<T>, basic_view_invoice_command<T>, basic_pay_invoice_command<T>,
    basic_collect_overdue_command<T>, basic_advance_command<T>>;

using command = basic_command<default_traits>;

/// A command type: it names its operation, its row of the authorization table (or none) and its result value.
template <class C>
concept command_type = requires {
  { C::operation_name } -> std::convertible_to<std::string_view>;
  { C::authorization } -> std::convertible_to<std::optional<operation>>;
  typename C::result_value;
};

template <class C, class Variant>
inline constexpr bool is_alternative_of = false;
template <class C, class... A>
inline constexpr bool is_alternative_of<C, std::variant<A...>> = (std::same_as<C, A> || ...);

/// One of the alternatives of basic_command<T>.
template <class C, class T>
concept command_of = licensing_traits<T> && is_alternative_of<std::remove_cvref_t<C>, basic_command<T>>;

/// Run by the platform: no admin acts and no row of the authorization table applies.
template <command_type C>
inline constexpr bool platform_command = !C::authorization.has_value();

namespace detail {
template <class C>
using result_value_of = typename C::result_value;
} // namespace detail

/// What a receipt of any command carries besides its events: a variant of the commands' result
/// values, each once (std::monostate, the install link, the assignment report, the unassign preview, the invoice).
template <licensing_traits T>
using basic_command_value = boost::mp11::mp_unique<boost::mp11::mp_transform<detail::result_value_of, basic_command<T>>>;

using command_value = basic_command_value<default_traits>;

/// The operation names of the commands, in the order of basic_command.
template <licensing_traits T>
inline constexpr auto command_names = []<class... C>(std::type_identity<std::variant<C...>>) {
  return std::array<std::string_view, sizeof...(C)>{C::operation_name...};
}(std::type_identity<basic_command<T>>{});

/// The operation name of the command `c` holds.
template <licensing_traits T>
[[nodiscard]] constexpr std::string_view name_of(const basic_command<T>& c) noexcept {
  return command_names<T>[c.index()];
}

/// Calls `f(std::type_identity<C>{})` for the command type C named `name`, and returns its result;
/// std::nullopt when no command has that name. Walks the alternatives: no list of names to keep.
template <licensing_traits T, class F>
[[nodiscard]] auto visit_command_named(std::string_view name, F&& f) {
  using first = std::variant_alternative_t<0, basic_command<T>>;
  using out_t = decltype(f(std::type_identity<first>{}));
  std::optional<out_t> out;
  [&]<class... C>(std::type_identity<std::variant<C...>>) {
    (void)((name == C::operation_name ? (out.emplace(f(std::type_identity<C>{})), true) : false) || ...);
  }(std::type_identity<basic_command<T>>{});
  return out;
}

// ---- No unguarded door (D-ROLE-1, D-ROLE-2, D-ROLE-3, D-ROLE-4, D-ROLE-6) ------------------------
// Every operation is a command of the variant; the service dispatches nothing else. So checking the
// variant at compile time checks every door.

namespace detail {

template <licensing_traits T>
constexpr bool every_alternative_is_a_command() {
  return []<class... C>(std::type_identity<std::variant<C...>>) {
    return (command_type<C> && ...);
  }(std::type_identity<basic_command<T>>{});
}

template <licensing_traits T>
constexpr bool command_names_unique() {
  const auto& names = command_names<T>;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) return false;
    for (std::size_t j = i + 1; j < names.size(); ++j)
      if (names[i] == names[j]) return false;
  }
  return true;
}

/// Whether a command of the variant is guarded by `op`.
template <licensing_traits T>
constexpr bool operation_used(operation op) {
  return []<class... C>(std::type_identity<std::variant<C...>>, operation o) {
    return ((C::authorization == o) || ...);
  }(std::type_identity<basic_command<T>>{}, op);
}

/// Every value of isv::operation guards at least one command: a row of operation_rules no command uses is a dead rule.
template <licensing_traits T>
constexpr bool every_operation_used() {
  for (const operation op : enum_values<operation>)
    if (!operation_used<T>(op)) return false;
  return true;
}

} // namespace detail

static_assert(detail::every_alternative_is_a_command<default_traits>(),
              "every alternative of basic_command names its operation, its authorization row and its result value");
static_assert(detail::command_names_unique<default_traits>(), "every command has its own, non-empty operation name");
static_assert(detail::every_operation_used<default_traits>(), "every isv::operation guards at least one command");

} // namespace isv
