// Events: every accepted change as data (who, what, when, which tenant); the state of every entity is a fold over them (D-AUDIT-1).
#pragma once

#include "isv/actor.hpp"
#include "isv/admin_role.hpp"
#include "isv/billing_profile.hpp"
#include "isv/detail/record.hpp"
#include "isv/error.hpp"
#include "isv/indirect.hpp"
#include "isv/invoice.hpp"
#include "isv/license.hpp"
#include "isv/subscription.hpp"
#include "isv/traits.hpp"

#include <concepts>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace isv {

// ---- Tenant and directory ---------------------------------------------------------------------

template <licensing_traits T> struct basic_role_granted {
  user_id_t<T> user{};
  directory_role role{};
  ISV_EVENT(role_granted, (user, role))
};
template <licensing_traits T> struct basic_role_revoked {
  user_id_t<T> user{};
  directory_role role{};
  ISV_EVENT(role_revoked, (user, role))
};
template <licensing_traits T> struct basic_users_added {
  std::vector<user_id_t<T>> users{};
  ISV_EVENT(users_added, (users))
};
template <licensing_traits T> struct basic_group_created {
  group_id_t<T> group{};
  typename T::string_type name{};
  ISV_EVENT(group_created, (group, name))
};
template <licensing_traits T> struct basic_members_added {
  group_id_t<T> group{};
  std::vector<user_id_t<T>> users{};
  ISV_EVENT(members_added, (group, users))
};
template <licensing_traits T> struct basic_members_removed {
  group_id_t<T> group{};
  std::vector<user_id_t<T>> users{};
  ISV_EVENT(members_removed, (group, users))
};
/// Users gone from the tenant: out of every group, their display names forgotten (D-DIR-1). The
/// licenses they held are released by licenses_released events of the same commit.
template <licensing_traits T> struct basic_users_removed {
  std::vector<user_id_t<T>> users{};
  ISV_EVENT(users_removed, (users))
};
/// A group gone from the tenant (D-DIR-1); its assignments and violations end by events of the same commit.
template <licensing_traits T> struct basic_group_deleted {
  group_id_t<T> group{};
  ISV_EVENT(group_deleted, (group))
};
/// A user's display name set (D-DIR-2).
template <licensing_traits T> struct basic_user_named {
  user_id_t<T> user{};
  typename T::string_type name{};
  ISV_EVENT(user_named, (user, name))
};

// ---- Subscription -----------------------------------------------------------------------------

