// The repository conformance suite, written once: every repository must pass it. A backend's test file defines a Backend type and stamps the suite with ISV_REPOSITORY_CONFORMANCE_SUITE(Backend, "name").
#pragma once

#include "isv/licensing.hpp"
#include "isv/marketplace_link.hpp"
#include "isv/marketplace_wire.hpp"
#include "support/catch.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

// A Backend is default-constructible and owns one fresh, empty store: `repository()` returns it
// (a type satisfying isv::repository). Each test case makes its own Backend.
namespace conformance {

using traits = isv::default_traits;
using namespace std::chrono_literals;

inline constexpr std::chrono::sys_seconds now{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}};

inline constexpr isv::tenant_id tenant_a{1};
inline constexpr isv::tenant_id tenant_b{2};
inline constexpr isv::tenant_id no_such_tenant{99};
inline constexpr isv::user_id admin{1};         ///< Global administrator of tenant A (and of tenant B)
inline constexpr isv::user_id license_admin{2}; ///< License administrator of tenant A
inline constexpr isv::app_id isv_app{10};       ///< per user, with an install link
inline constexpr isv::app_id saas_app{11};      ///< per user, activated in the publisher's portal
inline constexpr isv::app_id flat_app{12};      ///< flat rate
inline constexpr isv::billing_profile_id profile_1{100};
inline constexpr isv::billing_profile_id profile_2{200};
inline constexpr isv::subscription_id sub_1{1000};
inline constexpr isv::subscription_id sub_2{2000};
inline constexpr isv::subscription_id sub_saas{3000};
inline constexpr isv::group_id sales{7};
inline constexpr isv::group_id support{8};
inline constexpr isv::invoice_id invoice_1{500};
inline constexpr isv::payment_method_id card{1};
inline constexpr isv::payment_method_id wire{2};

/// Directory users: user(1) is user 101, user(2) user 102, ...
inline isv::user_id user(std::uint64_t n) { return isv::user_id{100 + n}; }
inline std::vector<isv::user_id> users(std::uint64_t first, std::uint64_t last) {
  std::vector<isv::user_id> out;
  for (auto n = first; n <= last; ++n) out.push_back(user(n));
  return out;
}

inline isv::tenant make_tenant(isv::tenant_id id) {
  isv::tenant org;
  org.id = id;
  org.name = "Contoso " + std::to_string(id.value());
  org.region = "DE";
  org.admin_roles = {{id, admin, isv::directory_role::global_administrator},
                     {id, license_admin, isv::directory_role::license_administrator}};
  return org;
}

inline isv::app make_app(isv::app_id id, isv::app_kind kind, isv::pricing_model pricing) {
  isv::app product;
  product.id = id;
  product.name = "App " + std::to_string(id.value());
  product.publisher = "Fabrikam";
  product.kind = kind;
  product.pricing = pricing;
  product.monthly_price = isv::money{1000, isv::currency{"EUR"}};
  product.annual_price = isv::money{10000, isv::currency{"EUR"}};
  if (kind == isv::app_kind::isv) product.install_link = "https://apps.example/install/" + std::to_string(id.value());
  return product;
}

/// Marketplace GUIDs: guid(1) is 2f8c1b7e-3d4a-4c5b-9e6f-0a1b2c3d4e01, guid(2) ends in 02, ...
inline isv::marketplace_guid guid(std::uint8_t n) {
  isv::marketplace_guid::bytes_type bytes{0x2f, 0x8c, 0x1b, 0x7e, 0x3d, 0x4a, 0x4c, 0x5b, 0x9e, 0x6f, 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, n};
  return isv::marketplace_guid(bytes);
}

/// Fails the test with the error's message, so a failure says what was refused and why.
template <class R>
auto ok(R&& r) {
  if (!r) FAIL_CHECK(std::string(isv::to_string(r.error().code)) + ": " + r.error().message);
  REQUIRE(r.has_value());
  if constexpr (!std::is_void_v<typename std::decay_t<R>::value_type>) return std::forward<R>(r).value();
}

template <class R>
isv::errc code_of(const R& r) {
  REQUIRE_FALSE(r.has_value());
  return r.error().code;
}

inline bool mentions(const std::string& message, const std::string& part) { return message.find(part) != std::string::npos; }

/// Reading tenant A is refused as corrupt data that names the tenant and the damaged position (D-ERR-2).
template <class Repository>
void check_read_corrupt_at(Repository& repo, int position) {
  const auto read = repo.read(tenant_a);
  CHECK(code_of(read) == isv::errc::corrupt_data);
  CHECK(mentions(read.error().message, "tenant 1"));
  CHECK(mentions(read.error().message, "position " + std::to_string(position)));
}

/// Tenants A and B with the same admins, the app catalog, billing profile 1 in tenant A, and users 1..10 in both.
template <class Repository>
void seed(Repository& repo) {
  ok(repo.create_tenant(make_tenant(tenant_a)));
  ok(repo.create_tenant(make_tenant(tenant_b)));
  ok(repo.add_app(make_app(isv_app, isv::app_kind::isv, isv::pricing_model::per_user)));
  ok(repo.add_app(make_app(saas_app, isv::app_kind::saas, isv::pricing_model::per_user)));
  ok(repo.add_app(make_app(flat_app, isv::app_kind::isv, isv::pricing_model::flat_rate)));
  isv::basic_admin_center center{repo};
  for (const auto t : {tenant_a, tenant_b}) {
    ok(center.add_users(t, admin, {users(1, 10)}, now));
  }
  ok(center.create_billing_profile(tenant_a, admin, {profile_1, "Main", {"Ada", "1 Main St"}}, now));
}

inline isv::purchase_command buy(isv::subscription_id id, isv::app_id product, std::optional<isv::count_t> quantity,
                                 isv::billing_profile_id profile = profile_1) {
  isv::purchase_command cmd;
  cmd.subscription = id;
  cmd.app = product;
  cmd.quantity = quantity;
  cmd.agreement_accepted = true;
  cmd.billing_profile = profile;
  return cmd;
}

template <class Repository>
std::size_t log_size(Repository& repo, isv::tenant_id t) {
  return ok(repo.events(t, 0)).size();
}

template <class Repository>
isv::subscription stored_subscription(Repository& repo, isv::tenant_id t, isv::subscription_id id) {
  auto v = ok(repo.read(t));
  const auto* s = v.find_subscription(id);
  REQUIRE(s != nullptr);
  return *s;
}

/// Wraps a repository and, just before a chosen commit is forwarded, runs a competing write, as
/// another process would between this one's read and its commit. Deterministic, for any backend.
template <class Inner>
class racing_repository {
public:
  using traits_type = typename Inner::traits_type;
  using view_type = typename Inner::view_type;

  explicit racing_repository(Inner& inner) : inner_(&inner) {}

  /// Runs `competitor` before each of the next `times` commits.
  void race(std::function<void(Inner&)> competitor, int times = 1) {
    competitor_ = std::move(competitor);
    races_left_ = times;
  }
  [[nodiscard]] int commits_seen() const noexcept { return commits_; }

