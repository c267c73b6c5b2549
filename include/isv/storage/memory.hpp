// basic_memory_repository: the embedded, thread-safe, in-memory repository (the default store).
#pragma once

#include "isv/detail/hash_table.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/marketplace_link.hpp"
#include "isv/marketplace_wire.hpp"
#include "isv/region.hpp"
#include "isv/repository.hpp"
#include "isv/tenant_state.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace isv {

/// The in-memory repository: every tenant's state, its event log and idempotency records, guarded
/// by one reader-writer lock (reads share it; a commit holds it alone for O(its events)), and the
/// marketplace's links. Satisfies isv::repository and isv::marketplace_link_store. A view holds the
/// shared lock: end it before committing on the same thread.
template <licensing_traits Traits = default_traits>
class basic_memory_repository {
public:
  using traits_type = Traits;
  using tenant_id = tenant_id_t<Traits>;
  using subscription_id = subscription_id_t<Traits>;

private:
  // An idempotency record and when its commit was recorded (what prune_idempotency compares).
  struct kept_record {
    basic_idempotency_record<Traits> record;
    time_point_t<Traits> recorded_at{};
  };
  // A tenant's state (changed only by isv::apply), and what the repository keeps beside it.
  struct tenant_record {
    basic_tenant_state<Traits> state;
    // Grows in segments that never move (a large one on transparent huge pages where Linux offers
    // them): appending never copies the log, and a commit seldom waits for a fresh page.
    detail::segmented_array<basic_event<Traits>> log{};
    std::unordered_map<std::string, kept_record> idempotency{};
    /// The GUID of each linked subscription, in subscription order (what marketplace_links lists).
    std::map<subscription_id, marketplace_guid> marketplace_guids{};
  };
  using app_catalog = std::unordered_map<app_id_t<Traits>, basic_app<Traits>>;

public:
  /// A consistent read of one tenant: holds the repository's shared lock while it lives.
  class view {
  public:
    [[nodiscard]] const basic_tenant<Traits>& tenant() const noexcept { return record_->state.tenant; }
    [[nodiscard]] const basic_directory<Traits>& directory() const noexcept { return record_->state.directory; }
    [[nodiscard]] count_t directory_version() const noexcept { return record_->state.directory_version; }
    [[nodiscard]] std::vector<subscription_id> subscription_ids() const { return record_->state.subscription_ids(); }
    [[nodiscard]] std::vector<billing_profile_id_t<Traits>> billing_profile_ids() const {
      return record_->state.billing_profile_ids();
    }
    [[nodiscard]] const basic_subscription<Traits>* find_subscription(const subscription_id& id) const {
      return record_->state.find_subscription(id);
    }
    [[nodiscard]] const basic_license_book<Traits>* find_license_book(const subscription_id& id) const {
      return record_->state.find_license_book(id);
    }
    [[nodiscard]] const basic_billing_profile<Traits>* find_billing_profile(const billing_profile_id_t<Traits>& id) const {
      return record_->state.find_billing_profile(id);
    }
    [[nodiscard]] const basic_invoice<Traits>* find_invoice(const invoice_id_t<Traits>& id) const {
      return record_->state.find_invoice(id);
    }
    /// The whole tenant state, for a host that reads more than the repository concept asks.
    [[nodiscard]] const basic_tenant_state<Traits>& state() const noexcept { return record_->state; }
    [[nodiscard]] const basic_app<Traits>* find_app(const app_id_t<Traits>& id) const {
      const auto it = apps_->find(id);
      return it == apps_->end() ? nullptr : &it->second;
    }
    [[nodiscard]] const basic_idempotency_record<Traits>* find_idempotency(std::string_view key) const {
      const auto it = record_->idempotency.find(std::string(key));
      return it == record_->idempotency.end() ? nullptr : &it->second.record;
    }

  private:
    friend class basic_memory_repository;
    view(std::shared_lock<std::shared_mutex> lock, const tenant_record* record, const app_catalog* apps)
        : lock_(std::move(lock)), record_(record), apps_(apps) {}

    std::shared_lock<std::shared_mutex> lock_;
    const tenant_record* record_;
    const app_catalog* apps_;
  };
  using view_type = view;

