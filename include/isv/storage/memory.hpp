// basic_memory_repository: the embedded, thread-safe, in-memory repository (the default store), with a compact user -> subscriptions index.
#pragma once

#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/evolve.hpp"
#include "isv/repository.hpp"

#include <bit>
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

namespace detail {

/// user -> the subscriptions (by ordinal within the tenant) in which the user holds a license. An
/// open-addressing table of 16-byte slots (an id and a bit mask), because one node per license in
/// a node-based map would cost more than the license itself. Bit 63 stands for "some subscription
/// with ordinal 63 or more", which the reader then probes.
template <class Key>
class holder_index {
public:
  static constexpr unsigned overflow_bit = 63;

  [[nodiscard]] std::uint64_t get(const Key& key) const {
    if (slots_.empty()) return 0;
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      if (slots_[i].bits == 0) return 0;
      if (slots_[i].key == key) return slots_[i].bits;
    }
  }
  void set(const Key& key, std::uint32_t ordinal) {
    if ((size_ + 1) * 8 > slots_.size() * 7) grow(slots_.empty() ? 16 : slots_.size() * 2);
    const std::uint64_t bit = std::uint64_t{1} << (ordinal < overflow_bit ? ordinal : overflow_bit);
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      if (slots_[i].bits == 0) {
        slots_[i] = {key, bit};
        ++size_;
        return;
      }
      if (slots_[i].key == key) {
        slots_[i].bits |= bit;
        return;
      }
    }
  }
  /// set() for a batch. The slots of a large index are cache misses; fetching a few ahead lets
  /// them overlap instead of being paid one after another.
  template <class Keys>
  void set_all(const Keys& keys, std::uint32_t ordinal) {
    reserve(size_ + keys.size());
    constexpr std::size_t ahead = 8;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (i + ahead < keys.size()) prefetch(keys[i + ahead]);
      set(keys[i], ordinal);
    }
  }
  /// Clears one bit; a key left with none is removed (backward shift, so no tombstones pile up).
  void clear(const Key& key, unsigned bit_index) {
    if (slots_.empty()) return;
    std::size_t i = home(key);
    for (;; i = (i + 1) & mask_) {
      if (slots_[i].bits == 0) return;
      if (slots_[i].key == key) break;
    }
    slots_[i].bits &= ~(std::uint64_t{1} << bit_index);
    if (slots_[i].bits != 0) return;
    --size_;
    for (std::size_t j = (i + 1) & mask_; slots_[j].bits != 0; j = (j + 1) & mask_) {
      const std::size_t k = home(slots_[j].key);
      const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (stays) continue;
      slots_[i] = std::move(slots_[j]);
      slots_[j].bits = 0;
      i = j;
    }
  }
  void reserve(std::size_t n) {
    const std::size_t wanted = std::bit_ceil(n * 8 / 7 + 1);
    if (wanted > slots_.size()) grow(wanted);
  }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

private:
  struct slot {
    Key key{};
    std::uint64_t bits = 0; ///< 0: an empty slot
  };
  void prefetch(const Key& key) const noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(&slots_[home(key)]);
#else
    (void)key;
