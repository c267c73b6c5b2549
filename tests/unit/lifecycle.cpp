// Tests of lifecycle.hpp: the transition table, activation, cancellation, expiry, renewal, payment lapses and reinstatement.
#include "fixture_b.hpp"

#include <algorithm>
#include <iterator>
#include <set>

using namespace fixture_b;
using namespace std::chrono;
using isv::errc;
using isv::lifecycle_trigger;
using isv::subscription_status;

namespace {

const isv::subscription_id sub_id{20};

sys_seconds on(year_month_day ymd) { return sys_seconds{sys_days{ymd}}; }

/// A world with an active per-user SaaS subscription (5 seats) activated at `at`.
world with_active(isv::billing_term term = isv::billing_term::monthly, sys_seconds at = t0) {
  auto w = make_world();
  w.buy(sub_id, saas_per_user(), 5, term, isv::acquisition_channel::direct, main_profile, at);
  w.activate(sub_id, at);
  return w;
}

/// Issues an invoice for the main profile and lets it go overdue at its due date.
isv::basic_update<isv::invoice, traits> lapse(world& w, isv::invoice_id id, sys_seconds issued,
                                              const isv::lifecycle_policy& policy = {}) {
  const auto subs = w.all_subs();
  w.record(must(isv::issue_invoice(w.profile(main_profile), std::span<const isv::subscription>(subs),
                                   issue_command{id, main_profile}, issued, policy))
               .events);
  const auto now_subs = w.all_subs();
  auto overdue = must(isv::collect_overdue(w.invoice(id), std::span<const isv::subscription>(now_subs), w.invoice(id).due_at, policy));
  w.record(overdue.events);
  return overdue;
}

/// An active subscription whose license holder is member(1), suspended by invoice `inv` going overdue.
world suspended_with_license(isv::invoice_id inv) {
  auto w = with_active();
  w.assign(sub_id, {member(1)});
  lapse(w, inv, t0);
  REQUIRE(w.sub(sub_id).status == subscription_status::suspended);
  return w;
}

} // namespace

TEST_CASE("the transition table, pair by pair, nothing leaves deactivated [D-LIFE-2, D-LIFE-1, D-LIFE-4, D-TERM-1]") {
  using S = subscription_status;
  using G = lifecycle_trigger;
  struct row {
    S from;
    G trigger;
    std::optional<S> to;
  };
  const std::optional<S> refused_;
  // Written out by hand from the rule book; every (status, trigger) pair appears once.
  const row expected[] = {
      {S::pending_activation, G::activate, S::active},
      {S::pending_activation, G::renew, refused_},
      {S::pending_activation, G::expire, refused_},
      {S::pending_activation, G::cancel, S::deactivated},
      {S::pending_activation, G::lapse_payment, refused_},
      {S::pending_activation, G::reinstate, refused_},
      {S::pending_activation, G::end_grace, refused_},
      {S::active, G::activate, refused_},
      {S::active, G::renew, S::active},
      {S::active, G::expire, S::deactivated},
      {S::active, G::cancel, S::deactivated},
      {S::active, G::lapse_payment, S::suspended},
      {S::active, G::reinstate, refused_},
      {S::active, G::end_grace, refused_},
      {S::suspended, G::activate, refused_},
      {S::suspended, G::renew, S::suspended},
      {S::suspended, G::expire, S::deactivated},
      {S::suspended, G::cancel, S::deactivated},
      {S::suspended, G::lapse_payment, refused_},
      {S::suspended, G::reinstate, S::active},
      {S::suspended, G::end_grace, S::deactivated},
      {S::deactivated, G::activate, refused_},
      {S::deactivated, G::renew, refused_},
      {S::deactivated, G::expire, refused_},
      {S::deactivated, G::cancel, refused_},
      {S::deactivated, G::lapse_payment, refused_},
      {S::deactivated, G::reinstate, refused_},
      {S::deactivated, G::end_grace, refused_},
  };
  std::set<std::pair<S, G>> seen;
  std::size_t allowed = 0;
  for (const auto& r : expected) {
    INFO(isv::to_string(r.from) << " --" << isv::to_string(r.trigger) << "-->");
    CHECK(isv::next_status(r.from, r.trigger) == r.to);
    CHECK(seen.insert({r.from, r.trigger}).second);
    if (r.to) ++allowed;
  }
  CHECK(seen.size() == 4 * 7); // every status × every trigger
  CHECK(isv::lifecycle_transitions.size() == allowed);

  // The table itself lists each pair once, and no transition starts from deactivated.
  std::set<std::pair<S, G>> listed;
  for (const auto& t : isv::lifecycle_transitions) {
    CHECK(listed.insert({t.from, t.trigger}).second);
    CHECK(t.from != S::deactivated);
  }
}

