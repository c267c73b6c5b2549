// basic_memory_repository: the embedded, thread-safe, in-memory repository (the default store).
#pragma once

#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/evolve.hpp"
#include "isv/repository.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace isv {

/// The in-memory repository: every tenant's state, its event log and idempotency records, guarded
/// by one reader-writer lock (reads share it; a commit holds it alone for O(its events)).
/// Satisfies isv::repository. A view holds the shared lock: end it before committing on the same thread.
template <licensing_traits Traits = default_traits>
class basic_memory_repository {
public:
  using traits_type = Traits;
  using tenant_id = tenant_id_t<Traits>;
  using user_id = user_id_t<Traits>;
  using subscription_id = subscription_id_t<Traits>;

private:
  struct subscription_entry {
    basic_subscription<Traits> value;
    basic_license_book<Traits> book;
  };
  struct tenant_state {
    basic_tenant<Traits> tenant;
    basic_directory<Traits> directory;
    count_t directory_version = 0;
    std::unordered_map<subscription_id, subscription_entry> subscriptions{};
    std::unordered_map<billing_profile_id_t<Traits>, basic_billing_profile<Traits>> profiles{};
    std::unordered_map<invoice_id_t<Traits>, basic_invoice<Traits>> invoices{};
    std::deque<basic_event<Traits>> log{};
    std::unordered_map<std::string, basic_idempotency_record<Traits>> idempotency{};
  };
  using app_catalog = std::unordered_map<app_id_t<Traits>, basic_app<Traits>>;

public:
  /// A consistent read of one tenant: holds the repository's shared lock while it lives.
  class view {
  public:
    [[nodiscard]] const basic_tenant<Traits>& tenant() const noexcept { return state_->tenant; }
    [[nodiscard]] const basic_directory<Traits>& directory() const noexcept { return state_->directory; }
    [[nodiscard]] count_t directory_version() const noexcept { return state_->directory_version; }
    [[nodiscard]] std::vector<subscription_id> subscription_ids() const {
      std::vector<subscription_id> out;
      out.reserve(state_->subscriptions.size());
      for (const auto& [id, entry] : state_->subscriptions) out.push_back(id);
      std::sort(out.begin(), out.end());
      return out;
    }
    [[nodiscard]] const basic_subscription<Traits>* find_subscription(const subscription_id& id) const {
      const auto* entry = find_entry(id);
      return entry ? &entry->value : nullptr;
    }
    [[nodiscard]] const basic_license_book<Traits>* find_license_book(const subscription_id& id) const {
      const auto* entry = find_entry(id);
      return entry ? &entry->book : nullptr;
    }
    [[nodiscard]] const basic_billing_profile<Traits>* find_billing_profile(const billing_profile_id_t<Traits>& id) const {
      const auto it = state_->profiles.find(id);
      return it == state_->profiles.end() ? nullptr : &it->second;
    }
    [[nodiscard]] const basic_invoice<Traits>* find_invoice(const invoice_id_t<Traits>& id) const {
      const auto it = state_->invoices.find(id);
      return it == state_->invoices.end() ? nullptr : &it->second;
    }
    [[nodiscard]] const basic_app<Traits>* find_app(const app_id_t<Traits>& id) const {
      const auto it = apps_->find(id);
      return it == apps_->end() ? nullptr : &it->second;
    }
    [[nodiscard]] const basic_idempotency_record<Traits>* find_idempotency(std::string_view key) const {
      const auto it = state_->idempotency.find(std::string(key));
      return it == state_->idempotency.end() ? nullptr : &it->second;
    }

  private:
    friend class basic_memory_repository;
    view(std::shared_lock<std::shared_mutex> lock, const tenant_state* state, const app_catalog* apps)
        : lock_(std::move(lock)), state_(state), apps_(apps) {}
    [[nodiscard]] const subscription_entry* find_entry(const subscription_id& id) const {
      const auto it = state_->subscriptions.find(id);
      return it == state_->subscriptions.end() ? nullptr : &it->second;
    }

    std::shared_lock<std::shared_mutex> lock_;
    const tenant_state* state_;
    const app_catalog* apps_;
  };
  using view_type = view;

  basic_memory_repository() = default;
  basic_memory_repository(const basic_memory_repository&) = delete;
  basic_memory_repository& operator=(const basic_memory_repository&) = delete;

