// Test fixture for the lifecycle, billing, authorization, audit and tenancy tests: a tenant built through the library's own operations, and a world that applies every event to every entity.
#pragma once

#include "support/catch.hpp"

#include "isv/licensing.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace fixture_b {

using traits = isv::default_traits;

// Event payloads and commands of the default traits, by short names.
using purchased = isv::basic_subscription_purchased<traits>;
using activated = isv::basic_subscription_activated<traits>;
using renewed = isv::basic_subscription_renewed<traits>;
using suspended = isv::basic_subscription_suspended<traits>;
using reinstated = isv::basic_subscription_reinstated<traits>;
using deactivated = isv::basic_subscription_deactivated<traits>;
using licenses_granted = isv::basic_licenses_granted<traits>;
using licenses_released = isv::basic_licenses_released<traits>;
using violations_recorded = isv::basic_violations_recorded<traits>;
using quantity_changed = isv::basic_quantity_changed<traits>;
using auto_renew_changed = isv::basic_auto_renew_changed<traits>;
using profile_changed = isv::basic_billing_profile_changed<traits>;
using profile_created = isv::basic_billing_profile_created<traits>;
using contact_changed = isv::basic_contact_info_changed<traits>;
using method_added = isv::basic_payment_method_added<traits>;
using default_method_set = isv::basic_default_payment_method_set<traits>;
using billing_role_changed = isv::basic_billing_role_changed<traits>;
using invoice_issued = isv::basic_invoice_issued<traits>;
using invoice_paid = isv::basic_invoice_paid<traits>;
using invoice_overdue = isv::basic_invoice_overdue<traits>;
using role_granted = isv::basic_role_granted<traits>;
using role_revoked = isv::basic_role_revoked<traits>;

using create_profile_command = isv::basic_create_billing_profile_command<traits>;
using contact_command = isv::basic_contact_info_command<traits>;
using add_method_command = isv::basic_add_payment_method_command<traits>;
using method_command = isv::basic_payment_method_command<traits>;
using billing_role_command = isv::basic_billing_role_command<traits>;
using change_profile_command = isv::basic_change_billing_profile_command<traits>;
using issue_command = isv::basic_issue_invoice_command<traits>;
using pay_command = isv::basic_pay_invoice_command<traits>;

/// The payload of an event, which must be of type P.
template <class P>
const P& payload(const isv::event& e) {
  const auto* p = std::get_if<P>(&e.payload);
  REQUIRE(p != nullptr);
  return *p;
}

/// The names of a list of events, in order ("subscription_activated", ...).
inline std::vector<std::string> names(const std::vector<isv::event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.emplace_back(isv::event_name<traits>(e.payload));
  return out;
}

/// The fixed "now" of the tests; nothing reads a clock.
inline const std::chrono::sys_seconds t0{std::chrono::sys_days{std::chrono::year{2026} / 1 / 15}};

inline constexpr isv::tenant_id home_tenant{1};
inline constexpr isv::tenant_id other_tenant{2};

// One admin per directory role, and one user without any.
inline constexpr isv::user_id global_admin{1};
inline constexpr isv::user_id billing_admin{2};
inline constexpr isv::user_id license_admin{3};
inline constexpr isv::user_id user_admin{4};
inline constexpr isv::user_id global_reader{5};
inline constexpr isv::user_id no_role{6};

/// Users 101..120 are ordinary users; groups 501 and 502 start empty.
inline isv::user_id member(std::uint64_t n) { return isv::user_id{100 + n}; }
inline constexpr isv::group_id sales{501};
inline constexpr isv::group_id support{502};

inline constexpr isv::billing_profile_id main_profile{10};
inline constexpr isv::billing_profile_id second_profile{11};
inline constexpr isv::payment_method_id main_card{1};

inline const isv::currency eur{"EUR"};

