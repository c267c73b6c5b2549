// Races between processes on one SQLite file: each worker opens its own repository on it (D-CONC-1).
#include "sql_processes.hpp"
#include "support/sqlite_files.hpp"

#include "isv/storage/sqlite.hpp"

#include <string>

namespace {


} // namespace

TEST_CASE("sqlite: 8 writer processes on 3 seats fill exactly 3, each refusal typed [D-CONC-1][D-ASSIGN-3]") {
  test_support::temp_database file{"isv-race"};
  auto repo = conformance::ok(isv::sqlite_repository::open(file.path()));
  race_sql::writers_never_over_assign(repo, {ISV_RACE_WORKER, "sqlite", file.path()});
}

TEST_CASE("sqlite: two admin processes confirming one preview: one succeeds, one is stale [D-UNASSIGN-1][D-CONC-1]") {
  test_support::temp_database file{"isv-race"};
  auto repo = conformance::ok(isv::sqlite_repository::open(file.path()));
  race_sql::one_of_two_confirmations_is_stale(repo, {ISV_RACE_WORKER, "sqlite", file.path()});
}
