// Internal: open-addressing hash tables, flat_set (keys in the slots) and dense_map (entries in a dense array behind an index), for containers of a million entries.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

// Why not std::unordered_set/map: they allocate one node per entry, and a lookup follows a bucket,
// the node before and the node itself. At a million licenses those are three cache and TLB misses
// per lookup and 50 to 60 bytes per entry, which made an assignment cost more in a large tenant
// than in a small one. Here a lookup reads one control byte per probed slot (a byte array that
// stays in cache far longer than the slots) and touches a slot only when 7 bits of a hash match.
namespace isv::detail {

/// The 32 bits of a key's std::hash that the tables place and tag it by (the high half folded
/// in, so that 64-bit ids differing only there do not collide).
using hash32 = std::uint32_t;

/// Asks the processor to start loading the cache line at `p` (a hint; nothing else happens).
inline void prefetch_line(const void* p) noexcept {
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
  // An asm statement rather than __builtin_prefetch: GCC deems a function that only prefetches
  // free of effects and drops calls to it, prefetches and all.
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#elif defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}

template <class Key, class Hash>
[[nodiscard]] hash32 hash_key(const Key& key) {
  const auto h = static_cast<std::uint64_t>(Hash{}(key));
  return static_cast<hash32>(h ^ (h >> 32));
}

/// The probing core of both tables: a power-of-two number of slots in groups of 64, each slot
/// with a control byte that is empty or "full" with a 7-bit tag. A group keeps its 64 control
/// bytes (one cache line) next to its 64 slots, so that a lookup's two reads share a page: at a
/// million entries the page-table walks cost as much as the cache misses. Linear probing, at most
/// half full. Erasing moves the later slots of the run back into the hole where their probe allows
/// (no deleted marks: those would pile up under churn, lengthen every probe and force rebuilds).
///
/// Where a key goes: ids are often consecutive (database keys), and std::unordered_set profits
/// from that, its identity hash filling consecutive buckets in order. So do these tables: a key's
/// low 6 hash bits pick its slot within its group, and the other bits pick the group by Fibonacci
/// hashing, which spreads runs, strides and arbitrary hashes evenly over the groups. A run of
/// consecutive ids is then read and written in order, a group at a time; random ids probe as in
/// any linear-probing table. Groups are kept small because a dense run fills its group: a probe
/// for an absent key, or an erase, walks to the end of the run. Keys that share their low bits (a
/// stride of 64) crowd the start of each group and probe a few dozen control bytes, in order. The
/// tag mixes all bits, so that neighbours do not share one.
template <class Slot>
class probe_table {
public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  static constexpr std::size_t group_size = 64;

  probe_table() = default;
  probe_table(const probe_table&) = default;
  probe_table& operator=(const probe_table&) = default;
  // A table moved from is empty, not a shell whose counts outlive its groups.
  probe_table(probe_table&& o) noexcept
      : groups_(std::move(o.groups_)), mask_(std::exchange(o.mask_, 0)), shift_(std::exchange(o.shift_, 64)),
        size_(std::exchange(o.size_, 0)) {
    o.groups_.clear();
  }
  probe_table& operator=(probe_table&& o) noexcept {
    if (this != &o) {
      groups_ = std::move(o.groups_);
      mask_ = std::exchange(o.mask_, 0);
      shift_ = std::exchange(o.shift_, 64);
      size_ = std::exchange(o.size_, 0);
      o.groups_.clear();
    }
    return *this;
  }
  ~probe_table() = default;

  /// An empty table of `capacity` slots (a power of two, at least two groups).
  explicit probe_table(std::size_t capacity)
      : groups_(capacity / group_size), mask_(capacity - 1),
        shift_(64U - static_cast<unsigned>(std::countr_zero(capacity / group_size))) {}

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return groups_.size() * group_size; }

  /// The smallest capacity that holds `n` entries within the load limit.
  [[nodiscard]] static std::size_t capacity_for(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / 4) throw std::length_error("isv: hash table too large");
    return std::max<std::size_t>(2 * group_size, std::bit_ceil(2 * n + 1));
  }
  /// Whether adding `n` entries needs a larger table first.
  [[nodiscard]] bool needs_room(std::size_t n) const noexcept { return (size_ + n) * 2 > capacity(); }
  /// The capacity to grow to: double.
  [[nodiscard]] std::size_t capacity_after_growth(std::size_t n) const { return capacity_for(size_ + n); }

