// Golden database of release 0.1.0: release-0.1.0.sqlite, a tenant written by the SQLite repository of that release, must open, read back exactly, replay its idempotent request and accept new operations.
//
// release-0.1.0.sqlite was written ONCE, from the code of release 0.1.0, by this very program:
//
//     ISV_GOLDEN_SQLITE_WRITE=/path/to/tests/golden/release-0.1.0.sqlite ./golden_sqlite_file
//
// With ISV_GOLDEN_SQLITE_WRITE set, write_database() below builds the tenant through
// basic_admin_center on a sqlite_repository at that path (replacing the file), closes it and
// VACUUMs it; the checks then run on a copy of what was written. Without it (ctest), the program
// never writes the checked-in file: every test copies it to a temporary file and opens the copy.
// The expected values below are facts of that file, written by hand; do not regenerate the file to
// make a failure go away: a failure means a database of release 0.1.0 is read differently.
#include "support/catch.hpp"
#include "support/sqlite_files.hpp"

#include "isv/admin_center.hpp"
#include "isv/fingerprint.hpp"
#include "isv/licensing.hpp"
#include "isv/storage/sqlite.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <system_error>
#include <type_traits>
#include <unistd.h>
#include <utility>
#include <variant>
#include <vector>

#ifndef ISV_GOLDEN_DIR
#error "ISV_GOLDEN_DIR must name the directory of release-0.1.0.sqlite (tests/CMakeLists.txt passes it)"
#endif

namespace {

using namespace std::chrono_literals;

// ---- The tenant of the file ----------------------------------------------------------------------

const std::chrono::sys_seconds day_one{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}};

const isv::tenant_id contoso{1};
const isv::user_id global_admin{1};  ///< Global administrator; owner of the billing profile
const isv::user_id license_admin{2}; ///< License administrator: makes the idempotent assignment
const isv::user_id billing_admin{3}; ///< Billing administrator
const isv::app_id crm_app{10};       ///< SaaS, per user, EUR 12.00 a month
const isv::app_id desk_app{11};      ///< SaaS, per user, EUR 50.00 a year
const isv::subscription_id crm{1000};
const isv::subscription_id desk{2000};
const isv::group_id sales{20};
const isv::billing_profile_id profile{5};
const isv::payment_method_id card{41};
const isv::invoice_id invoice{900};
const std::string assign_key = "golden-assign-crm";

isv::user_id user(std::uint64_t n) { return isv::user_id{100 + n}; }

template <class R>
auto ok(R&& r) {
  if (!r) FAIL_CHECK(std::string(isv::to_string(r.error().code)) + ": " + r.error().message);
  REQUIRE(r.has_value());
  if constexpr (!std::is_void_v<typename std::decay_t<R>::value_type>) return std::forward<R>(r).value();
}

isv::tenant make_tenant() {
  isv::tenant t;
  t.id = contoso;
  t.name = "Contoso Golden Ltd";
  t.region = "Germany"; // release 0.1.0 stored the country's name; today's create_tenant wants "DE" (D-BUY-5)
  isv::admin_role g;
  g.tenant = contoso;
  g.user = global_admin;
  g.role = isv::directory_role::global_administrator;
  isv::admin_role l;
  l.tenant = contoso;
  l.user = license_admin;
  l.role = isv::directory_role::license_administrator;
  isv::admin_role b;
  b.tenant = contoso;
  b.user = billing_admin;
  b.role = isv::directory_role::billing_administrator;
  t.admin_roles = {g, l, b};
  return t;
}

isv::app make_app(isv::app_id id, const char* name, std::int64_t monthly, std::int64_t annual) {
  isv::app a;
  a.id = id;
  a.name = name;
  a.publisher = "Fabrikam";
  a.kind = isv::app_kind::saas;
  a.pricing = isv::pricing_model::per_user;
  a.monthly_price = isv::money{monthly, isv::currency{"EUR"}};
  a.annual_price = isv::money{annual, isv::currency{"EUR"}};
  return a;
}

