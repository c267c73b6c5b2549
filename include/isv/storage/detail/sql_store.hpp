// What the SQL repositories share: the schema and its version, the statements, event-to-row mapping, and the per-tenant cache caught up from the event log.
#pragma once

#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/marketplace_link.hpp"
#include "isv/marketplace_wire.hpp"
#include "isv/repository.hpp"
#include "isv/storage/detail/codec.hpp"
#include "isv/storage/memory.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

// The design. The database holds the source of truth: each tenant's event log (a gap-free
// sequence per tenant), the tenant's starting value, the app catalog, the idempotency records,
// one version row per aggregate, and tables derived from the events for reporting (subscriptions,
// licenses). A tenant's "revision" counts its commits; a commit writes everything with the new
// revision in one transaction, and advances the tenant row last.
//
// A repository object keeps each tenant it has read in an embedded in-memory repository (the
// library's own, so no rule is implemented twice). A read asks the database for the tenant's
// head (one indexed row) and, only if another writer moved it, fetches the events and
// idempotency records written since: O(what changed), not O(what the tenant holds). A commit
// locks the tenant for writing (SQLite: BEGIN IMMEDIATE; PostgreSQL: the head read with SELECT ...
// FOR UPDATE), catches the cache up inside that transaction, so the versions it checks are the
// database's, runs check_commit, applies the events to the cache, and sends its writes: the event
// rows, the conditional version updates (UPDATE ... WHERE version = old, one row or a conflict),
// the derived rows and the tenant's advance. The dialect decides how the writes travel (SQLite runs
// each at once, in process; PostgreSQL sends them together, see postgres_db); every write's result
// is checked before COMMIT. A failure after the cache was changed marks the tenant's cache stale:
// the next read empties it in place and rebuilds it from the database, so a failed commit leaves
// nothing behind (the emptying waits for views of the cache to end).
namespace isv::detail::sql {

/// The schema this library writes. Opening a database of a newer version is refused; one of version 1
/// (release 0.1) is migrated when it is opened (migrate_to_country_codes).
inline constexpr std::int64_t schema_version = 2;

/// Tables; `{blob}` is the dialect's byte-string type. Ids are BIGINT (unsigned ids are stored
/// bit for bit). Aggregate kinds are stored by name (repository.hpp's to_string).
inline constexpr std::array<std::string_view, 8> schema_tables{
    "CREATE TABLE apps (seq BIGINT PRIMARY KEY, id BIGINT NOT NULL UNIQUE, body {blob} NOT NULL)",
    "CREATE TABLE tenants (id BIGINT PRIMARY KEY, revision BIGINT NOT NULL, event_count BIGINT NOT NULL,"
    " initial {blob} NOT NULL)",
    "CREATE TABLE events (tenant BIGINT NOT NULL REFERENCES tenants (id), seq BIGINT NOT NULL, revision BIGINT NOT NULL,"
    " aggregate_kind TEXT NOT NULL, aggregate_id BIGINT NOT NULL, name TEXT NOT NULL, actor BIGINT,"
    " occurred_at BIGINT NOT NULL, body {blob} NOT NULL, PRIMARY KEY (tenant, seq))",
    "CREATE TABLE versions (tenant BIGINT NOT NULL REFERENCES tenants (id), aggregate_kind TEXT NOT NULL,"
    " aggregate_id BIGINT NOT NULL, version BIGINT NOT NULL, PRIMARY KEY (tenant, aggregate_kind, aggregate_id))",
    "CREATE TABLE idempotency (tenant BIGINT NOT NULL REFERENCES tenants (id), idem_key TEXT NOT NULL,"
    " revision BIGINT NOT NULL, operation TEXT NOT NULL, fingerprint BIGINT NOT NULL, body {blob} NOT NULL,"
    " PRIMARY KEY (tenant, idem_key))",
    "CREATE INDEX idempotency_by_revision ON idempotency (tenant, revision)",
    "CREATE TABLE subscriptions (tenant BIGINT NOT NULL REFERENCES tenants (id), id BIGINT NOT NULL, app BIGINT NOT NULL,"
    " status TEXT NOT NULL, quantity BIGINT, licenses_in_use BIGINT NOT NULL, version BIGINT NOT NULL,"
    " PRIMARY KEY (tenant, id))",
    // One row per license: direct flag, the groups that give it (ids, comma-separated, sorted).
    "CREATE TABLE licenses (tenant BIGINT NOT NULL, subscription BIGINT NOT NULL, user_id BIGINT NOT NULL,"
    " direct SMALLINT NOT NULL, group_ids TEXT NOT NULL, assigned_at BIGINT NOT NULL,"
    " PRIMARY KEY (tenant, subscription, user_id))",
};

/// Added to schema 1 after release 0.1.0, on opening a database without them: when each idempotency
/// record was made (the commit's recorded_at, in the clock's ticks since the epoch, as events'
/// occurred_at), and the latest cutoff a prune removed records before (one row, id 1), which every
/// connection reads with the tenant's head to prune its cache alike. The change is additive: a
/// release 0.1.0 process still reads and writes the file (its records get no time and are kept). A
/// record of 0.1.0 is timed by its request's events: the latest event saved up to its commit.
inline constexpr std::array<std::string_view, 4> idempotency_time_columns{
    "ALTER TABLE idempotency ADD COLUMN recorded_at BIGINT",
    "UPDATE idempotency SET recorded_at = (SELECT max(e.occurred_at) FROM events e"
    " WHERE e.tenant = idempotency.tenant AND e.revision <= idempotency.revision)",
    "CREATE INDEX idempotency_by_time ON idempotency (recorded_at)",
    "CREATE TABLE idempotency_cutoff (id SMALLINT PRIMARY KEY, cutoff BIGINT NOT NULL)",
};

/// Added to schema 1 after release 0.1.0, on opening a database without it: the marketplace's links
/// (isv/marketplace_link.hpp), one row per GUID (its lower-case text). The primary key and the
/// unique pair are the rules "a GUID links to one subscription" and "a subscription has one GUID",
/// so the database decides between two writers linking at once. Additive: release 0.1.0 ignores it.
inline constexpr std::string_view marketplace_links_table =
    "CREATE TABLE marketplace_links (marketplace_id TEXT PRIMARY KEY, tenant BIGINT NOT NULL REFERENCES tenants (id),"
    " subscription BIGINT NOT NULL, UNIQUE (tenant, subscription))";

/// The prepared statements, one text for both dialects: parameters are $1..$n, each first used in
/// order (SQLite numbers `$n` parameters by first appearance, so $n is the n-th).
enum class stmt : unsigned {
  head,
  lock_tenant, ///< PostgreSQL only (the head, locking the tenant's row): SQLite's BEGIN IMMEDIATE already excludes other writers
  tenant_initial,
  events_range,
  idempotency_range,
  apps_range,
  insert_event,
  version_update,
  version_insert,
  subscription_upsert,
  license_upsert,
  license_delete,
  licenses_clear,
  idempotency_insert,
  tenant_advance,
  tenant_insert,
  app_insert,
  cutoff_advance,
  idempotency_prune,
  tenants_all,
  tenant_rewrite,
  link_insert,
  link_by_guid,
  link_by_subscription,
  links_of_tenant,
};
inline constexpr std::size_t statement_count = 25;

// The head read, plain and (PostgreSQL) locking the tenant's row: one text, so the two cannot drift.
#define ISV_DETAIL_SQL_HEAD                                                                                           \
  "SELECT revision, event_count, (SELECT coalesce(max(seq), 0) FROM apps),"                                           \
  " (SELECT cutoff FROM idempotency_cutoff WHERE id = 1) FROM tenants WHERE id = $1"
inline constexpr std::array<std::string_view, statement_count> statements{
    ISV_DETAIL_SQL_HEAD,
    ISV_DETAIL_SQL_HEAD " FOR UPDATE OF tenants",
    "SELECT initial FROM tenants WHERE id = $1",
    "SELECT seq, body FROM events WHERE tenant = $1 AND seq > $2 AND seq <= $3 ORDER BY seq",
    "SELECT body, recorded_at FROM idempotency WHERE tenant = $1 AND revision > $2 AND revision <= $3"
    " ORDER BY revision, idem_key",
    "SELECT body FROM apps WHERE seq > $1 AND seq <= $2 ORDER BY seq",
    "INSERT INTO events (tenant, seq, revision, aggregate_kind, aggregate_id, name, actor, occurred_at, body)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    "UPDATE versions SET version = $1 WHERE tenant = $2 AND aggregate_kind = $3 AND aggregate_id = $4 AND version = $5",
    "INSERT INTO versions (tenant, aggregate_kind, aggregate_id, version) VALUES ($1, $2, $3, $4)",
    "INSERT INTO subscriptions (tenant, id, app, status, quantity, licenses_in_use, version)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant, id) DO UPDATE SET status = excluded.status,"
    " quantity = excluded.quantity, licenses_in_use = excluded.licenses_in_use, version = excluded.version",
    "INSERT INTO licenses (tenant, subscription, user_id, direct, group_ids, assigned_at) VALUES ($1, $2, $3, $4, $5, $6)"
    " ON CONFLICT (tenant, subscription, user_id) DO UPDATE SET direct = excluded.direct, group_ids = excluded.group_ids",
    "DELETE FROM licenses WHERE tenant = $1 AND subscription = $2 AND user_id = $3",
    "DELETE FROM licenses WHERE tenant = $1 AND subscription = $2",
    "INSERT INTO idempotency (tenant, idem_key, revision, operation, fingerprint, body, recorded_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7)",
    "UPDATE tenants SET revision = $1, event_count = $2 WHERE id = $3 AND revision = $4",
    "INSERT INTO tenants (id, revision, event_count, initial) VALUES ($1, 0, 0, $2) ON CONFLICT (id) DO NOTHING",
    // WHERE true: SQLite needs it to tell the upsert clause from a join of the SELECT.
    "INSERT INTO apps (seq, id, body) SELECT coalesce(max(seq), 0) + 1, CAST($1 AS BIGINT), $2 FROM apps WHERE true"
    " ON CONFLICT (id) DO NOTHING",
    "INSERT INTO idempotency_cutoff (id, cutoff) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET cutoff = excluded.cutoff"
    " WHERE idempotency_cutoff.cutoff < excluded.cutoff",
    "DELETE FROM idempotency WHERE recorded_at < $1",
    "SELECT id, initial FROM tenants ORDER BY id",
    "UPDATE tenants SET initial = $1 WHERE id = $2",
    // From the tenant's row, so a tenant that does not exist inserts nothing (as a link taken
    // already does): the writer then asks why. The CAST: PostgreSQL types a bare $n of a SELECT list as text.
    "INSERT INTO marketplace_links (marketplace_id, tenant, subscription) SELECT $1, id, CAST($2 AS BIGINT) FROM tenants"
    " WHERE id = $3 ON CONFLICT DO NOTHING",
    "SELECT tenant, subscription FROM marketplace_links WHERE marketplace_id = $1",
    "SELECT marketplace_id FROM marketplace_links WHERE tenant = $1 AND subscription = $2",
    // One row with NULLs for a tenant without links, none for a tenant that does not exist.
    "SELECT l.marketplace_id, l.subscription FROM tenants t LEFT JOIN marketplace_links l ON l.tenant = t.id"
    " WHERE t.id = $1",
};
#undef ISV_DETAIL_SQL_HEAD

/// One statement parameter: an integer, a text, bytes or NULL. Texts and bytes are borrowed.
struct param {
  enum class kind : unsigned char { null, integer, text, blob };
  kind type = kind::null;
  std::int64_t integer = 0;
  std::string_view bytes{};
};
[[nodiscard]] inline param integer(std::int64_t v) noexcept { return {param::kind::integer, v, {}}; }
[[nodiscard]] inline param text(std::string_view v) noexcept { return {param::kind::text, 0, v}; }
[[nodiscard]] inline param blob(std::string_view v) noexcept { return {param::kind::blob, 0, v}; }
[[nodiscard]] inline param null() noexcept { return {}; }

/// One row of the licenses table a commit writes: the license as the subscription's book holds
/// it after the commit (`held`), or its removal. `added`: the user held no license of the
/// subscription before the commit, so the table has no row for it (a row found anyway is one the
/// library did not write: a storage fault, as any unexpected unique violation).
struct license_row {
  std::int64_t user = 0;
  bool held = false;
  bool added = false;
  bool direct = false;
  std::string groups{}; ///< the ids of the groups that give it, comma-separated, sorted
  std::int64_t assigned_at = 0;
};

/// Ids go into BIGINT columns bit for bit: an unsigned id above INT64_MAX is stored negative.
template <class Rep>
[[nodiscard]] std::int64_t column(const Rep& rep) noexcept {
  return static_cast<std::int64_t>(rep);
}
template <class Tag, class Rep>
[[nodiscard]] std::int64_t column(const basic_id<Tag, Rep>& id) noexcept {
  return static_cast<std::int64_t>(id.value());
}

/// The DDL of one table in a dialect.
[[nodiscard]] inline std::string with_blob_type(std::string_view ddl, std::string_view blob_type) {
  std::string out(ddl);
  for (auto at = out.find("{blob}"); at != std::string::npos; at = out.find("{blob}", at + blob_type.size()))
    out.replace(at, 6, blob_type);
  return out;
}

/// A time point in a BIGINT column (the clock's ticks since the epoch), and back.
template <class TimePoint>
[[nodiscard]] std::int64_t ticks(const TimePoint& at) noexcept {
  return static_cast<std::int64_t>(at.time_since_epoch().count());
}
template <class TimePoint>
[[nodiscard]] TimePoint time_of(std::int64_t ticks) noexcept {
  return TimePoint(typename TimePoint::duration(static_cast<typename TimePoint::rep>(ticks)));
}

/// Adds idempotency_time_columns to a schema-1 database that lacks them (Db::has_recorded_at says).
template <class Db>
[[nodiscard]] result<void> add_idempotency_times(Db& db) {
  BOOST_OUTCOME_TRY(const auto has, db.scalar(Db::has_recorded_at));
  if (has.value_or(0) != 0) return BOOST_OUTCOME_V2_NAMESPACE::success();
  for (const auto& ddl : idempotency_time_columns) {
    BOOST_OUTCOME_TRY(db.exec(ddl));
  }
  return BOOST_OUTCOME_V2_NAMESPACE::success();
}

/// Adds marketplace_links_table to a database that lacks it (Db::has_marketplace_links says).
template <class Db>
[[nodiscard]] result<void> add_marketplace_links(Db& db) {
  BOOST_OUTCOME_TRY(const auto has, db.scalar(Db::has_marketplace_links));
  if (has.value_or(0) != 0) return BOOST_OUTCOME_V2_NAMESPACE::success();
  return db.exec(marketplace_links_table);
}

/// What was added to schema 1 since release 0.1.0, each where it is missing; a database that has
/// them all is not written to.
template <class Db>
[[nodiscard]] result<void> add_what_came_after_0_1(Db& db) {
  BOOST_OUTCOME_TRY(add_idempotency_times(db));
  return add_marketplace_links(db);
}

/// Runs `body` in the dialect's schema transaction (which excludes a concurrent opener): committed
/// when it succeeds, rolled back when it fails.
template <class Db, class Body>
[[nodiscard]] result<void> in_schema_transaction(Db& db, Body&& body) {
  BOOST_OUTCOME_TRY(db.begin_schema());
  if (auto done = body(); !done) {
    db.rollback();
    return done.error();
  }
  return db.commit();
}

/// Creates the schema on a fresh database and checks the version of an existing one; either way,
/// adds what was added to schema 1 since (idempotency_time_columns, marketplace_links_table) if it is missing. A database of
/// version 1 is left at version 1 here: migrate_to_country_codes, which needs the prepared
/// statements, takes it to version 2.
template <class Db>
[[nodiscard]] result<void> prepare_schema(Db& db, std::string_view where) {
  return in_schema_transaction(db, [&]() -> result<void> {
    BOOST_OUTCOME_TRY(db.exec("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)"));
    BOOST_OUTCOME_TRY(auto found, db.scalar("SELECT max(version) FROM schema_version"));
    if (!found) {
      for (const auto& ddl : schema_tables) {
        BOOST_OUTCOME_TRY(db.exec(with_blob_type(ddl, Db::blob_type)));
      }
      BOOST_OUTCOME_TRY(db.exec("INSERT INTO schema_version (version) VALUES (" + std::to_string(schema_version) + ")"));
      return add_what_came_after_0_1(db);
    }
    // Not this library's schema: a fault of the storage, not of the caller's arguments (D-ERR-2).
    if (*found > schema_version)
      return fail(errc::storage_fault,
                  std::string(where) + " has schema version " + std::to_string(*found) + ", newer than version " +
                      std::to_string(schema_version) + " that this isv-licensing knows: open it with a newer release. "
                      "Nothing was changed.");
    if (*found < 1)
      return fail(errc::storage_fault, std::string(where) + " has schema version " + std::to_string(*found) +
                                           ", which no release of isv-licensing wrote: it is not an isv-licensing database.");
    return add_what_came_after_0_1(db);
  });
}

/// Schema 2 (D-BUY-5): a tenant's region is an ISO 3166-1 alpha-2 code. On a database of version 1,
/// rewrites the stored starting value of each tenant whose region is a country's old name
/// ("Germany": "DE") and records version 2, in one schema transaction; a tenant in "Western Europe"
/// or an unknown region keeps it (see isv::sells_to). Events hold no region, so none is rewritten.
/// A database already at version 2 is left as it is, so opening it again changes nothing.
template <sql_storable_traits Traits, class Db>
[[nodiscard]] result<void> migrate_to_country_codes(Db& db) {
  return in_schema_transaction(db, [&]() -> result<void> {
    BOOST_OUTCOME_TRY(const auto found, db.scalar("SELECT max(version) FROM schema_version"));
    if (found.value_or(schema_version) >= 2) return BOOST_OUTCOME_V2_NAMESPACE::success();
    std::vector<std::pair<std::int64_t, std::string>> tenants;
    BOOST_OUTCOME_TRY(db.run(stmt::tenants_all, std::initializer_list<param>{}, [&](const auto& row) {
      tenants.emplace_back(row.integer(0), std::string(row.bytes(1)));
    }));
    for (const auto& [id, initial] : tenants) {
      BOOST_OUTCOME_TRY(auto org, decode<basic_tenant<Traits>>(initial, "the stored tenant " + std::to_string(id)));
      const auto code = country_code_of_name(std::string(org.region.begin(), org.region.end()));
      if (!code) continue;
      org.region = typename Traits::string_type(code->data(), code->size());
      const std::string rewritten = encode(org);
      BOOST_OUTCOME_TRY(db.run(stmt::tenant_rewrite, {blob(rewritten), integer(id)}));
    }
    return db.exec("UPDATE schema_version SET version = 2");
  });
}

/// The repository over one connection: everything but opening the connection, for any dialect.
/// Db provides exec, scalar, begin_schema, begin_write, commit, rollback, run(stmt, params, on_row)
/// returning the rows changed (a row has integer, bytes and is_null); for a commit's writes,
/// send(stmt, params, conflict) (a write whose failure, or whose changing no row when `conflict`
/// is not empty, fails the commit: the latter with errc::conflict and that sentence),
/// send_licenses(tenant, subscription, rows) and flush(), after which every write sent has run and
/// been checked (a dialect may run each write when it is sent, or send them together at flush);
/// `row_locks` (whether a commit
/// must lock the tenant row), `lock_apps` (a statement that serializes catalog inserts, or empty)
/// `has_recorded_at` (a query counting the idempotency table's recorded_at column) and
/// `has_marketplace_links` (a query counting the tables named marketplace_links).
template <sql_storable_traits Traits, class Db>
class store {
public:
  using traits_type = Traits;
  using memory_type = basic_memory_repository<Traits>;
  using view_type = typename memory_type::view;
  using tenant_id = tenant_id_t<Traits>;

