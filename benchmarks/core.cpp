// Time of the core and the in-memory service next to what a user would write instead, cold (a fresh process) and warm (the same process again), for sequential and random ids, and the latency of single calls.
#include "common.hpp"

#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <unistd.h>

// Under callgrind (benchmarks/instructions), only the timed regions are counted: each is bracketed
// by a toggle, which outside valgrind is a few instructions that do nothing.
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define ISV_BENCH_TOGGLE() CALLGRIND_TOGGLE_COLLECT
#else
#define ISV_BENCH_TOGGLE() ((void)0)
#endif

// How to read this program's output: benchmarks/run greps the lines `rep TARGET RATIO` (one per
// repetition, in the order run) and judges them against the limits it holds; every other line is
// for people. Usage:
//   isv_bench_core [repetitions]       every target (default 5 repetitions)
//   isv_bench_core --one NAME IDS      one process's figures of measurement NAME: its first
//                                      (cold) run on one line, then its second (warm) run
//
// Cold and warm. A cold figure is the first run of a measurement in a fresh process: every array
// is new memory, as in a host's first tenant of the day or a command-line tool. The warm figure is
// the second run in that process, after the first freed everything: memory the allocator kept
// comes back, as in a long-running host. Each repetition of a target is one fresh process per side
// (the library's and the baseline's), and the sides alternate which runs first.

namespace {

using bench::ids;
using cpu_clock = bench::thread_clock;

using bench::rng;

/// A timed region on `Clock`, from construction to stop(); under callgrind the only code counted.
template <class Clock>
class timed_region {
public:
  timed_region() : start_(Clock::now()) { ISV_BENCH_TOGGLE(); }
  /// The nanoseconds since construction.
  double stop() {
    ISV_BENCH_TOGGLE();
    return std::chrono::duration<double, std::nano>(Clock::now() - start_).count();
  }

private:
  typename Clock::time_point start_;
};

constexpr std::uint64_t million = 1'000'000;

// ---- Baselines: what a user would write instead -------------------------------------------------

/// Inserting a million ids into a reserved `Set` (the reserve not timed), ns per id: a
/// std::unordered_set, or a boost::unordered_flat_set, the open-addressing set of the Boost the
/// library already requires.
template <class Set>
double reserved_set_insert(ids kind) {
  Set set;
  set.reserve(million);
  timed_region<cpu_clock> timer;
  for (std::uint64_t i = 0; i < million; ++i) set.insert(bench::user(i, kind).value());
  const double ns = timer.stop();
  bench::check(set.size() == million, "every id was inserted");
  return ns / static_cast<double>(million);
}

// ---- bulk_assign: a million users in batches of 1,000 through the in-memory service -------------

/// No reserve_licenses: what a host gets by default. Not timed: the tenant, its million directory
/// users, the subscription, the commands.
double bulk_assign(ids kind) {
  auto repo = std::make_unique<isv::memory_repository>();
  bench::seed_service(*repo, million, static_cast<isv::count_t>(million), kind);
  isv::basic_admin_center center{*repo};
  std::vector<isv::assign_command> batches;
  for (std::uint64_t first = 0; first < million; first += 1000)
    batches.push_back({.subscription = bench::subscription_id, .users = bench::users(first, 1000, kind)});
  timed_region<cpu_clock> timer;
  for (const auto& cmd : batches) {
    auto done = center.assign(bench::tenant_id, bench::admin_id, cmd, bench::now);
    if (!done) bench::ok(done, "assign");
  }
  const double ns = timer.stop();
  auto v = bench::ok(repo->read(bench::tenant_id), "read");
  bench::check(v.find_subscription(bench::subscription_id)->licenses_in_use == static_cast<isv::count_t>(million),
               "every user holds a license");
  return ns / static_cast<double>(million);
}

// ---- group_reprocess: a group of 100,000 on 90,000 seats, raised by 20,000, reprocessed ----------

double group_reprocess(ids kind) {
  constexpr std::uint64_t members = 100'000;
  constexpr auto seats = static_cast<isv::count_t>(members * 9 / 10);
  auto repo = std::make_unique<isv::memory_repository>();
  bench::seed_service(*repo, members, seats, kind);
  isv::basic_admin_center center{*repo};
  bench::ok(center.create_group(bench::tenant_id, bench::admin_id, {.group = bench::group_id, .name = "Everyone"}, bench::now),
            "group");
  bench::ok(center.add_members(bench::tenant_id, bench::admin_id,
                               {.group = bench::group_id, .users = bench::users(0, members, kind)}, bench::now),
            "members");
  timed_region<cpu_clock> timer;
  auto assigned = center.assign(bench::tenant_id, bench::admin_id,
                                {.subscription = bench::subscription_id, .groups = {bench::group_id}}, bench::now);
  auto raised = center.change_quantity(
      bench::tenant_id, bench::admin_id,
      {.subscription = bench::subscription_id, .quantity = seats + static_cast<isv::count_t>(members / 5)}, bench::now);
  auto reprocessed = center.reprocess(bench::tenant_id, bench::admin_id, {.subscription = bench::subscription_id}, bench::now);
  const double ns = timer.stop();
  bench::check(bench::ok(std::move(assigned), "assign").value.violations.size() == members - static_cast<std::uint64_t>(seats),
               "the members beyond the seats are in violation");
  bench::ok(std::move(raised), "raise");
  bench::check(bench::ok(std::move(reprocessed), "reprocess").value.licenses_added == static_cast<isv::count_t>(members) - seats,
               "reprocessing served every member left out");
  return ns / static_cast<double>(members);
}

// ---- replay: rebuilding a subscription from a million events -------------------------------------

/// A purchase, then single-user grants and releases as admins make them day to day: seven grants
/// for every three releases of a random holder, over a growing set of users.
std::vector<isv::event> make_log(std::uint64_t count, ids kind) {
  bench::pure_state s(1, static_cast<isv::count_t>(count), kind);
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
      e.payload =
          isv::basic_licenses_released<isv::default_traits>{.subscription = bench::subscription_id, .released = {holders[h]}};
      holders[h] = holders.back();
      holders.pop_back();
    } else {
      const isv::user_id who = bench::user(next_user++, kind);
      e.payload = isv::basic_licenses_granted<isv::default_traits>{.subscription = bench::subscription_id, .new_holders = {who}};
      holders.push_back(who);
    }
    log.push_back(std::move(e));
  }
  return log;
}

