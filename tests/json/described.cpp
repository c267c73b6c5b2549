// The JSON codecs come from the records' descriptions: each special field gets its codec from the one rule table (isv/json/codecs.hpp), and a described record with a noun has a strict codec with no field list of its own.
#include "support/catch.hpp"

#include "isv/json.hpp"
#include "isv/licensing.hpp"

#include <boost/describe/class.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace {

using T = isv::default_traits;
namespace d = isv::json::detail;

/// The wire_field the rules give the field `name` of the record R.
template <class R>
struct rules_of {
  template <class F>
  static constexpr bool field_is(std::string_view name) {
    bool found = false;
    boost::mp11::mp_for_each<isv::detail::described_fields<R>>([&](auto desc) {
      using D = decltype(desc);
      if (std::string_view(D::name) == name) found = std::is_same_v<typename d::wire_rules::template field<R, D>, F>;
    });
    return found;
  }
};

template <class Codec>
using required = d::wire_field<Codec, d::presence::required>;
template <class Codec>
using optional = d::wire_field<Codec, d::presence::optional>;

// The rules, checked on the fields they were written for.
static_assert(rules_of<isv::subscription>::field_is<optional<d::version_codec>>("version"));
static_assert(rules_of<isv::subscription>::field_is<optional<d::quantity_codec>>("quantity"));
static_assert(rules_of<isv::subscription>::field_is<optional<d::count_codec>>("licenses_in_use"));
static_assert(rules_of<isv::basic_quantity_changed<T>>::field_is<optional<d::quantity_codec>>("from"));
static_assert(rules_of<isv::basic_billing_profile_changed<T>>::field_is<optional<isv::json::codec<isv::billing_profile_id>>>("from"));
static_assert(rules_of<isv::tenant>::field_is<optional<d::region_codec>>("region")); // D-BUY-5: old names read as codes
static_assert(rules_of<isv::contact_info>::field_is<optional<d::text_codec<d::address_text>>>("address"));
static_assert(rules_of<isv::app>::field_is<optional<d::text_codec<d::link_text>>>("install_link"));
static_assert(rules_of<isv::app>::field_is<optional<d::price_codec<isv::money>>>("annual_price"));
static_assert(rules_of<isv::subscription>::field_is<optional<isv::json::codec<isv::money>>>("unit_price"));
static_assert(rules_of<isv::error>::field_is<optional<d::text_codec<d::message_text>>>("message"));
static_assert(rules_of<isv::basic_license_paths<T>>::field_is<optional<d::sorted_set_codec<isv::json::codec<isv::group_id>>>>("groups"));
static_assert(rules_of<isv::assign_command>::field_is<optional<isv::json::codec<std::vector<isv::group_id>>>>("groups"));
static_assert(rules_of<isv::basic_licenses_granted<T>>::field_is<required<isv::json::codec<isv::group_id>>>("via"));
static_assert(rules_of<isv::basic_billing_role_command<T>>::field_is<required<isv::json::codec<isv::billing_role>>>("role"));
static_assert(rules_of<isv::event>::field_is<required<isv::json::codec<isv::user_id>>>("actor"));

} // namespace

/// A record the library does not know: described, with a noun, and nothing else.
struct probe_record {
  isv::subscription_id subscription{};
  isv::count_t quantity = 1;
  std::string label;
  std::optional<isv::group_id> via;
  std::optional<isv::user_id> owner;
  bool flag = false;
  friend bool operator==(const probe_record&, const probe_record&) = default;
  BOOST_DESCRIBE_CLASS(probe_record, (), (subscription, quantity, label, via, owner, flag), (), ())
};
namespace isv::json::detail {
template <>
inline constexpr std::string_view record_noun<probe_record> = "a probe record";
} // namespace isv::json::detail

TEST_CASE("a described record with a noun gets a strict codec from its description and the rules alone") {
  const probe_record p{isv::subscription_id{7}, 3, "Sales", std::nullopt, isv::user_id{4}, true};
  const auto doc = isv::json::encode(p);
  CHECK(doc.dump() == R"({"flag":true,"label":"Sales","owner":"4","quantity":3,"subscription":"7","via":null})");
  const auto back = isv::json::decode<probe_record>(doc);
  REQUIRE(back.has_value());
  CHECK(back.value() == p);

  auto unknown = doc;
  unknown["lable"] = "x";
  CHECK(isv::json::decode<probe_record>(unknown).error().message ==
        "Invalid JSON at \"/lable\": unknown field \"lable\"; the fields of a probe record are subscription, quantity, "
        "label, via, owner, flag.");
  auto no_via = doc;
  no_via.erase("via"); // `via` must be written, null or not
  CHECK(isv::json::decode<probe_record>(no_via).error().message ==
        "Invalid JSON at \"/via\": the field \"via\" of a probe record is missing (write null for none).");
  auto no_owner = doc;
  no_owner.erase("owner"); // any other optional may be left out
  REQUIRE(isv::json::decode<probe_record>(no_owner).has_value());
  CHECK(!isv::json::decode<probe_record>(no_owner).value().owner);
  auto zero = doc;
  zero["quantity"] = 0; // a quantity is a quantity in any record
  CHECK(isv::json::decode<probe_record>(zero).error().message.starts_with("Invalid JSON at \"/quantity\": a license quantity"));
  auto long_label = doc;
  long_label["label"] = std::string(d::max_name_bytes + 1, 'a'); // text is a name unless a rule says otherwise
  CHECK(isv::json::decode<probe_record>(long_label).error().message.starts_with("Invalid JSON at \"/label\": a name may be at most"));
}
