// Internal: open-addressing hash tables, flat_set (keys in the slots) and dense_map (entries in a dense array behind an index), for containers of a million entries.
#pragma once

#include "isv/detail/large_array.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

// Why not std::unordered_set/map: they allocate one node per entry, and a lookup follows a bucket,
// the node before and the node itself. At a million licenses those are three cache and TLB misses
// per lookup and 50 to 60 bytes per entry, which made an assignment cost more in a large tenant
// than in a small one. Here a lookup reads one control byte per probed slot (a byte array that
// stays in cache far longer than the slots) and touches a slot only when 6 bits of a hash match.

// For the one lookup that every access to a segmented_array makes: GCC does not always inline it.
#if defined(__GNUC__) || defined(__clang__)
#define ISV_DETAIL_ALWAYS_INLINE [[nodiscard]] __attribute__((always_inline)) inline
#else
#define ISV_DETAIL_ALWAYS_INLINE [[nodiscard]] inline
#endif

namespace isv::detail {

/// The 32 bits of a key's std::hash that the tables place and tag it by (the high half folded
/// in, so that 64-bit ids differing only there do not collide).
using hash32 = std::uint32_t;

/// Asks the processor to start loading the cache line at `p` (a hint; nothing else happens).
/// A compiler with neither way to prefetch gets no hint, hence [[maybe_unused]].
inline void prefetch_line([[maybe_unused]] const void* p) noexcept {
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
  // An asm statement rather than __builtin_prefetch: GCC deems a function that only prefetches
  // free of effects and drops calls to it, prefetches and all.
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#elif defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p);
#endif
}

template <class Key, class Hash>
[[nodiscard]] hash32 hash_key(const Key& key) {
  const auto h = static_cast<std::uint64_t>(Hash{}(key));
  return static_cast<hash32>(h ^ (h >> 32));
}

/// The probing core of both tables: a power-of-two number of slots, each with a control byte
/// that is empty or "full" with a 6-bit tag, the control bytes in one array and the slots in
/// another. Linear probing, at most half full. A lookup reads control bytes until it meets its
/// tag or an empty one, and touches a slot only on a tag match: the control array (one byte per
/// slot, 2 MiB for a million entries) stays in the processor's caches far longer than the slots,
/// so that a lookup of an absent key, the common case when licenses are assigned, rarely waits
/// for memory. Erasing moves the later slots of the run back into the hole where their probe
/// allows (no deleted marks: those would pile up under churn, lengthen every probe and force
/// rebuilds).
///
/// Where a key goes: ids are often consecutive (database keys), and std::unordered_set profits
/// from that, its identity hash filling consecutive buckets in order. So do these tables: a key's
/// low 6 hash bits pick its slot within a group of 64, and the other bits pick the group by
/// Fibonacci hashing, which spreads runs, strides and arbitrary hashes evenly over the groups. A
/// run of consecutive ids is then read and written in order, a group at a time; random ids probe
/// as in any linear-probing table. Groups are kept small because a dense run fills its group: a
/// probe for an absent key, or an erase, walks to the end of the run. Keys that share their low
/// bits (a stride of 64) crowd the start of each group and probe a few dozen control bytes, in
/// order. The tag mixes all bits, so that neighbours do not share one.
template <class Slot>
class probe_table {
public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  static constexpr std::size_t group_size = 64;

