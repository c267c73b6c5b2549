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

// Each repetition of a target measures its baseline right before it, and the target is the median
// of the per-repetition ratios: the machines these run on are shared, and their speed drifts
// over seconds, so a figure and its baseline are compared when both saw the same machine.

/// Inserting `n` ids into a reserved std::unordered_set, in ns per id. The ids are the user ids
/// the service assigns, so both sides hash the same numbers.
double baseline_ns_per_id(std::uint64_t n) {
  std::unordered_set<std::uint64_t> set;
  set.reserve(n);
  const auto start = clock::now();
  for (std::uint64_t i = 0; i < n; ++i) set.insert(bench::user(i).value());
  const auto stop = clock::now();
  benchmark::DoNotOptimize(set.size());
  bench::check(set.size() == n, "every id was inserted");
  return seconds(stop - start) * 1e9 / static_cast<double>(n);
}

constexpr std::uint64_t baseline_ids = 1'000'000;

/// The baseline of one repetition: the median of three runs back to back. A single run of it moves
/// by a factor of two with the state of the allocator (whether its nodes land on memory freed
/// earlier or on fresh pages, which fault); the median of three is steadier.
double baseline_of_repetition() {
  std::array<double, 3> runs{};
  for (auto& r : runs) r = baseline_ns_per_id(baseline_ids);
  std::sort(runs.begin(), runs.end());
  return runs[1];
}

/// Records one repetition of a target measured against the baseline: its time per item, the
/// baseline's, and their ratio (the median of the ratios over the repetitions is the figure).
void record_pair(benchmark::State& state, double ns_per_item, double baseline_ns) {
  state.counters["ns_per_item"] = ns_per_item;
  state.counters["baseline_ns_per_id"] = baseline_ns;
  state.counters["ratio"] = ns_per_item / baseline_ns;
}

void baseline_unordered_set(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    const double ns = baseline_ns_per_id(n);
    state.SetIterationTime(ns * static_cast<double>(n) * 1e-9);
  }
  state.counters["items"] = static_cast<double>(n);
}
BENCHMARK(baseline_unordered_set)->Arg(baseline_ids)->Iterations(1)->Repetitions(7)->UseManualTime()->ReportAggregatesOnly();

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
  return isv::event{.tenant = bench::tenant_id,
                    .actor = bench::admin_id,
                    .at = bench::now,
                    .payload = isv::basic_licenses_released<isv::default_traits>{.subscription = bench::subscription_id,
                                                                                 .released = {who}}};
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

/// One timed block in a pure world: `block` assignments, then the untimed undo. Returns the time.
clock::duration pure_block(pure_world& w) {
  std::array<std::size_t, block> slots{};
  std::array<isv::user_id, block> chosen{};
  for (std::size_t k = 0; k < block; ++k) chosen[k] = w.people.take_free(slots, k);
  const auto start = clock::now();
  for (const auto& who : chosen) {
    auto done = isv::assign(w.s.sub, w.s.book, w.s.dir, w.s.admin, {.subscription = bench::subscription_id, .users = {who}},
                            bench::now);
    for (const auto& e : done.value().events) isv::apply(w.s.book, e);
    w.s.sub = std::move(done.value().state);
  }
  const auto stop = clock::now();
  for (std::size_t k = 0; k < block; ++k) {
    const isv::event undo = release_event(w.people.swap_out(slots[k], chosen[k]));
    isv::apply(w.s.book, undo);
    w.s.sub = isv::apply(std::move(w.s.sub), undo);
  }
  return stop - start;
}

/// Timed blocks per world in one repetition (a few milliseconds each): a repetition measures the
/// small world, then the large one, each after an untimed block that warms it up, so that the
/// two figures of a repetition come from the same few milliseconds of the machine.
constexpr std::size_t blocks_per_repetition = 400;

/// One repetition of a scaling target: 1,000 held, then 1,000,000 held.
template <class World, class Block>
void scaling_pair(benchmark::State& state, World& small, World& large, Block&& run_block) {
  const auto measure = [&](World& w) {
    (void)run_block(w); // warm-up
    clock::duration total{};
    for (std::size_t b = 0; b < blocks_per_repetition; ++b) total += run_block(w);
    return total;
  };
  for (auto _ : state) {
    const clock::duration at_small = measure(small);
    const clock::duration at_large = measure(large);
    state.SetIterationTime(seconds(at_small + at_large));
    const double per_assign = static_cast<double>(blocks_per_repetition * block);
    state.counters["ns_at_1k"] = seconds(at_small) * 1e9 / per_assign;
    state.counters["ns_at_1m"] = seconds(at_large) * 1e9 / per_assign;
    state.counters["ratio"] = seconds(at_large) / seconds(at_small);
  }
}

