// isv-admin's protocol: one JSON command line in, one JSON result or error line out, applied through the admin center on any repository.
#pragma once

#include <isv/admin_center.hpp>
#include <isv/json.hpp>
#include <isv/json/marketplace.hpp>
#include <isv/marketplace_link.hpp>
#include <isv/signing/issue.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace isv_admin {

using traits = isv::default_traits;
using time_point = traits::time_point;

/// Who a line must name as its actor.
enum class actor_kind {
  admin,    ///< an admin of the tenant: the operation is authorized against the roles the tenant granted
  founder,  ///< create_tenant: the user who becomes the tenant's first Global administrator
  platform, ///< renewals, invoices, payment collection: nobody acts, so no actor may be named
  none,     ///< reads and the app catalog: an actor would suggest an authorization that does not happen
};

/// One operation of the protocol, as --help shows it. `args` is an example of the "args" object.
struct operation_doc {
  std::string_view name;
  actor_kind actor;
  bool keyed; ///< accepts an idempotency key (every operation that may change state)
  std::string_view summary;
  std::string_view args;
};

// clang-format off
inline constexpr std::array operations{
  // ---- Set-up: a session can start from nothing
  operation_doc{"create_tenant", actor_kind::founder, false, "Create the tenant named by \"tenant\"; the actor becomes its first Global administrator.",
                R"({"name": "Contoso", "region": "DE"})"},
  operation_doc{"add_app", actor_kind::none, false, "Add an app to the catalog every tenant buys from (no \"tenant\" needed). Args: an app.",
                R"({"id": "3", "name": "Contoso Sign", "publisher": "Fabrikam", "kind": "saas", "pricing": "per_user", "monthly_price": {"minor_units": 1000, "currency": "EUR"}, "annual_price": {"minor_units": 10000, "currency": "EUR"}, "install_link": null})"},
  // ---- Directory and roles
  operation_doc{"add_users", actor_kind::admin, true, "Add users to the tenant's directory.", R"({"users": ["20", "21", "22"]})"},
  operation_doc{"create_group", actor_kind::admin, true, "Create a group.", R"({"group": "30", "name": "Sales"})"},
  operation_doc{"add_members", actor_kind::admin, true, "Add users to a group; the group's licenses follow (D-ASSIGN-2).", R"({"group": "30", "users": ["22"]})"},
  operation_doc{"remove_members", actor_kind::admin, true, "Remove users from a group; licenses it gave go unless another path remains (D-ASSIGN-5).", R"({"group": "30", "users": ["22"]})"},
  operation_doc{"name_user", actor_kind::admin, true, "Give a user a display name, by which the directory finds them (D-DIR-2).", R"({"user": "22", "name": "Megan Bowen"})"},
  operation_doc{"remove_users", actor_kind::admin, true, "Remove users from the tenant; every license they hold goes in the same commit (D-DIR-1).", R"({"users": ["22"]})"},
  operation_doc{"delete_group", actor_kind::admin, true, "Delete a group; licenses it alone gave go, its assignments and violations end (D-DIR-1).", R"({"group": "30"})"},
  operation_doc{"grant_role", actor_kind::admin, true, "Grant a directory role.", R"({"user": "8", "role": "license_administrator"})"},
  operation_doc{"revoke_role", actor_kind::admin, true, "Revoke a directory role.", R"({"user": "8", "role": "license_administrator"})"},
  // ---- Billing profiles
  operation_doc{"create_billing_profile", actor_kind::admin, true, "Create a billing profile; the actor becomes its owner.",
                R"({"profile": "50", "name": "Main", "contact": {"name": "Alex Wilber", "address": "1 Main Street, Berlin"}})"},
  operation_doc{"change_contact_info", actor_kind::admin, true, "Change a profile's contact name and billing address.",
                R"({"profile": "50", "contact": {"name": "Megan Bowen", "address": "2 Side Street, Berlin"}})"},
  operation_doc{"add_payment_method", actor_kind::admin, true, "Add a payment method to a profile; the first one pays invoices.",
                R"({"profile": "50", "method": {"id": "60", "kind": "credit_card", "label": "Visa ending 4242"}})"},
  operation_doc{"remove_payment_method", actor_kind::admin, true, "Remove a payment method.", R"({"profile": "50", "method": "60"})"},
  operation_doc{"set_default_payment_method", actor_kind::admin, true, "Choose the payment method that pays invoices.", R"({"profile": "50", "method": "60"})"},
  operation_doc{"set_billing_role", actor_kind::admin, true, "Grant, change or (role null) revoke a role on a profile.", R"({"profile": "50", "user": "9", "role": "invoice_manager"})"},
  // ---- Subscriptions
  operation_doc{"purchase", actor_kind::admin, true, "Buy a subscription to an app of the catalog.",
                R"({"subscription": "100", "app": "3", "channel": "direct", "term": "monthly", "quantity": 5, "agreement_accepted": true, "billing_profile": "50", "auto_renew": true})"},
  operation_doc{"activate", actor_kind::admin, true, "Activate a SaaS subscription (D-ACT-1).", R"({"subscription": "100"})"},
  operation_doc{"install", actor_kind::admin, true, "Install a bought ISV app; the value is the link to continue at.", R"({"subscription": "100"})"},
  operation_doc{"change_quantity", actor_kind::admin, true, "Change the number of seats.", R"({"subscription": "100", "quantity": 10})"},
  operation_doc{"change_plan", actor_kind::admin, true, "Move a subscription to another plan of its app, prorated (D-PLAN-2, D-PRORATE-1).",
                R"({"subscription": "100", "plan": "2", "quantity": null})"},
  operation_doc{"cancel", actor_kind::admin, true, "Cancel a subscription: deactivated for good (D-LIFE-2).", R"({"subscription": "100"})"},
  operation_doc{"set_auto_renew", actor_kind::admin, true, "Turn auto-renew on or off.", R"({"subscription": "100", "auto_renew": false})"},
  operation_doc{"change_billing_profile", actor_kind::admin, true, "Charge a subscription to another profile.", R"({"subscription": "100", "profile": "51"})"},
  // ---- Licenses
  operation_doc{"assign", actor_kind::admin, true, "Assign licenses to users and groups in one step; the value is the report.",
                R"({"subscription": "100", "users": ["20", "21"], "groups": ["30"]})"},
  operation_doc{"preview_unassign", actor_kind::admin, true, "See what an unassignment would remove; the value is the preview to confirm.",
                R"({"subscription": "100", "users": ["20"], "groups": []})"},
  operation_doc{"confirm_unassign", actor_kind::admin, true, "Confirm a preview, as preview_unassign returned it; refused if stale (D-UNASSIGN-1).",
                R"({"subscription": "100", "version": 4, "users": ["20"], "groups": [], "losing_license": ["20"], "keeping_license": [], "not_assigned": [], "groups_not_assigned": []})"},
  operation_doc{"reprocess", actor_kind::admin, true, "Give group members in count violation the seats that freed up (D-GROUP-1).", R"({"subscription": "100"})"},
  // ---- Invoices
  operation_doc{"issue_invoice", actor_kind::platform, true, "The platform invoices a profile; the value is the invoice.", R"({"invoice": "70", "profile": "50"})"},
  operation_doc{"view_invoice", actor_kind::admin, true, "Show an invoice to an admin with a role on its profile.", R"({"invoice": "70"})"},
  operation_doc{"pay_invoice", actor_kind::admin, true, "Pay an invoice (method null: the profile's default); reinstates what it suspended.", R"({"invoice": "70", "method": null})"},
  operation_doc{"collect_overdue", actor_kind::platform, true, "The platform marks a past-due invoice overdue and suspends what it charges (D-LIFE-4).", R"({"invoice": "70"})"},
  operation_doc{"advance_to", actor_kind::platform, true, "The platform's clock: renewals, expiries, ends of grace up to \"at\" (empty list: all).", R"({"subscriptions": []})"},
  operation_doc{"reinstate", actor_kind::platform, true, "The platform reinstates a suspended subscription within its grace (D-LIFE-4).", R"({"subscription": "100"})"},
  // ---- The marketplace's SaaS fulfillment (D-MKT-1..4)
  operation_doc{"link_marketplace", actor_kind::platform, false, "Link a marketplace subscription's GUID to a subscription id of the tenant, for good.",
                R"({"marketplace_subscription": "6a1d4c5e-8f2b-4a3c-9d7e-1b2c3d4e5f60", "subscription": "100"})"},
  operation_doc{"marketplace_subscribe", actor_kind::platform, true, "The marketplace resolved a purchase: record it, pending activation.",
                R"({"operation_id": "0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a01", "subscription": "100", "marketplace_subscription": "6a1d4c5e-8f2b-4a3c-9d7e-1b2c3d4e5f60", "app": "3", "plan": null, "quantity": 5, "term": "monthly", "billing_profile": "50", "sent_at": "2026-01-15T09:00:00Z"})"},
  operation_doc{"marketplace_activate", actor_kind::platform, true, "The publisher activates what the marketplace resolved (D-ACT-1).",
                R"({"operation_id": "0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a03", "subscription": "100", "sent_at": "2026-01-15T09:05:00Z"})"},
  operation_doc{"marketplace_webhook", actor_kind::platform, true, "Decide one webhook call, with the library's ids; the value is the decision.",
                R"({"operation_id": "0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a02", "subscription": "100", "action": "change_quantity", "plan": null, "quantity": 8, "sent_at": "2026-01-20T09:00:00Z", "reported_plan": null, "reported_quantity": null})"},
  operation_doc{"marketplace", actor_kind::platform, false, "The marketplace's webhook payload as it sent it, in \"payload\" (no \"tenant\": its subscriptionId's link says): the answer is the decision and what to report back.",
                R"({"id": "0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a04", "subscriptionId": "6a1d4c5e-8f2b-4a3c-9d7e-1b2c3d4e5f60", "planId": "silver", "quantity": 8, "action": "ChangeQuantity", "status": "InProgress", "timeStamp": "2026-01-21T09:00:00Z"})"},
  // ---- Reads
  operation_doc{"find_tenant", actor_kind::none, false, "The tenant.", R"({})"},
  operation_doc{"subscriptions", actor_kind::none, false, "The tenant's subscriptions.", R"({})"},
  operation_doc{"find_subscription", actor_kind::none, false, "One subscription.", R"({"subscription": "100"})"},
  operation_doc{"licenses", actor_kind::none, false, "A subscription's licenses.", R"({"subscription": "100"})"},
  operation_doc{"licenses_of_user", actor_kind::none, false, "A user's licenses.", R"({"user": "20"})"},
  operation_doc{"group_violations", actor_kind::none, false, "Members of a group left without a license, per subscription.", R"({"group": "30"})"},
  operation_doc{"check_access", actor_kind::none, false, "May the user use the subscription's app now (\"at\")? active, warning or inactive, with the reason (D-CHECK-1).",
                R"({"subscription": "100", "user": "20"})"},
  // ---- Signed license files (D-SIGN-1..3): need --signing-key and --key-id
  operation_doc{"issue_license_file", actor_kind::none, false, "A license file signed with the session's key, for a user who holds a license now (user null: the tenant's seats), valid for lifetime_days.",
                R"({"subscription": "100", "user": "20", "lifetime_days": 7})"},
  operation_doc{"public_key", actor_kind::none, false, "The session's key id and public key as PEM, for apps and for openssl (no \"tenant\").", R"({})"},
  operation_doc{"find_billing_profile", actor_kind::none, false, "One billing profile.", R"({"profile": "50"})"},
  operation_doc{"find_invoice", actor_kind::none, false, "One invoice.", R"({"invoice": "70"})"},
  operation_doc{"events", actor_kind::none, false, "The tenant's event log from position \"after\" (0: all).", R"({"after": 0})"},
};
// clang-format on

