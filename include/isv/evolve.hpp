// evolve: how each event changes each entity value, the license book and the directory (apply), and replay, which rebuilds an entity from its events (D-AUDIT-1).
#pragma once

#include "isv/billing_profile.hpp"
#include "isv/detail/describe.hpp"
#include "isv/directory.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/invoice.hpp"
#include "isv/license_book.hpp"
#include "isv/subscription.hpp"
#include "isv/tenant.hpp"

#include <algorithm>
#include <ranges>
#include <type_traits>
#include <utility>
#include <variant>

// Operations decide which events happen; these functions are the one place where an event changes
// a value. Operations compute their new state with the same functions, so replaying the events
// always rebuilds exactly the state that the operations returned.
namespace isv {

namespace detail {
template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

/// How an event changes a value that counts its changes in `version`: an event of type `Created`
/// gives a value of version 0 its first contents; after that, an event changes the value when
/// `effects` has a case for it and `names(payload)` is the value's id. Each change adds one to the version.
template <class Created, class Value, class Event, class Names, class... Effects>
[[nodiscard]] Value fold_counted(Value value, const Event& e, Names names, Effects... effects) {
  const overloaded cases{effects...};
  std::visit(
      [&](const auto& payload) {
        using payload_type = std::remove_cvref_t<decltype(payload)>;
        if constexpr (std::is_invocable_v<const overloaded<Effects...>&, Value&, const payload_type&>) {
          if constexpr (std::is_same_v<payload_type, Created>) {
            if (value.version != 0) return;
          } else if (value.version == 0 || names(payload) != value.id) {
            return;
          }
          cases(value, payload);
          ++value.version;
        }
      },
      e.payload);
  return value;
}
} // namespace detail

/// The tenant after one event (events of other tenants and entities leave it as it is).
template <licensing_traits T>
[[nodiscard]] basic_tenant<T> apply(basic_tenant<T> org, const basic_event<T>& e) {
  if (e.tenant != org.id) return org;
  std::visit(detail::overloaded{
                 [&](const basic_role_granted<T>& p) {
                   if (!org.has_role(p.user, p.role)) org.admin_roles.push_back({org.id, p.user, p.role});
                   ++org.version;
                 },
                 [&](const basic_role_revoked<T>& p) {
                   std::erase_if(org.admin_roles, [&](const auto& g) { return g.user == p.user && g.role == p.role; });
                   ++org.version;
                 },
                 [](const auto&) {},
             },
             e.payload);
  return org;
}

namespace detail {
/// Applies an event known to be of this subscription (or its purchase, when it is new): replay
/// and stores change a subscription a million times, in place.
template <licensing_traits T>
void apply_own_event(basic_subscription<T>& s, const basic_event<T>& e) {
  if (const auto* bought = std::get_if<basic_subscription_purchased<T>>(&e.payload)) {
    if (s.version != 0) return; // a purchase only ever starts a subscription
    s = *bought->subscription;
    s.version = 1;
    return;
  }
  visit_payload(detail::overloaded{
                 [&](const basic_subscription_activated<T>& p) {
                   s.status = subscription_status::active;
                   s.term_start = p.term_start;
                   s.term_end = p.term_end;
                 },
                 [&](const basic_app_installed<T>&) { s.installed = true; },
                 [&](const basic_licenses_granted<T>& p) { s.licenses_in_use += static_cast<count_t>(p.new_holders.size()); },
                 [&](const basic_licenses_released<T>& p) { s.licenses_in_use -= static_cast<count_t>(p.released.size()); },
                 [&](const basic_quantity_changed<T>& p) { s.quantity = p.to; },
                 [&](const basic_plan_changed<T>& p) {
                   s.plan = p.to;
                   s.pricing = p.pricing;
                   s.unit_price = p.unit_price;
                   s.quantity = p.quantity;
                 },
                 [&](const basic_charge_recorded<T>& p) { s.charges.push_back(*p.line); },
                 [&](const basic_marketplace_operation_decided<T>& p) {
                   s.marketplace_ledger.push_back(*p.decision);
                   const bool applied = p.decision->outcome == marketplace_outcome::accepted || p.decision->reconciled;
                   if (applied && (!s.marketplace_updated_at || *s.marketplace_updated_at < p.decision->sent_at))
                     s.marketplace_updated_at = p.decision->sent_at;
                 },
                 [&](const basic_marketplace_suspended<T>& p) {
                   s.status = subscription_status::suspended;
                   s.grace_ends = p.grace_ends;
                   s.lapsed_invoice.reset();
                 },
                 [&](const basic_marketplace_reinstated<T>&) {
                   s.status = subscription_status::active;
                   s.grace_ends.reset();
                   s.lapsed_invoice.reset();
                 },
                 [&](const basic_charges_invoiced<T>& p) {
                   const auto n = static_cast<std::size_t>(std::clamp<count_t>(p.lines, 0, static_cast<count_t>(s.charges.size())));
                   s.charges.erase(s.charges.begin(), s.charges.begin() + static_cast<std::ptrdiff_t>(n));
                 },
                 [&](const basic_auto_renew_changed<T>& p) { s.auto_renew = p.auto_renew; },
                 [&](const basic_billing_profile_changed<T>& p) { s.billing_profile = p.to; },
                 [&](const basic_subscription_renewed<T>& p) {
                   s.term_start = p.term_start;
                   s.term_end = p.term_end;
                 },
                 [&](const basic_subscription_suspended<T>& p) {
                   s.status = subscription_status::suspended;
                   s.grace_ends = p.grace_ends;
                   s.lapsed_invoice = p.invoice;
                 },
                 [&](const basic_subscription_reinstated<T>&) {
                   s.status = subscription_status::active;
                   s.grace_ends.reset();
                   s.lapsed_invoice.reset();
                 },
                 [&](const basic_subscription_deactivated<T>& p) {
                   s.status = subscription_status::deactivated;
                   s.reason = p.reason;
                   s.licenses_in_use = 0;
                   s.grace_ends.reset();
                 },
                 [](const auto&) {}, // group assignments and violations live in the license book
             },
             e);
  ++s.version;
}

/// apply(subscription, event) in place, for an event of any subscription: those of others leave
/// it as it is.
template <licensing_traits T>
void apply_in_place(basic_subscription<T>& s, const basic_event<T>& e) {
  const auto* target = subscription_target(e);
  if (target == nullptr) return;
  if (*target != s.id && !(s.version == 0 && std::holds_alternative<basic_subscription_purchased<T>>(e.payload))) return;
  apply_own_event(s, e);
}
} // namespace detail

/// The subscription after one event; events of other subscriptions leave it as it is. A purchase
/// event replaces the value with the subscription it carries.
template <licensing_traits T>
[[nodiscard]] basic_subscription<T> apply(basic_subscription<T> s, const basic_event<T>& e) {
  detail::apply_in_place(s, e);
  return s;
}

/// The billing profile after one event. A creation event gives the profile its first value.
template <licensing_traits T>
[[nodiscard]] basic_billing_profile<T> apply(basic_billing_profile<T> profile, const basic_event<T>& e) {
  if (e.tenant != profile.tenant && profile.version != 0) return profile;
  using profile_t = basic_billing_profile<T>;
  return detail::fold_counted<basic_billing_profile_created<T>>(
      std::move(profile), e, [](const auto& p) { return p.profile; },
      [&](profile_t& b, const basic_billing_profile_created<T>& p) {
        b = profile_t{p.profile, e.tenant, p.name, *p.contact, {}, {}, {{p.owner, billing_role::owner}}, 0};
      },
      [](profile_t& b, const basic_contact_info_changed<T>& p) { b.contact = p.contact; },
      [](profile_t& b, const basic_payment_method_added<T>& p) { b.payment_methods.push_back(p.method); },
      [](profile_t& b, const basic_payment_method_removed<T>& p) {
        std::erase_if(b.payment_methods, [&](const auto& m) { return m.id == p.method; });
        if (b.default_payment_method == p.method) b.default_payment_method.reset();
      },
      [](profile_t& b, const basic_default_payment_method_set<T>& p) { b.default_payment_method = p.method; },
      [](profile_t& b, const basic_billing_role_changed<T>& p) {
        std::erase_if(b.roles, [&](const auto& g) { return g.user == p.user; });
        if (p.role) b.roles.push_back({p.user, *p.role});
      });
}

/// The invoice after one event. An issue event gives the invoice its first value.
template <licensing_traits T>
[[nodiscard]] basic_invoice<T> apply(basic_invoice<T> bill, const basic_event<T>& e) {
  return detail::fold_counted<basic_invoice_issued<T>>(
      std::move(bill), e, [](const auto& p) { return p.invoice; },
      [](basic_invoice<T>& inv, const basic_invoice_issued<T>& p) { inv = *p.invoice; },
      [&](basic_invoice<T>& inv, const basic_invoice_paid<T>& p) {
        inv.status = invoice_status::paid;
        inv.paid_at = e.at;
        inv.paid_with = p.method;
      },
      [](basic_invoice<T>& inv, const basic_invoice_overdue<T>&) { inv.status = invoice_status::overdue; });
}

/// Changes a license book by one event, in place (a book is large: it is never copied); events of
/// other subscriptions leave it as it is. A friend of basic_license_book (isv/license_book.hpp).
template <licensing_traits T>
void apply(basic_license_book<T>& book, const basic_event<T>& e) {
  // One closure of two references rather than an overload set of eight closures: replay calls
  // this for every event, and the overload set was written to the stack on each call before the
  // grant or release it usually is could run inline (see visit_payload).
  detail::visit_payload(
      [&](const auto& p) {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, basic_licenses_granted<T>>) {
          if (p.subscription != book.subscription()) return;
          book.grant(p.new_holders, p.via, e.at);
          book.change_path(p.added_path, p.via, true); // already held: one license, one more path (D-ASSIGN-2)
        } else if constexpr (std::is_same_v<P, basic_licenses_released<T>>) {
          if (p.subscription != book.subscription()) return;
          book.release(p.released);
          book.change_path(p.removed_path, p.via, false); // still held through another path (D-ASSIGN-5)
        } else if constexpr (std::is_same_v<P, basic_group_assigned<T>>) {
          if (p.subscription == book.subscription()) book.assign_group(p.group);
        } else if constexpr (std::is_same_v<P, basic_group_unassigned<T>>) {
          if (p.subscription == book.subscription()) book.unassign_group(p.group);
        } else if constexpr (std::is_same_v<P, basic_violations_recorded<T>>) {
          if (p.subscription == book.subscription()) book.record_violations(p.group, p.users, p.reason);
        } else if constexpr (std::is_same_v<P, basic_violations_cleared<T>>) {
          if (p.subscription == book.subscription()) book.clear_violations(p.group, p.users);
        } else if constexpr (std::is_same_v<P, basic_subscription_deactivated<T>>) {
          // Every license released, every group assignment ended (D-LIFE-3).
          if (p.subscription == book.subscription()) book.clear();
        }
      },
      e);
}