/// The log is built first, not timed; what is timed is replay_subscription over it.
double replay(ids kind) {
  const std::vector<isv::event> log = make_log(million, kind);
  timed_region<cpu_clock> timer;
  auto rebuilt = isv::replay_subscription<isv::default_traits>(bench::subscription_id, log);
  const double ns = timer.stop();
  const auto& [sub, book] = bench::ok(rebuilt, "replay");
  bench::check(sub.licenses_in_use == book.size() && sub.version == static_cast<isv::count_t>(million),
               "the replay applied every event");
  return ns / static_cast<double>(million);
}

// ---- Latency of one assign and one unassign, at 1,000 and at 1,000,000 held ----------------------

// A subscription grows from nothing by one single-user assign per call (no reserve, so the tables
// grow as they would in a host), then shrinks by one single-user unassign per call (preview and
// confirm, as an admin does it), in a random order of its holders. Every call is timed on the wall
// clock (a caller waits for all of it). The figures "at N" are over the calls that take the
// subscription from N/2 to N licenses, and back from N to N/2: a window that every table's
// doubling passes through once, so growth is in the figures. At 1,000 that is 500 calls of a
// fraction of a millisecond in all, so the figures at 1,000 are over 100 such subscriptions, each
// new. The directory (N users) is set up first, not timed. Under load, a preempted call shows in
// the tail, as it would for a user.
using wall_clock = std::chrono::steady_clock;

struct latency {
  double p50 = 0, p99 = 0, max = 0;
};

latency summarize(std::vector<double>& ns) {
  std::sort(ns.begin(), ns.end());
  const auto at = [&](double q) { return ns[static_cast<std::size_t>(q * static_cast<double>(ns.size() - 1))]; };
  return {at(0.5), at(0.99), ns.back()};
}

struct samples {
  std::vector<double> assign;
  std::vector<double> unassign;
};

