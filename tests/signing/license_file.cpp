// Tests of isv/license_file.hpp and isv/signing/verify.hpp: the file's one text, and a distinct refusal for each way a file can be wrong.
#include "world.hpp"

#include <set>

using namespace signing_world;

namespace {

/// A statement as an issuer would sign it: Ana's license of Contoso's seats for a week.
isv::license_statement anas_statement() {
  isv::license_statement s;
  s.tenant = contoso;
  s.subscription = seats;
  s.app = crm_id;
  s.scope = isv::license_scope::user;
  s.user = ana;
  s.issued_at = t0;
  s.expires_at = t0 + days{7};
  return s;
}

/// The file with its payload replaced by `payload`, the frame and signature kept.
std::string with_payload(const std::string& file, std::string_view payload) {
  const auto parts = must(isv::parse_license_file(file));
  return isv::compose_license_file(payload, parts.key_id, parts.signature);
}

} // namespace

TEST_CASE("a license file is the frame around the canonical JSON statement, its key id and signature [D-SIGN-1]") {
  const auto by = issuer();
  const auto issued = by.sign(anas_statement());
  CHECK(issued.statement.key_id == "fabrikam-2026");
  const std::string payload = isv::license_payload(issued.statement);
  CHECK(payload == R"({"app":7,"expires_at":"2026-01-22T00:00:00Z","format":1,"issued_at":"2026-01-15T00:00:00Z","key_id":"fabrikam-2026",)"
                   R"("plan":0,"scope":"user","seats":null,"status":"active","subscription":100,"tenant":1,"user":2})");
  CHECK(issued.file.starts_with("-----BEGIN ISV LICENSE-----\n"));
  CHECK(issued.file.ends_with("\n-----END ISV LICENSE-----\n"));
  CHECK(issued.file.find("\nKey-Id: fabrikam-2026\nSignature: ") != std::string::npos);

  const auto parts = must(isv::parse_license_file(issued.file));
  CHECK(parts.payload == payload);
  CHECK(parts.key_id == "fabrikam-2026");
  CHECK(parts.signature.size() == 64);
  CHECK(must(isv::read_license_payload<isv::default_traits>(payload)) == issued.statement);

  const auto verified = must(verifier_of(by).verify(issued.file, t0 + days{1}));
  CHECK(verified == issued.statement);
  // Signing is deterministic: the same statement gives the same file.
  CHECK(by.sign(anas_statement()).file == issued.file);
}

TEST_CASE("a changed byte of the statement is refused as tampered, even when the file is otherwise well formed [D-SIGN-2]") {
  const auto by = issuer();
  const auto issued = by.sign(anas_statement());
  std::string payload = isv::license_payload(issued.statement);
  // Ana's license made Ben's: a well-formed statement, signed by no one.
  const auto user_at = payload.find(R"("user":2)");
  REQUIRE(user_at != std::string::npos);
  payload[user_at + 7] = '3';
  const auto forged = verifier_of(by).verify(with_payload(issued.file, payload), t0);
  CHECK(refusal(forged) == isv::errc::license_tampered);
  // A later expiry: the same.
  std::string later = isv::license_payload(issued.statement);
  later.replace(later.find("2026-01-22"), 10, "2027-01-22");
  CHECK(refusal(verifier_of(by).verify(with_payload(issued.file, later), t0)) == isv::errc::license_tampered);
}

TEST_CASE("a file signed by a key the verifier does not hold is refused as of an unknown key [D-SIGN-2]") {
  const auto by = issuer();
  const auto issued = by.sign(anas_statement());
  isv::license_verifier empty;
  const auto r = empty.verify(issued.file, t0);
  CHECK(refusal(r) == isv::errc::license_key_unknown);
  CHECK(r.error().message.find("fabrikam-2026") != std::string::npos);
  // A Key-Id line naming another key the verifier does not hold: the same.
  isv::license_verifier other;
  must(other.add_key("fabrikam-2027", must(key_2027().public_key())));
  CHECK(refusal(other.verify(issued.file, t0)) == isv::errc::license_key_unknown);
}