isv::purchase_command buy(isv::subscription_id id, isv::app_id product, isv::billing_term term, isv::count_t quantity) {
  isv::purchase_command c;
  c.subscription = id;
  c.app = product;
  c.channel = isv::acquisition_channel::direct;
  c.term = term;
  c.quantity = quantity;
  c.agreement_accepted = true;
  c.billing_profile = profile;
  return c;
}

/// The idempotent request of the file: the license admin assigns CRM to users 1 and 2 and to Sales.
isv::assign_command crm_assignment() {
  isv::assign_command c;
  c.subscription = crm;
  c.users = {user(1), user(2)};
  c.groups = {sales};
  return c;
}

template <class Command>
Command on_subscription(isv::subscription_id id) {
  Command c;
  c.subscription = id;
  return c;
}

/// Builds the file: what release 0.1.0 wrote for a small, realistic tenant.
void write_database(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix, ignored);
  {
    auto repo = ok(isv::sqlite_repository::open(path));
    ok(repo.create_tenant(make_tenant()));
    ok(repo.add_app(make_app(crm_app, "Fabrikam CRM", 1200, 12000)));
    ok(repo.add_app(make_app(desk_app, "Northwind Desk", 500, 5000)));
    isv::basic_admin_center center{repo};
    const auto at = [](std::chrono::minutes m) { return day_one + m; };

    isv::add_users_command people;
    for (std::uint64_t n = 1; n <= 8; ++n) people.users.push_back(user(n));
    ok(center.add_users(contoso, global_admin, people, at(0min)));
    isv::create_group_command group;
    group.group = sales;
    group.name = "Sales — Nordics";
    ok(center.create_group(contoso, global_admin, group, at(1min)));
    isv::membership_command members;
    members.group = sales;
    members.users = {user(4), user(5), user(6)};
    ok(center.add_members(contoso, global_admin, members, at(2min)));

    isv::basic_create_billing_profile_command<isv::default_traits> create;
    create.profile = profile;
    create.name = "Contoso EU";
    create.contact.name = "Zoë Ø";
    create.contact.address = "Hovedgaden 1\n2800 Kongens Lyngby\nDenmark";
    ok(center.create_billing_profile(contoso, global_admin, create, at(3min)));
    isv::basic_add_payment_method_command<isv::default_traits> method;
    method.profile = profile;
    method.method.id = card;
    method.method.kind = isv::payment_method_kind::credit_card;
    method.method.label = "Visa ending 4242";
    ok(center.add_payment_method(contoso, global_admin, method, at(4min)));
    isv::basic_billing_role_command<isv::default_traits> contributor;
    contributor.profile = profile;
    contributor.user = billing_admin;
    contributor.role = isv::billing_role::contributor;
    ok(center.set_billing_role(contoso, global_admin, contributor, at(5min)));

    ok(center.purchase(contoso, global_admin, buy(crm, crm_app, isv::billing_term::monthly, 5), at(10min)));
    ok(center.purchase(contoso, billing_admin, buy(desk, desk_app, isv::billing_term::annual, 3), at(11min)));
    ok(center.activate(contoso, global_admin, on_subscription<isv::activate_command>(crm), at(12min)));
    ok(center.activate(contoso, global_admin, on_subscription<isv::activate_command>(desk), at(13min)));

    ok(center.assign(contoso, license_admin, crm_assignment(), at(20min), assign_key));
    isv::assign_command desk_users;
    desk_users.subscription = desk;
    desk_users.users = {user(1), user(3)};
    ok(center.assign(contoso, global_admin, desk_users, at(21min)));

    isv::change_quantity_command more;
    more.subscription = crm;
    more.quantity = 8;
    ok(center.change_quantity(contoso, billing_admin, more, at(30min)));

    isv::basic_issue_invoice_command<isv::default_traits> bill;
    bill.invoice = invoice;
    bill.profile = profile;
    ok(center.issue_invoice(contoso, bill, at(60min)));
    isv::basic_pay_invoice_command<isv::default_traits> pay;
    pay.invoice = invoice;
    pay.method = card;
    ok(center.pay_invoice(contoso, global_admin, pay, at(24h)));
  } // closed: the WAL is checkpointed into the file and removed
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "VACUUM", nullptr, nullptr, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_close(db) == SQLITE_OK);
  for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(path + suffix, ignored);
}