[[nodiscard]] inline const operation_doc* find_operation(std::string_view name) {
  for (const auto& op : operations)
    if (op.name == name) return &op;
  return nullptr;
}

/// Whether a line of the operation names a tenant: all but the app catalog, which every tenant
/// shares, and the session's public key.
[[nodiscard]] constexpr bool tenant_scoped(const operation_doc& op) noexcept {
  return op.name != "add_app" && op.name != "public_key";
}

/// Whether an operation is the platform's rather than a tenant admin's: its own (renewals,
/// invoices, overdue collection: no actor), a new tenant, and the app catalog every tenant shares.
/// Only a session started with --platform runs them.
[[nodiscard]] constexpr bool platform_operation(const operation_doc& op) noexcept {
  return op.actor == actor_kind::platform || op.actor == actor_kind::founder || op.name == "add_app";
}

/// A full example line of an operation, as --help prints it.
[[nodiscard]] inline std::string example_line(const operation_doc& op) {
  if (op.name == "marketplace") return R"({"op": "marketplace", "payload": )" + std::string(op.args) + "}";
  std::string line = "{";
  if (tenant_scoped(op)) line += R"("tenant": "1", )";
  if (op.actor == actor_kind::admin || op.actor == actor_kind::founder) line += R"("actor": "7", )";
  line += R"("op": ")" + std::string(op.name) + R"(", "args": )" + std::string(op.args);
  if (op.keyed) line += R"(, "idempotency_key": "k1")";
  return line + "}";
}