  isv::result<view_type> read(const isv::tenant_id& t) { return inner_->read(t); }
  isv::result<void> commit(isv::basic_commit<traits_type> c) {
    ++commits_;
    if (races_left_ > 0 && competitor_) {
      --races_left_;
      competitor_(*inner_);
    }
    return inner_->commit(std::move(c));
  }
  isv::result<std::vector<isv::basic_event<traits_type>>> events(const isv::tenant_id& t, std::size_t after) {
    return inner_->events(t, after);
  }
  isv::result<void> create_tenant(isv::basic_tenant<traits_type> org) { return inner_->create_tenant(std::move(org)); }
  isv::result<void> add_app(isv::basic_app<traits_type> product) { return inner_->add_app(std::move(product)); }
  isv::result<std::size_t> prune_idempotency(const isv::time_point_t<traits_type>& before) {
    return inner_->prune_idempotency(before);
  }

private:
  Inner* inner_;
  std::function<void(Inner&)> competitor_{};
  int races_left_ = 0;
  int commits_ = 0;
};

// ---- The suite --------------------------------------------------------------------------------

// D-TENANT-1: a find scoped to one tenant never returns another tenant's entity.
template <class Backend>
void scoped_finds_never_cross_tenants() {
  Backend backend;
  auto& repo = backend.repository();
  static_assert(isv::repository<std::decay_t<decltype(repo)>>);
  seed(repo);
  isv::basic_admin_center center{repo};
  ok(center.purchase(tenant_a, admin, buy(sub_1, isv_app, 5), now));
  ok(center.assign(tenant_a, admin, {sub_1, {user(1)}, {}}, now));
  ok(center.create_group(tenant_a, admin, {sales, "Sales"}, now));
  ok(center.issue_invoice(tenant_a, {invoice_1, profile_1}, now));

  {
    auto a = ok(repo.read(tenant_a));
    CHECK(a.tenant().id == tenant_a);
    CHECK(a.directory().tenant() == tenant_a);
    CHECK(a.find_subscription(sub_1) != nullptr);
    CHECK(a.find_license_book(sub_1) != nullptr);
    CHECK(a.find_billing_profile(profile_1) != nullptr);
    CHECK(a.find_invoice(invoice_1) != nullptr);
    CHECK(a.find_app(isv_app) != nullptr); // the catalog is shared
    CHECK(a.subscription_ids() == std::vector<isv::subscription_id>{sub_1});
  }
  {
    auto b = ok(repo.read(tenant_b));
    CHECK(b.tenant().id == tenant_b);
    CHECK(b.find_subscription(sub_1) == nullptr);
    CHECK(b.find_license_book(sub_1) == nullptr);
    CHECK(b.find_billing_profile(profile_1) == nullptr);
    CHECK(b.find_invoice(invoice_1) == nullptr);
    CHECK_FALSE(b.directory().has_group(sales));
    CHECK(b.subscription_ids().empty());
    CHECK(b.find_app(isv_app) != nullptr);
  }
  CHECK(code_of(repo.read(no_such_tenant)) == isv::errc::not_found);
  CHECK(code_of(repo.events(no_such_tenant, 0)) == isv::errc::not_found);

  // Through the service: ids of tenant A named in tenant B are not found there, and change nothing.
  const auto b_log = log_size(repo, tenant_b);
  CHECK(code_of(center.find_subscription(tenant_b, sub_1)) == isv::errc::not_found);
  CHECK(code_of(center.find_billing_profile(tenant_b, profile_1)) == isv::errc::not_found);
  CHECK(code_of(center.find_invoice(tenant_b, invoice_1)) == isv::errc::not_found);
  CHECK(code_of(center.licenses(tenant_b, sub_1)) == isv::errc::not_found);
  CHECK(code_of(center.assign(tenant_b, admin, {sub_1, {user(2)}, {}}, now)) == isv::errc::not_found);
  CHECK(code_of(center.change_quantity(tenant_b, admin, {sub_1, 9}, now)) == isv::errc::not_found);
  CHECK(code_of(center.purchase(tenant_b, admin, buy(sub_2, isv_app, 5, profile_1), now)) == isv::errc::not_found);
  CHECK(log_size(repo, tenant_b) == b_log);
  CHECK(stored_subscription(repo, tenant_a, sub_1).quantity == 5);

  // D-ROLE-5: a user with roles only in tenant A acts in tenant B with none.
  const isv::user_id a_only{77};
  ok(center.add_users(tenant_a, admin, {{a_only}}, now)); // a role goes only to a user of the directory
  ok(center.grant_role(tenant_a, admin, {a_only, isv::directory_role::global_administrator}, now));
  CHECK(code_of(center.create_group(tenant_b, a_only, {support, "Support"}, now)) == isv::errc::permission_denied);
  CHECK(log_size(repo, tenant_b) == b_log);
}

// D-CONC-1: a commit from a stale version is refused with a conflict and writes nothing.
template <class Backend>
void stale_commit_is_a_conflict_and_writes_nothing() {
  Backend backend;
  auto& repo = backend.repository();
  seed(repo);
  isv::basic_admin_center center{repo};
  ok(center.purchase(tenant_a, admin, buy(sub_1, isv_app, 5), now));

  // Plan an assignment from version v, as a writer would, then let another writer save first.
  isv::commit stale;
  {
    auto v = ok(repo.read(tenant_a));
    const auto* s = v.find_subscription(sub_1);
    REQUIRE(s != nullptr);
    auto planned = ok(isv::assign(*s, *v.find_license_book(sub_1), v.directory(), v.tenant().actor(admin),
                                  isv::assign_command{sub_1, {user(1)}, {}}, now));
    stale = isv::commit{tenant_a, {isv::expected_version(*s)}, planned.events,
                        isv::idempotency_record{"stale-key", "assign", 1, planned.events, {}}};
  }
  ok(center.assign(tenant_a, admin, {sub_1, {user(2)}, {}}, now));
  const auto before = stored_subscription(repo, tenant_a, sub_1);
  const auto log_before = ok(repo.events(tenant_a, 0));

  const auto refused = repo.commit(stale);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == isv::errc::conflict);
  CHECK_FALSE(refused.error().message.empty());

  CHECK(stored_subscription(repo, tenant_a, sub_1) == before);
  CHECK(ok(repo.events(tenant_a, 0)) == log_before);
  {
    auto v = ok(repo.read(tenant_a));
    CHECK_FALSE(v.find_license_book(sub_1)->holds(user(1)));
    CHECK(v.find_license_book(sub_1)->holds(user(2)));
    CHECK(v.find_idempotency("stale-key") == nullptr);
  }

  // The same events from the fresh version are accepted (the retry D-CONC-1 allows).
  stale.expected = {isv::expected_version(before)};
  ok(repo.commit(stale));
  CHECK(stored_subscription(repo, tenant_a, sub_1).licenses_in_use == 2);
  CHECK(stored_subscription(repo, tenant_a, sub_1).version == before.version + 1);
}

