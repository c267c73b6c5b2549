// Fields added to a record after release 0.1.0 (ISV_ADDED_AFTER_0_1): data of 0.1.0 keeps its meaning in the stored format, in JSON and in the idempotency fingerprint, shown on records defined here and coded by the library's generic entry points.
#include "support/catch.hpp"

#include "isv/detail/fields.hpp"
#include "isv/detail/record.hpp"
#include "isv/fingerprint.hpp"
#include "isv/json.hpp"
#include "isv/storage/detail/codec.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evolving {

/// An invoice line as release 0.1.0 had it...
struct line_of_0_1 {
  isv::count_t seats = 0;
  std::string label;
  ISV_RECORD(line_of_0_1, (seats, label))
};

/// ...and as it is now, with two fields added. The defaults are not the types' own ("charge" is
/// no empty string) so that the tests show which default an old record reads as.
struct line {
  isv::count_t seats = 0;
  std::string label;
  std::string kind = "charge";
  std::optional<std::string> note;
  ISV_ADDED_AFTER_0_1(kind)
  ISV_RECORD(line, (seats, label, kind, note))
};

/// A record with no added field of its own that holds records with added fields, in a list.
struct order_of_0_1 {
  isv::user_id buyer{};
  std::vector<line_of_0_1> lines;
  bool urgent = false;
  ISV_RECORD(order_of_0_1, (buyer, lines, urgent))
};
struct order {
  isv::user_id buyer{};
  std::vector<line> lines;
  bool urgent = false;
  ISV_RECORD(order, (buyer, lines, urgent))
};

/// A command of 0.1.0 that gained an optional field (like a purchase command's plan).
struct buy_of_0_1 {
  isv::subscription_id subscription{};
  isv::count_t quantity = 1;
  ISV_RECORD(buy_of_0_1, (subscription, quantity))
};
struct buy {
  isv::subscription_id subscription{};
  isv::count_t quantity = 1;
  std::optional<std::string> plan;
  ISV_ADDED_AFTER_0_1(plan)
  ISV_RECORD(buy, (subscription, quantity, plan))
};

/// Records whose added field is a number, as the fields before it: positions alone tell them apart.
struct step {
  isv::count_t from = 0;
  isv::count_t extra = 0;
  ISV_ADDED_AFTER_0_1(extra)
  ISV_RECORD(step, (from, extra))
};
struct steps {
  std::vector<step> list;
  ISV_RECORD(steps, (list))
};

} // namespace evolving

namespace isv::json::detail {
template <> inline constexpr std::string_view record_noun<evolving::line_of_0_1> = "a line";
template <> inline constexpr std::string_view record_noun<evolving::line> = "a line";
template <> inline constexpr std::string_view record_noun<evolving::order_of_0_1> = "an order";
template <> inline constexpr std::string_view record_noun<evolving::order> = "an order";
} // namespace isv::json::detail

namespace {

using evolving::buy;
using evolving::buy_of_0_1;
using evolving::line;
using evolving::line_of_0_1;
using evolving::order;
using evolving::order_of_0_1;

// Which fields are added is known at compile time, from the marker alone.
static_assert(isv::detail::has_added_fields<line> && isv::detail::first_added_field<line> == 2);
static_assert(!isv::detail::has_added_fields<order> && isv::detail::first_added_field<order> == 3); // none
static_assert(isv::detail::first_added_field<buy> == 2);
// Which types can hold such a record: checking a list of ids or of old records costs nothing.
static_assert(isv::detail::can_hold_added_fields<order>());
static_assert(isv::detail::can_hold_added_fields<std::optional<std::vector<line>>>());
static_assert(!isv::detail::can_hold_added_fields<order_of_0_1>());
static_assert(!isv::detail::can_hold_added_fields<std::vector<isv::user_id>>());

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += digits[b >> 4U];
    out += digits[b & 0x0FU];
  }
  return out;
}

std::string text_of(const auto& value) {
  auto text = isv::json::encode_text(value);
  REQUIRE(text.has_value());
  return text.value();
}

std::uint64_t fingerprint_of(const auto& cmd) {
  return isv::detail::fingerprint("buy", std::optional<isv::user_id>{isv::user_id{1}}, cmd);
}

const order_of_0_1 old_order{isv::user_id{9}, {{3, "seats"}, {1, "support"}}, true};

} // namespace