TEST_CASE("activation starts the first term now, pending subscriptions take no licenses [D-ACT-1]") {
  auto w = make_world();
  w.buy(sub_id, saas_per_user(), 5);
  const auto pending = w.sub(sub_id);
  CHECK(pending.status == subscription_status::pending_activation);
  CHECK_FALSE(pending.term_start);

  const auto refusal = refused(isv::assign(pending, w.book(sub_id), w.dir, w.actor(license_admin),
                                           isv::assign_command{sub_id, {member(1)}, {}}, t0),
                               errc::pending_activation);
  CHECK_THAT(refusal, has("subscription 20") && has("publisher's portal"));
  CHECK(w.book(sub_id).size() == 0);

  const auto later = t0 + days{2} + hours{9};
  const auto update = must(isv::activate(pending, w.actor(billing_admin), isv::activate_command{sub_id}, later));
  // Activation starts the first term, and records its charge for the next invoice (D-PRORATE-1).
  REQUIRE(update.events.size() == 2);
  const auto& charge = *payload<isv::basic_charge_recorded<traits>>(update.events[1]).line;
  CHECK(charge.kind == isv::invoice_line_kind::term);
  CHECK(charge.period_start == later);
  CHECK(charge.amount == must(isv::term_amount(pending)));
  CHECK(update.state.charges == std::vector{charge});
  const auto& e = update.events[0];
  CHECK(e.actor == billing_admin);
  CHECK(e.tenant == home_tenant);
  CHECK(e.at == later);
  const auto& act = payload<activated>(e);
  CHECK(act.term_start == later);
  CHECK(act.term_end == on(year{2026} / 2 / 17) + hours{9});
  CHECK(update.state.status == subscription_status::active);
  CHECK(update.state.term_start == later);
  CHECK(update.state.term_end == act.term_end);
  CHECK(w.sub(sub_id) == pending); // the operation returned events; nothing changed until they were applied

  w.record(update.events);
  CHECK(w.sub(sub_id) == update.state);
  CHECK(w.assign(sub_id, {member(1)}).state.licenses_in_use == 1);

  SECTION("activating twice is refused") {
    const auto msg = refused(isv::activate(w.sub(sub_id), w.actor(global_admin), isv::activate_command{sub_id}, later),
                             errc::invalid_transition);
    CHECK_THAT(msg, has("active already"));
  }
  SECTION("an annual subscription's first term is a year") {
    w.buy(isv::subscription_id{21}, saas_per_user(), 2, isv::billing_term::annual);
    const auto annual = must(isv::activate(w.sub(isv::subscription_id{21}), w.actor(global_admin),
                                           isv::activate_command{isv::subscription_id{21}}, t0));
    CHECK(annual.state.term_end == on(year{2027} / 1 / 15));
  }
  SECTION("only a Global or Billing administrator activates") {
    const auto msg = refused(isv::activate(pending, w.actor(license_admin), isv::activate_command{sub_id}, t0),
                             errc::permission_denied);
    CHECK_THAT(msg, has("activate") && has("Global administrator or Billing administrator"));
  }
}

TEST_CASE("cancelling deactivates for good with the reason recorded [D-LIFE-1]") {
  auto w = with_active();
  SECTION("an active subscription") {
    const auto before = w.sub(sub_id);
    const auto update = must(isv::cancel(before, w.actor(billing_admin), isv::cancel_command{sub_id}, t0 + days{3}));
    REQUIRE(update.events.size() == 1);
    CHECK(update.events[0].actor == billing_admin);
    CHECK(update.events[0].at == t0 + days{3});
    CHECK(payload<deactivated>(update.events[0]).reason == isv::deactivation_reason::cancelled);
    CHECK(update.state.status == subscription_status::deactivated);
    CHECK(update.state.reason == isv::deactivation_reason::cancelled);
    CHECK(w.sub(sub_id) == before);
  }
  SECTION("a subscription still pending activation") {
    w.buy(isv::subscription_id{21}, saas_per_user(), 1);
    const auto update = must(isv::cancel(w.sub(isv::subscription_id{21}), w.actor(global_admin),
                                         isv::cancel_command{isv::subscription_id{21}}, t0));
    CHECK(update.state.status == subscription_status::deactivated);
    CHECK(update.state.reason == isv::deactivation_reason::cancelled);
  }
}

