// basic_postgres_repository: the repository in a PostgreSQL database shared by several application servers (one transaction per commit, row locks and conditional version updates); needs libpq.
#pragma once

#include "isv/error.hpp"
#include "isv/storage/detail/sql_store.hpp"

#include <libpq-fe.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace isv {

struct postgres_options {
  /// The schema holding the tables, created if missing; empty: the connection's search_path.
  /// Several independent stores can share one database, one schema each.
  std::string schema{};
};

namespace detail::sql {
class postgres_db; // the dialect, below
}

/// The repository in a PostgreSQL database, for several application servers sharing it (what every
/// SQL repository promises: detail::sql::handle). A commit locks its tenant's row and changes the
/// version rows only where they still hold the version read. `open(conninfo, options)` takes a libpq
/// connection string ("host=... dbname=..." or a postgresql:// URI); an unreachable server is a
/// storage fault. A conflict is a serialization failure, deadlock or lock timeout.
template <detail::sql::sql_storable_traits Traits = default_traits>
using basic_postgres_repository = detail::sql::handle<Traits, detail::sql::postgres_db>;

using postgres_repository = basic_postgres_repository<default_traits>;

namespace detail::sql {

/// The PostgreSQL dialect of the SQL store: one connection, statements prepared once and reused.
/// Transactions run at READ COMMITTED: a commit first locks its tenant's row (SELECT ... FOR
/// UPDATE), so commits to one tenant take turns and each sees the one before; version rows are
/// then changed with UPDATE ... WHERE version = old and the changed-row count checked.
class postgres_db {
public:
  static constexpr bool row_locks = true;
  // The catalog's sequence number is max + 1: two adders must not compute it at once.
  static constexpr std::string_view lock_apps = "LOCK TABLE apps IN SHARE ROW EXCLUSIVE MODE";
  static constexpr std::string_view blob_type = "BYTEA";
  static constexpr std::string_view has_recorded_at =
      "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema()"
      " AND table_name = 'idempotency' AND column_name = 'recorded_at'";

  /// A row of a result in binary format.
  class row {
  public:
    row(const PGresult* r, int n) noexcept : r_(r), n_(n) {}
    [[nodiscard]] std::int64_t integer(int column) const noexcept {
      const auto* p = reinterpret_cast<const unsigned char*>(PQgetvalue(r_, n_, column));
      const int length = PQgetlength(r_, n_, column);
      std::uint64_t v = 0;
      for (int i = 0; i < length; ++i) v = (v << 8) | p[i];
      // Sign-extend the narrower integer types (int2, int4).
      if (length > 0 && length < 8 && (p[0] & 0x80) != 0) v |= ~std::uint64_t{0} << (8 * length);
      return static_cast<std::int64_t>(v);
    }
    [[nodiscard]] std::string_view bytes(int column) const noexcept {
      return {PQgetvalue(r_, n_, column), static_cast<std::size_t>(PQgetlength(r_, n_, column))};
    }
    [[nodiscard]] bool is_null(int column) const noexcept { return PQgetisnull(r_, n_, column) != 0; }

  private:
    const PGresult* r_;
    int n_;
  };

  postgres_db() = default;
  postgres_db(postgres_db&& other) noexcept
      : conn_(std::exchange(other.conn_, nullptr)), where_(std::move(other.where_)), schema_(std::move(other.schema_)) {}
  postgres_db& operator=(postgres_db&& other) noexcept {
    if (this != &other) {
      if (conn_) PQfinish(conn_);
      conn_ = std::exchange(other.conn_, nullptr);
      where_ = std::move(other.where_);
      schema_ = std::move(other.schema_);
    }
    return *this;
  }
  postgres_db(const postgres_db&) = delete;
  postgres_db& operator=(const postgres_db&) = delete;
  ~postgres_db() {
    if (conn_) PQfinish(conn_);
  }

  using options_type = postgres_options;

  [[nodiscard]] static result<postgres_db> open(const std::string& conninfo, const postgres_options& options) {
    postgres_db out;
    out.conn_ = PQconnectdb(conninfo.c_str());
    if (out.conn_ == nullptr || PQstatus(out.conn_) != CONNECTION_OK)
      return fail(errc::storage_fault, "Cannot connect to PostgreSQL (" + conninfo + "): " +
                                           (out.conn_ ? trimmed(PQerrorMessage(out.conn_)) : std::string("out of memory")) + ".");
    out.where_ = "The PostgreSQL database " + std::string(PQdb(out.conn_));
    BOOST_OUTCOME_TRY(out.exec("SET client_min_messages = warning"));
    std::string schema;
    if (!options.schema.empty()) {
      char* quoted = PQescapeIdentifier(out.conn_, options.schema.data(), options.schema.size());
      if (quoted == nullptr) return fail(errc::invalid_argument, "The schema name \"" + options.schema + "\" cannot be quoted.");
      schema = quoted;
      PQfreemem(quoted);
      BOOST_OUTCOME_TRY(out.exec("SET search_path TO " + schema));
      out.where_ += ", schema " + options.schema + ",";
    }
    out.schema_ = schema;
    BOOST_OUTCOME_TRY(prepare_schema(out, out.where_));
    for (std::size_t i = 0; i < statement_count; ++i) {
      const std::string sql(statements[i]);
      PGresult* r = PQprepare(out.conn_, name_of(i).c_str(), sql.c_str(), 0, nullptr);
      auto checked = out.check(r, "prepare a statement");
      PQclear(r);
      BOOST_OUTCOME_TRY(checked);
    }
    return out;
  }