  probe_table() = default;
  // Slots are left uninitialised until filled (a new table of a million slots writes only its
  // control bytes), so a copy copies the full ones.
  probe_table(const probe_table& o)
      : control_(o.control_.size()), slots_(o.control_.size()), mask_(o.mask_), shift_(o.shift_), size_(o.size_) {
    if (control_.size() != 0) std::memcpy(control_.data(), o.control_.data(), control_.size());
    for (std::size_t i = 0; i < control_.size(); ++i)
      if (control_[i] != empty) slots_[i] = o.slots_[i];
  }
  probe_table& operator=(const probe_table& o) {
    if (this != &o) *this = probe_table(o);
    return *this;
  }
  // A table moved from is empty, not a shell whose counts outlive its arrays.
  probe_table(probe_table&& o) noexcept
      : control_(std::move(o.control_)), slots_(std::move(o.slots_)), mask_(std::exchange(o.mask_, 0)),
        shift_(std::exchange(o.shift_, 64)), size_(std::exchange(o.size_, 0)) {}
  probe_table& operator=(probe_table&& o) noexcept {
    if (this != &o) {
      control_ = std::move(o.control_);
      slots_ = std::move(o.slots_);
      mask_ = std::exchange(o.mask_, 0);
      shift_ = std::exchange(o.shift_, 64);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  ~probe_table() = default;

  /// An empty table of `capacity` slots (a power of two, at least two groups).
  explicit probe_table(std::size_t capacity)
      : control_(capacity), slots_(capacity), mask_(capacity - 1),
        shift_(64U - static_cast<unsigned>(std::countr_zero(capacity / group_size))) {
    std::memset(control_.data(), empty, capacity);
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return control_.size(); }

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
    return probe(h, same).first;
  }
  /// Where an entry of hash `h` for which `same(slot)` holds is, or, if none is, the free slot
  /// it would be put in (second: false). The caller made room (needs_room) beforehand.
  template <class Same>
  [[nodiscard]] std::pair<std::size_t, bool> find_or_free(hash32 h, Same&& same) const {
    const auto [found, free] = probe(h, same);
    return found != npos ? std::pair{found, true} : std::pair{free, false};
  }
  /// Fills the free slot `i` that find_or_free returned for hash `h`.
  void fill(std::size_t i, hash32 h, Slot value) {
    control_[i] = static_cast<std::uint8_t>(tag(h) | (i == home(h) ? 0 : displaced));
    slots_[i] = std::move(value);
    ++size_;
  }
  /// Puts a slot for an entry known to be absent, in the first free place of its probe sequence.
  /// The caller made room (needs_room) beforehand.
  std::size_t place(hash32 h, Slot value) {
    std::size_t i = home(h);
    while (control_[i] != empty) i = (i + 1) & mask_;
    fill(i, h, std::move(value));
    return i;
  }
  /// Empties slot `i`, then moves back each later slot of its run whose probe passes the hole, so
  /// that every probe still reaches its entry. `hash_of(slot)` gives a slot's hash. A slot in its
  /// home place never moves, and its control byte says so: the walk to the end of a run (a whole
  /// group, for consecutive ids) reads the hash only of the few slots that were displaced.
  template <class HashOf>
  void erase_at(std::size_t i, HashOf&& hash_of) {
    --size_;
    for (std::size_t j = next_empty_or_displaced((i + 1) & mask_);; j = next_empty_or_displaced((j + 1) & mask_)) {
      const std::uint8_t c = control_[j];
      if (c == empty) break;
      const std::size_t k = home(hash_of(slots_[j]));
      const bool reachable_without_hole = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (reachable_without_hole) continue;
      control_[i] = static_cast<std::uint8_t>((c & ~displaced) | (i == k ? 0 : displaced));
      slots_[i] = std::move(slots_[j]);
      i = j;
    }
    control_[i] = empty;
    slots_[i] = Slot{};
  }
  void clear() noexcept {
    for (std::size_t i = 0; i < control_.size(); ++i)
      if (control_[i] != empty) slots_[i] = Slot{};
    if (control_.size() != 0) std::memset(control_.data(), empty, control_.size());
    size_ = 0;
  }

  [[nodiscard]] bool is_full(std::size_t i) const noexcept { return control_[i] != empty; }
  [[nodiscard]] Slot& slot(std::size_t i) noexcept { return slots_[i]; }
  [[nodiscard]] const Slot& slot(std::size_t i) const noexcept { return slots_[i]; }

  /// The slot where a lookup of `h` starts, if it is full (where its entry most likely is).
  [[nodiscard]] std::size_t full_home(hash32 h) const noexcept {
    if (control_.size() == 0) return npos;
    const std::size_t i = home(h);
    return control_[i] == empty ? npos : i;
  }

  /// Fetches the control bytes and the slot where a lookup of `h` starts. A batch that calls this
  /// a few keys ahead has several cache misses under way at once instead of one after another.
  void prefetch(hash32 h) const noexcept {
    if (control_.size() == 0) return;
    const std::size_t i = home(h);
    prefetch_line(&control_[i]);
    prefetch_line(&slots_[i]);
  }

private:
  static constexpr unsigned group_bits = 6;
  static_assert(std::size_t{1} << group_bits == group_size);
  // A control byte: 0 when empty, else the full bit, the displaced bit (the slot is not its
  // entry's home) and a 6-bit tag of the hash.
  static constexpr std::uint8_t empty = 0;
  static constexpr std::uint8_t full = 0x80;
  static constexpr std::uint8_t displaced = 0x40;

  // The first slot from `j` on that is empty or displaced, eight control bytes at a time. A table
  // always has an empty slot, so this ends.
  [[nodiscard]] std::size_t next_empty_or_displaced(std::size_t j) const noexcept {
    constexpr std::uint64_t bytes = 0x0101010101010101ULL;
    constexpr std::uint64_t high_bits = bytes * (full | displaced);
    constexpr std::uint64_t at_home = bytes * full; // full, not displaced
    for (;;) {
      if constexpr (std::endian::native == std::endian::little) {
        if (j + 8 <= control_.size()) {
          std::uint64_t word = 0;
          std::memcpy(&word, &control_[j], sizeof word);
          const std::uint64_t other = (word & high_bits) ^ at_home; // nonzero bytes: empty or displaced
          if (other != 0) return j + static_cast<std::size_t>(std::countr_zero(other) / 8);
          j = (j + 8) & mask_;
          continue;
        }
      }
      if ((control_[j] & (full | displaced)) != full) return j;
      j = (j + 1) & mask_;
    }
  }

  // One walk serves lookups and inserts: the match, or npos and the first empty slot met.
  template <class Same>
  [[nodiscard]] std::pair<std::size_t, std::size_t> probe(hash32 h, Same& same) const {
    const std::uint8_t want = tag(h);
    for (std::size_t i = home(h);; i = (i + 1) & mask_) {
      const std::uint8_t c = control_[i];
      if (c == empty) return {npos, i};
      if ((c & ~displaced) == want && same(slots_[i])) return {i, npos};
    }
  }
  [[nodiscard]] std::size_t home(hash32 h) const noexcept {
    const std::uint64_t g = (std::uint64_t{h >> group_bits} * 0x9E3779B97F4A7C15ULL) >> shift_;
    return static_cast<std::size_t>((g << group_bits) | (h & (group_size - 1)));
  }
  static std::uint8_t tag(hash32 h) noexcept {
    return static_cast<std::uint8_t>(full | ((std::uint64_t{h} * 0xC4CEB9FE1A85EC53ULL) >> 58));
  }

  large_array<std::uint8_t> control_{};
  large_array<Slot> slots_{}; ///< as many as control bytes; a slot holds a value once filled
  std::size_t mask_ = 0;
  unsigned shift_ = 64;
  std::size_t size_ = 0;
};

/// Puts slots known to be absent into a table (a rebuild), fetching each one's home a few slots
/// before placing it: with random ids every placement in a table of a million is a cache miss,
/// and this keeps several under way at once instead of paying them one after another. The order
/// of placement does not matter: each slot goes to the first free place of its probe sequence.
template <class Slot>
class prefetched_placer {
public:
  explicit prefetched_placer(probe_table<Slot>& table) noexcept : table_(&table) {}
  void add(hash32 h, Slot value) {
    table_->prefetch(h);
    auto& waiting = pending_[count_ % ahead];
    if (count_ >= ahead) table_->place(waiting.first, std::move(waiting.second));
    waiting = {h, std::move(value)};
    ++count_;
  }
  /// Places the slots still waiting.
  void finish() {
    for (std::size_t k = count_ > ahead ? count_ - ahead : 0; k < count_; ++k) {
      auto& waiting = pending_[k % ahead];
      table_->place(waiting.first, std::move(waiting.second));
    }
    count_ = 0;
  }

private:
  static constexpr std::size_t ahead = 8;
  probe_table<Slot>* table_;
  std::array<std::pair<hash32, Slot>, ahead> pending_{};
  std::size_t count_ = 0;
};

/// Starts loading what lookups of the first few of `keys` will read, so that those misses overlap
/// with other work (a larger batch prefetches as it goes, in for_each_prefetched).
template <class Table, class Keys>
void prefetch_first(const Table& table, const Keys& keys) noexcept {
  constexpr std::size_t few = 8;
  for (std::size_t i = 0; i < keys.size() && i < few; ++i) table.prefetch(table.hash(keys[i]));
}

/// Calls f(key, hash) for each key of a batch, the hash computed once, after `table.prefetch(hash)`
/// was called a few keys earlier: at a million entries each lookup is a cache miss, and this keeps
/// several under way at once instead of paying them one after another.
template <class Table, class Keys, class F>
void for_each_prefetched(const Table& table, const Keys& keys, F&& f) {
  constexpr std::size_t ahead = 8;
  const std::size_t n = keys.size();
  if (n == 1) { // nothing to overlap with: the caller may have prefetched it earlier
    f(keys[0], table.hash(keys[0]));
    return;
  }
  std::array<hash32, 2 * ahead> hashes{};
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
    if (table_.needs_room(1)) {
      if (locate(key, h) != table_type::npos) return false;
      rebuild(table_.capacity_after_growth(1));
    }
    const auto [i, found] = table_.find_or_free(h, [&](const Key& held) { return held == key; });
    if (found) return false;
    table_.fill(i, h, key);
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
    prefetched_placer placer{fresh};
    for (std::size_t i = 0; i < table_.capacity(); ++i) {
      if (!table_.is_full(i)) continue;
      const hash32 h = hash(table_.slot(i)); // before the key moves
      placer.add(h, std::move(table_.slot(i)));
    }
    placer.finish();
    table_ = std::move(fresh);
  }

