// The repository concept: how the admin center reads a tenant's state and commits one operation's events atomically, with version checks (D-CONC-1), the audit log (D-AUDIT-1) and idempotency records (D-IDEM-1).
#pragma once

#include "isv/app.hpp"
#include "isv/operations/access.hpp"
#include "isv/operations/assignment.hpp"
#include "isv/billing_profile.hpp"
#include "isv/detail/describe.hpp"
#include "isv/detail/record.hpp"
#include "isv/directory.hpp"
#include "isv/enum_names.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/invoice.hpp"
#include "isv/license.hpp"
#include "isv/license_book.hpp"
#include "isv/subscription.hpp"
#include "isv/tenant.hpp"
#include "isv/traits.hpp"

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

// Domain operations are pure; a repository stores what they decide. The unit of storage is one
// operation's commit: the versions of the aggregates the operation read, and the events it
// produced. The repository checks the versions, applies the events to its stored state with the
// library's own apply functions, appends them to the tenant's log and stores the idempotency
// record, all or nothing. So a backend never re-implements a rule, a license change costs
// O(events), and a SQL backend maps each event to row changes inside one transaction.
namespace isv {

// ---- Aggregates and their versions ------------------------------------------------------------

/// The units a commit checks versions of. Every event changes exactly one of them. Named like the
/// tables a SQL backend keeps them in.
BOOST_DEFINE_ENUM_CLASS(aggregate_kind,
    tenants,                 ///< the tenant value: its admin-role grants (version: basic_tenant::version)
    directories,             ///< the tenant's users and groups (version: the number of directory events applied)
    subscriptions,           ///< a subscription and its license book (version: basic_subscription::version)
    billing_profiles,        ///< version: basic_billing_profile::version
    invoices                 ///< version: basic_invoice::version
)

/// One aggregate of a tenant. Ids are unique within a tenant (tenant and directory use the tenant's id).
template <licensing_traits Traits>
struct basic_aggregate_ref {
  aggregate_kind kind = aggregate_kind::tenants;
  typename Traits::id_rep id{};
  friend bool operator==(const basic_aggregate_ref&, const basic_aggregate_ref&) = default;
  friend auto operator<=>(const basic_aggregate_ref&, const basic_aggregate_ref&) = default;
};

/// "subscription 7", "the directory of tenant 1": words for conflict messages.
template <licensing_traits T>
[[nodiscard]] std::string describe(const basic_aggregate_ref<T>& a) {
  const std::string id = detail::rep_to_string(a.id);
  switch (a.kind) {
    case aggregate_kind::tenants: return "tenant " + id;
    case aggregate_kind::directories: return "the directory of tenant " + id;
    case aggregate_kind::subscriptions: return "subscription " + id;
    case aggregate_kind::billing_profiles: return "billing profile " + id;
    case aggregate_kind::invoices: return "invoice " + id;
  }
  return id;
}

/// A precondition of a commit: `aggregate` is at `version` (0: it does not exist yet).
template <licensing_traits Traits>
struct basic_expected_version {
  basic_aggregate_ref<Traits> aggregate{};
  count_t version = 0;
  friend bool operator==(const basic_expected_version&, const basic_expected_version&) = default;
};

/// The aggregate an event changes (D-AUDIT-1: every event belongs to one tenant and one aggregate).
template <licensing_traits T>
[[nodiscard]] basic_aggregate_ref<T> aggregate_of(const basic_event<T>& e) {
  return std::visit(
      [&](const auto& p) -> basic_aggregate_ref<T> {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, basic_role_granted<T>> || std::is_same_v<P, basic_role_revoked<T>>)
          return {aggregate_kind::tenants, e.tenant.value()};
        else if constexpr (directory_payload<P, T>)
          return {aggregate_kind::directories, e.tenant.value()};
        else if constexpr (std::is_same_v<P, basic_subscription_purchased<T>>)
          return {aggregate_kind::subscriptions, p.subscription->id.value()};
        else if constexpr (requires { p.subscription.value(); })
          return {aggregate_kind::subscriptions, p.subscription.value()};
        else if constexpr (std::is_same_v<P, basic_invoice_issued<T>>)
          return {aggregate_kind::invoices, p.invoice->id.value()};
        else if constexpr (requires { p.invoice.value(); })
          return {aggregate_kind::invoices, p.invoice.value()};
        else
          return {aggregate_kind::billing_profiles, p.profile.value()};
      },
      e.payload);
}

/// Whether an event brings its aggregate into existence (a purchase, a new profile, an issued invoice).
template <licensing_traits T>
[[nodiscard]] bool creates_aggregate(const basic_event<T>& e) noexcept {
  return std::holds_alternative<basic_subscription_purchased<T>>(e.payload) ||
         std::holds_alternative<basic_billing_profile_created<T>>(e.payload) ||
         std::holds_alternative<basic_invoice_issued<T>>(e.payload);
}

