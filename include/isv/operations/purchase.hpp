// Buying a subscription (channel, region, agreement, plan, pricing, term, billing profile) and installing an ISV app that was bought.
#pragma once

#include "isv/actor.hpp"
#include "isv/app.hpp"
#include "isv/operations/authorization.hpp"
#include "isv/billing_profile.hpp"
#include "isv/command.hpp"
#include "isv/detail/checks.hpp"
#include "isv/detail/range_of.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/evolve.hpp"
#include "isv/proration.hpp"
#include "isv/region.hpp"
#include "isv/subscription.hpp"
#include "isv/tenant.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace isv {

namespace detail {
/// D-QTY-4: a quantity is a positive whole number, and not absurdly large.
[[nodiscard]] inline result<void> valid_quantity(count_t quantity) {
  if (quantity <= 0)
    return fail(errc::invalid_argument,
                "A license quantity must be a positive whole number; " + std::to_string(quantity) + " is not.");
  if (quantity > max_quantity)
    return fail(errc::invalid_argument, "A license quantity may be at most " + std::to_string(max_quantity) + "; " +
                                            std::to_string(quantity) + " is more.");
  return BOOST_OUTCOME_V2_NAMESPACE::success();
}

/// The plan of `product` with id `id` (D-PLAN-1), or not_found naming the plans it offers.
template <licensing_traits T>
[[nodiscard]] result<basic_plan<T>> plan_of(const basic_app<T>& product, const plan_id_t<T>& id) {
  if (auto found = product.find_plan(id)) return std::move(*found);
  std::string offered;
  for (const auto& p : product.offered_plans()) offered += (offered.empty() ? "" : ", ") + describe(p.id);
  return fail(errc::not_found, describe(id) + " is not a plan of " + describe(product.id) + "; it offers " + offered + ".");
}

/// Whether a plan can hold a subscription of `quantity` seats (none: flat rate) with `in_use`
/// licenses assigned (D-PLAN-2): a per-user plan needs a quantity within its seat limits and never
/// below the licenses in use; a flat-rate plan holds any number.
template <licensing_traits T>
[[nodiscard]] result<void> plan_holds(const basic_plan<T>& plan, const std::optional<count_t>& quantity, count_t in_use,
                                      const basic_app<T>& product) {
  if (plan.pricing == pricing_model::flat_rate) return BOOST_OUTCOME_V2_NAMESPACE::success();
  const std::string which = describe(plan.id) + " (\"" + std::string(plan.name) + "\") of " + describe(product.id);
  if (!quantity) return fail(errc::invalid_argument, which + " is priced per user: say how many licenses.");
  BOOST_OUTCOME_TRY(valid_quantity(*quantity));
  if (plan.max_seats && *plan.max_seats < in_use)
    return fail(errc::plan_too_small, which + " holds at most " + plural(*plan.max_seats, "license") + ", and " +
                                          plural(in_use, "license") + " are in use: unassign " +
                                          plural(in_use - *plan.max_seats, "license") + " first.");
  if (plan.max_seats && *quantity > *plan.max_seats)
    return fail(errc::plan_too_small, which + " holds at most " + plural(*plan.max_seats, "license") + "; " +
                                          std::to_string(*quantity) + " were asked for.");
  if (plan.min_seats && *quantity < *plan.min_seats)
    return fail(errc::invalid_argument, which + " is sold for at least " + plural(*plan.min_seats, "license") + "; " +
                                            std::to_string(*quantity) + " were asked for.");
  return BOOST_OUTCOME_V2_NAMESPACE::success();
}

/// The plan's price for `term`, which must be a non-negative amount in a valid currency.
template <licensing_traits T>
[[nodiscard]] result<money_t<T>> plan_price(const basic_plan<T>& plan, billing_term term, const basic_app<T>& product) {
  const auto& price = plan.price(term);
  if (!price || !price->unit.is_valid() || price->minor_units < 0)
    return fail(errc::invalid_argument, describe(plan.id) + " of " + describe(product.id) + " has no valid " +
                                            std::string(to_string(term)) +
                                            " price (a non-negative amount in a three-letter currency).");
  return *price;
}
} // namespace detail

/// What a host decides about purchases. The supported countries are a value the host may replace
/// (D-BUY-5): basic_admin_center passes admin_center_options::purchase to every purchase.
struct purchase_policy {
  country_set supported_countries = default_supported_countries; ///< where third-party apps are sold (D-BUY-2)
};

