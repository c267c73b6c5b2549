// basic_license_issuer: the publisher's side of license files: from stored state only, a signed file for a user who holds a license now, or for the tenant's seats (D-SIGN-3).
#pragma once

#include "isv/detail/describe.hpp"
#include "isv/detail/record.hpp"
#include "isv/error.hpp"
#include "isv/license_file.hpp"
#include "isv/repository.hpp"
#include "isv/signing/key_pair.hpp"
#include "isv/signing/public_key.hpp"
#include "isv/traits.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace isv {

/// What to issue: a file for `user` of the subscription, or (user empty) a site file of its seats,
/// valid for `lifetime` from now unless the term or the issuer's maximum ends it sooner.
template <licensing_traits Traits>
struct basic_license_request {
  subscription_id_t<Traits> subscription{};
  std::optional<user_id_t<Traits>> user{};
  std::chrono::seconds lifetime{std::chrono::days{7}};

  ISV_RECORD(basic_license_request, (subscription, user, lifetime))
};

using license_request = basic_license_request<default_traits>;

/// An issued license file: its statement and its text.
template <licensing_traits Traits>
struct basic_issued_license {
  basic_license_statement<Traits> statement{};
  std::string file{};

  ISV_RECORD(basic_issued_license, (statement, file))
};

using issued_license = basic_issued_license<default_traits>;

/// Signs license files with one key under one key id. It reads the stored state and nothing else:
/// a file states what the repository held when it was issued (D-SIGN-3). Issuing changes nothing
/// and records nothing, so it is not authorized by the library: the host decides who may ask
/// (the app's own user, signed in; the publisher's support).
template <licensing_traits Traits>
class basic_license_issuer {
public:
  using time_point = typename Traits::time_point;

  /// An issuer signing with `key` as `key_id`, whose files live at most `max_lifetime` (31 days unless said).
  [[nodiscard]] static result<basic_license_issuer> make(ed25519_key_pair key, std::string key_id,
                                                         std::chrono::seconds max_lifetime = std::chrono::days{31}) {
    if (!valid_key_id(key_id))
      return fail(errc::invalid_argument, "\"" + key_id + "\" is not a key id: 1 to 64 of A-Z, a-z, 0-9, '.', '_', '-'.");
    if (max_lifetime <= std::chrono::seconds::zero())
      return fail(errc::invalid_argument, "The longest lifetime of a license file must be positive, not " +
                                              std::to_string(max_lifetime.count()) + " s.");
    BOOST_OUTCOME_TRY(auto pub, key.public_key());
    return basic_license_issuer(std::move(key), std::move(pub), std::move(key_id), max_lifetime);
  }

  [[nodiscard]] const std::string& key_id() const noexcept { return key_id_; }
  [[nodiscard]] const ed25519_public_key& public_key() const noexcept { return public_; }
  [[nodiscard]] std::chrono::seconds max_lifetime() const noexcept { return max_lifetime_; }

  /// The statement a subscription and its license book give for `request` at `now` (D-SIGN-3),
  /// refused as the state refuses it: not_licensed for a user without a license; pending_activation,
  /// deactivated or suspended (grace over) for a subscription that allows no use; limit_exceeded for
  /// a lifetime past the issuer's maximum. It expires at the earliest of now + lifetime, the term's
  /// end and, while suspended, the grace's end. The caller has checked that the user is the tenant's.
  [[nodiscard]] result<basic_license_statement<Traits>> state(const basic_subscription<Traits>& sub,
                                                              const basic_license_book<Traits>& book,
                                                              const basic_license_request<Traits>& request,
                                                              const time_point& now) const {
    if (request.subscription != sub.id || book.subscription() != sub.id)
      return fail(errc::invalid_argument, "The request names " + detail::describe(request.subscription) + " but the state given is of " +
                                              detail::describe(sub.id) + ".");
    if (request.lifetime <= std::chrono::seconds::zero())
      return fail(errc::invalid_argument, "A license file's lifetime must be positive, not " + std::to_string(request.lifetime.count()) + " s.");
    if (request.lifetime > max_lifetime_)
      return fail(errc::limit_exceeded, "A license file lives at most " + std::to_string(max_lifetime_.count()) + " s (the issuer's maximum); " +
                                            std::to_string(request.lifetime.count()) + " s were asked for.");
    basic_license_statement<Traits> out{};
    out.key_id = key_id_;
    out.tenant = sub.tenant;
    out.subscription = sub.id;
    out.app = sub.app;
    out.plan = sub.plan;
    out.issued_at = now;
    // A site file needs no license of its own: it grants what a holder has.
    const auto use = request.user ? check_access(sub, book, *request.user, now) : holder_access(sub, now);
    BOOST_OUTCOME_TRY(refuse_unless_usable(use, sub));
    out.scope = request.user ? license_scope::user : license_scope::site;
    out.user = request.user;
    if (!request.user) out.seats = sub.quantity;
    out.status = use.state;
    auto expires = now + std::chrono::duration_cast<typename time_point::duration>(request.lifetime);
    if (sub.term_end) expires = std::min(expires, *sub.term_end);
    if (sub.status == subscription_status::suspended && sub.grace_ends) expires = std::min(expires, *sub.grace_ends);
    if (expires <= now)
      return fail(errc::invalid_transition, detail::describe(sub.id) + "'s term ended at " + detail::format_time(expires) +
                                                "; the platform's clock must renew or end it before a file can be issued.");
    out.expires_at = expires;
    return out;
  }