// A malformed commit is refused as a whole: nothing of it is written (D-TENANT-1, D-ERR-1).
template <class Backend>
void malformed_commit_writes_nothing() {
  Backend backend;
  auto& repo = backend.repository();
  seed(repo);
  isv::basic_admin_center center{repo};
  ok(center.purchase(tenant_a, admin, buy(sub_1, isv_app, 5), now));
  const auto log_before = ok(repo.events(tenant_a, 0));
  const auto s = stored_subscription(repo, tenant_a, sub_1);

  const isv::event good{tenant_a, admin, now, isv::basic_auto_renew_changed<traits>{sub_1, false}};
  isv::event other_tenant = good;
  other_tenant.tenant = tenant_b;
  const isv::event missing{tenant_a, admin, now, isv::basic_auto_renew_changed<traits>{sub_2, false}};
  isv::subscription again = s;
  again.version = 0;
  const isv::event duplicate{tenant_a, admin, now, isv::basic_subscription_purchased<traits>{again}};

  CHECK(code_of(repo.commit(isv::commit{tenant_a, {}, {good, other_tenant}, {}})) == isv::errc::wrong_tenant);
  CHECK(code_of(repo.commit(isv::commit{tenant_a, {}, {good, missing}, {}})) == isv::errc::not_found);
  CHECK(code_of(repo.commit(isv::commit{tenant_a, {}, {good, duplicate}, {}})) == isv::errc::already_exists);
  CHECK(code_of(repo.commit(isv::commit{no_such_tenant, {}, {}, {}})) == isv::errc::not_found);

  CHECK(ok(repo.events(tenant_a, 0)) == log_before);
  CHECK(stored_subscription(repo, tenant_a, sub_1) == s);
  CHECK(stored_subscription(repo, tenant_a, sub_1).auto_renew);

  // An aggregate created earlier in the same commit may be changed by a later event of it.
  isv::subscription fresh = s;
  fresh.id = sub_2;
  fresh.version = 0;
  fresh.licenses_in_use = 0;
  const isv::event bought{tenant_a, admin, now, isv::basic_subscription_purchased<traits>{fresh}};
  ok(repo.commit(isv::commit{tenant_a, {{{isv::aggregate_kind::subscriptions, sub_2.value()}, 0}}, {bought, missing}, {}}));
  CHECK(stored_subscription(repo, tenant_a, sub_2).version == 2);
  CHECK_FALSE(stored_subscription(repo, tenant_a, sub_2).auto_renew);
}

// D-AUDIT-1: events are appended in commit order, and replaying them rebuilds the stored state.
template <class Backend>
void events_are_appended_in_order_and_replay_rebuilds_state() {
  Backend backend;
  auto& repo = backend.repository();
  seed(repo);
  isv::basic_admin_center center{repo};
  const auto seeded = ok(repo.events(tenant_a, 0));

  std::vector<isv::event> expected = seeded;
  const auto record = [&](const auto& receipt) {
    expected.insert(expected.end(), receipt.events.begin(), receipt.events.end());
  };
  record(ok(center.purchase(tenant_a, admin, buy(sub_1, isv_app, 3), now)));
  record(ok(center.create_group(tenant_a, admin, {sales, "Sales"}, now + 1s)));
  record(ok(center.add_members(tenant_a, admin, {sales, users(1, 4)}, now + 2s)));
  record(ok(center.assign(tenant_a, license_admin, {sub_1, {user(5)}, {sales}}, now + 3s)));
  record(ok(center.remove_members(tenant_a, admin, {sales, {user(1)}}, now + 4s)));
  record(ok(center.reprocess(tenant_a, admin, {sub_1}, now + 5s)));
  const auto preview = ok(center.preview_unassign(tenant_a, admin, {sub_1, {user(5)}, {}}, now + 6s)).value;
  record(ok(center.confirm_unassign(tenant_a, admin, preview, now + 7s)));
  record(ok(center.change_quantity(tenant_a, admin, {sub_1, 6}, now + 8s)));
  record(ok(center.grant_role(tenant_a, admin, {user(9), isv::directory_role::billing_administrator}, now + 9s)));
  record(ok(center.add_payment_method(tenant_a, admin, {profile_1, {card, isv::payment_method_kind::credit_card, "Visa 4242"}}, now + 10s)));
  record(ok(center.issue_invoice(tenant_a, {invoice_1, profile_1}, now + 11s)));
  record(ok(center.pay_invoice(tenant_a, admin, {invoice_1, std::nullopt}, now + 12s)));
  // The directory lifecycle (D-DIR-1, D-DIR-2): its events are stored and replayed like the others.
  record(ok(center.name_user(tenant_a, admin, {user(3), "Cy"}, now + 13s)));
  record(ok(center.remove_users(tenant_a, admin, {{user(2)}}, now + 14s)));
  record(ok(center.delete_group(tenant_a, admin, {sales}, now + 15s)));

  const auto log = ok(repo.events(tenant_a, 0));
  CHECK(log == expected);
  CHECK(ok(repo.events(tenant_a, seeded.size())) == std::vector<isv::event>(expected.begin() + static_cast<std::ptrdiff_t>(seeded.size()), expected.end()));
  CHECK(ok(repo.events(tenant_a, log.size())).empty());
  for (const auto& e : log) CHECK(e.tenant == tenant_a);

  auto v = ok(repo.read(tenant_a));
  // The subscription and its license book.
  const auto rebuilt = ok(isv::replay_subscription<traits>(sub_1, log));
  CHECK(rebuilt.first == *v.find_subscription(sub_1));
  CHECK(rebuilt.second == *v.find_license_book(sub_1));
  CHECK(rebuilt.second.size() == v.find_subscription(sub_1)->licenses_in_use);
  // The tenant's grants, its directory, the billing profile and the invoice.
  CHECK(isv::apply_all(make_tenant(tenant_a), log) == v.tenant());
  isv::directory dir(tenant_a);
  isv::count_t directory_events = 0;
  for (const auto& e : log) {
    isv::apply(dir, e);
    if (isv::aggregate_of(e).kind == isv::aggregate_kind::directories) ++directory_events;
  }
  CHECK(dir == v.directory());
  CHECK(directory_events == v.directory_version());
  CHECK(isv::apply_all(isv::billing_profile{}, log) == *v.find_billing_profile(profile_1));
  CHECK(isv::apply_all(isv::invoice{}, log) == *v.find_invoice(invoice_1));
  CHECK(v.find_invoice(invoice_1)->status == isv::invoice_status::paid);
}

