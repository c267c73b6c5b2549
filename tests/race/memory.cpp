// Races on the in-memory repository: concurrent writers through the admin center never over-assign, never lose an accepted change, and every refusal is typed (D-CONC-1).
#include "storage/conformance.hpp"

#include "isv/storage/memory.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <latch>
#include <set>
#include <thread>
#include <vector>

namespace {

using conformance::admin;
using conformance::license_admin;
using conformance::now;
using conformance::ok;
using conformance::sub_1;
using conformance::tenant_a;
using conformance::user;

constexpr int rounds = 40;
constexpr std::size_t writers = 8;

/// Runs `body(i)` on `n` threads released at the same moment.
template <class Body>
void at_once(std::size_t n, Body body) {
  std::latch start(static_cast<std::ptrdiff_t>(n));
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      body(i);
    });
  for (auto& t : threads) t.join();
}

struct round_state {
  isv::memory_repository repo;
  round_state(isv::count_t seats) {
    conformance::seed(repo);
    isv::basic_admin_center center{repo};
    ok(center.purchase(tenant_a, admin, conformance::buy(sub_1, conformance::isv_app, seats), now));
  }
};

} // namespace

TEST_CASE("race: 8 writers assigning different users to 5 seats fill exactly 5, each refusal typed [D-CONC-1][D-ASSIGN-3]") {
  for (int round = 0; round < rounds; ++round) {
    round_state state(5);
    // Enough retries that every writer ends with a decision from fresh state: each round of
    // conflicts lets at least one writer through, so 7 retries cover 8 writers.
    isv::basic_admin_center center{state.repo, isv::admin_center_options{static_cast<int>(writers), {}}};
    std::vector<std::optional<isv::errc>> outcome(writers);
    std::vector<char> accepted(writers, 0);
    at_once(writers, [&](std::size_t i) {
      const auto r = center.assign(tenant_a, i % 2 == 0 ? admin : license_admin, {sub_1, {user(i + 1)}, {}}, now);
      if (r) accepted[i] = r.value().value.licenses_added == 1 ? 1 : 0;
      else outcome[i] = r.error().code;
    });

    auto v = ok(state.repo.read(tenant_a));
    const auto& book = *v.find_license_book(sub_1);
    CHECK(v.find_subscription(sub_1)->licenses_in_use == 5);
    CHECK(book.size() == 5);
    std::size_t accepted_count = 0;
    for (std::size_t i = 0; i < writers; ++i) {
      if (accepted[i]) {
        ++accepted_count;
        CHECK(book.holds(user(i + 1))); // every accepted assignment is stored
      } else {
        REQUIRE(outcome[i].has_value());
        CHECK(outcome[i] == isv::errc::seats_exhausted);
        CHECK_FALSE(book.holds(user(i + 1)));
      }
    }
    CHECK(accepted_count == 5);
  }
}

TEST_CASE("race: with the default retries, refused writers get seats_exhausted or conflict and nothing is lost [D-CONC-1]") {
  for (int round = 0; round < rounds; ++round) {
    round_state state(5);
    isv::basic_admin_center center{state.repo};
    std::vector<std::optional<isv::errc>> outcome(writers);
    std::vector<char> accepted(writers, 0);
    at_once(writers, [&](std::size_t i) {
      const auto r = center.assign(tenant_a, admin, {sub_1, {user(i + 1)}, {}}, now);
      if (r) accepted[i] = 1;
      else outcome[i] = r.error().code;
    });

    std::size_t accepted_count = 0;
    {
      auto v = ok(state.repo.read(tenant_a));
      const auto& book = *v.find_license_book(sub_1);
      for (std::size_t i = 0; i < writers; ++i) {
        if (accepted[i]) {
          ++accepted_count;
          CHECK(book.holds(user(i + 1)));
        } else {
          REQUIRE(outcome[i].has_value());
          CHECK((outcome[i] == isv::errc::seats_exhausted || outcome[i] == isv::errc::conflict));
          CHECK_FALSE(book.holds(user(i + 1)));
        }
      }
      CHECK(accepted_count <= 5);
      CHECK(book.size() == static_cast<isv::count_t>(accepted_count));
      CHECK(v.find_subscription(sub_1)->licenses_in_use == book.size());
    } // a view holds the repository's lock: end it before the next call
    // The log holds exactly the accepted grants: one licenses_granted event per accepted writer.
    std::size_t grants = 0;
    for (const auto& e : ok(state.repo.events(tenant_a, 0)))
      if (std::holds_alternative<isv::basic_licenses_granted<conformance::traits>>(e.payload)) ++grants;
    CHECK(grants == accepted_count);
  }
}

TEST_CASE("race: overlapping batches never give a user two licenses [D-CONC-1][D-ASSIGN-2][D-ASSIGN-6]") {
  for (int round = 0; round < rounds; ++round) {
    round_state state(10);
    isv::basic_admin_center center{state.repo, isv::admin_center_options{static_cast<int>(writers), {}}};
    std::atomic<int> failures{0};
    at_once(writers, [&](std::size_t i) {
      // Writer i assigns users i+1..i+3: neighbours overlap.
      const isv::assign_command cmd{sub_1, {user(i + 1), user(i + 2), user(i + 3)}, {}};
      if (!center.assign(tenant_a, admin, cmd, now)) ++failures;
      // Readers share the lock with one another, never with a commit.
      (void)ok(center.licenses_of_user(tenant_a, user(i + 1)));
    });
    CHECK(failures == 0);
    const auto licenses = ok(center.licenses(tenant_a, sub_1));
    std::set<isv::user_id> holders;
    for (const auto& l : licenses) holders.insert(l.user);
    CHECK(holders.size() == licenses.size());
    CHECK(holders.size() == writers + 2);
    CHECK(ok(center.find_subscription(tenant_a, sub_1)).licenses_in_use == static_cast<isv::count_t>(writers + 2));
  }
}

TEST_CASE("race: two admins confirming the same unassignment preview: one succeeds, one is refused as stale [D-UNASSIGN-1][D-CONC-1]") {
  for (int round = 0; round < rounds; ++round) {
    round_state state(5);
    isv::basic_admin_center center{state.repo};
    ok(center.assign(tenant_a, admin, {sub_1, {user(1), user(2)}, {}}, now));
    const auto preview = ok(center.preview_unassign(tenant_a, admin, {sub_1, {user(1)}, {}}, now)).value;

    std::vector<std::optional<isv::errc>> outcome(2);
    std::vector<char> accepted(2, 0);
    at_once(2, [&](std::size_t i) {
      const auto r = center.confirm_unassign(tenant_a, i == 0 ? admin : license_admin, preview, now);
      if (r) accepted[i] = 1;
      else outcome[i] = r.error().code;
    });
    CHECK(std::count(accepted.begin(), accepted.end(), 1) == 1);
    const std::size_t loser = accepted[0] ? 1 : 0;
    CHECK(outcome[loser] == isv::errc::stale_preview);

    const auto s = ok(center.find_subscription(tenant_a, sub_1));
    CHECK(s.licenses_in_use == 1);
    CHECK(s.version == preview.version + 1); // applied once
    const auto licenses = ok(center.licenses(tenant_a, sub_1));
    REQUIRE(licenses.size() == 1);
    CHECK(licenses[0].user == user(2));
  }
}