/// The one admin a session may act as (--actor TENANT:USER).
struct pinned_admin {
  isv::tenant_id tenant{};
  isv::user_id user{};
};

/// Reads "TENANT:USER" (two ids, such as "1:7").
[[nodiscard]] inline isv::result<pinned_admin> parse_pinned_admin(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos)
    return isv::fail(isv::errc::invalid_argument, "--actor takes TENANT:USER, two ids such as 1:7.");
  auto tenant = isv::json::decode<isv::tenant_id>(nlohmann::json(std::string(text.substr(0, colon))));
  auto user = isv::json::decode<isv::user_id>(nlohmann::json(std::string(text.substr(colon + 1))));
  if (!tenant || !user)
    return isv::fail(isv::errc::invalid_argument, "--actor takes TENANT:USER, two ids such as 1:7: " +
                                                      (tenant ? user.error().message : tenant.error().message));
  return pinned_admin{tenant.value(), user.value()};
}

/// The units of a clock-jump bound, largest first: a year is the Gregorian calendar's average (365.2425 days).
inline constexpr std::array<std::pair<char, std::chrono::seconds>, 4> duration_units{{
    {'y', std::chrono::duration_cast<std::chrono::seconds>(std::chrono::years{1})},
    {'d', std::chrono::duration_cast<std::chrono::seconds>(std::chrono::days{1})},
    {'h', std::chrono::duration_cast<std::chrono::seconds>(std::chrono::hours{1})},
    {'s', std::chrono::seconds{1}},
}};

/// "10y", "90d", "36h", "3600s": a whole number from 1 and one unit of duration_units.
[[nodiscard]] inline isv::result<std::chrono::seconds> parse_duration(std::string_view text) {
  const auto refused = [&] {
    return isv::fail(isv::errc::invalid_argument, "A duration is a whole number from 1 and a unit: y (years), d (days), h (hours) "
                                                  "or s (seconds), such as 10y or 90d; \"" + std::string(text) + "\" is not.");
  };
  if (text.size() < 2) return refused();
  std::int64_t n = 0;
  const auto digits = text.substr(0, text.size() - 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || end != digits.data() + digits.size() || n < 1) return refused();
  for (const auto& [unit, length] : duration_units) {
    std::int64_t total = 0;
    if (unit != text.back()) continue;
    if (__builtin_mul_overflow(n, length.count(), &total)) return refused();
    return std::chrono::seconds{total};
  }
  return refused();
}

/// A duration in the largest unit that divides it exactly: "10y", "90d", "3601s".
[[nodiscard]] inline std::string duration_text(std::chrono::seconds d) {
  for (const auto& [unit, length] : duration_units)
    if (d.count() % length.count() == 0) return std::to_string(d.count() / length.count()) + unit;
  return std::to_string(d.count()) + "s";
}

/// The bounds (D-LIMIT-1) and the trust of a session; isv-admin's options set them.
struct session_options {
  std::size_t max_line_bytes = std::size_t{1} << 20;          ///< --max-line-bytes: a longer line is refused unparsed
  std::size_t max_depth = isv::json::default_max_depth;       ///< --max-depth: arrays and objects inside one another
  std::size_t max_batch = 10'000;                             ///< --max-batch: entries of any list in "args"
  /// --max-clock-jump: how far one line may move a tenant's clock forward (its "at", or the session's clock).
  std::chrono::seconds max_clock_jump = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::years{10});
  std::optional<pinned_admin> admin{};                        ///< --actor: lines for another tenant or actor are refused
  /// --signing-key FILE --key-id ID: the key that signs license files; none: issue_license_file is refused.
  std::shared_ptr<const isv::license_issuer> issuer{};
  bool platform = false;                                      ///< --platform: the platform's operations are allowed
  isv::admin_center_options center{};
};

/// "create_tenant, add_app, ...": the operations only a session started with --platform runs.
[[nodiscard]] inline std::string platform_operation_names() {
  std::string out;
  for (const auto& op : operations)
    if (platform_operation(op)) out += (out.empty() ? "" : ", ") + std::string(op.name);
  return out;
}

