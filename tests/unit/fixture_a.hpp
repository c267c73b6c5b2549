// Test builders shared by the purchase, assignment, membership, quantity, license-book and directory tests: a tenant with one admin per role, its directory and billing profile, apps, and subscriptions bought through the library's own operations.
#pragma once

#include "isv/licensing.hpp"
#include "support/catch.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace fixture_a {

using traits = isv::default_traits;
using users_added = isv::basic_users_added<traits>;
using group_created = isv::basic_group_created<traits>;
using members_added = isv::basic_members_added<traits>;
using members_removed = isv::basic_members_removed<traits>;
using users_removed = isv::basic_users_removed<traits>;
using group_deleted = isv::basic_group_deleted<traits>;
using user_named = isv::basic_user_named<traits>;
using licenses_granted = isv::basic_licenses_granted<traits>;
using licenses_released = isv::basic_licenses_released<traits>;
using group_assigned = isv::basic_group_assigned<traits>;
using group_unassigned = isv::basic_group_unassigned<traits>;
using violations_recorded = isv::basic_violations_recorded<traits>;
using violations_cleared = isv::basic_violations_cleared<traits>;
using quantity_changed = isv::basic_quantity_changed<traits>;
using subscription_purchased = isv::basic_subscription_purchased<traits>;
using subscription_deactivated = isv::basic_subscription_deactivated<traits>;
using app_installed = isv::basic_app_installed<traits>;

/// Every operation in these tests happens at this moment (time is an argument, D-PURE-1).
inline constexpr std::chrono::sys_seconds now{std::chrono::sys_days{std::chrono::year{2026} / 1 / 15}};

inline constexpr isv::tenant_id tenant_1{1};
inline constexpr isv::tenant_id tenant_2{2};

// One admin per directory role, the same user numbers in every tenant built here.
inline constexpr isv::user_id global_admin{1};
inline constexpr isv::user_id billing_admin{2};
inline constexpr isv::user_id license_admin{3};
inline constexpr isv::user_id user_admin{4};
inline constexpr isv::user_id global_reader{5};

inline constexpr isv::billing_profile_id profile_1{10};
inline constexpr isv::billing_profile_id profile_2{20};

inline constexpr isv::app_id saas_app_id{1};
inline constexpr isv::app_id isv_app_id{2};
inline constexpr isv::app_id flat_app_id{3};

inline constexpr isv::subscription_id subscription_1{1};
inline constexpr isv::subscription_id subscription_2{2};

inline constexpr isv::group_id sales{1};
inline constexpr isv::group_id support{2};
inline constexpr isv::group_id engineering{3};

/// Plain users of the directory: member(1) is user 101, member(2) user 102, ...
inline isv::user_id member(std::uint64_t n) { return isv::user_id{100 + n}; }

/// Members member(first) .. member(last), in order.
inline std::vector<isv::user_id> members(std::uint64_t first, std::uint64_t last) {
  std::vector<isv::user_id> out;
  for (auto n = first; n <= last; ++n) out.push_back(member(n));
  return out;
}

/// A user id that no directory built here holds.
inline constexpr isv::user_id stranger{999};

/// `text` contains `part`, as a Catch matcher under Catch2 v2 and v3.
inline auto says(const std::string& part) {
#if defined(CATCH_VERSION_MAJOR) && CATCH_VERSION_MAJOR >= 3
  return Catch::Matchers::ContainsSubstring(part);
#else
  return Catch::Matchers::Contains(part);
#endif
}

/// A tenant in country `region` with one admin per directory role.
inline isv::tenant make_tenant(isv::tenant_id id, std::string region = "DE") {
  isv::tenant org;
  org.id = id;
  org.name = "Tenant " + std::to_string(id.value());
  org.region = std::move(region);
  org.admin_roles = {{id, global_admin, isv::directory_role::global_administrator},
                     {id, billing_admin, isv::directory_role::billing_administrator},
                     {id, license_admin, isv::directory_role::license_administrator},
                     {id, user_admin, isv::directory_role::user_administrator},
                     {id, global_reader, isv::directory_role::global_reader}};
  return org;
}

