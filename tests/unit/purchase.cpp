// Unit tests of isv/operations/purchase.hpp: buying a subscription and installing an ISV app.
#include "fixture_a.hpp"

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

using namespace fixture_a;

namespace {

// `profiles` are the tenant's billing profiles, as a caller holds them; the command names the one charged.
auto buy_as(const isv::tenant& org, const isv::app& product, const std::vector<isv::billing_profile>& profiles,
            isv::user_id who, const isv::purchase_command& cmd) {
  return isv::purchase(org, product, profiles, {}, org.actor(who), cmd, now);
}

} // namespace

TEST_CASE("a purchase through each platform channel is charged to the tenant's billing profile [D-BUY-1] [D-BUY-4]") {
  const auto org = make_tenant(tenant_1);
  const auto profile = make_profile(tenant_1, profile_1);
  for (const auto channel :
       {isv::acquisition_channel::direct, isv::acquisition_channel::partner, isv::acquisition_channel::proposal}) {
    CAPTURE(isv::to_string(channel));
    const auto r = buy_as(org, isv_app(), {profile}, global_admin, purchase_of(isv_app(), 5, channel));
    REQUIRE(r.has_value());
    const auto& s = r.value().state;
    CHECK(s.channel == channel);
    CHECK(s.bought_through_platform());
    CHECK(s.billing_profile == std::optional{profile_1});
    CHECK(s.tenant == tenant_1);
    REQUIRE(r.value().events.size() == 2); // an ISV app is active from purchase: its first term is charged
    CHECK(std::holds_alternative<isv::basic_charge_recorded<isv::default_traits>>(r.value().events.back().payload));
    const auto& e = r.value().events.front();
    CHECK(std::holds_alternative<subscription_purchased>(e.payload));
    CHECK(e.tenant == tenant_1);
    CHECK(e.actor == std::optional{global_admin});
    CHECK(e.at == now);
  }
}

TEST_CASE("a purchase from the vendor is recorded without a billing profile [D-BUY-1]") {
  const auto org = make_tenant(tenant_1);
  const auto r = buy_as(org, isv_app(), {}, billing_admin, purchase_of(isv_app(), 5, isv::acquisition_channel::vendor));
  REQUIRE(r.has_value());
  CHECK(r.value().state.channel == isv::acquisition_channel::vendor);
  CHECK_FALSE(r.value().state.billing_profile.has_value());
  CHECK_FALSE(r.value().state.bought_through_platform());
}

TEST_CASE("a vendor purchase that names a billing profile is refused [D-BUY-1] [D-ERR-1]") {
  const auto org = make_tenant(tenant_1);
  const auto profile = make_profile(tenant_1, profile_1);
  auto cmd = purchase_of(isv_app(), 5, isv::acquisition_channel::vendor);
  cmd.billing_profile = profile_1;
  const auto r = buy_as(org, isv_app(), {profile}, global_admin, cmd);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::invalid_argument);
  CHECK_THAT(r.error().message, says("vendor"));
  CHECK_THAT(r.error().message, says("billing profile 10"));
}

TEST_CASE("a platform purchase must name a billing profile of the tenant [D-BUY-4]") {
  const auto org = make_tenant(tenant_1);
  const auto profile = make_profile(tenant_1, profile_1);

  auto unnamed = purchase_of(isv_app(), 5);
  unnamed.billing_profile.reset();
  const auto without = buy_as(org, isv_app(), {profile}, global_admin, unnamed);
  REQUIRE_FALSE(without.has_value());
  CHECK(without.error().code == isv::errc::invalid_argument);
  CHECK_THAT(without.error().message, says("billing profile"));

  // The command names profile 10 but no such profile was found.
  const auto missing = buy_as(org, isv_app(), {}, global_admin, purchase_of(isv_app(), 5));
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == isv::errc::not_found);
  CHECK_THAT(missing.error().message, says("billing profile 10"));
}

