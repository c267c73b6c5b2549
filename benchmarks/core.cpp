// Time benchmarks of the core and the in-memory service, each next to the baseline its target is a ratio of.
#include "common.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <unordered_set>
#include <utility>
#include <vector>

namespace {

using clock = bench::thread_clock;

/// splitmix64: a fixed, cheap sequence, so that every run picks the same users.
struct rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

double seconds(clock::duration d) { return std::chrono::duration<double>(d).count(); }

// ---- Baseline: inserting ids into a reserved std::unordered_set ----------------------------------

// The ids are the user ids the service assigns, so both sides hash the same numbers.
void baseline_unordered_set(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    std::unordered_set<std::uint64_t> set;
    set.reserve(n);
    const auto start = clock::now();
    for (std::uint64_t i = 0; i < n; ++i) set.insert(bench::user(i).value());
    const auto stop = clock::now();
    benchmark::DoNotOptimize(set.size());
    bench::check(set.size() == n, "every id was inserted");
    state.SetIterationTime(seconds(stop - start));
  }
  state.counters["items"] = static_cast<double>(n);
}
BENCHMARK(baseline_unordered_set)->Arg(1'000'000)->Iterations(1)->Repetitions(7)->UseManualTime()->ReportAggregatesOnly();

// ---- scaling: one more license, with 1,000 or 1,000,000 held -------------------------------------

/// Held users and free users of the same directory; each timed step gives `block` random free users
/// a license, one assignment each, and an untimed step then releases as many random holders, so
/// the size stays within `block` of `held`. Timing a block, not one call, keeps the clock's own
/// cost out of the figure.
constexpr std::size_t block = 16;

struct roster {
  std::vector<isv::user_id> holders;
  std::vector<isv::user_id> free;
  rng random{42};

  explicit roster(std::uint64_t held) : holders(bench::users(0, held)), free(bench::users(held, held)) {}

  /// A random free user whose slot is not among the `taken` first of `slots` (one block's picks).
  template <class Slots>
  isv::user_id take_free(Slots& slots, std::size_t taken) {
    std::size_t slot = 0;
    do slot = random.below(free.size());
    while (std::find(slots.begin(), slots.begin() + static_cast<std::ptrdiff_t>(taken), slot) !=
           slots.begin() + static_cast<std::ptrdiff_t>(taken));
    slots[taken] = slot;
    return free[slot];
  }
  /// `given` (from `slot` of free) now holds; returns the holder to release, who becomes free.
  isv::user_id swap_out(std::size_t slot, const isv::user_id& given) {
    const std::size_t h = random.below(holders.size());
    const isv::user_id out = holders[h];
    holders[h] = given;
    free[slot] = out;
    return out;
  }
};

isv::event release_event(const isv::user_id& who) {
  return isv::event{bench::tenant_id, bench::admin_id, bench::now,
                    isv::basic_licenses_released<isv::default_traits>{bench::subscription_id, std::nullopt, {who}, {}}};
}

struct pure_world {
  bench::pure_state s;
  roster people;
  explicit pure_world(std::uint64_t held)
      : s(2 * held, static_cast<isv::count_t>(held + block)), people(held) {
    s.book.reserve(static_cast<std::size_t>(held + block));
    s.assign_all(people.holders);
    bench::check(s.book.size() == static_cast<isv::count_t>(held), "the book holds the set-up licenses");
  }
};

pure_world& pure_world_of(std::uint64_t held) {
  static std::map<std::uint64_t, std::unique_ptr<pure_world>> worlds;
  auto& w = worlds[held];
  if (!w) w = std::make_unique<pure_world>(held);
  return *w;
}

void scaling_pure(benchmark::State& state) {
  const auto held = static_cast<std::uint64_t>(state.range(0));
  auto& w = pure_world_of(held);
  std::array<std::size_t, block> slots{};
  std::array<isv::user_id, block> chosen{};
  for (auto _ : state) {
    for (std::size_t k = 0; k < block; ++k) chosen[k] = w.people.take_free(slots, k);
    const auto start = clock::now();
    for (const auto& who : chosen) {
      auto done = isv::assign(w.s.sub, w.s.book, w.s.dir, w.s.admin, {bench::subscription_id, {who}, {}}, bench::now);
      for (const auto& e : done.value().events) w.s.book.apply(e);
      w.s.sub = std::move(done.value().state);
    }
    const auto stop = clock::now();
    state.SetIterationTime(seconds(stop - start));
    for (std::size_t k = 0; k < block; ++k) {
      const isv::event undo = release_event(w.people.swap_out(slots[k], chosen[k]));
      w.s.book.apply(undo);
      w.s.sub = isv::apply(std::move(w.s.sub), undo);
    }
  }
  bench::check(w.s.book.size() == static_cast<isv::count_t>(held) && w.s.sub.licenses_in_use == w.s.book.size(),
               "the size stayed fixed");
  state.counters["items"] = static_cast<double>(block);
}
BENCHMARK(scaling_pure)->Arg(1000)->Arg(1'000'000)->MinTime(0.2)->Repetitions(9)->UseManualTime()->ReportAggregatesOnly();

