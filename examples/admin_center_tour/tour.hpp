// The tour's bookkeeping: each tenant's isv::tenant_state, changed only by applying events (and saved, when asked, in a repository), the names of its people, the log printer.
#pragma once

// The pure core, and the repository concept without any backend: the tour keeps its state itself
// and, when given a repository, also saves there each change it accepts.
#include <isv/operations/assignment.hpp>
#include <isv/operations/billing.hpp>
#include <isv/evolve.hpp>
#include <isv/operations/lifecycle.hpp>
#include <isv/operations/marketplace.hpp>
#include <isv/operations/membership.hpp>
#include <isv/operations/portal.hpp>
#include <isv/operations/purchase.hpp>
#include <isv/operations/quantity.hpp>
#include <isv/repository.hpp>
#include <isv/operations/role_grants.hpp>
#include <isv/region.hpp>
#include <isv/tenant_state.hpp>

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace tour {

using traits = isv::default_traits;

// ---- Expectations: the tour checks itself, so a regression fails the run ----------------------

[[noreturn]] inline void fail_tour(const std::string& what) {
  std::cout << "\nTOUR FAILED: " << what << '\n';
  std::exit(EXIT_FAILURE);
}

inline void expect(bool ok, const std::string& what) {
  if (!ok) fail_tour("expected " + what);
}

/// The value of a step that must succeed.
template <class T>
T accepted(isv::result<T> r, std::string_view step) {
  if (!r)
    fail_tour(std::string(step) + " was refused: " + std::string(isv::to_string(r.error().code)) + ": " +
              r.error().message);
  return std::move(r).value();
}

/// A step that must be refused with `code`: prints the code and the library's message, so a reader sees why.
template <class T>
void refused(const isv::result<T>& r, isv::errc code, std::string_view step) {
  if (r)
    fail_tour(std::string(step) + " was accepted; it should have been refused (" + std::string(isv::to_string(code)) +
              ")");
  if (r.error().code != code)
    fail_tour(std::string(step) + " was refused with " + std::string(isv::to_string(r.error().code)) + " instead of " +
              std::string(isv::to_string(code)) + ": " + r.error().message);
  std::cout << "      refused [" << isv::to_string(code) << "] " << r.error().message << '\n';
}

// ---- The log ---------------------------------------------------------------------------------

inline void step(int number, std::string_view title) { std::cout << '\n' << number << ". " << title << '\n'; }
inline void say(const std::string& line) { std::cout << "   " << line << '\n'; }

/// "2026-01-05"
inline std::string date(const traits::time_point& t) {
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buffer;
}

/// The names of the people and groups in the story: the library knows only ids.
struct name_book {
  std::map<isv::user_id, std::string> users;
  std::map<isv::group_id, std::string> groups;

  std::string operator()(const isv::user_id& u) const { return users.at(u); }
  std::string operator()(const isv::group_id& g) const { return groups.at(g); }
  template <class Id>
  std::string operator()(const std::vector<Id>& ids) const {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : ", ") + (*this)(id);
    return out.empty() ? "nobody" : out;
  }
};

// ---- Where the tour also saves ---------------------------------------------------------------

/// A repository seen through the two calls that save: the story reads the same whichever backend
/// keeps it, or none. Empty (the default): the tour keeps its state in memory only.
struct saver {
  std::function<isv::result<void>(isv::tenant)> create_tenant{};
  std::function<isv::result<void>(isv::commit)> commit{};

  explicit operator bool() const { return static_cast<bool>(commit); }
};

template <isv::repository R>
  requires std::same_as<typename R::traits_type, traits>
[[nodiscard]] saver saving_to(R& repo) {
  return {[&repo](isv::tenant org) { return repo.create_tenant(std::move(org)); },
          [&repo](isv::commit c) { return repo.commit(std::move(c)); }};
}

/// "3 events: subscription_purchased, licenses_granted, ...": what a refused commit carried.
inline std::string event_names(const std::vector<isv::event>& events) {
  std::string out = std::to_string(events.size()) + (events.size() == 1 ? " event:" : " events:");
  for (std::size_t i = 0; i < events.size(); ++i)
    out += (i == 0 ? " " : ", ") + std::string(isv::event_name<traits>(events[i].payload));
  return out;
}

// ---- One tenant of the story -----------------------------------------------------------------

/// One tenant as the tour keeps it: an isv::tenant_state, changed only by isv::apply (the library's
/// one fold of events, the one a repository uses), so what the tour prints is what the events say;
/// and the log of those events. Given a saver, it first creates the tenant there and then commits
/// each operation's events before applying them, so the repository holds exactly what the tour did.
class tracked_tenant {
public:
  explicit tracked_tenant(isv::tenant created, saver save = {}) : state_(std::move(created)), save_(std::move(save)) {
    if (!save_) return;
    if (auto stored = save_.create_tenant(tenant()); !stored)
      fail_tour("creating tenant " + std::to_string(tenant().id.value()) + " (" + tenant().name +
                ") in the database was refused: " + std::string(isv::to_string(stored.error().code)) + ": " +
                stored.error().message);
  }

