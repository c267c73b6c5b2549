// The link from a marketplace SaaS subscription's GUID to the tenant and subscription id the library knows it by, and the repository capability that keeps these links (marketplace_link_store).
#pragma once

#include "isv/detail/describe.hpp"
#include "isv/detail/record.hpp"
#include "isv/error.hpp"
#include "isv/marketplace_wire.hpp"
#include "isv/traits.hpp"

#include <concepts>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// A webhook call names a SaaS subscription by its GUID alone ("subscriptionId"). The host must find
// the tenant and the subscription id before it can run anything, so it records, once, which of its
// subscriptions a GUID is. The library's ids stay what the traits make them (id_rep is not changed
// for GUIDs); the table of links lives in the repository beside the tenants, so one backup holds both.
//
// The rules every store keeps:
// - A GUID links to one (tenant, subscription), for good: links are never changed or removed.
// - Linking a GUID to the target it has already succeeds and changes nothing (a webhook retried, a
//   host restarted mid-setup). Linking it to another target is refused with errc::already_exists,
//   naming both, and the first link is kept.
// - A subscription of a tenant has at most one GUID: a second GUID for the same (tenant,
//   subscription) is refused with errc::already_exists, naming the GUID it has.
// - The tenant must exist (errc::not_found); the subscription need not exist yet, since the host
//   links a GUID before it records the subscription the marketplace is selling.
// - The nil GUID names no subscription: errc::invalid_argument.
// A link is written atomically with its checks, so two writers linking at once cannot both win.
namespace isv {

/// A marketplace SaaS subscription (by its GUID) and the tenant and subscription id it is in the library.
template <licensing_traits Traits>
struct basic_marketplace_link {
  using traits_type = Traits;

  marketplace_guid marketplace_subscription{};  ///< the webhook's "subscriptionId", the resource's "id"
  tenant_id_t<Traits> tenant{};
  subscription_id_t<Traits> subscription{};

  ISV_RECORD(basic_marketplace_link, (marketplace_subscription, tenant, subscription))
};

using marketplace_link = basic_marketplace_link<default_traits>;

/// A store of marketplace links (see the rules above). Required members (T = R::traits_type):
/// - `link_marketplace(basic_marketplace_link<T>)` -> `result<void>`: records a link.
/// - `find_marketplace_link(const marketplace_guid&)` -> `result<std::optional<basic_marketplace_link<T>>>`:
///   the link of a GUID, or nothing when it has none (not an error: a webhook may come before the link).
/// - `marketplace_links(const tenant_id_t<T>&)` -> `result<std::vector<basic_marketplace_link<T>>>`: a
///   tenant's links, sorted by subscription id; not_found for a tenant that does not exist. Only that
///   tenant's links (D-TENANT-1).
/// Kept apart from isv::repository so that a repository written before it still satisfies that concept.
template <class R>
concept marketplace_link_store =
    requires { typename R::traits_type; } && licensing_traits<typename R::traits_type> &&
    requires(R& r, basic_marketplace_link<typename R::traits_type> link, const marketplace_guid& guid,
             const tenant_id_t<typename R::traits_type>& t) {
      { r.link_marketplace(std::move(link)) } -> std::same_as<result<void>>;
      { r.find_marketplace_link(guid) } -> std::same_as<result<std::optional<basic_marketplace_link<typename R::traits_type>>>>;
      { r.marketplace_links(t) } -> std::same_as<result<std::vector<basic_marketplace_link<typename R::traits_type>>>>;
    };

namespace detail {

/// What every store checks before it looks anything up: the GUID names a subscription.
template <licensing_traits T>
[[nodiscard]] result<void> check_marketplace_link(const basic_marketplace_link<T>& link) {
  if (link.marketplace_subscription == marketplace_guid{})
    return fail(errc::invalid_argument, "The nil GUID (" + marketplace_guid{}.to_string() +
                                            ") names no marketplace subscription: link the subscription's own GUID to " +
                                            describe(link.subscription) + " of " + describe(link.tenant) + ".");
  return BOOST_OUTCOME_V2_NAMESPACE::success();
}

/// The refusal of a link whose GUID is linked to another target already.
template <licensing_traits T>
[[nodiscard]] error marketplace_guid_taken(const basic_marketplace_link<T>& existing, const basic_marketplace_link<T>& wanted) {
  return fail(errc::already_exists, "The marketplace subscription " + existing.marketplace_subscription.to_string() +
                                        " is linked to " + describe(existing.subscription) + " of " + describe(existing.tenant) +
                                        " already; it cannot be linked to " + describe(wanted.subscription) + " of " +
                                        describe(wanted.tenant) + " too. A GUID's link is kept for good.");
}

/// The refusal of a second GUID for a subscription that has one.
template <licensing_traits T>
[[nodiscard]] error marketplace_subscription_taken(const basic_marketplace_link<T>& existing,
                                                   const basic_marketplace_link<T>& wanted) {
  return fail(errc::already_exists, describe(existing.subscription) + " of " + describe(existing.tenant) +
                                        " is the marketplace subscription " + existing.marketplace_subscription.to_string() +
                                        " already; it cannot also be " + wanted.marketplace_subscription.to_string() +
                                        ". A subscription has at most one marketplace GUID.");
}

/// The refusal of a link into a tenant that does not exist.
template <licensing_traits T>
[[nodiscard]] error marketplace_link_without_tenant(const basic_marketplace_link<T>& wanted) {
  return fail(errc::not_found, "The marketplace subscription " + wanted.marketplace_subscription.to_string() +
                                   " cannot be linked to " + describe(wanted.tenant) +
                                   ", which does not exist: create the tenant first.");
}

} // namespace detail

} // namespace isv
