// Changing a subscription's license quantity (D-QTY-1..4, D-ROLE-2, D-ROLE-6), prorated to the term's end (D-PRORATE-1).
#pragma once

#include "isv/actor.hpp"
#include "isv/operations/authorization.hpp"
#include "isv/command.hpp"
#include "isv/detail/checks.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/evolve.hpp"
#include "isv/operations/purchase.hpp"
#include "isv/proration.hpp"
#include "isv/subscription.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace isv {

namespace detail {
/// A change's update with its prorated difference recorded (D-PRORATE-1): when the change, at
/// `now`, moved the price of the running term, one more event, stamped like the change's own,
/// records the charge or credit the profile's next invoice carries.
template <licensing_traits T>
[[nodiscard]] update_result<basic_subscription<T>, T> with_proration(const basic_subscription<T>& before,
                                                                     basic_update<basic_subscription<T>, T> change,
                                                                     const time_point_t<T>& now) {
  if (change.events.empty()) return change;
  BOOST_OUTCOME_TRY(auto line, proration(before, change.state, now));
  if (!line) return change;
  const auto stamp = change.events.back();
  emit(change.events, stamp, basic_charge_recorded<T>{before.id, std::move(*line)});
  change.state = apply(std::move(change.state), change.events.back());
  return change;
}
} // namespace detail

namespace detail {
/// The rules of a quantity change, whoever asks for it (an admin, or the marketplace): `make` turns
/// the quantity_changed payload into the update, stamped as the caller's.
template <licensing_traits T, class Make>
update_result<basic_subscription<T>, T> quantity_change(const basic_subscription<T>& s, const basic_app<T>* product,
                                                        const basic_change_quantity_command<T>& cmd,
                                                        const time_point_t<T>& now, Make&& make) {
  if (!s.bought_through_platform())
    return fail(errc::contact_vendor, describe(s.id) + " was bought from the app's vendor: contact the vendor to add or remove licenses.");
  if (!s.is_seat_based())
    return fail(errc::quantity_not_adjustable,
                describe(s.id) + " has a flat rate: its license count is Unlimited and has no quantity to change.");
  if (s.status == subscription_status::deactivated) return status_refusal(s, "change the license quantity");
  BOOST_OUTCOME_TRY(valid_quantity(cmd.quantity));
  if (cmd.quantity < s.licenses_in_use)
    return fail(errc::quantity_below_in_use,
                describe(s.id) + " has " + plural(s.licenses_in_use, "license") + " in use: to lower the quantity to " +
                    std::to_string(cmd.quantity) + ", unassign " + plural(s.licenses_in_use - cmd.quantity, "license") + " first.");
  if (product) { // the plan's seat limits (D-PLAN-1)
    BOOST_OUTCOME_TRY(same_target(product->id, s.app));
    BOOST_OUTCOME_TRY(const auto plan, plan_of(*product, s.plan));
    BOOST_OUTCOME_TRY(plan_holds(plan, std::optional<count_t>{cmd.quantity}, s.licenses_in_use, *product));
  }
  if (cmd.quantity == *s.quantity) return updated(s, std::vector<basic_event<T>>{});
  return with_proration(s, make(basic_quantity_changed<T>{s.id, *s.quantity, cmd.quantity}), now);
}
} // namespace detail

/// Sets the number of seats of a seat-based subscription bought through the platform. Never below
/// the licenses in use: the refusal says how many to unassign first (D-QTY-3). In the middle of a
/// term the difference is prorated to the term's end (D-PRORATE-1).
template <licensing_traits T>
update_result<basic_subscription<T>, T> change_quantity(const basic_subscription<T>& s, const basic_actor<T>& admin,
                                                        const basic_change_quantity_command<T>& cmd,
                                                        const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::subscription_operation_allowed(s, admin, cmd.subscription, detail::guard_of(cmd)));
  return detail::quantity_change(s, static_cast<const basic_app<T>*>(nullptr), cmd, now,
                                 [&](auto payload) { return detail::update_of(s, admin, now, std::move(payload)); });
}

/// change_quantity within the seat limits of the subscription's plan of `product`, its app
/// (D-PLAN-1): a quantity the plan cannot hold is refused with plan_too_small. The service uses this one.
template <licensing_traits T>
update_result<basic_subscription<T>, T> change_quantity(const basic_subscription<T>& s, const basic_app<T>& product,
                                                        const basic_actor<T>& admin, const basic_change_quantity_command<T>& cmd,
                                                        const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::subscription_operation_allowed(s, admin, cmd.subscription, detail::guard_of(cmd)));
  return detail::quantity_change(s, &product, cmd, now,
                                 [&](auto payload) { return detail::update_of(s, admin, now, std::move(payload)); });
}

} // namespace isv