TEST_CASE("a deactivated subscription is never reactivated, buying a new copy works [D-LIFE-2]") {
  auto w = with_active();
  w.record(must(isv::cancel(w.sub(sub_id), w.actor(global_admin), isv::cancel_command{sub_id}, t0)).events);
  const auto gone = w.sub(sub_id);

  const auto msg = refused(isv::activate(gone, w.actor(global_admin), isv::activate_command{sub_id}, t0), errc::deactivated);
  CHECK_THAT(msg, has("never be reactivated") && has("Buy a new subscription") &&
                      has("cancelled"));
  CHECK(refused(isv::cancel(gone, w.actor(global_admin), isv::cancel_command{sub_id}, t0), errc::deactivated) != "");
  CHECK(refused(isv::set_auto_renew(gone, w.actor(global_admin), isv::auto_renew_command{sub_id, false}, t0),
                errc::deactivated) != "");
  // The clock does not bring it back either.
  const auto moved = must(isv::advance_to(gone, t0 + years{3}));
  CHECK(moved.events.empty());
  CHECK(moved.state == gone);

  const isv::subscription_id copy{21};
  w.buy(copy, saas_per_user(), 5);
  CHECK(w.sub(copy).status == subscription_status::pending_activation);
  w.activate(copy);
  CHECK(w.sub(copy).status == subscription_status::active);
  CHECK(w.assign(copy, {member(1)}).state.licenses_in_use == 1);
  CHECK(w.sub(sub_id) == gone);
}

TEST_CASE("deactivation releases every license and empties the license book [D-LIFE-3]") {
  auto w = with_active();
  w.record(must(isv::change_quantity(w.sub(sub_id), w.actor(global_admin), isv::change_quantity_command{sub_id, 3}, t0)).events);
  w.add_members(sales, {member(2), member(3), member(4)});
  const auto assigned = w.assign(sub_id, {member(1)}, {sales});
  CHECK(assigned.report.violations.size() == 1);
  REQUIRE(w.book(sub_id).size() == 3);
  REQUIRE(w.book(sub_id).violation_count() == 1);
  REQUIRE(w.book(sub_id).group_assigned(sales));

  const auto update = must(isv::cancel(w.sub(sub_id), w.actor(global_admin), isv::cancel_command{sub_id}, t0 + days{1}));
  CHECK(update.state.licenses_in_use == 0);
  CHECK(w.book(sub_id).size() == 3); // the book changes only when the event is applied
  w.record(update.events);
  CHECK(w.book(sub_id).size() == 0);
  CHECK(w.book(sub_id).licenses().empty());
  CHECK(w.book(sub_id).groups().empty());
  CHECK(w.book(sub_id).violations().empty());
  CHECK_FALSE(w.book(sub_id).holds(member(1)));

  const auto& s = w.sub(sub_id);
  CHECK(refused(isv::assign(s, w.book(sub_id), w.dir, w.actor(license_admin), isv::assign_command{sub_id, {member(5)}, {}}, t0),
                errc::deactivated)
            .find("assign licenses") != std::string::npos);
  CHECK(refused(isv::change_quantity(s, w.actor(global_admin), isv::change_quantity_command{sub_id, 10}, t0), errc::deactivated)
            .find("change the license quantity") != std::string::npos);
  CHECK(refused(isv::reprocess(s, w.book(sub_id), w.dir, w.actor(license_admin), isv::reprocess_command{sub_id}, t0),
                errc::deactivated) != "");
  // A new member of a group that was assigned gets nothing from the deactivated subscription.
  const auto log_size = w.log.size();
  w.add_members(sales, {member(6)});
  CHECK(w.log.size() == log_size + 1); // only the membership change
  CHECK(w.book(sub_id).size() == 0);
}