// The queries the admin center needs: a tenant's subscriptions, a subscription's licenses, a
// user's licenses across subscriptions, a group's members in violation (D-GROUP-1).
template <class Backend>
void queries_answer_from_stored_state() {
  Backend backend;
  auto& repo = backend.repository();
  seed(repo);
  isv::basic_admin_center center{repo};
  ok(center.purchase(tenant_a, admin, buy(sub_2, isv_app, 2), now));
  ok(center.purchase(tenant_a, admin, buy(sub_1, flat_app, std::nullopt), now));
  ok(center.create_group(tenant_a, admin, {sales, "Sales"}, now));
  ok(center.add_members(tenant_a, admin, {sales, users(1, 4)}, now));
  ok(center.assign(tenant_a, admin, {sub_1, {user(1), user(9)}, {}}, now));
  const auto assigned = ok(center.assign(tenant_a, admin, {sub_2, {}, {sales}}, now));
  CHECK(assigned.value.licenses_added == 2);
  CHECK(assigned.value.violations.size() == 2);

  const auto subs = ok(center.subscriptions(tenant_a));
  REQUIRE(subs.size() == 2);
  CHECK(subs[0].id == sub_1); // sorted by id
  CHECK(subs[1].id == sub_2);
  CHECK(ok(center.subscriptions(tenant_b)).empty());

  const auto in_sub_2 = ok(center.licenses(tenant_a, sub_2));
  REQUIRE(in_sub_2.size() == 2);
  CHECK(in_sub_2[0].user == user(1)); // members are served in sorted order (D-GROUP-1)
  CHECK(in_sub_2[1].user == user(2));
  CHECK(in_sub_2[0].paths.via(sales));

  const auto of_user_1 = ok(center.licenses_of_user(tenant_a, user(1)));
  REQUIRE(of_user_1.size() == 2);
  CHECK(of_user_1[0].subscription == sub_1);
  CHECK(of_user_1[0].paths.direct);
  CHECK(of_user_1[1].subscription == sub_2);
  CHECK(ok(center.licenses_of_user(tenant_a, user(9))).size() == 1);
  CHECK(ok(center.licenses_of_user(tenant_a, user(10))).empty());
  CHECK(code_of(center.licenses_of_user(tenant_a, isv::user_id{4242})) == isv::errc::not_found);

  const auto violations = ok(center.group_violations(tenant_a, sales));
  REQUIRE(violations.size() == 2);
  CHECK(violations[0].subscription == sub_2);
  CHECK(violations[0].violation.user == user(3));
  CHECK(violations[1].violation.user == user(4));
  CHECK(violations[0].violation.reason == isv::violation_reason::count_violation);
  CHECK(code_of(center.group_violations(tenant_b, sales)) == isv::errc::not_found);

  // The queries follow releases: unassigning and cancelling drop licenses from every answer.
  const auto preview = ok(center.preview_unassign(tenant_a, admin, {sub_1, {user(1)}, {}}, now)).value;
  ok(center.confirm_unassign(tenant_a, admin, preview, now));
  CHECK(ok(center.licenses_of_user(tenant_a, user(1))).size() == 1);
  ok(center.cancel(tenant_a, admin, {sub_2}, now));
  CHECK(ok(center.licenses_of_user(tenant_a, user(1))).empty());
  CHECK(ok(center.licenses(tenant_a, sub_2)).empty());
  CHECK(ok(center.group_violations(tenant_a, sales)).empty());
  CHECK(ok(center.licenses_of_user(tenant_a, user(9))).size() == 1);
}

// D-IDEM-1: the same key with the same command returns the first result and changes nothing more.
template <class Backend>
void same_key_same_command_returns_the_first_result() {
  Backend backend;
  auto& repo = backend.repository();
  seed(repo);
  isv::basic_admin_center center{repo};
  ok(center.purchase(tenant_a, admin, buy(sub_1, isv_app, 5), now, "buy-1"));
  // The repeat returns the first receipt: the purchase and its first term's charge (an ISV app is active at once).
  CHECK(ok(center.purchase(tenant_a, admin, buy(sub_1, isv_app, 5), now + 1h, "buy-1")).events.size() == 2);

  const isv::assign_command cmd{sub_1, {user(1), user(2)}, {}};
  const auto first = ok(center.assign(tenant_a, admin, cmd, now, "assign-1"));
  const auto log_after_first = log_size(repo, tenant_a);
  const auto state_after_first = stored_subscription(repo, tenant_a, sub_1);
  const auto second = ok(center.assign(tenant_a, admin, cmd, now + 1h, "assign-1"));
  CHECK(second == first);
  CHECK(first.value.licenses_added == 2);
  CHECK(log_size(repo, tenant_a) == log_after_first);
  CHECK(stored_subscription(repo, tenant_a, sub_1) == state_after_first);

  // A read with a key returns the value it first returned, even after the state moved on.
  const isv::unassign_command selection{sub_1, {user(1)}, {}};
  const auto preview = ok(center.preview_unassign(tenant_a, admin, selection, now, "preview-1"));
  ok(center.assign(tenant_a, admin, {sub_1, {user(3)}, {}}, now));
  CHECK(ok(center.preview_unassign(tenant_a, admin, selection, now, "preview-1")) == preview);
  CHECK(ok(center.preview_unassign(tenant_a, admin, selection, now)).value.version != preview.value.version);

  // Without a key, the same command is a new request.
  ok(center.change_quantity(tenant_a, admin, {sub_1, 9}, now));
  const auto log_before = log_size(repo, tenant_a);
  CHECK(ok(center.change_quantity(tenant_a, admin, {sub_1, 9}, now)).events.empty()); // 9 already
  CHECK(log_size(repo, tenant_a) == log_before);

  // A keyed request that was refused stores nothing: the same key may be used once it can succeed.
  CHECK(code_of(center.assign(tenant_a, admin, {sub_1, {user(4), user(5), user(6), user(7), user(8), user(9), user(10)}, {}},
                              now, "assign-big")) == isv::errc::seats_exhausted);
  ok(center.change_quantity(tenant_a, admin, {sub_1, 20}, now));
  CHECK(ok(center.assign(tenant_a, admin, {sub_1, {user(4), user(5), user(6), user(7), user(8), user(9), user(10)}, {}},
                         now, "assign-big")).value.licenses_added == 7);
}

// D-IDEM-1: the same key with a different command is refused, and changes nothing. Keys are per tenant.
template <class Backend>
void same_key_different_command_is_refused() {
  Backend backend;
  auto& repo = backend.repository();
  seed(repo);
  isv::basic_admin_center center{repo};
  ok(center.purchase(tenant_a, admin, buy(sub_1, isv_app, 5), now));
  ok(center.assign(tenant_a, admin, {sub_1, {user(1)}, {}}, now, "key-1"));
  const auto log_before = log_size(repo, tenant_a);
  const auto state_before = stored_subscription(repo, tenant_a, sub_1);

  const auto other_users = center.assign(tenant_a, admin, {sub_1, {user(2)}, {}}, now, "key-1");
  CHECK(code_of(other_users) == isv::errc::idempotency_mismatch);
  CHECK(other_users.error().message.find("key-1") != std::string::npos);
  CHECK(code_of(center.change_quantity(tenant_a, admin, {sub_1, 7}, now, "key-1")) == isv::errc::idempotency_mismatch);
  CHECK(code_of(center.assign(tenant_a, license_admin, {sub_1, {user(1)}, {}}, now, "key-1")) ==
        isv::errc::idempotency_mismatch); // another admin is another request
  CHECK(log_size(repo, tenant_a) == log_before);
  CHECK(stored_subscription(repo, tenant_a, sub_1) == state_before);

  // The key of tenant A means nothing in tenant B (D-TENANT-1).
  const auto in_b = ok(center.create_group(tenant_b, admin, {sales, "Sales"}, now, "key-1"));
  CHECK(in_b.events.size() == 1);
  CHECK(ok(repo.read(tenant_b)).directory().has_group(sales));
  CHECK(log_size(repo, tenant_a) == log_before);
}