#endif
  }
  [[nodiscard]] std::size_t home(const Key& key) const noexcept {
    // Fibonacci hashing spreads consecutive ids, which std::hash leaves consecutive.
    const auto h = static_cast<std::uint64_t>(std::hash<Key>{}(key)) * 0x9E3779B97F4A7C15ULL;
    return static_cast<std::size_t>(h >> shift_);
  }
  void grow(std::size_t capacity) {
    std::vector<slot> old = std::move(slots_);
    slots_.assign(capacity, slot{});
    mask_ = capacity - 1;
    shift_ = 64U - static_cast<unsigned>(std::countr_zero(capacity));
    for (auto& s : old) {
      if (s.bits == 0) continue;
      std::size_t i = home(s.key);
      while (slots_[i].bits != 0) i = (i + 1) & mask_;
      slots_[i] = std::move(s);
    }
  }

  std::vector<slot> slots_{};
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
  unsigned shift_ = 64;
};

} // namespace detail

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
    std::uint32_t ordinal = 0;
  };
  struct tenant_state {
    basic_tenant<Traits> tenant;
    basic_directory<Traits> directory;
    count_t directory_version = 0;
    std::unordered_map<subscription_id, subscription_entry> subscriptions{};
    std::vector<subscription_entry*> by_ordinal{}; ///< node addresses are stable in unordered_map
    std::unordered_map<billing_profile_id_t<Traits>, basic_billing_profile<Traits>> profiles{};
    std::unordered_map<invoice_id_t<Traits>, basic_invoice<Traits>> invoices{};
    std::deque<basic_event<Traits>> log{};
    std::unordered_map<std::string, basic_idempotency_record<Traits>> idempotency{};
    detail::holder_index<user_id> holders{};
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
    /// The subscriptions in which `user` holds a license, sorted; from the index, not a scan.
    [[nodiscard]] std::vector<subscription_id> subscriptions_of_user(const user_id& user) const {
      const std::uint64_t bits = state_->holders.get(user);
      std::vector<subscription_id> out;
      const auto& ordinals = state_->by_ordinal;
      for (std::size_t i = 0; i < ordinals.size(); ++i) {
        const unsigned bit = i < detail::holder_index<user_id>::overflow_bit ? static_cast<unsigned>(i)
                                                                              : detail::holder_index<user_id>::overflow_bit;
        if ((bits >> bit & 1U) == 0) {
          if (bit == detail::holder_index<user_id>::overflow_bit) break;
          continue;
        }
        if (ordinals[i]->book.holds(user)) out.push_back(ordinals[i]->value.id);
      }
      std::sort(out.begin(), out.end());
      return out;
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
    it->second->holders.reserve(it->second->holders.size() + n);
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
  static unsigned index_bit(std::uint32_t ordinal) noexcept {
    return ordinal < detail::holder_index<user_id>::overflow_bit ? ordinal : detail::holder_index<user_id>::overflow_bit;
  }

  // After a release in a subscription past the index's exact bits, the overflow bit stays only if
  // another such subscription still licenses the user.
  static void release_holder(tenant_state& state, const user_id& user, std::uint32_t ordinal) {
    const unsigned bit = index_bit(ordinal);
    if (bit == detail::holder_index<user_id>::overflow_bit)
      for (std::size_t i = bit; i < state.by_ordinal.size(); ++i)
        if (i != ordinal && state.by_ordinal[i]->book.holds(user)) return;
    state.holders.clear(user, bit);
  }

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
    if (found == state.subscriptions.end()) {
      subscription_entry fresh{basic_subscription<Traits>{}, basic_license_book<Traits>(id),
                               static_cast<std::uint32_t>(state.by_ordinal.size())};
      found = state.subscriptions.emplace(id, std::move(fresh)).first;
      state.by_ordinal.push_back(&found->second);
    }
    auto& entry = found->second;
    if (std::holds_alternative<basic_subscription_deactivated<Traits>>(e.payload)) {
      std::vector<user_id> holders;
      holders.reserve(static_cast<std::size_t>(entry.book.size()));
      entry.book.for_each_license([&](const user_id& user, const auto&) { holders.push_back(user); });
      entry.book.apply(e);
      for (const auto& user : holders) release_holder(state, user, entry.ordinal);
    } else {
      entry.book.apply(e);
      if (const auto* granted = std::get_if<basic_licenses_granted<Traits>>(&e.payload))
        state.holders.set_all(granted->new_holders, entry.ordinal);
      if (const auto* released = std::get_if<basic_licenses_released<Traits>>(&e.payload))
        for (const auto& user : released->released) release_holder(state, user, entry.ordinal);
    }
    entry.value = apply(std::move(entry.value), e);
  }

  std::shared_mutex mutex_;
  std::unordered_map<tenant_id, std::unique_ptr<tenant_state>> tenants_{};
  app_catalog apps_{};
};

using memory_repository = basic_memory_repository<default_traits>;

static_assert(repository<memory_repository>);

} // namespace isv
