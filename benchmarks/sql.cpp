// Throughput of a SQL repository through the service next to raw prepared inserts of the same license rows, in transactions of 1,000 (SQLite or PostgreSQL, chosen at build time).
#include "common.hpp"

#if defined(ISV_BENCH_SQLITE)
#include <isv/storage/sqlite.hpp>
#elif defined(ISV_BENCH_POSTGRES)
#include <isv/storage/postgres.hpp>
#endif

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

// Wall time: the database's work happens in its server and in the file system, not in this thread.
using clock = std::chrono::steady_clock;

double seconds(clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::vector<isv::assign_command> batches(std::uint64_t n) {
  std::vector<isv::assign_command> out;
  for (std::uint64_t first = 0; first < n; first += 1000)
    out.push_back(
        {.subscription = bench::subscription_id, .users = bench::users(first, std::min<std::uint64_t>(1000, n - first))});
  return out;
}

/// Assigns `n` users in batches of 1,000 through the service over `repo`; returns the time taken.
template <class Repository>
clock::duration assign_through_service(Repository& repo, std::uint64_t n) {
  bench::seed_service(repo, n, static_cast<isv::count_t>(n));
  isv::basic_admin_center center{repo};
  const auto commands = batches(n);
  const auto start = clock::now();
  for (const auto& cmd : commands) bench::ok(center.assign(bench::tenant_id, bench::admin_id, cmd, bench::now), "assign");
  const auto stop = clock::now();
  auto v = bench::ok(repo.read(bench::tenant_id), "read");
  bench::check(v.find_subscription(bench::subscription_id)->licenses_in_use == static_cast<isv::count_t>(n),
               "every user holds a license");
  return stop - start;
}

// The raw side writes the rows of the repository's own licenses table: same columns, same key.
constexpr const char* raw_table =
    "CREATE TABLE licenses (tenant BIGINT NOT NULL, subscription BIGINT NOT NULL, user_id BIGINT NOT NULL,"
    " direct SMALLINT NOT NULL, group_ids TEXT NOT NULL, assigned_at BIGINT NOT NULL,"
    " PRIMARY KEY (tenant, subscription, user_id))";
constexpr const char* raw_insert =
    "INSERT INTO licenses (tenant, subscription, user_id, direct, group_ids, assigned_at) VALUES ($1, $2, $3, $4, $5, $6)";

/// One repetition of a throughput target: the raw inserts, then the service, back to back, so
/// that both see the machine (and its disk and network) in the same state; the target is the
/// median over the repetitions of their ratio.
template <class Raw, class Service>
void raw_then_service(benchmark::State& state, std::uint64_t n, Raw&& raw, Service&& service) {
  for (auto _ : state) {
    const double raw_s = seconds(raw());
    const double service_s = seconds(service());
    state.SetIterationTime(raw_s + service_s);
    state.counters["raw_s"] = raw_s;
    state.counters["service_s"] = service_s;
    state.counters["ratio"] = service_s / raw_s;
  }
  state.counters["items"] = static_cast<double>(n);
}

#if defined(ISV_BENCH_SQLITE)

std::string fresh_file(const char* stem) {
  static int serial = 0;
  const char* dir = std::getenv("ISV_BENCH_DIR");
  const std::filesystem::path path =
      std::filesystem::path(dir ? dir : std::filesystem::temp_directory_path().string()) /
      (std::string(stem) + "-" + std::to_string(++serial) + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return path.string();
}

void exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::fprintf(stderr, "%s: %s\n", sql, message ? message : "?");
    std::exit(2);
  }
}

