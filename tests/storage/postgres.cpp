// The conformance suite for the PostgreSQL repository (each test in its own schema of the test server named by ISV_TEST_POSTGRES), and what only PostgreSQL has.
#include "conformance.hpp"
#include "sql_reopen.hpp"

#include "isv/storage/postgres.hpp"

#include <libpq-fe.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

std::string server() {
  const char* conninfo = std::getenv("ISV_TEST_POSTGRES");
  if (conninfo == nullptr || *conninfo == '\0')
    FAIL("ISV_TEST_POSTGRES is not set: run these tests through ctest, which starts a server, or point it at one "
         "(e.g. ISV_TEST_POSTGRES=\"host=127.0.0.1 port=54329 user=postgres dbname=postgres\").");
  return conninfo;
}

/// Runs one statement on its own connection (for the tests' own setup and inspection).
std::string query(const std::string& sql) {
  PGconn* conn = PQconnectdb(server().c_str());
  REQUIRE(PQstatus(conn) == CONNECTION_OK);
  PGresult* r = PQexec(conn, sql.c_str());
  const auto status = PQresultStatus(r);
  const std::string message = PQresultErrorMessage(r);
  INFO(sql << ": " << message);
  CHECK((status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK));
  std::string out = status == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
  PQclear(r);
  PQfinish(conn);
  return out;
}

/// A schema of its own, dropped at the end, so tests running at once never see each other's rows.
class temp_schema {
public:
  temp_schema() {
    static std::atomic<int> counter{0};
    name_ = "isv_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    query("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
  }
  temp_schema(const temp_schema&) = delete;
  temp_schema& operator=(const temp_schema&) = delete;
  ~temp_schema() {
    PGconn* conn = PQconnectdb(server().c_str());
    if (PQstatus(conn) == CONNECTION_OK) PQclear(PQexec(conn, ("DROP SCHEMA IF EXISTS " + name_ + " CASCADE").c_str()));
    PQfinish(conn);
  }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] isv::postgres_options options() const { return {name_}; }

private:
  std::string name_;
};

struct postgres_backend {
  temp_schema schema;
  isv::postgres_repository repo = conformance::ok(isv::postgres_repository::open(server(), schema.options()));
  isv::postgres_repository& repository() { return repo; }
};

} // namespace

ISV_REPOSITORY_CONFORMANCE_SUITE(postgres_backend, "postgres")

// D-CONC-1: two application servers (two connections) on one database see each other's commits on
// their next read; a commit planned on a stale read is refused, and the derived rows follow.
TEST_CASE("postgres: two servers on one database see each other's commits and never overwrite them [D-CONC-1]") {
  temp_schema schema;
  auto first = conformance::ok(isv::postgres_repository::open(server(), schema.options()));
  auto second = conformance::ok(isv::postgres_repository::open(server(), schema.options()));
  conformance::seed(first);
  isv::basic_admin_center one{first};
  isv::basic_admin_center two{second};
  conformance::ok(one.purchase(conformance::tenant_a, conformance::admin,
                               conformance::buy(conformance::sub_1, conformance::isv_app, 2), conformance::now));
  CHECK(conformance::ok(two.find_subscription(conformance::tenant_a, conformance::sub_1)).quantity == 2);

  isv::commit stale;
  {
    auto v = conformance::ok(second.read(conformance::tenant_a));
    const auto* s = v.find_subscription(conformance::sub_1);
    auto planned = conformance::ok(isv::assign(*s, *v.find_license_book(conformance::sub_1), v.directory(),
                                               v.tenant().actor(conformance::admin),
                                               isv::assign_command{conformance::sub_1, {conformance::user(1)}, {}},
                                               conformance::now));
    stale = isv::commit{conformance::tenant_a, {isv::expected_version(*s)}, planned.events, {}};
  }
  conformance::ok(one.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, {conformance::user(2)}, {}},
                             conformance::now));
  CHECK(conformance::code_of(second.commit(stale)) == isv::errc::conflict);
  conformance::ok(two.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, {conformance::user(3)}, {}},
                             conformance::now, "assign-3"));
  CHECK(conformance::code_of(one.assign(conformance::tenant_a, conformance::admin,
                                        {conformance::sub_1, {conformance::user(4)}, {}}, conformance::now)) ==
        isv::errc::seats_exhausted);
  // The key saved through the second server is known to the first (D-IDEM-1).
  CHECK(conformance::ok(first.read(conformance::tenant_a)).find_idempotency("assign-3") != nullptr);
  CHECK(conformance::ok(first.events(conformance::tenant_a, 0)) == conformance::ok(second.events(conformance::tenant_a, 0)));

  const std::string in = schema.name() + ".";
  CHECK(query("SELECT count(*) FROM " + in + "licenses WHERE tenant = 1 AND subscription = 1000") == "2");
  CHECK(query("SELECT licenses_in_use FROM " + in + "subscriptions WHERE tenant = 1 AND id = 1000") == "2");
  CHECK(query("SELECT count(*) FROM " + in + "idempotency WHERE tenant = 1 AND idem_key = 'assign-3'") == "1");
  CHECK(query("SELECT count(*) FROM " + in + "events WHERE tenant = 1") ==
        std::to_string(conformance::ok(first.events(conformance::tenant_a, 0)).size()));
}

