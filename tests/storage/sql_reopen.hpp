// For the SQL backends: every kind of event and stored value, read back by a second repository on the same database, equals what the first one saved (the stored binary form, D-AUDIT-1, D-IDEM-1); a database of schema 1 is migrated to country codes (D-BUY-5); the marketplace's links outlive the connection and are decided by the database.
#pragma once

#include "conformance.hpp"

#include "isv/storage/detail/codec.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <latch>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

namespace conformance {

/// Runs operations that produce every kind of event and idempotency value through `first`, then
/// checks that `second` (a fresh repository on the same database) reads the same log and state.
template <class Repository>
void a_second_repository_reads_back_everything(Repository& first, Repository& second) {
  seed(first);
  isv::basic_admin_center center{first};
  using namespace std::chrono_literals;
  ok(center.purchase(tenant_a, admin, buy(sub_saas, saas_app, 3), now, "k-purchase"));
  ok(center.activate(tenant_a, admin, {sub_saas}, now));
  ok(center.purchase(tenant_a, admin, buy(sub_1, isv_app, 4), now));
  ok(center.install(tenant_a, admin, {sub_1}, now, "k-install"));
  ok(center.purchase(tenant_a, admin, buy(sub_2, flat_app, std::nullopt), now));
  ok(center.set_auto_renew(tenant_a, admin, {sub_1, false}, now));
  ok(center.create_billing_profile(tenant_a, admin, {profile_2, "Second", {"Bo", "2 Side St"}}, now));
  ok(center.change_contact_info(tenant_a, admin, {profile_2, {"Cy", "3 High St, Ærø"}}, now));
  ok(center.add_payment_method(tenant_a, admin, {profile_2, {card, isv::payment_method_kind::credit_card, "Visa 4242"}}, now));
  ok(center.add_payment_method(tenant_a, admin, {profile_2, {wire, isv::payment_method_kind::check_or_wire_transfer, "Wire"}}, now));
  ok(center.set_default_payment_method(tenant_a, admin, {profile_2, wire}, now));
  ok(center.remove_payment_method(tenant_a, admin, {profile_2, card}, now));
  ok(center.set_billing_role(tenant_a, admin, {profile_2, user(3), isv::billing_role::invoice_manager}, now));
  ok(center.change_billing_profile(tenant_a, admin, {sub_saas, profile_2}, now));
  ok(center.issue_invoice(tenant_a, {invoice_1, profile_2}, now, "k-invoice"));
  ok(center.collect_overdue(tenant_a, {invoice_1}, now + 31 * 24h));
  ok(center.pay_invoice(tenant_a, user(3), {invoice_1, std::nullopt}, now + 32 * 24h));
  ok(center.grant_role(tenant_a, admin, {user(6), isv::directory_role::license_administrator}, now));
  ok(center.revoke_role(tenant_a, admin, {user(6), isv::directory_role::license_administrator}, now));
  ok(center.create_group(tenant_a, admin, {sales, "Sales"}, now));
  ok(center.add_members(tenant_a, admin, {sales, users(1, 6)}, now));
  ok(center.assign(tenant_a, license_admin, {sub_1, {user(7)}, {sales}}, now, "k-assign"));
  ok(center.preview_unassign(tenant_a, admin, {sub_1, {user(7)}, {sales}}, now, "k-preview"));
  ok(center.remove_members(tenant_a, admin, {sales, {user(1)}}, now));
  ok(center.reprocess(tenant_a, admin, {sub_1}, now));
  ok(center.change_quantity(tenant_a, admin, {sub_1, 6}, now));
  ok(center.advance_to(tenant_a, {}, now + 400 * 24h));
  ok(center.cancel(tenant_a, admin, {sub_2}, now + 401 * 24h));

  // Plans, proration and the marketplace's ledger (D-PLAN-1, D-PRORATE-1, D-MKT-1): an app with plans
  // sold through the marketplace, its decisions, a repeat, and an admin's plan change.
  auto planned = make_app(isv::app_id{40}, isv::app_kind::saas, isv::pricing_model::per_user);
  planned.plans = {{isv::plan_id{1}, "Small", isv::pricing_model::per_user, planned.monthly_price, planned.annual_price,
                    std::nullopt, 5, "small"},
                   {isv::plan_id{2}, "Large", isv::pricing_model::per_user, isv::money{2000, planned.monthly_price.unit},
                    std::nullopt, std::nullopt, std::nullopt, "large"}};
  ok(first.add_app(planned));
  const isv::subscription_id sold{4000};
  const auto later = now + 402 * 24h;
  const auto op = [](int n) { return "00000000-0000-4000-8000-00000000000" + std::to_string(n); };
  ok(center.marketplace_subscribe(tenant_a, {op(1), sold, "1b4e28ba-2fa1-11d2-883f-0016d3cca427", planned.id, std::nullopt, 3,
                                             isv::billing_term::monthly, profile_1, later},
                                  later, "k-marketplace"));
  ok(center.marketplace_activate(tenant_a, {op(2), sold, later}, later));
  ok(center.handle_marketplace_webhook(tenant_a, {op(3), sold, isv::marketplace_action::change_quantity, std::nullopt, 4, later + 24h},
                                       later + 24h));
  const auto rejected = ok(center.handle_marketplace_webhook(
      tenant_a, {op(4), sold, isv::marketplace_action::change_quantity, std::nullopt, 9, later + 48h}, later + 48h));
  CHECK(rejected.value.outcome == isv::marketplace_outcome::rejected);
  ok(center.change_plan(tenant_a, admin, {sold, isv::plan_id{2}, std::nullopt}, later + 72h));
  {
    const auto stored = ok(second.read(tenant_a));
    const auto* s = stored.find_subscription(sold);
    REQUIRE(s != nullptr);
    CHECK(s->plan == isv::plan_id{2});
    CHECK(s->marketplace_ledger.size() == 4);
    CHECK(s->charges.size() == 3); // the term, the quantity's proration, the plan's
    REQUIRE(stored.find_app(planned.id) != nullptr);
    CHECK(*stored.find_app(planned.id) == planned);
  }

  const auto log = ok(first.events(tenant_a, 0));
  CHECK(ok(second.events(tenant_a, 0)) == log);
  std::vector<std::size_t> kinds;
  for (const auto& e : log) kinds.push_back(e.payload.index());
  std::sort(kinds.begin(), kinds.end());
  kinds.erase(std::unique(kinds.begin(), kinds.end()), kinds.end());
  CHECK(kinds.size() >= 28); // nearly every kind of event went through the stored form

  auto a = ok(first.read(tenant_a));
  auto b = ok(second.read(tenant_a));
  CHECK(a.tenant() == b.tenant());
  CHECK(a.directory() == b.directory());
  CHECK(a.directory_version() == b.directory_version());
  CHECK(a.subscription_ids() == b.subscription_ids());
  for (const auto& id : a.subscription_ids()) {
    CHECK(*a.find_subscription(id) == *b.find_subscription(id));
    CHECK(*a.find_license_book(id) == *b.find_license_book(id));
  }
  for (const auto& p : {profile_1, profile_2}) CHECK(*a.find_billing_profile(p) == *b.find_billing_profile(p));
  CHECK(*a.find_invoice(invoice_1) == *b.find_invoice(invoice_1));
  for (const char* key : {"k-purchase", "k-install", "k-invoice", "k-assign", "k-preview", "k-marketplace"}) {
    INFO(key);
    REQUIRE(b.find_idempotency(key) != nullptr);
    CHECK(*a.find_idempotency(key) == *b.find_idempotency(key));
  }
  CHECK(std::holds_alternative<std::string>(b.find_idempotency("k-install")->value));
  CHECK(std::holds_alternative<isv::invoice>(b.find_idempotency("k-invoice")->value));
  CHECK(std::holds_alternative<isv::assignment_report>(b.find_idempotency("k-assign")->value));
  CHECK(std::holds_alternative<isv::unassign_preview>(b.find_idempotency("k-preview")->value));
  CHECK(std::holds_alternative<isv::marketplace_decision>(b.find_idempotency("k-marketplace")->value));
}

/// D-IDEM-1: a record pruned through one repository is gone for another on the same database that
/// had it cached, which then takes the key as a new request; its new record reaches the first.
/// Each repository prunes its cache by the times it read from the database.
template <class Repository>
void a_pruned_record_is_gone_for_every_connection(Repository& first, Repository& second) {
  using namespace std::chrono_literals;
  seed(first);
  isv::basic_admin_center one{first};
  isv::basic_admin_center two{second};
  ok(one.purchase(tenant_a, admin, buy(sub_1, isv_app, 5), now));
  ok(one.assign(tenant_a, admin, {sub_1, {user(1)}, {}}, now, "k"));
  ok(one.assign(tenant_a, admin, {sub_1, {user(2)}, {}}, now + 2h, "later"));
  CHECK(ok(first.read(tenant_a)).find_idempotency("k") != nullptr);
  CHECK(ok(second.read(tenant_a)).find_idempotency("k") != nullptr); // cached by the second, with its time

  CHECK(ok(two.prune_idempotency(now + 23h)) == 0);
  CHECK(ok(two.prune_idempotency(now + 25h)) == 1);
  for (Repository* r : {&first, &second}) {
    auto v = ok(r->read(tenant_a));
    CHECK(v.find_idempotency("k") == nullptr);
    CHECK(v.find_idempotency("later") != nullptr);
  }

  const auto reused = ok(one.assign(tenant_a, admin, {sub_1, {user(3)}, {}}, now + 25h, "k"));
  CHECK(reused.value.licenses_added == 1);
  CHECK(ok(two.assign(tenant_a, admin, {sub_1, {user(3)}, {}}, now + 26h, "k")) == reused);
  {
    auto v = ok(second.read(tenant_a));
    REQUIRE(v.find_idempotency("k") != nullptr);
    CHECK(v.find_idempotency("k")->events == reused.events);
  }
  // The reuse is kept for its own 24 hours, in both.
  CHECK(ok(one.prune_idempotency(now + 27h)) == 1); // "later"
  CHECK(ok(two.prune_idempotency(now + 50h)) == 1); // the reuse (now + 25h)
  CHECK(ok(first.read(tenant_a)).find_idempotency("k") == nullptr);
  CHECK(ok(second.read(tenant_a)).find_idempotency("k") == nullptr);
}

/// The bytes as lowercase hex digits, for a dialect's blob literal.
inline std::string hex_of(const std::string& bytes) {
  constexpr std::string_view digits = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out += digits[byte >> 4U];
    out += digits[byte & 15U];
  }
  return out;
}