TEST_CASE("added fields: which hold their defaults is checked at any depth") {
  order o{isv::user_id{9}, {{3, "seats", "charge", {}}, {1, "support", "charge", {}}}, true};
  CHECK(isv::detail::added_fields_hold_defaults(o));
  o.lines[1].note = "";
  CHECK_FALSE(isv::detail::added_fields_hold_defaults(o)); // an empty note is not no note
  o.lines[1].note.reset();
  o.lines[1].kind = "";
  CHECK_FALSE(isv::detail::added_fields_hold_defaults(o)); // nor is an empty kind the default "charge"
  o.lines[1].kind = "charge";
  o.lines[0].seats = 0;
  o.urgent = false;
  CHECK(isv::detail::added_fields_hold_defaults(o)); // fields of 0.1.0 may hold anything
  CHECK(isv::detail::added_fields_hold_defaults(std::optional<line>{}));
}

TEST_CASE("stored format: a blob of 0.1.0 (format 1) reads with the added fields at their defaults [D-AUDIT-1]") {
  const std::string blob = isv::detail::sql::encode(line_of_0_1{3, "a"});
  REQUIRE(to_hex(blob) == "01060161"); // format 1, seats 3 (zigzag: 6), "a"
  const auto read = isv::detail::sql::decode<line>(blob, "line");
  REQUIRE(read.has_value());
  CHECK(read.value() == line{3, "a", "charge", std::nullopt});

  const auto orders = isv::detail::sql::decode<order>(isv::detail::sql::encode(old_order), "order");
  REQUIRE(orders.has_value());
  CHECK(orders.value() == order{isv::user_id{9}, {{3, "seats", "charge", {}}, {1, "support", "charge", {}}}, true});
}

TEST_CASE("stored format: a value whose added fields hold their defaults has the bytes of 0.1.0 (format 1)") {
  CHECK(isv::detail::sql::encode(line{3, "a", "charge", std::nullopt}) == isv::detail::sql::encode(line_of_0_1{3, "a"}));
  const order o{isv::user_id{9}, {{3, "seats", "charge", {}}, {1, "support", "charge", {}}}, true};
  const std::string blob = isv::detail::sql::encode(o);
  CHECK(blob == isv::detail::sql::encode(old_order));
  REQUIRE(!blob.empty());
  CHECK(blob[0] == '\1');
}

TEST_CASE("stored format: a set added field makes format 2, which holds every field and reads back") {
  const line l{3, "a", "credit", std::nullopt};
  const std::string blob = isv::detail::sql::encode(l);
  CHECK(to_hex(blob) == "02060161066372656469" "7400"); // format 2, 3, "a", "credit", no note
  const auto read = isv::detail::sql::decode<line>(blob, "line");
  REQUIRE(read.has_value());
  CHECK(read.value() == l);
  // A format 2 blob is no 0.1.0 blob: the old shape refuses it rather than misread it.
  CHECK(!isv::detail::sql::decode<line_of_0_1>(blob, "line").has_value());
}

TEST_CASE("stored format: one set added field deep in a list makes the whole blob format 2, every record with every field") {
  order o{isv::user_id{9}, {{3, "seats", "charge", {}}, {1, "support", "charge", "from the old plan"}}, true};
  const std::string blob = isv::detail::sql::encode(o);
  REQUIRE(!blob.empty());
  CHECK(blob[0] == '\2');
  CHECK(blob != isv::detail::sql::encode(old_order));
  const auto read = isv::detail::sql::decode<order>(blob, "order");
  REQUIRE(read.has_value());
  CHECK(read.value() == o);
  // Moving the note to the other line must give other bytes: the format is positional, so each
  // line carries its added fields, set or not.
  std::swap(o.lines[0].note, o.lines[1].note);
  CHECK(isv::detail::sql::encode(o) != blob);
  const auto swapped = isv::detail::sql::decode<order>(isv::detail::sql::encode(o), "order");
  REQUIRE(swapped.has_value());
  CHECK(swapped.value() == o);
}

TEST_CASE("stored format: a format byte other than 1 or 2 is refused as corrupt data [D-ERR-2]") {
  std::string blob = isv::detail::sql::encode(line{3, "a", "credit", std::nullopt});
  for (const char format : {'\0', '\3', '\x7f', '\xff'}) {
    blob[0] = format;
    const auto read = isv::detail::sql::decode<line>(blob, "line");
    REQUIRE_FALSE(read.has_value());
    CHECK(read.error().code == isv::errc::corrupt_data);
  }
  CHECK(isv::detail::sql::decode<line>(std::string_view{}, "line").error().code == isv::errc::corrupt_data);
  // A format 1 blob with the added fields after it is a blob with bytes left over.
  std::string padded = isv::detail::sql::encode(line{3, "a", "credit", std::nullopt});
  padded[0] = '\1';
  CHECK(isv::detail::sql::decode<line>(padded, "line").error().code == isv::errc::corrupt_data);
}

