// Events: every accepted change as data (who, what, when, which tenant); the state of every entity is a fold over them (D-AUDIT-1).
#pragma once

#include "isv/actor.hpp"
#include "isv/admin_role.hpp"
#include "isv/billing_profile.hpp"
#include "isv/indirect.hpp"
#include "isv/invoice.hpp"
#include "isv/license.hpp"
#include "isv/subscription.hpp"
#include "isv/traits.hpp"

#include <boost/describe/class.hpp>

#include <optional>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace isv {

// ---- Tenant and directory ---------------------------------------------------------------------

template <licensing_traits T> struct basic_role_granted {
  static constexpr std::string_view type_name = "role_granted";
  user_id_t<T> user{};
  directory_role role{};
  friend bool operator==(const basic_role_granted&, const basic_role_granted&) = default;
  BOOST_DESCRIBE_CLASS(basic_role_granted, (), (user, role), (), ())
};
template <licensing_traits T> struct basic_role_revoked {
  static constexpr std::string_view type_name = "role_revoked";
  user_id_t<T> user{};
  directory_role role{};
  friend bool operator==(const basic_role_revoked&, const basic_role_revoked&) = default;
  BOOST_DESCRIBE_CLASS(basic_role_revoked, (), (user, role), (), ())
};
template <licensing_traits T> struct basic_users_added {
  static constexpr std::string_view type_name = "users_added";
  std::vector<user_id_t<T>> users{};
  friend bool operator==(const basic_users_added&, const basic_users_added&) = default;
  BOOST_DESCRIBE_CLASS(basic_users_added, (), (users), (), ())
};
template <licensing_traits T> struct basic_group_created {
  static constexpr std::string_view type_name = "group_created";
  group_id_t<T> group{};
  typename T::string_type name{};
  friend bool operator==(const basic_group_created&, const basic_group_created&) = default;
  BOOST_DESCRIBE_CLASS(basic_group_created, (), (group, name), (), ())
};
template <licensing_traits T> struct basic_members_added {
  static constexpr std::string_view type_name = "members_added";
  group_id_t<T> group{};
  std::vector<user_id_t<T>> users{};
  friend bool operator==(const basic_members_added&, const basic_members_added&) = default;
  BOOST_DESCRIBE_CLASS(basic_members_added, (), (group, users), (), ())
};
template <licensing_traits T> struct basic_members_removed {
  static constexpr std::string_view type_name = "members_removed";
  group_id_t<T> group{};
  std::vector<user_id_t<T>> users{};
  friend bool operator==(const basic_members_removed&, const basic_members_removed&) = default;
  BOOST_DESCRIBE_CLASS(basic_members_removed, (), (group, users), (), ())
};

// ---- Subscription -----------------------------------------------------------------------------

