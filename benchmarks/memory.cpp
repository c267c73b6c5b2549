// Peak heap bytes per license of the in-memory repository, counted by this program's global operator new and delete, next to a reserved std::unordered_set of as many ids.
#include "common.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <unordered_set>
#include <vector>

// ---- Counting allocator -------------------------------------------------------------------------
// Every allocation carries a header with its size, so that unsized deletes are counted too. Bytes
// are what was asked for (not what malloc rounds up to): the figure is the program's demand.
namespace {

std::atomic<std::int64_t> current_bytes{0};
std::atomic<std::int64_t> peak_bytes{0};

void note(std::int64_t delta) {
  const std::int64_t now = current_bytes.fetch_add(delta, std::memory_order_relaxed) + delta;
  std::int64_t peak = peak_bytes.load(std::memory_order_relaxed);
  while (now > peak && !peak_bytes.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

void* counted_alloc(std::size_t size, std::size_t align) {
  const std::size_t header = align < alignof(std::max_align_t) ? alignof(std::max_align_t) : align;
  void* raw = align <= alignof(std::max_align_t) ? std::malloc(header + size) : std::aligned_alloc(align, header + size);
  if (raw == nullptr) throw std::bad_alloc();
  auto* user = static_cast<unsigned char*>(raw) + header;
  // The size and the header length sit just below the pointer handed out.
  reinterpret_cast<std::size_t*>(user)[-1] = size;
  reinterpret_cast<std::size_t*>(user)[-2] = header;
  note(static_cast<std::int64_t>(size));
  return user;
}

void counted_free(void* p) noexcept {
  if (p == nullptr) return;
  auto* user = static_cast<unsigned char*>(p);
  const std::size_t size = reinterpret_cast<std::size_t*>(user)[-1];
  const std::size_t header = reinterpret_cast<std::size_t*>(user)[-2];
  note(-static_cast<std::int64_t>(size));
  std::free(user - header);
}

} // namespace

void* operator new(std::size_t size) { return counted_alloc(size, alignof(std::max_align_t)); }
void* operator new[](std::size_t size) { return counted_alloc(size, alignof(std::max_align_t)); }
void* operator new(std::size_t size, std::align_val_t align) { return counted_alloc(size, static_cast<std::size_t>(align)); }
void* operator new[](std::size_t size, std::align_val_t align) { return counted_alloc(size, static_cast<std::size_t>(align)); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }

namespace {

/// Bytes above the level at construction: the peak and what is still held. It starts with the
/// library's block cache empty (it is off unless a host turns it on), so that every array a
/// measured container uses is counted as it is asked for, and arrays the cache keeps count as held.
class meter {
public:
  meter() {
    isv::release_cached_blocks();
    base_ = current_bytes.load();
    peak_bytes.store(base_);
  }
  [[nodiscard]] std::int64_t peak() const { return peak_bytes.load() - base_; }
  [[nodiscard]] std::int64_t held() const { return current_bytes.load() - base_; }

private:
  std::int64_t base_ = 0;
};

struct figure {
  std::int64_t peak;
  std::int64_t held;
};

void print(const char* name, const figure& f, std::uint64_t n) {
  std::printf("%-34s peak %11lld B  held %11lld B  peak/item %7.2f B  held/item %7.2f B\n", name,
              static_cast<long long>(f.peak), static_cast<long long>(f.held),
              static_cast<double>(f.peak) / static_cast<double>(n), static_cast<double>(f.held) / static_cast<double>(n));
}

figure baseline(std::uint64_t n, bench::ids kind) {
  std::unique_ptr<std::unordered_set<std::uint64_t>> set;
  const meter m;
  set = std::make_unique<std::unordered_set<std::uint64_t>>();
  set->reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) set->insert(bench::user(i, kind).value());
  bench::check(set->size() == n, "every id was inserted");
  return {m.peak(), m.held()};
}

std::vector<isv::assign_command> batches(std::uint64_t n, bench::ids kind) {
  std::vector<isv::assign_command> out;
  for (std::uint64_t first = 0; first < n; first += 1000)
    out.push_back({.subscription = bench::subscription_id,
                   .users = bench::users(first, std::min<std::uint64_t>(1000, n - first), kind)});
  return out;
}

struct repository_figures {
  figure licenses;      ///< while the licenses are assigned, over the repository with its directory
  std::int64_t freed;   ///< bytes still held once the repository (directory and all) is destroyed
};

/// The repository holding `n` licenses, assigned through the service in batches of 1,000. The
/// directory's users, and the commands, exist before the meter starts; a second meter, started
/// before the repository, tells what is held after it is destroyed.
repository_figures repository(std::uint64_t n, bool reserve, bench::ids kind) {
  const meter whole;
  auto repo = std::make_unique<isv::memory_repository>();
  bench::seed_service(*repo, n, static_cast<isv::count_t>(n), kind);
  auto commands = batches(n, kind);
  isv::basic_admin_center center{*repo};
  const meter m;
  if (reserve) bench::ok(repo->reserve_licenses(bench::tenant_id, bench::subscription_id, static_cast<std::size_t>(n)), "reserve");
  for (const auto& cmd : commands) bench::ok(center.assign(bench::tenant_id, bench::admin_id, cmd, bench::now), "assign");
  {
    auto v = bench::ok(repo->read(bench::tenant_id), "read");
    bench::check(v.find_subscription(bench::subscription_id)->licenses_in_use == static_cast<isv::count_t>(n),
                 "every user holds a license");
  }
  const figure licenses{m.peak(), m.held()};
  repo.reset();
  commands = {};
  return {licenses, whole.held()};
}

/// Diagnostic: the license book alone, fed the same grant events (no service, no log).
figure book_alone(std::uint64_t n, bench::ids kind) {
  std::vector<isv::event> events;
  for (auto& cmd : batches(n, kind))
    events.push_back(isv::event{.tenant = bench::tenant_id,
                                .actor = bench::admin_id,
                                .at = bench::now,
                                .payload = isv::basic_licenses_granted<isv::default_traits>{
                                    .subscription = bench::subscription_id, .new_holders = std::move(cmd.users)}});
  std::unique_ptr<isv::license_book> book;
  const meter m;
  book = std::make_unique<isv::license_book>(bench::subscription_id);
  for (const auto& e : events) isv::apply(*book, e);
  bench::check(book->size() == static_cast<isv::count_t>(n), "the book holds every license");
  return {m.peak(), m.held()};
}

} // namespace

int main(int argc, char** argv) {
  const std::uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  std::printf("Heap bytes (asked of operator new) for %llu items; the directory's users are set up before counting.\n",
              static_cast<unsigned long long>(n));
  for (const bench::ids kind : {bench::ids::sequential, bench::ids::random}) {
    const figure base = baseline(n, kind);
    const repository_figures repo = repository(n, false, kind);
    const repository_figures reserved = repository(n, true, kind);
    const figure book = book_alone(n, kind);
    std::printf("%s ids:\n", bench::name_of(kind));
    print("baseline_unordered_set (reserved)", base, n);
    print("memory_repository", repo.licenses, n);
    print("memory_repository (reserve first)", reserved.licenses, n);
    print("license_book alone (diagnostic)", book, n);
    std::printf("held after the repository is destroyed: %lld B\n", static_cast<long long>(repo.freed));
    // The figures are counts, not times: one repetition says it all.
    std::printf("rep memory_%s %.3f\n", bench::name_of(kind),
                static_cast<double>(repo.licenses.peak) / static_cast<double>(base.peak));
    if (kind == bench::ids::sequential)
      std::printf("rep memory_after_free %.3f\n", static_cast<double>(repo.freed) / (1024.0 * 1024.0));
  }
  // What a host that turns the block cache on holds after the same tenant is freed.
  isv::set_block_cache_limit(std::size_t{64} << 20);
  const repository_figures cached = repository(n, false, bench::ids::sequential);
  std::printf("with the block cache on (64 MiB): peak/license %.2f B; held after the repository is destroyed: %lld B (%.1f MiB)\n",
              static_cast<double>(cached.licenses.peak) / static_cast<double>(n), static_cast<long long>(cached.freed),
              static_cast<double>(cached.freed) / (1024.0 * 1024.0));
  return 0;
}