struct service_world {
  isv::memory_repository repo;
  isv::basic_admin_center<isv::memory_repository> center{repo};
  roster people;
  explicit service_world(std::uint64_t held) : people(held) {
    bench::seed_service(repo, 2 * held, static_cast<isv::count_t>(held + block));
    bench::ok(repo.reserve_licenses(bench::tenant_id, bench::subscription_id, static_cast<std::size_t>(held + block)), "reserve");
    for (std::size_t first = 0; first < people.holders.size(); first += 1000) {
      const auto last = std::min(people.holders.size(), first + 1000);
      const isv::assign_command cmd{bench::subscription_id,
                                    std::vector<isv::user_id>(people.holders.begin() + static_cast<std::ptrdiff_t>(first),
                                                              people.holders.begin() + static_cast<std::ptrdiff_t>(last)),
                                    {}};
      bench::ok(center.assign(bench::tenant_id, bench::admin_id, cmd, bench::now), "assign");
    }
  }
  isv::count_t held_now() {
    auto v = bench::ok(repo.read(bench::tenant_id), "read");
    return v.find_license_book(bench::subscription_id)->size();
  }
};

service_world& service_world_of(std::uint64_t held) {
  static std::map<std::uint64_t, std::unique_ptr<service_world>> worlds;
  auto& w = worlds[held];
  if (!w) w = std::make_unique<service_world>(held);
  return *w;
}

void scaling_service(benchmark::State& state) {
  const auto held = static_cast<std::uint64_t>(state.range(0));
  auto& w = service_world_of(held);
  std::array<std::size_t, block> slots{};
  std::array<isv::user_id, block> chosen{};
  for (auto _ : state) {
    for (std::size_t k = 0; k < block; ++k) chosen[k] = w.people.take_free(slots, k);
    const auto start = clock::now();
    for (const auto& who : chosen) {
      auto done = w.center.assign(bench::tenant_id, bench::admin_id, {bench::subscription_id, {who}, {}}, bench::now);
      benchmark::DoNotOptimize(done.value().value.licenses_added);
    }
    const auto stop = clock::now();
    state.SetIterationTime(seconds(stop - start));
    // The undo is a commit of release events, as confirming an unassignment would save.
    isv::commit undo{bench::tenant_id, {}, {}, std::nullopt};
    for (std::size_t k = 0; k < block; ++k) undo.events.push_back(release_event(w.people.swap_out(slots[k], chosen[k])));
    bench::ok(w.repo.commit(std::move(undo)), "undo");
  }
  bench::check(w.held_now() == static_cast<isv::count_t>(held), "the size stayed fixed");
  state.counters["items"] = static_cast<double>(block);
}
BENCHMARK(scaling_service)->Arg(1000)->Arg(1'000'000)->MinTime(0.2)->Repetitions(9)->UseManualTime()->ReportAggregatesOnly();

// ---- bulk_assign: 1,000,000 users in batches of 1,000 through the in-memory service -------------

void bulk_assign(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    // Untimed: the directory with its users, the app, the profile and the subscription.
    auto repo = std::make_unique<isv::memory_repository>();
    bench::seed_service(*repo, n, static_cast<isv::count_t>(n));
    isv::basic_admin_center center{*repo};
    std::vector<isv::assign_command> batches;
    for (std::uint64_t first = 0; first < n; first += 1000)
      batches.push_back({bench::subscription_id, bench::users(first, std::min<std::uint64_t>(1000, n - first)), {}});
    const auto start = clock::now();
    for (const auto& cmd : batches) {
      auto done = center.assign(bench::tenant_id, bench::admin_id, cmd, bench::now);
      if (!done) bench::ok(done, "assign");
    }
    const auto stop = clock::now();
    state.SetIterationTime(seconds(stop - start));
    auto v = bench::ok(repo->read(bench::tenant_id), "read");
    bench::check(v.find_subscription(bench::subscription_id)->licenses_in_use == static_cast<isv::count_t>(n),
                 "every user holds a license");
  }
  state.counters["items"] = static_cast<double>(n);
}
BENCHMARK(bulk_assign)->Arg(1'000'000)->Iterations(1)->Repetitions(5)->UseManualTime()->ReportAggregatesOnly();

