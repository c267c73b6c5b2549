// The subscription lifecycle: the transition table, and activate, cancel, auto-renew, payment lapse, reinstatement (on payment or by the platform), and advance_to (the clock).
#pragma once

#include "isv/actor.hpp"
#include "isv/operations/authorization.hpp"
#include "isv/command.hpp"
#include "isv/detail/calendar.hpp"
#include "isv/detail/checks.hpp"
#include "isv/enum_names.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/evolve.hpp"
#include "isv/proration.hpp"
#include "isv/subscription.hpp"

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace isv {

/// What moves a subscription from one status to another.
BOOST_DEFINE_ENUM_CLASS(lifecycle_trigger,
    activate,                ///< in the publisher's portal (D-ACT-1)
    renew,                   ///< the term ended with auto-renew on (D-TERM-1)
    expire,                  ///< the term ended with auto-renew off (D-TERM-1, D-LIFE-1)
    cancel,                  ///< D-LIFE-1
    lapse_payment,           ///< an invoice went overdue (D-LIFE-4)
    reinstate,               ///< the overdue invoice was paid within the grace period (D-LIFE-4)
    end_grace                ///< the grace period ended unpaid: nonpayment (D-LIFE-4, D-LIFE-1)
)

struct lifecycle_transition {
  subscription_status from;
  lifecycle_trigger trigger;
  subscription_status to;
};

/// Every allowed transition; anything not listed is refused. Nothing leaves `deactivated` (D-LIFE-2).
inline constexpr std::array lifecycle_transitions{
    lifecycle_transition{subscription_status::pending_activation, lifecycle_trigger::activate, subscription_status::active},
    lifecycle_transition{subscription_status::pending_activation, lifecycle_trigger::cancel, subscription_status::deactivated},
    lifecycle_transition{subscription_status::active, lifecycle_trigger::renew, subscription_status::active},
    lifecycle_transition{subscription_status::active, lifecycle_trigger::expire, subscription_status::deactivated},
    lifecycle_transition{subscription_status::active, lifecycle_trigger::cancel, subscription_status::deactivated},
    lifecycle_transition{subscription_status::active, lifecycle_trigger::lapse_payment, subscription_status::suspended},
    lifecycle_transition{subscription_status::suspended, lifecycle_trigger::reinstate, subscription_status::active},
    lifecycle_transition{subscription_status::suspended, lifecycle_trigger::end_grace, subscription_status::deactivated},
    lifecycle_transition{subscription_status::suspended, lifecycle_trigger::renew, subscription_status::suspended},
    lifecycle_transition{subscription_status::suspended, lifecycle_trigger::expire, subscription_status::deactivated},
    lifecycle_transition{subscription_status::suspended, lifecycle_trigger::cancel, subscription_status::deactivated},
};

/// The status `trigger` leads to from `from`, or nothing when the table has no such transition.
[[nodiscard]] constexpr std::optional<subscription_status> next_status(subscription_status from, lifecycle_trigger trigger) noexcept {
  for (const auto& t : lifecycle_transitions)
    if (t.from == from && t.trigger == trigger) return t.to;
  return std::nullopt;
}

/// The caller's choices for time-driven rules.
struct lifecycle_policy {
  std::chrono::days grace_period{30};  ///< suspended this long before deactivation for nonpayment (D-LIFE-4)
  std::chrono::days payment_terms{30}; ///< an invoice is due this long after it is issued
};

namespace detail {
template <licensing_traits T>
result<void> allowed(const basic_subscription<T>& s, lifecycle_trigger trigger, std::string_view action) {
  if (next_status(s.status, trigger)) return BOOST_OUTCOME_V2_NAMESPACE::success();
  if (s.status != subscription_status::active) return status_refusal(s, action);
  return fail(errc::invalid_transition, "Cannot " + std::string(action) + ": " + describe(s.id) + " is active already.");
}
} // namespace detail

/// Activates a SaaS subscription (done in the publisher's portal, D-ACT-1); its first term starts
/// now, and is charged (D-PRORATE-1: each term once).
template <licensing_traits T>
update_result<basic_subscription<T>, T> activate(const basic_subscription<T>& s, const basic_actor<T>& admin,
                                                 const basic_activate_command<T>& cmd, const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::subscription_operation_allowed(s, admin, cmd.subscription, detail::guard_of(cmd)));
  BOOST_OUTCOME_TRY(detail::allowed(s, lifecycle_trigger::activate, "activate"));
  const auto end = detail::term_end(now, s.term);
  BOOST_OUTCOME_TRY(auto charge, term_charge(s, now, end));
  return detail::update_of(s, admin, now, basic_subscription_activated<T>{s.id, now, end},
                           basic_charge_recorded<T>{s.id, std::move(charge)});
}

