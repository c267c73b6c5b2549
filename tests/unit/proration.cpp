// Unit tests of isv/proration.hpp and of the charges operations record: whole days, rounding half away from zero, each term and each change charged once, and the property that a term's lines add up to the integral of price × quantity over its days.
#include "fixture_a.hpp"

#include <algorithm>
#include <random>
#include <variant>

using namespace fixture_a;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;
using std::chrono::year;

namespace {

const isv::currency eur{"EUR"};

isv::money eur_cents(std::int64_t cents) { return isv::money{cents, eur}; }

/// Invoices profile_1 as the platform at `at` and applies the events; the invoice, or none when
/// nothing was left to invoice.
std::optional<isv::invoice> invoice_now(world& w, isv::invoice_id id, sys_seconds at) {
  const auto subs = w.state.subscription_values();
  auto issued = isv::issue_invoice(w.profile, subs, isv::issue_invoice_command{id, profile_1}, at);
  if (!issued) {
    CHECK(issued.error().code == isv::errc::invalid_argument); // nothing to invoice
    return std::nullopt;
  }
  w.apply(issued.value().events);
  return issued.value().state;
}

} // namespace

TEST_CASE("proration counts whole days and rounds half away from zero, so a credit mirrors its charge [D-PRORATE-1]") {
  const sys_seconds start{sys_days{year{2026} / 1 / 15}};
  CHECK(isv::whole_days_between(start, start + days{31}) == 31);
  CHECK(isv::whole_days_between(start + hours{1}, start + days{31}) == 30); // the day under way is not a whole day
  CHECK(isv::whole_days_between(start + days{31}, start) == 0);
  CHECK(isv::prorate(eur_cents(100), 1, 8) == std::optional{eur_cents(13)});  // 12.5 -> 13
  CHECK(isv::prorate(eur_cents(-100), 1, 8) == std::optional{eur_cents(-13)}); // -12.5 -> -13
  CHECK(isv::prorate(eur_cents(100), 3, 8) == std::optional{eur_cents(38)});  // 37.5 -> 38
  CHECK(isv::prorate(eur_cents(100), 1, 3) == std::optional{eur_cents(33)});  // 33.3 -> 33
  CHECK(isv::prorate(eur_cents(200), 1, 3) == std::optional{eur_cents(67)});  // 66.7 -> 67
  CHECK(isv::prorate(eur_cents(1), 1, 2) == std::optional{eur_cents(1)});
  CHECK(isv::prorate(eur_cents(1), 1, 3) == std::optional{eur_cents(0)});
  CHECK_FALSE(isv::prorate(eur_cents(1), 1, 0));
  CHECK_FALSE(isv::prorate(eur_cents(std::numeric_limits<std::int64_t>::max()), 2, 1)); // does not fit
  CHECK(isv::prorate(eur_cents(std::numeric_limits<std::int64_t>::max()), 31, 31) ==
        std::optional{eur_cents(std::numeric_limits<std::int64_t>::max())}); // no overflow on the way
}

