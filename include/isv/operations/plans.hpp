// Changing a subscription's plan (D-PLAN-2), prorated to the term's end (D-PRORATE-1).
#pragma once

#include "isv/actor.hpp"
#include "isv/app.hpp"
#include "isv/command.hpp"
#include "isv/detail/checks.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/operations/authorization.hpp"
#include "isv/operations/purchase.hpp"
#include "isv/operations/quantity.hpp"
#include "isv/subscription.hpp"

#include <optional>
#include <string>

namespace isv {

namespace detail {
/// The rules of a plan change, whoever asks for it (an admin, or the marketplace): `make` turns the
/// plan_changed payload into the update, stamped as the caller's.
template <licensing_traits T, class Make>
update_result<basic_subscription<T>, T> plan_change(const basic_subscription<T>& s, const basic_app<T>& product,
                                                    const basic_change_plan_command<T>& cmd, const time_point_t<T>& now,
                                                    Make&& make) {
  BOOST_OUTCOME_TRY(same_target(product.id, s.app));
  if (!s.bought_through_platform())
    return fail(errc::contact_vendor, describe(s.id) + " was bought from the app's vendor: contact the vendor to change its plan.");
  if (s.status == subscription_status::suspended || s.status == subscription_status::deactivated)
    return status_refusal(s, "change the plan");
  BOOST_OUTCOME_TRY(const auto plan, plan_of(product, cmd.plan));
  if (plan.id == s.plan)
    return fail(errc::plan_unchanged, describe(s.id) + " is on " + describe(plan.id) + " (\"" + std::string(plan.name) +
                                          "\") already.");
  std::optional<count_t> quantity;
  if (plan.pricing == pricing_model::per_user) {
    quantity = cmd.quantity ? cmd.quantity : s.quantity;
  } else if (cmd.quantity) {
    return fail(errc::invalid_argument, describe(plan.id) + " has a flat rate: its license count is Unlimited, so change to it without a quantity.");
  }
  BOOST_OUTCOME_TRY(plan_holds(plan, quantity, s.licenses_in_use, product));
  if (quantity && *quantity < s.licenses_in_use)
    return fail(errc::quantity_below_in_use,
                describe(s.id) + " has " + plural(s.licenses_in_use, "license") + " in use: to move it to " +
                    describe(plan.id) + " with " + std::to_string(*quantity) + " seats, unassign " +
                    plural(s.licenses_in_use - *quantity, "license") + " first.");
  BOOST_OUTCOME_TRY(const auto price, plan_price(plan, s.term, product));
  if (price.unit != s.unit_price.unit)
    return fail(errc::currency_mismatch, describe(plan.id) + " is priced in " + std::string(price.unit.code()) + ", and " +
                                             describe(s.id) + " is invoiced in " + std::string(s.unit_price.unit.code()) +
                                             " (D-BILL-5).");
  return with_proration(s, make(basic_plan_changed<T>{s.id, s.plan, plan.id, plan.pricing, price, quantity}), now);
}
} // namespace detail

/// Moves a subscription to another plan of its app (D-PLAN-2): its pricing model, price and
/// quantity become the new plan's, its licenses stay assigned, and in the middle of a term the
/// difference is prorated to the term's end (D-PRORATE-1). Refused, changing nothing: a plan the
/// app does not offer (not_found), the plan it is on (plan_unchanged), a plan that cannot hold the
/// licenses in use or the seats asked for (plan_too_small), a price in another currency
/// (currency_mismatch, D-BILL-5); and, like a quantity change, a subscription bought from the
/// vendor, suspended or deactivated. `product` is the subscription's app.
template <licensing_traits T>
update_result<basic_subscription<T>, T> change_plan(const basic_subscription<T>& s, const basic_app<T>& product,
                                                    const basic_actor<T>& admin, const basic_change_plan_command<T>& cmd,
                                                    const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::subscription_operation_allowed(s, admin, cmd.subscription, detail::guard_of(cmd)));
  return detail::plan_change(s, product, cmd, now, [&](auto payload) { return detail::update_of(s, admin, now, std::move(payload)); });
}

} // namespace isv