  /// The slot holding an entry of hash `h` for which `same(slot)` holds; npos if none.
  template <class Same>
  [[nodiscard]] std::size_t find(hash32 h, Same&& same) const {
    if (size_ == 0) return npos;
    const std::uint8_t want = tag(h);
    for (std::size_t i = home(h);; i = (i + 1) & mask_) {
      const std::uint8_t c = control(i);
      if (c == empty) return npos;
      if (c == want && same(slot(i))) return i;
    }
  }
  /// Puts a slot for an entry known to be absent, in the first free place of its probe sequence.
  /// The caller made room (needs_room) beforehand.
  std::size_t place(hash32 h, Slot value) {
    std::size_t i = home(h);
    while (control(i) != empty) i = (i + 1) & mask_;
    control(i) = tag(h);
    slot(i) = std::move(value);
    ++size_;
    return i;
  }
  /// Empties slot `i`, then moves back each later slot of its run whose probe passes the hole, so
  /// that every probe still reaches its entry. `hash_of(slot)` gives a slot's hash.
  template <class HashOf>
  void erase_at(std::size_t i, HashOf&& hash_of) {
    --size_;
    for (std::size_t j = (i + 1) & mask_; control(j) != empty; j = (j + 1) & mask_) {
      const std::size_t k = home(hash_of(slot(j)));
      const bool reachable_without_hole = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (reachable_without_hole) continue;
      control(i) = control(j);
      slot(i) = std::move(slot(j));
      i = j;
    }
    control(i) = empty;
    slot(i) = Slot{};
  }
  void clear() noexcept {
    for (auto& g : groups_) g.control.fill(empty);
    size_ = 0;
  }

  [[nodiscard]] bool is_full(std::size_t i) const noexcept { return control(i) != empty; }
  [[nodiscard]] Slot& slot(std::size_t i) noexcept { return groups_[i / group_size].slots[i % group_size]; }
  [[nodiscard]] const Slot& slot(std::size_t i) const noexcept { return groups_[i / group_size].slots[i % group_size]; }

  /// Fetches the control byte and the slot where a lookup of `h` starts. A batch that calls this
  /// a few keys ahead has several cache misses under way at once instead of one after another.
  void prefetch(hash32 h) const noexcept {
    if (groups_.empty()) return;
    const std::size_t i = home(h);
    prefetch_line(&control(i));
    prefetch_line(&slot(i));
  }

private:
  static constexpr unsigned group_bits = 6;
  static_assert(std::size_t{1} << group_bits == group_size);
  static constexpr std::uint8_t empty = 0;
  static constexpr std::uint8_t full = 0x80;

  struct group {
    std::array<std::uint8_t, group_size> control{}; // all empty
    std::array<Slot, group_size> slots{};
  };

  [[nodiscard]] std::uint8_t& control(std::size_t i) noexcept { return groups_[i / group_size].control[i % group_size]; }
  [[nodiscard]] const std::uint8_t& control(std::size_t i) const noexcept {
    return groups_[i / group_size].control[i % group_size];
  }
  [[nodiscard]] std::size_t home(hash32 h) const noexcept {
    const std::uint64_t g = (std::uint64_t{h >> group_bits} * 0x9E3779B97F4A7C15ULL) >> shift_;
    return static_cast<std::size_t>((g << group_bits) | (h & (group_size - 1)));
  }
  static std::uint8_t tag(hash32 h) noexcept {
    return static_cast<std::uint8_t>(full | ((std::uint64_t{h} * 0xC4CEB9FE1A85EC53ULL) >> 57));
  }

  std::vector<group> groups_{};
  std::size_t mask_ = 0;
  unsigned shift_ = 64;
  std::size_t size_ = 0;
};