// D-ERR-2: a schema written by a newer version is not this library's schema: a storage fault, and left as it is.
TEST_CASE("postgres: opening a schema of a newer version is refused as a storage fault [D-ERR-2]") {
  temp_schema schema;
  { auto repo = conformance::ok(isv::postgres_repository::open(server(), schema.options())); }
  query("UPDATE " + schema.name() + ".schema_version SET version = 42");
  const auto refused = isv::postgres_repository::open(server(), schema.options());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == isv::errc::storage_fault);
  CHECK(refused.error().message.find("42") != std::string::npos);
  CHECK(query("SELECT version FROM " + schema.name() + ".schema_version") == "42");
}

// D-BUY-5: a schema of version 1 is migrated to version 2 on opening, by the code SQLite's uses.
TEST_CASE("postgres: a schema 1 database is migrated to country codes once, and opening it again changes nothing [D-BUY-5]") {
  temp_schema schema;
  conformance::a_schema_1_database_is_migrated_to_country_codes(
      [&] { return isv::postgres_repository::open(server(), schema.options()); },
      [&](const std::string& statement) { return query("SET search_path TO " + schema.name() + "; " + statement); },
      [](const std::string& bytes) { return "decode('" + conformance::hex_of(bytes) + "', 'hex')"; });
}

// D-ERR-2: an unreachable server is a storage fault naming what was tried, not a crash.
TEST_CASE("postgres: a server that cannot be reached is refused as a storage fault [D-ERR-2]") {
  const auto refused = isv::postgres_repository::open("host=127.0.0.1 port=1 connect_timeout=2 user=postgres dbname=postgres");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == isv::errc::storage_fault);
  CHECK(refused.error().message.find("port=1") != std::string::npos);
}

// D-AUDIT-1, D-IDEM-1: every kind of event and stored value survives the stored form.
TEST_CASE("postgres: a second connection reads back every kind of event and idempotency value [D-AUDIT-1][D-IDEM-1]") {
  temp_schema schema;
  auto first = conformance::ok(isv::postgres_repository::open(server(), schema.options()));
  auto second = conformance::ok(isv::postgres_repository::open(server(), schema.options()));
  conformance::a_second_repository_reads_back_everything(first, second);
}

// ---- Storage faults (D-ERR-2): typed as such, never as a conflict the service would retry ----------

namespace {

using conformance::mentions;

/// Tenant A with a subscription, a license and a group: a log of a dozen events.
void write_a_tenant(const temp_schema& schema) {
  auto repo = conformance::ok(isv::postgres_repository::open(server(), schema.options()));
  conformance::seed(repo);
  isv::basic_admin_center center{repo};
  conformance::ok(center.purchase(conformance::tenant_a, conformance::admin,
                                  conformance::buy(conformance::sub_1, conformance::isv_app, 5), conformance::now));
  conformance::ok(center.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, {conformance::user(1)}, {}},
                                conformance::now, "k"));
  conformance::ok(center.create_group(conformance::tenant_a, conformance::admin, {conformance::sales, "Sales"}, conformance::now));
}

} // namespace