// ---- The file and its copies ----------------------------------------------------------------------

/// The golden database: the checked-in one, or (ISV_GOLDEN_SQLITE_WRITE) the one just written there.
const std::string& golden_path() {
  static const std::string path = [] {
    if (const char* target = std::getenv("ISV_GOLDEN_SQLITE_WRITE"); target != nullptr && *target != '\0') {
      write_database(target);
      WARN("ISV_GOLDEN_SQLITE_WRITE: wrote " << target << " (" << std::filesystem::file_size(target) << " bytes)");
      return std::string(target);
    }
    return std::string(ISV_GOLDEN_DIR) + "/release-0.1.0.sqlite";
  }();
  return path;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// A copy of the golden database in the temporary directory, removed (with its WAL files) at the end.
class golden_copy {
public:
  golden_copy() {
    const auto& source = golden_path();
    INFO("the golden database " << source);
    REQUIRE(std::filesystem::exists(source));
    std::filesystem::copy_file(source, path(), std::filesystem::copy_options::overwrite_existing);
    std::filesystem::permissions(path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add);
  }
  [[nodiscard]] const std::string& path() const noexcept { return file_.path(); }

private:
  test_support::temp_database file_{"isv-golden"};
};

// Plain numbers and text, so that a failed CHECK prints the values.
using numbers = std::vector<std::uint64_t>;

template <class Id>
numbers raw(const std::vector<Id>& ids) {
  numbers out;
  for (const auto& id : ids) out.push_back(id.value());
  return out;
}
/// An optional id or count as a number, 0 for none.
template <class X>
std::uint64_t raw(const std::optional<X>& x) {
  if constexpr (std::is_integral_v<X>) return x ? static_cast<std::uint64_t>(*x) : 0;
  else return x ? x->value() : 0;
}
std::string raw(const isv::money& m) { return std::to_string(m.minor_units) + " " + std::string(m.unit.code()); }

numbers holders(const std::vector<isv::license>& licenses) {
  numbers out;
  for (const auto& l : licenses) out.push_back(l.user.value());
  std::sort(out.begin(), out.end());
  return out;
}

// ---- What the file holds (release 0.1.0 wrote it; these numbers never change) ----------------------

constexpr std::size_t stored_events = 18;
constexpr long long stored_revisions = 15; ///< one per commit

/// The log, in order: what each commit of write_database() produced.
const std::vector<std::string> stored_event_names{
    "users_added",           "group_created",           "members_added",          "billing_profile_created",
    "payment_method_added",  "default_payment_method_set", "billing_role_changed", "subscription_purchased",
    "subscription_purchased", "subscription_activated", "subscription_activated", "licenses_granted",
    "group_assigned",        "licenses_granted",        "licenses_granted",       "quantity_changed",
    "invoice_issued",        "invoice_paid"};

} // namespace

TEST_CASE("golden sqlite: the release 0.1.0 database is small, of schema 1 (2 once opened), and the copy leaves it untouched") {
  const auto before = file_bytes(golden_path());
  REQUIRE_FALSE(before.empty());
  CHECK(before.size() < 200 * 1024);
  CHECK(before.compare(0, 16, std::string("SQLite format 3\0", 16)) == 0);
  {
    golden_copy copy;
    auto repo = ok(isv::sqlite_repository::open(copy.path()));
    CHECK(test_support::scalar(repo.native_handle(), "SELECT version FROM schema_version") == 2); // migrated on opening
    isv::basic_admin_center center{repo};
    isv::add_users_command newcomer;
    newcomer.users = {user(99)};
    ok(center.add_users(contoso, global_admin, newcomer, day_one + 48h));
  }
  CHECK(file_bytes(golden_path()) == before); // only the copy was opened and written
}

