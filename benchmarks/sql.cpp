// Throughput of a SQL repository through the service next to the fastest raw path a user would write for the same license rows, in transactions of 1,000 (SQLite or PostgreSQL, chosen at build time).
//
// Each repetition measures both sides, each into a fresh file (SQLite) or schema (PostgreSQL),
// the raw side first in odd repetitions and the service first in even ones, so neither side always
// meets a warmer machine. Each side reports its wall time (the database's work happens in its
// server and file system) and this process's CPU time; the service's CPU time minus the raw
// side's is the library's own. Output: a readable line per repetition, then
//   rep <target> <service wall / raw wall>
//   cpu <target> service=<s> raw=<s>
// for each repetition of the target, in the order run.
//
//   isv_bench_sqlite    [--repetitions N] [--rows N]    files in ISV_BENCH_DIR (default: the temp dir)
//   isv_bench_postgres  [--repetitions N] [--rows N] [--raw copy|insert]    server in ISV_BENCH_POSTGRES
#include "common.hpp"

#if defined(ISV_BENCH_SQLITE)
#include <isv/storage/sqlite.hpp>
#elif defined(ISV_BENCH_POSTGRES)
#include <isv/storage/postgres.hpp>
#endif

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <time.h>

namespace {

using wall_clock = std::chrono::steady_clock;

/// CPU time of the whole process (every thread), in seconds.
double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// What one side of a repetition cost.
struct cost {
  double wall = 0;
  double cpu = 0;
};

/// Times `body` (wall and process CPU); set-up before it and checks after it are not timed.
template <class Body>
cost timed(Body&& body) {
  const double cpu0 = process_cpu_seconds();
  const auto wall0 = wall_clock::now();
  body();
  const auto wall1 = wall_clock::now();
  const double cpu1 = process_cpu_seconds();
  return {std::chrono::duration<double>(wall1 - wall0).count(), cpu1 - cpu0};
}

/// A side of the comparison: set up (untimed), run the timed part, check and clean up (untimed).
using side = std::function<cost(std::uint64_t rows)>;

std::vector<isv::assign_command> batches(std::uint64_t n) {
  std::vector<isv::assign_command> out;
  for (std::uint64_t first = 0; first < n; first += 1000)
    out.push_back(
        {.subscription = bench::subscription_id, .users = bench::users(first, std::min<std::uint64_t>(1000, n - first))});
  return out;
}

/// Assigns `n` users in batches of 1,000 through the service over `repo` (the timed part).
template <class Repository>
cost assign_through_service(Repository& repo, std::uint64_t n) {
  bench::seed_service(repo, n, static_cast<isv::count_t>(n));
  isv::basic_admin_center center{repo};
  const auto commands = batches(n);
  const cost c = timed([&] {
    for (const auto& cmd : commands) bench::ok(center.assign(bench::tenant_id, bench::admin_id, cmd, bench::now), "assign");
  });
  auto v = bench::ok(repo.read(bench::tenant_id), "read");
  bench::check(v.find_subscription(bench::subscription_id)->licenses_in_use == static_cast<isv::count_t>(n),
               "every user holds a license");
  return c;
}

// The raw side writes the rows of the repository's own licenses table: same columns, same key.
constexpr const char* raw_table =
    "CREATE TABLE licenses (tenant BIGINT NOT NULL, subscription BIGINT NOT NULL, user_id BIGINT NOT NULL,"
    " direct SMALLINT NOT NULL, group_ids TEXT NOT NULL, assigned_at BIGINT NOT NULL,"
    " PRIMARY KEY (tenant, subscription, user_id))";

/// Runs `repetitions` pairs, alternating the order, and prints every repetition's figures.
void compare(const char* target, const char* label, int repetitions, std::uint64_t rows, const side& raw,
             const side& service, bool machine_lines) {
  for (int rep = 1; rep <= repetitions; ++rep) {
    const bool raw_first = rep % 2 == 1;
    cost r;
    cost s;
    if (raw_first) {
      r = raw(rows);
      s = service(rows);
    } else {
      s = service(rows);
      r = raw(rows);
    }
    const double ratio = s.wall / r.wall;
    std::printf("%s rep %d (%s first): raw %.3f s wall, %.3f s cpu; service %.3f s wall, %.3f s cpu;"
                " library cpu %.3f s; ratio %.2f\n",
                label, rep, raw_first ? "raw" : "service", r.wall, r.cpu, s.wall, s.cpu, s.cpu - r.cpu, ratio);
    if (machine_lines) {
      std::printf("rep %s %.3f\n", target, ratio);
      std::printf("cpu %s service=%.3f raw=%.3f\n", target, s.cpu, r.cpu);
    }
    std::fflush(stdout);
  }
}

struct arguments {
  int repetitions = 0;
  std::uint64_t rows = 100'000;
  std::string raw{};
};

arguments parse(int argc, char** argv, int default_repetitions) {
  arguments out;
  out.repetitions = default_repetitions;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--repetitions" && has_value) out.repetitions = std::atoi(argv[++i]);
    else if (a == "--rows" && has_value) out.rows = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--raw" && has_value) out.raw = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--repetitions N] [--rows N] [--raw copy|insert]\n", argv[0]);
      std::exit(2);
    }
  }
  if (out.repetitions < 1 || out.rows < 1000 || out.rows % 1000 != 0) {
    std::fprintf(stderr, "%s: --repetitions must be positive and --rows a positive multiple of 1000\n", argv[0]);
    std::exit(2);
  }
  return out;
}