// D-ERR-2: a database that refuses writes (here: the connection's transactions made read-only) is a
// storage fault with PostgreSQL's words; the service does not retry it, and nothing is saved.
TEST_CASE("postgres: a read-only database is a storage fault, not a conflict, and the service does not retry it [D-ERR-2]") {
  temp_schema schema;
  auto repo = conformance::ok(isv::postgres_repository::open(server(), schema.options()));
  conformance::seed(repo);
  isv::basic_admin_center direct{repo};
  conformance::ok(direct.purchase(conformance::tenant_a, conformance::admin,
                                  conformance::buy(conformance::sub_1, conformance::isv_app, 5), conformance::now));
  const auto log_before = conformance::log_size(repo, conformance::tenant_a);
  PQclear(PQexec(repo.native_handle(), "SET default_transaction_read_only = on"));

  conformance::racing_repository<isv::postgres_repository> counting(repo);
  isv::basic_admin_center center{counting};
  const auto refused = center.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, {conformance::user(1)}, {}},
                                     conformance::now);
  CHECK(conformance::code_of(refused) == isv::errc::storage_fault);
  CHECK(mentions(refused.error().message, "read-only"));
  CHECK(counting.commits_seen() == 1);

  PQclear(PQexec(repo.native_handle(), "SET default_transaction_read_only = off"));
  CHECK(conformance::log_size(repo, conformance::tenant_a) == log_before);
  conformance::ok(center.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, {conformance::user(1)}, {}},
                                conformance::now));
}

// D-ERR-2: an event row whose bytes were changed by another program is corrupt data, named by
// tenant and position; the service neither retries nor commits.
TEST_CASE("postgres: a tampered event is corrupt data naming the tenant and its position [D-ERR-2]") {
  temp_schema schema;
  write_a_tenant(schema);
  query("UPDATE " + schema.name() + ".events SET body = '\\xff00ff'::bytea WHERE tenant = 1 AND seq = 3");

  auto repo = conformance::ok(isv::postgres_repository::open(server(), schema.options()));
  conformance::check_read_corrupt_at(repo, 3);

  conformance::racing_repository<isv::postgres_repository> counting(repo);
  isv::basic_admin_center center{counting};
  const auto refused = center.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, {conformance::user(2)}, {}},
                                     conformance::now);
  CHECK(conformance::code_of(refused) == isv::errc::corrupt_data);
  CHECK(counting.commits_seen() == 0);
}

// D-ERR-2: a missing event (a gap in the positions) is corrupt data naming the first missing position.
TEST_CASE("postgres: a gap in the event log is corrupt data naming the tenant and the missing position [D-ERR-2]") {
  temp_schema schema;
  write_a_tenant(schema);
  query("DELETE FROM " + schema.name() + ".events WHERE tenant = 1 AND seq = 4");
  auto repo = conformance::ok(isv::postgres_repository::open(server(), schema.options()));
  conformance::check_read_corrupt_at(repo, 4);
}

// D-IDEM-1: through two servers on one database, a pruned record is gone for both.
TEST_CASE("postgres: a record pruned through one server is gone for another that had it cached [D-IDEM-1]") {
  temp_schema schema;
  auto first = conformance::ok(isv::postgres_repository::open(server(), schema.options()));
  auto second = conformance::ok(isv::postgres_repository::open(server(), schema.options()));
  conformance::a_pruned_record_is_gone_for_every_connection(first, second);
}

// D-ERR-2: a connection the server ended is unreachable storage: a storage fault with libpq's words,
// which the service neither retries nor turns into a conflict.
TEST_CASE("postgres: a lost connection is a storage fault, not a conflict, and the service does not retry it [D-ERR-2]") {
  temp_schema schema;
  auto repo = conformance::ok(isv::postgres_repository::open(server(), schema.options()));
  conformance::seed(repo);
  query("SELECT pg_terminate_backend(" + std::to_string(PQbackendPID(repo.native_handle())) + ")");

  conformance::racing_repository<isv::postgres_repository> counting(repo);
  isv::basic_admin_center center{counting};
  const auto refused = center.create_group(conformance::tenant_a, conformance::admin, {conformance::sales, "Sales"}, conformance::now);
  CHECK(conformance::code_of(refused) == isv::errc::storage_fault);
  CHECK(counting.commits_seen() == 0); // the read before it failed already
  CHECK(conformance::code_of(repo.create_tenant(conformance::make_tenant(isv::tenant_id{3}))) == isv::errc::storage_fault);
}