/// Changes a directory by one event of its tenant, in place; other events leave it as it is.
/// A friend of basic_directory (isv/directory.hpp).
template <licensing_traits T>
void apply(basic_directory<T>& dir, const basic_event<T>& e) {
  if (e.tenant != dir.tenant()) return;
  std::visit(detail::overloaded{
                 [&](const basic_users_added<T>& p) { dir.add_users(p.users); },
                 [&](const basic_group_created<T>& p) { dir.name_group(p.group, p.name); },
                 [&](const basic_members_added<T>& p) { dir.add_members(p.group, p.users); },
                 [&](const basic_members_removed<T>& p) { dir.remove_members(p.group, p.users); },
                 [&](const basic_users_removed<T>& p) { dir.remove_users(p.users); },
                 [&](const basic_group_deleted<T>& p) { dir.delete_group(p.group); },
                 [&](const basic_user_named<T>& p) { dir.name_user(p.user, p.name); },
                 [](const auto&) {},
             },
             e.payload);
}

namespace detail {
/// Starts loading what applying `e` to `book` will read (see basic_license_book::prefetch_records).
template <licensing_traits T>
void prefetch_apply(const basic_license_book<T>& book, const basic_event<T>& e, bool deep) noexcept {
  // A grant writes its records at the end of the entries: only its index is worth fetching.
  if (const auto* granted = std::get_if<basic_licenses_granted<T>>(&e.payload)) {
    if (!deep) book.prefetch_records(granted->new_holders, false);
  } else if (const auto* released = std::get_if<basic_licenses_released<T>>(&e.payload)) {
    book.prefetch_records(released->released, deep);
  }
}
} // namespace detail

