// Unit tests of isv/detail/hash_table.hpp, isv/detail/large_array.hpp and isv/detail/group_lists.hpp: the open-addressing tables behind the license book and the directory, checked against the standard containers.
#include <catch2/catch.hpp>

#include "isv/detail/group_lists.hpp"
#include "isv/detail/hash_table.hpp"
#include "isv/detail/large_array.hpp"

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace {

/// A fixed sequence, so that a failure replays.
struct rng {
  explicit rng(std::uint64_t seed) : engine(seed) {}
  std::uint64_t next() { return engine(); }
  std::mt19937_64 engine;
};

/// Every key lands on the same slot: probe chains as long as the table, deleted marks everywhere.
struct one_bucket_hash {
  std::size_t operator()(std::uint64_t) const noexcept { return 42; }
};

template <class Set, class Key>
void check_same_keys(const Set& set, const std::unordered_set<Key>& model) {
  REQUIRE(set.size() == model.size());
  std::size_t visited = 0;
  set.for_each([&](const Key& k) {
    ++visited;
    REQUIRE(model.contains(k));
  });
  REQUIRE(visited == model.size());
}

template <class Map, class Key, class Value>
void check_same_entries(const Map& map, const std::unordered_map<Key, Value>& model) {
  REQUIRE(map.size() == model.size());
  for (const auto& [key, value] : map) {
    const auto it = model.find(key);
    REQUIRE(it != model.end());
    REQUIRE(it->second == value);
  }
  for (const auto& [key, value] : model) {
    const auto* found = map.find(key);
    REQUIRE(found != nullptr);
    REQUIRE(*found == value);
  }
}

// Random inserts and erases over a small key range, so that erasing and re-adding the same keys
// leaves deleted marks that later inserts reuse and rebuilds drop.
template <class Hash>
void churn_set(std::uint64_t seed, std::uint64_t key_range, int steps) {
  isv::detail::flat_set<std::uint64_t, Hash> set;
  std::unordered_set<std::uint64_t> model;
  rng random{seed};
  for (int step = 0; step < steps; ++step) {
    const std::uint64_t key = random.next() % key_range;
    if (random.next() % 3 == 0) REQUIRE(set.erase(key) == (model.erase(key) == 1));
    else REQUIRE(set.insert(key) == model.insert(key).second);
    REQUIRE(set.contains(key) == model.contains(key));
  }
  check_same_keys(set, model);
  for (std::uint64_t key = 0; key < key_range; ++key) REQUIRE(set.contains(key) == model.contains(key));
}

} // namespace

TEST_CASE("flat_set: agrees with std::unordered_set through growth, erasure and reuse") {
  churn_set<std::hash<std::uint64_t>>(1, 3000, 60000);
  churn_set<std::hash<std::uint64_t>>(2, 40, 20000); // a small table that fills with deleted marks
}

TEST_CASE("flat_set: stays exact when every key has the same hash") {
  churn_set<one_bucket_hash>(3, 300, 6000);
}

TEST_CASE("flat_set: keys with their own storage, reserve, clear and equality") {
  isv::detail::flat_set<std::string> a;
  a.reserve(1000);
  for (int i = 0; i < 1000; ++i) CHECK(a.insert("user-" + std::to_string(i)));
  CHECK_FALSE(a.insert("user-7"));
  CHECK(a.size() == 1000);
  isv::detail::flat_set<std::string> b;
  for (int i = 999; i >= 0; --i) b.insert("user-" + std::to_string(i));
  CHECK(a == b); // equal contents, other insertion order
  CHECK(b.erase("user-500"));
  CHECK_FALSE(b.erase("user-500"));
  CHECK_FALSE(a == b);
  b.insert("user-1000");
  CHECK_FALSE(a == b); // same size, different keys
  a.clear();
  CHECK(a.empty());
  CHECK_FALSE(a.contains("user-1"));
  CHECK(a.insert("user-1"));
}

TEST_CASE("flat_set: a set moved from is empty and usable") {
  isv::detail::flat_set<std::uint64_t> a;
  for (std::uint64_t i = 0; i < 100; ++i) a.insert(i);
  isv::detail::flat_set<std::uint64_t> b = std::move(a);
  CHECK(b.size() == 100);
  CHECK(b.contains(99));
  CHECK(a.size() == 0); // NOLINT(bugprone-use-after-move): the moved-from state is what is tested
  CHECK_FALSE(a.contains(99));
  CHECK(a.insert(5));
  CHECK(a.contains(5));
  const isv::detail::flat_set<std::uint64_t> c = b; // copies are independent
  b.erase(1);
  CHECK(c.contains(1));
}

