// Compile-time guarantees: strong ids, money without arithmetic shortcuts, the traits concept, and the lifecycle, authorization and portal tables as constant expressions.
#include "isv/licensing.hpp"

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>

namespace isv_static_checks {

using dr = isv::directory_role;
using br = isv::billing_role;
using status = isv::subscription_status;
using trigger = isv::lifecycle_trigger;

// ---- Ids of different kinds never mix (D-TENANT-1: an id is a typed reference, not a number) ----

static_assert(!std::is_convertible_v<int, isv::user_id>, "an id is never made implicitly from a number");
static_assert(!std::is_convertible_v<std::uint64_t, isv::subscription_id>);
static_assert(std::is_constructible_v<isv::user_id, std::uint64_t>, "but explicitly it is");
static_assert(!std::is_convertible_v<isv::user_id, std::uint64_t>, "nor does an id decay to its number");
static_assert(!std::is_constructible_v<isv::group_id, isv::user_id>, "a user is not a group");
static_assert(!std::is_constructible_v<isv::subscription_id, isv::group_id>, "a group is not a subscription");
static_assert(!std::is_constructible_v<isv::tenant_id, isv::billing_profile_id>);
static_assert(!std::is_assignable_v<isv::invoice_id&, isv::payment_method_id>);
static_assert(!std::equality_comparable_with<isv::user_id, isv::group_id>);
static_assert(std::regular<isv::user_id> && std::totally_ordered<isv::user_id>);
static_assert(std::is_invocable_r_v<std::size_t, std::hash<isv::user_id>, const isv::user_id&>);
static_assert(isv::user_id{3}.value() == 3 && isv::user_id{1} < isv::user_id{2});
static_assert(sizeof(isv::user_id) == sizeof(std::uint64_t), "a strong id costs nothing");

// ---- Money: integer minor units in one currency; no operator shortcuts (D-BILL-1) ----

template <class A, class B>
concept addable = requires(const A& a, const B& b) { a + b; };
template <class A, class B>
concept multipliable = requires(const A& a, const B& b) { a * b; };

constexpr isv::money ten_euros{1000, isv::currency{"EUR"}};
static_assert(!addable<isv::money, int> && !addable<int, isv::money>, "money plus a bare number means nothing");
static_assert(!addable<isv::money, isv::money>, "amounts are added with checked_add, which checks the currency");
static_assert(!multipliable<isv::money, int>, "and multiplied with checked_multiply, which checks overflow");
static_assert(!std::is_convertible_v<std::int64_t, isv::money>);
static_assert(!std::is_convertible_v<isv::money, std::int64_t>);
static_assert(isv::checked_add(ten_euros, ten_euros)->minor_units == 2000);
static_assert(!isv::checked_add(ten_euros, isv::money{1, isv::currency{"USD"}}));
static_assert(isv::checked_multiply(ten_euros, 3)->minor_units == 3000);
static_assert(!isv::checked_multiply(isv::money{INT64_MAX, isv::currency{"EUR"}}, 2));
static_assert(isv::currency{"EUR"}.is_valid() && !isv::currency{"eu"}.is_valid());

// ---- The traits concept ----

struct string_ids {
  using id_rep = std::string;
  using string_type = std::string;
  using time_point = std::chrono::sys_seconds;
  using money_rep = long long;
};
struct floating_money {
  using id_rep = std::uint64_t;
  using string_type = std::string;
  using time_point = std::chrono::sys_seconds;
  using money_rep = double;
};
struct steady_time {
  using id_rep = std::uint64_t;
  using string_type = std::string;
  using time_point = std::chrono::steady_clock::time_point;
  using money_rep = std::int64_t;
};
struct unordered_ids {
  struct rep {
    friend bool operator==(const rep&, const rep&) = default;
  };
  using id_rep = rep;
  using string_type = std::string;
  using time_point = std::chrono::sys_seconds;
  using money_rep = std::int64_t;
};
static_assert(isv::licensing_traits<isv::default_traits>);
static_assert(isv::licensing_traits<string_ids>);
static_assert(!isv::licensing_traits<floating_money>, "money is never floating point");
static_assert(!isv::licensing_traits<steady_time>, "times are calendar times of the system clock");
static_assert(!isv::licensing_traits<unordered_ids>, "ids are ordered and hashable");

// ---- Values: entities and commands are regular, so they compare, copy and replay (D-AUDIT-1, D-IDEM-1) ----

static_assert(std::regular<isv::tenant> && std::regular<isv::subscription> && std::regular<isv::billing_profile>);
static_assert(std::regular<isv::invoice> && std::regular<isv::event> && std::regular<isv::license>);
static_assert(std::regular<isv::assign_command> && std::regular<isv::purchase_command> && std::regular<isv::unassign_preview>);
static_assert(std::equality_comparable<isv::license_book> && std::equality_comparable<isv::directory>);
static_assert(std::is_same_v<isv::event::traits_type, isv::default_traits>);

// ---- Errors: isv::errc is an error-code enum whose values are never success (D-ERR-1) ----

static_assert(std::is_error_code_enum_v<isv::errc>);
static_assert(static_cast<int>(isv::errc::permission_denied) == 1, "zero is success in std::error_code");
static_assert(isv::to_string(isv::errc::seats_exhausted) == "seats_exhausted");

// ---- The lifecycle table (D-LIFE-1, D-LIFE-2, D-LIFE-4, D-TERM-1, D-ACT-1) ----

constexpr trigger all_triggers[] = {trigger::activate, trigger::renew,     trigger::expire,   trigger::cancel,
                                    trigger::lapse_payment, trigger::reinstate, trigger::end_grace};
constexpr bool nothing_leaves_deactivated() {
  for (const auto t : all_triggers)
    if (isv::next_status(status::deactivated, t)) return false;
  return true;
}
static_assert(nothing_leaves_deactivated(), "D-LIFE-2: a deactivated subscription is never reactivated");
static_assert(isv::next_status(status::pending_activation, trigger::activate) == status::active);
static_assert(!isv::next_status(status::pending_activation, trigger::renew), "no term before activation");
static_assert(isv::next_status(status::active, trigger::lapse_payment) == status::suspended);
static_assert(isv::next_status(status::suspended, trigger::reinstate) == status::active);
static_assert(isv::next_status(status::suspended, trigger::end_grace) == status::deactivated);
static_assert(isv::next_status(status::active, trigger::expire) == status::deactivated);

// ---- The authorization table (D-ROLE-1, D-ROLE-2, D-ROLE-4, D-ROLE-6) ----

constexpr bool one_row_per_operation() {
  // The enumerators are 0..N-1; each must have exactly one row.
  for (std::size_t i = 0; i < isv::operation_rules.size(); ++i) {
    int rows = 0;
    for (const auto& rule : isv::operation_rules)
      if (rule.op == static_cast<isv::operation>(i)) ++rows;
    if (rows != 1) return false;
  }
  return true;
}
static_assert(one_row_per_operation());
static_assert(static_cast<std::size_t>(isv::operation::marketplace) + 1 == isv::operation_rules.size(),
              "the last operation has a row too");
static_assert(isv::rule_for(isv::operation::assign).directory ==
              isv::role_set{dr::global_administrator, dr::license_administrator, dr::user_administrator});
static_assert(isv::rule_for(isv::operation::cancel).directory == isv::role_set{dr::global_administrator, dr::billing_administrator});
static_assert(isv::rule_for(isv::operation::cancel).partner_global_only);
static_assert(isv::rule_for(isv::operation::manage_billing_roles).profile == isv::billing_role_set{br::owner});
static_assert(!isv::rule_for(isv::operation::pay_invoice).profile.contains(br::reader));

// ---- Where an action is handled (D-PORTAL-1, D-QTY-2) and where apps are sold (D-BUY-2) ----

static_assert(isv::where_handled(isv::app_kind::saas, isv::acquisition_channel::direct, isv::admin_action::cancel) ==
              isv::place::admin_center);
static_assert(isv::where_handled(isv::app_kind::saas, isv::acquisition_channel::partner, isv::admin_action::assign_licenses) ==
              isv::place::publisher_portal);
static_assert(isv::where_handled(isv::app_kind::isv, isv::acquisition_channel::vendor, isv::admin_action::change_quantity) ==
              isv::place::vendor);
// D-BUY-2, D-BUY-5: the supported countries are ISO codes; Western Europe is the UN geoscheme's nine.
static_assert(isv::default_supported_countries.size() == 18 && isv::western_europe.size() == 9);
static_assert(isv::default_supported_countries.includes(isv::western_europe));
static_assert(isv::sells_to(isv::default_supported_countries, "PR") && !isv::sells_to(isv::default_supported_countries, "JP"));
static_assert(isv::sells_to(isv::default_supported_countries, isv::western_europe_region));
static_assert(isv::is_country_code("NL") && !isv::is_country_code("nl") && !isv::is_country_code("NLD"));
static_assert(isv::country_name("GB") == "United Kingdom" && !isv::country_name("Germany"));
static_assert(isv::country_code_of_name("Puerto Rico") == "PR" && !isv::country_code_of_name("Western Europe"));
static_assert(std::is_sorted(isv::iso_3166_countries.begin(), isv::iso_3166_countries.end(),
                             [](const isv::country& a, const isv::country& b) { return a.code < b.code; }));

// ---- One result shape (D-PURE-1, D-ERR-1): every pure operation returns result<update> ----

namespace one_result_shape {
using T = isv::default_traits;
using time = T::time_point;
template <class State>
using update_of = isv::result<isv::basic_update<State, T>>;
template <class X>
const X& a() noexcept; // only named in decltype: a value of X, as std::declval gives one

static_assert(std::same_as<decltype(isv::purchase(a<isv::tenant>(), a<isv::app>(), {}, {}, a<isv::actor>(), a<isv::purchase_command>(), a<time>())),
                           update_of<isv::subscription>>);
static_assert(std::same_as<decltype(isv::lapse_payment(a<isv::subscription>(), a<isv::invoice_id>(), a<time>())),
                           update_of<isv::subscription>>);
static_assert(std::same_as<decltype(isv::reinstate(a<isv::subscription>(), a<isv::actor>(), a<isv::invoice_id>(), a<time>())),
                           update_of<isv::subscription>>);
static_assert(std::same_as<decltype(isv::advance_to(a<isv::subscription>(), a<time>())), update_of<isv::subscription>>);
static_assert(std::same_as<decltype(isv::collect_overdue(a<isv::invoice>(), {}, a<time>())), update_of<isv::invoice>>);
// A preview changes nothing but has the same shape: the unchanged subscription, no events, the preview as its report.
static_assert(std::same_as<decltype(isv::preview_unassign(a<isv::subscription>(), a<isv::license_book>(), a<isv::directory>(),
                                                          a<isv::actor>(), a<isv::unassign_command>(), a<time>())),
                           isv::result<isv::basic_reported_update<isv::subscription, T, isv::unassign_preview>>>);
static_assert(std::derived_from<isv::basic_assignment<T>, isv::basic_update<isv::subscription, T>>);
} // namespace one_result_shape

} // namespace isv_static_checks
