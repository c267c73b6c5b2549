// Races between processes on one PostgreSQL database: each worker opens its own repository, as application servers do (D-CONC-1).
#include "sql_processes.hpp"

#include "isv/storage/postgres.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <string>
#include <unistd.h>

namespace {

std::string server() {
  const char* conninfo = std::getenv("ISV_TEST_POSTGRES");
  if (conninfo == nullptr || *conninfo == '\0')
    FAIL("ISV_TEST_POSTGRES is not set: run these tests through ctest, which starts a server, or point it at one.");
  return conninfo;
}

/// A schema of this test's own, dropped at the end.
struct temp_schema {
  std::string name;
  explicit temp_schema(const std::string& what) : name("isv_race_" + what + "_" + std::to_string(::getpid())) { drop(); }
  temp_schema(const temp_schema&) = delete;
  temp_schema& operator=(const temp_schema&) = delete;
  ~temp_schema() { drop(); }
  void drop() const {
    PGconn* conn = PQconnectdb(server().c_str());
    if (PQstatus(conn) == CONNECTION_OK) PQclear(PQexec(conn, ("DROP SCHEMA IF EXISTS " + name + " CASCADE").c_str()));
    PQfinish(conn);
  }
};

} // namespace

TEST_CASE("postgres: 8 writer processes on 3 seats fill exactly 3, each refusal typed [D-CONC-1][D-ASSIGN-3]") {
  temp_schema schema("assign");
  auto repo = conformance::ok(isv::postgres_repository::open(server(), {schema.name}));
  race_sql::writers_never_over_assign(repo, {ISV_RACE_WORKER, "postgres", server(), schema.name});
}

TEST_CASE("postgres: two admin processes confirming one preview: one succeeds, one is stale [D-UNASSIGN-1][D-CONC-1]") {
  temp_schema schema("confirm");
  auto repo = conformance::ok(isv::postgres_repository::open(server(), {schema.name}));
  race_sql::one_of_two_confirmations_is_stale(repo, {ISV_RACE_WORKER, "postgres", server(), schema.name});
}
