// Commands: every operation's input as a value (its fields, its operation name, the authorization row that guards it, what it returns) and basic_command<Traits>, the variant of them all.
#pragma once

#include "isv/admin_role.hpp"
#include "isv/app.hpp"
#include "isv/billing_profile.hpp"
#include "isv/detail/fields.hpp"
#include "isv/detail/record.hpp"
#include "isv/enum_names.hpp"
#include "isv/invoice.hpp"
#include "isv/license.hpp"
#include "isv/marketplace_decision.hpp"
#include "isv/marketplace_wire.hpp"
#include "isv/operation.hpp"
#include "isv/subscription.hpp"
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
#include <vector>

// Each command type says, inside its own definition, the three facts the service needs:
//   static constexpr std::string_view operation_name;             the operation, as the service, the
//                                                                 fingerprint and isv-admin call it
//   static constexpr std::optional<operation> authorization;      its row of operation_rules; none
//                                                                 for the platform's (no admin acts)
//   using result_value = ...;                                     what its receipt carries besides events
// Dispatch (basic_admin_center::execute, isv-admin's lines), fingerprints and the check that no
// operation goes unguarded are all derived from those and from the one list below.
namespace isv {

// ---- Subscriptions: buying, installing ------------------------------------------------------

template <licensing_traits Traits>
struct basic_purchase_command {
  subscription_id_t<Traits> subscription{}; ///< the id the new subscription gets (the caller allocates ids)
  app_id_t<Traits> app{};
  acquisition_channel channel = acquisition_channel::direct;
  billing_term term = billing_term::monthly;
  std::optional<count_t> quantity{}; ///< seats for per-user pricing; empty for flat rate (Unlimited)
  bool agreement_accepted = false;   ///< the customer agreement (D-BUY-3)
  std::optional<billing_profile_id_t<Traits>> billing_profile{}; ///< required unless bought from the vendor
  bool auto_renew = true;
  std::optional<plan_id_t<Traits>> plan{}; ///< one of the app's plans (D-PLAN-1); empty: the first it offers