TEST_CASE("a purchase is charged to the profile the command names among the tenant's profiles, an unknown id is refused and nothing changes [D-BUY-4] [D-ERR-1]") {
  const auto org = make_tenant(tenant_1);
  // The named profile is not the first, and the first one would refuse the Billing admin: a
  // purchase that went through charged the profile it was told to, by its id.
  auto owner_only = make_profile(tenant_1, isv::billing_profile_id{11});
  owner_only.roles = {{global_admin, isv::billing_role::owner}};
  const std::vector<isv::billing_profile> profiles{owner_only, make_profile(tenant_1, profile_1)};
  const auto before = profiles;

  const auto bought = buy_as(org, isv_app(), profiles, billing_admin, purchase_of(isv_app(), 5));
  REQUIRE(bought.has_value());
  CHECK(bought.value().state.billing_profile == std::optional{profile_1});
  REQUIRE(bought.value().events.size() == 2);

  auto on_first = purchase_of(isv_app(), 5);
  on_first.billing_profile = isv::billing_profile_id{11};
  const auto denied = buy_as(org, isv_app(), profiles, billing_admin, on_first);
  REQUIRE_FALSE(denied.has_value());
  CHECK(denied.error().code == isv::errc::permission_denied);

  auto unknown = purchase_of(isv_app(), 5);
  unknown.billing_profile = isv::billing_profile_id{12};
  const auto missing = buy_as(org, isv_app(), profiles, global_admin, unknown);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == isv::errc::not_found);
  CHECK_THAT(missing.error().message, says("billing profile 12"));
  CHECK_THAT(missing.error().message, says("tenant 1"));
  // A refusal hands back no subscription and no events, and leaves what it was given as it was.
  CHECK(profiles == before);
  const auto again = buy_as(org, isv_app(), profiles, billing_admin, purchase_of(isv_app(), 5));
  REQUIRE(again.has_value());
  CHECK(again.value().state == bought.value().state);
  CHECK(again.value().events == bought.value().events);
}

TEST_CASE("tenants in every default supported country can buy: seed 002's countries and Western Europe [D-BUY-2] [D-BUY-5]") {
  CHECK(isv::default_supported_countries.size() == 18); // 11 named countries and 9 of Western Europe, DE and FR in both
  const auto profile = make_profile(tenant_1, profile_1);
  for (const std::string code : {"AR", "AU", "CA", "CL", "FR", "DE", "GR", "PR", "ZA", "GB", "US"}) {
    CAPTURE(code);
    CHECK(buy_as(make_tenant(tenant_1, code), isv_app(), {profile}, global_admin, purchase_of(isv_app(), 1)).has_value());
  }
  isv::western_europe.for_each([&](std::string_view code) {
    CAPTURE(code);
    CHECK(buy_as(make_tenant(tenant_1, std::string(code)), isv_app(), {profile}, global_admin, purchase_of(isv_app(), 1))
              .has_value());
  });
}

TEST_CASE("a tenant in the Netherlands, Belgium or Austria can buy: they are Western Europe [D-BUY-5] [D-BUY-2]") {
  const auto profile = make_profile(tenant_1, profile_1);
  for (const std::string code : {"NL", "BE", "AT"}) {
    CAPTURE(code);
    CHECK(isv::western_europe.contains(code));
    const auto r = buy_as(make_tenant(tenant_1, code), isv_app(), {profile}, global_admin, purchase_of(isv_app(), 1));
    REQUIRE(r.has_value());
    CHECK(r.value().state.tenant == tenant_1);
  }
}

TEST_CASE("a tenant outside the supported countries is refused with its country's code and name [D-BUY-2] [D-BUY-5] [D-ERR-1]") {
  const auto profile = make_profile(tenant_1, profile_1);
  const std::vector<std::pair<std::string, std::string>> outside{{"JP", "Japan"}, {"IN", "India"}, {"DK", "Denmark"}};
  for (const auto& [code, name] : outside) {
    CAPTURE(code);
    const auto org = make_tenant(tenant_1, code);
    const auto r = buy_as(org, isv_app(), {profile}, global_admin, purchase_of(isv_app(), 1));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == isv::errc::unsupported_region);
    CHECK_THAT(r.error().message, says(name + " (" + code + ")"));
    CHECK_THAT(r.error().message, says("Netherlands (NL)")); // where it can be bought instead
  }
}