// The same settings as the repository: WAL, and synchronous = FULL (durable) or NORMAL.
clock::duration sqlite_raw(std::uint64_t n, bool durable) {
  sqlite3* db = nullptr;
  if (sqlite3_open(fresh_file("raw").c_str(), &db) != SQLITE_OK) bench::check(false, "open raw database");
  exec(db, "PRAGMA journal_mode = WAL");
  exec(db, durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  exec(db, raw_table);
  sqlite3_stmt* insert = nullptr;
  bench::check(sqlite3_prepare_v2(db, raw_insert, -1, &insert, nullptr) == SQLITE_OK, "prepare");
  const auto start = clock::now();
  for (std::uint64_t first = 0; first < n; first += 1000) {
    exec(db, "BEGIN IMMEDIATE");
    for (std::uint64_t i = first; i < std::min(n, first + 1000); ++i) {
      sqlite3_bind_int64(insert, 1, static_cast<sqlite3_int64>(bench::tenant_id.value()));
      sqlite3_bind_int64(insert, 2, static_cast<sqlite3_int64>(bench::subscription_id.value()));
      sqlite3_bind_int64(insert, 3, static_cast<sqlite3_int64>(bench::user(i).value()));
      sqlite3_bind_int64(insert, 4, 1);
      sqlite3_bind_text(insert, 5, "", 0, SQLITE_STATIC);
      sqlite3_bind_int64(insert, 6, bench::now.time_since_epoch().count());
      bench::check(sqlite3_step(insert) == SQLITE_DONE, "insert");
      sqlite3_reset(insert);
    }
    exec(db, "COMMIT");
  }
  const auto stop = clock::now();
  sqlite3_finalize(insert);
  sqlite3_close(db);
  return stop - start;
}

clock::duration sqlite_service(std::uint64_t n, bool durable) {
  isv::sqlite_options options;
  options.durable = durable;
  auto repo = bench::ok(isv::sqlite_repository::open(fresh_file("service"), options), "open");
  return assign_through_service(repo, n);
}

// Second argument: 1 for the repository's default durability (synchronous = FULL), 0 for
// durable = false (synchronous = NORMAL), where the library's own work is less hidden by fsync.
void sqlite_throughput(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  const bool durable = state.range(1) != 0;
  raw_then_service(state, n, [&] { return sqlite_raw(n, durable); }, [&] { return sqlite_service(n, durable); });
}
BENCHMARK(sqlite_throughput)->Args({100'000, 1})->Args({100'000, 0})->Iterations(1)->Repetitions(5)->UseManualTime()->DisplayAggregatesOnly();

#elif defined(ISV_BENCH_POSTGRES)

/// The server to use, as a libpq connection string (the run script starts a throwaway one).
std::string conninfo() {
  const char* c = std::getenv("ISV_BENCH_POSTGRES");
  if (c == nullptr) {
    std::fprintf(stderr, "Set ISV_BENCH_POSTGRES to a libpq connection string of a throwaway server.\n");
    std::exit(2);
  }
  return c;
}

/// A fresh schema per run, so that every repetition starts from empty tables.
std::string fresh_schema(const char* stem) {
  static int serial = 0;
  return std::string(stem) + "_" + std::to_string(++serial);
}

void exec(PGconn* conn, const std::string& sql) {
  PGresult* r = PQexec(conn, sql.c_str());
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    std::fprintf(stderr, "%s: %s\n", sql.c_str(), PQerrorMessage(conn));
    std::exit(2);
  }
  PQclear(r);
}

clock::duration postgres_service(std::uint64_t n) {
  auto repo = bench::ok(isv::postgres_repository::open(conninfo(), {fresh_schema("bench_service")}), "open");
  return assign_through_service(repo, n);
}

clock::duration postgres_raw(std::uint64_t n) {
  PGconn* conn = PQconnectdb(conninfo().c_str());
  bench::check(PQstatus(conn) == CONNECTION_OK, "connect");
  const std::string schema = fresh_schema("bench_raw");
  exec(conn, "CREATE SCHEMA " + schema);
  exec(conn, "SET search_path TO " + schema);
  exec(conn, raw_table);
  PGresult* prepared = PQprepare(conn, "insert", raw_insert, 6, nullptr);
  bench::check(PQresultStatus(prepared) == PGRES_COMMAND_OK, "prepare");
  PQclear(prepared);
  const std::string tenant = std::to_string(bench::tenant_id.value());
  const std::string subscription = std::to_string(bench::subscription_id.value());
  const std::string at = std::to_string(bench::now.time_since_epoch().count());
  const auto start = clock::now();
  std::string user;
  for (std::uint64_t first = 0; first < n; first += 1000) {
    exec(conn, "BEGIN");
    for (std::uint64_t i = first; i < std::min(n, first + 1000); ++i) {
      user = std::to_string(bench::user(i).value());
      const char* values[6] = {tenant.c_str(), subscription.c_str(), user.c_str(), "1", "", at.c_str()};
      PGresult* r = PQexecPrepared(conn, "insert", 6, values, nullptr, nullptr, 0);
      bench::check(PQresultStatus(r) == PGRES_COMMAND_OK, "insert");
      PQclear(r);
    }
    exec(conn, "COMMIT");
  }
  const auto stop = clock::now();
  PQfinish(conn);
  return stop - start;
}

void postgres_throughput(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  raw_then_service(state, n, [&] { return postgres_raw(n); }, [&] { return postgres_service(n); });
}
BENCHMARK(postgres_throughput)->Arg(100'000)->Iterations(1)->Repetitions(3)->UseManualTime()->DisplayAggregatesOnly();

#endif

} // namespace

BENCHMARK_MAIN();