/// A SaaS app priced per user: 10.00 EUR a month or 100.00 EUR a year per license.
inline isv::app saas_per_user() {
  return {isv::app_id{1}, "Timesheets", "Contoso", isv::app_kind::saas, isv::pricing_model::per_user,
          isv::money{1000, eur}, isv::money{10000, eur}, std::nullopt};
}
/// A SaaS app at a flat rate: 500.00 EUR a month or 5000.00 EUR a year for the whole tenant.
inline isv::app saas_flat() {
  return {isv::app_id{2}, "Intranet", "Fabrikam", isv::app_kind::saas, isv::pricing_model::flat_rate,
          isv::money{50000, eur}, isv::money{500000, eur}, std::nullopt};
}
/// An ISV app priced per user that is installed into the tenant.
inline isv::app isv_per_user() {
  return {isv::app_id{3}, "Diagrams", "Northwind", isv::app_kind::isv, isv::pricing_model::per_user,
          isv::money{700, eur}, isv::money{7000, eur}, std::string("https://apps.example/install/diagrams")};
}

/// A matcher for a message that contains `part` (Catch2 v2 and v3 spell it differently).
inline auto has(const std::string& part) {
#if __has_include(<catch2/catch_all.hpp>)
  return Catch::Matchers::ContainsSubstring(part);
#else
  return Catch::Matchers::Contains(part);
#endif
}

/// The value of a successful result; the test stops with the refusal's message otherwise.
template <class R>
auto must(const R& r) {
  if (!r) FAIL(isv::to_string(r.error().code) << ": " << r.error().message);
  return r.value();
}

/// The refusal of a result that must be refused with `code`; returns its message.
template <class R>
std::string refused(const R& r, isv::errc code) {
  REQUIRE_FALSE(r.has_value());
  CHECK(isv::to_string(r.error().code) == isv::to_string(code));
  CHECK_FALSE(r.error().message.empty());
  return r.error().message;
}

/// A tenant in a supported country whose admins each hold one directory role.
inline isv::tenant make_tenant(isv::tenant_id id = home_tenant, std::string region = "DE") {
  isv::tenant org{id, "Tenant " + std::to_string(id.value()), std::move(region), {}, 0};
  const std::pair<isv::user_id, isv::directory_role> grants[] = {
      {global_admin, isv::directory_role::global_administrator},   {billing_admin, isv::directory_role::billing_administrator},
      {license_admin, isv::directory_role::license_administrator}, {user_admin, isv::directory_role::user_administrator},
      {global_reader, isv::directory_role::global_reader}};
  for (const auto& [user, role] : grants) org.admin_roles.push_back({id, user, role});
  return org;
}

/// Everything of one tenant, changed only by recording the events that operations return: an
/// isv::tenant_state that isv::apply changes. The log keeps every event in order, so a test can
/// replay it.
struct world {
  isv::tenant_state state{make_tenant()};
  std::vector<isv::event> log;
  isv::tenant& org = state.tenant;
  isv::directory& dir = state.directory;

  world() = default;
  // `org` and `dir` refer to this world's own state, never to the state copied from.
  world(const world& other) : state(other.state), log(other.log) {}
  world(world&& other) noexcept : state(std::move(other.state)), log(std::move(other.log)) {}
  world& operator=(const world&) = delete;
  world& operator=(world&&) = delete;
  ~world() = default;

  [[nodiscard]] isv::actor actor(isv::user_id user) const { return org.actor(user); }
  [[nodiscard]] const isv::subscription& sub(isv::subscription_id id) const { return state.subscriptions.at(id).subscription; }
  [[nodiscard]] const isv::license_book& book(isv::subscription_id id) const { return state.subscriptions.at(id).book; }
  [[nodiscard]] const isv::billing_profile& profile(isv::billing_profile_id id) const { return state.profiles.at(id); }
  /// The tenant's billing profiles, as purchase takes them.
  [[nodiscard]] std::vector<isv::billing_profile> profiles() const { return state.profile_values(); }
  [[nodiscard]] const isv::invoice& invoice(isv::invoice_id id) const { return state.invoices.at(id); }
  /// The subscriptions, sorted by id.
  [[nodiscard]] std::vector<isv::subscription> all_subs() const { return state.subscription_values(); }

  /// Applies events to every value they concern, and logs them.
  void record(const std::vector<isv::event>& events) {
    log.insert(log.end(), events.begin(), events.end());
    isv::apply(state, events);
  }

  // ---- Set-up through the library's operations --------------------------------------------

