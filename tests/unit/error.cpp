// Tests of error.hpp: isv::errc in std::error_code, result<T>::value() throwing std::system_error, and refusals a person can act on (D-ERR-1).
#include "fixture_b.hpp"

#include <set>
#include <stdexcept>
#include <system_error>

using namespace fixture_b;
using isv::errc;

namespace {

// Every enumerator, as its description lists them. The enum starts at 1 (0 is success), so the
// description must list 1..N in order; the category's message switch is complete (-Wswitch), so
// N + 1 having no message proves no enumerator was left out of the description at the end.
const auto& all_errc = isv::enum_values<errc>;

} // namespace

TEST_CASE("errc's description lists every enumerator, 1..N in order [D-ERR-1]") {
  for (std::size_t i = 0; i < all_errc.size(); ++i) CHECK(static_cast<std::size_t>(all_errc[i]) == i + 1);
  CHECK(isv::error_category().message(static_cast<int>(all_errc.size()) + 1) == "unknown isv-licensing error");
  CHECK(isv::error_category().message(static_cast<int>(errc::corrupt_data)) == "stored data is corrupt");
}

TEST_CASE("errc plugs into std::error_code, no value is success [D-ERR-1]") {
  std::set<int> values;
  std::set<std::string> messages;
  std::set<std::string_view> names;
  for (const auto e : all_errc) {
    INFO(isv::to_string(e));
    const std::error_code ec = e; // implicit, through is_error_code_enum and ADL make_error_code
    CHECK(ec == isv::make_error_code(e));
    CHECK(ec.value() != 0);
    CHECK(static_cast<bool>(ec)); // an error, never success
    CHECK(&ec.category() == &isv::error_category());
    CHECK(std::string(ec.category().name()) == "isv-licensing");
    CHECK(ec.message() != "unknown isv-licensing error");
    CHECK(values.insert(ec.value()).second);
    CHECK(messages.insert(ec.message()).second);
    CHECK(names.insert(isv::to_string(e)).second);
    CHECK(isv::to_string(e) != "unknown");
  }
  CHECK(std::error_code(errc::seats_exhausted).message() == "not enough seats");
  CHECK(isv::to_string(errc::seats_exhausted) == "seats_exhausted");
  CHECK(std::error_code(errc::conflict) != std::error_code(errc::stale_preview));
  CHECK(std::error_code(errc::permission_denied) != std::make_error_code(std::errc::permission_denied)); // another category
  CHECK(isv::error_category().message(0) == "unknown isv-licensing error");
}

TEST_CASE("value() of a refusal throws std::system_error with the code and the message [D-ERR-1]") {
  const isv::result<int> refused_result = isv::fail(errc::seats_exhausted, "Raise the quantity by 2.");
  REQUIRE(refused_result.has_error());
  CHECK(refused_result.error() == isv::error{errc::seats_exhausted, "Raise the quantity by 2."});
  try {
    (void)refused_result.value();
    FAIL("value() of a failure did not throw");
  } catch (const std::system_error& e) {
    CHECK(e.code() == errc::seats_exhausted);
    CHECK_THAT(std::string(e.what()), has("Raise the quantity by 2."));
  }

  // The same through a real operation.
  auto w = make_world();
  w.buy(isv::subscription_id{20}, saas_per_user(), 1);
  const auto r = isv::assign(w.sub(isv::subscription_id{20}), w.book(isv::subscription_id{20}), w.dir, w.actor(license_admin),
                             isv::assign_command{isv::subscription_id{20}, {member(1)}, {}}, t0);
  CHECK_THROWS_AS(r.value(), std::system_error);
  try {
    (void)r.value();
  } catch (const std::system_error& e) {
    CHECK(e.code() == errc::pending_activation);
    CHECK_THAT(std::string(e.what()), has("Activate it in the publisher's portal first"));
  }
  const isv::result<int> fine = 7;
  CHECK(fine.value() == 7);
}

TEST_CASE("refusals say what to do and name what they are about [D-ERR-1]") {
  auto w = make_world();
  const isv::subscription_id sub_id{20};
  w.activate(w.buy(sub_id, saas_per_user(), 2));
  w.assign(sub_id, {member(1), member(2)});
  const auto& s = w.sub(sub_id);

  CHECK_THAT(refused(isv::assign(s, w.book(sub_id), w.dir, w.actor(license_admin), isv::assign_command{sub_id, {member(3)}, {}}, t0),
                     errc::seats_exhausted),
             has("subscription 20") && has("Raise the quantity by 1") && has("nothing was assigned"));
  CHECK_THAT(refused(isv::assign(s, w.book(sub_id), w.dir, w.actor(license_admin), isv::assign_command{sub_id, {isv::user_id{999}}, {}}, t0),
                     errc::not_found),
             has("user 999 is not a user of tenant 1"));
  CHECK_THAT(refused(isv::assign(s, w.book(sub_id), w.dir, w.actor(license_admin), isv::assign_command{sub_id, {}, {}}, t0),
                     errc::invalid_argument),
             has("list at least one user or group"));
  CHECK_THAT(refused(isv::assign(s, w.book(sub_id), w.dir, w.actor(license_admin),
                                 isv::assign_command{sub_id, {member(3), member(3)}, {}}, t0),
                     errc::invalid_argument),
             has("user 103 is listed twice"));
  CHECK_THAT(refused(isv::change_quantity(s, w.actor(global_admin), isv::change_quantity_command{sub_id, 1}, t0),
                     errc::quantity_below_in_use),
             has("unassign 1 license first"));

  auto elsewhere = make_world();
  elsewhere.org = make_tenant(home_tenant, "JP");
  const auto msg = refused(isv::purchase(elsewhere.org, saas_per_user(), elsewhere.profiles(), elsewhere.all_subs(), elsewhere.actor(global_admin),
                                         isv::purchase_command{sub_id, saas_per_user().id, isv::acquisition_channel::direct,
                                                               isv::billing_term::monthly, 1, true, main_profile, true},
                                         t0),
                           errc::unsupported_region);
  CHECK_THAT(msg, has("Japan (JP)") && has("Germany (DE)")); // D-BUY-5: code and name

  // After a refusal the world is as it was: nothing to undo.
  CHECK(w.sub(sub_id).licenses_in_use == 2);
  CHECK(w.sub(sub_id).quantity == 2);
}
