// Charges and proration (D-PRORATE-1): what a term costs, and the prorated difference a change in the middle of a term makes, by whole days, rounded half away from zero.
#pragma once

#include "isv/detail/describe.hpp"
#include "isv/error.hpp"
#include "isv/invoice.hpp"
#include "isv/money.hpp"
#include "isv/subscription.hpp"
#include "isv/traits.hpp"

#include <chrono>
#include <limits>
#include <optional>
#include <string>

// The rounding, stated once: an amount × days / term_days is rounded to the minor unit half away
// from zero (half-up on the magnitude), so the credit of a decrease is exactly the charge of the
// matching increase. Days are whole days: a change at `at` is prorated over the whole days from
// `at` to the term's end, so the day it happens in is paid at the value before it (unless it
// happens at the very start of a day of the term). Every line is thus within half a minor unit of
// the exact share, and the lines of a term (its charge and every change's) add up to the integral
// of price × quantity over its days within one minor unit per line.
namespace isv {

/// Whole days from `from` to `to`; 0 when `to` is not later.
template <class TimePoint>
[[nodiscard]] count_t whole_days_between(const TimePoint& from, const TimePoint& to) {
  if (!(from < to)) return 0;
  return static_cast<count_t>(std::chrono::floor<std::chrono::days>(to - from).count());
}

/// amount × numerator / denominator, rounded half away from zero to the minor unit; none when the
/// denominator is not positive or the result does not fit.
template <class Rep>
[[nodiscard]] std::optional<basic_money<Rep>> prorate(const basic_money<Rep>& amount, count_t numerator, count_t denominator) {
  // 128 bits: a 64-bit amount times a day count cannot overflow (GCC and Clang, like the overflow
  // builtins the money functions use).
  __extension__ using wide = __int128;
  if (denominator <= 0) return std::nullopt;
  wide product = static_cast<wide>(amount.minor_units) * numerator;
  const bool negative = product < 0;
  if (negative) product = -product;
  wide quotient = product / denominator;
  if (2 * (product % denominator) >= denominator) ++quotient;
  if (negative) quotient = -quotient;
  if (quotient > static_cast<wide>(std::numeric_limits<Rep>::max()) || quotient < static_cast<wide>(std::numeric_limits<Rep>::min()))
    return std::nullopt;
  return basic_money<Rep>{static_cast<Rep>(quotient), amount.unit};
}

/// The quantity a subscription's charges count: its seats when priced per user, one when flat rate.
template <licensing_traits T>
[[nodiscard]] count_t charged_quantity(const basic_subscription<T>& s) noexcept {
  return s.is_seat_based() && s.quantity ? *s.quantity : 1;
}

/// What the subscription pays for one term as it is now: its unit price × its quantity when priced
/// per user, its price when flat rate.
template <licensing_traits T>
[[nodiscard]] result<money_t<T>> term_amount(const basic_subscription<T>& s) {
  if (const auto amount = checked_multiply(s.unit_price, charged_quantity(s))) return *amount;
  return fail(errc::overflow, "The charge for " + detail::describe(s.id) + " is too large to represent.");
}

/// The line that charges the subscription, as it is now, for `terms` terms from `start` to `end`
/// (one, unless the clock caught up several at once).
template <licensing_traits T>
[[nodiscard]] result<basic_invoice_line<T>> term_charge(const basic_subscription<T>& s, const time_point_t<T>& start,
                                                        const time_point_t<T>& end, count_t terms = 1) {
  BOOST_OUTCOME_TRY(const auto one, term_amount(s));
  const auto amount = checked_multiply(one, terms);
  if (!amount) return fail(errc::overflow, "The charge for " + detail::describe(s.id) + " is too large to represent.");
  return basic_invoice_line<T>{s.id, s.app, s.pricing, s.term, charged_quantity(s), s.unit_price, *amount, start, end, invoice_line_kind::term};
}

/// The prorated difference a change at `at` makes, from `before` to `after` (the subscription's
/// values on either side of it), over the whole days left in the running term: a charge for an
/// increase, a credit for a decrease (D-PRORATE-1). None when no term runs (pending activation,
/// deactivated), no whole day is left, or the share rounds to nothing.
template <licensing_traits T>
[[nodiscard]] result<std::optional<basic_invoice_line<T>>> proration(const basic_subscription<T>& before,
                                                                     const basic_subscription<T>& after,
                                                                     const time_point_t<T>& at) {
  using none = std::optional<basic_invoice_line<T>>;
  const bool running = after.status == subscription_status::active || after.status == subscription_status::suspended;
  if (!running || !after.term_start || !after.term_end) return none{};
  const count_t term_days = whole_days_between(*after.term_start, *after.term_end);
  const count_t days_left = whole_days_between(at, *after.term_end);
  if (term_days <= 0 || days_left <= 0) return none{};
  BOOST_OUTCOME_TRY(const auto was, term_amount(before));
  BOOST_OUTCOME_TRY(const auto is, term_amount(after));
  if (was.unit != is.unit)
    return fail(errc::currency_mismatch, detail::describe(after.id) + " is priced in " + std::string(was.unit.code()) +
                                             "; a change cannot price it in " + std::string(is.unit.code()) + " (D-BILL-5).");
  typename T::money_rep difference{};
  if (__builtin_sub_overflow(is.minor_units, was.minor_units, &difference))
    return fail(errc::overflow, "The change to " + detail::describe(after.id) + " is too large to represent.");
  const auto share = prorate(money_t<T>{difference, is.unit}, days_left, term_days);
  if (!share) return fail(errc::overflow, "The change to " + detail::describe(after.id) + " is too large to represent.");
  if (share->minor_units == 0) return none{};
  return none{basic_invoice_line<T>{after.id, after.app, after.pricing, after.term, charged_quantity(after), after.unit_price, *share,
                                    at, *after.term_end,
                                    share->minor_units > 0 ? invoice_line_kind::proration_charge
                                                           : invoice_line_kind::proration_credit}};
}

} // namespace isv
