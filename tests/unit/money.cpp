// Tests of money.hpp: currencies, checked arithmetic in minor units, formatting, and what an overflow does to an invoice (D-BILL-1, D-ERR-1).
#include "fixture_b.hpp"

#include <cstdint>
#include <limits>

using namespace fixture_b;
using isv::errc;

TEST_CASE("a currency is three capital letters [D-BILL-1]") {
  CHECK(isv::currency{"EUR"}.is_valid());
  CHECK(isv::currency{"EUR"}.code() == "EUR");
  CHECK(isv::currency{"USDX"}.code() == "USD"); // the first three characters
  CHECK_FALSE(isv::currency{"eur"}.is_valid());
  CHECK_FALSE(isv::currency{"EU"}.is_valid());
  CHECK_FALSE(isv::currency{}.is_valid());
  CHECK(isv::currency{"EUR"} == eur);
  CHECK(isv::currency{"EUR"} != isv::currency{"USD"});
  static_assert(isv::currency{"GBP"}.is_valid());
}

TEST_CASE("checked arithmetic refuses overflow and mixed currencies [D-BILL-1]") {
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  const isv::money ten{1000, eur};
  CHECK(isv::checked_multiply(ten, std::int64_t{7}) == isv::money{7000, eur});
  CHECK(isv::checked_multiply(ten, std::int64_t{0}) == isv::money{0, eur});
  CHECK_FALSE(isv::checked_multiply(isv::money{max / 2 + 1, eur}, std::int64_t{2}));
  // A count of another integer type than the amount (a custom traits' money_rep): checked exactly.
  CHECK(isv::checked_multiply(isv::basic_money<std::int32_t>{2, eur}, std::int64_t{1000}) == isv::basic_money<std::int32_t>{2000, eur});
  CHECK_FALSE(isv::checked_multiply(isv::basic_money<std::int32_t>{2, eur}, std::int64_t{2'000'000'000}));
  CHECK_FALSE(isv::checked_multiply(isv::basic_money<std::int32_t>{1, eur}, std::int64_t{1} << 40));
  CHECK(isv::checked_add(ten, isv::money{5, eur}) == isv::money{1005, eur});
  CHECK_FALSE(isv::checked_add(ten, isv::money{5, isv::currency{"USD"}}));
  CHECK_FALSE(isv::checked_add(isv::money{max, eur}, isv::money{1, eur}));
  CHECK(isv::checked_add(isv::money{max, eur}, isv::money{-1, eur}) == isv::money{max - 1, eur});
}

TEST_CASE("money prints with two decimals and its currency, for messages [D-BILL-1, D-ERR-1]") {
  CHECK(isv::to_string(isv::money{1234, isv::currency{"USD"}}) == "12.34 USD");
  CHECK(isv::to_string(isv::money{5, eur}) == "0.05 EUR");
  CHECK(isv::to_string(isv::money{-5, eur}) == "-0.05 EUR");
  CHECK(isv::to_string(isv::money{100, eur}) == "1.00 EUR");
  CHECK(isv::to_string(isv::money{std::numeric_limits<std::int64_t>::min(), eur}) == "-92233720368547758.08 EUR");
}

TEST_CASE("an invoice too large to represent is refused, not wrapped [D-BILL-1, D-ERR-1]") {
  auto w = make_world();
  auto pricey = saas_per_user();
  pricey.monthly_price = isv::money{std::numeric_limits<std::int64_t>::max() / 10, eur};
  const isv::subscription_id sub_id{20};
  w.buy(sub_id, pricey, 11);
  // The term's charge is computed when the term starts: the activation is refused, not wrapped.
  CHECK_THAT(refused(isv::activate(w.sub(sub_id), w.actor(global_admin), isv::activate_command{sub_id}, t0), errc::overflow),
             has("subscription 20") && has("too large"));
  CHECK(w.sub(sub_id).status == isv::subscription_status::pending_activation);

  // Two lines whose sum overflows.
  auto w2 = make_world();
  auto half = saas_flat();
  half.monthly_price = isv::money{std::numeric_limits<std::int64_t>::max() / 2 + 1, eur};
  w2.activate(w2.buy(isv::subscription_id{21}, half, std::nullopt));
  w2.activate(w2.buy(isv::subscription_id{22}, half, std::nullopt));
  const auto subs2 = w2.all_subs();
  CHECK_THAT(refused(isv::issue_invoice(w2.profile(main_profile), std::span<const isv::subscription>(subs2),
                                        issue_command{isv::invoice_id{30}, main_profile}, t0),
                     errc::overflow),
             has("the total is too large"));
}