namespace detail {
/// The subscription a purchase makes, by every rule of purchase(); `admin` is the admin who buys, or
/// none when the marketplace sells it (the customer bought and accepted the agreement there, and the
/// authorization table's purchase row does not apply).
template <licensing_traits T>
result<basic_subscription<T>> purchase_by(const basic_tenant<T>& org, const basic_app<T>& product,
                                          detail::range_of<basic_billing_profile<T>> profiles,
                                          detail::range_of<basic_subscription<T>> subscriptions, const basic_actor<T>* admin,
                                          const basic_purchase_command<T>& cmd, const time_point_t<T>& now,
                                          const purchase_policy& policy) {
  if (admin) {
    BOOST_OUTCOME_TRY(detail::same_tenant(*admin, org.id, org.id));
  }
  BOOST_OUTCOME_TRY(detail::same_target(product.id, cmd.app));

  const bool through_platform = cmd.channel != acquisition_channel::vendor;
  authorization_context context;
  if (through_platform) {
    if (!cmd.billing_profile)
      return fail(errc::invalid_argument,
                  "A purchase through the platform is charged to a billing profile: name one of the tenant's profiles.");
    const auto named = std::ranges::find(profiles, *cmd.billing_profile, &basic_billing_profile<T>::id);
    if (named == profiles.end())
      return fail(errc::not_found, detail::describe(*cmd.billing_profile) + " was not found in " +
                                       detail::describe(org.id) + ": name one of the tenant's billing profiles.");
    if (named->tenant != org.id)
      return fail(errc::wrong_tenant, detail::describe(named->id) + " is in " + detail::describe(named->tenant) + ", not in " +
                                          detail::describe(org.id) + " (D-TENANT-1).");
    if (admin) context.profile_role = named->role_of(admin->user);
  } else if (cmd.billing_profile) {
    return fail(errc::invalid_argument, "An app bought from its vendor is invoiced by the vendor, not through " +
                                            detail::describe(*cmd.billing_profile) + ": leave the billing profile out.");
  } else {
    context.profile_involved = false; // recording a vendor purchase still needs a Global or Billing admin
  }
  if (admin) {
    BOOST_OUTCOME_TRY(authorize(detail::guard_of(cmd), admin->roles, context));
  }

  if (const std::string region(org.region.begin(), org.region.end()); !sells_to(policy.supported_countries, region))
    return fail(errc::unsupported_region, "Third-party apps are not sold to tenants in " + describe_region(region) +
                                              ". They can be bought in " +
                                              describe_countries(policy.supported_countries) + ".");
  if (!cmd.agreement_accepted)
    return fail(errc::agreement_not_accepted, "Accept the customer agreement to buy " + detail::describe(product.id) + ".");

  BOOST_OUTCOME_TRY(const auto chosen, cmd.plan ? detail::plan_of(product, *cmd.plan)
                                                 : result<basic_plan<T>>(product.plans.empty() ? product.default_plan()
                                                                                               : product.plans.front()));
  if (chosen.pricing == pricing_model::per_user) {
    if (!cmd.quantity)
      return fail(errc::invalid_argument, detail::describe(product.id) + " is priced per user: say how many licenses to buy.");
    BOOST_OUTCOME_TRY(detail::plan_holds(chosen, cmd.quantity, 0, product));
  } else if (cmd.quantity) {
    return fail(errc::invalid_argument, detail::describe(product.id) +
                                            " has a flat rate: its license count is Unlimited, so buy it without a quantity.");
  }
  BOOST_OUTCOME_TRY(const auto price, detail::plan_price(chosen, cmd.term, product));
  if (through_platform) {
    BOOST_OUTCOME_TRY(detail::same_billing_currency<T>(*cmd.billing_profile, cmd.subscription, price.unit, subscriptions));
  }

  basic_subscription<T> bought;
  bought.id = cmd.subscription;
  bought.tenant = org.id;
  bought.app = product.id;
  bought.kind = product.kind;
  bought.channel = cmd.channel;
  bought.pricing = chosen.pricing;
  bought.plan = chosen.id;
  bought.term = cmd.term;
  bought.unit_price = price;
  bought.quantity = cmd.quantity;
  bought.billing_profile = cmd.billing_profile;
  bought.auto_renew = cmd.auto_renew;
  bought.purchased_at = now;
  if (product.kind == app_kind::saas) {
    bought.status = subscription_status::pending_activation;
  } else {
    bought.status = subscription_status::active;
    bought.term_start = now;
    bought.term_end = detail::term_end(now, cmd.term);
  }
  return bought;
}
} // namespace detail


