// basic_postgres_repository: the repository in a PostgreSQL database shared by several application servers (one transaction per commit, row locks and conditional version updates); needs libpq.
#pragma once

#include "isv/error.hpp"
#include "isv/storage/detail/sql_store.hpp"

#include <libpq-fe.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
/// Transactions run at READ COMMITTED: a commit first reads its tenant's head and locks its row
/// (SELECT ... FOR UPDATE), so commits to one tenant take turns and each sees the one before;
/// version rows are then changed with UPDATE ... WHERE version = old and the changed-row count
/// checked.
///
/// Round trips. A commit's statements travel in libpq's pipeline mode, so a commit takes three
/// round trips however many rows it writes: BEGIN with the locked head read; every write (events,
/// version updates, license rows in multi-row statements (send_licenses), subscription rows,
/// the idempotency record, the tenant's advance), whose results are all read and checked; and
/// COMMIT, sent only when every write succeeded and every version check changed its row, so a
/// refused commit is rolled back with nothing saved. (Catching the cache up with another writer's
/// commits, inside the transaction, adds one round trip per kind of row read.) Statements are
/// synced every `pipeline_depth` writes, so that the results the server sends back never fill the
/// socket while the client is still sending.
class postgres_db {
public:
  static constexpr bool row_locks = true;
  // The catalog's sequence number is max + 1: two adders must not compute it at once.
  static constexpr std::string_view lock_apps = "LOCK TABLE apps IN SHARE ROW EXCLUSIVE MODE";
  static constexpr std::string_view blob_type = "BYTEA";
  static constexpr std::string_view has_recorded_at =
      "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema()"
      " AND table_name = 'idempotency' AND column_name = 'recorded_at'";
  static constexpr std::string_view has_marketplace_links =
      "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
      " AND table_name = 'marketplace_links'";
  /// The most writes in flight before their results are read.
  static constexpr std::size_t pipeline_depth = 1000;

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
      : conn_(std::exchange(other.conn_, nullptr)), where_(std::move(other.where_)), schema_(std::move(other.schema_)),
        checks_(std::move(other.checks_)), begin_pending_(std::exchange(other.begin_pending_, false)) {}
  postgres_db& operator=(postgres_db&& other) noexcept {
    if (this != &other) {
      if (conn_) PQfinish(conn_);
      conn_ = std::exchange(other.conn_, nullptr);
      where_ = std::move(other.where_);
      schema_ = std::move(other.schema_);
      checks_ = std::move(other.checks_);
      begin_pending_ = std::exchange(other.begin_pending_, false);
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
    const auto prepare = [&](const char* name, std::string_view sql) -> result<void> {
      const std::string text(sql);
      PGresult* r = PQprepare(out.conn_, name, text.c_str(), 0, nullptr);
      auto checked = out.check(r, "prepare a statement");
      PQclear(r);
      return checked;
    };
    for (std::size_t i = 0; i < statement_count; ++i) {
      BOOST_OUTCOME_TRY(prepare(name_of(static_cast<stmt>(i)), statements[i]));
    }
    BOOST_OUTCOME_TRY(prepare(licenses_insert_name, licenses_insert));
    BOOST_OUTCOME_TRY(prepare(licenses_upsert_name, std::string(licenses_insert) + std::string(licenses_upsert_conflict)));
    BOOST_OUTCOME_TRY(prepare(licenses_delete_name, licenses_delete));
    return out;
  }

  [[nodiscard]] result<void> exec(std::string_view sql) {
    BOOST_OUTCOME_TRY(begun());
    const std::string text(sql);
    PGresult* r = PQexec(conn_, text.c_str());
    auto checked = check(r, "run \"" + text + "\"");
    PQclear(r);
    return checked;
  }

  [[nodiscard]] result<std::optional<std::int64_t>> scalar(std::string_view sql) {
    BOOST_OUTCOME_TRY(begun());
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
  /// BEGIN travels with the transaction's first statement, not in a round trip of its own.
  [[nodiscard]] result<void> begin_write() noexcept {
    begin_pending_ = true;
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }
  [[nodiscard]] result<void> commit() {
    if (begin_pending_ && checks_.empty()) { // nothing ran: no transaction to end
      begin_pending_ = false;
      return BOOST_OUTCOME_V2_NAMESPACE::success();
    }
    BOOST_OUTCOME_TRY(flush());
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
    begin_pending_ = false;
    if (!conn_) return;
    leave_pipeline();
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE) PQclear(PQexec(conn_, "ROLLBACK"));
  }

  /// Runs a prepared statement; `on_row(row)` for each result row. Returns the rows changed.
  /// Integers go as text, texts and bytes as binary (no copy, no escaping); results come in binary.
  /// A pending BEGIN and writes sent but not flushed travel with it, in one round trip.
  template <class OnRow>
  [[nodiscard]] result<std::int64_t> run(stmt id, std::initializer_list<param> params, OnRow&& on_row) {
    const bound b(params);
    PGresult* r = nullptr;
    if (!begin_pending_ && checks_.empty()) {
      r = PQexecPrepared(conn_, name_of(id), b.count, b.values.data(), b.lengths.data(), b.formats.data(), 1);
      auto checked = check(r, "run a statement");
      if (!checked) {
        PQclear(r);
        return checked.error();
      }
    } else {
      BOOST_OUTCOME_TRY(enqueue(name_of(id), b.count, b.values.data(), b.lengths.data(), b.formats.data(), {}));
      BOOST_OUTCOME_TRY(read_results(&r));
    }
    for (int i = 0, rows = PQntuples(r); i < rows; ++i) on_row(row(r, i));
    const std::int64_t out = changed(r);
    PQclear(r);
    return out;
  }
  [[nodiscard]] result<std::int64_t> run(stmt id, std::initializer_list<param> params) {
    return run(id, params, [](const row&) {});
  }

  /// A write of a commit, sent in the pipeline; its result is read at flush() (or with the next
  /// run()). A non-empty `conflict` is the error of a version check that changes no row.
  [[nodiscard]] result<void> send(stmt id, std::initializer_list<param> params, std::string conflict = {}) {
    const bound b(params);
    BOOST_OUTCOME_TRY(enqueue(name_of(id), b.count, b.values.data(), b.lengths.data(), b.formats.data(), std::move(conflict)));
    if (checks_.size() >= pipeline_depth) return flush();
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

  /// A subscription's license rows in at most three statements, each one multi-row (arrays the
  /// server unnests): an INSERT of the licenses new in this commit, an upsert of the licenses
  /// whose paths changed, and a DELETE of the licenses gone. A plain INSERT costs the server about
  /// half what an upsert does.
  [[nodiscard]] result<void> send_licenses(std::int64_t tenant, std::int64_t subscription, const std::vector<license_row>& rows) {
    const auto append = [](std::string& array, std::int64_t v) {
      if (array.size() > 1) array += ',';
      std::array<char, 24> digits{};
      const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), v).ptr;
      array.append(digits.data(), end);
    };
    struct columns {
      std::string users = "{", direct = "{", groups = "{", assigned = "{";
    };
    columns added, updated;
    std::string gone = "{";
    for (const auto& r : rows) {
      if (!r.held) {
        append(gone, r.user);
        continue;
      }
      columns& c = r.added ? added : updated;
      append(c.users, r.user);
      append(c.direct, r.direct ? 1 : 0);
      append(c.assigned, r.assigned_at);
      // Group ids are digits, '-' and ',': quoted, they need no escaping.
      if (c.groups.size() > 1) c.groups += ',';
      c.groups += '"';
      c.groups += r.groups;
      c.groups += '"';
    }
    gone += '}';
    const std::string t = std::to_string(tenant), s = std::to_string(subscription);
    for (auto* c : {&added, &updated}) {
      if (c->users.size() == 1) continue;
      for (auto* array : {&c->users, &c->direct, &c->groups, &c->assigned}) *array += '}';
      const std::array<const char*, 6> values{t.c_str(),           s.c_str(),           c->users.c_str(),
                                              c->direct.c_str(),   c->groups.c_str(),   c->assigned.c_str()};
      BOOST_OUTCOME_TRY(enqueue(c == &added ? licenses_insert_name : licenses_upsert_name, 6, values.data(), nullptr, nullptr, {}));
    }
    if (gone.size() > 2) {
      const std::array<const char*, 3> values{t.c_str(), s.c_str(), gone.c_str()};
      BOOST_OUTCOME_TRY(enqueue(licenses_delete_name, 3, values.data(), nullptr, nullptr, {}));
    }
    if (checks_.size() >= pipeline_depth) return flush();
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

  /// Sends the writes in the pipeline and reads every result: the first failure (or version check
  /// that changed no row) is the commit's error. One round trip.
  [[nodiscard]] result<void> flush() { return read_results(nullptr); }

  [[nodiscard]] PGconn* native_handle() const noexcept { return conn_; }

private:
  // A subscription's license rows in one statement each way (PostgreSQL only: SQLite sends each row).
  static constexpr const char* licenses_insert_name = "isv_licenses_insert";
  static constexpr std::string_view licenses_insert =
      "INSERT INTO licenses (tenant, subscription, user_id, direct, group_ids, assigned_at)"
      " SELECT $1::BIGINT, $2::BIGINT, r.u, r.d, r.g, r.a FROM unnest($3::BIGINT[], $4::SMALLINT[], $5::TEXT[], $6::BIGINT[])"
      " AS r (u, d, g, a)";
  static constexpr const char* licenses_upsert_name = "isv_licenses_upsert";
  /// The insert above, updating the paths of licenses the table holds already.
  static constexpr std::string_view licenses_upsert_conflict =
      " ON CONFLICT (tenant, subscription, user_id) DO UPDATE SET direct = excluded.direct, group_ids = excluded.group_ids";
  static constexpr const char* licenses_delete_name = "isv_licenses_delete";
  static constexpr std::string_view licenses_delete =
      "DELETE FROM licenses WHERE tenant = $1::BIGINT AND subscription = $2::BIGINT AND user_id = ANY ($3::BIGINT[])";

  /// A statement's parameters as libpq takes them.
  struct bound {
    static constexpr std::size_t max_params = 9;
    std::array<std::array<char, 24>, max_params> numbers{};
    std::array<const char*, max_params> values{};
    std::array<int, max_params> lengths{};
    std::array<int, max_params> formats{};
    int count = 0;

    explicit bound(std::initializer_list<param> params) noexcept {
      for (const auto& p : params) {
        const auto n = static_cast<std::size_t>(count++);
        switch (p.type) {
          case param::kind::null: values[n] = nullptr; break;
          case param::kind::integer: {
            auto* end = std::to_chars(numbers[n].data(), numbers[n].data() + numbers[n].size() - 1, p.integer).ptr;
            *end = '\0';
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
      }
    }
  };

  static const char* name_of(stmt id) {
    static const auto names = [] {
      std::array<std::string, statement_count> out;
      for (std::size_t i = 0; i < statement_count; ++i) out[i] = "isv_" + std::to_string(i);
      return out;
    }();
    return names[static_cast<std::size_t>(id)].c_str();
  }

  static std::int64_t changed(const PGresult* r) noexcept {
    const char* rows = PQcmdTuples(const_cast<PGresult*>(r));
    return (rows && *rows) ? std::strtoll(rows, nullptr, 10) : 0;
  }

  /// Sends a pending BEGIN, for a statement that does not travel in the pipeline.
  result<void> begun() {
    if (!checks_.empty()) {
      BOOST_OUTCOME_TRY(flush());
    }
    if (!begin_pending_) return BOOST_OUTCOME_V2_NAMESPACE::success();
    begin_pending_ = false;
    return exec("BEGIN");
  }

  /// Puts a prepared statement in the pipeline (entering it, and sending a pending BEGIN first).
  result<void> enqueue(const char* name, int count, const char* const* values, const int* lengths, const int* formats,
                       std::string conflict) {
    if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF && PQenterPipelineMode(conn_) != 1) return lost("start a pipeline");
    if (begin_pending_) {
      begin_pending_ = false;
      if (PQsendQueryParams(conn_, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 1) != 1) return lost("begin a transaction");
      checks_.emplace_back();
    }
    if (PQsendQueryPrepared(conn_, name, count, values, lengths, formats, 1) != 1) return lost("send a statement");
    checks_.push_back(std::move(conflict));
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

  /// Syncs the pipeline and reads the result of every statement in it, in order; the first failure
  /// is returned and the statements after it (which the server skipped) are read and dropped.
  /// With `last`, the last statement's result is handed over (the caller clears it) if all succeeded.
  result<void> read_results(PGresult** last) {
    if (checks_.empty()) return BOOST_OUTCOME_V2_NAMESPACE::success();
    std::optional<error> failed;
    const bool synced = PQpipelineSync(conn_) == 1;
    if (!synced) failed = lost("send the statements");
    for (std::size_t i = 0; !failed && i < checks_.size(); ++i) {
      PGresult* r = PQgetResult(conn_);
      if (r == nullptr) {
        failed = lost("read a statement's result");
        break;
      }
      if (auto checked = check(r, "run a statement"); !checked) failed = checked.error();
      else if (!checks_[i].empty() && changed(r) != 1) failed = error{errc::conflict, checks_[i]};
      if (!failed && last != nullptr && i + 1 == checks_.size()) *last = r;
      else PQclear(r);
      while (PGresult* more = PQgetResult(conn_)) PQclear(more); // the end of this statement's results
    }
    leave_pipeline(synced);
    if (failed) return *failed;
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

  /// Reads what is left up to the sync point and leaves pipeline mode; `synced`: the sync was sent.
  void leave_pipeline(bool synced = false) noexcept {
    checks_.clear();
    if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF) return;
    if (synced || PQpipelineSync(conn_) == 1) {
      int nulls = 0; // two in a row: nothing more will come
      while (nulls < 2 && PQstatus(conn_) == CONNECTION_OK) {
        PGresult* r = PQgetResult(conn_);
        if (r == nullptr) {
          ++nulls;
          continue;
        }
        nulls = 0;
        const bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
        PQclear(r);
        if (sync) break;
      }
    }
    for (int tries = 0; tries < 3 && PQexitPipelineMode(conn_) != 1; ++tries) PQclear(PQgetResult(conn_));
  }

  error lost(const char* doing) const {
    return error{errc::storage_fault, "PostgreSQL could not " + std::string(doing) + " (" + where_ + "): " +
                                          trimmed(PQerrorMessage(conn_)) +
                                          ". Nothing was saved; retrying will not help until the cause is fixed."};
  }
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
  /// One entry per statement in the pipeline, in order: empty, or the conflict if it changes no row.
  std::vector<std::string> checks_{};
  bool begin_pending_ = false;
};

} // namespace detail::sql

} // namespace isv
