// Races between processes on one SQLite file: each worker opens its own repository on it (D-CONC-1).
#include "sql_processes.hpp"

#include "isv/storage/sqlite.hpp"

#include <filesystem>
#include <string>
#include <unistd.h>

namespace {

struct temp_file {
  std::string path = (std::filesystem::temp_directory_path() / ("isv-race-" + std::to_string(::getpid()) + ".db")).string();
  temp_file() { remove(); }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  ~temp_file() { remove(); }
  void remove() const {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix, ignored);
  }
};

} // namespace

TEST_CASE("sqlite: 8 writer processes on 3 seats fill exactly 3, each refusal typed [D-CONC-1][D-ASSIGN-3]") {
  temp_file file;
  auto repo = conformance::ok(isv::sqlite_repository::open(file.path));
  race_sql::writers_never_over_assign(repo, {ISV_RACE_WORKER, "sqlite", file.path});
}

TEST_CASE("sqlite: two admin processes confirming one preview: one succeeds, one is stale [D-UNASSIGN-1][D-CONC-1]") {
  temp_file file;
  auto repo = conformance::ok(isv::sqlite_repository::open(file.path));
  race_sql::one_of_two_confirmations_is_stale(repo, {ISV_RACE_WORKER, "sqlite", file.path});
}
