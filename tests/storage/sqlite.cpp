// The conformance suite for the SQLite repository (each test on its own temporary file), and what only SQLite has: the schema version, reopening, several connections on one file.
#include "conformance.hpp"
#include "sql_reopen.hpp"
#include "support/heap.hpp"
#include "support/sqlite_files.hpp"

#include "isv/storage/sqlite.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>
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

// D-ERR-2: a database written by a newer schema is not this library's schema: a storage fault, and left as it is.
TEST_CASE("sqlite: opening a database of a newer schema version is refused as a storage fault [D-ERR-2]") {
  test_support::temp_database file;
  { auto repo = conformance::ok(isv::sqlite_repository::open(file.path())); }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.path().c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  const auto refused = isv::sqlite_repository::open(file.path());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == isv::errc::storage_fault);
  CHECK(refused.error().message.find("99") != std::string::npos);
}

// D-BUY-5: a file of schema 1 is migrated to schema 2 on opening: tenants' region names become codes.
TEST_CASE("sqlite: a schema 1 database is migrated to country codes once, and opening it again changes nothing [D-BUY-5]") {
  test_support::temp_database file;
  const auto sql = [&](const std::string& statement) {
    INFO(statement);
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.path().c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, statement.c_str(), -1, &s, nullptr) == SQLITE_OK);
    const int rc = sqlite3_step(s);
    CHECK((rc == SQLITE_ROW || rc == SQLITE_DONE));
    std::string out = rc == SQLITE_ROW ? reinterpret_cast<const char*>(sqlite3_column_text(s, 0)) : "";
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
  };
  conformance::a_schema_1_database_is_migrated_to_country_codes(
      [&] { return isv::sqlite_repository::open(file.path()); }, sql,
      [](const std::string& bytes) { return "x'" + conformance::hex_of(bytes) + "'"; });
}

// D-ERR-2: a file that is not a database is a storage fault with a message naming it.
TEST_CASE("sqlite: a file that is not a database is refused as a storage fault [D-ERR-2]") {
  test_support::temp_database file;
  {
    std::FILE* f = std::fopen(file.path().c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fputs("this is not a database, just text long enough to fill a header page of sqlite....", f);
    std::fclose(f);
  }
  const auto refused = isv::sqlite_repository::open(file.path());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == isv::errc::storage_fault);
  CHECK(refused.error().message.find(file.path()) != std::string::npos);
}

// D-AUDIT-1, D-IDEM-1: every kind of event and stored value survives the stored form.
TEST_CASE("sqlite: a second connection reads back every kind of event and idempotency value [D-AUDIT-1][D-IDEM-1]") {
  test_support::temp_database file;
  auto first = conformance::ok(isv::sqlite_repository::open(file.path()));
  auto second = conformance::ok(isv::sqlite_repository::open(file.path()));
  conformance::a_second_repository_reads_back_everything(first, second);
}

// ---- Storage faults (D-ERR-2): typed as such, never as a conflict the service would retry ----------

namespace {

/// Runs one statement on the file with a connection of its own, outside any repository.
void exec_on_file(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  INFO(sql << ": " << (message ? message : ""));
  sqlite3_free(message);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

/// A file holding tenant A with a subscription, some licenses and a group: a log of a dozen events.
void write_a_tenant(const std::string& path) {
  auto repo = conformance::ok(isv::sqlite_repository::open(path));
  conformance::seed(repo);
  isv::basic_admin_center center{repo};
  conformance::ok(center.purchase(conformance::tenant_a, conformance::admin, conformance::buy(conformance::sub_1, conformance::isv_app, 5), conformance::now));
  conformance::ok(center.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, {conformance::user(1)}, {}}, conformance::now, "k"));
  conformance::ok(center.create_group(conformance::tenant_a, conformance::admin, {conformance::sales, "Sales"}, conformance::now));
}

using conformance::mentions;

} // namespace