/// The subscription as bought (version 0); applying it gives version 1. Held indirectly, like the
/// other whole-entity payloads, so that every event stays small (see indirect).
template <licensing_traits T> struct basic_subscription_purchased {
  static constexpr std::string_view type_name = "subscription_purchased";
  indirect<basic_subscription<T>> subscription{};
  friend bool operator==(const basic_subscription_purchased&, const basic_subscription_purchased&) = default;
  BOOST_DESCRIBE_CLASS(basic_subscription_purchased, (), (subscription), (), ())
};
template <licensing_traits T> struct basic_subscription_activated {
  static constexpr std::string_view type_name = "subscription_activated";
  subscription_id_t<T> subscription{};
  typename T::time_point term_start{};
  typename T::time_point term_end{};
  friend bool operator==(const basic_subscription_activated&, const basic_subscription_activated&) = default;
  BOOST_DESCRIBE_CLASS(basic_subscription_activated, (), (subscription, term_start, term_end), (), ())
};
template <licensing_traits T> struct basic_app_installed {
  static constexpr std::string_view type_name = "app_installed";
  subscription_id_t<T> subscription{};
  typename T::string_type link{};
  friend bool operator==(const basic_app_installed&, const basic_app_installed&) = default;
  BOOST_DESCRIBE_CLASS(basic_app_installed, (), (subscription, link), (), ())
};
/// Licenses given through one path (direct when `via` is empty): `new_holders` had none and now
/// hold one; `added_path` already held one and gained this path (not counted twice, D-ASSIGN-2).
template <licensing_traits T> struct basic_licenses_granted {
  static constexpr std::string_view type_name = "licenses_granted";
  subscription_id_t<T> subscription{};
  std::optional<group_id_t<T>> via{};
  std::vector<user_id_t<T>> new_holders{};
  std::vector<user_id_t<T>> added_path{};
  friend bool operator==(const basic_licenses_granted&, const basic_licenses_granted&) = default;
  BOOST_DESCRIBE_CLASS(basic_licenses_granted, (), (subscription, via, new_holders, added_path), (), ())
};
/// One path taken away (direct when `via` is empty): `released` lost their license; `removed_path`
/// keep it through another path (D-ASSIGN-5).
template <licensing_traits T> struct basic_licenses_released {
  static constexpr std::string_view type_name = "licenses_released";
  subscription_id_t<T> subscription{};
  std::optional<group_id_t<T>> via{};
  std::vector<user_id_t<T>> released{};
  std::vector<user_id_t<T>> removed_path{};
  friend bool operator==(const basic_licenses_released&, const basic_licenses_released&) = default;
  BOOST_DESCRIBE_CLASS(basic_licenses_released, (), (subscription, via, released, removed_path), (), ())
};
template <licensing_traits T> struct basic_group_assigned {
  static constexpr std::string_view type_name = "group_assigned";
  subscription_id_t<T> subscription{};
  group_id_t<T> group{};
  friend bool operator==(const basic_group_assigned&, const basic_group_assigned&) = default;
  BOOST_DESCRIBE_CLASS(basic_group_assigned, (), (subscription, group), (), ())
};
template <licensing_traits T> struct basic_group_unassigned {
  static constexpr std::string_view type_name = "group_unassigned";
  subscription_id_t<T> subscription{};
  group_id_t<T> group{};
  friend bool operator==(const basic_group_unassigned&, const basic_group_unassigned&) = default;
  BOOST_DESCRIBE_CLASS(basic_group_unassigned, (), (subscription, group), (), ())
};
/// Group members left without a license, in the order they will be served when seats free up (D-GROUP-1).
template <licensing_traits T> struct basic_violations_recorded {
  static constexpr std::string_view type_name = "violations_recorded";
  subscription_id_t<T> subscription{};
  group_id_t<T> group{};
  std::vector<user_id_t<T>> users{};
  violation_reason reason = violation_reason::count_violation;
  friend bool operator==(const basic_violations_recorded&, const basic_violations_recorded&) = default;
  BOOST_DESCRIBE_CLASS(basic_violations_recorded, (), (subscription, group, users, reason), (), ())
};
template <licensing_traits T> struct basic_violations_cleared {
  static constexpr std::string_view type_name = "violations_cleared";
  subscription_id_t<T> subscription{};
  group_id_t<T> group{};
  std::vector<user_id_t<T>> users{};
  friend bool operator==(const basic_violations_cleared&, const basic_violations_cleared&) = default;
  BOOST_DESCRIBE_CLASS(basic_violations_cleared, (), (subscription, group, users), (), ())
};
template <licensing_traits T> struct basic_quantity_changed {
  static constexpr std::string_view type_name = "quantity_changed";
  subscription_id_t<T> subscription{};
  count_t from = 0;
  count_t to = 0;
  friend bool operator==(const basic_quantity_changed&, const basic_quantity_changed&) = default;
  BOOST_DESCRIBE_CLASS(basic_quantity_changed, (), (subscription, from, to), (), ())
};
template <licensing_traits T> struct basic_auto_renew_changed {
  static constexpr std::string_view type_name = "auto_renew_changed";
  subscription_id_t<T> subscription{};
  bool auto_renew = true;
  friend bool operator==(const basic_auto_renew_changed&, const basic_auto_renew_changed&) = default;
  BOOST_DESCRIBE_CLASS(basic_auto_renew_changed, (), (subscription, auto_renew), (), ())
};
template <licensing_traits T> struct basic_billing_profile_changed {
  static constexpr std::string_view type_name = "billing_profile_changed";
  subscription_id_t<T> subscription{};
  billing_profile_id_t<T> from{};
  billing_profile_id_t<T> to{};
  friend bool operator==(const basic_billing_profile_changed&, const basic_billing_profile_changed&) = default;
  BOOST_DESCRIBE_CLASS(basic_billing_profile_changed, (), (subscription, from, to), (), ())
};
template <licensing_traits T> struct basic_subscription_renewed {
  static constexpr std::string_view type_name = "subscription_renewed";
  subscription_id_t<T> subscription{};
  typename T::time_point term_start{};
  typename T::time_point term_end{};
  friend bool operator==(const basic_subscription_renewed&, const basic_subscription_renewed&) = default;
  BOOST_DESCRIBE_CLASS(basic_subscription_renewed, (), (subscription, term_start, term_end), (), ())
};
template <licensing_traits T> struct basic_subscription_suspended {
  static constexpr std::string_view type_name = "subscription_suspended";
  subscription_id_t<T> subscription{};
  invoice_id_t<T> invoice{};
  typename T::time_point grace_ends{};
  friend bool operator==(const basic_subscription_suspended&, const basic_subscription_suspended&) = default;
  BOOST_DESCRIBE_CLASS(basic_subscription_suspended, (), (subscription, invoice, grace_ends), (), ())
};
template <licensing_traits T> struct basic_subscription_reinstated {
  static constexpr std::string_view type_name = "subscription_reinstated";
  subscription_id_t<T> subscription{};
  invoice_id_t<T> invoice{};
  friend bool operator==(const basic_subscription_reinstated&, const basic_subscription_reinstated&) = default;
  BOOST_DESCRIBE_CLASS(basic_subscription_reinstated, (), (subscription, invoice), (), ())
};
/// Deactivated for good; every license it held is released and its group assignments end (D-LIFE-3).
template <licensing_traits T> struct basic_subscription_deactivated {
  static constexpr std::string_view type_name = "subscription_deactivated";
  subscription_id_t<T> subscription{};
  deactivation_reason reason = deactivation_reason::cancelled;
  friend bool operator==(const basic_subscription_deactivated&, const basic_subscription_deactivated&) = default;
  BOOST_DESCRIBE_CLASS(basic_subscription_deactivated, (), (subscription, reason), (), ())
};