/// The text of --help: the protocol and every operation with an example line.
[[nodiscard]] inline std::string help_text() {
  const session_options defaults;
  std::string out =
      "isv-admin: apply licensing operations read as JSON lines.\n"
      "\n"
      "usage: isv-admin (--db FILE | --memory) [options] < commands.jsonl\n"
      "\n"
      "  --db FILE             keep the state in a SQLite file (created if missing). \"\", \":memory:\" and\n"
      "                        \"file:\" URIs are refused: SQLite would keep the state in a temporary file or in memory\n"
      "  --memory              keep the state in memory only: it is lost when isv-admin exits (a throwaway session)\n"
      "  --max-line-bytes N    refuse a line longer than N bytes, unread (default " +
      std::to_string(defaults.max_line_bytes) +
      ")\n"
      "  --max-depth N         refuse a line nesting arrays and objects more than N deep (default " +
      std::to_string(defaults.max_depth) +
      ")\n"
      "  --max-batch N         refuse a line whose args hold a list of more than N entries (default " +
      std::to_string(defaults.max_batch) +
      ")\n"
      "  --max-clock-jump D    refuse a line that would move its tenant's clock forward by more than D, a whole\n"
      "                        number and a unit: y (years), d (days), h (hours), s (seconds) (default " +
      duration_text(defaults.max_clock_jump) +
      ")\n"
      "  --actor TENANT:USER   pin the session to one admin: a line naming another tenant or actor is refused\n"
      "  --signing-key FILE    sign license files (issue_license_file) with the Ed25519 key in FILE (PKCS#8 PEM,\n"
      "                        readable by its owner only); needs --key-id ID, the id every file names it by\n"
      "  --generate-key FILE   write a new signing key to FILE (created with mode 0600, never overwritten), print\n"
      "                        its public key as PEM and exit\n"
      "  --platform            allow the platform's operations; without it they are refused:\n"
      "                        " + platform_operation_names() + "\n"
      "  --help                this text\n"
      "One of --db and --memory is required: isv-admin never chooses for you where the state lives.\n"
      "A line past a bound is refused with the code limit_exceeded, naming the bound (D-LIMIT-1).\n"
      "\n"
      "Trust: isv-admin authenticates no one. It takes each line's \"actor\" on trust and authorizes the\n"
      "operation against the roles that user holds in the tenant, so whoever can write its input can act as any\n"
      "admin of any tenant. Give it only input you trust, or narrow what it accepts: --actor TENANT:USER refuses\n"
      "every line for another tenant or actor (permission_denied), and the platform's operations, which act for\n"
      "no admin (a new tenant, the app catalog, invoices, overdue collection, the clock), are refused\n"
      "(permission_denied) unless isv-admin was started with --platform.\n"
      "\n"
      "Each input line is one JSON object:\n"
      "  {\"tenant\": \"1\", \"actor\": \"7\", \"op\": \"assign\", \"args\": {...}, \"idempotency_key\": \"k1\", \"at\": \"2026-01-15T09:00:00Z\"}\n"
      "  tenant           the tenant's id (every operation but add_app)\n"
      "  actor            the acting user's id: required for admin operations, refused for platform operations and reads\n"
      "  op               one of the operations below\n"
      "  args             the operation's command in the library's JSON wire format (may be left out when empty)\n"
      "  idempotency_key  optional: a repeat with the same key returns the first result and changes nothing (D-IDEM-1)\n"
      "  at               optional: the time of the operation. If the line is accepted, the session's clock\n"
      "                   stays there for the following lines; a refused line moves nothing. The clock starts\n"
      "                   at the time isv-admin was started. Within a tenant time never moves backwards: a line\n"
      "                   acting before the tenant's last accepted line of the session is refused\n"
      "Blank lines and lines starting with '#' are skipped. Every other line gets one output line:\n"
      "  {\"ok\": true, \"events\": [...], \"value\": ...}\n"
      "  {\"ok\": false, \"error\": {\"code\": \"seats_exhausted\", \"message\": \"...\", \"path\": \"/args/users/2\"}}\n"
      "\"path\" is the JSON Pointer of the fault in the line, or null when the line was read but refused.\n"
      "A bad line gets an error line and isv-admin goes on with the next. Each answer is flushed before the\n"
      "next line is read; when one cannot be written (its reader went away), isv-admin stops there and exits 1.\n"
      "\n"
      "Operations:\n";
  for (const auto& op : operations) {
    out += "  " + std::string(op.name) + ": " + std::string(op.summary) + "\n";
    out += "    " + example_line(op) + "\n";
  }
  return out;
}

namespace detail {

/// How much of a name the line made up (a field, an operation) an answer quotes back (D-LIMIT-1).
inline constexpr std::size_t max_quoted_bytes = 64;

/// A name from the line, fit to quote: at most max_quoted_bytes, cut at a whole character and
/// marked with "…", so that an answer never echoes a name of any length.
[[nodiscard]] inline std::string shown(std::string_view name) {
  if (name.size() <= max_quoted_bytes) return std::string(name);
  std::size_t cut = max_quoted_bytes;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut; // not inside a UTF-8 character
  return std::string(name.substr(0, cut)) + "\u2026";
}

/// The JSON Pointer token of a key of the line, cut as shown() cuts it.
[[nodiscard]] inline std::string token(std::string_view key) { return isv::json::detail::pointer_token(shown(key)); }

inline constexpr std::string_view pointer_prefix = "Invalid JSON at \"";

/// A refusal as an error line. A decoding error names its place inside the decoded value; `base`
/// is where that value sits in the line, so the path points into the line.
[[nodiscard]] inline nlohmann::json error_line(const isv::error& e, std::optional<std::string> base) {
  std::string message = e.message;
  nlohmann::json path = nullptr;
  if (base && message.starts_with(pointer_prefix)) {
    const auto end = message.find('"', pointer_prefix.size());
    if (end != std::string::npos) {
      const std::string inner = message.substr(pointer_prefix.size(), end - pointer_prefix.size());
      path = *base + inner;
      message = std::string(pointer_prefix) + *base + inner + message.substr(end);
    }
  } else if (base) {
    path = *base;
  }
  return nlohmann::json{{"ok", false},
                        {"error", {{"code", std::string(isv::to_string(e.code))}, {"message", message}, {"path", path}}}};
}

[[nodiscard]] inline nlohmann::json refusal(isv::errc code, std::string message, std::optional<std::string> path) {
  return error_line(isv::error{.code = code, .message = std::move(message)}, std::move(path));
}

template <class Value>
[[nodiscard]] nlohmann::json encode_value(const Value& v) {
  if constexpr (std::is_same_v<Value, std::monostate>) return nullptr;
  else if constexpr (std::is_same_v<Value, std::string>) return v;
  else return isv::json::encode(v);
}

/// The JSON Pointer and length of the first list in `j` with more than `max` entries, if any. The
/// recursion is as deep as the line, which the parser bounded.
[[nodiscard]] inline std::optional<std::pair<std::string, std::size_t>> first_long_list(const nlohmann::json& j, std::size_t max,
                                                                                        const std::string& here) {
  if (j.is_array()) {
    if (j.size() > max) return std::pair{here, j.size()};
    for (std::size_t i = 0; i < j.size(); ++i)
      if (auto found = first_long_list(j[i], max, here + "/" + std::to_string(i))) return found;
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      if (auto found = first_long_list(it.value(), max, here + "/" + token(it.key()))) return found;
  }
  return std::nullopt;
}

[[nodiscard]] inline std::string time_text(const time_point& t) { return isv::json::encode(t).get<std::string>(); }
template <class Id>
[[nodiscard]] std::string id_text(const Id& id) {
  return isv::json::encode(id).template get<std::string>();
}

[[nodiscard]] inline nlohmann::json ok_line(const std::vector<isv::event>& events, nlohmann::json value) {
  return nlohmann::json{{"ok", true}, {"events", isv::json::encode(events)}, {"value", std::move(value)}};
}

} // namespace detail

/// Reads command lines and applies them through basic_admin_center<Repository>. Never throws for
/// a bad line (only std::bad_alloc escapes): every line gets a result or an error line.
template <isv::repository Repository>
class line_handler {
public:
  line_handler(Repository& repo, time_point start, session_options options = {})
      : repo_(&repo), center_(repo, options.center), now_(start), options_(options) {}