// D-ERR-2: a database that refuses writes (here: a connection made read-only) is a storage fault
// with SQLite's words; the service does not retry it, and nothing is saved.
TEST_CASE("sqlite: a read-only database is a storage fault, not a conflict, and the service does not retry it [D-ERR-2]") {
  test_support::temp_database file;
  auto repo = conformance::ok(isv::sqlite_repository::open(file.path()));
  conformance::seed(repo);
  isv::basic_admin_center direct{repo};
  conformance::ok(direct.purchase(conformance::tenant_a, conformance::admin, conformance::buy(conformance::sub_1, conformance::isv_app, 5), conformance::now));
  const auto log_before = conformance::log_size(repo, conformance::tenant_a);
  REQUIRE(sqlite3_exec(repo.native_handle(), "PRAGMA query_only = ON", nullptr, nullptr, nullptr) == SQLITE_OK);

  conformance::racing_repository<isv::sqlite_repository> counting(repo);
  isv::basic_admin_center center{counting};
  const auto refused = center.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, {conformance::user(1)}, {}}, conformance::now);
  CHECK(conformance::code_of(refused) == isv::errc::storage_fault);
  CHECK(mentions(refused.error().message, "readonly"));
  CHECK(mentions(refused.error().message, file.path()));
  CHECK(counting.commits_seen() == 1);
  CHECK(conformance::code_of(repo.create_tenant(conformance::make_tenant(isv::tenant_id{3}))) == isv::errc::storage_fault);

  REQUIRE(sqlite3_exec(repo.native_handle(), "PRAGMA query_only = OFF", nullptr, nullptr, nullptr) == SQLITE_OK);
  CHECK(conformance::log_size(repo, conformance::tenant_a) == log_before);
  conformance::ok(center.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, {conformance::user(1)}, {}}, conformance::now));

  // A second repository opened read-only (a URI with mode=ro) reads, and its writes are storage faults.
  auto read_only = conformance::ok(isv::sqlite_repository::open("file:" + file.path() + "?mode=ro"));
  CHECK(conformance::ok(read_only.read(conformance::tenant_a)).find_license_book(conformance::sub_1)->holds(conformance::user(1)));
  conformance::racing_repository<isv::sqlite_repository> counting_read_only(read_only);
  isv::basic_admin_center reader{counting_read_only};
  const auto not_saved = reader.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, {conformance::user(2)}, {}}, conformance::now);
  CHECK(conformance::code_of(not_saved) == isv::errc::storage_fault);
  CHECK(mentions(not_saved.error().message, "readonly"));
  CHECK(counting_read_only.commits_seen() == 1);
  CHECK_FALSE(conformance::ok(repo.read(conformance::tenant_a)).find_license_book(conformance::sub_1)->holds(conformance::user(2)));
}