// D-IDEM-1: an idempotency record is kept for the service's retention (24 hours by default) and
// removed by prune_idempotency, in every tenant; a key used again after its record was pruned is a
// new request. Until the host prunes, every record is kept.
template <class Backend>
void idempotency_records_are_pruned_after_the_retention() {
  Backend backend;
  auto& repo = backend.repository();
  seed(repo);
  isv::basic_admin_center center{repo};
  CHECK(center.options().idempotency_retention == std::chrono::hours{24});
  ok(center.purchase(tenant_a, admin, buy(sub_1, isv_app, 5), now));
  const isv::assign_command first{sub_1, {user(1)}, {}};
  const auto original = ok(center.assign(tenant_a, admin, first, now, "old"));
  ok(center.preview_unassign(tenant_a, admin, {sub_1, {user(1)}, {}}, now + 20h, "young")); // a keyed read is kept too
  ok(center.create_group(tenant_b, admin, {sales, "Sales"}, now, "old"));

  // Less than 24 hours on: nothing is removed, and a repeat still returns the first result.
  CHECK(ok(center.prune_idempotency(now + 23h)) == 0);
  CHECK(ok(center.assign(tenant_a, admin, first, now + 23h, "old")) == original);

  // 25 hours on: both "old" records (one per tenant) are removed; "young" is kept.
  CHECK(ok(center.prune_idempotency(now + 25h)) == 2);
  {
    auto v = ok(repo.read(tenant_a));
    CHECK(v.find_idempotency("old") == nullptr);
    CHECK(v.find_idempotency("young") != nullptr);
  }
  CHECK(ok(repo.read(tenant_b)).find_idempotency("old") == nullptr);
  CHECK(code_of(center.assign(tenant_a, admin, {sub_1, {user(3)}, {}}, now + 25h, "young")) == isv::errc::idempotency_mismatch);

  // The pruned key names a new request: another command under it runs, and is replayed from then on.
  const auto log_before = log_size(repo, tenant_a);
  const isv::assign_command second{sub_1, {user(4)}, {}};
  const auto reused = ok(center.assign(tenant_a, admin, second, now + 25h, "old"));
  CHECK(reused.value.licenses_added == 1);
  CHECK(log_size(repo, tenant_a) == log_before + reused.events.size());
  CHECK(ok(center.assign(tenant_a, admin, second, now + 26h, "old")) == reused);
  CHECK(code_of(center.assign(tenant_a, admin, first, now + 26h, "old")) == isv::errc::idempotency_mismatch);
  CHECK(stored_subscription(repo, tenant_a, sub_1).licenses_in_use == 2);

  // The retention is the service's option; the repository removes what was recorded before a cutoff.
  isv::basic_admin_center hourly{repo, isv::admin_center_options{3, {}, std::chrono::hours{1}}};
  CHECK(ok(hourly.prune_idempotency(now + 26h)) == 1); // "young" (now + 20h); the reuse (now + 25h) stays
  CHECK(ok(repo.read(tenant_a)).find_idempotency("old") != nullptr);
  CHECK(ok(repo.prune_idempotency(now + 25h + 1s)) == 1);
  CHECK(ok(repo.read(tenant_a)).find_idempotency("old") == nullptr);
  CHECK(ok(repo.prune_idempotency(now + 1000h)) == 0);
  isv::basic_admin_center backwards{repo, isv::admin_center_options{3, {}, -std::chrono::hours{1}}};
  CHECK(code_of(backwards.prune_idempotency(now)) == isv::errc::invalid_argument);
}

// D-CONC-1: an operation overtaken between its read and its commit is run again from fresh state.
template <class Backend>
void conflicts_are_retried_from_fresh_state() {
  Backend backend;
  auto& inner = backend.repository();
  using inner_type = std::decay_t<decltype(inner)>;
  seed(inner);
  isv::basic_admin_center direct{inner};
  ok(direct.purchase(tenant_a, admin, buy(sub_1, isv_app, 2), now));

  racing_repository<inner_type> racing(inner);
  isv::basic_admin_center center{racing};

  // Overtaken once by an assignment of another user: the retry keeps both.
  racing.race([](inner_type& r) { ok(isv::basic_admin_center{r}.assign(tenant_a, admin, {sub_1, {user(2)}, {}}, now)); });
  const auto kept = ok(center.assign(tenant_a, admin, {sub_1, {user(1)}, {}}, now));
  CHECK(racing.commits_seen() == 2);
  CHECK(kept.value.licenses_added == 1);
  {
    auto v = ok(inner.read(tenant_a));
    CHECK(v.find_license_book(sub_1)->holds(user(1)));
    CHECK(v.find_license_book(sub_1)->holds(user(2)));
    CHECK(v.find_subscription(sub_1)->licenses_in_use == 2);
  }

  // Overtaken by a writer that takes the last seat: the retry sees it and is refused, typed.
  ok(direct.change_quantity(tenant_a, admin, {sub_1, 3}, now));
  racing.race([](inner_type& r) { ok(isv::basic_admin_center{r}.assign(tenant_a, admin, {sub_1, {user(3)}, {}}, now)); });
  CHECK(code_of(center.assign(tenant_a, admin, {sub_1, {user(4)}, {}}, now)) == isv::errc::seats_exhausted);
  CHECK(stored_subscription(inner, tenant_a, sub_1).licenses_in_use == 3);

  // Overtaken every time: after max_retries the conflict is returned, and nothing of it is saved.
  ok(direct.change_quantity(tenant_a, admin, {sub_1, 10}, now));
  isv::basic_admin_center patient{racing, isv::admin_center_options{2, {}}};
  std::uint64_t competitor = 5;
  racing.race([&](inner_type& r) { ok(isv::basic_admin_center{r}.assign(tenant_a, admin, {sub_1, {user(competitor++)}, {}}, now)); }, 100);
  const int before = racing.commits_seen();
  const auto gave_up = patient.assign(tenant_a, admin, {sub_1, {user(10)}, {}}, now, "patient-key");
  CHECK(code_of(gave_up) == isv::errc::conflict);
  CHECK(racing.commits_seen() - before == 3); // the first attempt and two retries
  auto v = ok(inner.read(tenant_a));
  CHECK_FALSE(v.find_license_book(sub_1)->holds(user(10)));
  CHECK(v.find_idempotency("patient-key") == nullptr);
  CHECK(v.find_subscription(sub_1)->licenses_in_use == 6);
}