/// A billing profile: the Global admin owns it, the Billing admin contributes, the Global reader reads.
inline isv::billing_profile make_profile(isv::tenant_id tenant, isv::billing_profile_id id) {
  isv::billing_profile profile;
  profile.id = id;
  profile.tenant = tenant;
  profile.name = "Main";
  profile.contact = {"Ada Admin", "1 Main Street"};
  profile.roles = {{global_admin, isv::billing_role::owner},
                   {billing_admin, isv::billing_role::contributor},
                   {global_reader, isv::billing_role::reader}};
  profile.version = 1;
  return profile;
}

inline isv::app make_app(isv::app_id id, isv::app_kind kind, isv::pricing_model pricing) {
  isv::app product;
  product.id = id;
  product.name = "App " + std::to_string(id.value());
  product.publisher = "Contoso";
  product.kind = kind;
  product.pricing = pricing;
  product.monthly_price = isv::money{1'000, isv::currency{"EUR"}};
  product.annual_price = isv::money{10'000, isv::currency{"EUR"}};
  if (kind == isv::app_kind::isv) product.install_link = "https://apps.contoso.example/install";
  return product;
}

/// A per-user SaaS app (starts pending activation).
inline isv::app saas_app() { return make_app(saas_app_id, isv::app_kind::saas, isv::pricing_model::per_user); }
/// A per-user ISV app (licenses managed in the admin center, active from purchase).
inline isv::app isv_app() { return make_app(isv_app_id, isv::app_kind::isv, isv::pricing_model::per_user); }
/// A flat-rate SaaS app (Unlimited licenses).
inline isv::app flat_app() { return make_app(flat_app_id, isv::app_kind::saas, isv::pricing_model::flat_rate); }

inline constexpr isv::plan_id basic_plan{1};
inline constexpr isv::plan_id standard_plan{2};
inline constexpr isv::plan_id site_plan{3};
inline constexpr isv::plan_id yearly_only{4};

inline isv::app_plan make_plan(isv::plan_id id, std::string name, isv::pricing_model pricing, std::int64_t monthly,
                               std::optional<isv::count_t> max_seats = std::nullopt) {
  isv::app_plan p;
  p.id = id;
  p.name = std::move(name);
  p.pricing = pricing;
  p.monthly_price = isv::money{monthly, isv::currency{"EUR"}};
  p.annual_price = isv::money{monthly * 10, isv::currency{"EUR"}};
  p.max_seats = max_seats;
  return p;
}

/// The per-user ISV app with four plans (D-PLAN-1): Basic (per user, 10 EUR a month, at most 10
/// seats), Standard (per user, 20 EUR), Site (flat rate, 500 EUR) and Yearly (per user, sold only by the year).
inline isv::app planned_app() {
  auto product = isv_app();
  product.plans = {make_plan(basic_plan, "Basic", isv::pricing_model::per_user, 1'000, 10),
                   make_plan(standard_plan, "Standard", isv::pricing_model::per_user, 2'000),
                   make_plan(site_plan, "Site", isv::pricing_model::flat_rate, 50'000)};
  auto yearly = make_plan(yearly_only, "Yearly", isv::pricing_model::per_user, 1'500);
  yearly.monthly_price.reset();
  product.plans.push_back(yearly);
  return product;
}

/// An event of `tenant` done by its Global admin now.
template <class Payload>
isv::event event_of(isv::tenant_id tenant, Payload payload) {
  return isv::event{tenant, global_admin, now, std::move(payload)};
}

/// A directory with the admins and members 1..`users` (user 101 ..).
inline isv::directory make_directory(isv::tenant_id tenant, std::uint64_t users) {
  isv::directory dir{tenant};
  users_added added{{global_admin, billing_admin, license_admin, user_admin, global_reader}};
  for (const auto& user : members(1, users)) added.users.push_back(user);
  isv::apply(dir, event_of(tenant, std::move(added)));
  return dir;
}

/// The command that buys `product` through the platform on profile_1 (no quantity for flat rate).
inline isv::purchase_command purchase_of(const isv::app& product, std::optional<isv::count_t> quantity,
                                         isv::acquisition_channel channel = isv::acquisition_channel::direct,
                                         isv::subscription_id id = subscription_1) {
  isv::purchase_command cmd;
  cmd.subscription = id;
  cmd.app = product.id;
  cmd.channel = channel;
  cmd.quantity = quantity;
  cmd.agreement_accepted = true;
  if (channel != isv::acquisition_channel::vendor) cmd.billing_profile = profile_1;
  return cmd;
}

/// A subscription and its license book, kept in step by applying the same events to both.
struct held {
  isv::subscription sub;
  isv::license_book book;

  void apply(const std::vector<isv::event>& events) {
    for (const auto& e : events) {
      sub = isv::apply(std::move(sub), e);
      isv::apply(book, e);
    }
  }
};

/// Buys `product` as the Global admin and, for a SaaS app, activates it: an active subscription.
inline held buy(const isv::tenant& org, const isv::billing_profile& profile, const isv::app& product,
                const isv::purchase_command& cmd) {
  const isv::actor admin = org.actor(global_admin);
  const auto bought = isv::purchase(org, product, std::span(&profile, 1), {}, admin, cmd, now);
  REQUIRE(bought.has_value());
  held out{isv::subscription{}, isv::license_book{cmd.subscription}};
  out.apply(bought.value().events);
  if (out.sub.status == isv::subscription_status::pending_activation) {
    const auto activated = isv::activate(out.sub, admin, isv::activate_command{out.sub.id}, now);
    REQUIRE(activated.has_value());
    out.apply(activated.value().events);
  }
  REQUIRE(out.sub.status == isv::subscription_status::active);
  return out;
}

/// Tenant 1 with its directory (admins and members 1..10), profile_1, and one active subscription.
/// Its state is an isv::tenant_state changed only by isv::apply; `org`, `dir`, `profile`, `sub` and
/// `book` name the parts the tests use.
struct world {
  isv::tenant_state state = initial_state();
  isv::tenant& org = state.tenant;
  isv::directory& dir = state.directory;
  isv::billing_profile& profile = state.profiles.at(profile_1);
  isv::subscription& sub = state.subscriptions.at(subscription_1).subscription;
  isv::license_book& book = state.subscriptions.at(subscription_1).book;

  world() = default;
  // The names above refer to this world's own state, never to the state copied from; assigning
  // would free the entries they refer to, so a world is copied or moved but never assigned.
  world(const world& other) : state(other.state) {}
  world(world&& other) noexcept : state(std::move(other.state)) {}
  world& operator=(const world&) = delete;
  world& operator=(world&&) = delete;
  ~world() = default;

  /// The tenant, its directory and profile, and subscription_1 not bought yet (version 0).
  static isv::tenant_state initial_state() {
    isv::tenant_state out{make_tenant(tenant_1)};
    out.directory = make_directory(tenant_1, 10);
    out.profiles.emplace(profile_1, make_profile(tenant_1, profile_1));
    out.subscriptions.emplace(subscription_1, isv::subscription_state{isv::subscription{}, isv::license_book{subscription_1}});
    return out;
  }

  /// A world whose subscription_1 is an active per-user ISV app with `quantity` seats.
  static world with_seats(isv::count_t quantity) { return with(isv_app(), quantity); }

  static world with(const isv::app& product, std::optional<isv::count_t> quantity,
                    isv::acquisition_channel channel = isv::acquisition_channel::direct) {
    world w;
    auto bought = buy(w.org, w.profile, product, purchase_of(product, quantity, channel));
    w.sub = std::move(bought.sub);
    w.book = std::move(bought.book);
    return w;
  }

  [[nodiscard]] isv::actor as(isv::user_id who) const { return org.actor(who); }

  /// Applies an operation's events to the tenant state (every value they name).
  void apply(const std::vector<isv::event>& events) { isv::apply(state, events); }

  /// Creates `group` in the directory with `users` as members.
  void add_group(isv::group_id group, const std::vector<isv::user_id>& users) {
    isv::apply(state, event_of(org.id, group_created{group, "Group " + std::to_string(group.value())}));
    if (!users.empty()) isv::apply(state, event_of(org.id, members_added{group, users}));
  }

  /// Assigns as the Global admin, requires success, applies the events and returns the report.
  isv::assignment_report assign(std::vector<isv::user_id> users, std::vector<isv::group_id> groups = {}) {
    const auto done = isv::assign(sub, book, dir, as(global_admin), isv::assign_command{sub.id, std::move(users), std::move(groups)}, now);
    REQUIRE(done.has_value());
    apply(done.value().events);
    return done.value().report;
  }

  /// Previews as the Global admin and requires success.
  isv::unassign_preview preview(std::vector<isv::user_id> users, std::vector<isv::group_id> groups = {}) const {
    const auto seen = isv::preview_unassign(sub, book, dir, as(global_admin),
                                            isv::unassign_command{sub.id, std::move(users), std::move(groups)}, now);
    REQUIRE(seen.has_value());
    REQUIRE(seen.value().events.empty()); // a preview records nothing (D-ASSIGN-4)
    return seen.value().report;
  }

  /// Previews and confirms as the Global admin, requires success and applies the events.
  void unassign(std::vector<isv::user_id> users, std::vector<isv::group_id> groups = {}) {
    const auto seen = preview(std::move(users), std::move(groups));
    const auto done = isv::confirm_unassign(sub, book, dir, as(global_admin), seen, now);
    REQUIRE(done.has_value());
    apply(done.value().events);
  }

  /// Sets the quantity as the Global admin, requires success and applies the events.
  void set_quantity(isv::count_t quantity) {
    const auto done = isv::change_quantity(sub, as(global_admin), isv::change_quantity_command{sub.id, quantity}, now);
    REQUIRE(done.has_value());
    apply(done.value().events);
  }

  /// The users holding a license, sorted.
  [[nodiscard]] std::vector<isv::user_id> holders() const {
    std::vector<isv::user_id> out;
    for (const auto& l : book.licenses()) out.push_back(l.user);
    return out;
  }
};

/// A world whose subscription_1 is on `plan` of planned_app() with `quantity` seats, bought now (an
/// ISV app: active, its first term from Jan 15 to Feb 15, 2026, 31 days).
inline world on_plan(isv::plan_id plan, std::optional<isv::count_t> quantity) {
  world w;
  auto cmd = purchase_of(planned_app(), quantity);
  cmd.plan = plan;
  auto bought = buy(w.org, w.profile, planned_app(), cmd);
  w.sub = std::move(bought.sub);
  w.book = std::move(bought.book);
  return w;
}

/// The paths by which `user` holds a license; the test stops here when they hold none.
inline isv::basic_license_paths<traits> paths_of(const isv::license_book& book, isv::user_id user) {
  const auto paths = book.find(user);
  REQUIRE(paths.has_value());
  return *paths;
}

/// The users of a list of violations, in order.
inline std::vector<isv::user_id> users_of(const std::vector<isv::count_violation>& violations) {
  std::vector<isv::user_id> out;
  for (const auto& v : violations) out.push_back(v.user);
  return out;
}

} // namespace fixture_a

// Failed checks print ids and error codes by name rather than as "{?}".
namespace Catch {
template <class Tag, class Rep>
struct StringMaker<isv::basic_id<Tag, Rep>> {
  static std::string convert(const isv::basic_id<Tag, Rep>& id) { return "#" + std::to_string(id.value()); }
};
template <>
struct StringMaker<isv::errc> {
  static std::string convert(isv::errc code) { return std::string(isv::to_string(code)); }
};
} // namespace Catch