TEST_CASE("a host-replaced table of supported countries takes effect [D-BUY-5] [D-BUY-2]") {
  const auto profile = make_profile(tenant_1, profile_1);
  isv::purchase_policy policy;
  policy.supported_countries = isv::country_set{"JP", "NL"};
  const auto buy_in = [&](const std::string& region) {
    const auto org = make_tenant(tenant_1, region);
    return isv::purchase(org, isv_app(), std::vector{profile}, {}, org.actor(global_admin), purchase_of(isv_app(), 1), now, policy);
  };
  CHECK(buy_in("JP").has_value());
  CHECK(buy_in("NL").has_value());
  const auto refused = buy_in("DE");
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == isv::errc::unsupported_region);
  CHECK_THAT(refused.error().message, says("Germany (DE)"));
  CHECK_THAT(refused.error().message, says("Japan (JP) and Netherlands (NL)"));

  // Grown at run time; an ill-formed code is not added.
  CHECK(policy.supported_countries.insert("DE"));
  CHECK_FALSE(policy.supported_countries.insert("Germany"));
  CHECK_FALSE(policy.supported_countries.insert("de"));
  CHECK(policy.supported_countries.size() == 3);
  CHECK(buy_in("DE").has_value());

  // Nothing sold anywhere: every tenant is refused.
  policy.supported_countries = {};
  const auto none = buy_in("NL");
  REQUIRE_FALSE(none.has_value());
  CHECK_THAT(none.error().message, says("no country"));
}

TEST_CASE("a tenant of old data in \"Western Europe\" may buy while all of Western Europe is supported [D-BUY-5] [D-BUY-2]") {
  const auto profile = make_profile(tenant_1, profile_1);
  const auto org = make_tenant(tenant_1, "Western Europe");
  CHECK(buy_as(org, isv_app(), {profile}, global_admin, purchase_of(isv_app(), 1)).has_value());

  // Its country is one of the nine, and which one is not known: without Switzerland it may be there.
  isv::purchase_policy policy;
  policy.supported_countries.erase("CH");
  CHECK(policy.supported_countries.contains("NL"));
  const auto r = isv::purchase(org, isv_app(), std::vector{profile}, {}, org.actor(global_admin), purchase_of(isv_app(), 1), now, policy);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::unsupported_region);
  CHECK_THAT(r.error().message, says("tenants in Western Europe"));

  // An unknown region of old data is refused, and named as it was stored.
  const auto unknown_region = buy_as(make_tenant(tenant_1, "Atlantis"), isv_app(), {profile}, global_admin, purchase_of(isv_app(), 1));
  REQUIRE_FALSE(unknown_region.has_value());
  CHECK(unknown_region.error().code == isv::errc::unsupported_region);
  CHECK_THAT(unknown_region.error().message, says("\"Atlantis\""));
}

TEST_CASE("a purchase without accepting the customer agreement is refused [D-BUY-3]") {
  const auto org = make_tenant(tenant_1);
  const auto profile = make_profile(tenant_1, profile_1);
  auto cmd = purchase_of(isv_app(), 5);
  cmd.agreement_accepted = false;
  const auto r = buy_as(org, isv_app(), {profile}, global_admin, cmd);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::agreement_not_accepted);
  CHECK_THAT(r.error().message, says("customer agreement"));
  CHECK_THAT(r.error().message, says("app 2"));
}

TEST_CASE("a Billing admin contributing to the profile and a Global admin owning it may buy [D-BUY-4] [D-ROLE-2]") {
  const auto org = make_tenant(tenant_1);
  const auto profile = make_profile(tenant_1, profile_1);
  CHECK(buy_as(org, isv_app(), {profile}, billing_admin, purchase_of(isv_app(), 5)).has_value());
  CHECK(buy_as(org, isv_app(), {profile}, global_admin, purchase_of(isv_app(), 5)).has_value());
}

TEST_CASE("buying needs the Global or Billing administrator role even for a profile owner [D-BUY-4] [D-ROLE-2] [D-ROLE-3]") {
  const auto org = make_tenant(tenant_1);
  auto profile = make_profile(tenant_1, profile_1);
  profile.roles.push_back({license_admin, isv::billing_role::owner});
  for (const auto who : {license_admin, user_admin, global_reader}) {
    CAPTURE(who);
    const auto r = buy_as(org, isv_app(), {profile}, who, purchase_of(isv_app(), 5));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == isv::errc::permission_denied);
    CHECK_THAT(r.error().message, says("buy a subscription"));
    CHECK_THAT(r.error().message, says("Global administrator or Billing administrator"));
  }
}