/// Calls f(key, hash) for each key of a batch, the hash computed once, after `table.prefetch(hash)`
/// was called a few keys earlier: at a million entries each lookup is a cache miss, and this keeps
/// several under way at once instead of paying them one after another.
template <class Table, class Keys, class F>
void for_each_prefetched(const Table& table, const Keys& keys, F&& f) {
  constexpr std::size_t ahead = 8;
  std::array<hash32, 2 * ahead> hashes{};
  const std::size_t n = keys.size();
  const auto fetch = [&](std::size_t i) {
    hashes[i % hashes.size()] = table.hash(keys[i]);
    table.prefetch(hashes[i % hashes.size()]);
  };
  for (std::size_t i = 0; i < n && i < ahead; ++i) fetch(i);
  for (std::size_t i = 0; i < n; ++i) {
    if (i + ahead < n) fetch(i + ahead);
    f(keys[i], hashes[i % hashes.size()]);
  }
}

/// A set of keys held in the slots themselves: one probe sequence per lookup, no allocation per key.
template <class Key, class Hash = std::hash<Key>>
class flat_set {
public:
  [[nodiscard]] std::size_t size() const noexcept { return table_.size(); }
  [[nodiscard]] bool empty() const noexcept { return table_.size() == 0; }
  [[nodiscard]] hash32 hash(const Key& key) const { return hash_key<Key, Hash>(key); }
  [[nodiscard]] bool contains(const Key& key) const { return contains(key, hash(key)); }
  [[nodiscard]] bool contains(const Key& key, hash32 h) const { return locate(key, h) != table_type::npos; }

  /// Adds `key`; false if it was there already.
  bool insert(const Key& key) {
    const hash32 h = hash(key);
    if (locate(key, h) != table_type::npos) return false;
    if (table_.needs_room(1)) rebuild(table_.capacity_after_growth(1));
    table_.place(h, key);
    return true;
  }
  template <class It>
  void insert(It first, It last) {
    if constexpr (std::forward_iterator<It>) reserve(size() + static_cast<std::size_t>(std::distance(first, last)));
    for (; first != last; ++first) insert(*first);
  }
  /// Removes `key`; false if it was not there.
  bool erase(const Key& key) {
    const std::size_t i = locate(key, hash(key));
    if (i == table_type::npos) return false;
    table_.erase_at(i, [&](const Key& held) { return hash(held); });
    return true;
  }
  void reserve(std::size_t n) {
    if (table_type::capacity_for(n) > table_.capacity()) rebuild(table_type::capacity_for(n));
  }
  void clear() noexcept { table_.clear(); }
  void prefetch(hash32 h) const noexcept { table_.prefetch(h); }

  /// Calls f(key) for every key, in no particular order.
  template <class F>
  void for_each(F&& f) const {
    for (std::size_t i = 0; i < table_.capacity(); ++i)
      if (table_.is_full(i)) f(table_.slot(i));
  }

  friend bool operator==(const flat_set& a, const flat_set& b) {
    if (a.size() != b.size()) return false;
    bool same = true;
    a.for_each([&](const Key& key) { same = same && b.contains(key); });
    return same;
  }

private:
  using table_type = probe_table<Key>;

  [[nodiscard]] std::size_t locate(const Key& key, hash32 h) const {
    return table_.find(h, [&](const Key& held) { return held == key; });
  }
  // Allocates first: if that throws, the set is as it was.
  void rebuild(std::size_t capacity) {
    table_type fresh(capacity);
    for (std::size_t i = 0; i < table_.capacity(); ++i) {
      if (!table_.is_full(i)) continue;
      const hash32 h = hash(table_.slot(i)); // before the key moves
      fresh.place(h, std::move(table_.slot(i)));
    }
    table_ = std::move(fresh);
  }

  table_type table_{};
};

/// A map whose entries sit in one dense array, in no particular order, behind an index of
/// (position, hash) pairs: an entry costs its own size plus 18 to 36 bytes of index, iteration is a
/// walk over an array, and erasing moves the last entry into the hole. Pointers to entries stay
/// valid until the map next changes.
template <class Key, class Value, class Hash = std::hash<Key>>
class dense_map {
public:
  struct entry {
    Key key;
    Value value;
  };

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  [[nodiscard]] const std::vector<entry>& entries() const noexcept { return entries_; }
  [[nodiscard]] auto begin() const noexcept { return entries_.begin(); }
  [[nodiscard]] auto end() const noexcept { return entries_.end(); }
  [[nodiscard]] hash32 hash(const Key& key) const { return hash_key<Key, Hash>(key); }