/// The subscription as bought (version 0); applying it gives version 1. Held indirectly, like the
/// other whole-entity payloads, so that every event stays small (see indirect).
template <licensing_traits T> struct basic_subscription_purchased {
  indirect<basic_subscription<T>> subscription{};
  ISV_EVENT(subscription_purchased, (subscription))
};
template <licensing_traits T> struct basic_subscription_activated {
  subscription_id_t<T> subscription{};
  typename T::time_point term_start{};
  typename T::time_point term_end{};
  ISV_EVENT(subscription_activated, (subscription, term_start, term_end))
};
template <licensing_traits T> struct basic_app_installed {
  subscription_id_t<T> subscription{};
  typename T::string_type link{};
  ISV_EVENT(app_installed, (subscription, link))
};
/// Licenses given through one path (direct when `via` is empty): `new_holders` had none and now
/// hold one; `added_path` already held one and gained this path (not counted twice, D-ASSIGN-2).
template <licensing_traits T> struct basic_licenses_granted {
  subscription_id_t<T> subscription{};
  std::optional<group_id_t<T>> via{};
  std::vector<user_id_t<T>> new_holders{};
  std::vector<user_id_t<T>> added_path{};
  ISV_EVENT(licenses_granted, (subscription, via, new_holders, added_path))
};
/// One path taken away (direct when `via` is empty): `released` lost their license; `removed_path`
/// keep it through another path (D-ASSIGN-5).
template <licensing_traits T> struct basic_licenses_released {
  subscription_id_t<T> subscription{};
  std::optional<group_id_t<T>> via{};
  std::vector<user_id_t<T>> released{};
  std::vector<user_id_t<T>> removed_path{};
  ISV_EVENT(licenses_released, (subscription, via, released, removed_path))
};
template <licensing_traits T> struct basic_group_assigned {
  subscription_id_t<T> subscription{};
  group_id_t<T> group{};
  ISV_EVENT(group_assigned, (subscription, group))
};
template <licensing_traits T> struct basic_group_unassigned {
  subscription_id_t<T> subscription{};
  group_id_t<T> group{};
  ISV_EVENT(group_unassigned, (subscription, group))
};
/// Group members left without a license, in the order they will be served when seats free up (D-GROUP-1).
template <licensing_traits T> struct basic_violations_recorded {
  subscription_id_t<T> subscription{};
  group_id_t<T> group{};
  std::vector<user_id_t<T>> users{};
  violation_reason reason = violation_reason::count_violation;
  ISV_EVENT(violations_recorded, (subscription, group, users, reason))
};
template <licensing_traits T> struct basic_violations_cleared {
  subscription_id_t<T> subscription{};
  group_id_t<T> group{};
  std::vector<user_id_t<T>> users{};
  ISV_EVENT(violations_cleared, (subscription, group, users))
};
template <licensing_traits T> struct basic_quantity_changed {
  subscription_id_t<T> subscription{};
  count_t from = 0;
  count_t to = 0;
  ISV_EVENT(quantity_changed, (subscription, from, to))
};
template <licensing_traits T> struct basic_auto_renew_changed {
  subscription_id_t<T> subscription{};
  bool auto_renew = true;
  ISV_EVENT(auto_renew_changed, (subscription, auto_renew))
};
template <licensing_traits T> struct basic_billing_profile_changed {
  subscription_id_t<T> subscription{};
  billing_profile_id_t<T> from{};
  billing_profile_id_t<T> to{};
  ISV_EVENT(billing_profile_changed, (subscription, from, to))
};
template <licensing_traits T> struct basic_subscription_renewed {
  subscription_id_t<T> subscription{};
  typename T::time_point term_start{};
  typename T::time_point term_end{};
  ISV_EVENT(subscription_renewed, (subscription, term_start, term_end))
};
template <licensing_traits T> struct basic_subscription_suspended {
  subscription_id_t<T> subscription{};
  invoice_id_t<T> invoice{};
  typename T::time_point grace_ends{};
  ISV_EVENT(subscription_suspended, (subscription, invoice, grace_ends))
};
template <licensing_traits T> struct basic_subscription_reinstated {
  subscription_id_t<T> subscription{};
  invoice_id_t<T> invoice{};
  ISV_EVENT(subscription_reinstated, (subscription, invoice))
};
/// Deactivated for good; every license it held is released and its group assignments end (D-LIFE-3).
template <licensing_traits T> struct basic_subscription_deactivated {
  subscription_id_t<T> subscription{};
  deactivation_reason reason = deactivation_reason::cancelled;
  ISV_EVENT(subscription_deactivated, (subscription, reason))
};

/// The subscription moved to another plan of its app (D-PLAN-2): its pricing model, its price for
/// its term and its quantity (none: Unlimited) are the new plan's from now on.
template <licensing_traits T> struct basic_plan_changed {
  subscription_id_t<T> subscription{};
  plan_id_t<T> from{};
  plan_id_t<T> to{};
  pricing_model pricing = pricing_model::per_user;
  money_t<T> unit_price{};
  std::optional<count_t> quantity{};
  ISV_EVENT(plan_changed, (subscription, from, to, pricing, unit_price, quantity))
};
/// A charge the subscription's billing profile will invoice next: a term's, when it starts, or a
/// change's prorated difference (D-PRORATE-1). The line is held indirectly, so that events stay small.
template <licensing_traits T> struct basic_charge_recorded {
  subscription_id_t<T> subscription{};
  indirect<basic_invoice_line<T>> line{};
  ISV_EVENT(charge_recorded, (subscription, line))
};
/// The first `lines` charges of the subscription went on `invoice`: they are never charged again.
template <licensing_traits T> struct basic_charges_invoiced {
  subscription_id_t<T> subscription{};
  invoice_id_t<T> invoice{};
  count_t lines = 0;
  ISV_EVENT(charges_invoiced, (subscription, invoice, lines))
};

/// A marketplace operation decided (D-MKT-1, D-MKT-2): kept in the subscription's ledger. The
/// changes an accepted operation made are the events before it in the same commit.
template <licensing_traits T> struct basic_marketplace_operation_decided {
  subscription_id_t<T> subscription{};
  indirect<basic_marketplace_decision<T>> decision{};
  ISV_EVENT(marketplace_operation_decided, (subscription, decision))
};
/// The marketplace suspended the subscription (D-MKT-3, D-LIFE-4): licenses kept, none added, until
/// it reinstates it or the grace period ends.
template <licensing_traits T> struct basic_marketplace_suspended {
  subscription_id_t<T> subscription{};
  typename T::time_point grace_ends{};
  ISV_EVENT(marketplace_suspended, (subscription, grace_ends))
};
/// The marketplace reinstated the subscription: active again (D-MKT-3).
template <licensing_traits T> struct basic_marketplace_reinstated {
  subscription_id_t<T> subscription{};
  ISV_EVENT(marketplace_reinstated, (subscription))
};