// Creating an id that exists already is refused with errc::already_exists and changes nothing.
template <class Backend>
void creating_an_existing_id_is_refused() {
  Backend backend;
  auto& repo = backend.repository();
  seed(repo);
  isv::basic_admin_center center{repo};
  CHECK(code_of(repo.create_tenant(make_tenant(tenant_a))) == isv::errc::already_exists);
  CHECK(code_of(repo.add_app(make_app(isv_app, isv::app_kind::saas, isv::pricing_model::flat_rate))) == isv::errc::already_exists);
  ok(center.purchase(tenant_a, admin, buy(sub_1, isv_app, 5), now));
  ok(center.issue_invoice(tenant_a, {invoice_1, profile_1}, now));
  const auto log_before = log_size(repo, tenant_a);
  CHECK(code_of(center.purchase(tenant_a, admin, buy(sub_1, isv_app, 9), now)) == isv::errc::already_exists);
  CHECK(code_of(center.create_billing_profile(tenant_a, admin, {profile_1, "Again", {}}, now)) == isv::errc::already_exists);
  CHECK(code_of(center.issue_invoice(tenant_a, {invoice_1, profile_1}, now)) == isv::errc::already_exists);
  ok(center.create_group(tenant_a, admin, {sales, "Sales"}, now));
  const auto after_group = log_size(repo, tenant_a);
  CHECK(after_group == log_before + 1);
  CHECK(code_of(center.create_group(tenant_a, admin, {sales, "Sales"}, now)) == isv::errc::already_exists);
  CHECK(log_size(repo, tenant_a) == after_group);
  CHECK(stored_subscription(repo, tenant_a, sub_1).quantity == 5);
  // Ids are scoped to the tenant: tenant B may use the same subscription id (D-TENANT-1).
  ok(center.create_billing_profile(tenant_b, admin, {profile_1, "B's main", {}}, now));
  ok(center.purchase(tenant_b, admin, buy(sub_1, flat_app, std::nullopt), now));
  CHECK(stored_subscription(repo, tenant_b, sub_1).app == flat_app);
  CHECK(stored_subscription(repo, tenant_a, sub_1).app == isv_app);
}

// Every operation of the service goes through load, pure operation, commit: its effects are stored.
template <class Backend>
void every_operation_is_stored() {
  Backend backend;
  auto& repo = backend.repository();
  seed(repo);
  isv::basic_admin_center center{repo};

  // SaaS: pending until activated (D-ACT-1); ISV: installed (D-INSTALL-1).
  ok(center.purchase(tenant_a, admin, buy(sub_saas, saas_app, 3), now));
  CHECK(code_of(center.assign(tenant_a, admin, {sub_saas, {user(1)}, {}}, now)) == isv::errc::pending_activation);
  ok(center.activate(tenant_a, admin, {sub_saas}, now));
  CHECK(stored_subscription(repo, tenant_a, sub_saas).status == isv::subscription_status::active);
  ok(center.purchase(tenant_a, admin, buy(sub_1, isv_app, 3), now));
  const auto installed = ok(center.install(tenant_a, admin, {sub_1}, now, "install"));
  CHECK(installed.value == "https://apps.example/install/10");
  CHECK(stored_subscription(repo, tenant_a, sub_1).installed);
  CHECK(ok(center.install(tenant_a, admin, {sub_1}, now, "install")) == installed);

  ok(center.set_auto_renew(tenant_a, admin, {sub_1, false}, now));
  CHECK_FALSE(stored_subscription(repo, tenant_a, sub_1).auto_renew);

  // Billing profiles (D-BILL-2..4, D-ROLE-4).
  ok(center.create_billing_profile(tenant_a, admin, {profile_2, "Second", {"Bo", "2 Side St"}}, now));
  ok(center.change_contact_info(tenant_a, admin, {profile_2, {"Cy", "3 High St"}}, now));
  ok(center.add_payment_method(tenant_a, admin, {profile_2, {card, isv::payment_method_kind::credit_card, "Visa 4242"}}, now));
  ok(center.add_payment_method(tenant_a, admin, {profile_2, {wire, isv::payment_method_kind::check_or_wire_transfer, "Wire"}}, now));
  ok(center.set_default_payment_method(tenant_a, admin, {profile_2, wire}, now));
  ok(center.remove_payment_method(tenant_a, admin, {profile_2, card}, now));
  ok(center.set_billing_role(tenant_a, admin, {profile_2, user(3), isv::billing_role::invoice_manager}, now));
  {
    const auto b = ok(center.find_billing_profile(tenant_a, profile_2));
    CHECK(b.contact.name == "Cy");
    CHECK(b.payment_methods.size() == 1);
    CHECK(b.default_payment_method == wire);
    CHECK(b.role_of(user(3)) == isv::billing_role::invoice_manager);
  }
  ok(center.change_billing_profile(tenant_a, admin, {sub_saas, profile_2}, now));
  CHECK(stored_subscription(repo, tenant_a, sub_saas).billing_profile == profile_2);

  // Invoices: issued, viewed, overdue (suspends, D-LIFE-4), paid (reinstates).
  const auto issued = ok(center.issue_invoice(tenant_a, {invoice_1, profile_2}, now));
  CHECK(issued.value.total == isv::money{3000, isv::currency{"EUR"}});
  CHECK(ok(center.view_invoice(tenant_a, user(3), {invoice_1}, now)).value == issued.value);
  CHECK(code_of(center.view_invoice(tenant_a, user(4), {invoice_1}, now)) == isv::errc::permission_denied);
  CHECK(ok(center.collect_overdue(tenant_a, {invoice_1}, now + 24h)).events.empty()); // not due yet
  ok(center.collect_overdue(tenant_a, {invoice_1}, now + 31 * 24h));
  CHECK(stored_subscription(repo, tenant_a, sub_saas).status == isv::subscription_status::suspended);
  CHECK(ok(center.find_invoice(tenant_a, invoice_1)).status == isv::invoice_status::overdue);
  ok(center.pay_invoice(tenant_a, user(3), {invoice_1, std::nullopt}, now + 32 * 24h));
  CHECK(stored_subscription(repo, tenant_a, sub_saas).status == isv::subscription_status::active);
  CHECK(ok(center.find_invoice(tenant_a, invoice_1)).status == isv::invoice_status::paid);

  // Roles (D-ROLE-1): a revoked License administrator can no longer assign.
  ok(center.grant_role(tenant_a, admin, {user(6), isv::directory_role::license_administrator}, now));
  ok(center.assign(tenant_a, user(6), {sub_1, {user(6)}, {}}, now));
  ok(center.revoke_role(tenant_a, admin, {user(6), isv::directory_role::license_administrator}, now));
  CHECK(code_of(center.assign(tenant_a, user(6), {sub_1, {user(7)}, {}}, now)) == isv::errc::permission_denied);
  CHECK_FALSE(ok(center.find_tenant(tenant_a)).has_role(user(6), isv::directory_role::license_administrator));

  // The clock (D-TERM-1): auto-renew off expires sub_1 at its term's end; sub_saas renews.
  const auto term_end = *stored_subscription(repo, tenant_a, sub_1).term_end;
  const auto saas_end = *stored_subscription(repo, tenant_a, sub_saas).term_end;
  CHECK(code_of(center.advance_to(tenant_a, {{sub_1, sub_1}}, term_end)) == isv::errc::invalid_argument);
  ok(center.advance_to(tenant_a, {}, std::max(term_end, saas_end)));
  CHECK(stored_subscription(repo, tenant_a, sub_1).status == isv::subscription_status::deactivated);
  CHECK(stored_subscription(repo, tenant_a, sub_1).reason == isv::deactivation_reason::expired);
  CHECK(ok(center.licenses(tenant_a, sub_1)).empty());
  CHECK(stored_subscription(repo, tenant_a, sub_saas).status == isv::subscription_status::active);
  CHECK(*stored_subscription(repo, tenant_a, sub_saas).term_start == saas_end);

  // Cancel (D-LIFE-1): deactivated for good.
  ok(center.cancel(tenant_a, admin, {sub_saas}, now + 40 * 24h));
  CHECK(stored_subscription(repo, tenant_a, sub_saas).reason == isv::deactivation_reason::cancelled);
  CHECK(code_of(center.change_quantity(tenant_a, admin, {sub_saas, 9}, now + 41 * 24h)) == isv::errc::deactivated);
}