  /// The answer to one line (without its newline); none for a blank line or a '#' comment.
  [[nodiscard]] std::optional<std::string> handle(std::string_view line) {
    // Every line is bounded, comments too: the bound is checked before anything is read.
    if (line.size() > options_.max_line_bytes) return refuse_long_line(line.size());
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#') return std::nullopt;
    // A string that is not UTF-8 cannot come from a parsed line, but replace rather than throw.
    return respond(line).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

  /// The answer to a line too long to keep (the reader kept none of it): `bytes` long.
  [[nodiscard]] std::string refuse_long_line(std::size_t bytes) const {
    return detail::refusal(isv::errc::limit_exceeded,
                           "The line has " + std::to_string(bytes) + " bytes; a line may have at most " +
                               std::to_string(options_.max_line_bytes) +
                               " bytes (isv-admin --max-line-bytes), so it was not read (D-LIMIT-1).",
                           "")
        .dump();
  }

  [[nodiscard]] const time_point& now() const noexcept { return now_; }
  [[nodiscard]] const session_options& options() const noexcept { return options_; }

private:
  struct envelope {
    const operation_doc* op = nullptr;
    isv::tenant_id tenant{};
    std::optional<isv::user_id> actor{};
    std::string key{};
    nlohmann::json args = nlohmann::json::object();
    time_point at{};                ///< when the line acts: its "at", or the session's clock
    bool gives_at = false;          ///< whether the line has an "at"
  };

  nlohmann::json respond(std::string_view line) {
    // The library's strict parser: a key repeated in a line is refused, not silently resolved, and
    // nesting past the bound stops the parse before a deep tree exists to copy (D-LIMIT-1).
    auto parsed = isv::json::parse(line, {.max_depth = options_.max_depth});
    if (!parsed) {
      if (parsed.error().code == isv::errc::limit_exceeded) parsed.error().message += " Raise it with isv-admin --max-depth.";
      return detail::error_line(parsed.error(), std::string());
    }
    const nlohmann::json& doc = parsed.value();
    if (!doc.is_object()) return detail::refusal(isv::errc::invalid_argument, "A line must be one JSON object.", "");
    if (doc.contains("op") && doc["op"] == "marketplace") return marketplace_line(doc);
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      static constexpr std::array known{"tenant", "actor", "op", "args", "idempotency_key", "at"};
      if (std::find(known.begin(), known.end(), it.key()) == known.end())
        return detail::refusal(isv::errc::invalid_argument,
                               "Unknown field \"" + detail::shown(it.key()) +
                                   "\": a line has tenant, actor, op, args, idempotency_key and at.",
                               "/" + detail::token(it.key()));
    }
    envelope env;
    if (!doc.contains("op") || !doc["op"].is_string())
      return detail::refusal(isv::errc::invalid_argument, "Name the operation in \"op\" (a string); see isv-admin --help.", "/op");
    const auto& name = doc["op"].get_ref<const std::string&>();
    env.op = find_operation(name);
    if (env.op == nullptr) {
      std::string known;
      for (const auto& op : operations) known += (known.empty() ? "" : ", ") + std::string(op.name);
      return detail::refusal(isv::errc::invalid_argument,
                             "Unknown operation \"" + detail::shown(name) + "\"; known: " + known + ".", "/op");
    }
    if (tenant_scoped(*env.op)) {
      if (!doc.contains("tenant"))
        return detail::refusal(isv::errc::invalid_argument, "Name the tenant in \"tenant\" (an id such as \"1\").", "/tenant");
      auto tenant = isv::json::decode<isv::tenant_id>(doc["tenant"]);
      if (!tenant) return detail::error_line(tenant.error(), "/tenant");
      env.tenant = tenant.value();
    } else if (doc.contains("tenant")) {
      return detail::refusal(isv::errc::invalid_argument,
                             env.op->name == "add_app" ? "The app catalog is shared by every tenant: leave out \"tenant\"."
                                                       : "The session's public key is no tenant's: leave out \"tenant\".",
                             "/tenant");
    }
    const bool wants_actor = env.op->actor == actor_kind::admin || env.op->actor == actor_kind::founder;
    const bool has_actor = doc.contains("actor") && !doc["actor"].is_null();
    if (wants_actor && !has_actor)
      return detail::refusal(isv::errc::invalid_argument,
                             std::string(env.op->name) + " is done by an admin: name the acting user in \"actor\".", "/actor");
    if (!wants_actor && has_actor)
      return detail::refusal(isv::errc::invalid_argument,
                             std::string(env.op->name) +
                                 (env.op->actor == actor_kind::platform ? " is done by the platform" : " is not authorized as anyone") +
                                 ": leave out \"actor\".",
                             "/actor");
    if (has_actor) {
      auto actor = isv::json::decode<isv::user_id>(doc["actor"]);
      if (!actor) return detail::error_line(actor.error(), "/actor");
      env.actor = actor.value();
    }
    // The session's trust (see --help): the platform's operations need --platform, and a session
    // pinned with --actor acts for its one admin only (D-TENANT-1).
    if (platform_operation(*env.op) && !options_.platform)
      return detail::refusal(isv::errc::permission_denied,
                             std::string(env.op->name) +
                                 " is an operation of the platform, not of a tenant's admin: isv-admin runs it only when "
                                 "started with --platform.",
                             "/op");
    if (const auto& pin = options_.admin) {
      const std::string pinned = "This session acts only as user " + detail::id_text(pin->user) + " of tenant " +
                                 detail::id_text(pin->tenant) + " (--actor " + detail::id_text(pin->tenant) + ":" +
                                 detail::id_text(pin->user) + ")";
      if (tenant_scoped(*env.op) && env.tenant != pin->tenant)
        return detail::refusal(isv::errc::permission_denied,
                               pinned + "; the line names tenant " + detail::id_text(env.tenant) + ".", "/tenant");
      if (env.actor && *env.actor != pin->user)
        return detail::refusal(isv::errc::permission_denied,
                               pinned + "; the line names actor " + detail::id_text(*env.actor) + ".", "/actor");
    }
    if (doc.contains("idempotency_key")) {
      const auto& key = doc["idempotency_key"];
      if (!env.op->keyed)
        return detail::refusal(isv::errc::invalid_argument, std::string(env.op->name) + " takes no idempotency key.",
                               "/idempotency_key");
      if (!key.is_string() || key.get_ref<const std::string&>().empty() || key.get_ref<const std::string&>().size() > 256)
        return detail::refusal(isv::errc::invalid_argument, "An idempotency key is a string of 1 to 256 bytes.", "/idempotency_key");
      env.key = key.get<std::string>();
    }
    env.at = now_;
    if (doc.contains("at")) {
      auto at = isv::json::decode<time_point>(doc["at"]);
      if (!at) return detail::error_line(at.error(), "/at");
      env.at = at.value();
      env.gives_at = true;
    }
    if (doc.contains("args")) {
      if (!doc["args"].is_object())
        return detail::refusal(isv::errc::invalid_argument, "\"args\" must be an object: the operation's command.", "/args");
      if (auto list = detail::first_long_list(doc["args"], options_.max_batch, "/args"))
        return detail::refusal(isv::errc::limit_exceeded,
                               "The list at \"" + list->first + "\" has " + std::to_string(list->second) +
                                   " entries; a list may have at most " + std::to_string(options_.max_batch) +
                                   " entries (isv-admin --max-batch) (D-LIMIT-1).",
                               list->first);
      env.args = doc["args"];
    }
    const bool has_tenant = tenant_scoped(*env.op);
    if (has_tenant) {
      const std::optional<std::string> at_path = env.gives_at ? std::optional<std::string>("/at") : std::nullopt;
      const std::string acting_at = detail::time_text(env.at) + (env.gives_at ? "" : " (the session's clock: the line has no \"at\")");
      const auto last = last_accepted_.find(env.tenant);
      if (last != last_accepted_.end() && env.at < last->second)
        return detail::refusal(
            isv::errc::invalid_argument,
            "Time never moves backwards within a tenant: this line would act at " + acting_at + ", before " +
                detail::time_text(last->second) + ", when tenant " + detail::id_text(env.tenant) +
                "'s last accepted line acted. Give an \"at\" from then on.",
            at_path);
      // The tenant's clock is its last accepted line's time, or the session's clock before it has one.
      // advance_to moves the subscriptions to the line's time, so this bounds its jump too (D-LIMIT-1).
      const time_point from = last != last_accepted_.end() ? last->second : now_;
      if (env.at > from && env.at - from > options_.max_clock_jump)
        return detail::refusal(isv::errc::limit_exceeded,
                               "This line would move tenant " + detail::id_text(env.tenant) + "'s clock forward from " +
                                   detail::time_text(from) + " to " + acting_at + "; a line may move it forward at most " +
                                   duration_text(options_.max_clock_jump) +
                                   " (isv-admin --max-clock-jump) (D-LIMIT-1). Nothing was done.",
                               at_path);
    }
    auto answer = dispatch(env);
    // Only an accepted line moves the clock: a refused one changes nothing (D-ERR-1).
    if (answer["ok"] == true) {
      if (env.gives_at) now_ = env.at;
      if (has_tenant) {
        auto& last = last_accepted_[env.tenant];
        last = std::max(last, env.at);
      }
    }
    return answer;
  }