  [[nodiscard]] const isv::tenant_state& state() const { return state_; }
  [[nodiscard]] const isv::tenant& tenant() const { return state_.tenant; }
  [[nodiscard]] const isv::directory& directory() const { return state_.directory; }
  [[nodiscard]] const isv::subscription& subscription(const isv::subscription_id& id) const {
    return state_.subscriptions.at(id).subscription;
  }
  [[nodiscard]] const isv::license_book& book(const isv::subscription_id& id) const {
    return state_.subscriptions.at(id).book;
  }
  [[nodiscard]] const isv::billing_profile& profile(const isv::billing_profile_id& id) const {
    return state_.profiles.at(id);
  }
  [[nodiscard]] const isv::invoice& invoice(const isv::invoice_id& id) const { return state_.invoices.at(id); }
  /// Every event of the tenant, in order.
  [[nodiscard]] const std::vector<isv::event>& log() const { return log_; }

  [[nodiscard]] isv::actor as(const isv::user_id& user) const { return tenant().actor(user); }
  /// "Alex (Global administrator)", or just the name for someone without an admin role.
  [[nodiscard]] std::string who(const name_book& names, const isv::user_id& user) const {
    const auto roles = tenant().roles_of(user);
    return names(user) + (roles.empty() ? "" : " (" + isv::describe_roles(roles) + ")");
  }

  /// One operation's events: saved (when there is a saver) as one commit that expects every
  /// aggregate they touch at the version the operation read, then applied here.
  void commit(const std::vector<isv::event>& events) {
    if (save_ && !events.empty()) {
      if (auto saved = save_.commit(isv::commit{tenant().id, expected_versions(events), events, std::nullopt}); !saved)
        fail_tour("the database refused to save " + event_names(events) + ": " +
                  std::string(isv::to_string(saved.error().code)) + ": " + saved.error().message);
    }
    isv::apply(state_, events);
    log_.insert(log_.end(), events.begin(), events.end());
  }

  /// Applies an operation's events and checks that they rebuild exactly the state it returned.
  template <class State>
  State commit(const isv::basic_update<State, traits>& update) {
    commit(update.events);
    // A directory operation returns no state: the directory is changed in place by its events.
    if constexpr (!std::is_same_v<State, std::monostate>)
      expect(current(update.state) == update.state, "the events of an operation to rebuild the state it returned");
    return update.state;
  }

  /// The version of each aggregate the events touch, as this state holds it now (0: not yet created).
  [[nodiscard]] std::vector<isv::expected_version_t> expected_versions(const std::vector<isv::event>& events) const {
    std::vector<isv::expected_version_t> out;
    for (const auto& e : events) {
      const auto target = isv::aggregate_of(e);
      bool listed = false;
      for (const auto& known : out) listed = listed || known.aggregate == target;
      if (!listed) out.push_back({target, version_of(target)});
    }
    return out;
  }