/// Cancels: deactivated for good, reason cancelled, every license released (D-LIFE-1..3). A
/// subscription bought from the vendor is cancelled with the vendor (D-QTY-2, D-PORTAL-1).
template <licensing_traits T>
update_result<basic_subscription<T>, T> cancel(const basic_subscription<T>& s, const basic_actor<T>& admin,
                                               const basic_cancel_command<T>& cmd, const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::subscription_operation_allowed(s, admin, cmd.subscription, detail::guard_of(cmd)));
  if (!s.bought_through_platform())
    return fail(errc::contact_vendor,
                detail::describe(s.id) + " was bought from the app's vendor: contact the vendor to cancel it.");
  BOOST_OUTCOME_TRY(detail::allowed(s, lifecycle_trigger::cancel, "cancel"));
  return detail::update_of(s, admin, now, basic_subscription_deactivated<T>{s.id, deactivation_reason::cancelled});
}

/// Turns auto-renew on or off (D-TERM-1).
template <licensing_traits T>
update_result<basic_subscription<T>, T> set_auto_renew(const basic_subscription<T>& s, const basic_actor<T>& admin,
                                                       const basic_auto_renew_command<T>& cmd,
                                                       const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::subscription_operation_allowed(s, admin, cmd.subscription, detail::guard_of(cmd)));
  if (s.status == subscription_status::deactivated) return detail::status_refusal(s, "change auto-renew");
  if (s.auto_renew == cmd.auto_renew) return detail::update_of(s, admin, now);
  return detail::update_of(s, admin, now, basic_auto_renew_changed<T>{s.id, cmd.auto_renew});
}

/// The platform suspends a subscription whose invoice went unpaid: licenses stay, none can be
/// added, and the grace period starts (D-LIFE-4). A subscription already suspended or not active is left as it is.
template <licensing_traits T>
update_result<basic_subscription<T>, T> lapse_payment(const basic_subscription<T>& s, const invoice_id_t<T>& lapsed,
                                                      const time_point_t<T>& now, const lifecycle_policy& policy = {}) {
  std::vector<basic_event<T>> events;
  if (next_status(s.status, lifecycle_trigger::lapse_payment))
    events.push_back(detail::make_system_event<T>(s.tenant, now, basic_subscription_suspended<T>{s.id, lapsed, now + policy.grace_period}));
  return detail::updated(s, std::move(events));
}

/// Payment of the invoice that suspended the subscription, within the grace period, reinstates it
/// (D-LIFE-4). Paying another invoice, paying after the grace ended (the subscription is due for
/// deactivation, whether or not advance_to has run yet), or a subscription that is not suspended:
/// nothing. The payer must be of the subscription's tenant (D-TENANT-1).
template <licensing_traits T>
update_result<basic_subscription<T>, T> reinstate(const basic_subscription<T>& s, const basic_actor<T>& admin,
                                                  const invoice_id_t<T>& paid, const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::same_tenant(admin, s.tenant, s.id));
  const bool within_grace = !s.grace_ends || now < *s.grace_ends;
  if (!next_status(s.status, lifecycle_trigger::reinstate) || s.lapsed_invoice != paid || !within_grace)
    return detail::update_of(s, admin, now);
  return detail::update_of(s, admin, now, basic_subscription_reinstated<T>{s.id, paid});
}