TEST_CASE("dense_map: agrees with std::unordered_map through growth, erasure that moves entries, and reuse") {
  for (const std::uint64_t range : {std::uint64_t{50}, std::uint64_t{5000}}) {
    isv::detail::dense_map<std::uint64_t, std::uint64_t> map;
    std::unordered_map<std::uint64_t, std::uint64_t> model;
    rng random{range};
    for (int step = 0; step < 50000; ++step) {
      const std::uint64_t key = random.next() % range;
      const std::uint64_t value = random.next();
      switch (random.next() % 4) {
        case 0: {
          const auto it = model.find(key);
          const auto removed = map.erase(key);
          REQUIRE(removed.has_value() == (it != model.end()));
          if (it != model.end()) {
            REQUIRE(*removed == it->second);
            model.erase(it);
          }
          break;
        }
        case 1:
          map.insert_or_assign(key, value);
          model[key] = value;
          break;
        default: {
          auto [found, added] = map.try_emplace(key, value);
          const auto [it, model_added] = model.try_emplace(key, value);
          REQUIRE(added == model_added);
          REQUIRE(*found == it->second);
        }
      }
    }
    check_same_entries(map, model);
  }
}

TEST_CASE("dense_map: stays exact when every key has the same hash") {
  isv::detail::dense_map<std::uint64_t, int, one_bucket_hash> map;
  std::unordered_map<std::uint64_t, int> model;
  rng random{9};
  for (int step = 0; step < 5000; ++step) {
    const std::uint64_t key = random.next() % 200;
    if (random.next() % 2 == 0) REQUIRE(map.erase(key).has_value() == (model.erase(key) == 1));
    else REQUIRE(map.try_emplace(key, step).second == model.try_emplace(key, step).second);
  }
  check_same_entries(map, model);
}

TEST_CASE("dense_map: entries are dense, values change in place, reserve and clear") {
  isv::detail::dense_map<std::string, std::vector<int>> map;
  map.reserve(10);
  map.try_emplace("a", {1});
  map.try_emplace("b", {2});
  map.try_emplace("c", {3});
  map.find("b")->push_back(20);
  CHECK(map.erase("a") == std::vector<int>{1}); // "c" moves into the first place
  CHECK(map.entries().size() == 2);
  CHECK(map.entries()[0].key == "c");
  CHECK(*map.find("b") == std::vector<int>{2, 20});
  CHECK(*map.find("c") == std::vector<int>{3});
  CHECK(map.find("a") == nullptr);
  map.clear();
  CHECK(map.empty());
  CHECK_FALSE(map.contains("b"));
  map.try_emplace("b", {5});
  CHECK(*map.find("b") == std::vector<int>{5});
}

TEST_CASE("flat_set and dense_map: keys that share their low bits pile up displaced, and erasing from their runs keeps every key reachable") {
  // Multiples of 64 all want the first slot of their group: long runs of displaced slots, which
  // an erase must move back, next to runs of consecutive keys, which stay where they are.
  isv::detail::flat_set<std::uint64_t> set;
  isv::detail::dense_map<std::uint64_t, std::uint64_t> map;
  std::unordered_set<std::uint64_t> model;
  std::vector<std::uint64_t> keys;
  for (std::uint64_t k = 0; k < 3000; ++k) keys.push_back(k * 64);
  for (std::uint64_t k = 0; k < 3000; ++k) keys.push_back(1'000'000 + k);
  for (const auto key : keys) {
    REQUIRE(set.insert(key));
    REQUIRE(map.try_emplace(key, key + 1).second);
    model.insert(key);
  }
  rng random{11};
  for (int step = 0; step < 4000; ++step) {
    const std::uint64_t key = keys[random.next() % keys.size()];
    const bool held = model.erase(key) == 1;
    REQUIRE(set.erase(key) == held);
    REQUIRE(map.erase(key).has_value() == held);
  }
  check_same_keys(set, model);
  for (const auto key : keys) {
    REQUIRE(set.contains(key) == model.contains(key));
    const auto* value = map.find(key);
    REQUIRE((value != nullptr) == model.contains(key));
    if (value != nullptr) REQUIRE(*value == key + 1);
  }
}