TEST_CASE("an overdue invoice suspends for a 30-day grace, licenses stay, none are added [D-LIFE-4]") {
  auto w = with_active();
  w.assign(sub_id, {member(1), member(2)});
  const auto subs = w.all_subs();
  const isv::invoice_id inv{30};
  w.record(must(isv::issue_invoice(w.profile(main_profile), std::span<const isv::subscription>(subs),
                                   issue_command{inv, main_profile}, t0))
               .events);
  CHECK(w.invoice(inv).due_at == t0 + days{30});

  const auto current = w.all_subs();
  const auto early = must(isv::collect_overdue(w.invoice(inv), std::span<const isv::subscription>(current), t0 + days{29}));
  CHECK(early.events.empty());
  CHECK(early.state == w.invoice(inv));

  const auto due = t0 + days{30};
  const auto overdue = must(isv::collect_overdue(w.invoice(inv), std::span<const isv::subscription>(current), due));
  REQUIRE(names(overdue.events) == std::vector<std::string>{"invoice_overdue", "subscription_suspended"});
  for (const auto& e : overdue.events) {
    CHECK_FALSE(e.actor); // the platform did it
    CHECK(e.at == due);
    CHECK(e.tenant == home_tenant);
  }
  const auto& susp = payload<suspended>(overdue.events[1]);
  CHECK(susp.invoice == inv);
  CHECK(susp.grace_ends == due + days{30});
  CHECK(overdue.state.status == isv::invoice_status::overdue);
  w.record(overdue.events);
  CHECK(w.sub(sub_id).status == subscription_status::suspended);
  CHECK(w.sub(sub_id).grace_ends == due + days{30});
  CHECK(w.sub(sub_id).lapsed_invoice == inv);
  CHECK(w.book(sub_id).size() == 2);
  CHECK(w.sub(sub_id).licenses_in_use == 2);

  const auto msg = refused(isv::assign(w.sub(sub_id), w.book(sub_id), w.dir, w.actor(license_admin),
                                       isv::assign_command{sub_id, {member(3)}, {}}, due),
                           errc::suspended);
  CHECK_THAT(msg, has("invoice 30") && has("pay it before 2026-03-16T00:00:00Z"));

  // Looking again changes nothing: the invoice is no longer open.
  const auto again_subs = w.all_subs();
  CHECK(must(isv::collect_overdue(w.invoice(inv), std::span<const isv::subscription>(again_subs), due + days{1})).events.empty());
}

TEST_CASE("paying within the grace reinstates the subscription [D-LIFE-4]") {
  const isv::invoice_id inv{30};
  auto w = suspended_with_license(inv);

  const auto paid_at = t0 + days{45};
  const auto subs = w.all_subs();
  const auto paid = must(isv::pay_invoice(w.profile(main_profile), w.invoice(inv), std::span<const isv::subscription>(subs),
                                          w.actor(global_admin), pay_command{inv, std::nullopt}, paid_at));
  REQUIRE(names(paid.events) == std::vector<std::string>{"invoice_paid", "subscription_reinstated"});
  CHECK(paid.events[1].actor == global_admin);
  CHECK(payload<reinstated>(paid.events[1]).invoice == inv);
  CHECK(paid.state.status == isv::invoice_status::paid);
  w.record(paid.events);
  const auto& s = w.sub(sub_id);
  CHECK(s.status == subscription_status::active);
  CHECK_FALSE(s.grace_ends);
  CHECK_FALSE(s.lapsed_invoice);
  CHECK(w.book(sub_id).holds(member(1)));
  CHECK(w.assign(sub_id, {member(2)}, {}, paid_at).state.licenses_in_use == 2);

  // Once reinstated, the end of the old grace period does nothing.
  const auto later = must(isv::advance_to(w.sub(sub_id), t0 + days{61}));
  for (const auto& e : later.events)
    CHECK((isv::event_name<traits>(e.payload) == "subscription_renewed" || isv::event_name<traits>(e.payload) == "charge_recorded"));
  CHECK(later.state.status == subscription_status::active);

  SECTION("another invoice's payment does not reinstate") {
    auto fresh = with_active();
    lapse(fresh, inv, t0);
    const auto other = must(isv::reinstate(fresh.sub(sub_id), fresh.actor(global_admin), isv::invoice_id{99}, paid_at));
    CHECK(other.events.empty());
    CHECK(other.state.status == subscription_status::suspended);
  }
}

TEST_CASE("the platform reinstates a suspended subscription within its grace, licenses kept [D-LIFE-4]") {
  const isv::invoice_id inv{30};
  auto w = suspended_with_license(inv);
  const auto grace_ends = *w.sub(sub_id).grace_ends;

  const auto back = must(isv::reinstate(w.sub(sub_id), isv::reinstate_command{sub_id}, grace_ends - seconds{1}));
  REQUIRE(names(back.events) == std::vector<std::string>{"subscription_reinstated"});
  CHECK_FALSE(back.events[0].actor); // the platform's act, no admin's
  CHECK(back.events[0].at == grace_ends - seconds{1});
  CHECK(payload<reinstated>(back.events[0]).invoice == inv);
  CHECK(back.state.status == subscription_status::active);
  CHECK_FALSE(back.state.grace_ends);
  CHECK_FALSE(back.state.lapsed_invoice);
  w.record(back.events);
  CHECK(w.sub(sub_id) == back.state);
  CHECK(w.book(sub_id).holds(member(1)));
  // The invoice that suspended it is still owed: reinstating is not paying.
  CHECK(w.invoice(inv).status == isv::invoice_status::overdue);

  // Refusals, on a subscription suspended the same way.
  auto fresh = with_active();
  lapse(fresh, inv, t0);
  // At or after the end of the grace it is due for deactivation.
  const auto msg = refused(isv::reinstate(fresh.sub(sub_id), isv::reinstate_command{sub_id}, grace_ends), errc::deactivated);
  CHECK_THAT(msg, has("grace period") && has("nonpayment") && has("subscription 20"));
  // The command names another subscription than the state handed in.
  refused(isv::reinstate(fresh.sub(sub_id), isv::reinstate_command{isv::subscription_id{99}}, t0 + days{31}), errc::invalid_argument);
}