  /// Adds a tenant with an empty directory; its admin-role grants are its starting state.
  [[nodiscard]] result<void> create_tenant(basic_tenant<Traits> org) {
    std::unique_lock lock(mutex_);
    if (tenants_.contains(org.id)) return fail(errc::already_exists, detail::describe(org.id) + " already exists.");
    auto state = std::make_unique<tenant_state>();
    state->directory = basic_directory<Traits>(org.id);
    const auto id = org.id;
    state->tenant = std::move(org);
    tenants_.emplace(id, std::move(state));
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
    tenant_state& state = *it->second;
    {
      // The view shares the lock we hold exclusively; it only reads.
      const view checker(std::shared_lock<std::shared_mutex>(), &state, &apps_);
      BOOST_OUTCOME_TRY(check_commit(checker, c));
    }
    for (auto& e : c.events) {
      apply_event(state, e);
      state.log.push_back(std::move(e));
    }
    if (c.idempotency) {
      auto key = c.idempotency->key;
      state.idempotency.emplace(std::move(key), std::move(*c.idempotency));
    }
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

  /// The tenant's event log from position `after` (0: from the start), in commit order.
  [[nodiscard]] result<std::vector<basic_event<Traits>>> events(const tenant_id& in_tenant, std::size_t after = 0) {
    std::shared_lock lock(mutex_);
    const auto it = tenants_.find(in_tenant);
    if (it == tenants_.end()) return fail(errc::not_found, detail::describe(in_tenant) + " does not exist.");
    const auto& log = it->second->log;
    if (after >= log.size()) return std::vector<basic_event<Traits>>{};
    return std::vector<basic_event<Traits>>(log.begin() + static_cast<std::ptrdiff_t>(after), log.end());
  }

  /// Room for `n` licenses in one subscription (a hint for bulk loads; it changes no state).
  [[nodiscard]] result<void> reserve_licenses(const tenant_id& in_tenant, const subscription_id& id, std::size_t n) {
    std::unique_lock lock(mutex_);
    const auto it = tenants_.find(in_tenant);
    if (it == tenants_.end()) return fail(errc::not_found, detail::describe(in_tenant) + " does not exist.");
    const auto entry = it->second->subscriptions.find(id);
    if (entry == it->second->subscriptions.end())
      return fail(errc::not_found, detail::describe(id) + " is not in " + detail::describe(in_tenant) + ".");
    entry->second.book.reserve(n);
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

  /// Room for `n` users in a tenant's directory (a hint for bulk loads).
  [[nodiscard]] result<void> reserve_users(const tenant_id& in_tenant, std::size_t n) {
    std::unique_lock lock(mutex_);
    const auto it = tenants_.find(in_tenant);
    if (it == tenants_.end()) return fail(errc::not_found, detail::describe(in_tenant) + " does not exist.");
    it->second->directory.reserve_users(n);
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  }

private:
  // Called only after check_commit accepted the commit: every target exists or is created here.
  static void apply_event(tenant_state& state, const basic_event<Traits>& e) {
    const auto target = aggregate_of(e);
    switch (target.kind) {
      case aggregate_kind::tenants: state.tenant = apply(std::move(state.tenant), e); return;
      case aggregate_kind::directories:
        state.directory.apply(e);
        ++state.directory_version;
        return;
      case aggregate_kind::billing_profiles: {
        auto& profile = state.profiles[billing_profile_id_t<Traits>{target.id}];
        profile = apply(std::move(profile), e);
        return;
      }
      case aggregate_kind::invoices: {
        auto& inv = state.invoices[invoice_id_t<Traits>{target.id}];
        inv = apply(std::move(inv), e);
        return;
      }
      case aggregate_kind::subscriptions: break;
    }
    const subscription_id id{target.id};
    auto found = state.subscriptions.find(id);
    if (found == state.subscriptions.end())
      found = state.subscriptions.emplace(id, subscription_entry{basic_subscription<Traits>{}, basic_license_book<Traits>(id)}).first;
    auto& entry = found->second;
    entry.book.apply(e);
    detail::apply_in_place(entry.value, e);
  }

  std::shared_mutex mutex_;
  std::unordered_map<tenant_id, std::unique_ptr<tenant_state>> tenants_{};
  app_catalog apps_{};
};

using memory_repository = basic_memory_repository<default_traits>;

static_assert(repository<memory_repository>);

} // namespace isv