TEST_CASE("buying needs the owner or contributor role on the billing profile [D-BUY-4] [D-ROLE-4] [D-ROLE-3]") {
  const auto org = make_tenant(tenant_1);
  auto profile = make_profile(tenant_1, profile_1);
  for (const auto role : {isv::billing_role::reader, isv::billing_role::invoice_manager}) {
    CAPTURE(isv::display_name(role));
    std::erase_if(profile.roles, [](const auto& g) { return g.user == billing_admin; });
    profile.roles.push_back({billing_admin, role});
    const auto r = buy_as(org, isv_app(), {profile}, billing_admin, purchase_of(isv_app(), 5));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == isv::errc::permission_denied);
    CHECK_THAT(r.error().message, says("billing profile owner or billing profile contributor"));
    CHECK_THAT(r.error().message, says("you are " + std::string(isv::display_name(role))));
  }
  std::erase_if(profile.roles, [](const auto& g) { return g.user == billing_admin; });
  const auto none = buy_as(org, isv_app(), {profile}, billing_admin, purchase_of(isv_app(), 5));
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().code == isv::errc::permission_denied);
  CHECK_THAT(none.error().message, says("on the billing profile"));
}

TEST_CASE("a billing profile of another tenant cannot be charged [D-BUY-4] [D-TENANT-1]") {
  const auto org = make_tenant(tenant_1);
  const auto foreign = make_profile(tenant_2, profile_2);
  auto cmd = purchase_of(isv_app(), 5);
  cmd.billing_profile = profile_2;
  const auto r = buy_as(org, isv_app(), {foreign}, global_admin, cmd);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::wrong_tenant);
  CHECK_THAT(r.error().message, says("billing profile 20"));
  CHECK_THAT(r.error().message, says("tenant 2"));
}

TEST_CASE("an admin of another tenant cannot buy for this tenant [D-ROLE-5] [D-TENANT-1]") {
  const auto org = make_tenant(tenant_1);
  const auto other = make_tenant(tenant_2);
  const auto profile = make_profile(tenant_1, profile_1);
  const auto r = isv::purchase(org, isv_app(), std::span(&profile, 1), {}, other.actor(global_admin), purchase_of(isv_app(), 5), now);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::wrong_tenant);
  CHECK_THAT(r.error().message, says("tenant 1"));
  CHECK_THAT(r.error().message, says("tenant 2"));
}

TEST_CASE("a flat-rate app is bought without a quantity and counts as Unlimited [D-PRICE-1]") {
  const auto org = make_tenant(tenant_1);
  const auto profile = make_profile(tenant_1, profile_1);
  const auto r = buy_as(org, flat_app(), {profile}, global_admin, purchase_of(flat_app(), std::nullopt));
  REQUIRE(r.has_value());
  const auto& s = r.value().state;
  CHECK(s.pricing == isv::pricing_model::flat_rate);
  CHECK_FALSE(s.is_seat_based());
  CHECK_FALSE(s.quantity.has_value());
  CHECK(s.seats_free() == isv::max_quantity);

  const auto counted = buy_as(org, flat_app(), {profile}, global_admin, purchase_of(flat_app(), 5));
  REQUIRE_FALSE(counted.has_value());
  CHECK(counted.error().code == isv::errc::invalid_argument);
  CHECK_THAT(counted.error().message, says("Unlimited"));
}

TEST_CASE("a per-user app is bought with a quantity of seats [D-PRICE-1]") {
  const auto org = make_tenant(tenant_1);
  const auto profile = make_profile(tenant_1, profile_1);
  const auto uncounted = buy_as(org, isv_app(), {profile}, global_admin, purchase_of(isv_app(), std::nullopt));
  REQUIRE_FALSE(uncounted.has_value());
  CHECK(uncounted.error().code == isv::errc::invalid_argument);
  CHECK_THAT(uncounted.error().message, says("priced per user"));

  const auto r = buy_as(org, isv_app(), {profile}, global_admin, purchase_of(isv_app(), 25));
  REQUIRE(r.has_value());
  CHECK(r.value().state.is_seat_based());
  CHECK(r.value().state.quantity == std::optional<isv::count_t>{25});
  CHECK(r.value().state.seats_free() == 25);
  CHECK(r.value().state.licenses_in_use == 0);
}

