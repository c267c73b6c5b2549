// basic_sqlite_repository: the repository in a SQLite file (WAL mode, one transaction per commit, shareable by several processes); needs libsqlite3.
#pragma once

#include "isv/error.hpp"
#include "isv/storage/detail/sql_store.hpp"

#include <sqlite3.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace isv {

struct sqlite_options {
  /// How long a writer waits for another process's transaction before giving up with a conflict.
  std::chrono::milliseconds busy_timeout{10'000};
  /// FULL: a commit survives power loss. NORMAL (false): it survives a crash of the process, and
  /// the last commits may be lost on power loss; faster on slow disks.
  bool durable = true;
};

namespace detail::sql {
class sqlite_db; // the dialect, below
}

/// The repository in a SQLite file, which several processes (and several repository objects) may
/// open at once (what every SQL repository promises: detail::sql::handle). A commit is a BEGIN
/// IMMEDIATE transaction. `open(path, options)` opens the file, creating it if needed; a `file:` URI
/// such as `file:/path?mode=ro` opens it read-only (reads work, writes are storage faults). An empty
/// file gets the schema; another application's file (tables, no isv-licensing schema) is refused and
/// left untouched. A conflict is another writer holding the file's lock past the busy timeout.
template <detail::sql::sql_storable_traits Traits = default_traits>
using basic_sqlite_repository = detail::sql::handle<Traits, detail::sql::sqlite_db>;

using sqlite_repository = basic_sqlite_repository<default_traits>;

namespace detail::sql {

/// The SQLite dialect of the SQL store: one connection, statements prepared once and reused.
class sqlite_db {
public:
  static constexpr bool row_locks = false;
  static constexpr std::string_view lock_apps{};
  static constexpr std::string_view blob_type = "BLOB";
  static constexpr std::string_view has_recorded_at =
      "SELECT count(*) FROM pragma_table_info('idempotency') WHERE name = 'recorded_at'";
  static constexpr std::string_view has_marketplace_links =
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'marketplace_links'";

  class row {
  public:
    explicit row(sqlite3_stmt* s) noexcept : s_(s) {}
    [[nodiscard]] std::int64_t integer(int column) const noexcept { return sqlite3_column_int64(s_, column); }
    [[nodiscard]] bool is_null(int column) const noexcept { return sqlite3_column_type(s_, column) == SQLITE_NULL; }
    [[nodiscard]] std::string_view bytes(int column) const noexcept {
      const void* data = sqlite3_column_blob(s_, column);
      const int n = sqlite3_column_bytes(s_, column);
      return data == nullptr ? std::string_view{} : std::string_view(static_cast<const char*>(data), static_cast<std::size_t>(n));
    }

  private:
    sqlite3_stmt* s_;
  };

  sqlite_db() = default;
  sqlite_db(sqlite_db&& other) noexcept
      : db_(std::exchange(other.db_, nullptr)), prepared_(std::exchange(other.prepared_, {})), path_(std::move(other.path_)) {}
  sqlite_db& operator=(sqlite_db&& other) noexcept {
    if (this != &other) {
      close();
      db_ = std::exchange(other.db_, nullptr);
      prepared_ = std::exchange(other.prepared_, {});
      path_ = std::move(other.path_);
    }
    return *this;
  }
  sqlite_db(const sqlite_db&) = delete;
  sqlite_db& operator=(const sqlite_db&) = delete;
  ~sqlite_db() { close(); }

  using options_type = sqlite_options;

  [[nodiscard]] static result<sqlite_db> open(const std::string& path, const sqlite_options& options) {
    sqlite_db out;
    out.path_ = path;
    const int rc = sqlite3_open_v2(path.c_str(), &out.db_,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK)
      return fail(errc::storage_fault, "Cannot open the SQLite database \"" + path + "\": " +
                                           (out.db_ ? sqlite3_errmsg(out.db_) : sqlite3_errstr(rc)) + ".");
    sqlite3_extended_result_codes(out.db_, 1);
    sqlite3_busy_timeout(out.db_, static_cast<int>(options.busy_timeout.count()));
    // Before anything is written (journal_mode = WAL already rewrites the file's header).
    BOOST_OUTCOME_TRY(out.refuse_another_applications());
    // WAL: readers never block the writer and a commit is one append; every process sharing the
    // file sees the mode, which is stored in the file.
    BOOST_OUTCOME_TRY(out.exec("PRAGMA journal_mode = WAL"));
    BOOST_OUTCOME_TRY(out.exec(options.durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"));
    BOOST_OUTCOME_TRY(out.exec("PRAGMA foreign_keys = ON"));
    BOOST_OUTCOME_TRY(prepare_schema(out, "The SQLite database \"" + path + "\""));
    for (std::size_t i = 0; i < statement_count; ++i) {
      if (static_cast<stmt>(i) == stmt::lock_tenant) continue;
      const auto sql = statements[i];
      if (sqlite3_prepare_v3(out.db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &out.prepared_[i],
                             nullptr) != SQLITE_OK)
        return out.failure("prepare a statement");
    }
    return out;
  }

  [[nodiscard]] result<void> exec(std::string_view sql) {
    const std::string text(sql);
    char* message = nullptr;
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      sqlite3_free(message);
      return failure("run \"" + text + "\"");
    }
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

  [[nodiscard]] result<std::optional<std::int64_t>> scalar(std::string_view sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &s, nullptr) != SQLITE_OK) return failure("read the schema");
    std::optional<std::int64_t> out;
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) out = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return failure("read the schema");
    return out;
  }

