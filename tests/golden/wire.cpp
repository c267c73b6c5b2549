// Golden bytes of release 0.1.0: the JSON text, the stored SQL records and the idempotency fingerprints of a sample of every entity, command and event, compared with tests/golden/wire.golden.
//
// wire.golden was written ONCE, from the code of release 0.1.0, by this very program:
//
//     ISV_GOLDEN_WRITE=/path/to/tests/golden/wire.golden ./golden_wire
//
// With ISV_GOLDEN_WRITE set, the program writes every sample's bytes to that path (replacing the
// file) and then compares against what it wrote. Without it (ctest), it only reads the checked-in
// file. Do not regenerate the file to make a failure go away: a difference means that data written
// by release 0.1.0 (JSON documents, rows of a SQL database, idempotency records) would be read or
// matched differently. Only deliberately added samples justify new lines.
//
// Samples added since release 0.1.0 (the directory lifecycle's commands remove_users, delete_group
// and name_user, and the events users_removed, group_deleted and user_named; plans, proration and the
// marketplace: their commands and events, and values with
// the fields added after 0.1.0 set) have their lines
// appended at the end of the file, taken from a run with ISV_GOLDEN_WRITE pointing elsewhere; the
// lines of release 0.1.0 are as they were written.
//
// The file is plain text, one line per sample, `kind name<TAB>value`, in the order the samples are
// made; lines starting with '#' are comments. Kinds:
//   json         isv::json::encode_text(value), the JSON text as the library writes it;
//   sql          isv::detail::sql::encode(value), the binary record of the SQL repositories, lowercase hex;
//   fingerprint  isv::detail::fingerprint(operation, acting user, command) under the operation name the
//                admin center uses, 16 lowercase hex digits.
//
// Only names meant to outlive a redesign are used: isv::json's public functions, isv::detail::sql::
// encode/decode, isv::detail::fingerprint, and the entity, command and event type names. Samples are
// built by member assignment or with the helpers of tests/json/samples.hpp.
#include "json/samples.hpp"

#include "isv/admin_center.hpp"
#include "isv/fingerprint.hpp"
#include "isv/json.hpp"
#include "isv/licensing.hpp"
#include "isv/storage/detail/codec.hpp"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeindex>
#include <typeinfo>
#include <utility>
#include <variant>
#include <vector>

#ifndef ISV_GOLDEN_DIR
#error "ISV_GOLDEN_DIR must name the directory of wire.golden (tests/CMakeLists.txt passes it)"
#endif

namespace {

using samples::T;

// ---- Bytes as text -----------------------------------------------------------------------------

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(digits[b >> 4U]);
    out.push_back(digits[b & 0x0FU]);
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

std::string fingerprint_hex(std::uint64_t v) {
  std::string out(16, '0');
  for (std::size_t i = 16; i-- > 0; v >>= 4U) out[i] = "0123456789abcdef"[v & 0x0FU];
  return out;
}

// ---- The samples -------------------------------------------------------------------------------

/// One line of the golden file: its key ("kind name"), today's value, and a check that the golden
/// value reads back as the sample (empty: it does; else what went wrong).
struct golden_sample {
  std::string key;
  std::string value;
  std::function<std::optional<std::string>(const std::string&)> reads_back;
};

/// isv::json::decode<isv::error> yields a decoded_error: the error is inside.
template <class V, class D>
const V& unwrap(const D& decoded) {
  if constexpr (std::is_same_v<V, isv::error>) return decoded.error;
  else return decoded;
}

class sample_set {
public:
  /// The JSON text of a value; the golden text must decode to the same value, or to `decoded` where
  /// a later rule reads the old text differently (a tenant's old region name reads as its code, D-BUY-5).
  template <class V>
  void json(const std::string& name, const V& value, std::type_identity_t<std::optional<V>> decoded = std::nullopt) {
    const auto text = isv::json::encode_text(value);
    if (!text) {
      problems_.push_back("json " + name + ": encode_text failed: " + text.error().message);
      return;
    }
    add<V>("json " + name, text.value(), [expected = decoded.value_or(value)](const std::string& golden) -> std::optional<std::string> {
      const auto back = isv::json::decode<V>(std::string_view(golden));
      if (!back) return "the golden JSON does not decode: " + back.error().message;
      if (!(unwrap<V>(back.value()) == expected)) return std::string("the golden JSON decodes to another value than the sample");
      return std::nullopt;
    });
  }