#if defined(ISV_BENCH_SQLITE)

void remove_database(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

std::string fresh_file(const char* stem) {
  static int serial = 0;
  const char* dir = std::getenv("ISV_BENCH_DIR");
  const std::filesystem::path path = std::filesystem::path(dir ? dir : std::filesystem::temp_directory_path().string()) /
                                     (std::string(stem) + "-" + std::to_string(++serial) + ".db");
  remove_database(path.string());
  return path.string();
}

void exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::fprintf(stderr, "%s: %s\n", sql, message ? message : "?");
    std::exit(2);
  }
}

std::int64_t count_licenses(sqlite3* db) {
  sqlite3_stmt* s = nullptr;
  bench::check(sqlite3_prepare_v2(db, "SELECT count(*) FROM licenses", -1, &s, nullptr) == SQLITE_OK, "prepare count");
  bench::check(sqlite3_step(s) == SQLITE_ROW, "count");
  const auto n = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return n;
}

// The raw path a user writes in process: one prepared INSERT stepped per row, in BEGIN IMMEDIATE
// ... COMMIT of 1,000 rows; the same settings as the repository: WAL, synchronous FULL or NORMAL.
cost sqlite_raw(std::uint64_t n, bool durable) {
  const std::string path = fresh_file("raw");
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) bench::check(false, "open raw database");
  exec(db, "PRAGMA journal_mode = WAL");
  exec(db, durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  exec(db, raw_table);
  sqlite3_stmt* insert = nullptr;
  bench::check(sqlite3_prepare_v2(db,
                                  "INSERT INTO licenses (tenant, subscription, user_id, direct, group_ids, assigned_at)"
                                  " VALUES ($1, $2, $3, $4, $5, $6)",
                                  -1, &insert, nullptr) == SQLITE_OK,
               "prepare");
  const cost c = timed([&] {
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
  });
  sqlite3_finalize(insert);
  bench::check(count_licenses(db) == static_cast<std::int64_t>(n), "the raw side saved every row");
  sqlite3_close(db);
  remove_database(path);
  return c;
}

cost sqlite_service(std::uint64_t n, bool durable) {
  const std::string path = fresh_file("service");
  cost c;
  {
    isv::sqlite_options options;
    options.durable = durable;
    auto repo = bench::ok(isv::sqlite_repository::open(path, options), "open");
    c = assign_through_service(repo, n);
    bench::check(count_licenses(repo.native_handle()) == static_cast<std::int64_t>(n), "the service saved every row");
  }
  remove_database(path);
  return c;
}

} // namespace