// ---- Round trips: a commit's writes travel together (libpq pipeline mode) ------------------------

namespace {

/// The round trips `action` makes on `repo`'s connection: the client's messages that make the
/// server answer (Sync ends an extended-protocol batch, Query is a simple query), from libpq's trace.
template <class Action>
int round_trips(isv::postgres_repository& repo, Action&& action) {
  const std::string path = "/tmp/isv_trace_" + std::to_string(::getpid()) + ".txt";
  std::FILE* trace = std::fopen(path.c_str(), "w");
  REQUIRE(trace != nullptr);
  PQtrace(repo.native_handle(), trace);
  PQsetTraceFlags(repo.native_handle(), PQTRACE_SUPPRESS_TIMESTAMPS);
  action();
  PQuntrace(repo.native_handle());
  std::fclose(trace);
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("F\t") && (line.find("\tSync") != std::string::npos || line.find("\tQuery\t") != std::string::npos)) ++n;
  std::remove(path.c_str());
  return n;
}

} // namespace

// D-CONC-1: the writes of a commit are sent together and checked before COMMIT, so a commit of 500
// licenses takes as many round trips as a commit of one: the read, then BEGIN with the locked
// head, the writes, and COMMIT.
TEST_CASE("postgres: a commit takes the same round trips for one license as for 500 [D-CONC-1]") {
  temp_schema schema;
  auto repo = conformance::ok(isv::postgres_repository::open(server(), schema.options()));
  conformance::seed(repo);
  isv::basic_admin_center center{repo};
  conformance::ok(center.add_users(conformance::tenant_a, conformance::admin, {conformance::users(11, 600)}, conformance::now));
  conformance::ok(center.purchase(conformance::tenant_a, conformance::admin,
                                  conformance::buy(conformance::sub_1, conformance::isv_app, 1000), conformance::now));
  const int one = round_trips(repo, [&] {
    conformance::ok(center.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, {conformance::user(1)}, {}},
                                  conformance::now));
  });
  const int many = round_trips(repo, [&] {
    conformance::ok(center.assign(conformance::tenant_a, conformance::admin,
                                  {conformance::sub_1, conformance::users(2, 501), {}}, conformance::now, "many"));
  });
  const auto preview = conformance::ok(center.preview_unassign(conformance::tenant_a, conformance::admin,
                                                                {conformance::sub_1, conformance::users(1, 300), {}},
                                                                conformance::now))
                           .value;
  const int released = round_trips(repo, [&] {
    conformance::ok(center.confirm_unassign(conformance::tenant_a, conformance::admin, preview, conformance::now));
  });
  CHECK(one == 4); // the service's read, then the commit's three
  CHECK(many == one);
  CHECK(released == one);
  const std::string in = schema.name() + ".";
  CHECK(query("SELECT count(*) FROM " + in + "licenses WHERE tenant = 1 AND subscription = 1000") == "201");
  CHECK(query("SELECT min(user_id) FROM " + in + "licenses WHERE tenant = 1 AND subscription = 1000") == "401");
  CHECK(query("SELECT licenses_in_use FROM " + in + "subscriptions WHERE tenant = 1 AND id = 1000") == "201");
  CHECK(query("SELECT count(*) FROM " + in + "idempotency WHERE tenant = 1 AND idem_key = 'many'") == "1");
}