/// An update with no value of its own (a directory's: its events are applied to it in place) keeps none.
template <licensing_traits T>
[[nodiscard]] constexpr std::monostate apply(std::monostate none, const basic_event<T>&) noexcept {
  return none;
}

/// Applies every event in order: `state = apply(state, e)` for each.
template <class State, class Events>
[[nodiscard]] State apply_all(State state, const Events& events) {
  for (const auto& e : events) state = apply(std::move(state), e);
  return state;
}

/// Rebuilds a subscription and its license book from a log that holds its events (and possibly
/// others, which are skipped). Fails when the log has no purchase of that subscription.
template <licensing_traits T, class Events>
[[nodiscard]] result<std::pair<basic_subscription<T>, basic_license_book<T>>> replay_subscription(
    const subscription_id_t<T>& id, const Events& events) {
  std::pair<basic_subscription<T>, basic_license_book<T>> out{basic_subscription<T>{}, basic_license_book<T>{id}};
  bool found = false;
  // Prefetching some events ahead (see basic_license_book::prefetch_records) needs random access.
  constexpr std::size_t index_ahead = 32;
  constexpr std::size_t record_ahead = 16;
  [[maybe_unused]] std::size_t position = 0;
  [[maybe_unused]] std::size_t size = 0;
  if constexpr (std::ranges::random_access_range<Events>) size = static_cast<std::size_t>(std::ranges::size(events));
  for (const auto& e : events) {
    if constexpr (std::ranges::random_access_range<Events>) {
      if (position + index_ahead < size) detail::prefetch_apply(out.second, events[position + index_ahead], false);
      if (position + record_ahead < size) detail::prefetch_apply(out.second, events[position + record_ahead], true);
      ++position;
    }
    const auto* target = detail::subscription_target(e);
    if (target == nullptr || *target != id) continue;
    if (!found && !std::holds_alternative<basic_subscription_purchased<T>>(e.payload))
      return fail(errc::invalid_argument, "The event log does not start " + detail::describe(id) + " with its purchase.");
    found = true;
    detail::apply_own_event(out.first, e);
    apply(out.second, e);
  }
  if (!found) return fail(errc::not_found, "The event log holds no purchase of " + detail::describe(id) + ".");
  return out;
}

/// The same, with the traits deduced from the log's events: `replay_subscription(id, log)`.
template <std::ranges::range Events>
  requires requires { typename std::ranges::range_value_t<Events>::traits_type; }
[[nodiscard]] auto replay_subscription(
    const subscription_id_t<typename std::ranges::range_value_t<Events>::traits_type>& id, const Events& events) {
  return replay_subscription<typename std::ranges::range_value_t<Events>::traits_type, Events>(id, events);
}

} // namespace isv