// ---- Billing profile and invoices -------------------------------------------------------------

template <licensing_traits T> struct basic_billing_profile_created {
  static constexpr std::string_view type_name = "billing_profile_created";
  billing_profile_id_t<T> profile{};
  typename T::string_type name{};
  indirect<basic_contact_info<T>> contact{};
  user_id_t<T> owner{};
  friend bool operator==(const basic_billing_profile_created&, const basic_billing_profile_created&) = default;
  BOOST_DESCRIBE_CLASS(basic_billing_profile_created, (), (profile, name, contact, owner), (), ())
};
template <licensing_traits T> struct basic_contact_info_changed {
  static constexpr std::string_view type_name = "contact_info_changed";
  billing_profile_id_t<T> profile{};
  basic_contact_info<T> contact{};
  friend bool operator==(const basic_contact_info_changed&, const basic_contact_info_changed&) = default;
  BOOST_DESCRIBE_CLASS(basic_contact_info_changed, (), (profile, contact), (), ())
};
template <licensing_traits T> struct basic_payment_method_added {
  static constexpr std::string_view type_name = "payment_method_added";
  billing_profile_id_t<T> profile{};
  basic_payment_method<T> method{};
  friend bool operator==(const basic_payment_method_added&, const basic_payment_method_added&) = default;
  BOOST_DESCRIBE_CLASS(basic_payment_method_added, (), (profile, method), (), ())
};
template <licensing_traits T> struct basic_payment_method_removed {
  static constexpr std::string_view type_name = "payment_method_removed";
  billing_profile_id_t<T> profile{};
  payment_method_id_t<T> method{};
  friend bool operator==(const basic_payment_method_removed&, const basic_payment_method_removed&) = default;
  BOOST_DESCRIBE_CLASS(basic_payment_method_removed, (), (profile, method), (), ())
};
template <licensing_traits T> struct basic_default_payment_method_set {
  static constexpr std::string_view type_name = "default_payment_method_set";
  billing_profile_id_t<T> profile{};
  payment_method_id_t<T> method{};
  friend bool operator==(const basic_default_payment_method_set&, const basic_default_payment_method_set&) = default;
  BOOST_DESCRIBE_CLASS(basic_default_payment_method_set, (), (profile, method), (), ())
};
/// A role on a profile granted (role set) or revoked (role empty).
template <licensing_traits T> struct basic_billing_role_changed {
  static constexpr std::string_view type_name = "billing_role_changed";
  billing_profile_id_t<T> profile{};
  user_id_t<T> user{};
  std::optional<billing_role> role{};
  friend bool operator==(const basic_billing_role_changed&, const basic_billing_role_changed&) = default;
  BOOST_DESCRIBE_CLASS(basic_billing_role_changed, (), (profile, user, role), (), ())
};
template <licensing_traits T> struct basic_invoice_issued {
  static constexpr std::string_view type_name = "invoice_issued";
  indirect<basic_invoice<T>> invoice{};
  friend bool operator==(const basic_invoice_issued&, const basic_invoice_issued&) = default;
  BOOST_DESCRIBE_CLASS(basic_invoice_issued, (), (invoice), (), ())
};
template <licensing_traits T> struct basic_invoice_paid {
  static constexpr std::string_view type_name = "invoice_paid";
  invoice_id_t<T> invoice{};
  payment_method_id_t<T> method{};
  friend bool operator==(const basic_invoice_paid&, const basic_invoice_paid&) = default;
  BOOST_DESCRIBE_CLASS(basic_invoice_paid, (), (invoice, method), (), ())
};
template <licensing_traits T> struct basic_invoice_overdue {
  static constexpr std::string_view type_name = "invoice_overdue";
  invoice_id_t<T> invoice{};
  friend bool operator==(const basic_invoice_overdue&, const basic_invoice_overdue&) = default;
  BOOST_DESCRIBE_CLASS(basic_invoice_overdue, (), (invoice), (), ())
};