TEST_CASE("golden sqlite: the tenant, directory, subscriptions and billing of the 0.1.0 file read back as written "
          "[D-AUDIT-1][D-ASSIGN-2][D-QTY-1][D-BILL-2]") {
  golden_copy copy;
  auto repo = ok(isv::sqlite_repository::open(copy.path()));
  isv::basic_admin_center center{repo};

  const auto org = ok(center.find_tenant(contoso));
  CHECK(org.name == "Contoso Golden Ltd");
  CHECK(org.region == "DE"); // stored as "Germany"; the migration to schema 2 rewrote it (D-BUY-5)
  CHECK(org.admin_roles.size() == 3);
  CHECK(org.has_role(license_admin, isv::directory_role::license_administrator));
  CHECK(org.has_role(billing_admin, isv::directory_role::billing_administrator));
  CHECK(org.version == 0);

  {
    auto v = ok(repo.read(contoso));
    CHECK(v.directory().has_user(user(1)));
    CHECK(v.directory().has_user(user(8)));
    CHECK_FALSE(v.directory().has_user(user(9)));
    CHECK(v.directory_version() == 3); // users added, group created, members added
    CHECK(raw(v.subscription_ids()) == numbers{1000, 2000});
    CHECK(v.find_app(crm_app) != nullptr);
    CHECK(v.find_app(desk_app)->name == "Northwind Desk");
  }

  const auto c = ok(center.find_subscription(contoso, crm));
  CHECK(c.app == crm_app);
  CHECK(c.status == isv::subscription_status::active);
  CHECK(c.term == isv::billing_term::monthly);
  CHECK(raw(c.quantity) == 8);
  CHECK(c.licenses_in_use == 5);
  CHECK(raw(c.unit_price) == "1200 EUR");
  CHECK(raw(c.billing_profile) == 5);
  CHECK(c.version == 6); // one per event: purchased, activated, 3 of the assignment, quantity changed
  const auto d = ok(center.find_subscription(contoso, desk));
  CHECK(d.status == isv::subscription_status::active);
  CHECK(d.term == isv::billing_term::annual);
  CHECK(raw(d.quantity) == 3);
  CHECK(d.licenses_in_use == 2);
  CHECK(d.version == 3);

  // Direct and group licenses: users 1 and 2 directly, users 4 to 6 through Sales.
  const auto crm_licenses = ok(center.licenses(contoso, crm));
  CHECK(holders(crm_licenses) == numbers{101, 102, 104, 105, 106});
  for (const auto& l : crm_licenses) {
    CAPTURE(l.user.value());
    const bool direct = l.user == user(1) || l.user == user(2);
    CHECK(l.paths.direct == direct);
    CHECK(raw(l.paths.groups) == (direct ? numbers{} : numbers{20}));
  }
  CHECK(holders(ok(center.licenses(contoso, desk))) == numbers{101, 103});
  CHECK(ok(center.licenses_of_user(contoso, user(1))).size() == 2);
  CHECK(ok(center.licenses_of_user(contoso, user(7))).empty());

  const auto b = ok(center.find_billing_profile(contoso, profile));
  CHECK(b.name == "Contoso EU");
  CHECK(b.contact.name == "Zoë Ø");
  CHECK(b.contact.address == "Hovedgaden 1\n2800 Kongens Lyngby\nDenmark");
  REQUIRE(b.payment_methods.size() == 1);
  CHECK(b.payment_methods[0].label == "Visa ending 4242");
  CHECK(raw(b.default_payment_method) == 41);
  CHECK(b.roles.size() == 2); // the creator (owner) and the billing admin (contributor)
  CHECK(b.version == 4);      // created, card added, card made the default, contributor granted

  const auto inv = ok(center.find_invoice(contoso, invoice));
  CHECK(inv.status == isv::invoice_status::paid);
  CHECK(raw(inv.paid_with) == 41);
  CHECK(inv.lines.size() == 2);
  CHECK(raw(inv.total) == "24600 EUR");
  CHECK(inv.version == 2); // issued, paid

  // The derived tables agree.
  sqlite3* db = repo.native_handle();
  CHECK(test_support::scalar(db, "SELECT count(*) FROM events WHERE tenant = 1") == static_cast<long long>(stored_events));
  CHECK(test_support::scalar(db, "SELECT revision FROM tenants WHERE id = 1") == stored_revisions);
  CHECK(test_support::scalar(db, "SELECT count(*) FROM licenses WHERE tenant = 1 AND subscription = 1000") == 5);
  CHECK(test_support::scalar(db, "SELECT quantity FROM subscriptions WHERE tenant = 1 AND id = 1000") == 8);
  CHECK(test_support::scalar(db, "SELECT count(*) FROM idempotency WHERE tenant = 1") == 1);
}