TEST_CASE("the billing term picks the monthly or annual price and the length of the first term [D-PRICE-2]") {
  const auto org = make_tenant(tenant_1);
  const auto profile = make_profile(tenant_1, profile_1);
  auto cmd = purchase_of(isv_app(), 3);

  cmd.term = isv::billing_term::monthly;
  const auto monthly = buy_as(org, isv_app(), {profile}, global_admin, cmd);
  REQUIRE(monthly.has_value());
  CHECK(monthly.value().state.term == isv::billing_term::monthly);
  CHECK(monthly.value().state.unit_price == isv::money{1'000, isv::currency{"EUR"}});
  CHECK(monthly.value().state.term_end ==
        std::optional<std::chrono::sys_seconds>{std::chrono::sys_days{std::chrono::year{2026} / 2 / 15}});

  cmd.term = isv::billing_term::annual;
  const auto annual = buy_as(org, isv_app(), {profile}, global_admin, cmd);
  REQUIRE(annual.has_value());
  CHECK(annual.value().state.term == isv::billing_term::annual);
  CHECK(annual.value().state.unit_price == isv::money{10'000, isv::currency{"EUR"}});
  CHECK(annual.value().state.term_end ==
        std::optional<std::chrono::sys_seconds>{std::chrono::sys_days{std::chrono::year{2027} / 1 / 15}});
}

TEST_CASE("an app without a valid price for the chosen term cannot be bought [D-PRICE-2] [D-ERR-1]") {
  const auto org = make_tenant(tenant_1);
  const auto profile = make_profile(tenant_1, profile_1);
  auto product = isv_app();
  product.annual_price = isv::money{10'000, isv::currency{}};
  auto cmd = purchase_of(product, 3);
  cmd.term = isv::billing_term::annual;
  const auto r = buy_as(org, product, {profile}, global_admin, cmd);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::invalid_argument);
  CHECK_THAT(r.error().message, says("annual price"));
  cmd.term = isv::billing_term::monthly;
  CHECK(buy_as(org, product, {profile}, global_admin, cmd).has_value());
}

TEST_CASE("a quantity of zero, a negative one or one above the maximum is refused at purchase [D-QTY-4]") {
  const auto org = make_tenant(tenant_1);
  const auto profile = make_profile(tenant_1, profile_1);
  for (const isv::count_t bad : {isv::count_t{0}, isv::count_t{-1}, isv::count_t{-100}}) {
    CAPTURE(bad);
    const auto r = buy_as(org, isv_app(), {profile}, global_admin, purchase_of(isv_app(), bad));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == isv::errc::invalid_argument);
    CHECK_THAT(r.error().message, says("positive whole number"));
    CHECK_THAT(r.error().message, says(std::to_string(bad)));
  }
  const auto huge = buy_as(org, isv_app(), {profile}, global_admin, purchase_of(isv_app(), isv::max_quantity + 1));
  REQUIRE_FALSE(huge.has_value());
  CHECK(huge.error().code == isv::errc::invalid_argument);
  CHECK_THAT(huge.error().message, says("at most " + std::to_string(isv::max_quantity)));

  const auto largest = buy_as(org, isv_app(), {profile}, global_admin, purchase_of(isv_app(), isv::max_quantity));
  REQUIRE(largest.has_value());
  CHECK(largest.value().state.quantity == std::optional{isv::max_quantity});
}

TEST_CASE("a SaaS subscription starts pending activation and becomes active when activated [D-ACT-1]") {
  const auto org = make_tenant(tenant_1);
  const auto profile = make_profile(tenant_1, profile_1);
  const auto r = buy_as(org, saas_app(), {profile}, global_admin, purchase_of(saas_app(), 5));
  REQUIRE(r.has_value());
  const auto& pending = r.value().state;
  CHECK(pending.kind == isv::app_kind::saas);
  CHECK(pending.status == isv::subscription_status::pending_activation);
  CHECK_FALSE(pending.term_start.has_value());

  const auto activated = isv::activate(pending, org.actor(global_admin), isv::activate_command{pending.id}, now);
  REQUIRE(activated.has_value());
  CHECK(activated.value().state.status == isv::subscription_status::active);
  CHECK(activated.value().state.term_start == std::optional{now});
}

TEST_CASE("an ISV app's subscription is active from purchase, its first term starting now [D-ACT-1]") {
  const auto org = make_tenant(tenant_1);
  const auto profile = make_profile(tenant_1, profile_1);
  const auto r = buy_as(org, isv_app(), {profile}, global_admin, purchase_of(isv_app(), 5));
  REQUIRE(r.has_value());
  CHECK(r.value().state.kind == isv::app_kind::isv);
  CHECK(r.value().state.status == isv::subscription_status::active);
  CHECK(r.value().state.term_start == std::optional{now});
  CHECK(r.value().state.purchased_at == now);
}

TEST_CASE("a purchase is pure and its event rebuilds the subscription it returned [D-PURE-1] [D-AUDIT-1]") {
  const auto org = make_tenant(tenant_1);
  const auto profile = make_profile(tenant_1, profile_1);
  const auto first = buy_as(org, saas_app(), {profile}, billing_admin, purchase_of(saas_app(), 7));
  const auto second = buy_as(org, saas_app(), {profile}, billing_admin, purchase_of(saas_app(), 7));
  REQUIRE(first.has_value());
  REQUIRE(second.has_value());
  CHECK(first.value().state == second.value().state);
  CHECK(first.value().events == second.value().events);
  const auto replayed = isv::replay_subscription<traits>(subscription_1, first.value().events);
  REQUIRE(replayed.has_value());
  CHECK(replayed.value().first == first.value().state);
  CHECK(replayed.value().first.version == 1);
}

TEST_CASE("installing a bought ISV app hands over its link and makes it available [D-INSTALL-1]") {
  auto w = world::with_seats(5);
  REQUIRE_FALSE(w.sub.installed);
  const auto r = isv::install(w.sub, isv_app(), w.as(global_admin), isv::install_command{subscription_1}, now);
  REQUIRE(r.has_value());
  CHECK(r.value().link == "https://apps.contoso.example/install");
  CHECK(r.value().state.installed);
  REQUIRE(r.value().events.size() == 1);
  const auto* installed = std::get_if<app_installed>(&r.value().events.front().payload);
  REQUIRE(installed != nullptr);
  CHECK(installed->link == r.value().link);
  w.apply(r.value().events);
  CHECK(w.sub == r.value().state);
}

TEST_CASE("an install link that is not https: is never handed over [D-INSTALL-1] [D-ERR-1]") {
  for (const std::string link : {"javascript:alert(1)", "file:///etc/passwd", "http://apps.contoso.example/install",
                                 "https://", " https://apps.contoso.example", "data:text/html,hi"}) {
    CAPTURE(link);
    auto product = isv_app();
    product.install_link = link;
    const auto w = world::with(product, 5);
    const auto r = isv::install(w.sub, product, w.as(global_admin), isv::install_command{subscription_1}, now);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == isv::errc::invalid_argument);
    CHECK_THAT(r.error().message, says("not an https: link"));
  }
  auto product = isv_app();
  product.install_link = "HTTPS://apps.contoso.example/install";
  const auto w = world::with(product, 5);
  CHECK(isv::install(w.sub, product, w.as(global_admin), isv::install_command{subscription_1}, now).has_value());
}

TEST_CASE("installing an app again hands over the link and changes nothing [D-INSTALL-1]") {
  auto w = world::with_seats(5);
  const auto first = isv::install(w.sub, isv_app(), w.as(global_admin), isv::install_command{subscription_1}, now);
  REQUIRE(first.has_value());
  w.apply(first.value().events);
  const auto before = w.sub;
  const auto again = isv::install(w.sub, isv_app(), w.as(global_admin), isv::install_command{subscription_1}, now);
  REQUIRE(again.has_value());
  CHECK(again.value().link == first.value().link);
  CHECK(again.value().events.empty());
  CHECK(again.value().state == before);
}

TEST_CASE("a SaaS app cannot be installed: it is configured in the publisher's portal [D-INSTALL-1] [D-PORTAL-1]") {
  const auto w = world::with(saas_app(), 5);
  const auto r = isv::install(w.sub, saas_app(), w.as(global_admin), isv::install_command{subscription_1}, now);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::invalid_argument);
  CHECK_THAT(r.error().message, says("SaaS"));
  CHECK_THAT(r.error().message, says("publisher's portal"));
}

TEST_CASE("installing needs the Global administrator [D-INSTALL-1] [D-ROLE-3]") {
  const auto w = world::with_seats(5);
  for (const auto who : {billing_admin, license_admin, user_admin, global_reader}) {
    CAPTURE(who);
    const auto r = isv::install(w.sub, isv_app(), w.as(who), isv::install_command{subscription_1}, now);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == isv::errc::permission_denied);
    CHECK_THAT(r.error().message, says("install an app"));
    CHECK_THAT(r.error().message, says("Global administrator"));
  }
}