TEST_CASE("reinstating a subscription that is not suspended is refused, naming its status [D-LIFE-2] [D-ERR-1]") {
  const isv::reinstate_command cmd{sub_id};
  SECTION("active") {
    auto w = with_active();
    CHECK_THAT(refused(isv::reinstate(w.sub(sub_id), cmd, t0 + days{1}), errc::invalid_transition), has("is active already"));
  }
  SECTION("pending activation") {
    auto w = make_world();
    w.buy(sub_id, saas_per_user(), 5);
    CHECK_THAT(refused(isv::reinstate(w.sub(sub_id), cmd, t0 + days{1}), errc::pending_activation), has("pending activation"));
  }
  SECTION("cancelled") {
    auto w = with_active();
    w.record(must(isv::cancel(w.sub(sub_id), w.actor(global_admin), isv::cancel_command{sub_id}, t0)).events);
    CHECK_THAT(refused(isv::reinstate(w.sub(sub_id), cmd, t0 + days{1}), errc::deactivated),
               has("cancelled") && has("never be reactivated"));
  }
  SECTION("expired") {
    auto w = with_active();
    w.record(must(isv::set_auto_renew(w.sub(sub_id), w.actor(global_admin), isv::auto_renew_command{sub_id, false}, t0)).events);
    w.record(must(isv::advance_to(w.sub(sub_id), t0 + days{40})).events);
    REQUIRE(w.sub(sub_id).reason == isv::deactivation_reason::expired);
    CHECK_THAT(refused(isv::reinstate(w.sub(sub_id), cmd, t0 + days{41}), errc::deactivated), has("expired"));
  }
}

TEST_CASE("the end of the grace period deactivates for nonpayment and releases the licenses [D-LIFE-4, D-LIFE-1, D-LIFE-3]") {
  auto w = with_active();
  w.assign(sub_id, {member(1), member(2)});
  const isv::invoice_id inv{30};
  lapse(w, inv, t0);
  const auto grace_ends = *w.sub(sub_id).grace_ends;
  CHECK(grace_ends == t0 + days{60});

  const auto before = must(isv::advance_to(w.sub(sub_id), grace_ends - seconds{1}));
  CHECK(before.state.status == subscription_status::suspended);
  // The terms that ended while suspended still renew (Feb 15 and Mar 15), in one catch-up event.
  CHECK(names(before.events) == std::vector<std::string>{"subscription_renewed", "charge_recorded"});
  CHECK(payload<renewed>(before.events[0]).term_start == on(year{2026} / 3 / 15));

  const auto after = must(isv::advance_to(w.sub(sub_id), grace_ends));
  REQUIRE_FALSE(after.events.empty());
  const auto& final_event = after.events.back();
  CHECK(payload<deactivated>(final_event).reason == isv::deactivation_reason::nonpayment);
  CHECK(final_event.at == grace_ends);
  CHECK_FALSE(final_event.actor);
  CHECK(after.state.status == subscription_status::deactivated);
  CHECK(after.state.reason == isv::deactivation_reason::nonpayment);
  w.record(after.events);
  CHECK(w.book(sub_id).size() == 0);
  CHECK(w.sub(sub_id) == after.state);

  // Paying now settles the invoice but cannot bring the subscription back (D-LIFE-2).
  const auto subs = w.all_subs();
  const auto paid = must(isv::pay_invoice(w.profile(main_profile), w.invoice(inv), std::span<const isv::subscription>(subs),
                                          w.actor(global_admin), pay_command{inv, main_card}, grace_ends + days{1}));
  CHECK(names(paid.events) == std::vector<std::string>{"invoice_paid"});
}