  [[nodiscard]] result<void> exec(std::string_view sql) {
    const std::string text(sql);
    PGresult* r = PQexec(conn_, text.c_str());
    auto checked = check(r, "run \"" + text + "\"");
    PQclear(r);
    return checked;
  }

  [[nodiscard]] result<std::optional<std::int64_t>> scalar(std::string_view sql) {
    const std::string text(sql);
    PGresult* r = PQexec(conn_, text.c_str());
    auto checked = check(r, "read the schema");
    std::optional<std::int64_t> out;
    if (checked && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) out = std::strtoll(PQgetvalue(r, 0, 0), nullptr, 10);
    PQclear(r);
    BOOST_OUTCOME_TRY(checked);
    return out;
  }

  /// Schema changes take a transaction-scoped advisory lock, so that servers starting together
  /// do not create the tables twice.
  [[nodiscard]] result<void> begin_schema() {
    BOOST_OUTCOME_TRY(exec("BEGIN"));
    BOOST_OUTCOME_TRY(exec("SELECT pg_advisory_xact_lock(7310354618237612577)")); // "isv-lic!" as a number
    if (!schema_.empty()) {
      BOOST_OUTCOME_TRY(exec("CREATE SCHEMA IF NOT EXISTS " + schema_));
    }
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }
  [[nodiscard]] result<void> begin_write() { return exec("BEGIN"); }
  [[nodiscard]] result<void> commit() {
    PGresult* r = PQexec(conn_, "COMMIT");
    auto checked = check(r, "commit");
    // A transaction that failed earlier ends in ROLLBACK, which PostgreSQL reports as a success;
    // every statement's failure was reported already, so this is not a conflict to retry.
    if (checked && std::strcmp(PQcmdStatus(r), "COMMIT") != 0)
      checked = error{errc::storage_fault, where_ + " rolled the transaction back instead of committing it. Nothing was saved."};
    PQclear(r);
    return checked;
  }
  void rollback() noexcept {
    if (conn_ && PQtransactionStatus(conn_) != PQTRANS_IDLE) PQclear(PQexec(conn_, "ROLLBACK"));
  }

  /// Runs a prepared statement; `on_row(row)` for each result row. Returns the rows changed.
  /// Integers go as text, texts and bytes as binary (no copy, no escaping); results come in binary.
  template <class OnRow>
  [[nodiscard]] result<std::int64_t> run(stmt id, std::initializer_list<param> params, OnRow&& on_row) {
    constexpr std::size_t max_params = 9;
    std::array<std::array<char, 24>, max_params> numbers{};
    std::array<const char*, max_params> values{};
    std::array<int, max_params> lengths{};
    std::array<int, max_params> formats{};
    std::size_t n = 0;
    for (const auto& p : params) {
      switch (p.type) {
        case param::kind::null: values[n] = nullptr; break;
        case param::kind::integer: {
          const std::string digits = std::to_string(p.integer);
          std::memcpy(numbers[n].data(), digits.c_str(), digits.size() + 1);
          values[n] = numbers[n].data();
          break;
        }
        case param::kind::text:
        case param::kind::blob:
          values[n] = p.bytes.empty() ? "" : p.bytes.data();
          lengths[n] = static_cast<int>(p.bytes.size());
          formats[n] = 1;
          break;
      }
      ++n;
    }
    PGresult* r = PQexecPrepared(conn_, name_of(static_cast<std::size_t>(id)).c_str(), static_cast<int>(n), values.data(),
                                 lengths.data(), formats.data(), 1);
    auto checked = check(r, "run a statement");
    if (!checked) {
      PQclear(r);
      return checked.error();
    }
    for (int i = 0, rows = PQntuples(r); i < rows; ++i) on_row(row(r, i));
    const char* changed = PQcmdTuples(r);
    const std::int64_t out = (changed && *changed) ? std::strtoll(changed, nullptr, 10) : 0;
    PQclear(r);
    return out;
  }
  [[nodiscard]] result<std::int64_t> run(stmt id, std::initializer_list<param> params) {
    return run(id, params, [](const row&) {});
  }

  [[nodiscard]] PGconn* native_handle() const noexcept { return conn_; }

private:
  static std::string name_of(std::size_t i) { return "isv_" + std::to_string(i); }
  static std::string trimmed(const char* message) {
    std::string out = message ? message : "";
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ' || out.back() == '.')) out.pop_back();
    return out;
  }

  // Serialization failures, deadlocks and lock timeouts mean another writer got there first: a
  // conflict the caller may retry from fresh state (D-CONC-1). Everything else is a fault of the
  // storage, with PostgreSQL's words (D-ERR-2): a lost connection, a read-only or full database,
  // missing privileges or tables, or a unique violation (a commit holds its tenant's row lock, so
  // no other writer can have saved that row: the database holds a row the library did not expect).
  result<void> check(const PGresult* r, const std::string& doing) const {
    const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return BOOST_OUTCOME_V2_NAMESPACE::success();
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const std::string sqlstate = state ? state : "";
    const std::string what = trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
    if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03")
      return fail(errc::conflict, where_ + " refused the write because another writer saved first (" + what +
                                      "). Nothing was saved; retry from fresh state.");
    return fail(errc::storage_fault, "PostgreSQL could not " + doing + " (" + where_ + "): " + what +
                                         ". Nothing was saved; retrying will not help until the cause is fixed.");
  }

  PGconn* conn_ = nullptr;
  std::string where_{};
  std::string schema_{};
};

} // namespace detail::sql

} // namespace isv