  table_type table_{};
};

/// A sequence that grows without moving what it holds: storage comes in segments of 16, 32, 64,
/// ... elements, each twice the last, so a map grown to a million entries never copied one and
/// never held old and new storage at once (a std::vector grown that far has written twice its
/// final size to fresh memory, and each fresh page costs a page fault). An element is found with
/// one bit scan. Pointers to elements stay valid while they are held.
template <class T>
class segmented_array {
public:
  segmented_array() = default;
  segmented_array(const segmented_array& o) {
    reserve(o.size_);
    for (std::size_t i = 0; i < o.size_; ++i) push_back(o[i]);
  }
  segmented_array& operator=(const segmented_array& o) {
    if (this != &o) *this = segmented_array(o);
    return *this;
  }
  segmented_array(segmented_array&& o) noexcept
      : segments_(std::exchange(o.segments_, {})), size_(std::exchange(o.size_, 0)), capacity_(std::exchange(o.capacity_, 0)) {}
  segmented_array& operator=(segmented_array&& o) noexcept {
    if (this != &o) {
      release();
      segments_ = std::exchange(o.segments_, {});
      size_ = std::exchange(o.size_, 0);
      capacity_ = std::exchange(o.capacity_, 0);
    }
    return *this;
  }
  ~segmented_array() { release(); }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] T& operator[](std::size_t i) noexcept { return *at(i); }
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return *at(i); }
  [[nodiscard]] T& back() noexcept { return *at(size_ - 1); }

  T& push_back(T value) {
    if (size_ == capacity_) grow();
    T* placed = std::construct_at(at(size_), std::move(value));
    ++size_;
    return *placed;
  }
  void pop_back() noexcept {
    std::destroy_at(at(size_ - 1));
    --size_;
  }
  void clear() noexcept {
    while (size_ > 0) pop_back();
  }
  void reserve(std::size_t n) {
    while (capacity_ < n) grow();
  }

  class const_iterator {
  public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;
    const_iterator() = default;
    const_iterator(const segmented_array* a, std::size_t i) : a_(a), i_(i) {}
    reference operator*() const noexcept { return (*a_)[i_]; }
    pointer operator->() const noexcept { return &(*a_)[i_]; }
    const_iterator& operator++() noexcept {
      ++i_;
      return *this;
    }
    const_iterator operator++(int) noexcept {
      auto was = *this;
      ++i_;
      return was;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) noexcept { return a.i_ == b.i_; }

  private:
    const segmented_array* a_ = nullptr;
    std::size_t i_ = 0;
  };
  [[nodiscard]] const_iterator begin() const noexcept { return {this, 0}; }
  [[nodiscard]] const_iterator end() const noexcept { return {this, size_}; }

  /// Calls f(i, element) for every element in order, a segment at a time.
  template <class F>
  void for_each_indexed(F&& f) const {
    std::size_t i = 0;
    for (std::size_t s = 0; s < segments_.size() && i < size_; ++s) {
      const T* segment = segments_[s];
      const std::size_t n = std::min(size_ - i, std::size_t{1} << (s + first_bits));
      for (std::size_t k = 0; k < n; ++k, ++i) f(i, segment[k]);
    }
  }

