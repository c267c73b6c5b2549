// The conformance suite for the SQLite repository (each test on its own temporary file), and what only SQLite has: the schema version, reopening, several connections on one file.
#include "conformance.hpp"
#include "sql_reopen.hpp"
#include "support/sqlite_files.hpp"

#include "isv/storage/sqlite.hpp"

#include <sqlite3.h>

#include <string>

namespace {

struct sqlite_backend {
  test_support::temp_database file;
  isv::sqlite_repository repo = conformance::ok(isv::sqlite_repository::open(file.path()));
  isv::sqlite_repository& repository() { return repo; }
};

} // namespace

ISV_REPOSITORY_CONFORMANCE_SUITE(sqlite_backend, "sqlite")


// D-AUDIT-1: what was saved is there after the file is closed and opened again, log and state alike.
TEST_CASE("sqlite: a reopened database holds every commit, and its derived rows match the state [D-AUDIT-1]") {
  test_support::temp_database file;
  std::vector<isv::event> log;
  {
    auto repo = conformance::ok(isv::sqlite_repository::open(file.path()));
    conformance::seed(repo);
    isv::basic_admin_center center{repo};
    conformance::ok(center.purchase(conformance::tenant_a, conformance::admin, conformance::buy(conformance::sub_1, conformance::isv_app, 5), conformance::now));
    conformance::ok(center.create_group(conformance::tenant_a, conformance::admin, {conformance::sales, "Sales"}, conformance::now));
    conformance::ok(center.add_members(conformance::tenant_a, conformance::admin, {conformance::sales, conformance::users(1, 3)}, conformance::now));
    conformance::ok(center.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, {conformance::user(1), conformance::user(9)}, {conformance::sales}}, conformance::now, "assign"));
    log = conformance::ok(repo.events(conformance::tenant_a, 0));
  }
  auto repo = conformance::ok(isv::sqlite_repository::open(file.path()));
  CHECK(conformance::ok(repo.events(conformance::tenant_a, 0)) == log);
  auto v = conformance::ok(repo.read(conformance::tenant_a));
  const auto rebuilt = conformance::ok(isv::replay_subscription<isv::default_traits>(conformance::sub_1, log));
  CHECK(*v.find_subscription(conformance::sub_1) == rebuilt.first);
  CHECK(*v.find_license_book(conformance::sub_1) == rebuilt.second);
  CHECK(v.find_idempotency("assign") != nullptr);
  CHECK(v.find_subscription(conformance::sub_1)->licenses_in_use == 4);
  // The derived tables agree with the state: one row per license, the count on the subscription row.
  CHECK(test_support::scalar(repo.native_handle(), "SELECT count(*) FROM licenses WHERE tenant = 1 AND subscription = 1000") == 4);
  CHECK(test_support::scalar(repo.native_handle(), "SELECT licenses_in_use FROM subscriptions WHERE tenant = 1 AND id = 1000") == 4);
  CHECK(test_support::scalar(repo.native_handle(), "SELECT direct FROM licenses WHERE tenant = 1 AND subscription = 1000 AND user_id = 101") == 1);
  CHECK(test_support::scalar(repo.native_handle(), "SELECT count(*) FROM events WHERE tenant = 1") == static_cast<long long>(log.size()));
  CHECK(test_support::scalar(repo.native_handle(), "SELECT version FROM versions WHERE tenant = 1 AND aggregate_kind = 'subscriptions' "
                                     "AND aggregate_id = 1000") == v.find_subscription(conformance::sub_1)->version);
}

// D-CONC-1: two repository objects on one file (as two processes would have) see each other's
// commits on their next read, and a commit planned on a stale read is refused.
TEST_CASE("sqlite: two connections on one file see each other's commits and never overwrite them [D-CONC-1]") {
  test_support::temp_database file;
  auto first = conformance::ok(isv::sqlite_repository::open(file.path()));
  auto second = conformance::ok(isv::sqlite_repository::open(file.path()));
  conformance::seed(first);
  isv::basic_admin_center one{first};
  isv::basic_admin_center two{second};
  conformance::ok(one.purchase(conformance::tenant_a, conformance::admin, conformance::buy(conformance::sub_1, conformance::isv_app, 2), conformance::now));
  CHECK(conformance::ok(two.find_subscription(conformance::tenant_a, conformance::sub_1)).quantity == 2); // caught up from the file

  isv::commit stale;
  {
    auto v = conformance::ok(second.read(conformance::tenant_a));
    const auto* s = v.find_subscription(conformance::sub_1);
    auto planned = conformance::ok(isv::assign(*s, *v.find_license_book(conformance::sub_1), v.directory(), v.tenant().actor(conformance::admin),
                                  isv::assign_command{conformance::sub_1, {conformance::user(1)}, {}}, conformance::now));
    stale = isv::commit{conformance::tenant_a, {isv::expected_version(*s)}, planned.events, {}};
  }
  conformance::ok(one.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, {conformance::user(2)}, {}}, conformance::now));
  CHECK(conformance::code_of(second.commit(stale)) == isv::errc::conflict);
  conformance::ok(two.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, {conformance::user(3)}, {}}, conformance::now));
  CHECK(conformance::code_of(one.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, {conformance::user(4)}, {}}, conformance::now)) == isv::errc::seats_exhausted);
  const auto licenses = conformance::ok(one.licenses(conformance::tenant_a, conformance::sub_1));
  REQUIRE(licenses.size() == 2);
  CHECK(licenses[0].user == conformance::user(2));
  CHECK(licenses[1].user == conformance::user(3));
  CHECK(conformance::ok(first.events(conformance::tenant_a, 0)) == conformance::ok(second.events(conformance::tenant_a, 0)));
}

// A database written by a newer schema is refused, typed, and left as it is.
TEST_CASE("sqlite: opening a database of a newer schema version is refused") {
  test_support::temp_database file;
  { auto repo = conformance::ok(isv::sqlite_repository::open(file.path())); }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.path().c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  const auto refused = isv::sqlite_repository::open(file.path());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == isv::errc::invalid_argument);
  CHECK(refused.error().message.find("99") != std::string::npos);
}

// A file that is not a database is refused with a message naming it.
TEST_CASE("sqlite: a file that is not a database is refused") {
  test_support::temp_database file;
  {
    std::FILE* f = std::fopen(file.path().c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fputs("this is not a database, just text long enough to fill a header page of sqlite....", f);
    std::fclose(f);
  }
  const auto refused = isv::sqlite_repository::open(file.path());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find(file.path()) != std::string::npos);
}

// D-AUDIT-1, D-IDEM-1: every kind of event and stored value survives the stored form.
TEST_CASE("sqlite: a second connection reads back every kind of event and idempotency value [D-AUDIT-1][D-IDEM-1]") {
  test_support::temp_database file;
  auto first = conformance::ok(isv::sqlite_repository::open(file.path()));
  auto second = conformance::ok(isv::sqlite_repository::open(file.path()));
  conformance::a_second_repository_reads_back_everything(first, second);
}
