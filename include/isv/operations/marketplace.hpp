// The marketplace's operations on a SaaS subscription (D-MKT-1..4): subscribe (resolve), activation by the publisher, and the webhook's change plan, change quantity, suspend, reinstate, unsubscribe and renew, each decided once per operation id.
#pragma once

#include "isv/app.hpp"
#include "isv/billing_profile.hpp"
#include "isv/command.hpp"
#include "isv/detail/calendar.hpp"
#include "isv/detail/checks.hpp"
#include "isv/detail/range_of.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/evolve.hpp"
#include "isv/marketplace_wire.hpp"
#include "isv/operations/authorization.hpp"
#include "isv/operations/lifecycle.hpp"
#include "isv/operations/plans.hpp"
#include "isv/operations/purchase.hpp"
#include "isv/operations/quantity.hpp"
#include "isv/proration.hpp"
#include "isv/subscription.hpp"
#include "isv/tenant.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

// Who acts: the marketplace (the platform) or the app's publisher, never a tenant admin (D-MKT-1):
// the commands' authorization row, operation::marketplace, allows no admin role, and the events
// name no user. Every operation carries the marketplace's operation id; its decision is an event
// of the subscription (D-MKT-2), kept in the subscription's ledger, so the same id again returns the
// first decision and changes nothing, however often the marketplace retries (D-MKT-1).
namespace isv {

/// What a marketplace operation did, and its decision.
template <licensing_traits Traits>
struct basic_marketplace_update : basic_update<basic_subscription<Traits>, Traits> {
  basic_marketplace_decision<Traits> decision{};
};

namespace detail {

/// The decision `cmd` already has in the subscription's ledger, if the marketplace sent it before.
template <licensing_traits T>
[[nodiscard]] const basic_marketplace_decision<T>* decided_before(const basic_subscription<T>& s,
                                                                   const typename T::string_type& operation_id) {
  for (const auto& d : s.marketplace_ledger)
    if (d.operation_id == operation_id) return &d;
  return nullptr;
}

/// Only a subscription the marketplace sold takes its operations.
template <licensing_traits T>
[[nodiscard]] result<void> sold_by_marketplace(const basic_subscription<T>& s) {
  if (s.marketplace_id) return BOOST_OUTCOME_V2_NAMESPACE::success();
  return fail(errc::invalid_argument, describe(s.id) + " was not sold through the marketplace: its operations do not apply to it.");
}

/// The operation id must be a GUID, as the marketplace writes them.
template <class Text>
[[nodiscard]] result<void> valid_operation_id(const Text& operation) {
  if (marketplace_guid::parse(std::string_view(operation.data(), operation.size())))
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  return fail(errc::invalid_argument, "A marketplace operation id is a GUID (8-4-4-4-12 hexadecimal digits); \"" +
                                          std::string(operation.begin(), operation.end()) + "\" is not.");
}

/// Appends the decision event to `out` and folds it in: every decision is recorded (D-MKT-2).
template <licensing_traits T>
[[nodiscard]] basic_marketplace_update<T> decided(basic_subscription<T> s, std::vector<basic_event<T>> events,
                                                  basic_marketplace_decision<T> decision, const time_point_t<T>& now) {
  events.push_back(make_system_event<T>(s.tenant, now, basic_marketplace_operation_decided<T>{s.id, decision}));
  s = apply(std::move(s), events.back());
  basic_marketplace_update<T> out;
  out.state = std::move(s);
  out.events = std::move(events);
  out.decision = std::move(decision);
  return out;
}

/// The answer to an operation id the ledger holds: the first decision, and no change (D-MKT-1).
template <licensing_traits T>
[[nodiscard]] basic_marketplace_update<T> repeated(const basic_subscription<T>& s, const basic_marketplace_decision<T>& first) {
  basic_marketplace_update<T> out;
  out.state = s;
  out.decision = first;
  return out;
}

/// A decision of `cmd`'s kind with `outcome`; a refusal's code and words when there is one.
template <licensing_traits T, class Command>
[[nodiscard]] basic_marketplace_decision<T> decision_of(const Command& cmd, marketplace_action action, marketplace_outcome outcome,
                                                       const std::optional<error>& why = std::nullopt) {
  basic_marketplace_decision<T> d;
  d.operation_id = cmd.operation_id;
  d.action = action;
  d.outcome = outcome;
  d.sent_at = cmd.sent_at;
  if (why) {
    d.reason = why->code;
    d.message = typename T::string_type(why->message);
  }
  // The publisher reports failure for a change the rules refused; anything else succeeded or had
  // nothing to do (D-MKT-2).
  d.report_success = outcome != marketplace_outcome::rejected;
  return d;
}

} // namespace detail

/// The marketplace resolved a purchase (D-MKT-1): the subscription exists, pending activation by
/// the publisher (D-ACT-1), on the plan and quantity the customer chose, linked to the
/// marketplace's GUID. The customer accepted the agreement on the marketplace. The same rules as a
/// purchase in the admin center apply (plan, seats, price, billing profile, currency, country),
/// except that no admin acts. Refused with a typed error, changing nothing, when they do not hold.
template <licensing_traits T>
result<basic_marketplace_update<T>> marketplace_subscribe(const basic_tenant<T>& org, const basic_app<T>& product,
                                                          detail::range_of<basic_billing_profile<T>> profiles,
                                                          detail::range_of<basic_subscription<T>> subscriptions,
                                                          const basic_marketplace_subscribe_command<T>& cmd,
                                                          const time_point_t<T>& now, const purchase_policy& policy = {}) {
  BOOST_OUTCOME_TRY(detail::valid_operation_id(cmd.operation_id));
  if (!marketplace_guid::parse(std::string_view(cmd.marketplace_subscription.data(), cmd.marketplace_subscription.size())))
    return fail(errc::invalid_argument, "The marketplace's subscription id is a GUID; \"" +
                                            std::string(cmd.marketplace_subscription.begin(), cmd.marketplace_subscription.end()) +
                                            "\" is not.");
  if (product.kind != app_kind::saas)
    return fail(errc::invalid_argument, detail::describe(product.id) + " is an ISV app: the marketplace's SaaS fulfillment sells SaaS apps.");
  basic_purchase_command<T> as_bought;
  as_bought.subscription = cmd.subscription;
  as_bought.app = cmd.app;
  as_bought.channel = acquisition_channel::direct;
  as_bought.term = cmd.term;
  as_bought.quantity = cmd.quantity;
  as_bought.agreement_accepted = true; // on the marketplace
  as_bought.billing_profile = cmd.billing_profile;
  as_bought.plan = cmd.plan;
  BOOST_OUTCOME_TRY(auto bought, detail::purchase_by(org, product, profiles, subscriptions, static_cast<const basic_actor<T>*>(nullptr), as_bought, now, policy));
  bought.marketplace_id = cmd.marketplace_subscription;
  std::vector<basic_event<T>> events{detail::make_system_event<T>(org.id, now, basic_subscription_purchased<T>{bought})};
  auto s = apply(basic_subscription<T>{}, events.back());
  return detail::decided(std::move(s), std::move(events),
                         detail::decision_of<T>(cmd, marketplace_action::subscribe, marketplace_outcome::accepted), now);
}

/// The publisher activates a subscription the marketplace resolved (D-ACT-1, D-MKT-1): its first
/// term starts now and is charged. Activating one that is active already, or deactivated, changes
/// nothing and says so (D-MKT-4).
template <licensing_traits T>
result<basic_marketplace_update<T>> marketplace_activate(const basic_subscription<T>& s,
                                                         const basic_marketplace_activate_command<T>& cmd,
                                                         const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::same_target(s.id, cmd.subscription));
  BOOST_OUTCOME_TRY(detail::sold_by_marketplace(s));
  BOOST_OUTCOME_TRY(detail::valid_operation_id(cmd.operation_id));
  constexpr auto action = marketplace_action::subscribe; // activation completes the subscribe of the marketplace
  if (const auto* before = detail::decided_before(s, cmd.operation_id)) return detail::repeated(s, *before);
  if (s.status != subscription_status::pending_activation) {
    const auto why = s.status == subscription_status::deactivated ? detail::status_refusal(s, "activate")
                                                                   : fail(errc::invalid_transition, detail::describe(s.id) + " is active already.");
    return detail::decided(s, {}, detail::decision_of<T>(cmd, action, marketplace_outcome::unchanged, why), now);
  }
  const auto end = detail::term_end(now, s.term);
  BOOST_OUTCOME_TRY(auto charge, term_charge(s, now, end));
  std::vector<basic_event<T>> events{
      detail::make_system_event<T>(s.tenant, now, basic_subscription_activated<T>{s.id, now, end}),
      detail::make_system_event<T>(s.tenant, now, basic_charge_recorded<T>{s.id, std::move(charge)})};
  auto after = apply_all(s, events);
  return detail::decided(std::move(after), std::move(events),
                         detail::decision_of<T>(cmd, action, marketplace_outcome::accepted), now);
}

