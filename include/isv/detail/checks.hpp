// Internal: the checks every operation starts with (tenant, target, status, lists) and event construction.
#pragma once

#include "isv/actor.hpp"
#include "isv/operations/authorization.hpp"
#include "isv/detail/calendar.hpp"
#include "isv/detail/describe.hpp"
#include "isv/detail/hash_table.hpp"
#include "isv/detail/range_of.hpp"
#include "isv/directory.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/evolve.hpp"
#include "isv/subscription.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace isv::detail {

/// D-TENANT-1, D-ROLE-5: an admin acts only inside its own tenant.
template <licensing_traits T, class Tag, class Rep>
[[nodiscard]] result<void> same_tenant(const basic_actor<T>& admin, const tenant_id_t<T>& owner,
                                       const basic_id<Tag, Rep>& what) {
  if (admin.tenant == owner) return BOOST_OUTCOME_V2_NAMESPACE::success();
  return fail(errc::wrong_tenant, describe(what) + " belongs to " + describe(owner) + ", not to " +
                                      describe(admin.tenant) + " where " + describe(admin.user) +
                                      " acts; roles in one tenant grant nothing in another.");
}

/// The state handed in is the one the command names.
template <class Tag, class Rep>
[[nodiscard]] result<void> same_target(const basic_id<Tag, Rep>& given, const basic_id<Tag, Rep>& named) {
  if (given == named) return BOOST_OUTCOME_V2_NAMESPACE::success();
  return fail(errc::invalid_argument,
              "The command names " + describe(named) + " but the state passed in is " + describe(given) + ".");
}

/// The checks every operation on one subscription starts with: the actor's tenant, the command's
/// target, and the authorization table (with D-ROLE-6 for subscriptions bought through a partner).
template <licensing_traits T>
[[nodiscard]] result<void> subscription_operation_allowed(const basic_subscription<T>& s, const basic_actor<T>& admin,
                                                          const subscription_id_t<T>& named, operation op) {
  BOOST_OUTCOME_TRY(same_tenant(admin, s.tenant, s.id));
  BOOST_OUTCOME_TRY(same_target(s.id, named));
  return authorize(op, admin.roles, {.bought_through_partner = s.channel == acquisition_channel::partner});
}

/// A role, directory or billing, goes only to a user of the acting admin's tenant directory
/// (D-ROLE-4, D-ROLE-5): granting one to an id the directory does not hold is refused.
template <licensing_traits T>
[[nodiscard]] result<void> role_holder_known(const basic_directory<T>& dir, const basic_actor<T>& admin,
                                             const user_id_t<T>& user, std::string_view role) {
  BOOST_OUTCOME_TRY(same_tenant(admin, dir.tenant(), dir.tenant()));
  if (dir.has_user(user)) return BOOST_OUTCOME_V2_NAMESPACE::success();
  return fail(errc::not_found, describe(user) + " is not a user of " + describe(dir.tenant()) + ": add the user to the directory before granting the " +
                                   std::string(role) + " role; nothing was granted.");
}

/// D-BILL-5: a billing profile invoices in one currency, the one of the subscriptions it charges
/// already (every one on it that is not deactivated, the subscription `moving` itself aside).
/// Derived from `subscriptions`, the tenant's, so no currency is stored twice.
template <licensing_traits T>
[[nodiscard]] result<void> same_billing_currency(const billing_profile_id_t<T>& profile, const subscription_id_t<T>& moving,
                                                 const currency& unit, range_of<basic_subscription<T>> subscriptions) {
  for (const auto& other : subscriptions) {
    if (other.billing_profile != profile || other.id == moving || other.status == subscription_status::deactivated ||
        other.unit_price.unit == unit)
      continue;
    return fail(errc::currency_mismatch,
                describe(profile) + " invoices in " + std::string(other.unit_price.unit.code()) + " (" + describe(other.id) +
                    " is charged to it) and cannot also charge " + std::string(unit.code()) +
                    ": a billing profile invoices in one currency. Use a profile that charges " + std::string(unit.code()) +
                    ", or a new one; nothing was changed.");
  }
  return BOOST_OUTCOME_V2_NAMESPACE::success();
}