  /// The subscriptions as they are now, by id, for operations that look across them (invoices,
  /// overdue collection). Valid until the next commit.
  [[nodiscard]] std::span<const isv::subscription> all_subscriptions() {
    snapshot_ = state_.subscription_values();
    return snapshot_;
  }
  /// The billing profiles as they are now, by id, for a purchase, which charges the one its
  /// command names. Valid until the next commit.
  [[nodiscard]] std::span<const isv::billing_profile> profiles() {
    profiles_.clear();
    for (const auto& [id, profile] : state_.profiles) profiles_.push_back(profile);
    std::sort(profiles_.begin(), profiles_.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return profiles_;
  }
  /// Each subscription with its license book, by id, for group membership changes. Valid until the next commit.
  [[nodiscard]] std::span<const isv::subscription_ref> refs() {
    refs_.clear();
    for (const auto& id : state_.subscription_ids()) {
      const auto& entry = state_.subscriptions.at(id);
      refs_.push_back({&entry.subscription, &entry.book});
    }
    return refs_;
  }

private:
  isv::tenant_state state_;
  std::vector<isv::event> log_;
  saver save_;
  std::vector<isv::subscription> snapshot_;
  std::vector<isv::billing_profile> profiles_;
  std::vector<isv::subscription_ref> refs_;

  [[nodiscard]] isv::count_t version_of(const isv::aggregate_ref& a) const {
    switch (a.kind) {
      case isv::aggregate_kind::tenants: return tenant().version;
      case isv::aggregate_kind::directories: return state_.directory_version;
      case isv::aggregate_kind::subscriptions: {
        const auto* found = state_.find_subscription(isv::subscription_id{a.id});
        return found ? found->version : 0;
      }
      case isv::aggregate_kind::billing_profiles: {
        const auto* found = state_.find_billing_profile(isv::billing_profile_id{a.id});
        return found ? found->version : 0;
      }
      case isv::aggregate_kind::invoices: {
        const auto* found = state_.find_invoice(isv::invoice_id{a.id});
        return found ? found->version : 0;
      }
    }
    return 0;
  }

  const isv::tenant& current(const isv::tenant&) const { return tenant(); }
  const isv::subscription& current(const isv::subscription& s) const { return subscription(s.id); }
  const isv::billing_profile& current(const isv::billing_profile& b) const { return profile(b.id); }
  const isv::invoice& current(const isv::invoice& inv) const { return invoice(inv.id); }
};

// ---- Reading back what a repository holds ----------------------------------------------------

/// "7 of 8 seats in use", or "3 licenses in use" for a subscription without a quantity.
inline std::string in_use(const isv::subscription& s) {
  if (s.quantity) return std::to_string(s.licenses_in_use) + " of " + std::to_string(*s.quantity) + " seats in use";
  return std::to_string(s.licenses_in_use) + (s.licenses_in_use == 1 ? " license" : " licenses") + " in use";
}

/// Prints one stored tenant as the repository gives it back: its name, its subscriptions, the size
/// of its log; and checks that replaying the log rebuilds each stored subscription and its licenses.
template <isv::repository R>
  requires std::same_as<typename R::traits_type, traits>
void show_stored(R& repo, const isv::tenant_id& id) {
  const std::string which = "tenant " + std::to_string(id.value());
  // The log first: a view holds the tenant's read lock, so the repository is called only after it ends.
  const auto log = accepted(repo.events(id, 0), "reading the log of " + which);
  const auto view = accepted(repo.read(id), "reading " + which);
  const auto& org = view.tenant();
  say(which + ", " + org.name + " (" + std::string(isv::country_name(org.region).value_or(org.region)) + "): " + std::to_string(log.size()) +
      (log.size() == 1 ? " event" : " events") + " in its log, " + std::to_string(view.directory().user_count()) +
      " users");
  const auto ids = view.subscription_ids();
  if (ids.empty()) say("  no subscriptions");
  std::vector<std::string> differing;
  for (const auto& sid : ids) {
    const auto& s = *view.find_subscription(sid);
    const auto* product = view.find_app(s.app);
    say("  subscription " + std::to_string(sid.value()) + ", " +
        (product ? product->name : "app " + std::to_string(s.app.value())) + ": " + std::string(isv::to_string(s.status)) +
        ", " + in_use(s));
    const auto replayed = isv::replay_subscription(sid, log);
    if (!replayed || replayed.value().first != s || replayed.value().second != *view.find_license_book(sid))
      differing.push_back(std::to_string(sid.value()));
  }
  if (!ids.empty()) {
    std::string result = "  replaying the log rebuilds ";
    if (differing.empty())
      result += ids.size() == 1 ? "the stored subscription and its licenses: yes"
                                : "each of the " + std::to_string(ids.size()) + " stored subscriptions and its licenses: yes";
    else
      for (std::size_t i = 0; i < differing.size(); ++i) result += (i == 0 ? "no: subscription " : ", ") + differing[i];
    say(result + (differing.empty() ? "" : " differ"));
  }
  expect(differing.empty(), "replaying the stored log of " + which + " to rebuild its stored subscriptions");
}

/// Checks that the repository holds exactly what the tour did in one tenant: the same log and the
/// same state. Returns the number of events saved.
template <isv::repository R>
  requires std::same_as<typename R::traits_type, traits>
std::size_t check_saved(R& repo, const tracked_tenant& kept) {
  const auto& state = kept.state();
  const std::string which = state.tenant.name + " (tenant " + std::to_string(state.tenant.id.value()) + ")";
  const auto log = accepted(repo.events(state.tenant.id, 0), "reading the saved log of " + which);
  expect(log == kept.log(), "the saved log of " + which + " to hold the tour's events, in order");
  const auto view = accepted(repo.read(state.tenant.id), "reading " + which + " back");
  expect(view.tenant() == state.tenant && view.directory() == state.directory &&
             view.directory_version() == state.directory_version,
         "the saved tenant and directory of " + which + " to equal the tour's");
  expect(view.subscription_ids() == state.subscription_ids(), "the database to hold each subscription of " + which);
  for (const auto& [id, entry] : state.subscriptions) {
    const auto* saved = view.find_subscription(id);
    const auto* saved_book = view.find_license_book(id);
    expect(saved && *saved == entry.subscription && saved_book && *saved_book == entry.book,
           "subscription " + std::to_string(id.value()) + " of " + which + " and its licenses to be saved as the tour left them");
  }
  for (const auto& [id, profile] : state.profiles) {
    const auto* saved = view.find_billing_profile(id);
    expect(saved && *saved == profile, "billing profile " + std::to_string(id.value()) + " of " + which + " to be saved");
  }
  for (const auto& [id, inv] : state.invoices) {
    const auto* saved = view.find_invoice(id);
    expect(saved && *saved == inv, "invoice " + std::to_string(id.value()) + " of " + which + " to be saved");
  }
  return log.size();
}

} // namespace tour
