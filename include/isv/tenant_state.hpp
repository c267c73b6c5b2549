// basic_tenant_state: everything of one tenant (its value, directory, subscriptions with their license books, billing profiles, invoices) and apply, which changes it in place by events.
#pragma once

#include "isv/billing_profile.hpp"
#include "isv/directory.hpp"
#include "isv/event.hpp"
#include "isv/evolve.hpp"
#include "isv/invoice.hpp"
#include "isv/license_book.hpp"
#include "isv/subscription.hpp"
#include "isv/tenant.hpp"
#include "isv/traits.hpp"

#include <algorithm>
#include <concepts>
#include <ranges>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

// A host that keeps a whole tenant (a repository, a test, a tool) keeps it here and changes it only
// with apply: one fold of the events into every value they concern, written once. Each value
// changes as isv/evolve.hpp says; this header only routes an event to the value it names.
namespace isv {

/// A subscription and its license book, changed by the same events.
template <licensing_traits Traits>
struct basic_subscription_state {
  basic_subscription<Traits> subscription{};
  basic_license_book<Traits> book{};
  friend bool operator==(const basic_subscription_state&, const basic_subscription_state&) = default;
};

namespace detail {
/// The keys of a map, sorted.
template <class Map>
[[nodiscard]] std::vector<typename Map::key_type> sorted_keys(const Map& map) {
  std::vector<typename Map::key_type> out;
  out.reserve(map.size());
  for (const auto& entry : map) out.push_back(entry.first);
  std::sort(out.begin(), out.end());
  return out;
}
} // namespace detail

/// Everything of one tenant. Subscriptions, profiles and invoices are keyed by id in hash maps (a
/// commit finds its subscription in O(1); a map node never moves, so a book is never copied);
/// subscription_ids() gives them in order.
template <licensing_traits Traits>
struct basic_tenant_state {
  using traits_type = Traits;
  using subscription_id = subscription_id_t<Traits>;
  using billing_profile_id = billing_profile_id_t<Traits>;
  using invoice_id = invoice_id_t<Traits>;

  basic_tenant<Traits> tenant{};
  basic_directory<Traits> directory{};
  count_t directory_version = 0; ///< directory events applied: the version of the tenant's directory
  std::unordered_map<subscription_id, basic_subscription_state<Traits>> subscriptions{};
  std::unordered_map<billing_profile_id, basic_billing_profile<Traits>> profiles{};
  std::unordered_map<invoice_id, basic_invoice<Traits>> invoices{};

  basic_tenant_state() = default;
  /// A tenant as created: its admin-role grants, an empty directory, nothing bought.
  explicit basic_tenant_state(basic_tenant<Traits> org) : tenant(std::move(org)), directory(tenant.id) {}

  [[nodiscard]] const basic_subscription_state<Traits>* find_subscription_state(const subscription_id& id) const {
    const auto it = subscriptions.find(id);
    return it == subscriptions.end() ? nullptr : &it->second;
  }
  [[nodiscard]] const basic_subscription<Traits>* find_subscription(const subscription_id& id) const {
    const auto* found = find_subscription_state(id);
    return found ? &found->subscription : nullptr;
  }
  [[nodiscard]] const basic_license_book<Traits>* find_license_book(const subscription_id& id) const {
    const auto* found = find_subscription_state(id);
    return found ? &found->book : nullptr;
  }
  [[nodiscard]] const basic_billing_profile<Traits>* find_billing_profile(const billing_profile_id& id) const {
    const auto it = profiles.find(id);
    return it == profiles.end() ? nullptr : &it->second;
  }
  [[nodiscard]] const basic_invoice<Traits>* find_invoice(const invoice_id& id) const {
    const auto it = invoices.find(id);
    return it == invoices.end() ? nullptr : &it->second;
  }
  /// The ids of the subscriptions, sorted.
  [[nodiscard]] std::vector<subscription_id> subscription_ids() const { return detail::sorted_keys(subscriptions); }
  /// The ids of the billing profiles, sorted.
  [[nodiscard]] std::vector<billing_profile_id> billing_profile_ids() const { return detail::sorted_keys(profiles); }
  /// The subscriptions, sorted by id.
  [[nodiscard]] std::vector<basic_subscription<Traits>> subscription_values() const {
    std::vector<basic_subscription<Traits>> out;
    out.reserve(subscriptions.size());
    for (const auto& id : subscription_ids()) out.push_back(subscriptions.find(id)->second.subscription);
    return out;
  }
  /// The billing profiles, sorted by id: what purchase takes to find the one a command names.
  [[nodiscard]] std::vector<basic_billing_profile<Traits>> profile_values() const {
    std::vector<basic_billing_profile<Traits>> out;
    out.reserve(profiles.size());
    for (const auto& id : billing_profile_ids()) out.push_back(profiles.find(id)->second);
    return out;
  }