TEST_CASE("JSON: an added field holding its default is left out, so JSON of 0.1.0 is unchanged") {
  CHECK(text_of(line{3, "a", "charge", std::nullopt}) == R"({"label":"a","seats":3})");
  CHECK(text_of(line{3, "a", "charge", std::nullopt}) == text_of(line_of_0_1{3, "a"}));
  const order o{isv::user_id{9}, {{3, "seats", "charge", {}}, {1, "support", "charge", {}}}, true};
  CHECK(text_of(o) == text_of(old_order));
}

TEST_CASE("JSON: an added field holding another value is written, and read back") {
  const line l{3, "a", "credit", std::string("refund")};
  CHECK(text_of(l) == R"({"kind":"credit","label":"a","note":"refund","seats":3})");
  const order o{isv::user_id{9}, {{3, "seats", "charge", {}}, {1, "support", "credit", {}}}, false};
  CHECK(text_of(o) == R"({"buyer":"9","lines":[{"label":"seats","seats":3},{"kind":"credit","label":"support","seats":1}],"urgent":false})");
  const auto read = isv::json::decode<order>(text_of(o));
  REQUIRE(read.has_value());
  CHECK(read.value() == o);
}

TEST_CASE("JSON: an added field may be absent (its default) or present, others stay required [D-ERR-1]") {
  const auto old = isv::json::decode<line>(std::string_view(R"({"label":"a","seats":3})"));
  REQUIRE(old.has_value());
  CHECK(old.value() == line{3, "a", "charge", std::nullopt});
  const auto explicit_default = isv::json::decode<line>(std::string_view(R"({"kind":"charge","label":"a","note":null,"seats":3})"));
  REQUIRE(explicit_default.has_value());
  CHECK(explicit_default.value() == old.value());
  const auto set = isv::json::decode<line>(std::string_view(R"({"kind":"credit","label":"a","seats":3})"));
  REQUIRE(set.has_value());
  CHECK(set.value().kind == "credit");

  const auto no_label = isv::json::decode<line>(std::string_view(R"({"kind":"credit","seats":3})"));
  REQUIRE_FALSE(no_label.has_value());
  CHECK(no_label.error().message == "Invalid JSON at \"/label\": the field \"label\" of a line is missing.");
  const auto wrong_kind = isv::json::decode<line>(std::string_view(R"({"kind":7,"label":"a","seats":3})"));
  REQUIRE_FALSE(wrong_kind.has_value());
  CHECK(wrong_kind.error().message.starts_with("Invalid JSON at \"/kind\""));
  const auto unknown = isv::json::decode<line>(std::string_view(R"({"kind":"credit","label":"a","seats":3,"knid":"x"})"));
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().message.starts_with("Invalid JSON at \"/knid\": unknown field"));
}

TEST_CASE("fingerprint: a command whose added field holds its default keeps its 0.1.0 fingerprint [D-IDEM-1]") {
  const buy_of_0_1 old{isv::subscription_id{7}, 12};
  CHECK(fingerprint_of(buy{isv::subscription_id{7}, 12, std::nullopt}) == fingerprint_of(old));
  CHECK(fingerprint_of(buy{isv::subscription_id{7}, 13, std::nullopt}) != fingerprint_of(old)); // fields of 0.1.0 still count
}

TEST_CASE("fingerprint: two commands differing only in a set added field differ [D-IDEM-1]") {
  const buy none{isv::subscription_id{7}, 12, std::nullopt};
  const buy basic{isv::subscription_id{7}, 12, std::string("basic")};
  const buy premium{isv::subscription_id{7}, 12, std::string("premium")};
  const buy empty{isv::subscription_id{7}, 12, std::string()};
  CHECK(fingerprint_of(basic) != fingerprint_of(none));
  CHECK(fingerprint_of(basic) != fingerprint_of(premium));
  CHECK(fingerprint_of(empty) != fingerprint_of(none)); // an empty plan is a plan
  CHECK(fingerprint_of(basic) == fingerprint_of(buy{isv::subscription_id{7}, 12, std::string("basic")}));
}

TEST_CASE("fingerprint and stored format: where in a list an added field is set is kept [D-IDEM-1]") {
  // Were each defaulted added field left out on its own, both would be (2 steps; 1, 5, 2): the
  // first with its first step's added field set to 5, the second with its last step's set to 2.
  const evolving::steps first{{{1, 5}, {2, 0}}};
  const evolving::steps second{{{1, 0}, {5, 2}}};
  CHECK(fingerprint_of(first) != fingerprint_of(second));
  CHECK(isv::detail::sql::encode(first) != isv::detail::sql::encode(second));
  const auto read = isv::detail::sql::decode<evolving::steps>(isv::detail::sql::encode(second), "steps");
  REQUIRE(read.has_value());
  CHECK(read.value() == second);
}
