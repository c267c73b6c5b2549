// Invariants under random operations: 100 000 seeded steps through the admin center, every invariant checked after each; a failure is shrunk and printed (D-ASSIGN-2, D-ASSIGN-3, D-LIFE-2, D-LIFE-3, D-TENANT-1, D-ERR-1, D-AUDIT-1, D-IDEM-1).
#include "world.hpp"

#include "support/catch.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

namespace {

using invariants::op;

/// The seed: ISV_INVARIANTS_SEED if set (to reproduce a failure), else a fixed one.
std::uint64_t seed() {
  if (const char* text = std::getenv("ISV_INVARIANTS_SEED")) return std::stoull(text);
  return 20260105;
}

/// How many random steps: ISV_INVARIANTS_STEPS if set, else 100 000.
std::size_t step_count() {
  if (const char* text = std::getenv("ISV_INVARIANTS_STEPS")) return std::stoull(text);
  return 100'000;
}

void print_failure(std::uint64_t used_seed, const invariants::run_report& run) {
  const auto& f = *run.failed;
  std::cout << "INVARIANT BROKEN with seed " << used_seed << " (rerun with ISV_INVARIANTS_SEED=" << used_seed << ")\n"
            << "  at step " << f.step_index << ": [" << f.invariant << "] " << f.message << '\n';
  const auto shortest = invariants::shrink(run.steps, f);
  const auto again = invariants::replay_steps(shortest);
  std::cout << "  shortest failing sequence found (" << shortest.size() << " of " << f.step_index + 1 << " steps)"
            << (again ? ": [" + again->invariant + "] " + again->message : std::string()) << '\n';
  for (const auto& s : shortest) std::cout << "    " << invariants::describe(s) << '\n';
}

} // namespace

TEST_CASE("100 000 random operations keep every invariant [D-ASSIGN-2] [D-ASSIGN-3] [D-LIFE-2] [D-LIFE-3] [D-TENANT-1] [D-ERR-1] "
          "[D-AUDIT-1] [D-IDEM-1] [D-DIR-1]") {
  const auto used_seed = seed();
  const auto count = step_count();
  std::cout << "invariants: seed " << used_seed << ", " << count << " random operations\n";
  const auto started = std::chrono::steady_clock::now();
  const auto run = invariants::generate_and_run(used_seed, count);
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (run.failed) print_failure(used_seed, run);
  REQUIRE_FALSE(run.failed.has_value());

  std::size_t accepted = 0;
  std::size_t refused = 0;
  for (std::size_t i = 0; i < invariants::op_count; ++i) {
    accepted += run.accepted[i];
    refused += run.refused[i];
  }
  std::cout << "invariants: " << run.steps.size() << " operations (" << accepted << " accepted, " << refused << " refused) in "
            << seconds << " s\n";
  for (std::size_t i = 0; i < invariants::op_count; ++i) {
    const auto kind = static_cast<op>(i);
    if (invariants::is_forgery(kind)) continue;
    std::cout << "  " << invariants::op_names[i] << ": " << run.accepted[i] << " accepted, " << run.refused[i] << " refused (";
    for (const auto& [code, n] : run.refusal_codes[i]) std::cout << ' ' << code << ' ' << n;
    std::cout << " )\n";
    // Every operation of the service was exercised both ways: the run met its rules, not just its refusals.
    INFO(invariants::op_names[i]);
    CHECK(run.accepted[i] > 0);
    CHECK(run.refused[i] > 0);
  }
}

TEST_CASE("the checker reports licenses beyond the quantity, and shrinking returns a shorter sequence [D-ASSIGN-3]") {
  // A broken step (test only) saves licenses past the seats bought, straight into the repository.
  const auto run = invariants::generate_and_run(7, 3000, op::forge_over_assignment);
  REQUIRE(run.failed.has_value());
  CHECK(run.failed->invariant == "seats");
  REQUIRE(run.steps.back().kind == op::forge_over_assignment);

  const auto shortest = invariants::shrink(run.steps, *run.failed);
  std::cout << "over-assignment: failed at step " << run.failed->step_index << "; shrunk to " << shortest.size() << " steps:\n";
  for (const auto& s : shortest) std::cout << "    " << invariants::describe(s) << '\n';
  CHECK(shortest.size() < run.steps.size());
  // What is left is what the failure needs: users, a seat-based subscription bought, the forgery.
  CHECK(shortest.size() <= 6);
  CHECK(shortest.back().kind == op::forge_over_assignment);
  const auto again = invariants::replay_steps(shortest);
  REQUIRE(again.has_value());
  CHECK(again->invariant == "seats");
}

TEST_CASE("the checker reports a step of one tenant that changes another, and shrinks it to that step [D-TENANT-1]") {
  const auto run = invariants::generate_and_run(11, 3000, op::forge_other_tenant);
  REQUIRE(run.failed.has_value());
  CHECK(run.failed->invariant == "tenant isolation");
  const auto shortest = invariants::shrink(run.steps, *run.failed);
  CHECK(run.steps.size() > 1);
  REQUIRE(shortest.size() == 1);
  CHECK(shortest.front().kind == op::forge_other_tenant);
}

TEST_CASE("replaying recorded steps from scratch gives the same run [D-PURE-1]") {
  // Shrinking relies on it: a recorded sequence fails again when run again.
  const auto run = invariants::generate_and_run(3, 2000);
  REQUIRE_FALSE(run.failed.has_value());
  invariants::runner again;
  std::size_t accepted = 0;
  for (const auto& s : run.steps) {
    REQUIRE_FALSE(again.run(s).has_value());
    if (again.last_ok()) ++accepted;
  }
  std::size_t recorded = 0;
  for (std::size_t i = 0; i < invariants::op_count; ++i) recorded += run.accepted[i];
  CHECK(accepted == recorded);
  CHECK(again.shadow(isv::tenant_id{1}).log_length > 0);
}