  [[nodiscard]] const Value* find(const Key& key) const { return find(key, hash(key)); }
  [[nodiscard]] const Value* find(const Key& key, hash32 h) const {
    const std::size_t i = locate(key, h);
    return i == index_type::npos ? nullptr : &entries_[index_.slot(i).position].value;
  }
  [[nodiscard]] Value* find(const Key& key) { return find(key, hash(key)); }
  [[nodiscard]] Value* find(const Key& key, hash32 h) {
    const std::size_t i = locate(key, h);
    return i == index_type::npos ? nullptr : &entries_[index_.slot(i).position].value;
  }
  [[nodiscard]] bool contains(const Key& key) const { return find(key) != nullptr; }

  /// The value of `key`, added as `value` if absent; the flag says whether it was added.
  std::pair<Value*, bool> try_emplace(const Key& key, Value value) { return try_emplace(key, hash(key), std::move(value)); }
  std::pair<Value*, bool> try_emplace(const Key& key, hash32 h, Value value) {
    if (const std::size_t i = locate(key, h); i != index_type::npos) return {&entries_[index_.slot(i).position].value, false};
    if (entries_.size() >= std::numeric_limits<std::uint32_t>::max()) throw std::length_error("isv: dense_map too large");
    if (index_.needs_room(1)) rebuild(index_.capacity_after_growth(1));
    entries_.push_back(entry{key, std::move(value)});
    index_.place(h, {static_cast<std::uint32_t>(entries_.size() - 1), h});
    return {&entries_.back().value, true};
  }
  Value& insert_or_assign(const Key& key, Value value) {
    auto [found, added] = try_emplace(key, value);
    if (!added) *found = std::move(value);
    return *found;
  }
  /// Removes `key` and returns its value (none if it was not there). The last entry moves into its place.
  std::optional<Value> erase(const Key& key) {
    const std::size_t i = locate(key, hash(key));
    if (i == index_type::npos) return std::nullopt;
    const std::uint32_t hole = index_.slot(i).position;
    std::optional<Value> removed{std::move(entries_[hole].value)};
    index_.erase_at(i, [](const slot& s) { return s.hash; });
    const auto last = static_cast<std::uint32_t>(entries_.size() - 1);
    if (hole != last) {
      const std::size_t moved =
          index_.find(hash(entries_[last].key), [&](const slot& s) { return s.position == last; });
      index_.slot(moved).position = hole;
      entries_[hole] = std::move(entries_[last]);
    }
    entries_.pop_back();
    return removed;
  }
  void reserve(std::size_t n) {
    entries_.reserve(n);
    if (index_type::capacity_for(n) > index_.capacity()) rebuild(index_type::capacity_for(n));
  }
  void clear() noexcept {
    entries_.clear();
    index_.clear();
  }
  void prefetch(hash32 h) const noexcept { index_.prefetch(h); }
  /// Fetches the entry a lookup of `h` would compare, reading the index to find it: the second
  /// step of a lookup, worth it once prefetch(h) had time to bring the index in.
  void prefetch_entry(hash32 h) const noexcept {
    const std::size_t i = index_.find(h, [&](const slot& s) { return s.hash == h; });
    if (i != index_type::npos) prefetch_line(&entries_[index_.slot(i).position]);
  }

private:
  struct slot {
    std::uint32_t position = 0;
    hash32 hash = 0; ///< kept so that moving slots on erase and rebuilding never read the entries
  };
  using index_type = probe_table<slot>;

  [[nodiscard]] std::size_t locate(const Key& key, hash32 h) const {
    return index_.find(h, [&](const slot& s) { return s.hash == h && entries_[s.position].key == key; });
  }
  // Allocates first: if that throws, the map is as it was.
  void rebuild(std::size_t capacity) {
    index_type fresh(capacity);
    for (std::size_t i = 0; i < index_.capacity(); ++i)
      if (index_.is_full(i)) fresh.place(index_.slot(i).hash, index_.slot(i));
    index_ = std::move(fresh);
  }

  std::vector<entry> entries_{};
  index_type index_{};
};

} // namespace isv::detail