/// The refusal for a subscription that cannot take new licenses or changes in its status.
template <licensing_traits T>
[[nodiscard]] error status_refusal(const basic_subscription<T>& s, std::string_view action) {
  const std::string who = describe(s.id);
  switch (s.status) {
    case subscription_status::pending_activation:
      return fail(errc::pending_activation, "Cannot " + std::string(action) + ": " + who +
                                                " is pending activation. Activate it in the publisher's portal first.");
    case subscription_status::suspended:
      return fail(errc::suspended,
                  "Cannot " + std::string(action) + ": " + who + " is suspended because " +
                      (s.lapsed_invoice ? describe(*s.lapsed_invoice) : std::string("an invoice")) + " is unpaid" +
                      (s.grace_ends ? "; pay it before " + format_time(*s.grace_ends) + " to reinstate it" : std::string()) + ".");
    case subscription_status::deactivated:
      return fail(errc::deactivated, "Cannot " + std::string(action) + ": " + who + " was deactivated (" +
                                         std::string(s.reason ? to_string(*s.reason) : "deactivated") +
                                         ") and can never be reactivated. Buy a new subscription to keep using the app.");
    case subscription_status::active: break;
  }
  return fail(errc::invalid_transition, "Cannot " + std::string(action) + " on " + who + ".");
}

/// A batch must name something, and nothing twice; the error names the first id listed again.
template <class Id>
[[nodiscard]] result<void> distinct(const std::vector<Id>& ids) {
  // Short lists compare pairs; long ones (a bulk batch of 1,000 users) are distinct if they are
  // sorted, and otherwise insert each id in a set.
  constexpr std::size_t short_list = 16;
  const Id* twice = nullptr;
  if (ids.size() <= short_list) {
    for (std::size_t i = 1; i < ids.size() && twice == nullptr; ++i)
      if (std::find(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(i), ids[i]) != ids.begin() + static_cast<std::ptrdiff_t>(i))
        twice = &ids[i];
  } else if (std::adjacent_find(ids.begin(), ids.end(), [](const Id& a, const Id& b) { return !(a < b); }) == ids.end()) {
    // Strictly increasing, as a bulk load made from a database or a file usually is: distinct.
  } else {
    flat_set<Id> seen;
    seen.reserve(ids.size());
    for (const auto& id : ids) {
      if (!seen.insert(id)) {
        twice = &id;
        break;
      }
    }
  }
  if (twice != nullptr) return fail(errc::invalid_argument, describe(*twice) + " is listed twice.");
  return BOOST_OUTCOME_V2_NAMESPACE::success();
}

template <licensing_traits T, class Payload>
[[nodiscard]] basic_event<T> make_event(const basic_actor<T>& admin, const typename T::time_point& at, Payload payload) {
  return basic_event<T>{admin.tenant, admin.user, at, std::move(payload)};
}

/// An event of the platform itself (renewal, expiry, payment lapse): no user did it.
template <licensing_traits T, class Payload>
[[nodiscard]] basic_event<T> make_system_event(const tenant_id_t<T>& tenant, const typename T::time_point& at, Payload payload) {
  return basic_event<T>{tenant, std::nullopt, at, std::move(payload)};
}

/// Appends an event that says `payload`, stamped like `stamp` (same tenant, actor and time).
template <licensing_traits T, class Payload>
void emit(std::vector<basic_event<T>>& events, const basic_event<T>& stamp, Payload&& payload) {
  events.push_back(basic_event<T>{stamp.tenant, stamp.actor, stamp.at, std::forward<Payload>(payload)});
}

/// The update whose events are `events`: the entity with them folded in (evolve.hpp), and the events.
template <class Entity, licensing_traits T>
[[nodiscard]] basic_update<Entity, T> updated(const Entity& entity, std::vector<basic_event<T>> events) {
  auto state = apply_all(entity, events);
  return {std::move(state), std::move(events)};
}

/// The update an admin's change makes: its events (none, one or more), stamped with the admin's
/// tenant and name and the time.
template <class Entity, licensing_traits T, class... Payload>
[[nodiscard]] basic_update<Entity, T> update_of(const Entity& entity, const basic_actor<T>& admin,
                                                const typename T::time_point& now, Payload... payloads) {
  return updated(entity, std::vector<basic_event<T>>{make_event(admin, now, std::move(payloads))...});
}

} // namespace isv::detail
