// license_check: what an app ships to check its license offline: it verifies a license file with the publisher's embedded public key and says what the user may do.
//
//   license_check FILE [--at TIME] [--key ID=PUBLIC.pem]...
//
// FILE is a license file (isv-admin issue_license_file writes one; docs/license-file.md describes
// it). The check needs no network and no store: only the public keys below and the clock (--at
// replaces the clock, as RFC 3339 UTC "2026-01-16T00:00:00Z"). --key adds a key, as an app would
// after a key rotation. Exit status: 0 the user may use the app, 1 not, 2 a wrong command line.
#include <isv/signing/verify.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

namespace {

// The publisher's public key, embedded in the app. This one is RFC 8032's first test key, whose
// private half is public too: it signs the sample file. A real app embeds its publisher's key.
constexpr std::string_view embedded_key_id = "fabrikam-2026";
constexpr std::string_view embedded_key = R"(-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
-----END PUBLIC KEY-----
)";

std::string read_file(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  ok = static_cast<bool>(in) || in.eof();
  return text.str();
}

int usage(const std::string& why) {
  std::cerr << "license_check: " << why << "\nusage: license_check FILE [--at TIME] [--key ID=PUBLIC.pem]...\n";
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  isv::license_verifier verifier(std::chrono::minutes{5});
  if (auto added = verifier.add_key(embedded_key_id, embedded_key); !added) return usage(added.error().message);
  std::string file;
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "--at" || arg == "--key") && i + 1 == argc) return usage(std::string(arg) + " needs a value");
    if (arg == "--at") {
      std::chrono::sys_seconds at{};
      if (isv::detail::parse_time(argv[++i], at) != isv::detail::time_text::ok)
        return usage("--at takes a time such as 2026-01-16T00:00:00Z");
      now = at;
    } else if (arg == "--key") {
      const std::string_view spec = argv[++i];
      const auto eq = spec.find('=');
      if (eq == std::string_view::npos) return usage("--key takes ID=PUBLIC.pem");
      bool ok = false;
      const std::string pem = read_file(std::string(spec.substr(eq + 1)), ok);
      if (!ok) return usage("cannot read " + std::string(spec.substr(eq + 1)));
      if (auto added = verifier.add_key(spec.substr(0, eq), std::string_view(pem)); !added) return usage(added.error().message);
    } else if (file.empty() && !arg.starts_with("--")) {
      file = arg;
    } else {
      return usage("unknown argument \"" + std::string(arg) + "\"");
    }
  }
  if (file.empty()) return usage("name the license file");
  bool ok = false;
  const std::string text = read_file(file, ok);
  if (!ok) return usage("cannot read " + file);

  const auto verified = verifier.verify(text, now);
  if (!verified) {
    std::cout << "no use: " << isv::to_string(verified.error().code) << ": " << verified.error().message << '\n';
    return 1;
  }
  const auto& s = verified.value();
  const std::string who = s.scope == isv::license_scope::user ? "user " + std::to_string(s.user->value())
                                                               : "the tenant's " + (s.seats ? std::to_string(*s.seats) : std::string("unlimited")) + " seats";
  std::cout << (s.status == isv::access_state::warning ? "may use, with a warning: " : "may use: ") << who << " of tenant "
            << s.tenant.value() << ", app " << s.app.value() << " (plan " << s.plan.value() << ", subscription "
            << s.subscription.value() << "), until " << isv::detail::format_time(s.expires_at) << '\n';
  if (s.status == isv::access_state::warning)
    std::cout << "the subscription was suspended when the file was issued: payment is due, and use ends with its grace\n";
  return 0;
}