// D-ERR-2: a full disk (here: the file held at its current size) is a storage fault with SQLite's
// words, not retried; once there is room again the same request succeeds, and nothing was half saved.
TEST_CASE("sqlite: a full disk is a storage fault, not a conflict, and the service does not retry it [D-ERR-2]") {
  test_support::temp_database file;
  auto repo = conformance::ok(isv::sqlite_repository::open(file.path()));
  conformance::seed(repo);
  const auto log_before = conformance::log_size(repo, conformance::tenant_a);
  const auto pages = test_support::scalar(repo.native_handle(), "PRAGMA page_count");
  REQUIRE(sqlite3_exec(repo.native_handle(), ("PRAGMA max_page_count = " + std::to_string(pages)).c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);

  conformance::racing_repository<isv::sqlite_repository> counting(repo);
  isv::basic_admin_center center{counting};
  const isv::add_users_command many{conformance::users(1000, 4000)}; // an event larger than a page: it needs new pages
  const auto refused = center.add_users(conformance::tenant_a, conformance::admin, many, conformance::now);
  CHECK(conformance::code_of(refused) == isv::errc::storage_fault);
  CHECK(mentions(refused.error().message, "full"));
  CHECK(counting.commits_seen() == 1);
  CHECK(conformance::log_size(repo, conformance::tenant_a) == log_before);
  CHECK_FALSE(conformance::ok(repo.read(conformance::tenant_a)).directory().has_user(conformance::user(1000)));

  REQUIRE(sqlite3_exec(repo.native_handle(), "PRAGMA max_page_count = 1073741823", nullptr, nullptr, nullptr) == SQLITE_OK);
  conformance::ok(center.add_users(conformance::tenant_a, conformance::admin, many, conformance::now));
  CHECK(conformance::log_size(repo, conformance::tenant_a) == log_before + 1);
  CHECK(conformance::ok(repo.read(conformance::tenant_a)).directory().has_user(conformance::user(4000)));
}

// D-ERR-2: an event row whose bytes were changed by another program is corrupt data, named by
// tenant and position, for a read and for the service (which does not retry or commit it).
TEST_CASE("sqlite: a tampered event is corrupt data naming the tenant and its position [D-ERR-2]") {
  test_support::temp_database file;
  write_a_tenant(file.path());
  exec_on_file(file.path(), "UPDATE events SET body = x'ff00ff' WHERE tenant = 1 AND seq = 3");

  auto repo = conformance::ok(isv::sqlite_repository::open(file.path()));
  conformance::check_read_corrupt_at(repo, 3);
  CHECK(conformance::code_of(repo.events(conformance::tenant_a, 0)) == isv::errc::corrupt_data);

  conformance::racing_repository<isv::sqlite_repository> counting(repo);
  isv::basic_admin_center center{counting};
  const auto refused = center.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, {conformance::user(2)}, {}}, conformance::now);
  CHECK(conformance::code_of(refused) == isv::errc::corrupt_data);
  CHECK(counting.commits_seen() == 0);
  // Another tenant's log is intact: it still reads.
  CHECK(conformance::ok(repo.read(conformance::tenant_b)).tenant().id == conformance::tenant_b);
}

// D-ERR-2: a missing event (a gap in the positions) is corrupt data naming the first missing position.
TEST_CASE("sqlite: a gap in the event log is corrupt data naming the tenant and the missing position [D-ERR-2]") {
  test_support::temp_database file;
  write_a_tenant(file.path());
  exec_on_file(file.path(), "DELETE FROM events WHERE tenant = 1 AND seq = 4");

  auto repo = conformance::ok(isv::sqlite_repository::open(file.path()));
  conformance::check_read_corrupt_at(repo, 4);
  isv::basic_admin_center center{repo};
  CHECK(conformance::code_of(center.create_group(conformance::tenant_a, conformance::admin, {conformance::support, "Support"}, conformance::now)) ==
        isv::errc::corrupt_data);
}