TEST_CASE("golden sqlite: the 0.1.0 event log replays into the stored subscriptions [D-AUDIT-1]") {
  golden_copy copy;
  auto repo = ok(isv::sqlite_repository::open(copy.path()));
  const auto log = ok(repo.events(contoso, 0));
  REQUIRE(log.size() == stored_events);
  for (std::size_t i = 0; i < log.size(); ++i) {
    CAPTURE(i);
    CHECK(log[i].tenant == contoso);
    CHECK(std::string(isv::event_name<isv::default_traits>(log[i].payload)) == stored_event_names[i]);
  }
  // Who and when (D-AUDIT-1): the platform issued the invoice, the owner paid it a day later.
  CHECK_FALSE(log[16].actor.has_value());
  CHECK(raw(log[17].actor) == 1);
  CHECK(log[0].at == day_one);
  CHECK(log[17].at == day_one + std::chrono::hours{24});
  auto v = ok(repo.read(contoso));
  for (const auto id : {crm, desk}) {
    const auto rebuilt = ok(isv::replay_subscription<isv::default_traits>(id, log));
    CHECK(*v.find_subscription(id) == rebuilt.first);
    CHECK(*v.find_license_book(id) == rebuilt.second);
  }
}

TEST_CASE("golden sqlite: the 0.1.0 idempotency key replays its first result without a new event, and another request "
          "under it is refused [D-IDEM-1]") {
  golden_copy copy;
  auto repo = ok(isv::sqlite_repository::open(copy.path()));
  isv::basic_admin_center center{repo};

  isv::idempotency_record stored;
  {
    auto v = ok(repo.read(contoso));
    const auto* record = v.find_idempotency(assign_key);
    REQUIRE(record != nullptr);
    stored = *record;
  }
  CHECK(stored.operation == "assign");
  CHECK(stored.fingerprint ==
        isv::detail::fingerprint("assign", std::optional<isv::user_id>{license_admin}, crm_assignment()));
  REQUIRE(std::holds_alternative<isv::assignment_report>(stored.value));
  CHECK(std::get<isv::assignment_report>(stored.value).licenses_added == 5);
  CHECK(stored.events.size() == 3); // licenses granted directly, the group assigned, licenses granted through it

  const auto again = ok(center.assign(contoso, license_admin, crm_assignment(), day_one + 72h, assign_key));
  CHECK(again.events == stored.events);
  CHECK(again.value == std::get<isv::assignment_report>(stored.value));
  CHECK(ok(repo.events(contoso, 0)).size() == stored_events);
  CHECK(test_support::scalar(repo.native_handle(), "SELECT revision FROM tenants WHERE id = 1") == stored_revisions);
  CHECK(ok(center.find_subscription(contoso, crm)).version == 6);

  auto other = crm_assignment();
  other.users = {user(7)};
  const auto refused = center.assign(contoso, license_admin, other, day_one + 72h, assign_key);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == isv::errc::idempotency_mismatch);
  CHECK(ok(repo.events(contoso, 0)).size() == stored_events);
}