TEST_CASE("the caller's lifecycle policy sets the payment terms and the grace period [D-LIFE-4]") {
  auto w = with_active();
  const isv::lifecycle_policy policy{days{10}, days{14}};
  const isv::invoice_id inv{31};
  const auto overdue = lapse(w, inv, t0, policy);
  CHECK(w.invoice(inv).due_at == t0 + days{14});
  CHECK(payload<suspended>(overdue.events.at(1)).grace_ends == t0 + days{24});
  CHECK(w.sub(sub_id).grace_ends == t0 + days{24});

  CHECK(must(isv::advance_to(w.sub(sub_id), t0 + days{24} - seconds{1})).events.empty());
  const auto ended = must(isv::advance_to(w.sub(sub_id), t0 + days{24}));
  REQUIRE(ended.events.size() == 1);
  CHECK(payload<deactivated>(ended.events[0]).reason == isv::deactivation_reason::nonpayment);
}

TEST_CASE("payment lapses touch only active subscriptions [D-LIFE-4]") {
  auto w = make_world();
  w.buy(sub_id, saas_per_user(), 5);
  const auto pending = w.sub(sub_id);
  const auto lapsed = must(isv::lapse_payment(pending, isv::invoice_id{1}, t0));
  CHECK(lapsed.events.empty());
  CHECK(lapsed.state == pending);
  // A subscription not suspended is not "reinstated".
  CHECK(must(isv::reinstate(pending, w.actor(global_admin), isv::invoice_id{1}, t0)).events.empty());
}

TEST_CASE("at the term's end an auto-renewing subscription renews [D-TERM-1]") {
  SECTION("one monthly term") {
    auto w = with_active();
    const auto s = w.sub(sub_id);
    const auto not_yet = must(isv::advance_to(s, *s.term_end - seconds{1}));
    CHECK(not_yet.events.empty());
    CHECK(not_yet.state == s);

    const auto renewed_once = must(isv::advance_to(s, *s.term_end));
    REQUIRE(renewed_once.events.size() == 2);
    const auto& charge = *payload<isv::basic_charge_recorded<traits>>(renewed_once.events[1]).line;
    CHECK(charge.period_start == on(year{2026} / 2 / 15));
    CHECK(charge.period_end == on(year{2026} / 3 / 15));
    CHECK(charge.amount == must(isv::term_amount(s)));
    const auto& e = renewed_once.events[0];
    CHECK_FALSE(e.actor);
    CHECK(e.tenant == home_tenant);
    CHECK(e.at == on(year{2026} / 2 / 15));
    CHECK(payload<renewed>(e).term_start == on(year{2026} / 2 / 15));
    CHECK(payload<renewed>(e).term_end == on(year{2026} / 3 / 15));
    CHECK(renewed_once.state.status == subscription_status::active);
    CHECK(renewed_once.state.term_end == on(year{2026} / 3 / 15));
    CHECK(isv::apply_all(s, renewed_once.events) == renewed_once.state);
  }
  SECTION("several terms missed at once: one renewal, to the term that holds now [D-LIMIT-1]") {
    auto w = with_active();
    const auto moved = must(isv::advance_to(w.sub(sub_id), on(year{2026} / 5 / 20)));
    REQUIRE(moved.events.size() == 2);
    // One line charges the four terms that started (Feb 15, Mar 15, Apr 15, May 15), each once.
    const auto& charge = *payload<isv::basic_charge_recorded<traits>>(moved.events[1]).line;
    CHECK(charge.period_start == on(year{2026} / 2 / 15));
    CHECK(charge.period_end == on(year{2026} / 6 / 15));
    CHECK(charge.amount.minor_units == 4 * must(isv::term_amount(w.sub(sub_id))).minor_units);
    CHECK(moved.events[0].at == on(year{2026} / 5 / 15));
    CHECK(payload<renewed>(moved.events[0]).term_start == on(year{2026} / 5 / 15));
    CHECK(payload<renewed>(moved.events[0]).term_end == on(year{2026} / 6 / 15));
    CHECK(moved.state.term_start == on(year{2026} / 5 / 15));
    CHECK(moved.state.term_end == on(year{2026} / 6 / 15));
    CHECK(moved.state.status == subscription_status::active);
  }
  SECTION("a jump across ten thousand years costs one event [D-LIMIT-1]") {
    auto w = with_active();
    const auto far = on(year{12026} / 3 / 20);
    const auto moved = must(isv::advance_to(w.sub(sub_id), far));
    REQUIRE(moved.events.size() == 2);
    CHECK(payload<renewed>(moved.events[0]).term_start == on(year{12026} / 3 / 15));
    CHECK(moved.state.term_end == on(year{12026} / 4 / 15));
    // Moving there term by term ends in the same state.
    auto stepwise = w.sub(sub_id);
    for (auto t = *stepwise.term_end; t <= on(year{2030} / 3 / 20); t = *stepwise.term_end)
      stepwise = must(isv::advance_to(stepwise, t)).state;
    const auto direct = must(isv::advance_to(w.sub(sub_id), on(year{2030} / 3 / 20))).state;
    CHECK(direct.term_start == stepwise.term_start);
    CHECK(direct.term_end == stepwise.term_end);
  }
  SECTION("annual terms") {
    auto w = with_active(isv::billing_term::annual);
    CHECK(w.sub(sub_id).term_end == on(year{2027} / 1 / 15));
    const auto moved = must(isv::advance_to(w.sub(sub_id), on(year{2028} / 1 / 15)));
    REQUIRE(moved.events.size() == 2); // the terms of 2027 and 2028, caught up at once, and their charge
    CHECK(payload<isv::basic_charge_recorded<traits>>(moved.events[1]).line->amount.minor_units ==
          2 * must(isv::term_amount(w.sub(sub_id))).minor_units);
    CHECK(payload<renewed>(moved.events[0]).term_start == on(year{2028} / 1 / 15));
    CHECK(moved.state.term_end == on(year{2029} / 1 / 15));
  }
  SECTION("a term that starts on the 31st ends on the last day of a shorter month") {
    const auto jan31 = on(year{2026} / 1 / 31) + hours{10};
    auto w = with_active(isv::billing_term::monthly, jan31);
    CHECK(w.sub(sub_id).term_end == on(year{2026} / 2 / 28) + hours{10});
    const auto moved = must(isv::advance_to(w.sub(sub_id), on(year{2026} / 2 / 28) + hours{10}));
    REQUIRE(moved.events.size() == 2);
    CHECK(payload<renewed>(moved.events[0]).term_start == on(year{2026} / 2 / 28) + hours{10});
  }
  SECTION("an annual term that starts on Feb 29 ends on Feb 28") {
    auto w = with_active(isv::billing_term::annual, on(year{2028} / 2 / 29));
    CHECK(w.sub(sub_id).term_end == on(year{2029} / 2 / 28));
  }
  SECTION("a pending subscription has no term to end") {
    auto w = make_world();
    w.buy(sub_id, saas_per_user(), 5);
    CHECK(must(isv::advance_to(w.sub(sub_id), t0 + years{2})).events.empty());
  }
}