/// The marketplace's webhook (D-MKT-1..4): change plan, change quantity, suspend, reinstate,
/// unsubscribe or renew, decided once per operation id.
/// - The same operation id again returns the first decision and changes nothing (D-MKT-1).
/// - Nothing but a repeat changes a deactivated subscription, and an operation sent before the last
///   one applied is stale; both are answered without a change, saying why (D-MKT-4), as is one that
///   does not fit the subscription's state (reinstating an active subscription, renewing before its
///   term ends).
/// - When the payload shows the marketplace's own plan or quantity (`reported_plan`,
///   `reported_quantity`, from its subscription resource) and they differ from the subscription's,
///   the marketplace applied a change the engine did not (one it rejected, then auto-accepted after
///   its timeout, or a reply that never arrived): the engine records the marketplace's state as
///   events, prorated like any change, before it decides, and the decision says it reconciled.
/// - A plan or quantity change is decided by the rules of the admin center's (D-PLAN-2, D-QTY-*):
///   accepted, or rejected with the typed reason, changing nothing; the decision says whether the
///   publisher reports success or failure to the marketplace (D-MKT-2).
/// - Suspend suspends for `policy.grace_period` (D-LIFE-4); reinstate makes it active again;
///   unsubscribe deactivates it for good (D-LIFE-2); renew starts the next term and charges it (D-MKT-3).
/// `product` is the subscription's app.
template <licensing_traits T>
result<basic_marketplace_update<T>> handle_marketplace_webhook(const basic_subscription<T>& s, const basic_app<T>& product,
                                                        const basic_marketplace_webhook_command<T>& cmd,
                                                        const time_point_t<T>& now, const lifecycle_policy& policy = {}) {
  BOOST_OUTCOME_TRY(detail::same_target(s.id, cmd.subscription));
  BOOST_OUTCOME_TRY(detail::same_target(product.id, s.app));
  BOOST_OUTCOME_TRY(detail::sold_by_marketplace(s));
  BOOST_OUTCOME_TRY(detail::valid_operation_id(cmd.operation_id));
  if (cmd.action == marketplace_action::subscribe)
    return fail(errc::invalid_argument, "A subscription is resolved with marketplace_subscribe, not through the webhook.");
  if (cmd.action == marketplace_action::change_plan && !cmd.plan)
    return fail(errc::invalid_argument, "A ChangePlan names the new plan.");
  if (cmd.action == marketplace_action::change_quantity && !cmd.quantity)
    return fail(errc::invalid_argument, "A ChangeQuantity names the new quantity.");
  if (const auto* before = detail::decided_before(s, cmd.operation_id)) return detail::repeated(s, *before);

  const auto unchanged = [&](error why) {
    return detail::decided(s, {}, detail::decision_of<T>(cmd, cmd.action, marketplace_outcome::unchanged, why), now);
  };
  if (s.status == subscription_status::deactivated)
    return unchanged(detail::status_refusal(s, "apply the marketplace's " + std::string(marketplace_name(cmd.action))));
  if (s.marketplace_updated_at && cmd.sent_at < *s.marketplace_updated_at)
    return unchanged(fail(errc::stale_operation, "The marketplace sent this " + std::string(marketplace_name(cmd.action)) +
                                                     " at " + detail::format_time(cmd.sent_at) + ", before the operation applied last (" +
                                                     detail::format_time(*s.marketplace_updated_at) + "): it is stale."));

  // The marketplace's own state first (reconciliation), as the platform's events.
  std::vector<basic_event<T>> events;
  auto cur = s;
  const auto happen = [&](auto payload) {
    events.push_back(detail::make_system_event<T>(s.tenant, now, std::move(payload)));
    cur = apply(std::move(cur), events.back());
  };
  bool reconciled = false;
  if (cmd.reported_plan && *cmd.reported_plan != cur.plan) {
    BOOST_OUTCOME_TRY(const auto plan, detail::plan_of(product, *cmd.reported_plan));
    BOOST_OUTCOME_TRY(const auto price, detail::plan_price(plan, cur.term, product));
    const auto before = cur;
    const std::optional<count_t> seats =
        plan.pricing == pricing_model::flat_rate ? std::nullopt : (cmd.reported_quantity ? cmd.reported_quantity : cur.quantity);
    // A state that cannot hold the licenses in use is not recorded: answered, saying why (D-MKT-4).
    if (auto holds = detail::plan_holds(plan, seats, cur.licenses_in_use, product); !holds) return unchanged(holds.error());
    if (seats && *seats < cur.licenses_in_use)
      return unchanged(fail(errc::quantity_below_in_use, "The marketplace reports " + std::to_string(*seats) + " seats for " +
                                                              detail::describe(cur.id) + ", which has " +
                                                              detail::plural(cur.licenses_in_use, "license") + " in use."));
    happen(basic_plan_changed<T>{cur.id, cur.plan, plan.id, plan.pricing, price, seats});
    BOOST_OUTCOME_TRY(auto line, proration(before, cur, now));
    if (line) happen(basic_charge_recorded<T>{cur.id, std::move(*line)});
    reconciled = true;
  }
  if (cmd.reported_quantity && cur.is_seat_based() && cur.quantity && *cmd.reported_quantity != *cur.quantity) {
    BOOST_OUTCOME_TRY(detail::valid_quantity(*cmd.reported_quantity));
    if (*cmd.reported_quantity < cur.licenses_in_use)
      return unchanged(fail(errc::quantity_below_in_use, "The marketplace reports " + std::to_string(*cmd.reported_quantity) +
                                                              " seats for " + detail::describe(cur.id) + ", which has " +
                                                              detail::plural(cur.licenses_in_use, "license") + " in use."));
    const auto before = cur;
    happen(basic_quantity_changed<T>{cur.id, *cur.quantity, *cmd.reported_quantity});
    BOOST_OUTCOME_TRY(auto line, proration(before, cur, now));
    if (line) happen(basic_charge_recorded<T>{cur.id, std::move(*line)});
    reconciled = true;
  }

  const auto finish = [&](marketplace_outcome outcome, const std::optional<error>& why = std::nullopt) {
    auto d = detail::decision_of<T>(cmd, cmd.action, outcome, why);
    d.reconciled = reconciled;
    return detail::decided(std::move(cur), std::move(events), std::move(d), now);
  };
  // A change the rules decide: accepted with its events, or rejected with its reason (D-MKT-2).
  const auto decide_change = [&](result<basic_update<basic_subscription<T>, T>> change) {
    if (!change) return finish(marketplace_outcome::rejected, change.error());
    for (auto& e : change.value().events) events.push_back(std::move(e));
    cur = std::move(change.value().state);
    return finish(marketplace_outcome::accepted);
  };
  const auto system = [&](auto payload) {
    return detail::updated(cur, std::vector<basic_event<T>>{detail::make_system_event<T>(s.tenant, now, std::move(payload))});
  };
  switch (cmd.action) {
    case marketplace_action::change_plan:
      return decide_change(detail::plan_change(cur, product, basic_change_plan_command<T>{cur.id, *cmd.plan, cmd.quantity}, now, system));
    case marketplace_action::change_quantity:
      return decide_change(detail::quantity_change(cur, &product, basic_change_quantity_command<T>{cur.id, *cmd.quantity}, now, system));
    case marketplace_action::suspend:
      if (cur.status != subscription_status::active)
        return finish(marketplace_outcome::unchanged, detail::status_refusal(cur, "suspend"));
      happen(basic_marketplace_suspended<T>{cur.id, now + policy.grace_period});
      return finish(marketplace_outcome::accepted);
    case marketplace_action::reinstate:
      if (cur.status != subscription_status::suspended)
        return finish(marketplace_outcome::unchanged,
                      cur.status == subscription_status::active
                          ? fail(errc::invalid_transition, "Cannot reinstate: " + detail::describe(cur.id) + " is active already.")
                          : detail::status_refusal(cur, "reinstate"));
      happen(basic_marketplace_reinstated<T>{cur.id});
      return finish(marketplace_outcome::accepted);
    case marketplace_action::unsubscribe:
      happen(basic_subscription_deactivated<T>{cur.id, deactivation_reason::cancelled});
      return finish(marketplace_outcome::accepted);
    case marketplace_action::renew: {
      if (!cur.term_end || cur.status == subscription_status::pending_activation)
        return finish(marketplace_outcome::unchanged, detail::status_refusal(cur, "renew"));
      if (now < *cur.term_end)
        return finish(marketplace_outcome::unchanged,
                      fail(errc::invalid_transition, "Cannot renew " + detail::describe(cur.id) + " yet: its term runs until " +
                                                         detail::format_time(*cur.term_end) + "."));
      const auto start = *cur.term_end;
      const auto end = detail::term_end(start, cur.term, detail::term_anchor(cur.term_start, start));
      happen(basic_subscription_renewed<T>{cur.id, start, end});
      BOOST_OUTCOME_TRY(auto charge, term_charge(cur, start, end));
      happen(basic_charge_recorded<T>{cur.id, std::move(charge)});
      return finish(marketplace_outcome::accepted);
    }
    case marketplace_action::subscribe: break;
  }
  return fail(errc::invalid_argument, "Unknown marketplace action.");
}