  /// The SQL repositories' binary record of a value; decode(encode(x)) must give x back, and so
  /// must the golden bytes.
  template <class V>
  void sql(const std::string& name, const V& value) {
    const std::string blob = isv::detail::sql::encode(value);
    const auto again = isv::detail::sql::decode<V>(blob, name);
    if (!again) problems_.push_back("sql " + name + ": today's record does not decode: " + again.error().message);
    else if (!(again.value() == value)) problems_.push_back("sql " + name + ": decode(encode(x)) != x");
    add<V>("sql " + name, to_hex(blob), [value, name](const std::string& golden) -> std::optional<std::string> {
      const auto bytes = from_hex(golden);
      if (!bytes) return std::string("the golden value is not lowercase hex of whole bytes");
      const auto back = isv::detail::sql::decode<V>(*bytes, name);
      if (!back) return "the golden record does not decode: " + back.error().message;
      if (!(back.value() == value)) return std::string("the golden record decodes to another value than the sample");
      return std::nullopt;
    });
  }

  /// The idempotency fingerprint of a request under the admin center's operation name.
  template <class Command>
  void fingerprint(const std::string& operation, const std::optional<isv::user_id>& acting, const Command& cmd,
                   const std::string& variant = {}) {
    const std::uint64_t fp = isv::detail::fingerprint(operation, acting, cmd);
    operations_.insert(operation);
    add<Command>("fingerprint " + operation + (variant.empty() ? "" : " (" + variant + ")"), fingerprint_hex(fp),
                 [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  }

  [[nodiscard]] const std::vector<golden_sample>& all() const noexcept { return samples_; }
  [[nodiscard]] const std::vector<std::string>& problems() const noexcept { return problems_; }
  [[nodiscard]] const std::set<std::string>& operations() const noexcept { return operations_; }
  /// The kinds ("json", "sql", "fingerprint") sampled for a type.
  template <class V>
  [[nodiscard]] std::set<std::string> kinds_of() const {
    const auto it = kinds_.find(std::type_index(typeid(V)));
    return it == kinds_.end() ? std::set<std::string>{} : it->second;
  }
  [[nodiscard]] std::size_t count(std::string_view kind) const {
    std::size_t n = 0;
    for (const auto& s : samples_)
      if (s.key.compare(0, kind.size() + 1, std::string(kind) + " ") == 0) ++n;
    return n;
  }

private:
  template <class V, class Check>
  void add(std::string key, std::string value, Check&& check) {
    for (const auto& s : samples_)
      if (s.key == key) problems_.push_back("two samples are named \"" + key + "\"");
    if (key.find_first_of("\t\n\r") != std::string::npos || value.find_first_of("\t\n\r") != std::string::npos)
      problems_.push_back("sample \"" + key + "\" has a tab or a line break in its name or value");
    kinds_[std::type_index(typeid(V))].insert(key.substr(0, key.find(' ')));
    samples_.push_back({std::move(key), std::move(value), std::forward<Check>(check)});
  }

  std::vector<golden_sample> samples_;
  std::vector<std::string> problems_;
  std::set<std::string> operations_;
  std::map<std::type_index, std::set<std::string>> kinds_;
};

// Commands built by member assignment: each field is named, so a reordered struct still gives the
// same sample.
isv::install_command install() {
  isv::install_command c;
  c.subscription = samples::subscription_id;
  return c;
}
isv::reprocess_command reprocess() {
  isv::reprocess_command c;
  c.subscription = samples::subscription_id;
  return c;
}
isv::activate_command subscription_command() {
  isv::activate_command c;
  c.subscription = samples::subscription_id;
  return c;
}
isv::add_users_command add_users() {
  isv::add_users_command c;
  c.users = {isv::user_id{100}, isv::user_id{101}, isv::user_id{18446744073709551615U}};
  return c;
}
isv::create_group_command create_group() {
  isv::create_group_command c;
  c.group = samples::sales;
  c.name = "Sales — Nordics";
  return c;
}
isv::membership_command membership() {
  isv::membership_command c;
  c.group = samples::sales;
  c.users = {isv::user_id{100}, isv::user_id{101}};
  return c;
}
isv::role_command role() {
  isv::role_command c;
  c.user = isv::user_id{11};
  c.role = isv::directory_role::user_administrator;
  return c;
}
isv::change_quantity_command change_quantity() {
  isv::change_quantity_command c;
  c.subscription = samples::subscription_id;
  c.quantity = 30;
  return c;
}
isv::auto_renew_command auto_renew() {
  isv::auto_renew_command c;
  c.subscription = samples::subscription_id;
  c.auto_renew = false;
  return c;
}
isv::basic_change_billing_profile_command<T> change_billing_profile() {
  isv::basic_change_billing_profile_command<T> c;
  c.subscription = samples::subscription_id;
  c.profile = isv::billing_profile_id{6};
  return c;
}
isv::basic_create_billing_profile_command<T> create_billing_profile() {
  isv::basic_create_billing_profile_command<T> c;
  c.profile = samples::profile_id;
  c.name = "Contoso EU";
  c.contact = samples::contact();
  return c;
}
isv::basic_contact_info_command<T> contact_info() {
  isv::basic_contact_info_command<T> c;
  c.profile = samples::profile_id;
  c.contact.name = "Ana";
  c.contact.address = "Calle 1, Madrid";
  return c;
}
isv::basic_add_payment_method_command<T> add_payment_method() {
  isv::basic_add_payment_method_command<T> c;
  c.profile = samples::profile_id;
  c.method = samples::card();
  return c;
}
isv::basic_payment_method_command<T> payment_method() {
  isv::basic_payment_method_command<T> c;
  c.profile = samples::profile_id;
  c.method = samples::card_id;
  return c;
}
isv::basic_billing_role_command<T> billing_role(std::optional<isv::billing_role> r) {
  isv::basic_billing_role_command<T> c;
  c.profile = samples::profile_id;
  c.user = isv::user_id{12};
  c.role = r;
  return c;
}
isv::basic_issue_invoice_command<T> issue_invoice() {
  isv::basic_issue_invoice_command<T> c;
  c.invoice = samples::invoice_id;
  c.profile = samples::profile_id;
  return c;
}
isv::basic_pay_invoice_command<T> pay_invoice(std::optional<isv::payment_method_id> method) {
  isv::basic_pay_invoice_command<T> c;
  c.invoice = samples::invoice_id;
  c.method = method;
  return c;
}
isv::view_invoice_command view_invoice() {
  isv::view_invoice_command c;
  c.invoice = samples::invoice_id;
  return c;
}
isv::collect_overdue_command collect_overdue() {
  isv::collect_overdue_command c;
  c.invoice = samples::invoice_id;
  return c;
}
isv::advance_command advance(bool all) {
  isv::advance_command c;
  if (!all) c.subscriptions = {samples::subscription_id, isv::subscription_id{8}};
  return c;
}

// Commands added after release 0.1.0.
isv::change_plan_command change_plan() { return {samples::subscription_id, isv::plan_id{3}, std::nullopt}; }
isv::marketplace_activate_command marketplace_activate() {
  return {"6fa459ea-ee8a-3ca4-894e-db77e160355e", samples::subscription_id, samples::at(2026, 1, 16)};
}
isv::purchase_command purchase_on_plan() {
  auto c = samples::purchase_command();
  c.plan = isv::plan_id{2};
  return c;
}
isv::remove_users_command remove_users() {
  isv::remove_users_command c;
  c.users = {isv::user_id{100}, isv::user_id{18446744073709551615U}};
  return c;
}
isv::delete_group_command delete_group() {
  isv::delete_group_command c;
  c.group = samples::sales;
  return c;
}
isv::name_user_command name_user() {
  isv::name_user_command c;
  c.user = isv::user_id{100};
  c.name = "Zoë Ø";
  return c;
}
isv::reinstate_command reinstate() {
  isv::reinstate_command c;
  c.subscription = samples::subscription_id;
  return c;
}

isv::billing_profile empty_billing_profile() {
  isv::billing_profile b;
  b.id = samples::profile_id;
  b.tenant = samples::tenant_id;
  b.name = "Empty";
  return b;
}

isv::idempotency_record idempotency(std::string key, std::string operation, std::uint64_t fingerprint,
                                    std::vector<isv::event> events, isv::stored_value_t<T> value) {
  isv::idempotency_record r;
  r.key = std::move(key);
  r.operation = std::move(operation);
  r.fingerprint = fingerprint;
  r.events = std::move(events);
  r.value = std::move(value);
  return r;
}

/// The event payload types of release 0.1.0: the first alternatives of event_payload_t; later ones are appended.
constexpr std::ptrdiff_t payload_kinds_0_1_0 = 31;

/// Every sample, in the golden file's order.
const sample_set& all_samples() {
  static const sample_set set = [] {
    sample_set s;
    const auto events = samples::events();

    // ---- Entities: JSON, and the stored record of those the SQL repositories keep ----
    s.json("tenant", samples::tenant(), samples::tenant_read_today());
    s.json("admin_role", samples::admin_role());
    s.json("app", samples::app());
    s.json("monthly-only app", samples::monthly_only_app());
    s.json("subscription", samples::subscription());
    s.json("bare subscription", samples::bare_subscription());
    s.json("license", samples::license());
    s.json("license paths", samples::paths());
    s.json("count_violation", samples::violation());
    s.json("billing_profile", samples::billing_profile());
    s.json("empty billing_profile", empty_billing_profile());
    s.json("payment_method", samples::card());
    s.json("contact_info", samples::contact());
    s.json("invoice", samples::invoice());
    s.json("invoice_line", samples::invoice_line());
    s.json("assignment_report", samples::assignment_report());
    s.json("error", samples::error());

    // ---- Commands: JSON ----
    s.json("purchase_command", samples::purchase_command());
    s.json("vendor purchase_command", samples::vendor_purchase_command());
    s.json("install_command", install());
    s.json("assign_command", samples::assign_command());
    s.json("unassign_command", samples::unassign_command());
    s.json("unassign_preview", samples::unassign_preview());
    s.json("reprocess_command", reprocess());
    s.json("add_users_command", add_users());
    s.json("create_group_command", create_group());
    s.json("membership_command", membership());
    s.json("role_command", role());
    s.json("change_quantity_command", change_quantity());
    s.json("subscription_command", subscription_command());
    s.json("auto_renew_command", auto_renew());
    s.json("change_billing_profile_command", change_billing_profile());
    s.json("create_billing_profile_command", create_billing_profile());
    s.json("contact_info_command", contact_info());
    s.json("add_payment_method_command", add_payment_method());
    s.json("payment_method_command", payment_method());
    s.json("billing_role_command", billing_role(isv::billing_role::contributor));
    s.json("revoking billing_role_command", billing_role(std::nullopt));
    s.json("issue_invoice_command", issue_invoice());
    s.json("pay_invoice_command", pay_invoice(samples::card_id));
    s.json("default-method pay_invoice_command", pay_invoice(std::nullopt));
    s.json("view_invoice_command", view_invoice());
    s.json("collect_overdue_command", collect_overdue());
    s.json("advance_command", advance(false));
    s.json("empty advance_command", advance(true));
    s.json("remove_users_command", remove_users());
    s.json("delete_group_command", delete_group());
    s.json("name_user_command", name_user());
    s.json("reinstate_command", reinstate()); // added in 0.2.0
    // Added in 0.2.0: plans and proration (fields added after 0.1.0, set).
    s.json("change_plan_command", change_plan());
    s.json("purchase_command with a plan", purchase_on_plan());
    s.json("app_plan", samples::plan());
    s.json("app with plans", samples::planned_app());
    s.json("subscription on a plan", samples::planned_subscription());
    s.json("proration invoice_line", samples::proration_line());
    s.json("marketplace_decision", samples::marketplace_rejection()); // the marketplace (D-MKT-1..4)
    s.json("marketplace_subscribe_command", samples::marketplace_subscribe());
    s.json("marketplace_activate_command", marketplace_activate());
    s.json("marketplace_webhook_command", samples::marketplace_webhook());

    // ---- Events: JSON of the envelope and of the payload alone, and a log ----
    for (const auto& e : events) {
      const std::string name(isv::event_name<T>(e.payload));
      s.json("event " + name, e);
      s.json("payload " + name, e.payload);
    }
    // The log of release 0.1.0's payloads: the events added since have lines of their own above.
    s.json("event log", std::vector<isv::event>(events.begin(), events.begin() + payload_kinds_0_1_0));

    // ---- The SQL repositories' records ----
    s.sql("tenant", samples::tenant());
    s.sql("admin_role", samples::admin_role());
    s.sql("app", samples::app());
    s.sql("monthly-only app", samples::monthly_only_app());
    s.sql("subscription", samples::subscription());
    s.sql("bare subscription", samples::bare_subscription());
    s.sql("count_violation", samples::violation());
    s.sql("payment_method", samples::card());
    s.sql("contact_info", samples::contact());
    s.sql("invoice", samples::invoice());
    s.sql("invoice_line", samples::invoice_line());
    s.sql("assignment_report", samples::assignment_report());
    s.sql("unassign_preview", samples::unassign_preview());
    s.sql("app with plans", samples::planned_app()); // added in 0.2.0: format 2
    s.sql("subscription on a plan", samples::planned_subscription());
    s.sql("proration invoice_line", samples::proration_line());
    for (const auto& e : events) {
      const std::string name(isv::event_name<T>(e.payload));
      s.sql("event " + name, e); // the stored row's body: the whole envelope
      s.sql("payload " + name, e.payload);
    }
    // Idempotency records, one for each kind of stored value.
    const std::optional<isv::user_id> admin = isv::user_id{10};
    const std::optional<isv::user_id> platform{};
    s.sql("idempotency purchase (no value)",
          idempotency("k-purchase", "purchase", isv::detail::fingerprint("purchase", admin, samples::purchase_command()),
                      {events[6]}, std::monostate{}));
    s.sql("idempotency assign (assignment_report)",
          idempotency("k-assign", "assign", isv::detail::fingerprint("assign", admin, samples::assign_command()),
                      {events[9], events[11], events[13]}, samples::assignment_report()));
    s.sql("idempotency preview_unassign (unassign_preview)",
          idempotency("k-preview", "preview_unassign",
                      isv::detail::fingerprint("preview_unassign", admin, samples::unassign_command()), {},
                      samples::unassign_preview()));
    s.sql("idempotency issue_invoice (invoice)",
          idempotency("k-invoice", "issue_invoice", isv::detail::fingerprint("issue_invoice", platform, issue_invoice()),
                      {events[28]}, samples::invoice()));
    s.sql("idempotency install (link)",
          idempotency("k-install ünïcode", "install", isv::detail::fingerprint("install", admin, install()), {events[8]},
                      std::string("https://fabrikam.example/install?tenant=1")));
    s.sql("idempotency marketplace_webhook (marketplace_decision)",
          idempotency("k-marketplace", "marketplace_webhook",
                      isv::detail::fingerprint("marketplace_webhook", platform, samples::marketplace_webhook()), {events[37]},
                      samples::marketplace_rejection()));

    // ---- Fingerprints: every operation of the admin center under its name ----
    s.fingerprint("purchase", admin, samples::purchase_command());
    s.fingerprint("purchase", admin, samples::vendor_purchase_command(), "vendor");
    s.fingerprint("activate", admin, subscription_command());
    s.fingerprint("install", admin, install());
    s.fingerprint("change_quantity", admin, change_quantity());
    s.fingerprint("cancel", admin, subscription_command());
    s.fingerprint("set_auto_renew", admin, auto_renew());
    s.fingerprint("change_billing_profile", admin, change_billing_profile());
    s.fingerprint("assign", admin, samples::assign_command());
    s.fingerprint("preview_unassign", admin, samples::unassign_command());
    s.fingerprint("confirm_unassign", admin, samples::unassign_preview());
    s.fingerprint("reprocess", admin, reprocess());
    s.fingerprint("add_users", admin, add_users());
    s.fingerprint("create_group", admin, create_group());
    s.fingerprint("add_members", admin, membership());
    s.fingerprint("remove_members", admin, membership());
    s.fingerprint("grant_role", admin, role());
    s.fingerprint("revoke_role", admin, role());
    s.fingerprint("create_billing_profile", admin, create_billing_profile());
    s.fingerprint("change_contact_info", admin, contact_info());
    s.fingerprint("add_payment_method", admin, add_payment_method());
    s.fingerprint("remove_payment_method", admin, payment_method());
    s.fingerprint("set_default_payment_method", admin, payment_method());
    s.fingerprint("set_billing_role", admin, billing_role(isv::billing_role::contributor));
    s.fingerprint("set_billing_role", admin, billing_role(std::nullopt), "revoke");
    s.fingerprint("issue_invoice", platform, issue_invoice());
    s.fingerprint("view_invoice", admin, view_invoice());
    s.fingerprint("pay_invoice", admin, pay_invoice(samples::card_id));
    s.fingerprint("pay_invoice", admin, pay_invoice(std::nullopt), "default method");
    s.fingerprint("collect_overdue", platform, collect_overdue());
    s.fingerprint("advance_to", platform, advance(false));
    s.fingerprint("advance_to", platform, advance(true), "all");
    s.fingerprint("reinstate", platform, reinstate()); // added in 0.2.0
    s.fingerprint("purchase", platform, samples::purchase_command(), "no acting user");
    s.fingerprint("remove_users", admin, remove_users());
    s.fingerprint("delete_group", admin, delete_group());
    s.fingerprint("name_user", admin, name_user());
    s.fingerprint("change_plan", admin, change_plan()); // added in 0.2.0
    s.fingerprint("purchase", admin, purchase_on_plan(), "on a plan");
    s.fingerprint("marketplace_subscribe", platform, samples::marketplace_subscribe());
    s.fingerprint("marketplace_activate", platform, marketplace_activate());
    s.fingerprint("marketplace_webhook", platform, samples::marketplace_webhook());
    return s;
  }();
  return set;
}

// ---- The golden file -----------------------------------------------------------------------------

const std::string golden_path = std::string(ISV_GOLDEN_DIR) + "/wire.golden";

struct golden_file {
  std::map<std::string, std::string> values; ///< key -> value
  std::vector<std::string> order;            ///< keys in file order
  std::vector<std::string> problems;         ///< unreadable or repeated lines
};

void write_golden(const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  REQUIRE(out.good());
  out << "# Golden bytes of isv-licensing release 0.1.0: written once by tests/golden/wire.cpp (ISV_GOLDEN_WRITE); do not edit.\n"
      << "# One line per sample: kind name<TAB>value (json: JSON text; sql: stored record, hex; fingerprint: 64-bit, hex).\n";
  for (const auto& s : all_samples().all()) out << s.key << '\t' << s.value << '\n';
  out.close();
  REQUIRE_FALSE(out.fail());
}

/// The golden file, read once. With ISV_GOLDEN_WRITE set, it is written there first from today's code.
const golden_file& golden() {
  static const golden_file file = [] {
    std::string path = golden_path;
    if (const char* target = std::getenv("ISV_GOLDEN_WRITE"); target != nullptr && *target != '\0') {
      path = target;
      write_golden(path);
      WARN("ISV_GOLDEN_WRITE: wrote " << all_samples().all().size() << " samples to " << path);
    }
    golden_file g;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      g.problems.push_back("cannot open the golden file " + path);
      return g;
    }
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      if (!line.empty() && line.back() == '\r') line.pop_back(); // a checkout with CRLF line ends
      if (line.empty() || line[0] == '#') continue;
      const auto tab = line.find('\t');
      if (tab == std::string::npos) {
        g.problems.push_back(path + ":" + std::to_string(number) + ": no tab between name and value");
        continue;
      }
      auto key = line.substr(0, tab);
      if (g.values.count(key) != 0) {
        g.problems.push_back(path + ":" + std::to_string(number) + ": \"" + key + "\" appears twice");
        continue;
      }
      g.order.push_back(key);
      g.values.emplace(std::move(key), line.substr(tab + 1));
    }
    return g;
  }();
  return file;
}

/// Where two values first differ, for a message a person can follow.
std::string first_difference(const std::string& golden_value, const std::string& today) {
  std::size_t i = 0;
  while (i < golden_value.size() && i < today.size() && golden_value[i] == today[i]) ++i;
  const auto around = [&](const std::string& s) {
    const std::size_t from = i < 24 ? 0 : i - 24;
    return (from > 0 ? "..." : "") + s.substr(from, 64) + (from + 64 < s.size() ? "..." : "");
  };
  return "first difference at character " + std::to_string(i) + " (golden " + std::to_string(golden_value.size()) +
         " characters, today " + std::to_string(today.size()) + ")\n    golden: " + around(golden_value) +
         "\n    today:  " + around(today);
}

/// Compares every sample of one kind with its golden line, and checks that the golden value reads back.
/// `samples_of_kind`: how many release 0.1.0 had.
void compare_kind(const std::string& kind, std::size_t samples_of_kind) {
  const auto& g = golden();
  for (const auto& p : g.problems) FAIL_CHECK(p);
  for (const auto& p : all_samples().problems()) FAIL_CHECK(p);
  std::size_t compared = 0;
  for (const auto& s : all_samples().all()) {
    if (s.key.compare(0, kind.size() + 1, kind + " ") != 0) continue;
    ++compared;
    const auto it = g.values.find(s.key);
    if (it == g.values.end()) {
      FAIL_CHECK("sample \"" << s.key << "\" is missing from " << golden_path
                             << " (a sample added since release 0.1.0, or a renamed one?)");
      continue;
    }
    if (it->second != s.value)
      FAIL_CHECK("sample \"" << s.key << "\" differs from " << golden_path << ": "
                             << first_difference(it->second, s.value));
    if (const auto wrong = s.reads_back(it->second))
      FAIL_CHECK("sample \"" << s.key << "\": " << *wrong);
  }
  CHECK(compared == samples_of_kind);
}

template <class... V>
struct type_list {};

/// Every command type of the library and of the admin center (grep `_command` in include/isv),
/// with the preview that confirm_unassign takes.
using command_types =
    type_list<isv::purchase_command, isv::install_command, isv::assign_command, isv::unassign_command, isv::unassign_preview,
              isv::reprocess_command, isv::add_users_command, isv::create_group_command, isv::membership_command,
              isv::role_command, isv::change_quantity_command, isv::activate_command, isv::auto_renew_command,
              isv::basic_change_billing_profile_command<T>, isv::basic_create_billing_profile_command<T>,
              isv::basic_contact_info_command<T>, isv::basic_add_payment_method_command<T>,
              isv::basic_payment_method_command<T>, isv::basic_billing_role_command<T>,
              isv::basic_issue_invoice_command<T>, isv::basic_pay_invoice_command<T>, isv::view_invoice_command,
              isv::collect_overdue_command, isv::advance_command, isv::remove_users_command,
              isv::delete_group_command, isv::name_user_command, isv::reinstate_command, isv::change_plan_command,
              isv::marketplace_subscribe_command, isv::marketplace_activate_command, isv::marketplace_webhook_command>;

/// The entities, with whether the SQL repositories store them as a record of their own or inside one.
using json_entity_types =
    type_list<isv::tenant, isv::admin_role, isv::app, isv::subscription, isv::license, isv::basic_license_paths<T>,
              isv::count_violation, isv::billing_profile, isv::payment_method, isv::contact_info, isv::invoice,
              isv::invoice_line, isv::assignment_report, isv::error, isv::event, isv::event_payload_t<T>,
              std::vector<isv::event>, isv::app_plan, isv::marketplace_decision>;
using sql_types = type_list<isv::tenant, isv::admin_role, isv::app, isv::subscription, isv::count_violation,
                            isv::payment_method, isv::contact_info, isv::invoice, isv::invoice_line,
                            isv::assignment_report, isv::unassign_preview, isv::event, isv::event_payload_t<T>,
                            isv::idempotency_record>;

template <class... V>
void check_kind_covered(type_list<V...>, const std::string& kind) {
  const auto one = [&](const auto tag, const char* type_name) {
    using U = typename decltype(tag)::type;
    INFO("type " << type_name << ", kind " << kind);
    CHECK(all_samples().kinds_of<U>().count(kind) == 1);
  };
  (one(std::type_identity<V>{}, typeid(V).name()), ...);
}

} // namespace

