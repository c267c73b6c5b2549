// The license book's table (detail::dense_map, as basic_license_book instantiates it) next to boost::unordered_flat_map holding the same ids: erase, and for information insert and find, in thread CPU time.
#include "common.hpp"

#include <isv/detail/hash_table.hpp>
#include <isv/license_book.hpp>

#include <boost/unordered/unordered_flat_map.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

// Usage: isv_bench_tables [--n N] [--reps R] [--only library|boost] [--ids random|sequential]
//   Prints a human-readable line per table and repetition, then one machine line per repetition:
//   `rep erase_vs_boost <library ns per erase / boost ns per erase>`, random ids. `--only` runs one
//   side and `--ids` one kind of ids (for an instruction counter); they print no ratio.
namespace {

// The book's record is private; this has its members, hence its size and alignment: what the
// table moves when an entry moves. The key is the book's own user id.
struct record {
  isv::default_traits::time_point assigned_at{};
  std::uint32_t groups = 0;
  bool direct = false;
};
static_assert(sizeof(record) == 16);

using user_id = isv::license_book::user_id;
using library_table = isv::detail::dense_map<user_id, record>; // the instantiation in basic_license_book
using boost_table = boost::unordered_flat_map<std::uint64_t, record>;

void shuffle(std::vector<std::uint64_t>& v, bench::rng& random) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[random.below(i)]);
}

struct timings {
  double insert_ns = 0; // per id, no reserve: growth included
  double find_ns = 0;   // per id, every id present, in another random order
  double erase_ns = 0;  // per id, every id, in a third random order, until the table is empty
};

// A value the optimiser cannot drop, summed from what each operation returns.
volatile std::uint64_t sink = 0;

double ns_per(bench::thread_clock::time_point start, std::size_t n) {
  return static_cast<double>((bench::thread_clock::now() - start).count()) / static_cast<double>(n);
}

// Each phase is a function of its own, so that an instruction counter can report it alone.
[[gnu::noinline]] void insert_all(library_table& table, const std::vector<std::uint64_t>& ids) {
  for (const auto id : ids) table.try_emplace(user_id{id}, record{{}, static_cast<std::uint32_t>(id), true});
}
[[gnu::noinline]] std::uint64_t find_all(const library_table& table, const std::vector<std::uint64_t>& ids) {
  std::uint64_t sum = 0;
  for (const auto id : ids) sum += table.find(user_id{id})->groups;
  return sum;
}
[[gnu::noinline]] std::uint64_t erase_all(library_table& table, const std::vector<std::uint64_t>& ids) {
  std::uint64_t sum = 0;
  for (const auto id : ids) sum += table.erase(user_id{id})->groups;
  return sum;
}
[[gnu::noinline]] void insert_all(boost_table& table, const std::vector<std::uint64_t>& ids) {
  for (const auto id : ids) table.try_emplace(id, record{{}, static_cast<std::uint32_t>(id), true});
}
[[gnu::noinline]] std::uint64_t find_all(const boost_table& table, const std::vector<std::uint64_t>& ids) {
  std::uint64_t sum = 0;
  for (const auto id : ids) sum += table.find(id)->second.groups;
  return sum;
}
[[gnu::noinline]] std::uint64_t erase_all(boost_table& table, const std::vector<std::uint64_t>& ids) {
  std::uint64_t sum = 0;
  for (const auto id : ids) sum += table.erase(id);
  return sum;
}

template <class Table>
timings run(const std::vector<std::uint64_t>& ids, const std::vector<std::uint64_t>& find_order,
            const std::vector<std::uint64_t>& erase_order) {
  timings t;
  Table table;
  auto start = bench::thread_clock::now();
  insert_all(table, ids);
  t.insert_ns = ns_per(start, ids.size());
  bench::check(table.size() == ids.size(), "every id inserted");
  start = bench::thread_clock::now();
  std::uint64_t sum = find_all(table, find_order);
  t.find_ns = ns_per(start, ids.size());
  start = bench::thread_clock::now();
  sum += erase_all(table, erase_order);
  t.erase_ns = ns_per(start, ids.size());
  bench::check(table.empty(), "every id erased");
  sink = sink + sum;
  return t;
}