  /// Decodes the args as Command, runs `call`, and writes its receipt or refusal.
  template <class Command, class Call>
  nlohmann::json with(const envelope& env, Call&& call) {
    auto cmd = isv::json::decode<Command>(env.args);
    if (!cmd) return detail::error_line(cmd.error(), "/args");
    auto done = call(cmd.value());
    if (!done) return detail::error_line(done.error(), std::nullopt);
    return detail::ok_line(done.value().events, detail::encode_value(done.value().value));
  }

  /// Reads the one field `name` of the args as a T (an id), for the reads.
  template <class T>
  isv::result<T> single(const envelope& env, std::string_view name, std::optional<std::string>& where) {
    for (auto it = env.args.begin(); it != env.args.end(); ++it)
      if (it.key() != name) {
        where = "/args/" + detail::token(it.key());
        return isv::fail(isv::errc::invalid_argument, "Unknown field \"" + detail::shown(it.key()) + "\": " +
                                                          std::string(env.op->name) + " takes only \"" + std::string(name) +
                                                          "\".");
      }
    where = "/args/" + std::string(name);
    if (!env.args.contains(std::string(name)))
      return isv::fail(isv::errc::invalid_argument, "The field \"" + std::string(name) + "\" is missing.");
    return isv::json::decode<T>(env.args[std::string(name)]);
  }

  /// A read: `read(id)` returns a result of something encodable.
  template <class Id, class Read>
  nlohmann::json query(const envelope& env, std::string_view field, Read&& read) {
    std::optional<std::string> where;
    auto id = single<Id>(env, field, where);
    if (!id) return detail::error_line(id.error(), where);
    auto found = read(id.value());
    if (!found) return detail::error_line(found.error(), std::nullopt);
    return detail::ok_line({}, isv::json::encode(found.value()));
  }

  /// {"op": "marketplace", "payload": <the webhook's JSON as the marketplace sent it>}: the payload
  /// decoded as documented (isv/json/marketplace.hpp), its subscriptionId found in the repository's
  /// links, its planIds mapped to the app's plans, and the webhook command decided at the payload's
  /// time. The answer's value is the decision and what the publisher reports to the marketplace.
  nlohmann::json marketplace_line(const nlohmann::json& doc) {
    for (auto it = doc.begin(); it != doc.end(); ++it)
      if (it.key() != "op" && it.key() != "payload")
        return detail::refusal(isv::errc::invalid_argument,
                               "Unknown field \"" + detail::shown(it.key()) + "\": a marketplace line has op and payload.",
                               "/" + detail::token(it.key()));
    if (!options_.platform)
      return detail::refusal(isv::errc::permission_denied,
                             "marketplace is the platform's and the publisher's, not a tenant admin's: isv-admin runs it only "
                             "when started with --platform (D-MKT-1).",
                             "/op");
    if (!doc.contains("payload") || !doc["payload"].is_object())
      return detail::refusal(isv::errc::invalid_argument, "Put the webhook's JSON object in \"payload\".", "/payload");
    auto payload = isv::json::decode_marketplace_webhook<traits>(doc["payload"].dump());
    if (!payload) return detail::error_line(payload.error(), "/payload");
    if constexpr (isv::marketplace_link_store<Repository>) {
      auto link = repo_->find_marketplace_link(payload.value().subscription_id);
      if (!link) return detail::error_line(link.error(), std::nullopt);
      if (!link.value())
        return detail::refusal(isv::errc::not_found,
                               "No subscription is linked to the marketplace's subscription " +
                                   payload.value().subscription_id.to_string() + ": link it first (link_marketplace).",
                               std::nullopt);
      const auto linked = *link.value();
      // The view ends before the command runs (a view is not held across a commit).
      const auto command_of = [&]() -> isv::result<isv::marketplace_webhook_command> {
        BOOST_OUTCOME_TRY(auto view, repo_->read(linked.tenant));
        const auto* s = view.find_subscription(linked.subscription);
        if (s == nullptr)
          return isv::fail(isv::errc::not_found, "The linked " + isv::detail::describe(linked.subscription) +
                                                     " is not recorded yet: record it with marketplace_subscribe.");
        const auto* product = view.find_app(s->app);
        if (product == nullptr) return isv::fail(isv::errc::not_found, isv::detail::describe(s->app) + " is not in the catalog.");
        return isv::marketplace_command_of(payload.value(), linked.subscription, *product);
      };
      auto cmd = command_of();
      if (!cmd) return detail::error_line(cmd.error(), std::nullopt);
      auto done = center_.execute(linked.tenant, std::nullopt, cmd.value(), payload.value().time_stamp);
      if (!done) return detail::error_line(done.error(), std::nullopt);
      const auto& d = done.value().value;
      return detail::ok_line(done.value().events,
                             {{"tenant", isv::json::encode(linked.tenant)},
                              {"subscription", isv::json::encode(linked.subscription)},
                              {"decision", isv::json::encode(d)},
                              {"report", d.report_success ? "Success" : "Failure"}});
    } else {
      return detail::refusal(isv::errc::invalid_argument, "This repository keeps no marketplace links.", "/op");
    }
  }

