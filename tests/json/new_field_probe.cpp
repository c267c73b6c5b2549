// Prints a change-quantity command as JSON, as its SQL record (hex) and as its idempotency fingerprint: built once against the headers as they are and once against a copy with one field added, to show that the field reaches all three.
#include "isv/fingerprint.hpp"
#include "isv/json.hpp"
#include "isv/operations/quantity.hpp"
#include "isv/storage/detail/codec.hpp"

#include <cstdio>
#include <optional>
#include <string>

int main() {
  isv::change_quantity_command cmd{};
  cmd.subscription = isv::subscription_id{7};
  cmd.quantity = 12;
  const auto text = isv::json::encode_text(cmd);
  if (!text) {
    std::fprintf(stderr, "encode_text failed: %s\n", text.error().message.c_str());
    return 1;
  }
  std::string hex;
  for (const char byte : isv::detail::sql::encode(cmd)) {
    static constexpr char digits[] = "0123456789abcdef";
    const auto c = static_cast<unsigned char>(byte);
    hex += digits[c >> 4];
    hex += digits[c & 0xFU];
  }
  std::printf("json %s\nsql %s\nfingerprint %016llx\n", text.value().c_str(), hex.c_str(),
              static_cast<unsigned long long>(
                  isv::detail::fingerprint("change_quantity", std::optional<isv::user_id>{isv::user_id{1}}, cmd)));
}
