// Changing a subscription's license quantity (D-QTY-1..4, D-ROLE-2, D-ROLE-6).
#pragma once

#include "isv/actor.hpp"
#include "isv/operations/authorization.hpp"
#include "isv/command.hpp"
#include "isv/detail/checks.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/evolve.hpp"
#include "isv/operations/purchase.hpp"
#include "isv/subscription.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace isv {

/// Sets the number of seats of a seat-based subscription bought through the platform. Never below
/// the licenses in use: the refusal says how many to unassign first (D-QTY-3).
template <licensing_traits T>
update_result<basic_subscription<T>, T> change_quantity(const basic_subscription<T>& s, const basic_actor<T>& admin,
                                                        const basic_change_quantity_command<T>& cmd,
                                                        const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::subscription_operation_allowed(s, admin, cmd.subscription, detail::guard_of(cmd)));
  if (!s.bought_through_platform())
    return fail(errc::contact_vendor, detail::describe(s.id) +
                                          " was bought from the app's vendor: contact the vendor to add or remove licenses.");
  if (!s.is_seat_based())
    return fail(errc::quantity_not_adjustable,
                detail::describe(s.id) + " has a flat rate: its license count is Unlimited and has no quantity to change.");
  if (s.status == subscription_status::deactivated) return detail::status_refusal(s, "change the license quantity");
  BOOST_OUTCOME_TRY(detail::valid_quantity(cmd.quantity));
  if (cmd.quantity < s.licenses_in_use)
    return fail(errc::quantity_below_in_use,
                detail::describe(s.id) + " has " + detail::plural(s.licenses_in_use, "license") + " in use: to lower the quantity to " +
                    std::to_string(cmd.quantity) + ", unassign " + detail::plural(s.licenses_in_use - cmd.quantity, "license") +
                    " first.");
  if (cmd.quantity == *s.quantity) return detail::update_of(s, admin, now);
  return detail::update_of(s, admin, now, basic_quantity_changed<T>{s.id, *s.quantity, cmd.quantity});
}

} // namespace isv
