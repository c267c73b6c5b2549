// Test support for SQLite files: a temporary database file removed with its WAL and journal files, and one number read with SQL.
#pragma once

#include "support/catch.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace test_support {

/// A database path in the temporary directory, unique in this process, with no file there yet;
/// the file and its -wal, -shm and -journal companions are removed at the start and the end.
class temp_database {
public:
  explicit temp_database(std::string_view prefix = "isv-sqlite-test") {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             (std::string(prefix) + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".db"))
                .string();
    remove();
  }
  temp_database(const temp_database&) = delete;
  temp_database& operator=(const temp_database&) = delete;
  ~temp_database() { remove(); }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

private:
  void remove() const {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path_ + suffix, ignored);
  }
  std::string path_;
};

/// The first column of the first row `sql` yields; the test fails when there is none.
inline long long scalar(sqlite3* db, const std::string& sql) {
  INFO(sql);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  const long long out = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return out;
}

} // namespace test_support