template <class Assign, class Unassign>
void grow_and_shrink(std::uint64_t n, ids kind, samples& into, Assign&& assign_one, Unassign&& unassign_one) {
  for (std::uint64_t i = 0; i < n; ++i) {
    const isv::user_id who = bench::user(i, kind);
    timed_region<wall_clock> timer;
    assign_one(who);
    const double ns = timer.stop();
    if (i >= n / 2) into.assign.push_back(ns);
  }
  std::vector<std::uint64_t> order(n);
  for (std::uint64_t i = 0; i < n; ++i) order[i] = i;
  rng random{11 + n};
  for (std::uint64_t i = n; i > 1; --i) std::swap(order[i - 1], order[random.below(i)]);
  for (std::uint64_t k = 0; k < n - n / 2; ++k) {
    const isv::user_id who = bench::user(order[k], kind);
    timed_region<wall_clock> timer;
    unassign_one(who);
    into.unassign.push_back(timer.stop());
  }
}

void pure_latency(std::uint64_t n, ids kind, samples& into) {
  auto s = std::make_unique<bench::pure_state>(n, static_cast<isv::count_t>(n), kind);
  grow_and_shrink(
      n, kind, into,
      [&](const isv::user_id& who) {
        auto done = bench::ok(
            isv::assign(s->sub, s->book, s->dir, s->admin, {.subscription = bench::subscription_id, .users = {who}}, bench::now),
            "assign");
        for (const auto& e : done.events) isv::apply(s->book, e);
        s->sub = std::move(done.state);
      },
      [&](const isv::user_id& who) {
        const isv::unassign_command cmd{.subscription = bench::subscription_id, .users = {who}};
        auto preview = bench::ok(isv::preview_unassign(s->sub, s->book, s->dir, s->admin, cmd, bench::now), "preview");
        auto done = bench::ok(isv::confirm_unassign(s->sub, s->book, s->dir, s->admin, preview.report, bench::now), "confirm");
        for (const auto& e : done.events) isv::apply(s->book, e);
        s->sub = std::move(done.state);
      });
  bench::check(s->book.size() == static_cast<isv::count_t>(n / 2) && s->sub.licenses_in_use == s->book.size(),
               "half the licenses are left");
}

void service_latency(std::uint64_t n, ids kind, samples& into) {
  auto repo = std::make_unique<isv::memory_repository>();
  bench::seed_service(*repo, n, static_cast<isv::count_t>(n), kind);
  isv::basic_admin_center center{*repo};
  grow_and_shrink(
      n, kind, into,
      [&](const isv::user_id& who) {
        auto done =
            center.assign(bench::tenant_id, bench::admin_id, {.subscription = bench::subscription_id, .users = {who}}, bench::now);
        if (!done) bench::ok(done, "assign");
      },
      [&](const isv::user_id& who) {
        auto preview = center.preview_unassign(bench::tenant_id, bench::admin_id,
                                               {.subscription = bench::subscription_id, .users = {who}}, bench::now);
        if (!preview) bench::ok(preview, "preview");
        auto done = center.confirm_unassign(bench::tenant_id, bench::admin_id, preview.value().value, bench::now);
        if (!done) bench::ok(done, "confirm");
      });
  auto v = bench::ok(repo->read(bench::tenant_id), "read");
  bench::check(v.find_subscription(bench::subscription_id)->licenses_in_use == static_cast<isv::count_t>(n / 2),
               "half the licenses are left");
}

/// p50, p99 and max of: assign at 1k, assign at 1M, unassign at 1k, unassign at 1M (ns).
template <class World>
std::vector<double> latency_of(World&& world, ids kind) {
  samples small, large;
  for (int w = 0; w < 100; ++w) world(1000, kind, small);
  world(million, kind, large);
  std::vector<double> out;
  for (auto* ns : {&small.assign, &large.assign, &small.unassign, &large.unassign}) {
    const latency l = summarize(*ns);
    out.insert(out.end(), {l.p50, l.p99, l.max});
  }
  return out;
}

// ---- Measurements by name, each run twice in its process (cold, then warm) -----------------------

struct measurement {
  const char* name;
  std::function<std::vector<double>(ids)> run;
};