void scaling_pure(benchmark::State& state) {
  auto& small = pure_world_of(1000);
  auto& large = pure_world_of(1'000'000);
  scaling_pair(state, small, large, pure_block);
  for (auto* w : {&small, &large})
    bench::check(w->s.book.size() == static_cast<isv::count_t>(w->people.holders.size()) &&
                     w->s.sub.licenses_in_use == w->s.book.size(),
                 "the size stayed fixed");
}
BENCHMARK(scaling_pure)->Iterations(1)->Repetitions(15)->UseManualTime()->DisplayAggregatesOnly();

struct service_world {
  isv::memory_repository repo;
  isv::basic_admin_center<isv::memory_repository> center{repo};
  roster people;
  explicit service_world(std::uint64_t held) : people(held) {
    bench::seed_service(repo, 2 * held, static_cast<isv::count_t>(held + block));
    bench::ok(repo.reserve_licenses(bench::tenant_id, bench::subscription_id, static_cast<std::size_t>(held + block)), "reserve");
    for (std::size_t first = 0; first < people.holders.size(); first += 1000) {
      const auto last = std::min(people.holders.size(), first + 1000);
      const isv::assign_command cmd{
          .subscription = bench::subscription_id,
          .users = std::vector<isv::user_id>(people.holders.begin() + static_cast<std::ptrdiff_t>(first),
                                             people.holders.begin() + static_cast<std::ptrdiff_t>(last))};
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

clock::duration service_block(service_world& w) {
  std::array<std::size_t, block> slots{};
  std::array<isv::user_id, block> chosen{};
  for (std::size_t k = 0; k < block; ++k) chosen[k] = w.people.take_free(slots, k);
  const auto start = clock::now();
  for (const auto& who : chosen) {
    auto done = w.center.assign(bench::tenant_id, bench::admin_id, {.subscription = bench::subscription_id, .users = {who}},
                                bench::now);
    benchmark::DoNotOptimize(done.value().value.licenses_added);
  }
  const auto stop = clock::now();
  // The undo is a commit of release events, as confirming an unassignment would save.
  isv::commit undo{.tenant = bench::tenant_id};
  for (std::size_t k = 0; k < block; ++k) undo.events.push_back(release_event(w.people.swap_out(slots[k], chosen[k])));
  bench::ok(w.repo.commit(std::move(undo)), "undo");
  return stop - start;
}

void scaling_service(benchmark::State& state) {
  auto& small = service_world_of(1000);
  auto& large = service_world_of(1'000'000);
  scaling_pair(state, small, large, service_block);
  for (auto* w : {&small, &large})
    bench::check(w->held_now() == static_cast<isv::count_t>(w->people.holders.size()), "the size stayed fixed");
}
BENCHMARK(scaling_service)->Iterations(1)->Repetitions(15)->UseManualTime()->DisplayAggregatesOnly();

// ---- bulk_assign: 1,000,000 users in batches of 1,000 through the in-memory service -------------

void bulk_assign(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    const double baseline = baseline_of_repetition();
    // Untimed: the directory with its users, the app, the profile and the subscription.
    auto repo = std::make_unique<isv::memory_repository>();
    bench::seed_service(*repo, n, static_cast<isv::count_t>(n));
    isv::basic_admin_center center{*repo};
    std::vector<isv::assign_command> batches;
    for (std::uint64_t first = 0; first < n; first += 1000)
      batches.push_back(
          {.subscription = bench::subscription_id, .users = bench::users(first, std::min<std::uint64_t>(1000, n - first))});
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
    record_pair(state, seconds(stop - start) * 1e9 / static_cast<double>(n), baseline);
  }
}
BENCHMARK(bulk_assign)->Arg(1'000'000)->Iterations(1)->Repetitions(9)->UseManualTime()->DisplayAggregatesOnly();

// ---- group_reprocess: a group of 100,000 on 90,000 seats, raised by 20,000, reprocessed ----------

void group_reprocess(benchmark::State& state) {
  const auto members = static_cast<std::uint64_t>(state.range(0));
  const auto seats = static_cast<isv::count_t>(members * 9 / 10);
  for (auto _ : state) {
    const double baseline = baseline_of_repetition();
    // Untimed: the directory and the group with its members.
    auto repo = std::make_unique<isv::memory_repository>();
    bench::seed_service(*repo, members, seats);
    isv::basic_admin_center center{*repo};
    bench::ok(center.create_group(bench::tenant_id, bench::admin_id, {.group = bench::group_id, .name = "Everyone"},
                                  bench::now),
              "group");
    bench::ok(center.add_members(bench::tenant_id, bench::admin_id,
                                 {.group = bench::group_id, .users = bench::users(0, members)}, bench::now),
              "members");
    const auto start = clock::now();
    auto assigned = center.assign(bench::tenant_id, bench::admin_id,
                                  {.subscription = bench::subscription_id, .groups = {bench::group_id}}, bench::now);
    auto raised = center.change_quantity(
        bench::tenant_id, bench::admin_id,
        {.subscription = bench::subscription_id, .quantity = seats + static_cast<isv::count_t>(members / 5)}, bench::now);
    auto reprocessed =
        center.reprocess(bench::tenant_id, bench::admin_id, {.subscription = bench::subscription_id}, bench::now);
    const auto stop = clock::now();
    state.SetIterationTime(seconds(stop - start));
    bench::check(bench::ok(std::move(assigned), "assign").value.violations.size() == members - static_cast<std::uint64_t>(seats),
                 "the members beyond the seats are in violation");
    bench::ok(std::move(raised), "raise");
    bench::check(bench::ok(std::move(reprocessed), "reprocess").value.licenses_added ==
                     static_cast<isv::count_t>(members) - seats,
                 "reprocessing served every member left out");
    record_pair(state, seconds(stop - start) * 1e9 / static_cast<double>(members), baseline);
  }
}

BENCHMARK(group_reprocess)->Arg(100'000)->Iterations(1)->Repetitions(9)->UseManualTime()->DisplayAggregatesOnly();

// ---- replay: rebuilding a subscription from 1,000,000 events -------------------------------------

/// A purchase, then single-user grants and releases as admins make them day to day: seven grants
/// for every three releases of a random holder, over a growing set of users.
std::vector<isv::event> make_log(std::uint64_t count) {
  bench::pure_state s(1, static_cast<isv::count_t>(count));
  std::vector<isv::event> log;
  log.reserve(count);
  log.push_back(isv::event{.tenant = bench::tenant_id,
                           .actor = bench::admin_id,
                           .at = bench::now,
                           .payload = isv::basic_subscription_purchased<isv::default_traits>{.subscription = s.sub}});
  rng random{7};
  std::vector<isv::user_id> holders;
  std::uint64_t next_user = 0;
  while (log.size() < count) {
    const bool release = !holders.empty() && random.below(10) < 3;
    isv::event e{.tenant = bench::tenant_id, .actor = bench::admin_id, .at = bench::now + std::chrono::seconds(log.size())};
    if (release) {
      const std::size_t h = random.below(holders.size());
      e.payload = isv::basic_licenses_released<isv::default_traits>{.subscription = bench::subscription_id,
                                                                    .released = {holders[h]}};
      holders[h] = holders.back();
      holders.pop_back();
    } else {
      const isv::user_id who = bench::user(next_user++);
      e.payload =
          isv::basic_licenses_granted<isv::default_traits>{.subscription = bench::subscription_id, .new_holders = {who}};
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
    const double baseline = baseline_of_repetition();
    const auto start = clock::now();
    auto rebuilt = isv::replay_subscription<isv::default_traits>(bench::subscription_id, log);
    const auto stop = clock::now();
    state.SetIterationTime(seconds(stop - start));
    const auto& [sub, book] = bench::ok(rebuilt, "replay");
    bench::check(sub.licenses_in_use == book.size() && sub.version == static_cast<isv::count_t>(count),
                 "the replay applied every event");
    record_pair(state, seconds(stop - start) * 1e9 / static_cast<double>(count), baseline);
  }
}
BENCHMARK(replay)->Arg(1'000'000)->Iterations(1)->Repetitions(9)->UseManualTime()->DisplayAggregatesOnly();

} // namespace

BENCHMARK_MAIN();