// D-BUY-5: a tenant is created only with a well-formed ISO 3166-1 alpha-2 country; anything else is
// refused with invalid_argument and nothing is stored. The admin center's purchase policy is the
// host's table of supported countries.
template <class Backend>
void tenants_are_created_in_a_country_and_buy_where_the_host_sells() {
  Backend backend;
  auto& repo = backend.repository();
  seed(repo);
  const isv::tenant_id newcomer{77};
  for (const char* region : {"", "Germany", "de", "DEU", "D1", "Western Europe"}) {
    CAPTURE(region);
    auto org = make_tenant(newcomer);
    org.region = region;
    const auto refused = repo.create_tenant(org);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == isv::errc::invalid_argument);
    CHECK(refused.error().message.find("ISO 3166-1 alpha-2") != std::string::npos);
    CHECK(code_of(repo.read(newcomer)) == isv::errc::not_found);
  }
  auto org = make_tenant(newcomer);
  org.region = "Germany";
  const auto named = repo.create_tenant(org);
  REQUIRE_FALSE(named.has_value());
  CHECK(named.error().message.find("(Germany is DE)") != std::string::npos); // the old name, answered with its code
  org.region = "JP";
  ok(repo.create_tenant(org));
  CHECK(ok(repo.read(newcomer)).tenant().region == "JP");
  ok(isv::basic_admin_center{repo}.create_billing_profile(newcomer, admin, {profile_1, "Tokyo", {}}, now));

  // Japan is not sold to by default; a host that sells there says so in the admin center's options.
  isv::basic_admin_center by_default{repo};
  CHECK(code_of(by_default.purchase(newcomer, admin, buy(sub_1, isv_app, 5), now)) == isv::errc::unsupported_region);
  CHECK(log_size(repo, newcomer) == 1);
  isv::admin_center_options options;
  CHECK(options.purchase.supported_countries == isv::default_supported_countries);
  CHECK(options.purchase.supported_countries.insert("JP"));
  isv::basic_admin_center in_japan{repo, options};
  ok(in_japan.purchase(newcomer, admin, buy(sub_1, isv_app, 5), now));
  CHECK(stored_subscription(repo, newcomer, sub_1).quantity == 5);
}

// ---- The marketplace's links (isv/marketplace_link.hpp) ---------------------------------------

/// A link in one expression: linked(guid(1), tenant_a, sub_1).
inline isv::marketplace_link linked(isv::marketplace_guid g, isv::tenant_id t, isv::subscription_id s) { return {g, t, s}; }

// A GUID is linked to a tenant's subscription and found by it; a GUID without a link is found
// empty; linking it again to the same target succeeds and changes nothing.
template <class Backend>
void a_marketplace_guid_is_linked_and_found() {
  Backend backend;
  auto& repo = backend.repository();
  static_assert(isv::marketplace_link_store<std::decay_t<decltype(repo)>>);
  seed(repo);
  isv::basic_admin_center center{repo};
  ok(center.purchase(tenant_a, admin, buy(sub_saas, saas_app, 3), now));
  const auto log_before = log_size(repo, tenant_a);
  const auto subscription_before = stored_subscription(repo, tenant_a, sub_saas);

  CHECK_FALSE(ok(repo.find_marketplace_link(guid(1))).has_value()); // no link yet: empty, not an error
  ok(repo.link_marketplace(linked(guid(1), tenant_a, sub_saas)));
  CHECK(ok(repo.find_marketplace_link(guid(1))) == std::optional<isv::marketplace_link>{linked(guid(1), tenant_a, sub_saas)});
  CHECK_FALSE(ok(repo.find_marketplace_link(guid(2))).has_value());

  // The subscription need not exist yet: the host links before it records the purchase.
  ok(repo.link_marketplace(linked(guid(2), tenant_a, sub_2)));
  CHECK(ok(repo.find_marketplace_link(guid(2))) == std::optional<isv::marketplace_link>{linked(guid(2), tenant_a, sub_2)});

  // Linked so already (a webhook retried): succeeds, and the links are as they were.
  const auto before = ok(repo.marketplace_links(tenant_a));
  REQUIRE(before.size() == 2);
  ok(repo.link_marketplace(linked(guid(1), tenant_a, sub_saas)));
  ok(repo.link_marketplace(linked(guid(2), tenant_a, sub_2)));
  CHECK(ok(repo.marketplace_links(tenant_a)) == before);
  CHECK(ok(repo.find_marketplace_link(guid(1))) == std::optional<isv::marketplace_link>{linked(guid(1), tenant_a, sub_saas)});
  // A link is the host's bookkeeping, not a change of the tenant: its log and state are untouched.
  CHECK(log_size(repo, tenant_a) == log_before);
  CHECK(stored_subscription(repo, tenant_a, sub_saas) == subscription_before);
}

// A GUID is linked to one target for good, and a subscription has one GUID: either refusal is
// already_exists naming what is linked, and the first link is kept.
template <class Backend>
void a_taken_guid_or_subscription_is_refused_and_the_first_link_kept() {
  Backend backend;
  auto& repo = backend.repository();
  seed(repo);
  ok(repo.link_marketplace(linked(guid(1), tenant_a, sub_1)));

  // The GUID to another subscription of the same tenant, and to another tenant.
  for (const auto& other : {linked(guid(1), tenant_a, sub_2), linked(guid(1), tenant_b, sub_1)}) {
    CAPTURE(other.tenant.value(), other.subscription.value());
    const auto refused = repo.link_marketplace(other);
    CHECK(code_of(refused) == isv::errc::already_exists);
    CHECK(mentions(refused.error().message, guid(1).to_string()));
    CHECK(mentions(refused.error().message, "subscription 1000 of tenant 1")); // the link it has
    CHECK(mentions(refused.error().message, "subscription " + std::to_string(other.subscription.value()) + " of tenant " +
                                                std::to_string(other.tenant.value()))); // the one asked for
  }
  // A second GUID for the same (tenant, subscription).
  const auto second = repo.link_marketplace(linked(guid(2), tenant_a, sub_1));
  CHECK(code_of(second) == isv::errc::already_exists);
  CHECK(mentions(second.error().message, guid(1).to_string()));
  CHECK(mentions(second.error().message, guid(2).to_string()));

  CHECK(ok(repo.find_marketplace_link(guid(1))) == std::optional<isv::marketplace_link>{linked(guid(1), tenant_a, sub_1)});
  CHECK_FALSE(ok(repo.find_marketplace_link(guid(2))).has_value());
  CHECK(ok(repo.marketplace_links(tenant_a)) == std::vector<isv::marketplace_link>{linked(guid(1), tenant_a, sub_1)});
  CHECK(ok(repo.marketplace_links(tenant_b)).empty());

  // The same subscription id in another tenant is another subscription: it takes a GUID of its own.
  ok(repo.link_marketplace(linked(guid(2), tenant_b, sub_1)));
  CHECK(ok(repo.find_marketplace_link(guid(2))) == std::optional<isv::marketplace_link>{linked(guid(2), tenant_b, sub_1)});
}