// A commit that fails at the database after the tenant's cache took its events leaves the cache to
// be read again; whatever the failed commit held is freed, so failures repeated do not grow the process.
TEST_CASE("sqlite: commits that fail at the database, again and again, leave no copy of the tenant behind [D-ERR-2]") {
  test_support::temp_database file;
  auto repo = conformance::ok(isv::sqlite_repository::open(file.path()));
  conformance::seed(repo);
  isv::basic_admin_center center{repo};
  // A tenant worth copying: 6,000 users, each holding a license.
  conformance::ok(center.add_users(conformance::tenant_a, conformance::admin, {conformance::users(11, 6000)}, conformance::now));
  conformance::ok(center.purchase(conformance::tenant_a, conformance::admin, conformance::buy(conformance::sub_1, conformance::isv_app, 6000), conformance::now));
  conformance::ok(center.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, conformance::users(1, 6000), {}}, conformance::now));

  // The size of one copy of the tenant: what a second repository holds once it has read it.
  isv::release_cached_blocks();
  const std::size_t before_copy = test_support::heap_in_use();
  std::size_t one_copy = 0;
  {
    auto second = conformance::ok(isv::sqlite_repository::open(file.path()));
    CHECK(conformance::ok(second.read(conformance::tenant_a)).find_subscription(conformance::sub_1)->licenses_in_use == 6000);
    isv::release_cached_blocks();
    one_copy = test_support::heap_in_use() - before_copy;
  }

  // Every commit now fails at the database, after the cache applied its events.
  const auto pages = test_support::scalar(repo.native_handle(), "PRAGMA page_count");
  REQUIRE(sqlite3_exec(repo.native_handle(), ("PRAGMA max_page_count = " + std::to_string(pages)).c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  const isv::add_users_command more{conformance::users(7001, 9000)};
  const auto fail_once = [&] {
    CHECK(conformance::code_of(center.add_users(conformance::tenant_a, conformance::admin, more, conformance::now)) == isv::errc::storage_fault);
  };
  fail_once();
  fail_once();
  isv::release_cached_blocks();
  const std::size_t base = test_support::heap_in_use();
  for (int i = 0; i < 20; ++i) fail_once();
  CHECK_FALSE(conformance::ok(repo.read(conformance::tenant_a)).directory().has_user(conformance::user(7001)));
  isv::release_cached_blocks();
  const std::size_t after = test_support::heap_in_use();
  INFO("one copy of the tenant: " << one_copy << " bytes; heap before 20 failures: " << base << ", after: " << after);
  CHECK(one_copy > 0);
  CHECK(after < base + one_copy / 2);
}

namespace {

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace

// D-ERR-2: another application's database (tables, and no isv-licensing schema) is refused as a
// storage fault and left byte for byte as it was; an empty file is a new database and gets the schema.
TEST_CASE("sqlite: another application's database is refused untouched, an empty file gets the schema [D-ERR-2]") {
  test_support::temp_database file;
  exec_on_file(file.path(), "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
                            "INSERT INTO customers (name) VALUES ('Ada'), ('Bo')");
  const std::string before = file_bytes(file.path());
  REQUIRE_FALSE(before.empty());

  const auto refused = isv::sqlite_repository::open(file.path());
  CHECK(conformance::code_of(refused) == isv::errc::storage_fault);
  CHECK(mentions(refused.error().message, "not an isv-licensing database"));
  CHECK(mentions(refused.error().message, file.path()));
  CHECK(mentions(refused.error().message, "customers"));
  CHECK(file_bytes(file.path()) == before);
  CHECK_FALSE(std::filesystem::exists(file.path() + "-wal"));
  CHECK_FALSE(std::filesystem::exists(file.path() + "-journal"));

  test_support::temp_database empty;
  { std::ofstream touch(empty.path(), std::ios::binary); }
  REQUIRE(std::filesystem::file_size(empty.path()) == 0);
  auto repo = conformance::ok(isv::sqlite_repository::open(empty.path()));
  CHECK(test_support::scalar(repo.native_handle(), "SELECT version FROM schema_version") == isv::detail::sql::schema_version);
  conformance::seed(repo);
}

// D-IDEM-1: through two connections on one file, a pruned record is gone for both.
TEST_CASE("sqlite: a record pruned through one connection is gone for another that had it cached [D-IDEM-1]") {
  test_support::temp_database file;
  auto first = conformance::ok(isv::sqlite_repository::open(file.path()));
  auto second = conformance::ok(isv::sqlite_repository::open(file.path()));
  conformance::a_pruned_record_is_gone_for_every_connection(first, second);
}

// D-IDEM-1: a database of release 0.1.0 (its records carry no time) gets each record's time from
// the event log when it is opened, and its records are pruned 24 hours after their request.
TEST_CASE("sqlite: the idempotency records of a 0.1.0 database are timed from its log and pruned after 24 hours [D-IDEM-1]") {
  using namespace std::chrono_literals;
  test_support::temp_database copy;
  std::filesystem::copy_file(ISV_GOLDEN_SQLITE, copy.path());
  auto repo = conformance::ok(isv::sqlite_repository::open(copy.path()));
  CHECK(test_support::scalar(repo.native_handle(), "SELECT version FROM schema_version") == 2); // migrated on opening (D-BUY-5)
  const auto assigned_at = conformance::now + 20min; // the file's keyed assignment
  CHECK(test_support::scalar(repo.native_handle(), "SELECT recorded_at FROM idempotency WHERE idem_key = 'golden-assign-crm'") ==
        assigned_at.time_since_epoch().count());
  isv::basic_admin_center center{repo};
  CHECK(conformance::ok(center.prune_idempotency(assigned_at + 24h)) == 0);
  CHECK(conformance::ok(repo.read(conformance::tenant_a)).find_idempotency("golden-assign-crm") != nullptr);
  CHECK(conformance::ok(center.prune_idempotency(assigned_at + 24h + 1s)) == 1);
  CHECK(conformance::ok(repo.read(conformance::tenant_a)).find_idempotency("golden-assign-crm") == nullptr);
  CHECK(test_support::scalar(repo.native_handle(), "SELECT count(*) FROM idempotency") == 0);
}

// ---- The marketplace's links ------------------------------------------------------------------

TEST_CASE("sqlite: a marketplace link survives closing and reopening the file, and other connections see it at once") {
  test_support::temp_database file;
  conformance::a_marketplace_link_survives_reopening([&] { return isv::sqlite_repository::open(file.path()); });
}

TEST_CASE("sqlite: of connections linking at once, the database lets exactly one win each GUID and each subscription") {
  test_support::temp_database file;
  conformance::one_of_several_connections_linking_at_once_wins([&] { return isv::sqlite_repository::open(file.path()); });
}

// D-ERR-2: a read-only file refuses a link as a storage fault; a damaged stored GUID is corrupt data.
TEST_CASE("sqlite: a marketplace link on a read-only file is a storage fault, a damaged GUID corrupt data [D-ERR-2]") {
  test_support::temp_database file;
  conformance::marketplace_link_faults_are_storage_faults(
      [&] { return isv::sqlite_repository::open(file.path()); },
      [](isv::sqlite_repository& repo, bool on) {
        const std::string pragma = on ? "PRAGMA query_only = ON" : "PRAGMA query_only = OFF";
        REQUIRE(sqlite3_exec(repo.native_handle(), pragma.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
      },
      [&](const std::string& statement) { exec_on_file(file.path(), statement); });
}

// A database written by release 0.1.0 has no links table: opening adds it (additively, the schema
// version stays 2), links work in it, and they are there when the file is opened again.
TEST_CASE("sqlite: the 0.1.0 database gains the marketplace links table on opening, and links saved in it stay") {
  test_support::temp_database copy;
  std::filesystem::copy_file(ISV_GOLDEN_SQLITE, copy.path());
  const std::string has_table = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'marketplace_links'";
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(copy.path().c_str(), &db) == SQLITE_OK);
    CHECK(test_support::scalar(db, has_table) == 0);
    REQUIRE(sqlite3_close(db) == SQLITE_OK);
  }
  {
    auto repo = conformance::ok(isv::sqlite_repository::open(copy.path()));
    CHECK(test_support::scalar(repo.native_handle(), has_table) == 1);
    CHECK(test_support::scalar(repo.native_handle(), "SELECT version FROM schema_version") == 2);
    CHECK(conformance::ok(repo.marketplace_links(conformance::tenant_a)).empty());
    conformance::ok(repo.link_marketplace(conformance::linked(conformance::guid(1), conformance::tenant_a, conformance::sub_1)));
    CHECK(conformance::code_of(repo.link_marketplace(conformance::linked(conformance::guid(1), conformance::no_such_tenant,
                                                                         conformance::sub_1))) == isv::errc::not_found);
  }
  auto again = conformance::ok(isv::sqlite_repository::open(copy.path()));
  CHECK(conformance::ok(again.marketplace_links(conformance::tenant_a)) ==
        std::vector<isv::marketplace_link>{conformance::linked(conformance::guid(1), conformance::tenant_a, conformance::sub_1)});
  CHECK(test_support::scalar(again.native_handle(), "SELECT marketplace_id = lower(marketplace_id) FROM marketplace_links") == 1);
}