  friend bool operator==(const basic_tenant_state&, const basic_tenant_state&) = default;
};

using subscription_state = basic_subscription_state<default_traits>;
using tenant_state = basic_tenant_state<default_traits>;

namespace detail {
// An entity that does not exist is changed only by the event that creates it; any other event
// naming it changes nothing (a repository's check_commit refuses such an event before).
template <licensing_traits T, class Map, class Created>
void apply_to_entry(Map& map, const typename Map::key_type& id, const basic_event<T>& e) {
  auto found = map.find(id);
  if (found == map.end()) {
    if (!std::holds_alternative<Created>(e.payload)) return;
    found = map.emplace(id, typename Map::mapped_type{}).first;
  }
  found->second = apply(std::move(found->second), e);
}
} // namespace detail

/// Changes a tenant's state by one event, in place: the value the event names (the tenant, its
/// directory, one subscription and its book, one billing profile or one invoice) changes as
/// isv/evolve.hpp says. Events of another tenant change nothing (D-TENANT-1); replaying a tenant's
/// log into basic_tenant_state(its starting tenant) rebuilds its state (D-AUDIT-1).
template <licensing_traits T>
void apply(basic_tenant_state<T>& state, const basic_event<T>& e) {
  if (e.tenant != state.tenant.id) return;
  // Subscription events first: they are nearly all of a large log, and grants and releases are
  // found without the variant's table (see visit_payload).
  if (const auto* target = detail::subscription_target(e)) {
    auto found = state.subscriptions.find(*target);
    if (found == state.subscriptions.end()) {
      if (!std::holds_alternative<basic_subscription_purchased<T>>(e.payload)) return;
      found = state.subscriptions.emplace(*target, basic_subscription_state<T>{basic_subscription<T>{}, basic_license_book<T>(*target)}).first;
    }
    auto& entry = found->second;
    apply(entry.book, e);
    detail::apply_in_place(entry.subscription, e);
    return;
  }
  std::visit(
      [&](const auto& p) {
        using P = std::decay_t<decltype(p)>;
        if constexpr (requires { p.subscription; }) {
          // applied above
        } else if constexpr (std::is_same_v<P, basic_role_granted<T>> || std::is_same_v<P, basic_role_revoked<T>>) {
          state.tenant = apply(std::move(state.tenant), e);
        } else if constexpr (directory_payload<P, T>) {
          apply(state.directory, e);
          ++state.directory_version;
        } else if constexpr (std::is_same_v<P, basic_invoice_issued<T>>) {
          detail::apply_to_entry<T, decltype(state.invoices), basic_invoice_issued<T>>(state.invoices, p.invoice->id, e);
        } else if constexpr (requires { p.invoice; }) {
          detail::apply_to_entry<T, decltype(state.invoices), basic_invoice_issued<T>>(state.invoices, p.invoice, e);
        } else {
          static_assert(requires { p.profile; }, "every event changes a value of the tenant state");
          detail::apply_to_entry<T, decltype(state.profiles), basic_billing_profile_created<T>>(state.profiles, p.profile, e);
        }
      },
      e.payload);
}

/// Applies events in order (an operation's events, or a log).
template <licensing_traits T, std::ranges::input_range Events>
  requires std::same_as<std::ranges::range_value_t<Events>, basic_event<T>>
void apply(basic_tenant_state<T>& state, const Events& events) {
  for (const auto& e : events) apply(state, e);
}

/// Applies every event an operation returned: `apply(state, isv::pay_invoice(...).value())`. The
/// value the operation computed is the fold of these events, and its events may change other
/// values too (a payment reinstates subscriptions, collection suspends them): applying the update
/// as a whole forgets none.
template <licensing_traits T, class Update>
  requires requires(const Update& u) {
    { u.events } -> std::convertible_to<const std::vector<basic_event<T>>&>;
  }
void apply(basic_tenant_state<T>& state, const Update& update) {
  apply(state, update.events);
}

} // namespace isv