namespace {

/// The hash's group bits (above the low 6) that Fibonacci hashing sends to the last group of any
/// table of up to 2^22 slots: their product with the multiplier starts with 16 one bits.
std::uint64_t last_group_bits() {
  for (std::uint64_t m = 0; m < (std::uint64_t{1} << 26); ++m)
    if ((m * 0x9E3779B97F4A7C15ULL) >> 48 == 0xFFFF) return m;
  return 0;
}

/// Half the keys (the even ones) have their home in the last group of the table, so that their
/// runs pass the table's end and go on from its first slot; the others spread as usual.
struct end_of_table_hash {
  std::size_t operator()(std::uint64_t key) const noexcept {
    static const std::uint64_t last = last_group_bits();
    if (key % 2 == 0) return static_cast<std::size_t>((last << 6) | ((key >> 1) & 63));
    return std::hash<std::uint64_t>{}(key * 0x9E3779B97F4A7C15ULL) & 0xFFFFFFFFULL;
  }
};

/// Random inserts and erases of random 64-bit ids, checked against std::unordered_map after each
/// step for the key it touched, and in full every `full_check_every` steps.
template <class Hash>
void churn_random_ids(std::uint64_t seed, std::size_t live_target, int steps, int full_check_every) {
  isv::detail::dense_map<std::uint64_t, std::uint64_t, Hash> map;
  std::unordered_map<std::uint64_t, std::uint64_t> model;
  std::vector<std::uint64_t> held; // the model's keys, to erase one picked at random
  rng random{seed};
  for (int step = 0; step < steps; ++step) {
    const bool erase = !held.empty() && random.next() % (2 * live_target) < held.size();
    if (erase) {
      const std::size_t at = random.next() % held.size();
      const std::uint64_t key = held[at];
      held[at] = held.back();
      held.pop_back();
      const auto removed = map.erase(key);
      REQUIRE(removed.has_value());
      REQUIRE(*removed == model.at(key));
      model.erase(key);
      REQUIRE(map.find(key) == nullptr);
      REQUIRE_FALSE(map.erase(key).has_value());
    } else {
      const std::uint64_t key = random.next();
      const std::uint64_t value = random.next();
      const auto [found, added] = map.try_emplace(key, value);
      REQUIRE(added == model.try_emplace(key, value).second);
      if (added) held.push_back(key);
      REQUIRE(*found == model.at(key));
    }
    REQUIRE(map.size() == model.size());
    if (step % full_check_every == 0) check_same_entries(map, model);
  }
  check_same_entries(map, model);
  // Erasing everything left, in random order, empties the map and leaves it usable.
  while (!held.empty()) {
    const std::size_t at = random.next() % held.size();
    REQUIRE(map.erase(held[at]) == model.at(held[at]));
    held[at] = held.back();
    held.pop_back();
  }
  CHECK(map.empty());
  CHECK(map.begin() == map.end());
  CHECK(map.try_emplace(7, 8).second);
  CHECK(*map.find(7) == 8);
}

} // namespace

TEST_CASE("dense_map: erasing random 64-bit ids agrees with std::unordered_map, the last entry moving into each hole") {
  churn_random_ids<std::hash<std::uint64_t>>(21, 2000, 40000, 997);
  churn_random_ids<std::hash<std::uint64_t>>(22, 20000, 120000, 20011); // grows to a few groups' worth of runs
}

TEST_CASE("dense_map: erasing in the middle of long runs and of runs that pass the table's end keeps every key reachable") {
  REQUIRE(last_group_bits() != 0);
  churn_random_ids<end_of_table_hash>(23, 300, 20000, 101);
  // Keys crowding the last group: each erase opens a hole inside a run that wraps to slot 0.
  isv::detail::dense_map<std::uint64_t, std::uint64_t, end_of_table_hash> map;
  std::unordered_map<std::uint64_t, std::uint64_t> model;
  for (std::uint64_t key = 0; key < 400; key += 2) {
    REQUIRE(map.try_emplace(key, key * 3).second);
    model.emplace(key, key * 3);
  }
  rng random{24};
  for (int step = 0; step < 2000; ++step) {
    const std::uint64_t key = 2 * (random.next() % 200);
    const auto it = model.find(key);
    if (it == model.end()) {
      REQUIRE(map.try_emplace(key, key * 3).second);
      model.emplace(key, key * 3);
    } else {
      REQUIRE(map.erase(key) == it->second);
      model.erase(it);
    }
    check_same_entries(map, model);
  }
}