// A link into a tenant that does not exist is not_found; the nil GUID is invalid_argument. Neither
// stores anything.
template <class Backend>
void a_link_without_tenant_or_of_the_nil_guid_is_refused() {
  Backend backend;
  auto& repo = backend.repository();
  seed(repo);
  const auto no_tenant = repo.link_marketplace(linked(guid(1), no_such_tenant, sub_1));
  CHECK(code_of(no_tenant) == isv::errc::not_found);
  CHECK(mentions(no_tenant.error().message, "tenant 99"));
  CHECK_FALSE(ok(repo.find_marketplace_link(guid(1))).has_value());
  CHECK(code_of(repo.marketplace_links(no_such_tenant)) == isv::errc::not_found);

  const auto nil = repo.link_marketplace(linked(isv::marketplace_guid{}, tenant_a, sub_1));
  CHECK(code_of(nil) == isv::errc::invalid_argument);
  CHECK(mentions(nil.error().message, "00000000-0000-0000-0000-000000000000"));
  CHECK_FALSE(ok(repo.find_marketplace_link(isv::marketplace_guid{})).has_value());
  CHECK(ok(repo.marketplace_links(tenant_a)).empty());

  // The refusals left the GUID and the subscription free.
  ok(repo.link_marketplace(linked(guid(1), tenant_a, sub_1)));
}

// D-TENANT-1: a tenant's links are listed in subscription order, and only that tenant's.
template <class Backend>
void a_tenants_links_are_listed_in_order_and_no_others() {
  Backend backend;
  auto& repo = backend.repository();
  seed(repo);
  // Linked out of order, the two tenants interleaved, GUIDs in no relation to the subscriptions.
  ok(repo.link_marketplace(linked(guid(5), tenant_a, sub_saas)));
  ok(repo.link_marketplace(linked(guid(1), tenant_b, sub_2)));
  ok(repo.link_marketplace(linked(guid(3), tenant_a, sub_1)));
  ok(repo.link_marketplace(linked(guid(2), tenant_b, sub_1)));
  ok(repo.link_marketplace(linked(guid(4), tenant_a, sub_2)));

  CHECK(ok(repo.marketplace_links(tenant_a)) ==
        std::vector<isv::marketplace_link>{linked(guid(3), tenant_a, sub_1), linked(guid(4), tenant_a, sub_2),
                                           linked(guid(5), tenant_a, sub_saas)});
  CHECK(ok(repo.marketplace_links(tenant_b)) ==
        std::vector<isv::marketplace_link>{linked(guid(2), tenant_b, sub_1), linked(guid(1), tenant_b, sub_2)});
  const isv::tenant_id tenant_c{3};
  ok(repo.create_tenant(make_tenant(tenant_c)));
  CHECK(ok(repo.marketplace_links(tenant_c)).empty());
}

} // namespace conformance

/// Stamps every conformance test case for one backend; `name` starts each test's name.
#define ISV_REPOSITORY_CONFORMANCE_SUITE(Backend, name)                                                                \
  TEST_CASE(name ": a tenant-scoped find never returns another tenant's entity [D-TENANT-1]") {                      \
    conformance::scoped_finds_never_cross_tenants<Backend>();                                                          \
  }                                                                                                                    \
  TEST_CASE(name ": a commit from a stale version is a conflict and writes nothing [D-CONC-1]") {                     \
    conformance::stale_commit_is_a_conflict_and_writes_nothing<Backend>();                                             \
  }                                                                                                                    \
  TEST_CASE(name ": a malformed commit is refused whole [D-TENANT-1][D-ERR-1]") {                                    \
    conformance::malformed_commit_writes_nothing<Backend>();                                                           \
  }                                                                                                                    \
  TEST_CASE(name ": events are appended in order and replay rebuilds the stored state [D-AUDIT-1]") {                 \
    conformance::events_are_appended_in_order_and_replay_rebuilds_state<Backend>();                                    \
  }                                                                                                                    \
  TEST_CASE(name ": queries answer from the stored state [D-GROUP-1][D-ASSIGN-2]") {                                  \
    conformance::queries_answer_from_stored_state<Backend>();                                                          \
  }                                                                                                                    \
  TEST_CASE(name ": the same idempotency key and command return the first result [D-IDEM-1]") {                       \
    conformance::same_key_same_command_returns_the_first_result<Backend>();                                            \
  }                                                                                                                    \
  TEST_CASE(name ": the same idempotency key with another command is refused [D-IDEM-1]") {                          \
    conformance::same_key_different_command_is_refused<Backend>();                                                     \
  }                                                                                                                    \
  TEST_CASE(name ": idempotency records are pruned after the retention, a pruned key is a new request [D-IDEM-1]") { \
    conformance::idempotency_records_are_pruned_after_the_retention<Backend>();                                        \
  }                                                                                                                    \
  TEST_CASE(name ": an operation overtaken by a concurrent change is retried from fresh state [D-CONC-1]") {          \
    conformance::conflicts_are_retried_from_fresh_state<Backend>();                                                    \
  }                                                                                                                    \
  TEST_CASE(name ": creating an id that exists is refused [D-ERR-1][D-TENANT-1]") {                                   \
    conformance::creating_an_existing_id_is_refused<Backend>();                                                        \
  }                                                                                                                    \
  TEST_CASE(name ": a tenant's country is an ISO code, and the host's table of countries is used [D-BUY-5][D-BUY-2]") { \
    conformance::tenants_are_created_in_a_country_and_buy_where_the_host_sells<Backend>();                             \
  }                                                                                                                    \
  TEST_CASE(name ": every operation of the service is stored [D-AUDIT-1][D-LIFE-4][D-TERM-1]") {                     \
    conformance::every_operation_is_stored<Backend>();                                                                 \
  }                                                                                                                    \
  TEST_CASE(name ": a marketplace GUID is linked to a subscription and found by it, and linking it again changes nothing") { \
    conformance::a_marketplace_guid_is_linked_and_found<Backend>();                                                    \
  }                                                                                                                    \
  TEST_CASE(name ": a marketplace GUID linked elsewhere, or a second GUID for a subscription, is refused") {          \
    conformance::a_taken_guid_or_subscription_is_refused_and_the_first_link_kept<Backend>();                          \
  }                                                                                                                    \
  TEST_CASE(name ": a marketplace link into a missing tenant, or of the nil GUID, is refused") {                     \
    conformance::a_link_without_tenant_or_of_the_nil_guid_is_refused<Backend>();                                       \
  }                                                                                                                    \
  TEST_CASE(name ": a tenant's marketplace links are listed in subscription order, and no other tenant's [D-TENANT-1]") { \
    conformance::a_tenants_links_are_listed_in_order_and_no_others<Backend>();                                         \
  }