const std::vector<measurement>& measurements() {
  static const std::vector<measurement> all{
      {"unordered_set", [](ids k) { return std::vector{reserved_set_insert<std::unordered_set<std::uint64_t>>(k)}; }},
      {"flat_set", [](ids k) { return std::vector{reserved_set_insert<boost::unordered_flat_set<std::uint64_t>>(k)}; }},
      {"bulk_assign", [](ids k) { return std::vector{bulk_assign(k)}; }},
      {"group_reprocess", [](ids k) { return std::vector{group_reprocess(k)}; }},
      {"replay", [](ids k) { return std::vector{replay(k)}; }},
      {"latency_pure", [](ids k) { return latency_of(pure_latency, k); }},
      {"latency_service", [](ids k) { return latency_of(service_latency, k); }},
  };
  return all;
}

int run_one(const std::string& name, const std::string& kind_name) {
  // The library's block cache is off by default; ISV_BENCH_BLOCK_CACHE_MIB turns it on, to measure
  // what a host that opts in gains.
  if (const char* mib = std::getenv("ISV_BENCH_BLOCK_CACHE_MIB")) isv::set_block_cache_limit(std::strtoull(mib, nullptr, 10) << 20);
  const ids kind = kind_name == "random" ? ids::random : ids::sequential;
  for (const auto& m : measurements()) {
    if (name != m.name) continue;
    for (int run = 0; run < 2; ++run) {
      for (double v : m.run(kind)) std::printf("%.3f ", v);
      std::printf("\n");
    }
    return 0;
  }
  std::fprintf(stderr, "no measurement named %s\n", name.c_str());
  return 2;
}

// ---- The parent: fresh processes, pairs, and the lines benchmarks/run reads ----------------------

std::string self_path() {
  std::array<char, 4096> buffer{};
  const ssize_t n = ::readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
  bench::check(n > 0, "the program finds itself");
  return std::string(buffer.data(), static_cast<std::size_t>(n));
}

struct cold_warm {
  std::vector<double> cold;
  std::vector<double> warm;
};

/// Runs measurement `name` in a fresh process: its cold and its warm figures.
cold_warm in_fresh_process(const std::string& name, ids kind) {
  std::string command = "'" + self_path() + "' --one " + name + " " + bench::name_of(kind);
  FILE* child = ::popen(command.c_str(), "r");
  bench::check(child != nullptr, "start a measuring process");
  cold_warm out;
  std::array<char, 4096> line{};
  for (auto* figures : {&out.cold, &out.warm}) {
    bench::check(std::fgets(line.data(), static_cast<int>(line.size()), child) != nullptr, "read a measuring process");
    char* p = line.data();
    for (char* end = nullptr;; p = end) {
      const double v = std::strtod(p, &end);
      if (end == p) break;
      figures->push_back(v);
    }
  }
  bench::check(::pclose(child) == 0, "a measuring process succeeded");
  return out;
}

struct series {
  std::string target;
  std::vector<double> ratios;
};

void print_list(const char* label, const std::vector<double>& values, const char* unit) {
  std::printf("   %-28s", label);
  for (double v : values) std::printf(" %8.2f", v);
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  std::printf("  %s (min %.2f, median %.2f, max %.2f)\n", unit, sorted.front(), sorted[sorted.size() / 2], sorted.back());
}

void emit(const series& s) {
  for (double r : s.ratios) std::printf("rep %s %.3f\n", s.target.c_str(), r);
}

/// The library's measurement and its baselines', each in its own fresh process per repetition,
/// the library first in even repetitions and last in odd ones: prints every figure and, for each
/// baseline, the cold and warm series of ratios (target NAME_cold_IDS and NAME_warm_IDS).
struct against {
  const char* target;
  const char* baseline;
};