  explicit store(Db db) : db_(std::move(db)) {}
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  [[nodiscard]] result<view_type> read(const tenant_id& t) {
    std::lock_guard lock(mutex_);
    BOOST_OUTCOME_TRY(const auto h, head(t));
    BOOST_OUTCOME_TRY(auto* c, caught_up(t, h));
    return c->memory->read(t);
  }

  [[nodiscard]] result<std::vector<basic_event<Traits>>> events(const tenant_id& t, std::size_t after) {
    std::lock_guard lock(mutex_);
    BOOST_OUTCOME_TRY(const auto h, head(t));
    BOOST_OUTCOME_TRY(auto* c, caught_up(t, h));
    return c->memory->events(t, after);
  }

  [[nodiscard]] result<void> create_tenant(basic_tenant<Traits> org) {
    BOOST_OUTCOME_TRY(check_country_code(std::string(org.region.begin(), org.region.end())));
    std::lock_guard lock(mutex_);
    const std::string initial = encode(org);
    return in_transaction([&]() -> result<void> {
      BOOST_OUTCOME_TRY(const auto added, db_.run(stmt::tenant_insert, {integer(column(org.id)), blob(initial)}));
      if (added == 0) return fail(errc::already_exists, describe(org.id) + " already exists.");
      BOOST_OUTCOME_TRY(insert_version(org.id, {aggregate_kind::tenants, org.id.value()}, org.version));
      BOOST_OUTCOME_TRY(insert_version(org.id, {aggregate_kind::directories, org.id.value()}, 0));
      return BOOST_OUTCOME_V2_NAMESPACE::success();
    });
  }