private:
  static constexpr unsigned first_bits = 4; // the first segment holds 16
  // Element i sits in segment s = bit_width(i + 16) - 5, which starts at element 2^(s+4) - 16.
  ISV_DETAIL_ALWAYS_INLINE T* at(std::size_t i) const noexcept {
    const std::size_t j = i + (std::size_t{1} << first_bits);
    const auto s = static_cast<std::size_t>(std::bit_width(j)) - (first_bits + 1);
    return segments_[s] + (j - (std::size_t{1} << (s + first_bits)));
  }
  void grow() {
    const std::size_t n = std::size_t{1} << (segments_.size() + first_bits);
    segments_.reserve(segments_.size() + 1); // so that the push below cannot throw after allocating
    segments_.push_back(allocate_array<T>(n));
    capacity_ += n;
  }
  void release() noexcept {
    clear();
    for (std::size_t s = 0; s < segments_.size(); ++s)
      deallocate_array(segments_[s], std::size_t{1} << (s + first_bits));
    segments_.clear();
    capacity_ = 0;
  }

  std::vector<T*> segments_{};
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

/// A map whose entries sit in one dense array (a segmented_array: growing it copies nothing), in
/// no particular order, behind an index of positions: an entry costs its own size plus 10 to 20
/// bytes of index, iteration is a walk over the array, and erasing moves the last
/// entry into the hole. Pointers to entries stay valid until the map next changes.
template <class Key, class Value, class Hash = std::hash<Key>>
class dense_map {
public:
  struct entry {
    Key key;
    Value value;
  };

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  [[nodiscard]] const segmented_array<entry>& entries() const noexcept { return entries_; }
  [[nodiscard]] auto begin() const noexcept { return entries_.begin(); }
  [[nodiscard]] auto end() const noexcept { return entries_.end(); }
  [[nodiscard]] hash32 hash(const Key& key) const { return hash_key<Key, Hash>(key); }