TEST_CASE("golden: the samples cover every event payload type, every command type and every admin center operation") {
  constexpr std::size_t payload_kinds = std::variant_size_v<isv::event_payload_t<T>>;
  CHECK(payload_kinds == 40); // 31 in release 0.1.0: a new payload type needs a sample here and lines in wire.golden
  std::set<std::size_t> seen;
  for (const auto& e : samples::events()) seen.insert(e.payload.index());
  CHECK(seen.size() == payload_kinds);
  CHECK(samples::events().size() == payload_kinds);

  check_kind_covered(command_types{}, "json");
  check_kind_covered(command_types{}, "fingerprint");
  check_kind_covered(json_entity_types{}, "json");
  check_kind_covered(sql_types{}, "sql");
  // Every command of the variant has a sample; a new command needs one here and lines in wire.golden.
  std::set<std::string> operations;
  for (const auto name : isv::command_names<T>) operations.emplace(name);
  CHECK(operations.size() == 36); // 28 in release 0.1.0, then remove_users, delete_group, name_user, reinstate, change_plan,
                                  // marketplace_subscribe, marketplace_activate, marketplace_webhook
  CHECK(all_samples().operations() == operations);
  for (const auto& p : all_samples().problems()) FAIL_CHECK(p);
}

TEST_CASE("golden: the JSON text of every entity, command, event and error is release 0.1.0's [D-AUDIT-1][D-ERR-1]") {
  compare_kind("json", 140); // 108 in release 0.1.0
}