  [[nodiscard]] result<void> add_app(basic_app<Traits> product) {
    std::lock_guard lock(mutex_);
    const std::string body = encode(product);
    return in_transaction([&]() -> result<void> {
      if constexpr (!Db::lock_apps.empty()) {
        BOOST_OUTCOME_TRY(db_.exec(Db::lock_apps));
      }
      BOOST_OUTCOME_TRY(const auto added, db_.run(stmt::app_insert, {integer(column(product.id)), blob(body)}));
      if (added == 0) return fail(errc::already_exists, describe(product.id) + " is already in the catalog.");
      return BOOST_OUTCOME_V2_NAMESPACE::success();
    });
  }

  [[nodiscard]] result<void> commit(basic_commit<Traits> c) {
    std::lock_guard lock(mutex_);
    const tenant_id t = c.tenant;
    BOOST_OUTCOME_TRY(db_.begin_write());
    bool cache_changed = false;
    auto done = write(std::move(c), cache_changed);
    if (!done) {
      db_.rollback();
      if (cache_changed) mark_stale(t);
      return done.error();
    }
    if (auto committed = db_.commit(); !committed) {
      db_.rollback();
      mark_stale(t);
      return committed.error();
    }
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

  /// Deletes the records made before `before` and raises the database's cutoff to it in one
  /// transaction, then prunes this store's caches alike; other stores prune theirs when their next
  /// read sees the cutoff.
  [[nodiscard]] result<std::size_t> prune_idempotency(const time_point_t<Traits>& before) {
    std::lock_guard lock(mutex_);
    const std::int64_t cutoff = ticks(before);
    std::int64_t removed = 0;
    BOOST_OUTCOME_TRY(in_transaction([&]() -> result<void> {
      BOOST_OUTCOME_TRY(db_.run(stmt::cutoff_advance, {integer(cutoff)}));
      BOOST_OUTCOME_TRY(const auto deleted, db_.run(stmt::idempotency_prune, {integer(cutoff)}));
      removed = deleted;
      return BOOST_OUTCOME_V2_NAMESPACE::success();
    }));
    for (auto& entry : cache_) {
      cached& c = entry.second;
      if (c.stale || cutoff <= c.cutoff) continue;
      BOOST_OUTCOME_TRY(c.memory->prune_idempotency(before));
      c.cutoff = cutoff;
    }
    return static_cast<std::size_t>(removed);
  }

  /// Links a marketplace GUID (rules: isv/marketplace_link.hpp) in a transaction of its own. The
  /// database's keys refuse a taken GUID or subscription, not a read made before the insert, so of
  /// two writers linking at once only one inserts; the other then answers from the row that won.
  [[nodiscard]] result<void> link_marketplace(const basic_marketplace_link<Traits>& link) {
    BOOST_OUTCOME_TRY(check_marketplace_link(link));
    std::lock_guard lock(mutex_);
    const std::string guid = link.marketplace_subscription.to_string();
    return in_transaction([&]() -> result<void> {
      BOOST_OUTCOME_TRY(const auto inserted, db_.run(stmt::link_insert, {text(guid), integer(column(link.subscription)),
                                                                         integer(column(link.tenant))}));
      if (inserted == 1) return BOOST_OUTCOME_V2_NAMESPACE::success();
      // Nothing inserted: the tenant does not exist, the GUID is linked, or the subscription has a GUID.
      bool tenant_exists = false;
      BOOST_OUTCOME_TRY(db_.run(stmt::head, {integer(column(link.tenant))}, [&](const auto&) { tenant_exists = true; }));
      if (!tenant_exists) return marketplace_link_without_tenant(link);
      BOOST_OUTCOME_TRY(const auto linked, link_of(link.marketplace_subscription));
      if (linked) {
        if (*linked == link) return BOOST_OUTCOME_V2_NAMESPACE::success(); // linked so already: nothing changes
        return marketplace_guid_taken(*linked, link);
      }
      std::optional<std::string> other;
      BOOST_OUTCOME_TRY(db_.run(stmt::link_by_subscription, {integer(column(link.tenant)), integer(column(link.subscription))},
                                [&](const auto& row) { other = std::string(row.bytes(0)); }));
      if (other) {
        BOOST_OUTCOME_TRY(const auto guid_of_other, stored_guid(*other));
        return marketplace_subscription_taken(basic_marketplace_link<Traits>{guid_of_other, link.tenant, link.subscription}, link);
      }
      return fail(errc::storage_fault, "The database refused to link the marketplace subscription " + guid + " to " +
                                           describe(link.subscription) + " of " + describe(link.tenant) +
                                           " but holds no link that stands in its way: it was changed by another program. "
                                           "Nothing was saved.");
    });
  }

  /// The link of a GUID: one lookup by the table's primary key.
  [[nodiscard]] result<std::optional<basic_marketplace_link<Traits>>> find_marketplace_link(const marketplace_guid& guid) {
    std::lock_guard lock(mutex_);
    return link_of(guid);
  }

  /// A tenant's links, sorted by subscription id (by the ids' order, which for unsigned ids is not
  /// the order of the BIGINT columns that hold them bit for bit).
  [[nodiscard]] result<std::vector<basic_marketplace_link<Traits>>> marketplace_links(const tenant_id& t) {
    std::lock_guard lock(mutex_);
    bool tenant_exists = false;
    std::vector<std::pair<std::string, std::int64_t>> rows;
    BOOST_OUTCOME_TRY(db_.run(stmt::links_of_tenant, {integer(column(t))}, [&](const auto& row) {
      tenant_exists = true;
      if (!row.is_null(0)) rows.emplace_back(row.bytes(0), row.integer(1));
    }));
    if (!tenant_exists) return fail(errc::not_found, describe(t) + " does not exist.");
    std::vector<basic_marketplace_link<Traits>> out;
    out.reserve(rows.size());
    for (const auto& [text_form, linked] : rows) {
      BOOST_OUTCOME_TRY(const auto guid, stored_guid(text_form));
      out.push_back({guid, t, subscription_id_t<Traits>{static_cast<typename Traits::id_rep>(linked)}});
    }
    std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.subscription < y.subscription; });
    return out;
  }

