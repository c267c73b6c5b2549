// Fuzz target: isv-admin's line handler on a persistent in-memory service, fed the input's lines: every line gets one well-formed result or error line, never a crash, a leak or UB (D-ERR-1).
#include "line_handler.hpp"

#include <isv/storage/memory.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

namespace {

using namespace std::chrono_literals;

/// The service the inputs talk to: tenant 1 (Global administrator 7, users, a billing profile with
/// a payment method, an active subscription) and apps 3 and 4, so that lines reach the rules, not
/// only "not found". Rebuilt every `inputs_per_world` inputs to bound its memory; set
/// ISV_FUZZ_FRESH=1 to rebuild it for every input (to reproduce a finding from its input alone).
struct world {
  static constexpr int inputs_per_world = 2000;
  isv::memory_repository repo;
  isv_admin::line_handler<isv::memory_repository> handler{repo, std::chrono::sys_days{std::chrono::January / 5 / 2026} + 9h,
                                                          {.platform = true}};
  int inputs = 0;

  world() {
    static constexpr std::string_view setup[] = {
        R"({"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "Contoso", "region": "DE"}})",
        R"({"op": "add_app", "args": {"id": "3", "name": "Sign", "publisher": "Fabrikam", "kind": "saas", "pricing": "per_user", "monthly_price": {"minor_units": 1000, "currency": "EUR"}, "annual_price": {"minor_units": 10000, "currency": "EUR"}, "install_link": null}})",
        R"({"op": "add_app", "args": {"id": "4", "name": "Board", "publisher": "Fabrikam", "kind": "isv", "pricing": "flat_rate", "monthly_price": {"minor_units": 500, "currency": "EUR"}, "annual_price": {"minor_units": 5000, "currency": "EUR"}, "install_link": "https://board.example/install"}})",
        R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["7", "8", "20", "21", "22"]}})",
        R"({"tenant": "1", "actor": "7", "op": "create_group", "args": {"group": "30", "name": "Sales"}})",
        R"({"tenant": "1", "actor": "7", "op": "create_billing_profile", "args": {"profile": "50", "name": "Main", "contact": {"name": "Alex", "address": "Berlin"}}})",
        R"({"tenant": "1", "actor": "7", "op": "add_payment_method", "args": {"profile": "50", "method": {"id": "60", "kind": "credit_card", "label": "Visa"}}})",
        R"({"tenant": "1", "actor": "7", "op": "purchase", "args": {"subscription": "100", "app": "3", "channel": "direct", "term": "monthly", "quantity": 3, "agreement_accepted": true, "billing_profile": "50", "auto_renew": true}})",
        R"({"tenant": "1", "actor": "7", "op": "activate", "args": {"subscription": "100"}})",
    };
    for (const auto line : setup) {
      const auto out = handler.handle(line);
      if (!out || nlohmann::json::parse(*out)["ok"] != true) std::abort();
    }
  }
};

/// An output line must be one of the two documented shapes.
void check_answer(const std::string& out) {
  const auto doc = nlohmann::json::parse(out, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("ok") || !doc["ok"].is_boolean()) std::abort();
  if (doc["ok"].get<bool>()) {
    if (doc.size() != 3 || !doc.contains("events") || !doc["events"].is_array() || !doc.contains("value")) std::abort();
    if (!isv::json::decode<std::vector<isv::event>>(doc["events"])) std::abort();
    return;
  }
  if (doc.size() != 2 || !doc.contains("error") || !doc["error"].is_object()) std::abort();
  const auto& e = doc["error"];
  if (e.size() != 3 || !e.contains("code") || !e["code"].is_string() || !e.contains("message") || !e["message"].is_string() ||
      e["message"].get_ref<const std::string&>().empty() || !e.contains("path"))
    std::abort();
  if (!e["path"].is_null() && (!e["path"].is_string() || (!e["path"].get_ref<const std::string&>().empty() &&
                                                          e["path"].get_ref<const std::string&>().front() != '/')))
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::unique_ptr<world> w;
  static const bool fresh = std::getenv("ISV_FUZZ_FRESH") != nullptr;
  if (!w || fresh || ++w->inputs >= world::inputs_per_world) w = std::make_unique<world>();
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    const auto line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (const auto out = w->handler.handle(line)) check_answer(*out);
  }
  return 0;
}