/// D-BUY-5: a database of schema 1 (release 0.1), whose tenants stored a country's name, is migrated
/// when opened: names become ISO codes in the stored starting values, "Western Europe" and an unknown
/// name stay, the schema version becomes 2, and opening it again changes nothing. `open()` opens a
/// repository on the database; `sql(statement)` runs a statement and gives the first value as text;
/// `blob(bytes)` is the dialect's literal for bytes.
template <class Open, class Sql, class Blob>
void a_schema_1_database_is_migrated_to_country_codes(Open open, Sql sql, Blob blob) {
  const isv::tenant_id tenant_c{3};
  const isv::tenant_id tenant_d{4};
  const auto in = [](isv::tenant_id id, const char* region) {
    auto org = make_tenant(id);
    org.region = region;
    return org;
  };
  {
    auto repo = ok(open());
    for (const auto id : {tenant_a, tenant_b, tenant_c, tenant_d}) ok(repo.create_tenant(in(id, "NL")));
  }
  // What release 0.1 wrote: names, not codes; version 1.
  const auto store_as_0_1 = [&](isv::tenant_id id, const char* region) {
    sql("UPDATE tenants SET initial = " + blob(isv::detail::sql::encode(in(id, region))) + " WHERE id = " +
        std::to_string(id.value()));
  };
  store_as_0_1(tenant_a, "United Kingdom");
  store_as_0_1(tenant_b, "Western Europe");
  store_as_0_1(tenant_c, "Atlantis");
  sql("UPDATE schema_version SET version = 1");

  const auto stored_as = [&](isv::tenant_id id, const char* region) {
    return sql("SELECT count(*) FROM tenants WHERE id = " + std::to_string(id.value()) +
               " AND initial = " + blob(isv::detail::sql::encode(in(id, region)))) == "1";
  };
  for (int opening = 1; opening <= 2; ++opening) {
    CAPTURE(opening); // the second opening finds version 2 and changes nothing
    auto repo = ok(open());
    CHECK(sql("SELECT version FROM schema_version") == "2");
    CHECK(sql("SELECT count(*) FROM schema_version") == "1");
    CHECK(stored_as(tenant_a, "GB"));
    CHECK(stored_as(tenant_b, "Western Europe"));
    CHECK(stored_as(tenant_c, "Atlantis"));
    CHECK(stored_as(tenant_d, "NL"));
    CHECK(ok(repo.read(tenant_a)).tenant().region == "GB");
    CHECK(ok(repo.read(tenant_b)).tenant().region == "Western Europe");
    CHECK(ok(repo.read(tenant_c)).tenant().region == "Atlantis");
    CHECK(ok(repo.read(tenant_d)).tenant().region == "NL");
  }
}

