// Tests of isv/signing/issue.hpp and the service's check_access: files issued from stored state to holders only, expiring within the term, and what offline files trade away.
#include "world.hpp"

using namespace signing_world;

TEST_CASE("the service answers whether a user may use the app, from stored state [D-CHECK-1]") {
  world w;
  const auto anas = must(w.center.check_access(contoso, seats, ana, t0));
  CHECK(anas.state == isv::access_state::active);
  CHECK(anas.reason == isv::access_reason::licensed);
  CHECK(anas.app == crm_id);
  const auto bens = must(w.center.check_access(contoso, seats, ben, t0));
  CHECK(bens.state == isv::access_state::inactive);
  CHECK(bens.reason == isv::access_reason::no_license);

  const auto due = w.suspend();
  const auto warned = must(w.center.check_access(contoso, seats, ana, due));
  CHECK(warned.state == isv::access_state::warning);
  CHECK(warned.reason == isv::access_reason::suspended);
  CHECK(warned.until == w.sub().grace_ends);

  // Ids of no tenant or another are errors, not lookups (D-TENANT-1).
  CHECK(refusal(w.center.check_access(contoso, other_tenants, ana, t0)) == isv::errc::not_found);
  CHECK(refusal(w.center.check_access(contoso, seats, isv::user_id{99}, t0)) == isv::errc::not_found);
  CHECK(refusal(w.center.check_access(isv::tenant_id{9}, seats, ana, t0)) == isv::errc::not_found);
}

TEST_CASE("a file is issued from stored state to a user who holds a license, and says what the state said [D-SIGN-3] [D-SIGN-1]") {
  world w;
  const auto by = issuer();
  const auto issued = must(by.issue(w.repo, contoso, {.subscription = seats, .user = ana, .lifetime = days{7}}, t0));
  const auto& s = issued.statement;
  CHECK(s.format == isv::license_file_format);
  CHECK(s.key_id == "fabrikam-2026");
  CHECK(s.tenant == contoso);
  CHECK(s.subscription == seats);
  CHECK(s.app == crm_id);
  CHECK(s.plan == w.sub().plan);
  CHECK(s.scope == isv::license_scope::user);
  CHECK(s.user == ana);
  CHECK_FALSE(s.seats);
  CHECK(s.status == isv::access_state::active);
  CHECK(s.issued_at == t0);
  CHECK(s.expires_at == t0 + days{7});
  CHECK(must(verifier_of(by).verify(issued.file, t0 + days{6})) == s);

  // Ben holds no license: no file.
  const auto bens = by.issue(w.repo, contoso, {.subscription = seats, .user = ben}, t0);
  CHECK(refusal(bens) == isv::errc::not_licensed);
  CHECK(bens.error().message.find("assign one first") != std::string::npos);
  // Another tenant's subscription, an unknown user, an unknown tenant.
  CHECK(refusal(by.issue(w.repo, contoso, {.subscription = other_tenants, .user = ana}, t0)) == isv::errc::not_found);
  CHECK(refusal(by.issue(w.repo, contoso, {.subscription = seats, .user = isv::user_id{99}}, t0)) == isv::errc::not_found);
  CHECK(refusal(by.issue(w.repo, isv::tenant_id{9}, {.subscription = seats, .user = ana}, t0)) == isv::errc::not_found);
}

TEST_CASE("a file expires no later than the term's end and the issuer's maximum lifetime [D-SIGN-3]") {
  world w;
  const auto by = issuer(); // at most 31 days
  const auto term_end = *w.sub().term_end;
  REQUIRE(term_end == t0 + days{31});

  // Asked for the longest lifetime ten days before the term ends: the term's end comes first.
  const auto late = must(by.issue(w.repo, contoso, {.subscription = seats, .user = ana, .lifetime = days{31}}, term_end - days{10}));
  CHECK(late.statement.expires_at == term_end);
  // Past the issuer's maximum: refused, naming the bound, not cut short in silence.
  const auto too_long = by.issue(w.repo, contoso, {.subscription = seats, .user = ana, .lifetime = days{32}}, t0);
  CHECK(refusal(too_long) == isv::errc::limit_exceeded);
  CHECK(too_long.error().message.find(std::to_string(by.max_lifetime().count())) != std::string::npos);
  CHECK(refusal(by.issue(w.repo, contoso, {.subscription = seats, .user = ana, .lifetime = seconds{0}}, t0)) == isv::errc::invalid_argument);
  CHECK(refusal(isv::license_issuer::make(key_2026(), "k", seconds{0})) == isv::errc::invalid_argument);
  CHECK(refusal(isv::license_issuer::make(key_2026(), "not an id!")) == isv::errc::invalid_argument);
}

TEST_CASE("while suspended a file says warning and ends with the grace, a subscription that allows no use gets none [D-SIGN-3] [D-CHECK-1]") {
  world w;
  const auto by = issuer();
  const auto due = w.suspend();
  const auto grace_ends = *w.sub().grace_ends;
  const auto issued = must(by.issue(w.repo, contoso, {.subscription = seats, .user = ana, .lifetime = days{31}}, due));
  CHECK(issued.statement.status == isv::access_state::warning);
  CHECK(issued.statement.expires_at <= grace_ends);
  CHECK(refusal(by.issue(w.repo, contoso, {.subscription = seats, .user = ana}, grace_ends)) == isv::errc::suspended);

  world cancelled;
  cancelled.run(contoso, isv::cancel_command{.subscription = seats});
  CHECK(refusal(by.issue(cancelled.repo, contoso, {.subscription = seats, .user = ana}, t0)) == isv::errc::deactivated);
  CHECK(refusal(by.issue(cancelled.repo, contoso, {.subscription = seats}, t0)) == isv::errc::deactivated);
}

TEST_CASE("a site file states the tenant's seat count, without a user [D-SIGN-3] [D-SIGN-1]") {
  world w;
  const auto by = issuer();
  const auto site = must(by.issue(w.repo, contoso, {.subscription = seats, .user = std::nullopt, .lifetime = days{7}}, t0));
  CHECK(site.statement.scope == isv::license_scope::site);
  CHECK(site.statement.seats == 3);
  CHECK_FALSE(site.statement.user);
  CHECK(must(verifier_of(by).verify(site.file, t0)) == site.statement);
}

TEST_CASE("a file issued before unassignment verifies until it expires, none is issued after [D-SIGN-3] [D-SIGN-2]") {
  world w;
  const auto by = issuer();
  const auto v = verifier_of(by, seconds{0});
  const auto before = must(by.issue(w.repo, contoso, {.subscription = seats, .user = ana, .lifetime = days{3}}, t0));
  w.unassign(ana, t0 + days{1});

  // Online, the stored state knows at once.
  CHECK(must(w.center.check_access(contoso, seats, ana, t0 + days{1})).reason == isv::access_reason::no_license);
  // A new file is refused.
  CHECK(refusal(by.issue(w.repo, contoso, {.subscription = seats, .user = ana}, t0 + days{1})) == isv::errc::not_licensed);
  // Offline, the old file still verifies: the verifier trusts only the signed bytes, until they expire.
  CHECK(v.verify(before.file, t0 + days{2}).has_value());
  CHECK(v.verify(before.file, t0 + days{3}).has_value());
  CHECK(refusal(v.verify(before.file, t0 + days{3} + seconds{1})) == isv::errc::license_expired);
}
