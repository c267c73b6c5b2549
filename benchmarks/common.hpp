// Shared set-up of the benchmark programs: a tenant with one seat-based app, a billing profile and a directory, built through the library's own operations.
#pragma once

#include <isv/licensing.hpp>
#include <isv/storage.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <time.h>

namespace bench {

/// The CPU time of the calling thread. The machines these run on are shared: a thread waiting for
/// a core accrues none, so a ratio of two such times stays meaningful under load (wall time would
/// charge one side for whatever else ran meanwhile). It still counts cache and TLB misses.
struct thread_clock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<thread_clock>;
  static constexpr bool is_steady = true;
  static time_point now() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(duration(static_cast<rep>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec));
  }
};

inline constexpr std::chrono::sys_seconds now{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}};
inline constexpr isv::tenant_id tenant_id{1};
inline constexpr isv::user_id admin_id{1};
inline constexpr isv::app_id app_id{10};
inline constexpr isv::billing_profile_id profile_id{100};
inline constexpr isv::subscription_id subscription_id{1000};
inline constexpr isv::group_id group_id{7};

/// Directory users are numbered from here, so that they never collide with the admin.
inline constexpr std::uint64_t first_user = 1'000'000;

/// How user ids are drawn: consecutive numbers (database keys, first_user + n), or random 64-bit
/// values (ids a host hashes or takes from elsewhere). A benchmark and its baselines use the same.
enum class ids { sequential, random };

inline const char* name_of(ids kind) { return kind == ids::sequential ? "sequential" : "random"; }

/// splitmix64's finalizer: a bijection of 64-bit numbers, so distinct n give distinct ids.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// splitmix64 as a sequence: the same picks every run.
struct rng {
  std::uint64_t state;
  std::uint64_t next() { return mix64(state += 0x9E3779B97F4A7C15ULL); }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

/// A benchmark that cannot set itself up must not report a figure.
template <class R>
decltype(auto) ok(R&& r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "benchmark set-up failed (%s): %s\n", what, r.error().message.c_str());
    std::exit(2);
  }
  if constexpr (!std::is_void_v<typename std::decay_t<R>::value_type>) return std::forward<R>(r).value();
}

inline void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "benchmark check failed: %s\n", what);
    std::exit(2);
  }
}

inline isv::tenant make_tenant() {
  return {.id = tenant_id,
          .name = "Contoso",
          .region = "DE",
          .admin_roles = {{.tenant = tenant_id, .user = admin_id, .role = isv::directory_role::global_administrator}}};
}

inline isv::app make_app() {
  return {.id = app_id,
          .name = "Fabrikam CRM",
          .publisher = "Fabrikam",
          .kind = isv::app_kind::isv, // active on purchase: no activation step
          .pricing = isv::pricing_model::per_user,
          .monthly_price = {.minor_units = 1000, .unit = isv::currency{"EUR"}},
          .annual_price = {.minor_units = 10000, .unit = isv::currency{"EUR"}}};
}

inline isv::purchase_command buy(isv::count_t quantity) {
  return {.subscription = subscription_id,
          .app = app_id,
          .channel = isv::acquisition_channel::direct,
          .quantity = quantity,
          .agreement_accepted = true,
          .billing_profile = profile_id};
}

/// The billing profile every purchase is charged to.
inline isv::create_billing_profile_command main_profile() {
  return {.profile = profile_id, .name = "Main", .contact = {.name = "Ada", .address = "1 Main St"}};
}

/// The n-th directory user. Random ids are mixed from first_user + n (never 0, 1 or an admin's
/// id in practice; seed_service checks).
inline isv::user_id user(std::uint64_t n, ids kind = ids::sequential) {
  return isv::user_id{kind == ids::sequential ? first_user + n : mix64(first_user + n)};
}

/// Users first..first+count-1.
inline std::vector<isv::user_id> users(std::uint64_t first, std::uint64_t count, ids kind = ids::sequential) {
  std::vector<isv::user_id> out;
  out.reserve(count);
  for (std::uint64_t n = first; n < first + count; ++n) out.push_back(user(n, kind));
  return out;
}

/// A tenant in a repository with `user_count` directory users (0..user_count-1) and a
/// subscription of `quantity` seats, nothing assigned yet.
template <isv::repository Repository>
void seed_service(Repository& repo, std::uint64_t user_count, isv::count_t quantity, ids kind = ids::sequential) {
  isv::basic_admin_center center{repo};
  ok(repo.create_tenant(make_tenant()), "create tenant");
  ok(repo.add_app(make_app()), "add app");
  if constexpr (requires { repo.reserve_users(tenant_id, std::size_t{}); })
    ok(repo.reserve_users(tenant_id, static_cast<std::size_t>(user_count)), "reserve users");
  for (std::uint64_t first = 0; first < user_count; first += 100'000)
    ok(center.add_users(tenant_id, admin_id,
                        {.users = users(first, std::min<std::uint64_t>(100'000, user_count - first), kind)}, now),
       "add users");
  ok(center.create_billing_profile(tenant_id, admin_id, main_profile(), now), "profile");
  ok(center.purchase(tenant_id, admin_id, buy(quantity), now), "purchase");
}

/// The pure core without a service: the values and containers a host keeps itself.
struct pure_state {
  isv::tenant org = make_tenant();
  isv::actor admin = org.actor(admin_id);
  isv::directory dir{tenant_id};
  isv::subscription sub{};
  isv::license_book book{subscription_id};

  pure_state(std::uint64_t user_count, isv::count_t quantity, ids kind = ids::sequential) {
    dir.reserve_users(static_cast<std::size_t>(user_count));
    for (std::uint64_t first = 0; first < user_count; first += 100'000) {
      auto added = ok(isv::add_users(dir, admin,
                                     {.users = users(first, std::min<std::uint64_t>(100'000, user_count - first), kind)}, now),
                      "add users");
      for (const auto& e : added.events) isv::apply(dir, e);
    }
    auto profile = ok(isv::create_billing_profile(org, admin, main_profile(), now), "profile").state;
    const isv::app product = make_app();
    sub = ok(isv::purchase(org, product, std::span(&profile, 1), {}, admin, buy(quantity), now), "purchase").state;
  }

  /// Assigns the users in batches of 1,000 and applies the events to the book.
  void assign_all(const std::vector<isv::user_id>& all) {
    for (std::size_t first = 0; first < all.size(); first += 1000) {
      const auto last = std::min(all.size(), first + 1000);
      const isv::assign_command cmd{.subscription = subscription_id,
                                    .users = std::vector<isv::user_id>(all.begin() + static_cast<std::ptrdiff_t>(first),
                                                                       all.begin() + static_cast<std::ptrdiff_t>(last))};
      auto done = ok(isv::assign(sub, book, dir, admin, cmd, now), "assign");
      for (const auto& e : done.events) isv::apply(book, e);
      sub = std::move(done.state);
    }
  }
};

} // namespace bench
