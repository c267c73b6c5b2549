// check_access: may this user use the app now? One state (active, warning, inactive) and its reason, read from a subscription, its license book and the time (D-CHECK-1).
#pragma once

#include "isv/detail/record.hpp"
#include "isv/enum_names.hpp"
#include "isv/license_book.hpp"
#include "isv/subscription.hpp"
#include "isv/traits.hpp"

#include <optional>

namespace isv {

/// D-CHECK-1: what an app may let a user do, as the platform's usage rights say it. Only active and
/// warning allow use.
BOOST_DEFINE_ENUM_CLASS(access_state,
    active,                  ///< licensed, and the subscription is active
    warning,                 ///< licensed, and the subscription is suspended within its grace: use it, but payment is due
    inactive                 ///< no use: see the reason
)

/// Why a user has the access they have.
BOOST_DEFINE_ENUM_CLASS(access_reason,
    licensed,                ///< holds a license of an active subscription
    suspended,               ///< holds a license; the subscription is suspended until `until` (its grace end)
    grace_ended,             ///< the subscription was suspended and its grace ended at `until`; the platform's clock has not deactivated it yet
    no_license,              ///< the user holds no license of the subscription
    pending_activation,      ///< the subscription is not activated yet (D-ACT-1)
    deactivated              ///< the subscription is deactivated for good, for `deactivated_because` (D-LIFE-2)
)

/// The answer of check_access.
template <licensing_traits Traits>
struct basic_access {
  using traits_type = Traits;

  access_state state = access_state::inactive;
  access_reason reason = access_reason::no_license;
  subscription_id_t<Traits> subscription{};
  app_id_t<Traits> app{};
  plan_id_t<Traits> plan{};
  user_id_t<Traits> user{};
  /// Suspended: when the grace ends (use is allowed until then); grace ended: when it did.
  std::optional<typename Traits::time_point> until{};
  std::optional<deactivation_reason> deactivated_because{};

  /// Whether the app may let the user in: only active and warning allow use (D-CHECK-1).
  [[nodiscard]] bool allows_use() const noexcept {
    return state == access_state::active || state == access_state::warning;
  }

  ISV_RECORD(basic_access, (state, reason, subscription, app, plan, user, until, deactivated_because))
};

using access = basic_access<default_traits>;

/// The access a holder of one of the subscription's licenses has at `now`: what a site license
/// grants. The subscription's state decides (pending, deactivated), then suspension and its grace.
/// A subscription the platform's clock has not yet moved (advance_to) is read as it stands, except
/// that a grace already over at `now` allows no use.
template <licensing_traits Traits>
[[nodiscard]] basic_access<Traits> holder_access(const basic_subscription<Traits>& sub, const typename Traits::time_point& now) {
  basic_access<Traits> out{};
  out.subscription = sub.id;
  out.app = sub.app;
  out.plan = sub.plan;
  auto answer = [&](access_state state, access_reason reason) {
    out.state = state;
    out.reason = reason;
    return out;
  };
  switch (sub.status) {
    case subscription_status::pending_activation: return answer(access_state::inactive, access_reason::pending_activation);
    case subscription_status::deactivated:
      out.deactivated_because = sub.reason;
      return answer(access_state::inactive, access_reason::deactivated);
    case subscription_status::active: return answer(access_state::active, access_reason::licensed);
    case subscription_status::suspended: break;
  }
  out.until = sub.grace_ends;
  if (sub.grace_ends && now >= *sub.grace_ends) return answer(access_state::inactive, access_reason::grace_ended);
  return answer(access_state::warning, access_reason::suspended);
}

/// D-CHECK-1: whether `user` may use the subscription's app at `now`. A read of one license record:
/// the book's lookup of the user, never a scan. A subscription that allows no one (pending,
/// deactivated) answers so first; then the user's license; then what a holder has.
template <licensing_traits Traits>
[[nodiscard]] basic_access<Traits> check_access(const basic_subscription<Traits>& sub, const basic_license_book<Traits>& book,
                                                const user_id_t<Traits>& user, const typename Traits::time_point& now) {
  auto out = holder_access(sub, now);
  out.user = user;
  const bool subscription_decides =
      out.reason == access_reason::pending_activation || out.reason == access_reason::deactivated;
  if (!subscription_decides && !book.holds(user)) {
    out.state = access_state::inactive;
    out.reason = access_reason::no_license;
    out.until.reset();
  }
  return out;
}

} // namespace isv