int main(int argc, char** argv) {
  const arguments args = parse(argc, argv, 7);
  std::printf("SQLite, WAL; %llu licenses per side in transactions of 1,000; %d repetitions, order alternated\n",
              static_cast<unsigned long long>(args.rows), args.repetitions);
  // The target is at the repository's default durability; NORMAL, where fsync hides less of the
  // library's own work, is shown for information only.
  compare("sqlite_throughput", "sqlite synchronous=FULL", args.repetitions, args.rows,
          [](std::uint64_t n) { return sqlite_raw(n, true); }, [](std::uint64_t n) { return sqlite_service(n, true); }, true);
  compare("sqlite_throughput_normal", "sqlite synchronous=NORMAL (information, not the target)", args.repetitions, args.rows,
          [](std::uint64_t n) { return sqlite_raw(n, false); }, [](std::uint64_t n) { return sqlite_service(n, false); }, false);
  return 0;
}

#elif defined(ISV_BENCH_POSTGRES)

/// The server to use, as a libpq connection string (benchmarks/sql starts a durable throwaway one).
std::string conninfo() {
  const char* c = std::getenv("ISV_BENCH_POSTGRES");
  if (c == nullptr) {
    std::fprintf(stderr, "Set ISV_BENCH_POSTGRES to a libpq connection string of a throwaway server.\n");
    std::exit(2);
  }
  return c;
}

/// A fresh schema per side and repetition, so that each starts from empty tables.
std::string fresh_schema(const char* stem) {
  static int serial = 0;
  return std::string(stem) + "_" + std::to_string(++serial);
}

PGresult* checked(PGconn* conn, PGresult* r, const char* what) {
  const auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::fprintf(stderr, "%s: %s\n", what, PQerrorMessage(conn));
    std::exit(2);
  }
  return r;
}

void exec(PGconn* conn, const std::string& sql) { PQclear(checked(conn, PQexec(conn, sql.c_str()), sql.c_str())); }

std::string scalar(PGconn* conn, const std::string& sql) {
  PGresult* r = checked(conn, PQexec(conn, sql.c_str()), sql.c_str());
  std::string out = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
  PQclear(r);
  return out;
}

PGconn* connect() {
  PGconn* conn = PQconnectdb(conninfo().c_str());
  bench::check(PQstatus(conn) == CONNECTION_OK, "connect");
  exec(conn, "SET client_min_messages = warning");
  return conn;
}

/// Checks that a schema holds `n` license rows, then drops it (neither is timed).
void check_and_drop(const std::string& schema, std::uint64_t n, const char* what) {
  PGconn* conn = connect();
  bench::check(scalar(conn, "SELECT count(*) FROM " + schema + ".licenses") == std::to_string(n), what);
  exec(conn, "DROP SCHEMA " + schema + " CASCADE");
  PQfinish(conn);
}

void append_number(std::string& out, std::uint64_t v) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, v).ptr;
  out.append(digits, end);
}