  ISV_COMMAND(basic_purchase_command, purchase, operation::purchase, std::monostate,
              (subscription, app, channel, term, quantity, agreement_accepted, billing_profile, auto_renew, plan))
  ISV_ADDED_AFTER_0_1(plan)
};

template <licensing_traits Traits>
struct basic_install_command {
  subscription_id_t<Traits> subscription{};
  ISV_COMMAND(basic_install_command, install, operation::install, typename Traits::string_type, (subscription))
};

using purchase_command = basic_purchase_command<default_traits>;
using install_command = basic_install_command<default_traits>;

// ---- Subscriptions: lifecycle ---------------------------------------------------------------

template <licensing_traits Traits>
struct basic_activate_command {
  subscription_id_t<Traits> subscription{};
  ISV_COMMAND(basic_activate_command, activate, operation::activate, std::monostate, (subscription))
};

template <licensing_traits Traits>
struct basic_cancel_command {
  subscription_id_t<Traits> subscription{};
  ISV_COMMAND(basic_cancel_command, cancel, operation::cancel, std::monostate, (subscription))
};

template <licensing_traits Traits>
struct basic_auto_renew_command {
  subscription_id_t<Traits> subscription{};
  bool auto_renew = true;
  ISV_COMMAND(basic_auto_renew_command, set_auto_renew, operation::set_auto_renew, std::monostate,
              (subscription, auto_renew))
};

/// Which subscriptions the platform moves to the current time (D-TERM-1); empty: all of the tenant's.
/// The platform's clock: no admin acts, so no row of the authorization table guards it.
template <licensing_traits Traits>
struct basic_advance_command {
  std::vector<subscription_id_t<Traits>> subscriptions{};
  ISV_COMMAND(basic_advance_command, advance_to, std::nullopt, std::monostate, (subscriptions))
};

/// The platform (or the publisher, through the marketplace) reinstates a suspended subscription
/// within its grace period (D-LIFE-4, D-MKT-3). Authorized as the platform's, never a tenant
/// admin's (D-MKT-1): an admin reinstates by paying the invoice that suspended it.
template <licensing_traits Traits>
struct basic_reinstate_command {
  subscription_id_t<Traits> subscription{};
  ISV_COMMAND(basic_reinstate_command, reinstate, std::nullopt, std::monostate, (subscription))
};

using activate_command = basic_activate_command<default_traits>;
using cancel_command = basic_cancel_command<default_traits>;
using auto_renew_command = basic_auto_renew_command<default_traits>;
using advance_command = basic_advance_command<default_traits>;
using reinstate_command = basic_reinstate_command<default_traits>;

// ---- Subscriptions: quantity ----------------------------------------------------------------

template <licensing_traits Traits>
struct basic_change_quantity_command {
  subscription_id_t<Traits> subscription{};
  count_t quantity = 0; ///< the new number of seats
  ISV_COMMAND(basic_change_quantity_command, change_quantity, operation::change_quantity, std::monostate,
              (subscription, quantity))
};

/// Moves a subscription to another plan of its app (D-PLAN-2). A per-user plan needs a quantity:
/// the one given, else the subscription's own (a flat-rate subscription moving to a per-user plan
/// must give one); a flat-rate plan has none (Unlimited).
template <licensing_traits Traits>
struct basic_change_plan_command {
  subscription_id_t<Traits> subscription{};
  plan_id_t<Traits> plan{};
  std::optional<count_t> quantity{};
  ISV_COMMAND(basic_change_plan_command, change_plan, operation::change_plan, std::monostate, (subscription, plan, quantity))
};

// ---- The marketplace's SaaS fulfillment (D-MKT-1..4) -----------------------------------------
// Run by the platform or the app's publisher, never a tenant admin: their row, operation::marketplace,
// allows no admin role, and they name no acting user. Each carries the marketplace's operation id and
// when the marketplace sent it; the ids the marketplace writes as GUIDs are mapped to the library's
// by the host (isv/marketplace_link.hpp), so these name the library's subscription, app and plans.

/// The marketplace resolved a purchase: the subscription to record, pending activation (D-MKT-1).
template <licensing_traits Traits>
struct basic_marketplace_subscribe_command {
  typename Traits::string_type operation_id{};             ///< the marketplace's operation id (a GUID)
  subscription_id_t<Traits> subscription{};                ///< the id the new subscription gets
  typename Traits::string_type marketplace_subscription{}; ///< its id in the marketplace (a GUID)
  app_id_t<Traits> app{};
  std::optional<plan_id_t<Traits>> plan{};                 ///< empty: the app's first plan
  std::optional<count_t> quantity{};                       ///< seats, for a per-user plan
  billing_term term = billing_term::monthly;
  billing_profile_id_t<Traits> billing_profile{};
  typename Traits::time_point sent_at{};
  ISV_COMMAND(basic_marketplace_subscribe_command, marketplace_subscribe, operation::marketplace,
              basic_marketplace_decision<Traits>,
              (operation_id, subscription, marketplace_subscription, app, plan, quantity, term, billing_profile, sent_at))
};

/// The publisher activates a subscription the marketplace resolved (D-ACT-1, D-MKT-1).
template <licensing_traits Traits>
struct basic_marketplace_activate_command {
  typename Traits::string_type operation_id{};
  subscription_id_t<Traits> subscription{};
  typename Traits::time_point sent_at{};
  ISV_COMMAND(basic_marketplace_activate_command, marketplace_activate, operation::marketplace,
              basic_marketplace_decision<Traits>, (operation_id, subscription, sent_at))
};

/// One call of the marketplace's webhook: ChangePlan, ChangeQuantity, Suspend, Reinstate,
/// Unsubscribe or Renew (D-MKT-1..4). `plan` and `quantity` are what it asks for (the payload's
/// top-level planId and quantity); `reported_plan` and `reported_quantity` what its subscription
/// resource shows it has now, when the payload carries it (reconciliation).
template <licensing_traits Traits>
struct basic_marketplace_webhook_command {
  typename Traits::string_type operation_id{};
  subscription_id_t<Traits> subscription{};
  marketplace_action action = marketplace_action::change_quantity;
  std::optional<plan_id_t<Traits>> plan{};
  std::optional<count_t> quantity{};
  typename Traits::time_point sent_at{};
  std::optional<plan_id_t<Traits>> reported_plan{};
  std::optional<count_t> reported_quantity{};
  ISV_COMMAND(basic_marketplace_webhook_command, marketplace_webhook, operation::marketplace,
              basic_marketplace_decision<Traits>,
              (operation_id, subscription, action, plan, quantity, sent_at, reported_plan, reported_quantity))
};

using marketplace_subscribe_command = basic_marketplace_subscribe_command<default_traits>;
using marketplace_activate_command = basic_marketplace_activate_command<default_traits>;
using marketplace_webhook_command = basic_marketplace_webhook_command<default_traits>;

using change_quantity_command = basic_change_quantity_command<default_traits>;
using change_plan_command = basic_change_plan_command<default_traits>;

// ---- Licenses -------------------------------------------------------------------------------

/// What an assignment did besides its events: what was assigned already (D-ASSIGN-6) and which
/// group members got no license, with why (D-ASSIGN-3, D-GROUP-1).
template <licensing_traits Traits>
struct basic_assignment_report {
  std::vector<user_id_t<Traits>> already_assigned{};
  std::vector<group_id_t<Traits>> groups_already_assigned{};
  std::vector<basic_count_violation<Traits>> violations{};
  count_t licenses_added = 0;
  ISV_RECORD(basic_assignment_report, (already_assigned, groups_already_assigned, violations, licenses_added))
};

/// The list an admin builds and assigns in one step (D-ASSIGN-1).
template <licensing_traits Traits>
struct basic_assign_command {
  subscription_id_t<Traits> subscription{};
  std::vector<user_id_t<Traits>> users{};
  std::vector<group_id_t<Traits>> groups{};
  ISV_COMMAND(basic_assign_command, assign, operation::assign, basic_assignment_report<Traits>,
              (subscription, users, groups))
};

/// Confirms an unassignment as its preview showed it (D-UNASSIGN-1): the fields of the preview.
/// A preview converts to the command that confirms it.
template <licensing_traits Traits>
struct basic_confirm_unassign_command {
  subscription_id_t<Traits> subscription{};
  count_t version = 0;
  std::vector<user_id_t<Traits>> users{};
  std::vector<group_id_t<Traits>> groups{};
  std::vector<user_id_t<Traits>> losing_license{};
  std::vector<user_id_t<Traits>> keeping_license{};
  std::vector<user_id_t<Traits>> not_assigned{};
  std::vector<group_id_t<Traits>> groups_not_assigned{};
  ISV_COMMAND(basic_confirm_unassign_command, confirm_unassign, operation::unassign, std::monostate,
              (subscription, version, users, groups, losing_license, keeping_license, not_assigned, groups_not_assigned))
};

/// What confirming an unassignment will do, bound to the subscription version it was computed
/// from (D-UNASSIGN-1). Nothing changes until it is confirmed (D-ASSIGN-4).
template <licensing_traits Traits>
struct basic_unassign_preview {
  subscription_id_t<Traits> subscription{};
  count_t version = 0;
  std::vector<user_id_t<Traits>> users{};
  std::vector<group_id_t<Traits>> groups{};
  std::vector<user_id_t<Traits>> losing_license{};   ///< will hold no license of this subscription
  std::vector<user_id_t<Traits>> keeping_license{};  ///< lose a path but keep a license through another
  std::vector<user_id_t<Traits>> not_assigned{};     ///< selected but hold no direct assignment (D-ASSIGN-6)
  std::vector<group_id_t<Traits>> groups_not_assigned{};
  /// The command that confirms this preview as it was made.
  operator basic_confirm_unassign_command<Traits>() const {
    return detail::copy_fields<basic_confirm_unassign_command<Traits>>(*this);
  }
  ISV_RECORD(basic_unassign_preview,
              (subscription, version, users, groups, losing_license, keeping_license, not_assigned, groups_not_assigned))
};


/// The admin's selection for an unassignment (D-ASSIGN-4).
template <licensing_traits Traits>
struct basic_unassign_command {
  subscription_id_t<Traits> subscription{};
  std::vector<user_id_t<Traits>> users{};   ///< remove their direct assignment
  std::vector<group_id_t<Traits>> groups{}; ///< remove the group's assignment
  ISV_COMMAND(basic_unassign_command, preview_unassign, operation::unassign, basic_unassign_preview<Traits>,
              (subscription, users, groups))
};

template <licensing_traits Traits>
struct basic_reprocess_command {
  subscription_id_t<Traits> subscription{};
  ISV_COMMAND(basic_reprocess_command, reprocess, operation::reprocess, basic_assignment_report<Traits>, (subscription))
};

using assign_command = basic_assign_command<default_traits>;
using assignment_report = basic_assignment_report<default_traits>;
using unassign_command = basic_unassign_command<default_traits>;
using confirm_unassign_command = basic_confirm_unassign_command<default_traits>;
using unassign_preview = basic_unassign_preview<default_traits>;
using reprocess_command = basic_reprocess_command<default_traits>;

// ---- Directory ------------------------------------------------------------------------------

template <licensing_traits Traits>
struct basic_add_users_command {
  std::vector<user_id_t<Traits>> users{};
  ISV_COMMAND(basic_add_users_command, add_users, operation::manage_directory, std::monostate, (users))
};

template <licensing_traits Traits>
struct basic_create_group_command {
  group_id_t<Traits> group{};
  typename Traits::string_type name{};
  ISV_COMMAND(basic_create_group_command, create_group, operation::manage_directory, std::monostate, (group, name))
};

/// Adds members to one group.
template <licensing_traits Traits>
struct basic_add_members_command {
  group_id_t<Traits> group{};
  std::vector<user_id_t<Traits>> users{};
  ISV_COMMAND(basic_add_members_command, add_members, operation::manage_directory, std::monostate, (group, users))
};

/// Removes members from one group.
template <licensing_traits Traits>
struct basic_remove_members_command {
  group_id_t<Traits> group{};
  std::vector<user_id_t<Traits>> users{};
  ISV_COMMAND(basic_remove_members_command, remove_members, operation::manage_directory, std::monostate, (group, users))
};

/// Removes users from the tenant: every license they hold, direct or through groups, in every
/// subscription, is released in the same commit (D-DIR-1).
template <licensing_traits Traits>
struct basic_remove_users_command {
  std::vector<user_id_t<Traits>> users{};
  ISV_COMMAND(basic_remove_users_command, remove_users, operation::manage_directory, std::monostate, (users))
};

/// Deletes a group: the licenses only it gave are released, its assignments and violations end (D-DIR-1).
template <licensing_traits Traits>
struct basic_delete_group_command {
  group_id_t<Traits> group{};
  ISV_COMMAND(basic_delete_group_command, delete_group, operation::manage_directory, std::monostate, (group))
};

/// Sets a user's display name, by which the directory finds the user (D-DIR-2).
template <licensing_traits Traits>
struct basic_name_user_command {
  user_id_t<Traits> user{};
  typename Traits::string_type name{};
  ISV_COMMAND(basic_name_user_command, name_user, operation::manage_directory, std::monostate, (user, name))
};

/// The fields of a membership change, as the wire format of release 0.1.0 named them.
template <licensing_traits Traits>
using basic_membership_command = basic_add_members_command<Traits>;

using add_users_command = basic_add_users_command<default_traits>;
using create_group_command = basic_create_group_command<default_traits>;
using add_members_command = basic_add_members_command<default_traits>;
using remove_members_command = basic_remove_members_command<default_traits>;
using membership_command = basic_membership_command<default_traits>;
using remove_users_command = basic_remove_users_command<default_traits>;
using delete_group_command = basic_delete_group_command<default_traits>;
using name_user_command = basic_name_user_command<default_traits>;

// ---- Admin roles ----------------------------------------------------------------------------

template <licensing_traits Traits>
struct basic_grant_role_command {
  user_id_t<Traits> user{};
  directory_role role{};
  ISV_COMMAND(basic_grant_role_command, grant_role, operation::manage_admin_roles, std::monostate, (user, role))
};

template <licensing_traits Traits>
struct basic_revoke_role_command {
  user_id_t<Traits> user{};
  directory_role role{};
  ISV_COMMAND(basic_revoke_role_command, revoke_role, operation::manage_admin_roles, std::monostate, (user, role))
};

/// The fields of a role change, as the wire format of release 0.1.0 named them.
template <licensing_traits Traits>
using basic_role_command = basic_grant_role_command<Traits>;

using grant_role_command = basic_grant_role_command<default_traits>;
using revoke_role_command = basic_revoke_role_command<default_traits>;
using role_command = basic_role_command<default_traits>;

// ---- Billing profiles and invoices ----------------------------------------------------------

template <licensing_traits Traits>
struct basic_create_billing_profile_command {
  billing_profile_id_t<Traits> profile{};
  typename Traits::string_type name{};
  basic_contact_info<Traits> contact{};
  ISV_COMMAND(basic_create_billing_profile_command, create_billing_profile, operation::create_billing_profile, std::monostate,
              (profile, name, contact))
};

template <licensing_traits Traits>
struct basic_contact_info_command {
  billing_profile_id_t<Traits> profile{};
  basic_contact_info<Traits> contact{};
  ISV_COMMAND(basic_contact_info_command, change_contact_info, operation::edit_billing_profile, std::monostate,
              (profile, contact))
};

template <licensing_traits Traits>
struct basic_add_payment_method_command {
  billing_profile_id_t<Traits> profile{};
  basic_payment_method<Traits> method{};
  ISV_COMMAND(basic_add_payment_method_command, add_payment_method, operation::edit_billing_profile, std::monostate,
              (profile, method))
};

template <licensing_traits Traits>
struct basic_remove_payment_method_command {
  billing_profile_id_t<Traits> profile{};
  payment_method_id_t<Traits> method{};
  ISV_COMMAND(basic_remove_payment_method_command, remove_payment_method, operation::edit_billing_profile, std::monostate,
              (profile, method))
};

template <licensing_traits Traits>
struct basic_set_default_payment_method_command {
  billing_profile_id_t<Traits> profile{};
  payment_method_id_t<Traits> method{};
  ISV_COMMAND(basic_set_default_payment_method_command, set_default_payment_method, operation::edit_billing_profile, std::monostate,
              (profile, method))
};

/// The fields that name one payment method of a profile, as the wire format of release 0.1.0 named them.
template <licensing_traits Traits>
using basic_payment_method_command = basic_remove_payment_method_command<Traits>;

template <licensing_traits Traits>
struct basic_billing_role_command {
  billing_profile_id_t<Traits> profile{};
  user_id_t<Traits> user{};
  std::optional<billing_role> role{}; ///< empty: revoke the user's role
  ISV_COMMAND(basic_billing_role_command, set_billing_role, operation::manage_billing_roles, std::monostate,
              (profile, user, role))
};

template <licensing_traits Traits>
struct basic_change_billing_profile_command {
  subscription_id_t<Traits> subscription{};
  billing_profile_id_t<Traits> profile{};
  ISV_COMMAND(basic_change_billing_profile_command, change_billing_profile, operation::change_billing_profile, std::monostate,
              (subscription, profile))
};

template <licensing_traits Traits>
struct basic_issue_invoice_command {
  invoice_id_t<Traits> invoice{};
  billing_profile_id_t<Traits> profile{};
  ISV_COMMAND(basic_issue_invoice_command, issue_invoice, std::nullopt, basic_invoice<Traits>, (invoice, profile))
};

/// Which invoice to show (D-BILL-4).
template <licensing_traits Traits>
struct basic_view_invoice_command {
  invoice_id_t<Traits> invoice{};
  ISV_COMMAND(basic_view_invoice_command, view_invoice, operation::view_invoices, basic_invoice<Traits>, (invoice))
};

template <licensing_traits Traits>
struct basic_pay_invoice_command {
  invoice_id_t<Traits> invoice{};
  std::optional<payment_method_id_t<Traits>> method{}; ///< empty: the profile's default
  ISV_COMMAND(basic_pay_invoice_command, pay_invoice, operation::pay_invoice, std::monostate, (invoice, method))
};

/// Which invoice the platform looks at for payment (D-LIFE-4); no admin acts.
template <licensing_traits Traits>
struct basic_collect_overdue_command {
  invoice_id_t<Traits> invoice{};
  ISV_COMMAND(basic_collect_overdue_command, collect_overdue, std::nullopt, std::monostate, (invoice))
};

using view_invoice_command = basic_view_invoice_command<default_traits>;
using collect_overdue_command = basic_collect_overdue_command<default_traits>;
using create_billing_profile_command = basic_create_billing_profile_command<default_traits>;
using contact_info_command = basic_contact_info_command<default_traits>;
using add_payment_method_command = basic_add_payment_method_command<default_traits>;
using remove_payment_method_command = basic_remove_payment_method_command<default_traits>;
using set_default_payment_method_command = basic_set_default_payment_method_command<default_traits>;
using payment_method_command = basic_payment_method_command<default_traits>;
using billing_role_command = basic_billing_role_command<default_traits>;
using change_billing_profile_command = basic_change_billing_profile_command<default_traits>;
using issue_invoice_command = basic_issue_invoice_command<default_traits>;
using pay_invoice_command = basic_pay_invoice_command<default_traits>;


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
    basic_collect_overdue_command<T>, basic_advance_command<T>,
    // Added after release 0.1.0 (at the end, so the others keep their index)
    basic_remove_users_command<T>, basic_delete_group_command<T>, basic_name_user_command<T>, basic_reinstate_command<T>,
    basic_change_plan_command<T>, basic_marketplace_subscribe_command<T>, basic_marketplace_activate_command<T>,
    basic_marketplace_webhook_command<T>>;

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

/// Run by the platform (or an app's publisher through the marketplace): no admin acts, and no row
/// of the authorization table applies, or the row is the platform's own (platform_operation).
template <command_type C>
inline constexpr bool platform_command = !C::authorization.has_value() || platform_operation(*C::authorization);

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