/// What happened: one of the payloads above.
template <licensing_traits T>
using event_payload_t = std::variant<
    basic_role_granted<T>, basic_role_revoked<T>, basic_users_added<T>, basic_group_created<T>, basic_members_added<T>,
    basic_members_removed<T>, basic_subscription_purchased<T>, basic_subscription_activated<T>, basic_app_installed<T>,
    basic_licenses_granted<T>, basic_licenses_released<T>, basic_group_assigned<T>, basic_group_unassigned<T>,
    basic_violations_recorded<T>, basic_violations_cleared<T>, basic_quantity_changed<T>, basic_auto_renew_changed<T>,
    basic_billing_profile_changed<T>, basic_subscription_renewed<T>, basic_subscription_suspended<T>,
    basic_subscription_reinstated<T>, basic_subscription_deactivated<T>, basic_billing_profile_created<T>,
    basic_contact_info_changed<T>, basic_payment_method_added<T>, basic_payment_method_removed<T>,
    basic_default_payment_method_set<T>, basic_billing_role_changed<T>, basic_invoice_issued<T>, basic_invoice_paid<T>,
    basic_invoice_overdue<T>>;

/// One accepted change: the tenant, who did it (empty for the platform), when, and what (D-AUDIT-1).
template <licensing_traits Traits>
struct basic_event {
  using traits_type = Traits;
  tenant_id_t<Traits> tenant{};
  actor_ref_t<Traits> actor{};
  typename Traits::time_point at{};
  event_payload_t<Traits> payload{};

  friend bool operator==(const basic_event&, const basic_event&) = default;
  BOOST_DESCRIBE_CLASS(basic_event, (), (tenant, actor, at, payload), (), ())
};

using event = basic_event<default_traits>;

/// The name of an event's payload type, as in logs and the JSON wire format ("licenses_granted"):
/// each payload type names itself (`type_name`), and the name is its "type" on the wire.
template <licensing_traits T>
[[nodiscard]] constexpr std::string_view event_name(const event_payload_t<T>& payload) noexcept {
  return std::visit([](const auto& p) { return std::decay_t<decltype(p)>::type_name; }, payload);
}

namespace detail {
/// std::visit(f, payload), with the two payloads a log holds most (grants and releases) tested
/// first: a loop over a million events then runs their code inline instead of through the
/// variant's table of all the others.
template <licensing_traits T, class F>
decltype(auto) visit_payload(F&& f, const basic_event<T>& e) {
  if (const auto* granted = std::get_if<basic_licenses_granted<T>>(&e.payload)) return f(*granted);
  if (const auto* released = std::get_if<basic_licenses_released<T>>(&e.payload)) return f(*released);
  return std::visit(std::forward<F>(f), e.payload);
}

/// The id of the subscription an event changes, inside the event, or nullptr: subscription_of
/// without building an optional, for loops over a million events.
template <licensing_traits T>
[[nodiscard]] const subscription_id_t<T>* subscription_target(const basic_event<T>& e) noexcept {
  return visit_payload(
      [](const auto& p) -> const subscription_id_t<T>* {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, basic_subscription_purchased<T>>) return &p.subscription->id;
        else if constexpr (requires { p.subscription; }) return &p.subscription;
        else return nullptr;
      },
      e);
}
} // namespace detail

/// The subscription an event changes, if it changes one.
template <licensing_traits T>
[[nodiscard]] std::optional<subscription_id_t<T>> subscription_of(const basic_event<T>& e) {
  if (const auto* target = detail::subscription_target(e)) return *target;
  return std::nullopt;
}

/// What an operation produced: the new value of the entity it acted on, and the events, in order.
/// Events may concern other entities too (licenses, other subscriptions); the caller applies them.
template <class State, licensing_traits Traits>
struct basic_update {
  State state{};
  std::vector<basic_event<Traits>> events{};
};

/// An update that also tells the caller something the events do not: what an assignment did
/// (basic_assignment), what an unassignment would remove (basic_unassign_preview_update).
template <class State, licensing_traits Traits, class Report>
struct basic_reported_update : basic_update<State, Traits> {
  Report report{};
};

} // namespace isv