// The raw paths a user would write for 1,000 rows per transaction, both one transaction per batch:
// copy:   COPY licenses FROM STDIN (text format) in autocommit: the COPY is the transaction, in two
//         round trips (start, then data and end).
// insert: BEGIN, one INSERT ... SELECT FROM unnest(array of user ids) of the 1,000 rows, COMMIT,
//         sent together in pipeline mode: one round trip per batch.
// insert is the default: against a durable server on loopback it took 1.08-1.23 s per 100,000 rows
// where copy took 1.26-1.77 s (five repetitions each, same run), so it is the harder baseline.
cost postgres_raw(std::uint64_t n, const std::string& how) {
  PGconn* conn = connect();
  const std::string schema = fresh_schema("bench_raw");
  exec(conn, "CREATE SCHEMA " + schema);
  exec(conn, "SET search_path TO " + schema);
  exec(conn, raw_table);
  const std::string tenant = std::to_string(bench::tenant_id.value());
  const std::string subscription = std::to_string(bench::subscription_id.value());
  const std::string at = std::to_string(bench::now.time_since_epoch().count());
  if (how == "insert") {
    PQclear(checked(conn,
                    PQprepare(conn, "insert",
                              "INSERT INTO licenses (tenant, subscription, user_id, direct, group_ids, assigned_at)"
                              " SELECT $1::BIGINT, $2::BIGINT, u, 1, '', $3::BIGINT FROM unnest($4::BIGINT[]) AS u",
                              0, nullptr),
                    "prepare"));
  }
  std::string buffer;
  const cost c = timed([&] {
    for (std::uint64_t first = 0; first < n; first += 1000) {
      const std::uint64_t last = std::min(n, first + 1000);
      buffer.clear();
      if (how == "copy") {
        PGresult* start = PQexec(conn, "COPY licenses (tenant, subscription, user_id, direct, group_ids, assigned_at) FROM STDIN");
        bench::check(PQresultStatus(start) == PGRES_COPY_IN, "copy");
        PQclear(start);
        for (std::uint64_t i = first; i < last; ++i) {
          buffer += tenant;
          buffer += '\t';
          buffer += subscription;
          buffer += '\t';
          append_number(buffer, bench::user(i).value());
          buffer += "\t1\t\t";
          buffer += at;
          buffer += '\n';
        }
        bench::check(PQputCopyData(conn, buffer.data(), static_cast<int>(buffer.size())) == 1, "copy data");
        bench::check(PQputCopyEnd(conn, nullptr) == 1, "copy end");
        PGresult* r = PQgetResult(conn);
        PQclear(checked(conn, r, "copy"));
        while ((r = PQgetResult(conn)) != nullptr) PQclear(r);
      } else {
        buffer += '{';
        for (std::uint64_t i = first; i < last; ++i) {
          if (i != first) buffer += ',';
          append_number(buffer, bench::user(i).value());
        }
        buffer += '}';
        const char* values[4] = {tenant.c_str(), subscription.c_str(), at.c_str(), buffer.c_str()};
        bench::check(PQenterPipelineMode(conn) == 1, "pipeline");
        bench::check(PQsendQueryParams(conn, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1, "begin");
        bench::check(PQsendQueryPrepared(conn, "insert", 4, values, nullptr, nullptr, 0) == 1, "insert");
        bench::check(PQsendQueryParams(conn, "COMMIT", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1, "commit");
        bench::check(PQpipelineSync(conn) == 1, "sync");
        for (int statement = 0; statement < 3; ++statement) {
          PQclear(checked(conn, PQgetResult(conn), "pipelined statement"));
          bench::check(PQgetResult(conn) == nullptr, "one result per statement");
        }
        PGresult* sync = PQgetResult(conn);
        bench::check(PQresultStatus(sync) == PGRES_PIPELINE_SYNC, "sync result");
        PQclear(sync);
        bench::check(PQexitPipelineMode(conn) == 1, "leave pipeline");
      }
    }
  });
  PQfinish(conn);
  check_and_drop(schema, n, "the raw side saved every row");
  return c;
}

cost postgres_service(std::uint64_t n) {
  const std::string schema = fresh_schema("bench_service");
  cost c;
  {
    auto repo = bench::ok(isv::postgres_repository::open(conninfo(), {schema}), "open");
    c = assign_through_service(repo, n);
  }
  check_and_drop(schema, n, "the service saved every row");
  return c;
}

} // namespace

int main(int argc, char** argv) {
  arguments args = parse(argc, argv, 5);
  if (args.raw.empty()) args.raw = "insert"; // the faster of the two (postgres_raw)
  if (args.raw != "copy" && args.raw != "insert") {
    std::fprintf(stderr, "%s: --raw is copy or insert\n", argv[0]);
    return 2;
  }
  PGconn* conn = connect();
  const std::string fsync = scalar(conn, "SHOW fsync");
  const std::string synchronous_commit = scalar(conn, "SHOW synchronous_commit");
  const std::string version = scalar(conn, "SHOW server_version");
  PQfinish(conn);
  std::printf("PostgreSQL %s (fsync=%s, synchronous_commit=%s); %llu licenses per side in transactions of 1,000;"
              " raw side: %s; %d repetitions, order alternated\n",
              version.c_str(), fsync.c_str(), synchronous_commit.c_str(), static_cast<unsigned long long>(args.rows),
              args.raw == "copy" ? "COPY FROM STDIN per transaction" : "pipelined BEGIN + multi-row INSERT + COMMIT",
              args.repetitions);
  if (fsync != "on" || synchronous_commit != "on") std::printf("warning: the server is not durable; the target needs fsync and synchronous_commit on\n");
  compare("postgres_throughput", "postgres", args.repetitions, args.rows,
          [&](std::uint64_t n) { return postgres_raw(n, args.raw); }, [](std::uint64_t n) { return postgres_service(n); },
          fsync == "on" && synchronous_commit == "on");
  return 0;
}

#endif