/// The aggregate each entity is (an entity's own version counts its events).
template <class Entity> inline constexpr aggregate_kind aggregate_kind_of = aggregate_kind::tenants;
template <licensing_traits T> inline constexpr aggregate_kind aggregate_kind_of<basic_subscription<T>> = aggregate_kind::subscriptions;
template <licensing_traits T> inline constexpr aggregate_kind aggregate_kind_of<basic_billing_profile<T>> = aggregate_kind::billing_profiles;
template <licensing_traits T> inline constexpr aggregate_kind aggregate_kind_of<basic_invoice<T>> = aggregate_kind::invoices;

/// The precondition that `entity` is still at the version it was read at.
template <class Entity>
  requires requires(const Entity& x) { x.id; x.version; }
[[nodiscard]] basic_expected_version<typename Entity::traits_type> expected_version(const Entity& entity) {
  return {{aggregate_kind_of<Entity>, entity.id.value()}, entity.version};
}

// ---- Idempotency records and commits ----------------------------------------------------------

/// What an operation returned besides its events, kept so that a replayed call returns it again.
template <licensing_traits T>
using stored_value_t = std::variant<std::monostate, basic_assignment_report<T>, basic_unassign_preview<T>,
                                    basic_invoice<T>, typename T::string_type, basic_marketplace_decision<T>>;

/// The first outcome of a request that carried an idempotency key (D-IDEM-1). Keys are scoped to
/// the tenant; the fingerprint (operation, acting user, command) tells a repeat from a reuse. A
/// repository keeps it, with the time of its commit, until prune_idempotency removes it.
template <licensing_traits Traits>
struct basic_idempotency_record {
  std::string key{};
  std::string operation{};
  std::uint64_t fingerprint = 0;
  std::vector<basic_event<Traits>> events{};
  stored_value_t<Traits> value{};
  ISV_RECORD(basic_idempotency_record, (key, operation, fingerprint, events, value))
};

/// One operation's effects, saved all or nothing: every expected version must hold, every event must
/// be of `tenant` and change an aggregate that exists (or that an earlier event of the commit
/// creates), and the idempotency key, if any, must be new. Otherwise the commit is refused and
/// nothing is written: errc::conflict for a version or key already taken (D-CONC-1, D-IDEM-1),
/// errc::wrong_tenant, errc::not_found or errc::already_exists for a malformed commit.
template <licensing_traits Traits>
struct basic_commit {
  tenant_id_t<Traits> tenant{};
  std::vector<basic_expected_version<Traits>> expected{};
  std::vector<basic_event<Traits>> events{};
  std::optional<basic_idempotency_record<Traits>> idempotency{};
  /// When the request was made (the service's `now`): the idempotency record is kept with it, and
  /// prune_idempotency(before) removes the records made before `before`.
  time_point_t<Traits> recorded_at{};
};

using aggregate_ref = basic_aggregate_ref<default_traits>;
using expected_version_t = basic_expected_version<default_traits>;
using idempotency_record = basic_idempotency_record<default_traits>;
using commit = basic_commit<default_traits>;

// ---- The concepts -----------------------------------------------------------------------------

/// A consistent read of one tenant, valid while the view lives. Pointers are null for ids that are
/// not this tenant's: a tenant-scoped find never returns another tenant's entity (D-TENANT-1).
/// Views hand out references so that an operation never copies a license book or a directory.
template <class V, class Traits>
concept repository_view =
    licensing_traits<Traits> && std::movable<V> &&
    requires(const V& v, const subscription_id_t<Traits>& s, const billing_profile_id_t<Traits>& b,
             const invoice_id_t<Traits>& i, const app_id_t<Traits>& a, std::string_view key) {
      { v.tenant() } -> std::same_as<const basic_tenant<Traits>&>;
      { v.directory() } -> std::same_as<const basic_directory<Traits>&>;
      { v.directory_version() } -> std::same_as<count_t>;
      { v.subscription_ids() } -> std::same_as<std::vector<subscription_id_t<Traits>>>; ///< sorted
      { v.billing_profile_ids() } -> std::same_as<std::vector<billing_profile_id_t<Traits>>>; ///< sorted
      { v.find_subscription(s) } -> std::same_as<const basic_subscription<Traits>*>;
      { v.find_license_book(s) } -> std::same_as<const basic_license_book<Traits>*>;
      { v.find_billing_profile(b) } -> std::same_as<const basic_billing_profile<Traits>*>;
      { v.find_invoice(i) } -> std::same_as<const basic_invoice<Traits>*>;
      { v.find_app(a) } -> std::same_as<const basic_app<Traits>*>; ///< the app catalog, shared by all tenants
      { v.find_idempotency(key) } -> std::same_as<const basic_idempotency_record<Traits>*>;
    };