  [[nodiscard]] Db& database() noexcept { return db_; }

private:
  /// A GUID as the links table holds it; anything else was written by another program (D-ERR-2).
  [[nodiscard]] static result<marketplace_guid> stored_guid(std::string_view text_form) {
    if (const auto guid = marketplace_guid::parse(text_form)) return *guid;
    return fail(errc::corrupt_data, "The marketplace link \"" + std::string(text_form) +
                                        "\" is not a GUID: the database was changed by another program or is damaged.");
  }

  result<std::optional<basic_marketplace_link<Traits>>> link_of(const marketplace_guid& guid) {
    const std::string key = guid.to_string();
    std::optional<basic_marketplace_link<Traits>> found;
    BOOST_OUTCOME_TRY(db_.run(stmt::link_by_guid, {text(key)}, [&](const auto& row) {
      found = basic_marketplace_link<Traits>{guid, tenant_id{static_cast<typename Traits::id_rep>(row.integer(0))},
                                             subscription_id_t<Traits>{static_cast<typename Traits::id_rep>(row.integer(1))}};
    }));
    return found;
  }

  /// No prune yet: below every time a record can have.
  static constexpr std::int64_t no_cutoff = std::numeric_limits<std::int64_t>::min();

  struct head_row {
    count_t revision = 0;
    count_t seq = 0;
    count_t app_seq = 0;
    std::int64_t cutoff = no_cutoff;
  };
  struct cached {
    /// Made once and never replaced while the store lives: views point into it.
    std::unique_ptr<memory_type> memory{};
    count_t revision = 0;
    count_t seq = 0;
    count_t app_seq = 0;
    std::int64_t cutoff = no_cutoff; ///< the database's prune cutoff this cache was pruned to
    bool stale = false;
  };