TEST_CASE("a signature field that holds no Ed25519 signature is refused as a bad signature [D-SIGN-2]") {
  const auto by = issuer();
  const auto issued = by.sign(anas_statement());
  const auto parts = must(isv::parse_license_file(issued.file));
  // All zeros: R is a point of small order, no signer's.
  const std::array<unsigned char, 64> zeros{};
  CHECK(refusal(verifier_of(by).verify(isv::compose_license_file(parts.payload, parts.key_id, zeros), t0)) ==
        isv::errc::license_signature_invalid);
  // S at or above the group's order: a malleated signature.
  auto high = parts.signature;
  high[63] = 0xff;
  CHECK(refusal(verifier_of(by).verify(isv::compose_license_file(parts.payload, parts.key_id, high), t0)) ==
        isv::errc::license_signature_invalid);
  // 63 bytes: no signature's length.
  CHECK(refusal(verifier_of(by).verify(isv::compose_license_file(parts.payload, parts.key_id, std::span(parts.signature).first(63)), t0)) ==
        isv::errc::license_signature_invalid);
  // A genuine signature of another statement under the right key id is well formed but does not match.
  auto other = anas_statement();
  other.user = ben;
  const auto others = must(isv::parse_license_file(by.sign(other).file));
  CHECK(refusal(verifier_of(by).verify(isv::compose_license_file(parts.payload, parts.key_id, others.signature), t0)) ==
        isv::errc::license_tampered);
  // Signed by another key under this key id: the verifier cannot tell which bytes changed.
  const auto impostor = issuer(key_2027(), "fabrikam-2026").sign(anas_statement());
  CHECK(refusal(verifier_of(by).verify(impostor.file, t0)) == isv::errc::license_tampered);
}

TEST_CASE("a file is valid until its expiry plus the verifier's stated leeway, and expired after [D-SIGN-2]") {
  const auto by = issuer();
  const auto issued = by.sign(anas_statement());
  const auto expiry = issued.statement.expires_at;
  const auto strict = verifier_of(by, seconds{0});
  CHECK(strict.verify(issued.file, expiry).has_value());
  CHECK(refusal(strict.verify(issued.file, expiry + seconds{1})) == isv::errc::license_expired);

  const auto lenient = verifier_of(by, minutes{5});
  CHECK(lenient.leeway() == minutes{5});
  CHECK(lenient.verify(issued.file, expiry + minutes{5}).has_value());
  const auto late = lenient.verify(issued.file, expiry + minutes{5} + seconds{1});
  CHECK(refusal(late) == isv::errc::license_expired);
  CHECK(late.error().message.find("2026-01-22T00:00:00Z") != std::string::npos);
  CHECK(late.error().message.find("300 s") != std::string::npos);

  const isv::license_verifier negative(seconds{-1});
  CHECK(refusal(negative.verify(issued.file, t0)) == isv::errc::invalid_argument);
}

TEST_CASE("a signed statement of an unknown format version is refused as such [D-SIGN-2]") {
  const auto by = issuer();
  auto statement = anas_statement();
  statement.format = 2;
  const auto issued = by.sign(statement);
  CHECK(refusal(verifier_of(by).verify(issued.file, t0)) == isv::errc::license_format_unknown);
  CHECK(refusal(isv::read_license_payload<isv::default_traits>(isv::license_payload(statement))) == isv::errc::license_format_unknown);
}

TEST_CASE("what is not a license file is refused as malformed, and a file past the size bound as over the limit [D-SIGN-2] [D-LIMIT-1]") {
  const auto by = issuer();
  const auto v = verifier_of(by);
  const auto issued = by.sign(anas_statement());
  CHECK(refusal(v.verify("", t0)) == isv::errc::license_malformed);
  CHECK(refusal(v.verify("hello\n", t0)) == isv::errc::license_malformed);
  CHECK(refusal(v.verify("prefix\n" + issued.file, t0)) == isv::errc::license_malformed);
  CHECK(refusal(v.verify(issued.file + "\n", t0)) == isv::errc::license_malformed);
  std::string crlf;
  for (const char c : issued.file) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  CHECK(refusal(v.verify(crlf, t0)) == isv::errc::license_malformed);
  CHECK(refusal(v.verify(std::string(isv::license_file_max_bytes + 1, 'A'), t0)) == isv::errc::limit_exceeded);

  // Signed, but not a statement: the verifier trusts the signature, not the content.
  const std::string not_json = "just text";
  const auto key = key_2026();
  const auto signed_text = isv::compose_license_file(not_json, "fabrikam-2026", key.sign(not_json));
  CHECK(refusal(v.verify(signed_text, t0)) == isv::errc::license_malformed);
  // Signed JSON with whitespace: not the canonical form, so not a statement of format 1.
  std::string spaced = isv::license_payload(issued.statement);
  spaced.insert(1, " ");
  CHECK(refusal(v.verify(isv::compose_license_file(spaced, "fabrikam-2026", key.sign(spaced)), t0)) == isv::errc::license_malformed);
}