// D-CONC-1: a version row another program changed under the cache is caught by the conditional
// update in the pipeline: the commit is a conflict, and none of its rows is saved.
TEST_CASE("postgres: a version check that fails in the pipeline refuses the commit and saves none of it [D-CONC-1]") {
  temp_schema schema;
  auto repo = conformance::ok(isv::postgres_repository::open(server(), schema.options()));
  conformance::seed(repo);
  isv::basic_admin_center center{repo};
  conformance::ok(center.purchase(conformance::tenant_a, conformance::admin,
                                  conformance::buy(conformance::sub_1, conformance::isv_app, 5), conformance::now));
  const std::string in = schema.name() + ".";
  const std::string events_before = query("SELECT count(*) FROM " + in + "events WHERE tenant = 1");
  const std::string revision_before = query("SELECT revision FROM " + in + "tenants WHERE id = 1");
  isv::commit planned;
  {
    auto v = conformance::ok(repo.read(conformance::tenant_a));
    const auto* s = v.find_subscription(conformance::sub_1);
    auto assigned = conformance::ok(isv::assign(*s, *v.find_license_book(conformance::sub_1), v.directory(),
                                                v.tenant().actor(conformance::admin),
                                                isv::assign_command{conformance::sub_1, conformance::users(1, 3), {}},
                                                conformance::now));
    planned = isv::commit{conformance::tenant_a, {isv::expected_version(*s)}, assigned.events, {}};
  }
  // Another program moves the subscription's version without moving the tenant's head.
  query("UPDATE " + in + "versions SET version = version + 7 WHERE tenant = 1 AND aggregate_kind = 'subscriptions'");
  const auto refused = repo.commit(planned);
  CHECK(conformance::code_of(refused) == isv::errc::conflict);
  CHECK(query("SELECT count(*) FROM " + in + "events WHERE tenant = 1") == events_before);
  CHECK(query("SELECT revision FROM " + in + "tenants WHERE id = 1") == revision_before);
  CHECK(query("SELECT count(*) FROM " + in + "licenses WHERE tenant = 1") == "0");
  // The connection is usable again, and the cache was rebuilt from the database.
  CHECK(conformance::ok(repo.read(conformance::tenant_a)).find_license_book(conformance::sub_1)->size() == 0);
}

// D-ASSIGN-2, D-ASSIGN-5: the derived license rows follow the paths: a license gaining a group path
// is updated in place, a new one inserted, one whose last path goes deleted, in the commit's
// multi-row statements.
TEST_CASE("postgres: the license rows follow direct and group paths through the multi-row writes [D-ASSIGN-2][D-ASSIGN-5]") {
  temp_schema schema;
  auto repo = conformance::ok(isv::postgres_repository::open(server(), schema.options()));
  conformance::seed(repo);
  isv::basic_admin_center center{repo};
  using conformance::user;
  conformance::ok(center.purchase(conformance::tenant_a, conformance::admin,
                                  conformance::buy(conformance::sub_1, conformance::isv_app, 10), conformance::now));
  conformance::ok(center.create_group(conformance::tenant_a, conformance::admin, {conformance::sales, "Sales"}, conformance::now));
  conformance::ok(center.add_members(conformance::tenant_a, conformance::admin, {conformance::sales, conformance::users(1, 4)},
                                     conformance::now));
  conformance::ok(center.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, {user(1)}, {}}, conformance::now));
  conformance::ok(center.assign(conformance::tenant_a, conformance::admin, {conformance::sub_1, {}, {conformance::sales}},
                                conformance::now));
  conformance::ok(center.remove_members(conformance::tenant_a, conformance::admin, {conformance::sales, {user(2)}},
                                        conformance::now));
  const std::string rows = "SELECT string_agg(user_id || ':' || direct || ':' || group_ids, ' ' ORDER BY user_id) FROM " +
                           schema.name() + ".licenses WHERE tenant = 1 AND subscription = 1000";
  CHECK(query(rows) == "101:1:7 103:0:7 104:0:7");
}

// ---- The marketplace's links ------------------------------------------------------------------

TEST_CASE("postgres: a marketplace link survives closing and reopening the database, and other servers see it at once") {
  temp_schema schema;
  conformance::a_marketplace_link_survives_reopening([&] { return isv::postgres_repository::open(server(), schema.options()); });
}

TEST_CASE("postgres: of servers linking at once, the database lets exactly one win each GUID and each subscription") {
  temp_schema schema;
  conformance::one_of_several_connections_linking_at_once_wins(
      [&] { return isv::postgres_repository::open(server(), schema.options()); });
}

// D-ERR-2: a database that refuses writes refuses a link as a storage fault; a damaged stored GUID is corrupt data.
TEST_CASE("postgres: a marketplace link on a read-only database is a storage fault, a damaged GUID corrupt data [D-ERR-2]") {
  temp_schema schema;
  conformance::marketplace_link_faults_are_storage_faults(
      [&] { return isv::postgres_repository::open(server(), schema.options()); },
      [](isv::postgres_repository& repo, bool on) {
        PQclear(PQexec(repo.native_handle(), on ? "SET default_transaction_read_only = on" : "SET default_transaction_read_only = off"));
      },
      [&](const std::string& statement) { query("SET search_path TO " + schema.name() + "; " + statement); });
}
