// A program that uses isv::signing as a publisher and an app do: the publisher generates a key and signs
// a license statement; the app trusts the public key under its key id and verifies the license file,
// refusing it once expired or when another key signed it under the same id. Exits non-zero on any mismatch.
#include <isv/signing/issue.hpp>
#include <isv/signing/verify.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string_view>
#include <utility>

namespace {

int failures = 0;

void expect(bool ok, std::string_view what) {
  if (!ok) {
    std::cerr << "isv-licensing signing consumer: expected " << what << '\n';
    ++failures;
  }
}

} // namespace

int main() {
  using namespace std::chrono;
  const sys_seconds now{sys_days{year{2026} / January / 15}};

  auto key = isv::ed25519_key_pair::generate();
  if (!key) {
    std::cerr << "isv-licensing signing consumer: no key was generated: " << key.error().message << '\n';
    return EXIT_FAILURE;
  }
  auto made = isv::license_issuer::make(std::move(key).value(), "k1");
  if (!made) {
    std::cerr << "isv-licensing signing consumer: no issuer was made: " << made.error().message << '\n';
    return EXIT_FAILURE;
  }
  const isv::license_issuer& issuer = made.value();

  // The publisher signs a week's license of user 2 to app 7 under subscription 100.
  isv::license_statement statement{};
  statement.tenant = isv::tenant_id{1};
  statement.subscription = isv::subscription_id{100};
  statement.app = isv::app_id{7};
  statement.plan = isv::plan_id{1};
  statement.scope = isv::license_scope::user;
  statement.user = isv::user_id{2};
  statement.issued_at = now;
  statement.expires_at = now + days{7};
  const isv::issued_license issued = issuer.sign(statement);
  expect(issued.statement.key_id == "k1", "the signed statement to name the key k1");

  // The app trusts the publisher's public key as k1 and checks the file with its own clock.
  isv::license_verifier verifier;
  const auto added = verifier.add_key("k1", issuer.public_key());
  expect(added.has_value(), "the verifier to take the issuer's public key as k1");
  const auto verified = verifier.verify(issued.file, now + days{1});
  if (!verified) {
    std::cerr << "isv-licensing signing consumer: the license file was refused: " << verified.error().message << '\n';
    return EXIT_FAILURE;
  }
  expect(verified.value().subscription == statement.subscription && verified.value().user == statement.user &&
             verified.value().expires_at == statement.expires_at,
         "the verified file to state the signed subscription, user and expiry");

  const auto expired = verifier.verify(issued.file, now + days{8});
  expect(!expired && expired.error().code == isv::errc::license_expired,
         "the file to be refused with license_expired a day after it expired");

  // A file another key signed under the same id is not the publisher's.
  auto other_key = isv::ed25519_key_pair::generate();
  if (!other_key) {
    std::cerr << "isv-licensing signing consumer: no second key was generated: " << other_key.error().message << '\n';
    return EXIT_FAILURE;
  }
  const auto other = isv::license_issuer::make(std::move(other_key).value(), "k1");
  expect(other.has_value(), "a second issuer to be made");
  if (other) {
    const auto forged = verifier.verify(other.value().sign(statement).file, now + days{1});
    expect(!forged && forged.error().code == isv::errc::license_tampered,
           "a file signed by another key under k1 to be refused with license_tampered");
  }

  if (failures != 0) return EXIT_FAILURE;
  std::cout << "isv-licensing signing: a license file signed as k1 verified, expired and forged files refused\n";
  return EXIT_SUCCESS;
}