struct workload {
  const char* name;
  std::vector<std::uint64_t> ids, find_order, erase_order;
};

workload make_workload(const char* name, std::vector<std::uint64_t> ids, bench::rng& state) {
  workload w{name, std::move(ids), {}, {}};
  w.find_order = w.ids;
  shuffle(w.find_order, state);
  w.erase_order = w.ids;
  shuffle(w.erase_order, state);
  return w;
}

void print(const char* side, const char* workload_name, int rep, const timings& t) {
  std::printf("%-8s %-10s rep %d: insert %7.1f ns  find %7.1f ns  erase %7.1f ns per id\n", side, workload_name, rep,
              t.insert_ns, t.find_ns, t.erase_ns);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

} // namespace

int main(int argc, char** argv) {
  std::size_t n = 1'000'000;
  int reps = 9;
  std::string only;
  std::string ids;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--n") == 0) n = std::strtoull(argv[i + 1], nullptr, 10);
    else if (std::strcmp(argv[i], "--reps") == 0) reps = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--only") == 0) only = argv[i + 1];
    else if (std::strcmp(argv[i], "--ids") == 0) ids = argv[i + 1];
  }
  bench::check(n > 0 && reps > 0, "--n and --reps are positive");

  bench::rng state{0x5EED'1D5'2026ULL}; // fixed: every run measures the same ids and orders
  std::vector<std::uint64_t> random_ids(n);
  for (auto& id : random_ids) id = state.next();
  std::sort(random_ids.begin(), random_ids.end());
  bench::check(std::adjacent_find(random_ids.begin(), random_ids.end()) == random_ids.end(), "distinct random ids");
  shuffle(random_ids, state);
  std::vector<std::uint64_t> sequential_ids(n);
  for (std::size_t i = 0; i < n; ++i) sequential_ids[i] = bench::first_user + i;
  const workload workloads[] = {make_workload("random", std::move(random_ids), state),
                                make_workload("sequential", std::move(sequential_ids), state)};

  std::printf("%zu ids, %d repetitions, each on fresh tables, the side that runs first alternating\n", n, reps);
  std::vector<std::vector<double>> ratios(2);
  for (int rep = 0; rep < reps; ++rep) {
    for (std::size_t w = 0; w < 2; ++w) {
      const workload& load = workloads[w];
      if (!ids.empty() && ids != load.name) continue;
      timings library, boost;
      const auto library_side = [&] {
        if (only.empty() || only == "library") {
          library = run<library_table>(load.ids, load.find_order, load.erase_order);
          print("library", load.name, rep, library);
        }
      };
      const auto boost_side = [&] {
        if (only.empty() || only == "boost") {
          boost = run<boost_table>(load.ids, load.find_order, load.erase_order);
          print("boost", load.name, rep, boost);
        }
      };
      if (rep % 2 == 0) {
        library_side();
        boost_side();
      } else {
        boost_side();
        library_side();
      }
      if (!only.empty() || !ids.empty()) continue;
      ratios[w].push_back(library.erase_ns / boost.erase_ns);
      std::printf("%-8s %-10s rep %d: erase library/boost %.2f  insert %.2f  find %.2f\n", "ratio", load.name, rep,
                  ratios[w].back(), library.insert_ns / boost.insert_ns, library.find_ns / boost.find_ns);
    }
  }
  if (!only.empty() || !ids.empty()) return 0;
  std::printf("median erase library/boost: random %.2f, sequential %.2f (information)\n", median(ratios[0]),
              median(ratios[1]));
  for (const double r : ratios[0]) std::printf("rep erase_vs_boost %.3f\n", r);
  return 0;
}
