// The tour's bookkeeping: a tenant's state changed only by applying events, the names of its people, the log printer.
#pragma once

// Only the pure core: no repository or storage, the tour keeps its state itself.
#include <isv/assignment.hpp>
#include <isv/billing.hpp>
#include <isv/evolve.hpp>
#include <isv/lifecycle.hpp>
#include <isv/membership.hpp>
#include <isv/portal.hpp>
#include <isv/purchase.hpp>
#include <isv/quantity.hpp>
#include <isv/role_grants.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <span>
#include <string>
#include <string_view>
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

// ---- One tenant's state ----------------------------------------------------------------------

/// Everything the tour knows about one tenant. It changes only by apply(event), the way a
/// repository would rebuild it, so what the tour prints is what the events say.
struct tenant_state {
  isv::tenant org;
  isv::directory dir;
  std::map<isv::subscription_id, isv::subscription> subscriptions;
  std::map<isv::subscription_id, isv::license_book> books;
  std::map<isv::billing_profile_id, isv::billing_profile> profiles;
  std::map<isv::invoice_id, isv::invoice> invoices;
  std::vector<isv::event> log;

  explicit tenant_state(isv::tenant created) : org(std::move(created)), dir(org.id) {}

  [[nodiscard]] isv::actor as(const isv::user_id& user) const { return org.actor(user); }
  /// "Alex (Global administrator)", or just the name for someone without an admin role.
  [[nodiscard]] std::string who(const name_book& names, const isv::user_id& user) const {
    const auto roles = org.roles_of(user);
    return names(user) + (roles.empty() ? "" : " (" + isv::describe_roles(roles) + ")");
  }

  void apply(const isv::event& e) {
    org = isv::apply(std::move(org), e);
    dir.apply(e);
    if (const auto* bought = std::get_if<isv::basic_subscription_purchased<traits>>(&e.payload)) {
      subscriptions[bought->subscription.id] = isv::apply(isv::subscription{}, e);
      books.emplace(bought->subscription.id, isv::license_book{bought->subscription.id});
    } else if (const auto id = isv::subscription_of(e)) {
      auto& s = subscriptions.at(*id);
      s = isv::apply(std::move(s), e);
      books.at(*id).apply(e);
    }
    if (const auto* created = std::get_if<isv::basic_billing_profile_created<traits>>(&e.payload))
      profiles[created->profile] = isv::apply(isv::billing_profile{}, e);
    else
      for (auto& [id, profile] : profiles) profile = isv::apply(std::move(profile), e);
    if (const auto* issued = std::get_if<isv::basic_invoice_issued<traits>>(&e.payload))
      invoices[issued->invoice.id] = isv::apply(isv::invoice{}, e);
    else
      for (auto& [id, inv] : invoices) inv = isv::apply(std::move(inv), e);
    log.push_back(e);
  }

  void commit(const std::vector<isv::event>& events) {
    for (const auto& e : events) apply(e);
  }

  /// Applies an operation's events and checks that they rebuild exactly the state it returned.
  template <class State>
  State commit(const isv::basic_update<State, traits>& update) {
    commit(update.events);
    expect(current(update.state) == update.state, "the events of an operation to rebuild the state it returned");
    return update.state;
  }

  /// The subscriptions as they are now, for operations that look across them (invoices, overdue
  /// collection). Valid until the next apply.
  [[nodiscard]] std::span<const isv::subscription> all_subscriptions() {
    snapshot_.clear();
    for (const auto& [id, s] : subscriptions) snapshot_.push_back(s);
    return snapshot_;
  }
  /// Each subscription with its license book, for group membership changes. Valid until the next apply.
  [[nodiscard]] std::span<const isv::subscription_ref> refs() {
    refs_.clear();
    for (const auto& [id, s] : subscriptions) refs_.push_back({&s, &books.at(id)});
    return refs_;
  }

private:
  std::vector<isv::subscription> snapshot_;
  std::vector<isv::subscription_ref> refs_;

  const isv::tenant& current(const isv::tenant&) const { return org; }
  const isv::subscription& current(const isv::subscription& s) const { return subscriptions.at(s.id); }
  const isv::billing_profile& current(const isv::billing_profile& b) const { return profiles.at(b.id); }
  const isv::invoice& current(const isv::invoice& inv) const { return invoices.at(inv.id); }
};

} // namespace tour