/// Where the admin center keeps state. Required members (T = R::traits_type):
/// - `read(tenant_id)` -> `result<R::view_type>`: a consistent view of one tenant (not_found if none).
///   A caller ends the view before it commits.
/// - `commit(basic_commit<T>)` -> `result<void>`: see basic_commit; atomic; applies the events with
///   the library's apply / book.apply / dir.apply and appends them to the tenant's log.
/// - `events(tenant_id, after)` -> `result<std::vector<basic_event<T>>>`: the tenant's log from
///   position `after` (0: all), in commit order (D-AUDIT-1).
/// - `create_tenant(basic_tenant<T>)`, `add_app(basic_app<T>)` -> `result<void>`: setting up a tenant
///   (with an empty directory) and the catalog; errc::already_exists for an id that is taken.
/// - `prune_idempotency(time_point before)` -> `result<std::size_t>`: removes, in every tenant, the
///   idempotency records of commits recorded before `before`, and says how many; a key of a removed
///   record is new again (D-IDEM-1). Records are kept until then.
template <class R>
concept repository =
    requires { typename R::traits_type; typename R::view_type; } && licensing_traits<typename R::traits_type> &&
    repository_view<typename R::view_type, typename R::traits_type> &&
    requires(R& r, const tenant_id_t<typename R::traits_type>& t, basic_commit<typename R::traits_type> c,
             basic_tenant<typename R::traits_type> org, basic_app<typename R::traits_type> product, std::size_t after,
             const time_point_t<typename R::traits_type>& before) {
      { r.read(t) } -> std::same_as<result<typename R::view_type>>;
      { r.commit(std::move(c)) } -> std::same_as<result<void>>;
      { r.events(t, after) } -> std::same_as<result<std::vector<basic_event<typename R::traits_type>>>>;
      { r.create_tenant(std::move(org)) } -> std::same_as<result<void>>;
      { r.add_app(std::move(product)) } -> std::same_as<result<void>>;
      { r.prune_idempotency(before) } -> std::same_as<result<std::size_t>>;
    };

// ---- What every backend shares ----------------------------------------------------------------

/// The current version of an aggregate in a view; 0 when it does not exist.
template <licensing_traits T, class View>
  requires repository_view<View, T>
[[nodiscard]] count_t current_version(const View& v, const basic_aggregate_ref<T>& a) {
  switch (a.kind) {
    case aggregate_kind::tenants: return a.id == v.tenant().id.value() ? v.tenant().version : 0;
    case aggregate_kind::directories: return a.id == v.tenant().id.value() ? v.directory_version() : 0;
    case aggregate_kind::subscriptions: {
      const auto* s = v.find_subscription(subscription_id_t<T>{a.id});
      return s ? s->version : 0;
    }
    case aggregate_kind::billing_profiles: {
      const auto* b = v.find_billing_profile(billing_profile_id_t<T>{a.id});
      return b ? b->version : 0;
    }
    case aggregate_kind::invoices: {
      const auto* inv = v.find_invoice(invoice_id_t<T>{a.id});
      return inv ? inv->version : 0;
    }
  }
  return 0;
}

/// Every check of basic_commit, against a view of the tenant taken under the backend's write lock
/// (or inside its transaction). Backends call it first, then write; it reads only what the commit names.
template <licensing_traits T, class View>
  requires repository_view<View, T>
[[nodiscard]] result<void> check_commit(const View& v, const basic_commit<T>& c) {
  if (v.tenant().id != c.tenant)
    return fail(errc::wrong_tenant, "The commit is for " + detail::describe(c.tenant) + " but was checked against " +
                                        detail::describe(v.tenant().id) + ".");
  for (const auto& expected : c.expected) {
    const count_t now = current_version(v, expected.aggregate);
    if (now != expected.version)
      return fail(errc::conflict, describe(expected.aggregate) +
                                      (expected.aggregate.kind == aggregate_kind::tenants ||
                                               expected.aggregate.kind == aggregate_kind::directories
                                           ? std::string()
                                           : " of " + detail::describe(c.tenant)) +
                                      " is at version " +
                                      std::to_string(now) + ", not " + std::to_string(expected.version) +
                                      " as read: another change was saved first. Nothing was saved; retry from fresh state.");
  }
  if (c.idempotency && v.find_idempotency(c.idempotency->key) != nullptr)
    return fail(errc::conflict, "The idempotency key \"" + c.idempotency->key + "\" was used by a request saved first.");
  std::vector<basic_aggregate_ref<T>> created;
  for (const auto& e : c.events) {
    if (e.tenant != c.tenant)
      return fail(errc::wrong_tenant, "An event of " + detail::describe(e.tenant) + " cannot be saved in " +
                                          detail::describe(c.tenant) + " (D-TENANT-1).");
    const auto target = aggregate_of(e);
    const bool exists = target.kind == aggregate_kind::tenants || target.kind == aggregate_kind::directories ||
                        current_version(v, target) != 0 ||
                        std::find(created.begin(), created.end(), target) != created.end();
    if (creates_aggregate(e)) {
      if (exists) return fail(errc::already_exists, describe(target) + " already exists in " + detail::describe(c.tenant) + ".");
      created.push_back(target);
    } else if (!exists) {
      return fail(errc::not_found, "An event of " + std::string(event_name<T>(e.payload)) + " names " + describe(target) +
                                       ", which is not in " + detail::describe(c.tenant) + ".");
    }
  }
  return BOOST_OUTCOME_V2_NAMESPACE::success();
}

