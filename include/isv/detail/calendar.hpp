// Internal: calendar arithmetic for billing terms (a month later, a year later) and RFC 3339 formatting.
#pragma once

#include "isv/app.hpp"

#include <chrono>
#include <cstdio>
#include <string>

namespace isv::detail {

/// `t` plus `months` calendar months, same time of day; the 31st becomes the month's last day.
template <class Duration>
[[nodiscard]] std::chrono::time_point<std::chrono::system_clock, Duration> add_months(
    std::chrono::time_point<std::chrono::system_clock, Duration> t, int months) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const auto time_of_day = t - day;
  year_month_day ymd{day};
  ymd = ymd + std::chrono::months{months};
  if (!ymd.ok()) ymd = year_month_day{year_month_day_last{ymd.year(), month_day_last{ymd.month()}}};
  return time_point_cast<Duration>(sys_days{ymd} + time_of_day);
}

/// The end of a term that starts at `start`.
template <class TimePoint>
[[nodiscard]] TimePoint term_end(TimePoint start, billing_term term) {
  return add_months(start, term == billing_term::monthly ? 1 : 12);
}

/// The start of the last term, of the terms that follow one another from `first` (the start of the
/// first missed term), that starts at or before `stop` (strictly before it when `before` is set:
/// a grace period that ends at a term's start ends before that term). Found by calendar arithmetic
/// from `first`, not term by term, so a jump of the clock across centuries costs the same as one term.
template <class TimePoint>
[[nodiscard]] TimePoint last_term_start(TimePoint first, billing_term term, TimePoint stop, bool before) {
  using namespace std::chrono;
  const int months_per_term = term == billing_term::monthly ? 1 : 12;
  const auto starts_by_stop = [&](TimePoint t) { return before ? t < stop : t <= stop; };
  if (!starts_by_stop(first)) return first;
  const year_month_day a{floor<days>(first)};
  const year_month_day b{floor<days>(stop)};
  const long long months = (static_cast<int>(b.year()) - static_cast<int>(a.year())) * 12LL +
                           (static_cast<int>(static_cast<unsigned>(b.month())) - static_cast<int>(static_cast<unsigned>(a.month())));
  long long k = months > 0 ? months / months_per_term : 0; // an estimate: within one term of the answer
  const auto at = [&](long long n) { return add_months(first, static_cast<int>(n * months_per_term)); };
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

} // namespace isv::detail