// ---- The marketplace's links -------------------------------------------------------------------

/// Links saved through one repository are there once it is closed and the database opened again,
/// and a repository open at the same time sees a new link at once (links are read from the database).
template <class Open>
void a_marketplace_link_survives_reopening(Open open) {
  {
    auto repo = ok(open());
    seed(repo);
    ok(repo.link_marketplace(linked(guid(1), tenant_a, sub_1)));
    ok(repo.link_marketplace(linked(guid(2), tenant_b, sub_1)));
  }
  auto reopened = ok(open());
  CHECK(ok(reopened.find_marketplace_link(guid(1))) == std::optional<isv::marketplace_link>{linked(guid(1), tenant_a, sub_1)});
  CHECK(ok(reopened.marketplace_links(tenant_b)) == std::vector<isv::marketplace_link>{linked(guid(2), tenant_b, sub_1)});
  CHECK(code_of(reopened.link_marketplace(linked(guid(1), tenant_a, sub_2))) == isv::errc::already_exists);
  ok(reopened.link_marketplace(linked(guid(1), tenant_a, sub_1))); // the same link again: nothing changes

  auto other = ok(open());
  ok(reopened.link_marketplace(linked(guid(3), tenant_a, sub_2)));
  CHECK(ok(other.find_marketplace_link(guid(3))) == std::optional<isv::marketplace_link>{linked(guid(3), tenant_a, sub_2)});
  CHECK(code_of(other.link_marketplace(linked(guid(4), tenant_a, sub_2))) == isv::errc::already_exists);
}

