// basic_app and basic_plan: a product of an independent software vendor, its kind (ISV or SaaS), and the plans it offers with their pricing models, prices and seat limits.
#pragma once

#include "isv/detail/record.hpp"
#include "isv/enum_names.hpp"
#include "isv/traits.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace isv {

/// ISV apps have their licenses managed in the admin center; SaaS apps are subscriptions on the
/// commerce platform whose licenses are assigned in the publisher's portal (D-PORTAL-1).
BOOST_DEFINE_ENUM_CLASS(app_kind, isv, saas)

/// D-PRICE-1: flat rate (site-based, Unlimited licenses) or per user (seat-based).
BOOST_DEFINE_ENUM_CLASS(pricing_model, flat_rate, per_user)

/// D-PRICE-2
BOOST_DEFINE_ENUM_CLASS(billing_term, monthly, annual)

/// One of an app's plans (D-PLAN-1): a subscription on it pays its price for the subscription's
/// term, and, priced per user, holds between `min_seats` and `max_seats` seats when they are set.
template <licensing_traits Traits>
struct basic_plan {
  using traits_type = Traits;
  using string_type = typename Traits::string_type;

  plan_id_t<Traits> id{};
  string_type name{};
  pricing_model pricing = pricing_model::per_user;
  std::optional<money_t<Traits>> monthly_price{}; ///< none: the plan is not sold by the month
  std::optional<money_t<Traits>> annual_price{};  ///< none: the plan is not sold by the year
  std::optional<count_t> min_seats{};             ///< per-user plans only
  std::optional<count_t> max_seats{};             ///< per-user plans only
  /// Its id in the marketplace's SaaS offer (the webhook's "planId"), when it is sold there (D-MKT-1).
  std::optional<string_type> marketplace_plan{};

  [[nodiscard]] const std::optional<money_t<Traits>>& price(billing_term term) const noexcept {
    return term == billing_term::monthly ? monthly_price : annual_price;
  }

  ISV_RECORD(basic_plan, (id, name, pricing, monthly_price, annual_price, min_seats, max_seats, marketplace_plan))
};

/// A third-party product. Prices are per term: per license for per-user pricing, for the whole
/// tenant for flat-rate pricing.
template <licensing_traits Traits>
struct basic_app {
  using traits_type = Traits;
  using string_type = typename Traits::string_type;

  app_id_t<Traits> id{};
  string_type name{};
  string_type publisher{};
  app_kind kind = app_kind::saas;
  pricing_model pricing = pricing_model::per_user;
  money_t<Traits> monthly_price{};
  money_t<Traits> annual_price{};
  /// Where installing hands over to (D-INSTALL-1); ISV apps that need no install have none.
  std::optional<string_type> install_link{};
  /// The plans it offers (D-PLAN-1). None listed: it offers one, its default plan (id 0, named
  /// "Default"), priced by the pricing model and prices above, with no seat limits: so an app of
  /// release 0.1.0 keeps selling as it did.
  std::vector<basic_plan<Traits>> plans{};

  [[nodiscard]] const money_t<Traits>& price(billing_term term) const noexcept {
    return term == billing_term::monthly ? monthly_price : annual_price;
  }
  /// The plans a subscription can be on: `plans`, or the default plan when none is listed.
  [[nodiscard]] std::vector<basic_plan<Traits>> offered_plans() const {
    if (!plans.empty()) return plans;
    return {default_plan()};
  }
  /// The offered plan with id `wanted`, if there is one (looked up without copying the others).
  [[nodiscard]] std::optional<basic_plan<Traits>> find_plan(const plan_id_t<Traits>& wanted) const {
    if (plans.empty()) return wanted == plan_id_t<Traits>{} ? std::optional(default_plan()) : std::nullopt;
    for (const auto& p : plans)
      if (p.id == wanted) return p;
    return std::nullopt;
  }
  /// The plan an app listing none offers: id 0, "Default", priced by the fields above, no seat limits.
  [[nodiscard]] basic_plan<Traits> default_plan() const {
    basic_plan<Traits> only;
    only.name = string_type("Default");
    only.pricing = pricing;
    only.monthly_price = monthly_price;
    only.annual_price = annual_price;
    return only;
  }

  ISV_RECORD(basic_app, (id, name, publisher, kind, pricing, monthly_price, annual_price, install_link, plans))
  ISV_ADDED_AFTER_0_1(plans)
};

using app = basic_app<default_traits>;
/// A plan of an app (named so that variables called `plan` shadow nothing).
using app_plan = basic_plan<default_traits>;

} // namespace isv