  /// The same from a repository's view of the tenant: not_found for a subscription or a user of no
  /// tenant or another (D-TENANT-1).
  template <class View>
    requires repository_view<View, Traits>
  [[nodiscard]] result<basic_license_statement<Traits>> state(const View& v, const basic_license_request<Traits>& request,
                                                              const time_point& now) const {
    const auto* sub = v.find_subscription(request.subscription);
    const auto* book = v.find_license_book(request.subscription);
    if (sub == nullptr || book == nullptr)
      return fail(errc::not_found, detail::describe(request.subscription) + " is not a subscription of " + detail::describe(v.tenant().id) + ".");
    if (request.user && !v.directory().has_user(*request.user))
      return fail(errc::not_found, detail::describe(*request.user) + " is not a user of " + detail::describe(v.tenant().id) + ".");
    return state(*sub, *book, request, now);
  }

  /// A subscription and its license book's file for `request` at `now` (D-SIGN-1, D-SIGN-3), for a
  /// host that keeps the state itself.
  [[nodiscard]] result<basic_issued_license<Traits>> issue(const basic_subscription<Traits>& sub, const basic_license_book<Traits>& book,
                                                           const basic_license_request<Traits>& request, const time_point& now) const {
    BOOST_OUTCOME_TRY(auto statement, state(sub, book, request, now));
    return sign(std::move(statement));
  }

  /// The statement for `request` at `now`, signed: the license file (D-SIGN-1, D-SIGN-3).
  template <class View>
    requires repository_view<View, Traits>
  [[nodiscard]] result<basic_issued_license<Traits>> issue(const View& v, const basic_license_request<Traits>& request,
                                                           const time_point& now) const {
    BOOST_OUTCOME_TRY(auto statement, state(v, request, now));
    return sign(std::move(statement));
  }

  /// The same, reading the tenant's state from a repository.
  template <class Repository>
    requires repository<Repository>
  [[nodiscard]] result<basic_issued_license<Traits>> issue(Repository& repo, const tenant_id_t<Traits>& in_tenant,
                                                           const basic_license_request<Traits>& request, const time_point& now) const {
    BOOST_OUTCOME_TRY(auto v, repo.read(in_tenant));
    return issue(v, request, now);
  }

  /// Signs a statement as it is, its key id set to this issuer's: the file of exactly that statement.
  [[nodiscard]] basic_issued_license<Traits> sign(basic_license_statement<Traits> statement) const {
    statement.key_id = key_id_;
    const std::string payload = license_payload(statement);
    const auto signature = key_.sign(payload);
    return {std::move(statement), compose_license_file(payload, key_id_, signature)};
  }

private:
  basic_license_issuer(ed25519_key_pair key, ed25519_public_key pub, std::string key_id, std::chrono::seconds max_lifetime)
      : key_(std::move(key)), public_(std::move(pub)), key_id_(std::move(key_id)), max_lifetime_(max_lifetime) {}

  [[nodiscard]] static result<void> refuse_unless_usable(const basic_access<Traits>& use, const basic_subscription<Traits>& sub) {
    if (use.allows_use()) return result<void>(BOOST_OUTCOME_V2_NAMESPACE::success());
    switch (use.reason) {
      case access_reason::no_license:
        return fail(errc::not_licensed, detail::describe(use.user) + " holds no license of " + detail::describe(sub.id) +
                                            ": assign one first; a license file is issued only to a holder.");
      case access_reason::pending_activation:
        return fail(errc::pending_activation, detail::describe(sub.id) + " is not activated yet: no license file can be issued for it.");
      case access_reason::deactivated:
        return fail(errc::deactivated, detail::describe(sub.id) + " is deactivated: no license file can be issued for it.");
      case access_reason::grace_ended:
      case access_reason::suspended:
      case access_reason::licensed:
        break;
    }
    return fail(errc::suspended, detail::describe(sub.id) + " is suspended and its grace has ended: pay its invoice first.");
  }

  ed25519_key_pair key_;
  ed25519_public_key public_;
  std::string key_id_;
  std::chrono::seconds max_lifetime_;
};

using license_issuer = basic_license_issuer<default_traits>;

} // namespace isv