/// Several connections link at once, each through its own repository: first one GUID to a
/// different subscription each, then a different GUID each to one subscription. The database's
/// keys let exactly one of each round win; every other writer is refused with already_exists
/// (never a storage fault or a conflict), and what is stored is the winner's link.
template <class Open>
void one_of_several_connections_linking_at_once_wins(Open open) {
  constexpr std::size_t writers = 6;
  using repository_type = std::decay_t<decltype(ok(open()))>;
  std::vector<repository_type> repos;
  for (std::size_t i = 0; i < writers; ++i) repos.push_back(ok(open()));
  seed(repos.front());

  const auto race = [&](auto link_of_writer) {
    std::vector<std::optional<isv::errc>> outcomes(writers);
    std::latch start(static_cast<std::ptrdiff_t>(writers));
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < writers; ++i)
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        const auto done = repos[i].link_marketplace(link_of_writer(i));
        if (!done) outcomes[i] = done.error().code;
      });
    for (auto& t : threads) t.join();
    std::size_t winners = 0;
    std::optional<isv::marketplace_link> won;
    for (std::size_t i = 0; i < writers; ++i) {
      CAPTURE(i);
      if (!outcomes[i]) {
        ++winners;
        won = link_of_writer(i);
      } else {
        CHECK(*outcomes[i] == isv::errc::already_exists);
      }
    }
    CHECK(winners == 1);
    return won;
  };

  const auto same_guid = race([](std::size_t i) { return linked(guid(7), tenant_a, isv::subscription_id{5000 + i}); });
  REQUIRE(same_guid);
  CHECK(ok(repos.back().find_marketplace_link(guid(7))) == same_guid);

  const auto same_subscription =
      race([](std::size_t i) { return linked(guid(static_cast<std::uint8_t>(20 + i)), tenant_a, sub_2); });
  REQUIRE(same_subscription);
  const auto links = ok(repos.front().marketplace_links(tenant_a));
  REQUIRE(links.size() == 2);
  CHECK(links[0] == *same_subscription); // sub_2 (2000) before the first race's 5000 + i
  CHECK(links[1] == *same_guid);
}

/// D-ERR-2: the links table's faults are storage faults, typed: a database that refuses writes
/// refuses a link with storage_fault (not already_exists, not a conflict) and saves nothing; a
/// stored GUID another program damaged is corrupt data. A database without the table (one of an
/// earlier release) gains it when opened. `read_only(repo, on)` makes a repository's connection
/// refuse writes or accept them again; `sql(statement)` runs a statement on the database.
template <class Open, class ReadOnly, class Sql>
void marketplace_link_faults_are_storage_faults(Open open, ReadOnly read_only, Sql sql) {
  auto repo = ok(open());
  seed(repo);
  ok(repo.link_marketplace(linked(guid(1), tenant_a, sub_1)));

  read_only(repo, true);
  const auto refused = repo.link_marketplace(linked(guid(2), tenant_a, sub_2));
  CHECK(code_of(refused) == isv::errc::storage_fault);
  CHECK(ok(repo.find_marketplace_link(guid(1))).has_value()); // reads still work
  read_only(repo, false);
  CHECK_FALSE(ok(repo.find_marketplace_link(guid(2))).has_value());
  ok(repo.link_marketplace(linked(guid(2), tenant_a, sub_2)));

  sql("UPDATE marketplace_links SET marketplace_id = 'not-a-guid' WHERE subscription = 1000");
  const auto damaged = repo.marketplace_links(tenant_a);
  CHECK(code_of(damaged) == isv::errc::corrupt_data);
  CHECK(mentions(damaged.error().message, "not-a-guid"));

  // A database of an earlier release, without the table: opening adds it, and links work in it.
  sql("DROP TABLE marketplace_links");
  auto reopened = ok(open());
  CHECK(ok(reopened.marketplace_links(tenant_a)).empty());
  ok(reopened.link_marketplace(linked(guid(1), tenant_a, sub_1)));
  CHECK(ok(reopened.find_marketplace_link(guid(1))) == std::optional<isv::marketplace_link>{linked(guid(1), tenant_a, sub_1)});
}

} // namespace conformance