void paired(const char* library, ids kind, int repetitions, std::initializer_list<against> baselines) {
  cold_warm lib;
  std::vector<cold_warm> base(baselines.size());
  const auto take = [](cold_warm& into, const cold_warm& run) {
    into.cold.push_back(run.cold.at(0));
    into.warm.push_back(run.warm.at(0));
  };
  for (int r = 0; r < repetitions; ++r) {
    if (r % 2 == 0) take(lib, in_fresh_process(library, kind));
    std::size_t b = 0;
    for (const auto& x : baselines) take(base[b++], in_fresh_process(x.baseline, kind));
    if (r % 2 == 1) take(lib, in_fresh_process(library, kind));
  }
  std::size_t b = 0;
  for (const auto& x : baselines) {
    for (const bool cold : {true, false}) {
      const auto& l = cold ? lib.cold : lib.warm;
      const auto& y = cold ? base[b].cold : base[b].warm;
      series s{std::string(x.target) + (cold ? "_cold_" : "_warm_") + bench::name_of(kind), {}};
      for (std::size_t i = 0; i < l.size(); ++i) s.ratios.push_back(l[i] / y[i]);
      std::printf("%s: %s vs %s, %s ids, %s (CPU time of the thread)\n", s.target.c_str(), library, x.baseline,
                  bench::name_of(kind), cold ? "cold: the first run in a fresh process" : "warm: the second run in that process");
      print_list(library, l, "ns per item");
      print_list(x.baseline, y, "ns per id");
      print_list("ratio", s.ratios, "");
      emit(s);
    }
    ++b;
  }
}

/// Latency: per repetition one fresh process per world (pure, service), each grown twice.
void latencies(ids kind, int repetitions) {
  constexpr std::size_t assign_1k = 0, assign_1m = 1, unassign_1k = 2, unassign_1m = 3;
  for (const char* world : {"latency_pure", "latency_service"}) {
    const bool pure = std::strcmp(world, "latency_pure") == 0;
    std::vector<cold_warm> runs;
    for (int r = 0; r < repetitions; ++r) runs.push_back(in_fresh_process(world, kind));
    for (const bool cold : {true, false}) {
      const char* phase = cold ? "cold" : "warm";
      std::printf("latency, %s, %s ids, %s (wall ns per call: p50 / p99 / max, each repetition)\n", pure ? "pure" : "service",
                  bench::name_of(kind), phase);
      const char* names[] = {"assign at 1k", "assign at 1M", "unassign at 1k", "unassign at 1M"};
      for (std::size_t op = 0; op < 4; ++op) {
        std::printf("   %-16s", names[op]);
        for (const auto& run : runs) {
          const auto& f = cold ? run.cold : run.warm;
          std::printf("  %.0f / %.0f / %.0f", f.at(3 * op), f.at(3 * op + 1), f.at(3 * op + 2));
        }
        std::printf("\n");
      }
      const std::string suffix = std::string("_") + (pure ? "pure" : "service") + "_" + phase + "_" + bench::name_of(kind);
      series scaling{"scaling" + suffix, {}}, unassign{"unassign_scaling" + suffix, {}}, tail{"assign_tail" + suffix, {}};
      for (const auto& run : runs) {
        const auto& f = cold ? run.cold : run.warm;
        const auto p50 = [&](std::size_t op) { return f.at(3 * op); };
        scaling.ratios.push_back(p50(assign_1m) / p50(assign_1k));
        unassign.ratios.push_back(p50(unassign_1m) / p50(unassign_1k));
        tail.ratios.push_back(f.at(3 * assign_1m + 1) / p50(assign_1m));
      }
      for (const auto* s : {&scaling, &unassign, &tail}) {
        if (pure && s == &tail) continue; // the tail target is the service's
        print_list(s->target.c_str(), s->ratios, "");
        emit(*s);
      }
    }
  }
}

} // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "--one") == 0) return run_one(argv[2], argv[3]);
  const int repetitions = argc > 1 ? std::atoi(argv[1]) : 5;
  if (repetitions < 1) {
    std::fprintf(stderr, "usage: isv_bench_core [repetitions] | --one NAME sequential|random\n");
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  for (const ids kind : {ids::sequential, ids::random}) {
    paired("bulk_assign", kind, repetitions, {{"bulk_assign", "unordered_set"}, {"bulk_vs_boost", "flat_set"}});
    paired("replay", kind, repetitions, {{"replay", "unordered_set"}});
    latencies(kind, repetitions);
  }
  paired("group_reprocess", ids::sequential, repetitions, {{"group_reprocess", "unordered_set"}});
  return 0;
}
