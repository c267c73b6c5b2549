// Internal: calendar arithmetic for billing terms (a month later, a year later) and the one RFC 3339 spelling of a time, written and read.
#pragma once

#include "isv/app.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace isv::detail {

/// `t` plus `months` calendar months, same time of day, on day `anchor` of the month (1..31) or
/// the month's last day when it is shorter: a term anchored on the 31st ends on Feb 28, then Mar 31.
template <class Duration>
[[nodiscard]] std::chrono::time_point<std::chrono::system_clock, Duration> add_months(
    std::chrono::time_point<std::chrono::system_clock, Duration> t, int months, unsigned anchor) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const auto time_of_day = t - day;
  const year_month_day ymd{day};
  const year_month ym = year_month{ymd.year(), ymd.month()} + std::chrono::months{months};
  const unsigned last = static_cast<unsigned>(year_month_day_last{ym.year(), month_day_last{ym.month()}}.day());
  const year_month_day out{ym.year(), ym.month(), std::chrono::day{anchor < last ? anchor : last}};
  return time_point_cast<Duration>(sys_days{out} + time_of_day);
}

/// `t` plus `months` calendar months, same time of day; the 31st becomes the month's last day.
template <class Duration>
[[nodiscard]] std::chrono::time_point<std::chrono::system_clock, Duration> add_months(
    std::chrono::time_point<std::chrono::system_clock, Duration> t, int months) {
  using namespace std::chrono;
  return add_months(t, months, static_cast<unsigned>(year_month_day{floor<days>(t)}.day()));
}

/// The day of the month a term's boundaries fall on, read from one term that starts at `start`
/// and ends at `end`. Stored terms keep no anchor, but two consecutive monthly boundaries are
/// never both cut short (no two months in a row are shorter than the 29th, 30th or 31st), so
/// the later day of the two is the anchor: a term Jan 31 - Feb 28 is anchored on the 31st. For a
/// term that never ran short, both days are the anchor, so nothing changes for them.
template <class TimePoint>
[[nodiscard]] unsigned term_anchor(const std::optional<TimePoint>& start, TimePoint end) {
  using namespace std::chrono;
  const auto day_of = [](TimePoint t) { return static_cast<unsigned>(year_month_day{floor<days>(t)}.day()); };
  const unsigned at_end = day_of(end);
  return start && day_of(*start) > at_end ? day_of(*start) : at_end;
}

/// The end of a term that starts at `start`, its boundaries on day `anchor` of the month.
template <class TimePoint>
[[nodiscard]] TimePoint term_end(TimePoint start, billing_term term, unsigned anchor) {
  return add_months(start, term == billing_term::monthly ? 1 : 12, anchor);
}

/// The end of a first term that starts at `start`: anchored on its own day.
template <class TimePoint>
[[nodiscard]] TimePoint term_end(TimePoint start, billing_term term) {
  return add_months(start, term == billing_term::monthly ? 1 : 12);
}

/// How many terms of `term` start from `first` to `last`, both term boundaries on the same day of
/// the month (`last` at or after `first`): counted from the months between them, not term by term.
template <class TimePoint>
[[nodiscard]] std::int64_t terms_from(TimePoint first, TimePoint last, billing_term term) {
  using namespace std::chrono;
  const year_month_day a{floor<days>(first)};
  const year_month_day b{floor<days>(last)};
  const std::int64_t months = (static_cast<std::int64_t>(static_cast<int>(b.year())) - static_cast<int>(a.year())) * 12 +
                              static_cast<std::int64_t>(static_cast<unsigned>(b.month())) -
                              static_cast<std::int64_t>(static_cast<unsigned>(a.month()));
  return months / (term == billing_term::monthly ? 1 : 12) + 1;
}

/// The start of the last term, of the terms that follow one another from `first` (the start of the
/// first missed term) on day `anchor` of the month, that starts at or before `stop` (strictly before it when `before` is set:
/// a grace period that ends at a term's start ends before that term). Found by calendar arithmetic
/// from `first`, not term by term, so a jump of the clock across centuries costs the same as one term.
template <class TimePoint>
[[nodiscard]] TimePoint last_term_start(TimePoint first, billing_term term, TimePoint stop, bool before, unsigned anchor) {
  using namespace std::chrono;
  const int months_per_term = term == billing_term::monthly ? 1 : 12;
  const auto starts_by_stop = [&](TimePoint t) { return before ? t < stop : t <= stop; };
  if (!starts_by_stop(first)) return first;
  const year_month_day a{floor<days>(first)};
  const year_month_day b{floor<days>(stop)};
  const long long months = (static_cast<int>(b.year()) - static_cast<int>(a.year())) * 12LL +
                           (static_cast<int>(static_cast<unsigned>(b.month())) - static_cast<int>(static_cast<unsigned>(a.month())));
  long long k = months > 0 ? months / months_per_term : 0; // an estimate: within one term of the answer
  const auto at = [&](long long n) { return add_months(first, static_cast<int>(n * months_per_term), anchor); };
  while (k > 0 && !starts_by_stop(at(k))) --k;
  while (starts_by_stop(at(k + 1))) ++k;
  return at(k);
}

/// "2026-11-22T10:00:00Z"
template <class Duration>
[[nodiscard]] std::string format_time(std::chrono::time_point<std::chrono::system_clock, Duration> t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss hms{secs - day};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buffer;
}

/// The number the `len` decimal digits of `s` at `at` write; false when `s` is too short there or
/// one of them is not a digit. The times of the wire format, of license files and of the marketplace read with it.
[[nodiscard]] inline bool read_decimal(std::string_view s, std::size_t at, std::size_t len, int& value) {
  if (at > s.size() || len > s.size() - at) return false;
  value = 0;
  for (std::size_t i = at; i < at + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  return true;
}

/// The moment a civil date and time of day name, in UTC; none when there is no such moment (no leap seconds).
[[nodiscard]] inline std::optional<std::chrono::sys_seconds> civil_moment(int year, int month, int day, int hour, int minute,
                                                                          int second) {
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  return std::chrono::sys_days{date} + std::chrono::hours{hour} + std::chrono::minutes{minute} + std::chrono::seconds{second};
}

/// How a time's text read: parse_time's answer.
enum class time_text { ok, malformed, no_such_moment };

/// Reads "2026-01-15T00:00:00Z": RFC 3339 in UTC with whole seconds, the one spelling accepted (the
/// one format_time writes), so that a time has one form on the wire and in license files. Years 0000
/// to 9999; no leap seconds.
[[nodiscard]] inline time_text parse_time(std::string_view s, std::chrono::sys_seconds& out) {
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
    return time_text::malformed;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_decimal(s, 0, 4, year) || !read_decimal(s, 5, 2, month) || !read_decimal(s, 8, 2, day) ||
      !read_decimal(s, 11, 2, hour) || !read_decimal(s, 14, 2, minute) || !read_decimal(s, 17, 2, second))
    return time_text::malformed;
  const auto moment = civil_moment(year, month, day, hour, minute, second);
  if (!moment) return time_text::no_such_moment;
  out = *moment;
  return time_text::ok;
}

} // namespace isv::detail