namespace {
/// Boundary `k` of monthly terms anchored on `first`'s day: that day, or the month's last when it is shorter.
sys_seconds anchored(sys_seconds first, int k) {
  const auto day = floor<days>(first);
  const year_month_day ymd{day};
  const auto ym = year_month{ymd.year(), ymd.month()} + months{k};
  const auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
  return sys_days{ym.year() / ym.month() / std::min(ymd.day(), last)} + (first - day);
}

/// Activates at `first`, then advances the clock to each term's end, one renewal at a time, for two
/// years; checks every renewal date against the anchored calendar, and that one jump lands the same.
void walk_two_years(sys_seconds first) {
  auto w = with_active(isv::billing_term::monthly, first);
  auto s = w.sub(sub_id);
  REQUIRE(s.term_end == anchored(first, 1));
  for (int k = 1; k <= 24; ++k) {
    CAPTURE(k);
    const auto moved = must(isv::advance_to(s, *s.term_end));
    REQUIRE(moved.events.size() == 2);
    CHECK(moved.events[0].at == anchored(first, k));
    CHECK(payload<renewed>(moved.events[0]).term_start == anchored(first, k));
    CHECK(payload<renewed>(moved.events[0]).term_end == anchored(first, k + 1));
    CHECK(isv::apply_all(s, moved.events) == moved.state); // replaying the events gives the same state
    s = moved.state;
  }
  const auto jumped = must(isv::advance_to(w.sub(sub_id), anchored(first, 24) + hours{1}));
  REQUIRE(jumped.events.size() == 2);
  // The stepwise walk recorded one charge per term; the jump one line for all 24 of them, the same sum.
  isv::count_t stepwise_total = 0;
  for (const auto& line : s.charges) stepwise_total += line.amount.minor_units;
  CHECK(s.charges.size() == 25);
  CHECK(jumped.state.charges.size() == 2);
  CHECK(jumped.state.charges.back().amount.minor_units + jumped.state.charges.front().amount.minor_units == stepwise_total);
  CHECK(jumped.state.term_start == s.term_start);
  CHECK(jumped.state.term_end == s.term_end);
}
} // namespace