// ---- Queries ----------------------------------------------------------------------------------

/// A group member without a license of one subscription, and why (D-GROUP-1).
template <licensing_traits Traits>
struct basic_subscription_violation {
  subscription_id_t<Traits> subscription{};
  basic_count_violation<Traits> violation{};
  friend bool operator==(const basic_subscription_violation&, const basic_subscription_violation&) = default;
};

using subscription_violation = basic_subscription_violation<default_traits>;

/// The tenant's subscriptions, sorted by id.
template <licensing_traits T, class View>
  requires repository_view<View, T>
[[nodiscard]] std::vector<basic_subscription<T>> list_subscriptions(const View& v) {
  std::vector<basic_subscription<T>> out;
  for (const auto& id : v.subscription_ids())
    if (const auto* s = v.find_subscription(id)) out.push_back(*s);
  return out;
}

/// A subscription's licenses, sorted by user; not_found for a subscription of no tenant or another.
template <licensing_traits T, class View>
  requires repository_view<View, T>
[[nodiscard]] result<std::vector<basic_license<T>>> list_licenses(const View& v, const subscription_id_t<T>& s) {
  const auto* book = v.find_license_book(s);
  if (book == nullptr) return fail(errc::not_found, detail::describe(s) + " is not in " + detail::describe(v.tenant().id) + ".");
  return book->licenses();
}

/// D-CHECK-1 on stored state: whether `user` may use subscription `s`'s app at `now`. Two lookups
/// (the subscription, the user's license record), never a scan; not_found for a subscription or a
/// user of no tenant or another (D-TENANT-1).
template <licensing_traits T, class View>
  requires repository_view<View, T>
[[nodiscard]] result<basic_access<T>> check_access_in(const View& v, const subscription_id_t<T>& s, const user_id_t<T>& user,
                                                      const time_point_t<T>& now) {
  const auto* sub = v.find_subscription(s);
  const auto* book = v.find_license_book(s);
  if (sub == nullptr || book == nullptr)
    return fail(errc::not_found, detail::describe(s) + " is not a subscription of " + detail::describe(v.tenant().id) + ".");
  if (!v.directory().has_user(user))
    return fail(errc::not_found, detail::describe(user) + " is not a user of " + detail::describe(v.tenant().id) + ".");
  return check_access(*sub, *book, user, now);
}

/// A user's licenses across the tenant's subscriptions, sorted by subscription: one lookup per
/// subscription (a tenant has few), never a scan of licenses.
template <licensing_traits T, class View>
  requires repository_view<View, T>
[[nodiscard]] result<std::vector<basic_license<T>>> list_user_licenses(const View& v, const user_id_t<T>& user) {
  if (!v.directory().has_user(user))
    return fail(errc::not_found, detail::describe(user) + " is not a user of " + detail::describe(v.tenant().id) + ".");
  std::vector<basic_license<T>> out;
  for (const auto& id : v.subscription_ids())
    if (const auto* book = v.find_license_book(id))
      if (auto held = book->license_of(user)) out.push_back(std::move(*held));
  return out;
}

/// The members of a group left without a license, per subscription in id order, each in the order
/// reprocessing serves them (D-GROUP-1).
template <licensing_traits T, class View>
  requires repository_view<View, T>
[[nodiscard]] result<std::vector<basic_subscription_violation<T>>> list_group_violations(const View& v,
                                                                                        const group_id_t<T>& group) {
  if (!v.directory().has_group(group))
    return fail(errc::not_found, detail::describe(group) + " is not a group of " + detail::describe(v.tenant().id) + ".");
  std::vector<basic_subscription_violation<T>> out;
  for (const auto& id : v.subscription_ids())
    if (const auto* book = v.find_license_book(id))
      for (auto& violation : book->violations_of(group)) out.push_back({id, std::move(violation)});
  return out;
}

} // namespace isv