TEST_CASE("flat_set and dense_map: a copy holds the same entries and changes on its own") {
  isv::detail::flat_set<std::string> set;
  isv::detail::dense_map<std::string, int> map;
  for (int i = 0; i < 500; ++i) {
    set.insert("user-" + std::to_string(i));
    map.try_emplace("user-" + std::to_string(i), i);
  }
  for (int i = 0; i < 500; i += 3) {
    set.erase("user-" + std::to_string(i));
    map.erase("user-" + std::to_string(i));
  }
  auto set_copy = set;
  auto map_copy = map;
  CHECK(set_copy == set);
  REQUIRE(map_copy.size() == map.size());
  for (const auto& [key, value] : map) REQUIRE(*map_copy.find(key) == value);
  set_copy.insert("someone else");
  map_copy.erase("user-1");
  CHECK_FALSE(set.contains("someone else"));
  CHECK(*map.find("user-1") == 1);
  CHECK(set_copy.size() == set.size() + 1);
  CHECK(map_copy.size() + 1 == map.size());
}

TEST_CASE("segmented_array: grows without moving what it holds, and copies, moves and clears like a vector") {
  isv::detail::segmented_array<std::uint64_t> numbers;
  CHECK(numbers.empty());
  numbers.push_back(7);
  const std::uint64_t* first = &numbers[0];
  for (std::uint64_t i = 1; i < 100'000; ++i) numbers.push_back(7 + i);
  CHECK(&numbers[0] == first); // growth moved nothing
  REQUIRE(numbers.size() == 100'000);
  for (std::uint64_t i = 0; i < numbers.size(); ++i) REQUIRE(numbers[i] == 7 + i);
  std::uint64_t walked = 0;
  for (const auto n : numbers) REQUIRE(n == 7 + walked++);
  CHECK(walked == numbers.size());
  numbers.pop_back();
  CHECK(numbers.back() == 7 + 99'998);

  isv::detail::segmented_array<std::string> names;
  names.reserve(40);
  for (int i = 0; i < 40; ++i) names.push_back("name " + std::to_string(i));
  auto copy = names;
  copy[3] = "changed";
  CHECK(names[3] == "name 3");
  CHECK(copy.size() == 40);
  auto moved = std::move(copy);
  CHECK(copy.empty()); // NOLINT(bugprone-use-after-move): a moved-from array is empty
  CHECK(moved[3] == "changed");
  CHECK(moved[39] == "name 39");
  moved.clear();
  CHECK(moved.empty());
  moved.push_back("again");
  CHECK(moved[0] == "again");
}

TEST_CASE("large_array: small arrays as usual, large ones on 2 MiB boundaries, elements default-initialised") {
  isv::detail::large_array<std::string> small(10);
  CHECK(small.size() == 10);
  CHECK(small[9].empty());
  const std::size_t large_count = isv::detail::large_array_min_bytes / sizeof(std::uint64_t) + 1;
  isv::detail::large_array<std::uint64_t> large(large_count);
  CHECK(large.size() == large_count);
  CHECK(reinterpret_cast<std::uintptr_t>(large.data()) % isv::detail::huge_page_bytes == 0);
  large[large_count - 1] = 42;
  CHECK(large[large_count - 1] == 42);
  auto moved = std::move(large);
  CHECK(large.size() == 0); // NOLINT(bugprone-use-after-move)
  CHECK(moved[large_count - 1] == 42);
  isv::detail::large_array<std::string> big_strings(isv::detail::large_array_min_bytes / sizeof(std::string) + 1);
  CHECK(big_strings[big_strings.size() - 1].empty());
}

TEST_CASE("group_lists: one stored list per distinct set of groups, freed with its last use") {
  isv::detail::group_lists<int> lists;
  using handle = isv::detail::group_lists<int>::handle;
  const handle sales = lists.with(lists.none, 7);
  lists.retain(sales, 2);
  CHECK(lists[sales] == std::vector<int>{7});
  CHECK(lists.with(lists.none, 7) == sales); // found, not stored twice
  CHECK(lists.with(sales, 7) == sales);      // already on the list
  const handle both = lists.with(sales, 3);
  lists.retain(both);
  CHECK(lists[both] == std::vector<int>{3, 7}); // sorted
  CHECK(lists.without(both, 3) == sales);
  CHECK(lists.without(sales, 9) == sales);
  CHECK(lists.without(sales, 7) == lists.none);
  CHECK(lists.size() == 2);
  lists.release(both);
  CHECK(lists.size() == 1);
  lists.release(sales);
  CHECK(lists.size() == 1); // one use left
  lists.release(sales);
  CHECK(lists.size() == 0);
  const handle again = lists.with(lists.none, 1); // a freed handle is used again
  lists.retain(again);
  CHECK(lists[again] == std::vector<int>{1});
  CHECK(lists.size() == 1);
  lists.clear();
  CHECK(lists.size() == 0);
  CHECK(lists[lists.none].empty());
}