TEST_CASE("golden: the stored SQL record of every event, tenant, app, subscription, invoice and idempotency record is "
          "release 0.1.0's, and reads back [D-AUDIT-1][D-IDEM-1]") {
  compare_kind("sql", 102); // 80 in release 0.1.0
}

TEST_CASE("golden: the idempotency fingerprint of every admin center operation is release 0.1.0's [D-IDEM-1]") {
  compare_kind("fingerprint", 42); // 33 in release 0.1.0
}

TEST_CASE("golden: wire.golden holds exactly the samples' lines, no more, no fewer") {
  const auto& g = golden();
  for (const auto& p : g.problems) FAIL_CHECK(p);
  std::set<std::string> produced;
  for (const auto& s : all_samples().all()) produced.insert(s.key);
  for (const auto& key : g.order)
    if (produced.count(key) == 0)
      FAIL_CHECK(golden_path << " has the line \"" << key
                             << "\" that no sample produced (a sample removed or renamed since release 0.1.0?)");
  for (const auto& key : produced)
    if (g.values.count(key) == 0) FAIL_CHECK("sample \"" << key << "\" is missing from " << golden_path);
  CHECK(g.values.size() == produced.size());
  INFO("json " << all_samples().count("json") << ", sql " << all_samples().count("sql") << ", fingerprint "
               << all_samples().count("fingerprint"));
  CHECK(all_samples().all().size() == produced.size());
}
