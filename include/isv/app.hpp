// basic_app: a product of an independent software vendor, its kind (ISV or SaaS), pricing model and prices.
#pragma once

#include "isv/detail/record.hpp"
#include "isv/enum_names.hpp"
#include "isv/traits.hpp"

#include <optional>
#include <string_view>

namespace isv {

/// ISV apps have their licenses managed in the admin center; SaaS apps are subscriptions on the
/// commerce platform whose licenses are assigned in the publisher's portal (D-PORTAL-1).
BOOST_DEFINE_ENUM_CLASS(app_kind, isv, saas)

/// D-PRICE-1: flat rate (site-based, Unlimited licenses) or per user (seat-based).
BOOST_DEFINE_ENUM_CLASS(pricing_model, flat_rate, per_user)

/// D-PRICE-2
BOOST_DEFINE_ENUM_CLASS(billing_term, monthly, annual)

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

  [[nodiscard]] const money_t<Traits>& price(billing_term term) const noexcept {
    return term == billing_term::monthly ? monthly_price : annual_price;
  }

  ISV_RECORD(basic_app, (id, name, publisher, kind, pricing, monthly_price, annual_price, install_link))
};

using app = basic_app<default_traits>;

} // namespace isv
