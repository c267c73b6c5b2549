// Crash safety of the SQLite repository: a writer killed with SIGKILL in the middle of a stream of batches leaves each batch wholly applied or not at all, and a database that works on.
#include "conformance.hpp"
#include "support/sqlite_files.hpp"

#include "isv/storage/sqlite.hpp"

#include <sqlite3.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr std::uint64_t batch_size = 25; ///< users per operation
constexpr std::uint64_t batches = 400;
const isv::subscription_id big{4000};

/// Users of batch b (0-based): user(1 + b*k) .. user((b+1)*k).
std::vector<isv::user_id> batch(std::uint64_t b) { return conformance::users(1 + b * batch_size, (b + 1) * batch_size); }


/// How many commits the tenant has: read with a connection of its own, outside any repository.
long long committed_batches(const std::string& path) {
  sqlite3* db = nullptr;
  long long out = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT revision FROM tenants WHERE id = 1", -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
      out = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

/// The child: its own connection, assigning batch after batch from the first one not yet held,
/// until it is killed. Never returns; no destructor of the parent's objects runs in it.
[[noreturn]] void write_batches(const std::string& path) {
  auto repo = isv::sqlite_repository::open(path);
  if (!repo) ::_exit(2);
  isv::basic_admin_center center{repo.value()};
  std::uint64_t b = 0;
  {
    auto v = repo.value().read(conformance::tenant_a);
    if (!v) ::_exit(3);
    while (b < batches && v.value().find_license_book(big)->holds(batch(b).front())) ++b;
  }
  for (; b < batches; ++b)
    if (!center.assign(conformance::tenant_a, conformance::admin, {big, batch(b), {}}, conformance::now)) ::_exit(4);
  ::_exit(0);
}

/// Every batch is held wholly or not at all, held batches come first, and the counts, the license
/// rows, the log and the state agree. Returns how many batches are held.
std::uint64_t check_all_or_nothing(const std::string& path) {
  auto repo = conformance::ok(isv::sqlite_repository::open(path)); // a fresh cache: all from the file
  {
    auto v = conformance::ok(repo.read(conformance::tenant_a));
    const auto* book = v.find_license_book(big);
    REQUIRE(book != nullptr);
    std::uint64_t held_batches = 0;
    bool gap = false;
    for (std::uint64_t b = 0; b < batches; ++b) {
      std::uint64_t held = 0;
      for (const auto& u : batch(b)) held += book->holds(u) ? 1U : 0U;
      INFO("batch " << b << " has " << held << " of " << batch_size << " users");
      REQUIRE((held == 0 || held == batch_size));
      if (held == batch_size) {
        CHECK_FALSE(gap); // the child applies batches in order
        ++held_batches;
      } else {
        gap = true;
      }
    }
    const auto* s = v.find_subscription(big);
    CHECK(s->licenses_in_use == book->size());
    CHECK(s->licenses_in_use == static_cast<isv::count_t>(held_batches * batch_size));
    sqlite3* db = repo.native_handle();
    CHECK(test_support::scalar(db, "SELECT count(*) FROM licenses WHERE tenant = 1 AND subscription = 4000") == s->licenses_in_use);
    CHECK(test_support::scalar(db, "SELECT licenses_in_use FROM subscriptions WHERE tenant = 1 AND id = 4000") == s->licenses_in_use);
    CHECK(test_support::scalar(db, "SELECT version FROM versions WHERE tenant = 1 AND aggregate_kind = 'subscriptions' AND aggregate_id = 4000") ==
          s->version);
    const auto log = conformance::ok(repo.events(conformance::tenant_a, 0));
    CHECK(test_support::scalar(db, "SELECT event_count FROM tenants WHERE id = 1") == static_cast<long long>(log.size()));
    const auto rebuilt = conformance::ok(isv::replay_subscription<isv::default_traits>(big, log));
    CHECK(rebuilt.first == *s);
    CHECK(rebuilt.second == *book);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "ok");
    sqlite3_finalize(st);
    return held_batches;
  }
}

} // namespace

TEST_CASE("sqlite: kill: a writer killed mid-stream leaves every batch all or nothing [D-ASSIGN-1][D-AUDIT-1][D-CONC-1]") {
  test_support::temp_database file{"isv-kill"};
  {
    auto repo = conformance::ok(isv::sqlite_repository::open(file.path()));
    conformance::seed(repo);
    isv::basic_admin_center center{repo};
    conformance::ok(center.add_users(conformance::tenant_a, conformance::admin, {conformance::users(11, batches * batch_size)},
                                     conformance::now));
    conformance::ok(center.purchase(conformance::tenant_a, conformance::admin,
                                    conformance::buy(big, conformance::isv_app, static_cast<isv::count_t>(batches * batch_size)),
                                    conformance::now));
  }

  std::uint64_t held = 0;
  for (int round = 0; round < 4; ++round) {
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) write_batches(file.path());
    // Wait until it has saved a few more batches (however loaded the machine is), then kill it
    // wherever it is: most often inside its next transaction.
    const long long start = committed_batches(file.path());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (committed_batches(file.path()) < start + 3 + round && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    REQUIRE(::kill(child, SIGKILL) == 0);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    INFO("round " << round);
    REQUIRE(WIFSIGNALED(status)); // killed, not finished or failed on its own
    const std::uint64_t now_held = check_all_or_nothing(file.path());
    CHECK(now_held > held); // it made progress, so the kill hit a live stream
    held = now_held;
  }

  // The database works on after the kills: the service's rules and checks hold on it.
  auto repo = conformance::ok(isv::sqlite_repository::open(file.path()));
  isv::basic_admin_center center{repo};
  const auto next = batch(held);
  conformance::ok(center.assign(conformance::tenant_a, conformance::admin, {big, next, {}}, conformance::now, "after-kill"));
  CHECK(conformance::ok(center.assign(conformance::tenant_a, conformance::admin, {big, next, {}}, conformance::now, "after-kill"))
            .value.licenses_added == static_cast<isv::count_t>(batch_size)); // the first result, once (D-IDEM-1)
  const auto preview =
      conformance::ok(center.preview_unassign(conformance::tenant_a, conformance::admin, {big, {next.front()}, {}}, conformance::now))
          .value;
  conformance::ok(center.confirm_unassign(conformance::tenant_a, conformance::admin, preview, conformance::now));
  CHECK(conformance::code_of(center.confirm_unassign(conformance::tenant_a, conformance::admin, preview, conformance::now)) ==
        isv::errc::stale_preview);
  CHECK(conformance::ok(center.find_subscription(conformance::tenant_a, big)).licenses_in_use ==
        static_cast<isv::count_t>((held + 1) * batch_size - 1));
  CHECK(conformance::ok(center.licenses_of_user(conformance::tenant_a, next.front())).empty());
}