  [[nodiscard]] const Value* find(const Key& key) const { return find(key, hash(key)); }
  [[nodiscard]] const Value* find(const Key& key, hash32 h) const {
    const std::size_t i = locate(key, h);
    return i == index_type::npos ? nullptr : &entries_[index_.slot(i)].value;
  }
  [[nodiscard]] Value* find(const Key& key) { return find(key, hash(key)); }
  [[nodiscard]] Value* find(const Key& key, hash32 h) {
    const std::size_t i = locate(key, h);
    return i == index_type::npos ? nullptr : &entries_[index_.slot(i)].value;
  }
  [[nodiscard]] bool contains(const Key& key) const { return find(key) != nullptr; }

  /// The value of `key`, added as `value` if absent; the flag says whether it was added.
  std::pair<Value*, bool> try_emplace(const Key& key, Value value) { return try_emplace(key, hash(key), std::move(value)); }
  ISV_DETAIL_ALWAYS_INLINE std::pair<Value*, bool> try_emplace(const Key& key, hash32 h, Value value) {
    if (index_.needs_room(1)) {
      if (const std::size_t i = locate(key, h); i != index_type::npos) return {&entries_[index_.slot(i)].value, false};
      rebuild(index_.capacity_after_growth(1));
    }
    // One walk finds the key or the free slot it goes in.
    const auto [i, found] = index_.find_or_free(h, [&](slot s) { return entries_[s].key == key; });
    if (found) return {&entries_[index_.slot(i)].value, false};
    if (entries_.size() >= std::numeric_limits<std::uint32_t>::max()) throw std::length_error("isv: dense_map too large");
    entry& added = entries_.push_back(entry{key, std::move(value)}); // if this throws, the index is as it was
    index_.fill(i, h, static_cast<slot>(entries_.size() - 1));
    return {&added.value, true};
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
    const slot hole = index_.slot(i);
    entry& gone = entries_[hole];
    std::optional<Value> removed{std::move(gone.value)};
    index_.erase_at(i, [&](slot s) { return hash(entries_[s].key); });
    const auto last = static_cast<slot>(entries_.size() - 1);
    if (hole != last) {
      entry& tail = entries_.back();
      const std::size_t moved = index_.find(hash(tail.key), [&](slot s) { return s == last; });
      index_.slot(moved) = hole;
      gone = std::move(tail);
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
  /// Fetches the entry that the home slot of `h` points to (where a key most likely is), reading
  /// the index to find it: the second step of a lookup, worth it once prefetch(h) had time to
  /// bring the index in.
  void prefetch_entry(hash32 h) const noexcept {
    if (const std::size_t i = index_.full_home(h); i != index_type::npos) prefetch_line(&entries_[index_.slot(i)]);
  }

private:
  // An index slot is the position of its entry. The hash is not kept: a lookup compares keys only
  // on a tag match, a rebuild walks the entries in order, and an erase hashes only the few
  // displaced slots it may move; half the bytes of a (position, hash) pair are fewer pages to fault.
  using slot = std::uint32_t;
  using index_type = probe_table<slot>;

  [[nodiscard]] std::size_t locate(const Key& key, hash32 h) const {
    return index_.find(h, [&](slot s) { return entries_[s].key == key; });
  }
  // Allocates first: if that throws, the map is as it was.
  void rebuild(std::size_t capacity) {
    index_type fresh(capacity);
    prefetched_placer placer{fresh};
    entries_.for_each_indexed([&](std::size_t i, const entry& e) { placer.add(hash(e.key), static_cast<slot>(i)); });
    placer.finish();
    index_ = std::move(fresh);
  }

  segmented_array<entry> entries_{};
  index_type index_{};
};

} // namespace isv::detail