TEST_CASE("golden sqlite: new operations on the 0.1.0 file succeed, version-checked, and a fresh connection reads them "
          "back [D-CONC-1][D-ASSIGN-3][D-AUDIT-1]") {
  golden_copy copy;
  {
    auto repo = ok(isv::sqlite_repository::open(copy.path()));
    isv::basic_admin_center center{repo};
    // Desk has 3 seats and 2 in use: one more user fits, a second one does not.
    isv::assign_command one_more;
    one_more.subscription = desk;
    one_more.users = {user(7)};
    const auto assigned = ok(center.assign(contoso, license_admin, one_more, day_one + 96h, "golden-new-assign"));
    CHECK(assigned.value.licenses_added == 1);
    isv::assign_command too_many;
    too_many.subscription = desk;
    too_many.users = {user(8)};
    const auto refused = center.assign(contoso, license_admin, too_many, day_one + 96h);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == isv::errc::seats_exhausted);
    isv::change_quantity_command fewer;
    fewer.subscription = crm;
    fewer.quantity = 6;
    ok(center.change_quantity(contoso, global_admin, fewer, day_one + 97h));
  }
  auto repo = ok(isv::sqlite_repository::open(copy.path()));
  isv::basic_admin_center center{repo};
  CHECK(holders(ok(center.licenses(contoso, desk))) == numbers{101, 103, 107});
  CHECK(ok(center.find_subscription(contoso, desk)).licenses_in_use == 3);
  CHECK(ok(center.find_subscription(contoso, desk)).version == 4);
  CHECK(raw(ok(center.find_subscription(contoso, crm)).quantity) == 6);
  // The lower quantity in the middle of the 0.1.0 subscription's term is credited (D-PRORATE-1): one more event.
  CHECK(ok(center.find_subscription(contoso, crm)).version == 8);
  const auto log = ok(repo.events(contoso, 0));
  REQUIRE(log.size() == stored_events + 3);
  CHECK(std::holds_alternative<isv::basic_licenses_granted<isv::default_traits>>(log[stored_events].payload));
  CHECK(std::holds_alternative<isv::basic_quantity_changed<isv::default_traits>>(log[stored_events + 1].payload));
  const auto* credit = std::get_if<isv::basic_charge_recorded<isv::default_traits>>(&log[stored_events + 2].payload);
  REQUIRE(credit != nullptr);
  CHECK(credit->line->kind == isv::invoice_line_kind::proration_credit);
  CHECK(test_support::scalar(repo.native_handle(), "SELECT revision FROM tenants WHERE id = 1") == stored_revisions + 2);
  CHECK(test_support::scalar(repo.native_handle(), "SELECT count(*) FROM idempotency WHERE tenant = 1") == 2);
  CHECK(test_support::scalar(repo.native_handle(), "SELECT count(*) FROM licenses WHERE tenant = 1 AND subscription = 2000") == 3);

  {
    auto v = ok(repo.read(contoso));
    CHECK(v.find_idempotency(assign_key) != nullptr);
    CHECK(v.find_idempotency("golden-new-assign") != nullptr);
  } // a view ends before a commit
  // A commit planned on the version the golden file had is refused: the subscription moved on.
  isv::commit stale;
  stale.tenant = contoso;
  isv::expected_version_t old_version;
  old_version.aggregate.kind = isv::aggregate_kind::subscriptions;
  old_version.aggregate.id = crm.value();
  old_version.version = 6; // what the golden file had
  stale.expected = {old_version};
  const auto refused = repo.commit(stale);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == isv::errc::conflict);
}