  /// A database that holds tables (or other objects) and no schema_version table belongs to another
  /// application: refused, and left as it is. An empty database (a new or empty file) is ours to set up.
  [[nodiscard]] result<void> refuse_another_applications() {
    BOOST_OUTCOME_TRY(const auto ours,
                      scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"));
    if (ours.value_or(0) != 0) return BOOST_OUTCOME_V2_NAMESPACE::success();
    sqlite3_stmt* s = nullptr;
    const std::string_view sql = "SELECT type, name FROM sqlite_master ORDER BY type <> 'table', name LIMIT 1";
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &s, nullptr) != SQLITE_OK) return failure("read the schema");
    std::optional<std::string> found;
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
      found = std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 0))) + " \"" +
              reinterpret_cast<const char*>(sqlite3_column_text(s, 1)) + "\"";
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return failure("read the schema");
    if (!found) return BOOST_OUTCOME_V2_NAMESPACE::success();
    return fail(errc::storage_fault, "\"" + path_ + "\" is not an isv-licensing database: it holds " + *found +
                                         " and no schema_version table, so it belongs to another application. "
                                         "Nothing was changed; name a new or empty file.");
  }

  [[nodiscard]] result<void> begin_schema() { return exec("BEGIN IMMEDIATE"); }
  /// Takes the database's write lock now (waiting up to the busy timeout), so the reads that
  /// follow see the latest commit and nobody else commits before this transaction ends.
  [[nodiscard]] result<void> begin_write() { return exec("BEGIN IMMEDIATE"); }
  [[nodiscard]] result<void> commit() { return exec("COMMIT"); }
  void rollback() noexcept {
    if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  /// Runs a prepared statement; `on_row(row)` for each result row. Returns the rows changed.
  template <class OnRow>
  [[nodiscard]] result<std::int64_t> run(stmt id, std::initializer_list<param> params, OnRow&& on_row) {
    sqlite3_stmt* s = prepared_[static_cast<std::size_t>(id)];
    int index = 1;
    for (const auto& p : params) {
      int rc = SQLITE_OK;
      switch (p.type) {
        case param::kind::null: rc = sqlite3_bind_null(s, index); break;
        case param::kind::integer: rc = sqlite3_bind_int64(s, index, p.integer); break;
        case param::kind::text:
          rc = sqlite3_bind_text64(s, index, p.bytes.data(), p.bytes.size(), SQLITE_STATIC, SQLITE_UTF8);
          break;
        case param::kind::blob: rc = sqlite3_bind_blob64(s, index, p.bytes.data(), p.bytes.size(), SQLITE_STATIC); break;
      }
      if (rc != SQLITE_OK) {
        sqlite3_reset(s);
        return failure("bind a parameter");
      }
      ++index;
    }
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) on_row(row(s));
    std::optional<error> failed;
    if (rc != SQLITE_DONE) failed = failure("run a statement");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (failed) return *failed;
    return static_cast<std::int64_t>(sqlite3_changes64(db_));
  }
  [[nodiscard]] result<std::int64_t> run(stmt id, std::initializer_list<param> params) {
    return run(id, params, [](const row&) {});
  }

  /// A commit's writes run one by one as they are sent: the database is in this process, so
  /// nothing is gained by holding them back.
  [[nodiscard]] result<void> send(stmt id, std::initializer_list<param> params, const std::string& conflict = {}) {
    BOOST_OUTCOME_TRY(const auto changed, run(id, params));
    if (!conflict.empty() && changed != 1) return error{errc::conflict, conflict};
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }
  [[nodiscard]] result<void> send_licenses(std::int64_t tenant, std::int64_t subscription, const std::vector<license_row>& rows) {
    for (const auto& r : rows) {
      if (r.held) {
        BOOST_OUTCOME_TRY(run(stmt::license_upsert, {integer(tenant), integer(subscription), integer(r.user),
                                                     integer(r.direct ? 1 : 0), text(r.groups), integer(r.assigned_at)}));
      } else {
        BOOST_OUTCOME_TRY(run(stmt::license_delete, {integer(tenant), integer(subscription), integer(r.user)}));
      }
    }
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }
  [[nodiscard]] static result<void> flush() noexcept { return BOOST_OUTCOME_V2_NAMESPACE::success(); }

  [[nodiscard]] sqlite3* native_handle() const noexcept { return db_; }

private:
  void close() noexcept {
    for (auto*& s : prepared_) {
      if (s) sqlite3_finalize(s);
      s = nullptr;
    }
    if (db_) sqlite3_close_v2(db_);
    db_ = nullptr;
  }

  // Only another writer holding the lock past the busy timeout is a conflict a caller may retry
  // (D-CONC-1). Everything else is a fault of the storage, reported with SQLite's words (D-ERR-2): a
  // full disk, a read-only file, a damaged file, or a row the tenant's head does not account for
  // (commits hold the write lock from BEGIN IMMEDIATE, so no other writer can have saved it).
  [[nodiscard]] error failure(const std::string& doing) const {
    const int primary = sqlite3_extended_errcode(db_) & 0xFF;
    const std::string what = sqlite3_errmsg(db_);
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
      return error{errc::conflict, "The SQLite database \"" + path_ + "\" stayed locked by another writer (" + what +
                                       "). Nothing was saved; retry."};
    if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT)
      return error{errc::storage_fault, "\"" + path_ + "\" is not a usable SQLite database (" + what + ")."};
    return error{errc::storage_fault, "SQLite could not " + doing + " on \"" + path_ + "\": " + what +
                                          ". Nothing was saved; retrying will not help until the cause is fixed."};
  }

  sqlite3* db_ = nullptr;
  std::array<sqlite3_stmt*, statement_count> prepared_{};
  std::string path_{};
};

} // namespace detail::sql

} // namespace isv
