// The idempotency fingerprint (D-IDEM-1): FNV-1a 64 over a canonical serialization, the same in every process; and the repository concept's shape.
#include "support/catch.hpp"

#include "isv/admin_center.hpp"
#include "isv/fingerprint.hpp"
#include "isv/repository.hpp"
#include "isv/storage/memory.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

// An independent FNV-1a 64 over explicit bytes, to check the builder against.
std::uint64_t fnv1a(const std::vector<unsigned char>& bytes) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const unsigned char b : bytes) {
    h ^= b;
    h *= 1099511628211ULL;
  }
  return h;
}

void put_u64(std::vector<unsigned char>& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i, v >>= 8) out.push_back(static_cast<unsigned char>(v & 0xffU));
}
void put_text(std::vector<unsigned char>& out, const std::string& s) {
  put_u64(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

} // namespace

TEST_CASE("fingerprint: the builder is FNV-1a 64, matching the published test vectors [D-IDEM-1]") {
  isv::detail::fingerprint_builder empty;
  CHECK(empty.value() == 0xcbf29ce484222325ULL);
  isv::detail::fingerprint_builder a;
  const unsigned char byte = 'a';
  a.bytes(&byte, 1);
  CHECK(a.value() == 0xaf63dc4c8601ec8cULL);
}

TEST_CASE("fingerprint: a command's bytes are canonical: little-endian integers, lengths first, presence bytes [D-IDEM-1]") {
  // assign to subscription 7: users 101 and 102, group 3, by user 1.
  const isv::assign_command cmd{isv::subscription_id{7}, {isv::user_id{101}, isv::user_id{102}}, {isv::group_id{3}}};
  std::vector<unsigned char> bytes;
  put_text(bytes, "isv-fingerprint-1");
  put_text(bytes, "assign");
  bytes.push_back(1); // the acting user is present
  put_u64(bytes, 1);
  put_u64(bytes, 7);
  put_u64(bytes, 2);
  put_u64(bytes, 101);
  put_u64(bytes, 102);
  put_u64(bytes, 1);
  put_u64(bytes, 3);
  CHECK(isv::detail::fingerprint("assign", std::optional<isv::user_id>{isv::user_id{1}}, cmd) == fnv1a(bytes));

  // A purchase: enums as 8-byte integers, an empty optional as one zero byte, bools as one byte.
  isv::purchase_command buy;
  buy.subscription = isv::subscription_id{9};
  buy.app = isv::app_id{4};
  buy.channel = isv::acquisition_channel::partner;
  buy.term = isv::billing_term::annual;
  buy.agreement_accepted = true;
  std::vector<unsigned char> expected;
  put_text(expected, "isv-fingerprint-1");
  put_text(expected, "purchase");
  expected.push_back(0); // the platform: no acting user
  put_u64(expected, 9);
  put_u64(expected, 4);
  put_u64(expected, static_cast<std::uint64_t>(isv::acquisition_channel::partner));
  put_u64(expected, static_cast<std::uint64_t>(isv::billing_term::annual));
  expected.push_back(0); // no quantity
  expected.push_back(1); // agreement accepted
  expected.push_back(0); // no billing profile
  expected.push_back(1); // auto-renew
  CHECK(isv::detail::fingerprint("purchase", std::optional<isv::user_id>{}, buy) == fnv1a(expected));
}

TEST_CASE("fingerprint: equal requests agree, another operation, user or field gives another fingerprint [D-IDEM-1]") {
  const auto fp = [](std::string_view op, std::uint64_t user, const auto& cmd) {
    return isv::detail::fingerprint(op, std::optional<isv::user_id>{isv::user_id{user}}, cmd);
  };
  const isv::assign_command cmd{isv::subscription_id{7}, {isv::user_id{101}}, {}};
  CHECK(fp("assign", 1, cmd) == fp("assign", 1, isv::assign_command{cmd}));
  CHECK(fp("assign", 1, cmd) != fp("assign", 2, cmd));
  CHECK(fp("assign", 1, cmd) != fp("unassign", 1, isv::unassign_command{cmd.subscription, cmd.users, cmd.groups}));
  CHECK(fp("assign", 1, cmd) != fp("assign", 1, isv::assign_command{cmd.subscription, {isv::user_id{102}}, {}}));
  // Moving an id from the user list to the group list changes the bytes (lengths come first).
  CHECK(fp("assign", 1, isv::assign_command{cmd.subscription, {isv::user_id{5}}, {}}) !=
        fp("assign", 1, isv::assign_command{cmd.subscription, {}, {isv::group_id{5}}}));
  CHECK(fp("create_group", 1, isv::create_group_command{isv::group_id{1}, "ab"}) !=
        fp("create_group", 1, isv::create_group_command{isv::group_id{1}, "ba"}));
  CHECK(fp("add_payment_method", 1,
           isv::basic_add_payment_method_command<isv::default_traits>{
               isv::billing_profile_id{1}, {isv::payment_method_id{2}, isv::payment_method_kind::credit_card, "Visa"}}) !=
        fp("add_payment_method", 1,
           isv::basic_add_payment_method_command<isv::default_traits>{
               isv::billing_profile_id{1}, {isv::payment_method_id{2}, isv::payment_method_kind::check_or_wire_transfer, "Visa"}}));
}

// The concepts accept the in-memory repository and reject what lacks a member.
namespace {
struct no_commit {
  using traits_type = isv::default_traits;
  using view_type = isv::memory_repository::view_type;
  isv::result<view_type> read(const isv::tenant_id&);
  isv::result<std::vector<isv::event>> events(const isv::tenant_id&, std::size_t);
  isv::result<void> create_tenant(isv::tenant);
  isv::result<void> add_app(isv::app);
};
} // namespace

static_assert(isv::repository<isv::memory_repository>);
static_assert(isv::repository_view<isv::memory_repository::view_type, isv::default_traits>);
static_assert(!isv::repository<no_commit>);
static_assert(!isv::repository<int>);
static_assert(!isv::repository_view<int, isv::default_traits>);

TEST_CASE("fingerprint: every event belongs to exactly one aggregate, named by its id [D-AUDIT-1]") {
  const isv::tenant_id t{1};
  const auto of = [&](auto payload) { return isv::aggregate_of(isv::event{t, std::nullopt, {}, payload}); };
  using traits = isv::default_traits;
  CHECK(of(isv::basic_role_granted<traits>{}) == isv::aggregate_ref{isv::aggregate_kind::tenants, 1});
  CHECK(of(isv::basic_members_added<traits>{isv::group_id{4}, {}}) == isv::aggregate_ref{isv::aggregate_kind::directories, 1});
  isv::subscription s;
  s.id = isv::subscription_id{8};
  CHECK(of(isv::basic_subscription_purchased<traits>{s}) == isv::aggregate_ref{isv::aggregate_kind::subscriptions, 8});
  CHECK(of(isv::basic_licenses_granted<traits>{isv::subscription_id{8}, {}, {}, {}}) ==
        isv::aggregate_ref{isv::aggregate_kind::subscriptions, 8});
  CHECK(of(isv::basic_payment_method_added<traits>{isv::billing_profile_id{6}, {}}) ==
        isv::aggregate_ref{isv::aggregate_kind::billing_profiles, 6});
  isv::invoice inv;
  inv.id = isv::invoice_id{5};
  CHECK(of(isv::basic_invoice_issued<traits>{inv}) == isv::aggregate_ref{isv::aggregate_kind::invoices, 5});
  CHECK(of(isv::basic_invoice_paid<traits>{isv::invoice_id{5}, {}}) == isv::aggregate_ref{isv::aggregate_kind::invoices, 5});
  CHECK(isv::creates_aggregate(isv::event{t, std::nullopt, {}, isv::basic_invoice_issued<traits>{inv}}));
  CHECK_FALSE(isv::creates_aggregate(isv::event{t, std::nullopt, {}, isv::basic_invoice_paid<traits>{}}));
}