/// Buys app `product` for tenant `org` (D-BUY-1..4, D-PRICE-1..2, D-QTY-4). `profiles` are the
/// tenant's billing profiles (a std::vector or std::array of them converts; one profile `p` is
/// `std::span(&p, 1)`, none `{}`): the command names the one to charge, so the id is said once, and
/// a named id not among them is refused with not_found. A purchase from the vendor names none and
/// reads none. `subscriptions` are the tenant's (the same kinds of ranges): the profile invoices in
/// the currency of those it charges already, and a price in another is refused (D-BILL-5). A SaaS
/// subscription starts pending activation (D-ACT-1); an ISV app's subscription is active from
/// purchase, its first term starting now. A tenant whose country is not among
/// `policy.supported_countries` is refused with unsupported_region, naming it (D-BUY-2, D-BUY-5).
template <licensing_traits T>
update_result<basic_subscription<T>, T> purchase(
    const basic_tenant<T>& org, const basic_app<T>& product, detail::range_of<basic_billing_profile<T>> profiles,
    detail::range_of<basic_subscription<T>> subscriptions, const basic_actor<T>& admin, const basic_purchase_command<T>& cmd,
    const time_point_t<T>& now, const purchase_policy& policy = {}) {
  BOOST_OUTCOME_TRY(auto bought, detail::purchase_by(org, product, profiles, subscriptions, &admin, cmd, now, policy));
  if (bought.status == subscription_status::pending_activation)
    return detail::update_of(basic_subscription<T>{}, admin, now, basic_subscription_purchased<T>{bought});
  // An ISV app's first term starts now, and is charged (D-PRORATE-1: each term once).
  BOOST_OUTCOME_TRY(auto charge, term_charge(bought, *bought.term_start, *bought.term_end));
  return detail::update_of(basic_subscription<T>{}, admin, now, basic_subscription_purchased<T>{bought},
                           basic_charge_recorded<T>{bought.id, std::move(charge)});
}

/// An install: the update, and the link to the app's own platform where the install continues.
template <licensing_traits Traits>
struct basic_installation : basic_update<basic_subscription<Traits>, Traits> {
  typename Traits::string_type link{};
};

namespace detail {
/// An https: link with something after the scheme (the scheme in any case). Anything else (javascript:,
/// file:, http:) is never handed to an admin as the place to continue at.
template <class Text>
[[nodiscard]] bool is_https_link(const Text& link) {
  constexpr std::string_view scheme = "https://";
  auto it = std::begin(link);
  const auto end = std::end(link);
  for (const char c : scheme) {
    if (it == end || std::tolower(static_cast<unsigned char>(*it)) != c) return false;
    ++it;
  }
  return it != end;
}
} // namespace detail

/// Installs a bought ISV app into the tenant's environment (D-INSTALL-1): hands over the app's
/// link and marks the app available to users. Installing again hands over the link and changes nothing.
template <licensing_traits T>
result<basic_installation<T>> install(const basic_subscription<T>& s, const basic_app<T>& product,
                                      const basic_actor<T>& admin, const basic_install_command<T>& cmd,
                                      const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::subscription_operation_allowed(s, admin, cmd.subscription, detail::guard_of(cmd)));
  BOOST_OUTCOME_TRY(detail::same_target(product.id, s.app));
  if (s.kind != app_kind::isv)
    return fail(errc::invalid_argument, detail::describe(s.app) +
                                            " is a SaaS app: it is configured in the publisher's portal, not installed.");
  if (s.status != subscription_status::active) return detail::status_refusal(s, "install the app");
  if (!product.install_link)
    return fail(errc::invalid_argument, detail::describe(product.id) + " has nothing to install: it is ready to use once licensed.");
  if (!detail::is_https_link(*product.install_link))
    return fail(errc::invalid_argument, "The install link of " + detail::describe(product.id) +
                                            " is not an https: link; it is not handed over. Ask the vendor for the app's https: link.");

  basic_installation<T> out;
  out.link = *product.install_link;
  if (!s.installed) out.events.push_back(detail::make_event(admin, now, basic_app_installed<T>{s.id, *product.install_link}));
  out.state = apply_all(s, out.events);
  return out;
}

} // namespace isv