  nlohmann::json link_marketplace(const envelope& env) {
    if constexpr (isv::marketplace_link_store<Repository>) {
      for (auto it = env.args.begin(); it != env.args.end(); ++it)
        if (it.key() != "marketplace_subscription" && it.key() != "subscription")
          return detail::refusal(isv::errc::invalid_argument,
                                 "Unknown field \"" + detail::shown(it.key()) +
                                     "\": link_marketplace takes marketplace_subscription and subscription.",
                                 "/args/" + detail::token(it.key()));
      const auto& g = env.args.contains("marketplace_subscription") ? env.args["marketplace_subscription"] : nlohmann::json();
      const auto guid = g.is_string() ? isv::marketplace_guid::parse(g.template get<std::string>()) : std::nullopt;
      if (!guid)
        return detail::refusal(isv::errc::invalid_argument, "\"marketplace_subscription\" is the marketplace's GUID (8-4-4-4-12 hexadecimal digits).",
                               "/args/marketplace_subscription");
      if (!env.args.contains("subscription"))
        return detail::refusal(isv::errc::invalid_argument, "The field \"subscription\" is missing.", "/args/subscription");
      auto sub = isv::json::decode<isv::subscription_id>(env.args["subscription"]);
      if (!sub) return detail::error_line(sub.error(), "/args/subscription");
      const isv::marketplace_link link{*guid, env.tenant, sub.value()};
      auto linked = repo_->link_marketplace(link);
      if (!linked) return detail::error_line(linked.error(), std::nullopt);
      return detail::ok_line({}, {{"marketplace_subscription", guid->to_string()},
                                  {"tenant", isv::json::encode(env.tenant)},
                                  {"subscription", isv::json::encode(sub.value())}});
    } else {
      return detail::refusal(isv::errc::invalid_argument, "This repository keeps no marketplace links.", "/op");
    }
  }

  nlohmann::json no_args(const envelope& env) {
    if (!env.args.empty())
      return detail::refusal(isv::errc::invalid_argument, std::string(env.op->name) + " takes no args: write {} or leave them out.",
                             "/args/" + detail::token(env.args.begin().key()));
    return nullptr;
  }

  nlohmann::json create_tenant(const envelope& env) {
    // The tenant's own wire format checks the name and region (UTF-8, length; an old country name
    // reads as its code); the repository refuses a region that is not an ISO 3166-1 code (D-BUY-5).
    nlohmann::json org{{"id", isv::json::encode(env.tenant)},
                       {"admin_roles", nlohmann::json::array({{{"tenant", isv::json::encode(env.tenant)},
                                                                {"user", isv::json::encode(*env.actor)},
                                                                {"role", "global_administrator"}}})},
                       {"version", 0}};
    for (const char* field : {"name", "region"}) {
      if (!env.args.contains(field))
        return detail::refusal(isv::errc::invalid_argument, std::string("The field \"") + field + "\" is missing.",
                               std::string("/args/") + field);
      org[field] = env.args[field];
    }
    for (auto it = env.args.begin(); it != env.args.end(); ++it)
      if (it.key() != "name" && it.key() != "region")
        return detail::refusal(isv::errc::invalid_argument,
                               "Unknown field \"" + detail::shown(it.key()) + "\": create_tenant takes name and region.",
                               "/args/" + detail::token(it.key()));
    auto decoded = isv::json::decode<isv::tenant>(org);
    if (!decoded) return detail::error_line(decoded.error(), "/args");
    auto created = repo_->create_tenant(decoded.value());
    if (!created) return detail::error_line(created.error(), std::nullopt);
    return detail::ok_line({}, isv::json::encode(decoded.value()));
  }