TEST_CASE("monthly terms keep the first term's day: from the 31st, the last day of shorter months, then the 31st again [D-TERM-1]") {
  const auto jan31 = on(year{2027} / 1 / 31) + hours{10};
  // The dates written out, through a common and a leap February.
  const sys_days expected[] = {2027y / 2 / 28, 2027y / 3 / 31, 2027y / 4 / 30, 2027y / 5 / 31, 2027y / 6 / 30,
                               2027y / 7 / 31, 2027y / 8 / 31, 2027y / 9 / 30, 2027y / 10 / 31, 2027y / 11 / 30,
                               2027y / 12 / 31, 2028y / 1 / 31, 2028y / 2 / 29, 2028y / 3 / 31, 2028y / 4 / 30};
  for (std::size_t k = 0; k < std::size(expected); ++k) CHECK(anchored(jan31, static_cast<int>(k) + 1) == expected[k] + hours{10});
  walk_two_years(jan31);
}

TEST_CASE("monthly terms from the 30th and the 29th come back to their day after February [D-TERM-1]") {
  SECTION("the 30th") {
    CHECK(anchored(on(year{2027} / 1 / 30), 1) == on(year{2027} / 2 / 28));
    CHECK(anchored(on(year{2027} / 1 / 30), 2) == on(year{2027} / 3 / 30));
    walk_two_years(on(year{2027} / 1 / 30));
  }
  SECTION("the 29th") {
    CHECK(anchored(on(year{2027} / 1 / 29), 1) == on(year{2027} / 2 / 28));
    CHECK(anchored(on(year{2027} / 1 / 29), 13) == on(year{2028} / 2 / 29));
    walk_two_years(on(year{2027} / 1 / 29));
  }
  SECTION("the 15th: as before, every date on the 15th") {
    walk_two_years(on(year{2027} / 1 / 15));
  }
}

TEST_CASE("with auto-renew off the subscription expires at the term's end [D-TERM-1, D-LIFE-1]") {
  auto w = with_active();
  w.assign(sub_id, {member(1)});
  const auto off = must(isv::set_auto_renew(w.sub(sub_id), w.actor(billing_admin), isv::auto_renew_command{sub_id, false}, t0));
  REQUIRE(off.events.size() == 1);
  CHECK(payload<auto_renew_changed>(off.events[0]).auto_renew == false);
  CHECK(off.events[0].actor == billing_admin);
  w.record(off.events);
  CHECK_FALSE(w.sub(sub_id).auto_renew);

  const auto end = *w.sub(sub_id).term_end;
  CHECK(must(isv::advance_to(w.sub(sub_id), end - seconds{1})).events.empty());
  // However late the clock is moved, the subscription expires once, at the term's end.
  const auto moved = must(isv::advance_to(w.sub(sub_id), end + days{400}));
  REQUIRE(moved.events.size() == 1);
  CHECK(moved.events[0].at == end);
  CHECK_FALSE(moved.events[0].actor);
  CHECK(payload<deactivated>(moved.events[0]).reason == isv::deactivation_reason::expired);
  CHECK(moved.state.status == subscription_status::deactivated);
  CHECK(moved.state.reason == isv::deactivation_reason::expired);
  w.record(moved.events);
  CHECK(w.book(sub_id).size() == 0);
}

TEST_CASE("set_auto_renew records a change only when there is one, and only for billing admins [D-TERM-1, D-ROLE-2]") {
  auto w = with_active();
  const auto same = must(isv::set_auto_renew(w.sub(sub_id), w.actor(global_admin), isv::auto_renew_command{sub_id, true}, t0));
  CHECK(same.events.empty());
  CHECK(same.state == w.sub(sub_id));

  const auto msg = refused(isv::set_auto_renew(w.sub(sub_id), w.actor(license_admin), isv::auto_renew_command{sub_id, false}, t0),
                           errc::permission_denied);
  CHECK_THAT(msg, has("change auto-renew") &&
                      has("Global administrator or Billing administrator"));

  // Turning it off and on again before the term ends: it renews.
  w.record(must(isv::set_auto_renew(w.sub(sub_id), w.actor(global_admin), isv::auto_renew_command{sub_id, false}, t0)).events);
  w.record(must(isv::set_auto_renew(w.sub(sub_id), w.actor(global_admin), isv::auto_renew_command{sub_id, true}, t0)).events);
  const auto moved = must(isv::advance_to(w.sub(sub_id), *w.sub(sub_id).term_end));
  REQUIRE(moved.events.size() == 2);
  CHECK(isv::event_name<traits>(moved.events[0].payload) == "subscription_renewed");

  // The command must name the subscription passed in.
  CHECK(refused(isv::set_auto_renew(w.sub(sub_id), w.actor(global_admin), isv::auto_renew_command{isv::subscription_id{99}, false}, t0),
                errc::invalid_argument)
            .find("subscription 99") != std::string::npos);
}