// ---- Billing profile and invoices -------------------------------------------------------------

template <licensing_traits T> struct basic_billing_profile_created {
  billing_profile_id_t<T> profile{};
  typename T::string_type name{};
  indirect<basic_contact_info<T>> contact{};
  user_id_t<T> owner{};
  ISV_EVENT(billing_profile_created, (profile, name, contact, owner))
};
template <licensing_traits T> struct basic_contact_info_changed {
  billing_profile_id_t<T> profile{};
  basic_contact_info<T> contact{};
  ISV_EVENT(contact_info_changed, (profile, contact))
};
template <licensing_traits T> struct basic_payment_method_added {
  billing_profile_id_t<T> profile{};
  basic_payment_method<T> method{};
  ISV_EVENT(payment_method_added, (profile, method))
};
template <licensing_traits T> struct basic_payment_method_removed {
  billing_profile_id_t<T> profile{};
  payment_method_id_t<T> method{};
  ISV_EVENT(payment_method_removed, (profile, method))
};
template <licensing_traits T> struct basic_default_payment_method_set {
  billing_profile_id_t<T> profile{};
  payment_method_id_t<T> method{};
  ISV_EVENT(default_payment_method_set, (profile, method))
};
/// A role on a profile granted (role set) or revoked (role empty).
template <licensing_traits T> struct basic_billing_role_changed {
  billing_profile_id_t<T> profile{};
  user_id_t<T> user{};
  std::optional<billing_role> role{};
  ISV_EVENT(billing_role_changed, (profile, user, role))
};
template <licensing_traits T> struct basic_invoice_issued {
  indirect<basic_invoice<T>> invoice{};
  ISV_EVENT(invoice_issued, (invoice))
};
template <licensing_traits T> struct basic_invoice_paid {
  invoice_id_t<T> invoice{};
  payment_method_id_t<T> method{};
  ISV_EVENT(invoice_paid, (invoice, method))
};
template <licensing_traits T> struct basic_invoice_overdue {
  invoice_id_t<T> invoice{};
  ISV_EVENT(invoice_overdue, (invoice))
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
    basic_invoice_overdue<T>,
    // Added after release 0.1.0, at the end: stored records name a payload by its index.
    basic_users_removed<T>, basic_group_deleted<T>, basic_user_named<T>, basic_plan_changed<T>, basic_charge_recorded<T>,
    basic_charges_invoiced<T>, basic_marketplace_operation_decided<T>, basic_marketplace_suspended<T>,
    basic_marketplace_reinstated<T>>;

/// The payloads that change a tenant's directory (its own aggregate in a repository).
template <class P, class T>
concept directory_payload =
    std::same_as<P, basic_users_added<T>> || std::same_as<P, basic_group_created<T>> ||
    std::same_as<P, basic_members_added<T>> || std::same_as<P, basic_members_removed<T>> ||
    std::same_as<P, basic_users_removed<T>> || std::same_as<P, basic_group_deleted<T>> ||
    std::same_as<P, basic_user_named<T>>;

/// One accepted change: the tenant, who did it (empty for the platform), when, and what (D-AUDIT-1).
template <licensing_traits Traits>
struct basic_event {
  using traits_type = Traits;
  tenant_id_t<Traits> tenant{};
  actor_ref_t<Traits> actor{};
  typename Traits::time_point at{};
  event_payload_t<Traits> payload{};

  ISV_RECORD(basic_event, (tenant, actor, at, payload))
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

/// What an operation on a State returns: its update, or the typed reason it was refused (a result
/// is [[nodiscard]] itself).
template <class State, licensing_traits Traits>
using update_result = result<basic_update<State, Traits>>;

/// An update that also tells the caller something the events do not: what an assignment did
/// (basic_assignment), what an unassignment would remove (basic_unassign_preview_update).
template <class State, licensing_traits Traits, class Report>
struct basic_reported_update : basic_update<State, Traits> {
  Report report{};
};

} // namespace isv