TEST_CASE("the Key-Id line must name the key the statement was signed as [D-SIGN-2]") {
  // Two keys the verifier trusts; a file of one whose Key-Id line is changed to the other fails its signature.
  const auto old_issuer = issuer();
  const auto new_issuer = issuer(key_2027(), "fabrikam-2027");
  isv::license_verifier v;
  must(v.add_key(old_issuer.key_id(), old_issuer.public_key()));
  must(v.add_key(new_issuer.key_id(), new_issuer.public_key()));
  const auto issued = old_issuer.sign(anas_statement());
  const auto parts = must(isv::parse_license_file(issued.file));
  CHECK(refusal(v.verify(isv::compose_license_file(parts.payload, "fabrikam-2027", parts.signature), t0)) == isv::errc::license_tampered);
  // The new key, signing a statement that names the old id, is caught by the id inside.
  auto statement = anas_statement();
  statement.key_id = "fabrikam-2026";
  const std::string payload = isv::license_payload(statement);
  const auto crossed = isv::compose_license_file(payload, "fabrikam-2027", key_2027().sign(payload));
  CHECK(refusal(v.verify(crossed, t0)) == isv::errc::license_tampered);
}

TEST_CASE("a verifier holds several keys by id, so files of the old key and the new one both verify while keys rotate [D-SIGN-2]") {
  const auto old_issuer = issuer();
  const auto new_issuer = issuer(key_2027(), "fabrikam-2027");
  isv::license_verifier v;
  must(v.add_key(old_issuer.key_id(), old_issuer.public_key().to_pem()));
  must(v.add_key(new_issuer.key_id(), new_issuer.public_key()));
  CHECK(v.verify(old_issuer.sign(anas_statement()).file, t0).has_value());
  CHECK(v.verify(new_issuer.sign(anas_statement()).file, t0).has_value());
  // The same id for the same key again is fine; for another key it is refused.
  CHECK(v.add_key(old_issuer.key_id(), old_issuer.public_key()).has_value());
  CHECK(refusal(v.add_key(old_issuer.key_id(), new_issuer.public_key())) == isv::errc::already_exists);
  CHECK(refusal(v.add_key("no spaces allowed", new_issuer.public_key())) == isv::errc::invalid_argument);
  CHECK(refusal(v.add_key("k", std::string_view("not a pem"))) == isv::errc::invalid_argument);
}

TEST_CASE("every single-byte change and every truncation of a file is refused [D-SIGN-2]") {
  const auto by = issuer();
  const auto v = verifier_of(by);
  const auto issued = by.sign(anas_statement());
  const std::string& file = issued.file;
  REQUIRE(v.verify(file, t0).has_value());
  std::set<isv::errc> seen;
  std::size_t tried = 0;
  for (std::size_t i = 0; i < file.size(); ++i) {
    for (const int flip : {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80}) {
      std::string changed = file;
      changed[i] = static_cast<char>(static_cast<unsigned char>(changed[i]) ^ static_cast<unsigned char>(flip));
      const auto r = v.verify(changed, t0);
      ++tried;
      if (r.has_value()) FAIL("byte " << i << " xor " << flip << " still verifies");
      seen.insert(r.error().code);
    }
  }
  for (std::size_t n = 0; n < file.size(); ++n) {
    const auto r = v.verify(std::string_view(file).substr(0, n), t0);
    if (r.has_value()) FAIL("the first " << n << " bytes verify");
  }
  CHECK(tried == file.size() * 8);
  // The changes are told apart: a broken frame, a changed key id, a changed statement or signature.
  CHECK(seen.contains(isv::errc::license_malformed));
  CHECK(seen.contains(isv::errc::license_key_unknown));
  CHECK(seen.contains(isv::errc::license_tampered));
  CHECK(seen.contains(isv::errc::license_signature_invalid));
}