namespace {
/// The stored starting value of tenant 1, as bytes.
std::string stored_initial(sqlite3* db) {
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT initial FROM tenants WHERE id = 1", -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  const std::string out(static_cast<const char*>(sqlite3_column_blob(s, 0)), static_cast<std::size_t>(sqlite3_column_bytes(s, 0)));
  sqlite3_finalize(s);
  return out;
}
} // namespace

TEST_CASE("golden sqlite: opening the 0.1.0 file migrates it to schema 2 with its tenant's region as a code, and a second open "
          "changes nothing [D-BUY-5]") {
  golden_copy copy;
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(copy.path().c_str(), &db) == SQLITE_OK);
    CHECK(test_support::scalar(db, "SELECT version FROM schema_version") == 1);
    CHECK(test_support::scalar(db, "SELECT count(*) FROM schema_version") == 1);
    CHECK(test_support::scalar(db, "SELECT instr(initial, CAST('Germany' AS BLOB)) > 0 FROM tenants WHERE id = 1") == 1);
    REQUIRE(sqlite3_close(db) == SQLITE_OK);
  }
  std::string migrated_initial;
  {
    auto repo = ok(isv::sqlite_repository::open(copy.path()));
    sqlite3* db = repo.native_handle();
    CHECK(test_support::scalar(db, "SELECT version FROM schema_version") == isv::detail::sql::schema_version);
    CHECK(isv::detail::sql::schema_version == 2);
    CHECK(test_support::scalar(db, "SELECT count(*) FROM schema_version") == 1);
    CHECK(test_support::scalar(db, "SELECT instr(initial, CAST('Germany' AS BLOB)) FROM tenants WHERE id = 1") == 0);
    // The stored starting value is today's encoding of the tenant with its code; nothing else changed.
    auto expected = make_tenant();
    expected.region = "DE";
    migrated_initial = stored_initial(db);
    CHECK(migrated_initial == isv::detail::sql::encode(expected));
    CHECK(ok(isv::basic_admin_center{repo}.find_tenant(contoso)).region == "DE");
    // The events were not touched: the log still replays as release 0.1.0 wrote it.
    CHECK(ok(repo.events(contoso, 0)).size() == stored_events);
    CHECK(test_support::scalar(db, "SELECT revision FROM tenants WHERE id = 1") == stored_revisions);
  }
  const auto after_first = file_bytes(copy.path());
  {
    auto again = ok(isv::sqlite_repository::open(copy.path()));
    sqlite3* db = again.native_handle();
    CHECK(test_support::scalar(db, "SELECT version FROM schema_version") == 2);
    CHECK(test_support::scalar(db, "SELECT count(*) FROM schema_version") == 1);
    CHECK(stored_initial(db) == migrated_initial);
    CHECK(ok(isv::basic_admin_center{again}.find_tenant(contoso)).region == "DE");
  }
  CHECK(file_bytes(copy.path()) == after_first); // the second open wrote nothing
}

TEST_CASE("golden sqlite: the migrated 0.1.0 tenant in DE still buys, and a host that stops selling in Germany refuses it "
          "[D-BUY-5][D-BUY-2]") {
  golden_copy copy;
  auto repo = ok(isv::sqlite_repository::open(copy.path()));
  isv::admin_center_options options;
  options.purchase.supported_countries.erase("DE");
  isv::basic_admin_center not_in_germany{repo, options};
  const isv::subscription_id third{3000};
  const auto refused = not_in_germany.purchase(contoso, global_admin, buy(third, crm_app, isv::billing_term::monthly, 1),
                                               day_one + 48h);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == isv::errc::unsupported_region);
  CHECK(refused.error().message.find("Germany (DE)") != std::string::npos);
  isv::basic_admin_center center{repo};
  ok(center.purchase(contoso, global_admin, buy(third, crm_app, isv::billing_term::monthly, 1), day_one + 48h));
  CHECK(ok(center.find_subscription(contoso, third)).app == crm_app);
}