  nlohmann::json dispatch(const envelope& env) {
    using namespace std::string_view_literals;
    const auto& t = env.tenant;
    const auto& key = env.key;
    const auto name = env.op->name;
    auto& c = center_;
    const auto& now = env.at;
    // The acting user is present for admin operations and absent for the platform's (checked above).
    if (name == "create_tenant"sv) return create_tenant(env);
    if (name == "add_app"sv) {
      auto product = isv::json::decode<isv::app>(env.args);
      if (!product) return detail::error_line(product.error(), "/args");
      auto added = repo_->add_app(product.value());
      if (!added) return detail::error_line(added.error(), std::nullopt);
      return detail::ok_line({}, isv::json::encode(product.value()));
    }
    // Every command of the library: the name picks the alternative of isv::command it names.
    if (auto done = isv::visit_command_named<traits>(name, [&](auto type) {
          using command = typename decltype(type)::type;
          return with<command>(env, [&](const command& cmd) { return c.execute(t, env.actor, cmd, now, key); });
        }))
      return *std::move(done);

    if (name == "link_marketplace"sv) return link_marketplace(env);
    if (name == "find_tenant"sv || name == "subscriptions"sv || name == "events"sv) {
      if (name == "events"sv) {
        for (auto it = env.args.begin(); it != env.args.end(); ++it)
          if (it.key() != "after")
            return detail::refusal(isv::errc::invalid_argument,
                                   "Unknown field \"" + detail::shown(it.key()) + "\": events takes only \"after\".",
                                   "/args/" + detail::token(it.key()));
        std::size_t after = 0;
        if (env.args.contains("after")) {
          const nlohmann::json& a = env.args["after"];
          // A whole number past 64 bits reaches here as a double: say what is wrong with it.
          if (a.is_number_float() && a.get<double>() >= 0x1p64)
            return detail::refusal(isv::errc::invalid_argument,
                                   "\"after\" is too large: a position in the log is at most " +
                                       std::to_string(std::numeric_limits<std::uint64_t>::max()) + ".",
                                   "/args/after");
          if (!a.is_number_unsigned())
            return detail::refusal(isv::errc::invalid_argument, "\"after\" is a position in the log: a whole number from 0.",
                                   "/args/after");
          after = a.get<std::size_t>();
        }
        auto log = repo_->events(t, after);
        if (!log) return detail::error_line(log.error(), std::nullopt);
        return detail::ok_line({}, isv::json::encode(log.value()));
      }
      if (auto refused = no_args(env); !refused.is_null()) return refused;
      if (name == "find_tenant"sv) {
        auto found = c.find_tenant(t);
        if (!found) return detail::error_line(found.error(), std::nullopt);
        return detail::ok_line({}, isv::json::encode(found.value()));
      }
      auto found = c.subscriptions(t);
      if (!found) return detail::error_line(found.error(), std::nullopt);
      return detail::ok_line({}, isv::json::encode(found.value()));
    }
    if (name == "find_subscription"sv)
      return query<isv::subscription_id>(env, "subscription", [&](const auto& id) { return c.find_subscription(t, id); });
    if (name == "licenses"sv)
      return query<isv::subscription_id>(env, "subscription", [&](const auto& id) { return c.licenses(t, id); });
    if (name == "licenses_of_user"sv)
      return query<isv::user_id>(env, "user", [&](const auto& id) { return c.licenses_of_user(t, id); });
    if (name == "find_billing_profile"sv)
      return query<isv::billing_profile_id>(env, "profile", [&](const auto& id) { return c.find_billing_profile(t, id); });
    if (name == "find_invoice"sv)
      return query<isv::invoice_id>(env, "invoice", [&](const auto& id) { return c.find_invoice(t, id); });
    if (name == "group_violations"sv) {
      std::optional<std::string> where;
      auto group = single<isv::group_id>(env, "group", where);
      if (!group) return detail::error_line(group.error(), where);
      auto found = c.group_violations(t, group.value());
      if (!found) return detail::error_line(found.error(), std::nullopt);
      nlohmann::json list = nlohmann::json::array();
      for (const auto& v : found.value())
        list.push_back({{"subscription", isv::json::encode(v.subscription)}, {"violation", isv::json::encode(v.violation)}});
      return detail::ok_line({}, std::move(list));
    }
    if (name == "check_access"sv) return check_access(env);
    if (name == "issue_license_file"sv) return issue_license_file(env);
    if (name == "public_key"sv) {
      if (auto refused = no_args(env); !refused.is_null()) return refused;
      if (!options_.issuer) return no_signing_key();
      return detail::ok_line({}, {{"key_id", options_.issuer->key_id()}, {"pem", options_.issuer->public_key().to_pem()}});
    }
    // Every name of `operations` is handled above; a new one without a branch lands here.
    return detail::refusal(isv::errc::invalid_argument, "The operation \"" + std::string(name) + "\" is listed but not handled.", "/op");
  }

  /// Reads the args of check_access and issue_license_file: a subscription, a user (null allowed
  /// when `user_may_be_null`) and the fields in `extra`; anything else is refused.
  isv::result<std::pair<isv::subscription_id, std::optional<isv::user_id>>> subscription_and_user(
      const envelope& env, bool user_may_be_null, std::initializer_list<std::string_view> extra, std::optional<std::string>& where) {
    for (auto it = env.args.begin(); it != env.args.end(); ++it)
      if (it.key() != "subscription" && it.key() != "user" && std::find(extra.begin(), extra.end(), it.key()) == extra.end()) {
        where = "/args/" + detail::token(it.key());
        return isv::fail(isv::errc::invalid_argument,
                         "Unknown field \"" + detail::shown(it.key()) + "\" for " + std::string(env.op->name) + ".");
      }
    for (const auto* field : {"subscription", "user"})
      if (!env.args.contains(field)) {
        where = "/args/" + std::string(field);
        return isv::fail(isv::errc::invalid_argument, std::string(env.op->name) + " needs \"" + field + "\".");
      }
    where = "/args/subscription";
    BOOST_OUTCOME_TRY(auto sub, isv::json::decode<isv::subscription_id>(env.args["subscription"]));
    std::optional<isv::user_id> user;
    where = "/args/user";
    if (!env.args["user"].is_null() || !user_may_be_null) {
      BOOST_OUTCOME_TRY(auto u, isv::json::decode<isv::user_id>(env.args["user"]));
      user = u;
    }
    where.reset();
    return std::pair{sub, user};
  }

  nlohmann::json check_access(const envelope& env) {
    std::optional<std::string> where;
    auto asked = subscription_and_user(env, false, {}, where);
    if (!asked) return detail::error_line(asked.error(), where);
    auto found = center_.check_access(env.tenant, asked.value().first, *asked.value().second, env.at);
    if (!found) return detail::error_line(found.error(), std::nullopt);
    return detail::ok_line({}, isv::json::encode(found.value()));
  }

  nlohmann::json no_signing_key() const {
    return detail::refusal(isv::errc::invalid_argument,
                           "This session has no signing key: start isv-admin with --signing-key FILE --key-id ID (make a key "
                           "with isv-admin --generate-key FILE).",
                           std::nullopt);
  }

  nlohmann::json issue_license_file(const envelope& env) {
    if (!options_.issuer) return no_signing_key();
    std::optional<std::string> where;
    auto asked = subscription_and_user(env, true, {"lifetime_days"}, where);
    if (!asked) return detail::error_line(asked.error(), where);
    isv::license_request request{.subscription = asked.value().first, .user = asked.value().second};
    if (env.args.contains("lifetime_days")) {
      const nlohmann::json& days = env.args["lifetime_days"];
      if (!days.is_number_unsigned() || days.get<std::uint64_t>() == 0 || days.get<std::uint64_t>() > 36'500)
        return detail::refusal(isv::errc::invalid_argument, "\"lifetime_days\" is a whole number of days from 1 to 36500.",
                               "/args/lifetime_days");
      request.lifetime = std::chrono::days{days.get<std::int64_t>()};
    }
    auto issued = options_.issuer->issue(*repo_, env.tenant, request, env.at);
    if (!issued) return detail::error_line(issued.error(), std::nullopt);
    return detail::ok_line({}, {{"statement", isv::json::encode(issued.value().statement)}, {"file", issued.value().file}});
  }

  Repository* repo_;
  isv::basic_admin_center<Repository> center_;
  time_point now_;
  session_options options_;
  /// When each tenant's last accepted line of this session acted: no later line acts before it.
  std::map<isv::tenant_id, time_point> last_accepted_;
};

} // namespace isv_admin