// ---- group_reprocess: a group of 100,000 on 90,000 seats, raised by 20,000, reprocessed ----------

void group_reprocess(benchmark::State& state) {
  const auto members = static_cast<std::uint64_t>(state.range(0));
  const auto seats = static_cast<isv::count_t>(members * 9 / 10);
  for (auto _ : state) {
    // Untimed: the directory and the group with its members.
    auto repo = std::make_unique<isv::memory_repository>();
    bench::seed_service(*repo, members, seats);
    isv::basic_admin_center center{*repo};
    bench::ok(center.create_group(bench::tenant_id, bench::admin_id, {bench::group_id, "Everyone"}, bench::now), "group");
    bench::ok(center.add_members(bench::tenant_id, bench::admin_id, {bench::group_id, bench::users(0, members)}, bench::now),
              "members");
    const auto start = clock::now();
    auto assigned = center.assign(bench::tenant_id, bench::admin_id, {bench::subscription_id, {}, {bench::group_id}}, bench::now);
    auto raised = center.change_quantity(bench::tenant_id, bench::admin_id,
                                         {bench::subscription_id, seats + static_cast<isv::count_t>(members / 5)}, bench::now);
    auto reprocessed = center.reprocess(bench::tenant_id, bench::admin_id, {bench::subscription_id}, bench::now);
    const auto stop = clock::now();
    state.SetIterationTime(seconds(stop - start));
    bench::check(bench::ok(std::move(assigned), "assign").value.violations.size() == members - static_cast<std::uint64_t>(seats),
                 "the members beyond the seats are in violation");
    bench::ok(std::move(raised), "raise");
    bench::check(bench::ok(std::move(reprocessed), "reprocess").value.licenses_added ==
                     static_cast<isv::count_t>(members) - seats,
                 "reprocessing served every member left out");
  }
  state.counters["items"] = static_cast<double>(members);
}

BENCHMARK(group_reprocess)->Arg(100'000)->Iterations(1)->Repetitions(5)->UseManualTime()->ReportAggregatesOnly();

// ---- replay: rebuilding a subscription from 1,000,000 events -------------------------------------

/// A purchase, then single-user grants and releases as admins make them day to day: seven grants
/// for every three releases of a random holder, over a growing set of users.
std::vector<isv::event> make_log(std::uint64_t count) {
  bench::pure_state s(1, static_cast<isv::count_t>(count));
  std::vector<isv::event> log;
  log.reserve(count);
  log.push_back(isv::event{bench::tenant_id, bench::admin_id, bench::now,
                           isv::basic_subscription_purchased<isv::default_traits>{s.sub}});
  rng random{7};
  std::vector<isv::user_id> holders;
  std::uint64_t next_user = 0;
  while (log.size() < count) {
    const bool release = !holders.empty() && random.below(10) < 3;
    isv::event e{bench::tenant_id, bench::admin_id, bench::now + std::chrono::seconds(log.size()), {}};
    if (release) {
      const std::size_t h = random.below(holders.size());
      e.payload = isv::basic_licenses_released<isv::default_traits>{bench::subscription_id, std::nullopt, {holders[h]}, {}};
      holders[h] = holders.back();
      holders.pop_back();
    } else {
      const isv::user_id who = bench::user(next_user++);
      e.payload = isv::basic_licenses_granted<isv::default_traits>{bench::subscription_id, std::nullopt, {who}, {}};
      holders.push_back(who);
    }
    log.push_back(std::move(e));
  }
  return log;
}

void replay(benchmark::State& state) {
  const auto count = static_cast<std::uint64_t>(state.range(0));
  static const std::vector<isv::event> log = make_log(count);
  for (auto _ : state) {
    const auto start = clock::now();
    auto rebuilt = isv::replay_subscription<isv::default_traits>(bench::subscription_id, log);
    const auto stop = clock::now();
    state.SetIterationTime(seconds(stop - start));
    const auto& [sub, book] = bench::ok(rebuilt, "replay");
    bench::check(sub.licenses_in_use == book.size() && sub.version == static_cast<isv::count_t>(count),
                 "the replay applied every event");
  }
  state.counters["items"] = static_cast<double>(count);
}
BENCHMARK(replay)->Arg(1'000'000)->Iterations(1)->Repetitions(5)->UseManualTime()->ReportAggregatesOnly();

} // namespace

BENCHMARK_MAIN();