TEST_CASE("a mid-term increase is charged and a decrease credited, each a line of its own on the next invoice [D-PRORATE-1]") {
  auto w = on_plan(standard_plan, 5); // 20 EUR per seat a month, term of 31 days
  REQUIRE(w.sub.charges.size() == 1);  // the first term's charge
  CHECK(w.sub.charges[0].amount == eur_cents(10'000));
  CHECK(w.sub.charges[0].kind == isv::invoice_line_kind::term);

  const auto day10 = now + days{10}; // 21 whole days left of 31
  const auto up = isv::change_quantity(w.sub, w.as(global_admin), isv::change_quantity_command{w.sub.id, 8}, day10);
  REQUIRE(up.has_value());
  w.apply(up.value().events);
  REQUIRE(w.sub.charges.size() == 2);
  const auto& charge = w.sub.charges[1];
  CHECK(charge.kind == isv::invoice_line_kind::proration_charge);
  CHECK(charge.amount == eur_cents(4'065)); // 3 seats x 2000 x 21 / 31 = 4064.5 -> 4065
  CHECK(charge.period_start == day10);
  CHECK(charge.period_end == *w.sub.term_end);
  CHECK(charge.quantity == 8);

  const auto day20 = now + days{20} + hours{5}; // 10 whole days left (the day under way is paid as before)
  const auto down = isv::change_quantity(w.sub, w.as(global_admin), isv::change_quantity_command{w.sub.id, 6}, day20);
  REQUIRE(down.has_value());
  w.apply(down.value().events);
  REQUIRE(w.sub.charges.size() == 3);
  CHECK(w.sub.charges[2].kind == isv::invoice_line_kind::proration_credit);
  CHECK(w.sub.charges[2].amount == eur_cents(-1'290)); // -2 x 2000 x 10 / 31 = -1290.3 -> -1290

  const auto inv = invoice_now(w, isv::invoice_id{50}, day20);
  REQUIRE(inv);
  REQUIRE(inv->lines.size() == 3);
  CHECK(inv->total == eur_cents(10'000 + 4'065 - 1'290));
  CHECK(w.sub.charges.empty());

  SECTION("nothing is charged twice: the next invoice has nothing of this term") {
    CHECK_FALSE(invoice_now(w, isv::invoice_id{51}, day20 + hours{1}));
  }
  SECTION("a change on the term's last day, with no whole day left, records nothing") {
    const auto late = isv::change_quantity(w.sub, w.as(global_admin), isv::change_quantity_command{w.sub.id, 9},
                                           *w.sub.term_end - hours{3});
    REQUIRE(late.has_value());
    CHECK(late.value().events.size() == 1);
  }
  SECTION("the renewal charges the new term at the new quantity") {
    const auto renewed = isv::advance_to(w.sub, *w.sub.term_end);
    REQUIRE(renewed.has_value());
    w.apply(renewed.value().events);
    REQUIRE(w.sub.charges.size() == 1);
    CHECK(w.sub.charges[0].amount == eur_cents(6 * 2'000));
  }
}

TEST_CASE("a mid-term plan change is prorated like a quantity change [D-PRORATE-1, D-PLAN-2]") {
  auto w = on_plan(basic_plan, 4); // 10 EUR per seat
  const auto day16 = now + days{16}; // 15 of 31 days left
  const auto moved = isv::change_plan(w.sub, planned_app(), w.as(global_admin), isv::change_plan_command{w.sub.id, standard_plan, {}}, day16);
  REQUIRE(moved.has_value());
  REQUIRE(moved.value().events.size() == 2);
  const auto& line = *std::get<isv::basic_charge_recorded<traits>>(moved.value().events[1].payload).line;
  CHECK(line.kind == isv::invoice_line_kind::proration_charge);
  CHECK(line.amount == eur_cents(1'935)); // 4 x (2000 - 1000) x 15 / 31 = 1935.48 -> 1935
}

namespace {

/// What a term of a subscription costs per term at each moment: the price times the quantity (one
/// for a flat rate) after every change made by then.
struct price_history {
  std::vector<std::pair<sys_seconds, std::int64_t>> points; // (from, per-term amount), in time order
  [[nodiscard]] std::int64_t at(sys_seconds t) const {
    std::int64_t value = 0;
    for (const auto& [from, amount] : points)
      if (from <= t) value = amount;
    return value;
  }
};

std::int64_t per_term(const isv::subscription& s) { return isv::term_amount(s).value().minor_units; }

} // namespace

TEST_CASE("for any changes in a term, interleaved with invoices and renewals, its lines add up to the integral of price x quantity over its days [D-PRORATE-1]") {
  std::mt19937_64 random(20261203);
  const auto pick = [&](std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(random); };
  const isv::plan_id plans[] = {basic_plan, standard_plan, site_plan};
  constexpr int sequences = 10'000;
  int lines_checked = 0;
  for (int run = 0; run < sequences; ++run) {
    CAPTURE(run);
    auto w = on_plan(standard_plan, pick(1, 10));
    price_history history;
    history.points.push_back({now, per_term(w.sub)});
    const auto first_start = *w.sub.term_start;
    // Three monthly terms: Jan 15 - Feb 15 (31 days), - Mar 15 (28), - Apr 15 (31).
    const sys_seconds ends[] = {sys_seconds{sys_days{year{2026} / 2 / 15}}, sys_seconds{sys_days{year{2026} / 3 / 15}},
                                sys_seconds{sys_days{year{2026} / 4 / 15}}};
    // The moments things happen: random changes and invoices, and each term's end (the clock).
    std::vector<std::pair<sys_seconds, int>> timeline; // (when, what: 0 change, 1 invoice, 2 clock)
    const auto changes = pick(0, 12);
    for (int i = 0; i < changes; ++i) {
      const auto day = pick(0, 89);
      const auto second = pick(0, 3) == 0 ? 0 : pick(0, 86'399); // a quarter exactly at the start of a day
      timeline.push_back({first_start + days{day} + seconds{second}, pick(0, 4) == 0 ? 1 : 0});
    }
    for (const auto& end : ends) timeline.push_back({end, 2});
    std::stable_sort(timeline.begin(), timeline.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::uint64_t next_invoice = 1'000;
    for (const auto& [at, what] : timeline) {
      if (at >= ends[2]) continue;
      // The clock first: a term that ended renews (and is charged) before anything else happens then.
      const auto moved = isv::advance_to(w.sub, at);
      REQUIRE(moved.has_value());
      w.apply(moved.value().events);
      if (what == 1) {
        invoice_now(w, isv::invoice_id{next_invoice++}, at);
      } else if (what == 0) {
        isv::result<isv::basic_update<isv::subscription, traits>> changed = isv::fail(isv::errc::invalid_argument, "none");
        if (pick(0, 1) == 0 && w.sub.is_seat_based()) {
          changed = isv::change_quantity(w.sub, w.as(global_admin), isv::change_quantity_command{w.sub.id, pick(1, 10)}, at);
        } else {
          const auto plan = plans[pick(0, 2)];
          const std::optional<isv::count_t> seats = plan == site_plan ? std::nullopt : std::optional{pick(1, 10)};
          changed = isv::change_plan(w.sub, planned_app(), w.as(global_admin), isv::change_plan_command{w.sub.id, plan, seats}, at);
        }
        if (changed) {
          // A retry of the same decision from the same state decides the same (the service retries so).
          w.apply(changed.value().events);
          history.points.push_back({at, per_term(w.sub)});
        }
      }
    }
    // Everything left is invoiced at the end.
    invoice_now(w, isv::invoice_id{next_invoice++}, ends[2] - seconds{1});
    REQUIRE(w.sub.charges.empty());

    // Every line of every invoice, per term (a term's lines end where it ends).
    const sys_seconds starts[] = {first_start, ends[0], ends[1]};
    for (int term = 0; term < 3; ++term) {
      const auto term_days = isv::whole_days_between(starts[term], ends[term]);
      // The integral over the term's days: each day at the value it starts with.
      std::int64_t integral_times_days = 0;
      for (isv::count_t day = 0; day < term_days; ++day) integral_times_days += history.at(starts[term] + days{day});
      std::int64_t sum = 0;
      std::int64_t lines = 0;
      for (const auto& [id, inv] : w.state.invoices)
        for (const auto& line : inv.lines)
          if (line.period_end == ends[term]) {
            sum += line.amount.minor_units;
            ++lines;
          }
      CAPTURE(term, sum, lines, integral_times_days, term_days);
      REQUIRE(lines >= 1);
      // |sum - integral| <= half a minor unit per line, in units of 1 / term_days.
      CHECK(2 * std::abs(sum * term_days - integral_times_days) <= lines * term_days);
      lines_checked += static_cast<int>(lines);
    }
  }
  CHECK(lines_checked >= 3 * sequences);
}
