// basic_subscription: one purchase of one app by one tenant: channel, plan, pricing, term, quantity, status, billing profile and the charges not yet invoiced.
#pragma once

#include "isv/app.hpp"
#include "isv/detail/record.hpp"
#include "isv/enum_names.hpp"
#include "isv/invoice.hpp"
#include "isv/marketplace_decision.hpp"
#include "isv/traits.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace isv {

/// D-BUY-1: how the subscription was bought.
BOOST_DEFINE_ENUM_CLASS(acquisition_channel,
    direct,                  ///< Azure Marketplace or AppSource
    partner,                 ///< through a partner in Partner Center
    proposal,                ///< accepting a proposal from the platform's sales
    vendor                   ///< straight from the app's vendor, outside the platform
)

BOOST_DEFINE_ENUM_CLASS(subscription_status,
    pending_activation,      ///< SaaS, bought but not yet activated in the publisher's portal (D-ACT-1)
    active,
    suspended,               ///< payment lapsed; licenses kept, none added, until paid or the grace ends (D-LIFE-4)
    deactivated              ///< for good (D-LIFE-2)
)

/// D-LIFE-1: why a subscription was deactivated.
BOOST_DEFINE_ENUM_CLASS(deactivation_reason, cancelled, expired, nonpayment)

/// The subscription value. It holds counts, not the licenses themselves: one record per license
/// lives in a basic_license_book, so that an update never copies a subscription's licenses.
template <licensing_traits Traits>
struct basic_subscription {
  using traits_type = Traits;
  using time_point = typename Traits::time_point;

  subscription_id_t<Traits> id{};
  tenant_id_t<Traits> tenant{};
  app_id_t<Traits> app{};
  app_kind kind = app_kind::saas;
  acquisition_channel channel = acquisition_channel::direct;
  pricing_model pricing = pricing_model::per_user;
  billing_term term = billing_term::monthly;
  money_t<Traits> unit_price{}; ///< per license (per user) or for the tenant (flat rate), per term
  std::optional<count_t> quantity{}; ///< seats bought; empty means Unlimited (flat rate, D-QTY-1)
  count_t licenses_in_use = 0;
  subscription_status status = subscription_status::pending_activation;
  std::optional<deactivation_reason> reason{};
  std::optional<billing_profile_id_t<Traits>> billing_profile{}; ///< none when bought from the vendor
  bool auto_renew = true;
  bool installed = false;
  time_point purchased_at{};
  std::optional<time_point> term_start{}; ///< set on activation
  std::optional<time_point> term_end{};
  std::optional<time_point> grace_ends{};                  ///< while suspended
  std::optional<invoice_id_t<Traits>> lapsed_invoice{};    ///< the unpaid invoice that suspended it
  count_t version = 0; ///< the number of events applied; a save names the version it started from
  plan_id_t<Traits> plan{}; ///< the app's plan it is on, whose price it pays (D-PLAN-1); 0: the default plan
  /// Charges recorded and not yet invoiced, in the order they arose: each term's charge when the
  /// term starts, and the prorated difference of each change in the middle of a term
  /// (D-PRORATE-1). The profile's next invoice takes them all, once.
  std::vector<basic_invoice_line<Traits>> charges{};
  /// Sold through the marketplace's SaaS fulfillment: its subscription id there (a GUID's text).
  /// Its terms are then the marketplace's: renewals and cancellation come as its operations (D-MKT-3).
  std::optional<typename Traits::string_type> marketplace_id{};
  std::optional<time_point> marketplace_updated_at{}; ///< when the marketplace sent the last operation applied (D-MKT-4)
  /// Every marketplace operation decided, in order: the ledger that answers a repeat (D-MKT-1).
  std::vector<basic_marketplace_decision<Traits>> marketplace_ledger{};

  [[nodiscard]] bool is_seat_based() const noexcept { return pricing == pricing_model::per_user; }
  /// Seats not in use; a flat-rate subscription never runs out.
  [[nodiscard]] count_t seats_free() const noexcept {
    return quantity ? *quantity - licenses_in_use : max_quantity;
  }
  [[nodiscard]] bool bought_through_platform() const noexcept { return channel != acquisition_channel::vendor; }

  ISV_RECORD(basic_subscription,
              (id, tenant, app, kind, channel, pricing, term, unit_price, quantity, licenses_in_use, status, reason, billing_profile, auto_renew, installed, purchased_at, term_start, term_end, grace_ends, lapsed_invoice, version, plan, charges, marketplace_id, marketplace_updated_at, marketplace_ledger))
  ISV_ADDED_AFTER_0_1(plan)
};

using subscription = basic_subscription<default_traits>;

} // namespace isv