  basic_memory_repository() = default;
  basic_memory_repository(const basic_memory_repository&) = delete;
  basic_memory_repository& operator=(const basic_memory_repository&) = delete;

  /// Adds a tenant with an empty directory; its admin-role grants are its starting state. Its
  /// country must be an ISO 3166-1 alpha-2 code (D-BUY-5): invalid_argument otherwise, nothing added.
  [[nodiscard]] result<void> create_tenant(basic_tenant<Traits> org) {
    BOOST_OUTCOME_TRY(check_country_code(std::string(org.region.begin(), org.region.end())));
    return restore_tenant(std::move(org));
  }

  /// Adds a tenant read back from storage as it was stored: its region is not checked again, so a
  /// tenant of old data in "Western Europe" or an unknown region still loads (D-BUY-5).
  [[nodiscard]] result<void> restore_tenant(basic_tenant<Traits> org) {
    std::unique_lock lock(mutex_);
    if (tenants_.contains(org.id)) return fail(errc::already_exists, detail::describe(org.id) + " already exists.");
    const auto id = org.id;
    auto record = std::make_unique<tenant_record>();
    record->state = basic_tenant_state<Traits>(std::move(org));
    tenants_.emplace(id, std::move(record));
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

  /// Adds an app to the catalog every tenant buys from.
  [[nodiscard]] result<void> add_app(basic_app<Traits> product) {
    std::unique_lock lock(mutex_);
    if (apps_.contains(product.id)) return fail(errc::already_exists, detail::describe(product.id) + " is already in the catalog.");
    const auto id = product.id;
    apps_.emplace(id, std::move(product));
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

  [[nodiscard]] result<view> read(const tenant_id& in_tenant) {
    std::shared_lock lock(mutex_);
    const auto it = tenants_.find(in_tenant);
    if (it == tenants_.end()) return fail(errc::not_found, detail::describe(in_tenant) + " does not exist.");
    return view(std::move(lock), it->second.get(), &apps_);
  }

  /// Checks, then applies, appends and records; all or nothing (see basic_commit).
  [[nodiscard]] result<void> commit(basic_commit<Traits> c) {
    std::unique_lock lock(mutex_);
    const auto it = tenants_.find(c.tenant);
    if (it == tenants_.end()) return fail(errc::not_found, detail::describe(c.tenant) + " does not exist.");
    tenant_record& record = *it->second;
    {
      // The view shares the lock we hold exclusively; it only reads.
      const view checker(std::shared_lock<std::shared_mutex>(), &record, &apps_);
      BOOST_OUTCOME_TRY(check_commit(checker, c));
    }
    // check_commit accepted every event: each is of this tenant and names a value that exists or
    // that an earlier event of the commit creates.
    for (auto& e : c.events) {
      apply(record.state, e);
      record.log.push_back(std::move(e));
    }
    if (c.idempotency) {
      auto key = c.idempotency->key;
      record.idempotency.emplace(std::move(key), kept_record{std::move(*c.idempotency), c.recorded_at});
    }
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

  /// Removes, in every tenant, the idempotency records of commits recorded before `before`; their
  /// keys are new again (D-IDEM-1). Returns how many were removed.
  [[nodiscard]] result<std::size_t> prune_idempotency(const time_point_t<Traits>& before) {
    std::unique_lock lock(mutex_);
    std::size_t removed = 0;
    for (auto& entry : tenants_)
      removed += std::erase_if(entry.second->idempotency, [&](const auto& kept) { return kept.second.recorded_at < before; });
    return removed;
  }

  /// The tenant's event log from position `after` (0: from the start), in commit order.
  [[nodiscard]] result<std::vector<basic_event<Traits>>> events(const tenant_id& in_tenant, std::size_t after = 0) {
    std::shared_lock lock(mutex_);
    const auto it = tenants_.find(in_tenant);
    if (it == tenants_.end()) return fail(errc::not_found, detail::describe(in_tenant) + " does not exist.");
    const auto& log = it->second->log;
    std::vector<basic_event<Traits>> out;
    if (after >= log.size()) return out;
    out.reserve(log.size() - after);
    for (std::size_t i = after; i < log.size(); ++i) out.push_back(log[i]);
    return out;
  }

  /// Links a marketplace GUID to a tenant's subscription, under the write lock with its checks (see
  /// isv/marketplace_link.hpp for the rules). O(log of the tenant's links).
  [[nodiscard]] result<void> link_marketplace(basic_marketplace_link<Traits> link) {
    BOOST_OUTCOME_TRY(detail::check_marketplace_link(link));
    std::unique_lock lock(mutex_);
    const auto owner = tenants_.find(link.tenant);
    if (owner == tenants_.end()) return detail::marketplace_link_without_tenant(link);
    if (const auto it = links_.find(link.marketplace_subscription); it != links_.end()) {
      if (it->second == link) return BOOST_OUTCOME_V2_NAMESPACE::success(); // linked so already: nothing changes
      return detail::marketplace_guid_taken(it->second, link);
    }
    auto& guids = owner->second->marketplace_guids;
    if (const auto it = guids.find(link.subscription); it != guids.end())
      return detail::marketplace_subscription_taken(links_.at(it->second), link);
    guids.emplace(link.subscription, link.marketplace_subscription);
    const auto guid = link.marketplace_subscription;
    links_.emplace(guid, std::move(link));
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

  /// The link of a marketplace GUID; nothing when the GUID has none.
  [[nodiscard]] result<std::optional<basic_marketplace_link<Traits>>> find_marketplace_link(const marketplace_guid& guid) {
    std::shared_lock lock(mutex_);
    const auto it = links_.find(guid);
    if (it == links_.end()) return std::optional<basic_marketplace_link<Traits>>{};
    return std::optional<basic_marketplace_link<Traits>>{it->second};
  }

  /// A tenant's links, sorted by subscription id (D-TENANT-1: no other tenant's).
  [[nodiscard]] result<std::vector<basic_marketplace_link<Traits>>> marketplace_links(const tenant_id& in_tenant) {
    std::shared_lock lock(mutex_);
    const auto it = tenants_.find(in_tenant);
    if (it == tenants_.end()) return fail(errc::not_found, detail::describe(in_tenant) + " does not exist.");
    std::vector<basic_marketplace_link<Traits>> out;
    out.reserve(it->second->marketplace_guids.size());
    for (const auto& [linked, guid] : it->second->marketplace_guids) out.push_back({guid, in_tenant, linked});
    return out;
  }

  /// Removes every tenant, its log and records, every app and every marketplace link: the repository
  /// is as new. Waits for the views alive on other threads to end (a view on this thread must end first).
  void clear() {
    std::unique_lock lock(mutex_);
    tenants_.clear();
    apps_.clear();
    links_.clear();
  }

  /// Room for `n` licenses in one subscription (a hint for bulk loads; it changes no state).
  [[nodiscard]] result<void> reserve_licenses(const tenant_id& in_tenant, const subscription_id& id, std::size_t n) {
    std::unique_lock lock(mutex_);
    const auto it = tenants_.find(in_tenant);
    if (it == tenants_.end()) return fail(errc::not_found, detail::describe(in_tenant) + " does not exist.");
    auto& subscriptions = it->second->state.subscriptions;
    const auto entry = subscriptions.find(id);
    if (entry == subscriptions.end())
      return fail(errc::not_found, detail::describe(id) + " is not in " + detail::describe(in_tenant) + ".");
    entry->second.book.reserve(n);
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

  /// Room for `n` users in a tenant's directory (a hint for bulk loads).
  [[nodiscard]] result<void> reserve_users(const tenant_id& in_tenant, std::size_t n) {
    std::unique_lock lock(mutex_);
    const auto it = tenants_.find(in_tenant);
    if (it == tenants_.end()) return fail(errc::not_found, detail::describe(in_tenant) + " does not exist.");
    it->second->state.directory.reserve_users(n);
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

private:
  std::shared_mutex mutex_;
  std::unordered_map<tenant_id, std::unique_ptr<tenant_record>> tenants_{};
  app_catalog apps_{};
  std::unordered_map<marketplace_guid, basic_marketplace_link<Traits>> links_{};
};

using memory_repository = basic_memory_repository<default_traits>;

static_assert(repository<memory_repository>);
static_assert(marketplace_link_store<memory_repository>);

} // namespace isv