/// The platform reinstates a suspended subscription (D-MKT-3): active again, its licenses kept, the
/// suspending invoice still owed. Only within the grace period (D-LIFE-4): once the grace has ended
/// the subscription is due for deactivation for nonpayment, whether or not advance_to has run yet,
/// and can never come back (D-LIFE-2). Any other status is refused with an error naming it.
template <licensing_traits T>
update_result<basic_subscription<T>, T> reinstate(const basic_subscription<T>& s, const basic_reinstate_command<T>& cmd,
                                                  const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::same_target(s.id, cmd.subscription));
  BOOST_OUTCOME_TRY(detail::allowed(s, lifecycle_trigger::reinstate, "reinstate"));
  if (s.grace_ends && *s.grace_ends <= now)
    return fail(errc::deactivated, "Cannot reinstate: the grace period of " + detail::describe(s.id) + " ended at " +
                                       detail::format_time(*s.grace_ends) +
                                       ", so it is deactivated for nonpayment and can never be reactivated. Buy a new subscription to keep using the app.");
  if (!s.lapsed_invoice)
    return fail(errc::corrupt_data, detail::describe(s.id) + " is suspended but names no unpaid invoice; it was not reinstated.");
  std::vector<basic_event<T>> events;
  events.push_back(detail::make_system_event<T>(s.tenant, now, basic_subscription_reinstated<T>{s.id, *s.lapsed_invoice}));
  return detail::updated(s, std::move(events));
}

/// Moves a subscription's clock to `now` (D-TERM-1, D-LIFE-4): terms that ended renew it (auto-renew
/// on) or expire it (off); a grace period that ended unpaid deactivates it for nonpayment. Every
/// term missed in one move is caught up by one renewal event, at the start of the last of them and
/// naming it (the state before says where it came from), so a jump of the clock across years costs
/// one event, not one per term (D-LIMIT-1), and charged by one line for all of them (D-PRORATE-1:
/// each term once). A pure function of the state and the time: each event carries the moment it happened.
template <licensing_traits T>
update_result<basic_subscription<T>, T> advance_to(const basic_subscription<T>& s, const time_point_t<T>& now) {
  // No policy: the end of a grace period was fixed when the subscription was suspended.
  std::vector<basic_event<T>> events;
  auto cur = s;
  const auto happened = [&](const time_point_t<T>& at, auto payload) {
    events.push_back(detail::make_system_event<T>(cur.tenant, at, std::move(payload)));
    cur = apply(std::move(cur), events.back());
  };
  while (cur.status == subscription_status::active || cur.status == subscription_status::suspended) {
    const auto grace_ends = cur.status == subscription_status::suspended ? cur.grace_ends : std::nullopt;
    const bool grace_over = grace_ends && *grace_ends <= now;
    // A subscription sold through the marketplace has the marketplace's terms: its renewals and its
    // end come as the marketplace's operations (D-MKT-3), never from this clock.
    const bool term_over = cur.term_end && *cur.term_end <= now && !cur.marketplace_id;
    if (!grace_over && !term_over) break;
    if (grace_over && (!term_over || *grace_ends <= *cur.term_end)) {
      happened(*grace_ends, basic_subscription_deactivated<T>{cur.id, deactivation_reason::nonpayment});
    } else if (cur.auto_renew) {
      // The last term to start by now (and, while suspended, before the grace ends).
      const bool stop_at_grace = grace_over; // a term starting when the grace ends does not start: it is deactivated
      // Terms keep the day of the month of the first one (D-TERM-1): Jan 31, Feb 28, Mar 31, never drifting to the 28th.
      const unsigned anchor = detail::term_anchor(cur.term_start, *cur.term_end);
      const auto start =
          detail::last_term_start(*cur.term_end, cur.term, stop_at_grace ? *grace_ends : now, stop_at_grace, anchor);
      // The terms from the one that ended to the last that started, each charged once.
      const auto first = *cur.term_end;
      const count_t terms = detail::terms_from(first, start, cur.term);
      happened(start, basic_subscription_renewed<T>{cur.id, start, detail::term_end(start, cur.term, anchor)});
      BOOST_OUTCOME_TRY(auto charge, term_charge(cur, first, *cur.term_end, terms));
      happened(start, basic_charge_recorded<T>{cur.id, std::move(charge)});
    } else {
      happened(*cur.term_end, basic_subscription_deactivated<T>{cur.id, deactivation_reason::expired});
    }
  }
  return basic_update<basic_subscription<T>, T>{std::move(cur), std::move(events)};
}

} // namespace isv