  template <class Body>
  result<void> in_transaction(Body&& body) {
    BOOST_OUTCOME_TRY(db_.begin_write());
    if (auto done = body(); !done) {
      db_.rollback();
      return done.error();
    }
    if (auto committed = db_.commit(); !committed) {
      db_.rollback();
      return committed.error();
    }
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

  /// The tenant's head row; with stmt::lock_tenant, also locks it until the transaction ends.
  result<head_row> head(const tenant_id& t, stmt query = stmt::head) {
    std::optional<head_row> found;
    BOOST_OUTCOME_TRY(db_.run(query, {integer(column(t))}, [&](const auto& row) {
      found = head_row{row.integer(0), row.integer(1), row.integer(2), row.is_null(3) ? no_cutoff : row.integer(3)};
    }));
    if (!found) return fail(errc::not_found, describe(t) + " does not exist.");
    return *found;
  }

  /// A new aggregate's version row, sent with the transaction's other writes.
  result<void> insert_version(const tenant_id& t, const basic_aggregate_ref<Traits>& a, count_t version) {
    return db_.send(stmt::version_insert, {integer(column(t)), text(to_string(a.kind)), integer(column(a.id)), integer(version)});
  }

  [[nodiscard]] static error missing_event(const tenant_id& t, count_t position) {
    return fail(errc::corrupt_data, "The event log of " + describe(t) + " has no event at position " + std::to_string(position) +
                                        ": the database was changed by another program or is damaged.");
  }
  [[nodiscard]] static error corrupt_event(const tenant_id& t, count_t position, const std::string& why) {
    return fail(errc::corrupt_data, "The event of " + describe(t) + " at position " + std::to_string(position) +
                                        " is damaged: " + why);
  }

  void mark_stale(const tenant_id& t) {
    if (const auto it = cache_.find(t); it != cache_.end()) it->second.stale = true;
  }

  /// Starts a tenant's cache again from the tenant's initial value: an existing cache is emptied in
  /// place (memory_type::clear waits for its views to end), never replaced, so no copy of a state
  /// that a failed commit left behind outlives this call. Events, apps and records follow in caught_up.
  result<void> load(const tenant_id& t, cached& c) {
    std::optional<std::string> initial;
    BOOST_OUTCOME_TRY(db_.run(stmt::tenant_initial, {integer(column(t))},
                              [&](const auto& row) { initial = std::string(row.bytes(0)); }));
    if (!initial) return fail(errc::not_found, describe(t) + " does not exist.");
    BOOST_OUTCOME_TRY(auto org, decode<basic_tenant<Traits>>(*initial, describe(t)));
    if (c.memory) c.memory->clear();
    else c.memory = std::make_unique<memory_type>();
    c.revision = 0;
    c.seq = 0;
    c.app_seq = 0;
    c.cutoff = no_cutoff;
    c.stale = true; // until the tenant is back in it
    BOOST_OUTCOME_TRY(c.memory->restore_tenant(std::move(org))); // as stored: its region was checked when created
    c.stale = false;
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

  /// The tenant's cache, brought to the head `h` read from the database.
  result<cached*> caught_up(const tenant_id& t, const head_row& h) {
    auto [it, fresh] = cache_.try_emplace(t);
    cached& c = it->second;
    if (fresh || c.stale) {
      if (auto loaded = load(t, c); !loaded) {
        if (fresh) cache_.erase(it); // never handed out: nothing points into it
        return loaded.error();
      }
    }
    auto refresh = [&]() -> result<void> {
      if (h.app_seq > c.app_seq) {
        std::vector<std::string> bodies;
        BOOST_OUTCOME_TRY(db_.run(stmt::apps_range, {integer(c.app_seq), integer(h.app_seq)},
                                  [&](const auto& row) { bodies.emplace_back(row.bytes(0)); }));
        for (const auto& body : bodies) {
          BOOST_OUTCOME_TRY(auto product, decode<basic_app<Traits>>(body, "app"));
          (void)c.memory->add_app(std::move(product)); // already there after a rebuild: nothing to do
        }
        c.app_seq = h.app_seq;
      }
      if (h.seq > c.seq) {
        // Positions run c.seq + 1 .. h.seq without a gap, each event reads back and the events
        // replay; anything else is a log another program changed (D-ERR-2).
        basic_commit<Traits> replay{t, {}, {}, {}};
        std::optional<error> bad;
        BOOST_OUTCOME_TRY(db_.run(stmt::events_range, {integer(column(t)), integer(c.seq), integer(h.seq)},
                                  [&](const auto& row) {
                                    if (bad) return;
                                    const count_t expected = c.seq + static_cast<count_t>(replay.events.size()) + 1;
                                    if (row.integer(0) != expected) {
                                      bad = missing_event(t, expected);
                                      return;
                                    }
                                    auto e = decode<basic_event<Traits>>(row.bytes(1), "event");
                                    if (e) replay.events.push_back(std::move(e).value());
                                    else bad = corrupt_event(t, expected, e.error().message);
                                  }));
        if (bad) return *bad;
        if (static_cast<count_t>(replay.events.size()) != h.seq - c.seq)
          return missing_event(t, c.seq + static_cast<count_t>(replay.events.size()) + 1);
        if (auto replayed = c.memory->commit(std::move(replay)); !replayed)
          return fail(errc::corrupt_data, "The events of " + describe(t) + " at positions " + std::to_string(c.seq + 1) +
                                              " to " + std::to_string(h.seq) + " do not replay (" + replayed.error().message +
                                              "): the database was changed by another program or is damaged.");
        c.seq = h.seq;
      }
      // A prune another store made: the cached records go as the database's did, before the
      // records saved since are read (which the prune has already thinned).
      if (h.cutoff > c.cutoff) {
        BOOST_OUTCOME_TRY(c.memory->prune_idempotency(time_of<time_point_t<Traits>>(h.cutoff)));
        c.cutoff = h.cutoff;
      }
      if (h.revision > c.revision) {
        // A record without a time (release 0.1.0 wrote it, and no event dates it) is kept, never
        // pruned, as DELETE ... WHERE recorded_at < cutoff keeps its row.
        std::vector<std::pair<std::string, time_point_t<Traits>>> rows;
        BOOST_OUTCOME_TRY(db_.run(stmt::idempotency_range, {integer(column(t)), integer(c.revision), integer(h.revision)},
                                  [&](const auto& row) {
                                    rows.emplace_back(row.bytes(0), row.is_null(1) ? time_point_t<Traits>::max()
                                                                                    : time_of<time_point_t<Traits>>(row.integer(1)));
                                  }));
        for (auto& [body, recorded_at] : rows) {
          auto record = decode<basic_idempotency_record<Traits>>(body, "idempotency record");
          if (!record)
            return fail(errc::corrupt_data, "An idempotency record of " + describe(t) + " is damaged: " + record.error().message);
          if (auto kept = c.memory->commit(basic_commit<Traits>{t, {}, {}, std::move(record).value(), recorded_at}); !kept)
            return fail(errc::corrupt_data, "An idempotency record of " + describe(t) + " does not fit its log (" +
                                                kept.error().message + "): the database was changed by another program.");
        }
        c.revision = h.revision;
      }
      return BOOST_OUTCOME_V2_NAMESPACE::success();
    };
    if (auto done = refresh(); !done) {
      c.stale = true;
      return done.error();
    }
    return &c;
  }

  /// Everything of a commit between BEGIN and COMMIT; `cache_changed` tells the caller whether a
  /// failure must invalidate the cache.
  result<void> write(basic_commit<Traits> c, bool& cache_changed) {
    const tenant_id t = c.tenant;
    BOOST_OUTCOME_TRY(const auto h, head(t, Db::row_locks ? stmt::lock_tenant : stmt::head));
    BOOST_OUTCOME_TRY(auto* entry, caught_up(t, h));
    memory_type& memory = *entry->memory;

    // The aggregates the events change, with their versions before: the database's, since the
    // cache was caught up under the write lock.
    struct touched {
      basic_aggregate_ref<Traits> aggregate;
      count_t before = 0;
      bool created = false;
    };
    std::vector<touched> changed;
    {
      BOOST_OUTCOME_TRY(auto v, memory.read(t));
      BOOST_OUTCOME_TRY(check_commit(v, c));
      for (const auto& e : c.events) {
        const auto a = aggregate_of(e);
        auto it = std::find_if(changed.begin(), changed.end(), [&](const touched& x) { return x.aggregate == a; });
        if (it == changed.end()) changed.push_back({a, current_version(v, a), creates_aggregate(e)});
      }
    }
    std::vector<std::string> bodies;
    bodies.reserve(c.events.size());
    for (const auto& e : c.events) bodies.push_back(encode(e));
    std::optional<std::string> record;
    if (c.idempotency) record = encode(*c.idempotency);
    const std::vector<basic_event<Traits>> events = c.events;
    const auto idempotency = c.idempotency;
    const std::int64_t recorded_at = ticks(c.recorded_at);

    BOOST_OUTCOME_TRY(memory.commit(std::move(c)));
    cache_changed = true;

    const count_t revision = h.revision + 1;
    count_t seq = h.seq;
    for (std::size_t i = 0; i < events.size(); ++i) {
      const auto& e = events[i];
      const auto a = aggregate_of(e);
      BOOST_OUTCOME_TRY(db_.send(stmt::insert_event,
                                 {integer(column(t)), integer(++seq), integer(revision), text(to_string(a.kind)),
                                  integer(column(a.id)), text(event_name<Traits>(e.payload)),
                                  e.actor ? integer(column(*e.actor)) : null(),
                                  integer(static_cast<std::int64_t>(e.at.time_since_epoch().count())), blob(bodies[i])}));
    }
    {
      BOOST_OUTCOME_TRY(auto v, memory.read(t));
      for (const auto& x : changed) {
        const count_t after = current_version(v, x.aggregate);
        if (x.created) {
          BOOST_OUTCOME_TRY(insert_version(t, x.aggregate, after));
          continue;
        }
        BOOST_OUTCOME_TRY(db_.send(stmt::version_update,
                                   {integer(after), integer(column(t)), text(to_string(x.aggregate.kind)),
                                    integer(column(x.aggregate.id)), integer(x.before)},
                                   describe(x.aggregate) + " of " + describe(t) +
                                       " changed in the database under this commit. Nothing was saved; retry from fresh state."));
      }
      BOOST_OUTCOME_TRY(write_rows(t, v, events, changed));
    }
    if (idempotency) {
      BOOST_OUTCOME_TRY(db_.send(stmt::idempotency_insert,
                                 {integer(column(t)), text(idempotency->key), integer(revision), text(idempotency->operation),
                                  integer(static_cast<std::int64_t>(idempotency->fingerprint)), blob(*record),
                                  integer(recorded_at)}));
    }
    BOOST_OUTCOME_TRY(db_.send(stmt::tenant_advance, {integer(revision), integer(seq), integer(column(t)), integer(h.revision)},
                               "Another writer saved to " + describe(t) + " under this commit. Nothing was saved; retry."));
    // Every write has run and been checked: only COMMIT is left.
    BOOST_OUTCOME_TRY(db_.flush());
    entry->revision = revision;
    entry->seq = seq;
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

  /// The derived rows: each license a commit's events touch, and each subscription it changes, as
  /// they are now in the (already updated) cache. A license touched twice is written once, as it is
  /// now; a deactivated subscription's rows are cleared before its touched rows are written.
  template <class Touched>
  result<void> write_rows(const tenant_id& t, const view_type& v, const std::vector<basic_event<Traits>>& events,
                          const std::vector<Touched>& changed) {
    struct touched_user {
      user_id_t<Traits> user;
      bool added = false; ///< the first event of the commit that touches it grants the user a new license
    };
    struct book_rows {
      subscription_id_t<Traits> subscription;
      bool cleared = false;
      std::vector<touched_user> users{};
    };
    std::vector<book_rows> books;
    for (const auto& e : events) {
      const auto sub = subscription_of(e);
      if (!sub) continue;
      auto it = std::find_if(books.begin(), books.end(), [&](const book_rows& b) { return b.subscription == *sub; });
      if (it == books.end()) it = books.insert(books.end(), book_rows{*sub});
      const auto add = [&](const auto& users, bool added) {
        for (const auto& user : users) it->users.push_back({user, added});
      };
      if (const auto* granted = std::get_if<basic_licenses_granted<Traits>>(&e.payload)) {
        add(granted->new_holders, true);
        add(granted->added_path, false);
      } else if (const auto* released = std::get_if<basic_licenses_released<Traits>>(&e.payload)) {
        add(released->released, false);
        add(released->removed_path, false);
      } else if (std::holds_alternative<basic_subscription_deactivated<Traits>>(e.payload)) {
        it->cleared = true;
      }
    }
    std::vector<license_row> rows;
    for (auto& b : books) {
      if (b.cleared) {
        BOOST_OUTCOME_TRY(db_.send(stmt::licenses_clear, {integer(column(t)), integer(column(b.subscription))}));
      }
      if (b.users.empty()) continue;
      // Each user once, as the first event that touched it saw it.
      const auto by_user = [](const touched_user& x, const touched_user& y) { return x.user < y.user; };
      std::stable_sort(b.users.begin(), b.users.end(), by_user);
      b.users.erase(std::unique(b.users.begin(), b.users.end(),
                                [](const touched_user& x, const touched_user& y) { return x.user == y.user; }),
                    b.users.end());
      const auto* book = v.find_license_book(b.subscription);
      rows.clear();
      rows.reserve(b.users.size());
      for (const auto& [user, added] : b.users) {
        license_row& row = rows.emplace_back();
        row.user = column(user);
        row.added = added && !b.cleared;
        const auto paths = book ? book->find(user) : std::nullopt;
        if (!paths) continue;
        row.held = true;
        row.direct = paths->direct;
        for (const auto& g : paths->groups) {
          if (!row.groups.empty()) row.groups += ',';
          row.groups += std::to_string(column(g));
        }
        row.assigned_at = static_cast<std::int64_t>(paths->assigned_at.time_since_epoch().count());
      }
      BOOST_OUTCOME_TRY(db_.send_licenses(column(t), column(b.subscription), rows));
    }
    for (const auto& x : changed) {
      if (x.aggregate.kind != aggregate_kind::subscriptions) continue;
      const auto* s = v.find_subscription(subscription_id_t<Traits>{x.aggregate.id});
      if (s == nullptr) continue;
      BOOST_OUTCOME_TRY(db_.send(stmt::subscription_upsert,
                                 {integer(column(t)), integer(column(s->id)), integer(column(s->app)), text(to_string(s->status)),
                                  s->quantity ? integer(*s->quantity) : null(), integer(s->licenses_in_use),
                                  integer(s->version)}));
    }
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

  Db db_;
  std::mutex mutex_{};
  std::unordered_map<tenant_id, cached> cache_{};
};

/// The public face of a SQL repository (basic_sqlite_repository, basic_postgres_repository):
/// movable (the store stays put, so views and the connection do not move), and satisfying isv::repository
/// and isv::marketplace_link_store.
/// What both backends promise: each commit is one database transaction that re-checks the versions
/// against the database, and each read catches up with what other processes saved (D-CONC-1); an
/// idempotency key is unique per tenant (D-IDEM-1). A view holds a read lock on its tenant's cache:
/// end it before committing, and hold one view per thread at a time. `open` refuses, with
/// errc::storage_fault, a database it cannot open, one that is not an isv-licensing database and
/// one written by a newer schema version; it migrates a database of release 0.1 (schema 1) to
/// schema 2, whose tenants' regions are ISO 3166-1 codes (D-BUY-5, migrate_to_country_codes).
/// Afterwards, only another writer winning is errc::conflict
/// (retried by the admin center); a fault of the storage (full, read-only, lost, damaged) is
/// errc::storage_fault and an event that does not read back is errc::corrupt_data (D-ERR-2).
template <sql_storable_traits Traits, class Db>
class handle {
public:
  using traits_type = Traits;
  using view_type = typename store<Traits, Db>::view_type;
  using options_type = typename Db::options_type;

  /// Opens the database `where` names (a SQLite file's path, a PostgreSQL connection string) and
  /// creates or checks its schema. The backend's header says which refusals it gives.
  [[nodiscard]] static result<handle> open(const std::string& where, const options_type& options = {}) {
    BOOST_OUTCOME_TRY(auto db, Db::open(where, options));
    BOOST_OUTCOME_TRY(migrate_to_country_codes<Traits>(db));
    return handle(std::move(db));
  }

  /// The connection, for reports over the derived tables (subscriptions, licenses); do not write.
  [[nodiscard]] auto* native_handle() noexcept { return store_->database().native_handle(); }

  /// A consistent read of one tenant, caught up with every commit saved before it (by any process).
  /// The view holds a read lock on the tenant's cache: end it before committing (a commit, and the
  /// rebuild of a cache after a failed commit, wait for it).
  [[nodiscard]] result<view_type> read(const tenant_id_t<Traits>& t) { return store_->read(t); }
  /// Checks, applies and saves one commit in one database transaction (see basic_commit).
  [[nodiscard]] result<void> commit(basic_commit<Traits> c) { return store_->commit(std::move(c)); }
  [[nodiscard]] result<std::vector<basic_event<Traits>>> events(const tenant_id_t<Traits>& t, std::size_t after = 0) {
    return store_->events(t, after);
  }
  [[nodiscard]] result<void> create_tenant(basic_tenant<Traits> org) { return store_->create_tenant(std::move(org)); }
  [[nodiscard]] result<void> add_app(basic_app<Traits> product) { return store_->add_app(std::move(product)); }
  /// Removes the idempotency records of commits recorded before `before`, in every tenant and for
  /// every repository on the database (each drops them from its cache on its next read).
  [[nodiscard]] result<std::size_t> prune_idempotency(const time_point_t<Traits>& before) {
    return store_->prune_idempotency(before);
  }

  /// The marketplace's links (isv::marketplace_link_store): each written in a transaction of its
  /// own, read straight from the database (no cache), so every process sees a link once it is saved.
  [[nodiscard]] result<void> link_marketplace(basic_marketplace_link<Traits> link) { return store_->link_marketplace(link); }
  [[nodiscard]] result<std::optional<basic_marketplace_link<Traits>>> find_marketplace_link(const marketplace_guid& guid) {
    return store_->find_marketplace_link(guid);
  }
  [[nodiscard]] result<std::vector<basic_marketplace_link<Traits>>> marketplace_links(const tenant_id_t<Traits>& t) {
    return store_->marketplace_links(t);
  }

private:
  explicit handle(Db db) : store_(std::make_unique<store<Traits, Db>>(std::move(db))) {}

  std::unique_ptr<store<Traits, Db>> store_;
};

} // namespace isv::detail::sql