  void add_directory() {
    std::vector<isv::user_id> users{global_admin, billing_admin, license_admin, user_admin, global_reader, no_role};
    for (std::uint64_t n = 1; n <= 20; ++n) users.push_back(member(n));
    record(must(isv::add_users(dir, actor(global_admin), isv::add_users_command{users}, t0)).events);
    record(must(isv::create_group(dir, actor(global_admin), isv::create_group_command{sales, "Sales"}, t0)).events);
    record(must(isv::create_group(dir, actor(global_admin), isv::create_group_command{support, "Support"}, t0)).events);
  }

  void add_profile(isv::billing_profile_id id, std::string name) {
    const auto created = must(isv::create_billing_profile(
        org, actor(global_admin),
        create_profile_command{id, name, {"Ada Admin", "1 Main Street, Berlin"}}, t0));
    record(created.events);
    record(must(isv::add_payment_method(profile(id), actor(global_admin),
                                        add_method_command{
                                            id, {main_card, isv::payment_method_kind::credit_card, "Visa ending 4242"}},
                                        t0))
               .events);
    // The Billing administrator may charge purchases to the profile (D-BUY-4).
    grant_billing_role(id, billing_admin, isv::billing_role::contributor);
  }

  void grant_billing_role(isv::billing_profile_id id, isv::user_id user, std::optional<isv::billing_role> role) {
    record(must(isv::set_billing_role(profile(id), dir, actor(global_admin),
                                      billing_role_command{id, user, role}, t0))
               .events);
  }

  /// Buys `product` through the platform as the Global administrator.
  isv::subscription_id buy(isv::subscription_id id, const isv::app& product, std::optional<isv::count_t> quantity,
                           isv::billing_term term = isv::billing_term::monthly,
                           isv::acquisition_channel channel = isv::acquisition_channel::direct,
                           isv::billing_profile_id charged_to = main_profile, std::chrono::sys_seconds at = t0) {
    isv::purchase_command cmd{id, product.id, channel, term, quantity, true, charged_to, true};
    record(must(isv::purchase(org, product, profiles(), all_subs(), actor(global_admin), cmd, at)).events);
    return id;
  }

  isv::subscription_id activate(isv::subscription_id id, std::chrono::sys_seconds at = t0) {
    record(must(isv::activate(sub(id), actor(global_admin), isv::activate_command{id}, at)).events);
    return id;
  }

  isv::basic_assignment<isv::default_traits> assign(isv::subscription_id id, std::vector<isv::user_id> users,
                                                    std::vector<isv::group_id> groups = {},
                                                    std::chrono::sys_seconds at = t0) {
    auto out = must(isv::assign(sub(id), book(id), dir, actor(license_admin),
                                isv::assign_command{id, std::move(users), std::move(groups)}, at));
    record(out.events);
    return out;
  }

  /// Every subscription with its book, by id: what a membership change reaches.
  [[nodiscard]] std::vector<isv::subscription_ref> subscription_refs() const {
    std::vector<isv::subscription_ref> refs;
    for (const auto& id : state.subscription_ids()) {
      const auto& entry = state.subscriptions.at(id);
      refs.push_back({&entry.subscription, &entry.book});
    }
    return refs;
  }

  void add_members(isv::group_id group, std::vector<isv::user_id> users, std::chrono::sys_seconds at = t0) {
    const auto refs = subscription_refs();
    record(must(isv::add_members(dir, std::span<const isv::subscription_ref>(refs), actor(user_admin),
                                 isv::add_members_command{group, std::move(users)}, at)).events);
  }

  void remove_members(isv::group_id group, std::vector<isv::user_id> users, std::chrono::sys_seconds at = t0) {
    const auto refs = subscription_refs();
    record(must(isv::remove_members(dir, std::span<const isv::subscription_ref>(refs), actor(user_admin),
                                    isv::remove_members_command{group, std::move(users)}, at)).events);
  }
};

/// A tenant with its directory, the main billing profile (owned by the Global administrator, paid
/// by card) and a second one.
inline world make_world() {
  world w;
  w.add_directory();
  w.add_profile(main_profile, "Main");
  w.add_profile(second_profile, "Second");
  return w;
}

} // namespace fixture_b