/// The webhook command a payload of the marketplace's webhook makes (the documented shape, decoded by
/// isv/json/marketplace.hpp) for `linked`, the library's subscription id its GUID is linked to
/// (isv/marketplace_link.hpp), of `product`, its app: the marketplace's planIds become the app's
/// plans through their `marketplace_plan`. What the payload asks for is its top-level planId and
/// quantity; what its subscription resource shows, when it carries one, is reported for
/// reconciliation. A planId that names none of the app's plans is refused (not_found), naming it.
template <licensing_traits T>
result<basic_marketplace_webhook_command<T>> marketplace_command_of(const basic_marketplace_webhook<T>& payload,
                                                                   const subscription_id_t<T>& linked,
                                                                   const basic_app<T>& product) {
  const auto plan_named = [&](const typename T::string_type& name) -> result<plan_id_t<T>> {
    std::string known;
    for (const auto& p : product.plans) { // the default plan has no marketplace id
      if (p.marketplace_plan && *p.marketplace_plan == name) return p.id;
      if (p.marketplace_plan) known += (known.empty() ? "\"" : ", \"") + std::string(*p.marketplace_plan) + "\"";
    }
    return fail(errc::not_found, "The marketplace's plan \"" + std::string(name) + "\" is none of " + detail::describe(product.id) +
                                     "'s plans" + (known.empty() ? std::string(" (none is sold there)") : "; they are " + known) + ".");
  };
  basic_marketplace_webhook_command<T> cmd;
  cmd.operation_id = typename T::string_type(payload.operation_id.to_string());
  cmd.subscription = linked;
  cmd.action = payload.action;
  cmd.sent_at = payload.time_stamp;
  const auto asked = payload.requested();
  if (asked.plan_id && payload.action == marketplace_action::change_plan) {
    BOOST_OUTCOME_TRY(const auto asked_plan, plan_named(*asked.plan_id));
    cmd.plan = asked_plan;
  }
  if (payload.action == marketplace_action::change_quantity || payload.action == marketplace_action::change_plan)
    cmd.quantity = asked.quantity;
  if (payload.subscription) {
    BOOST_OUTCOME_TRY(const auto reported_plan, plan_named(payload.subscription->plan_id));
    cmd.reported_plan = reported_plan;
    cmd.reported_quantity = payload.subscription->quantity;
  }
  return cmd;
}

} // namespace isv
