// Tests of isv/signing/public_key.hpp and key_pair.hpp: RFC 8032's Ed25519 test vectors, PEM forms openssl reads, and key files kept private.
#include "world.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace signing_world;

namespace {

std::vector<unsigned char> bytes_of(std::string_view hex) {
  std::vector<unsigned char> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<unsigned char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

struct rfc8032_vector {
  std::string_view secret, public_key, message, signature;
};

// RFC 8032, section 7.1: TEST 1, TEST 2, TEST 3 and TEST SHA(abc).
constexpr std::array vectors{
    rfc8032_vector{"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                   "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
                   "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    rfc8032_vector{"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                   "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
                   "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    rfc8032_vector{"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
                   "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
                   "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
};

/// A fresh directory for key files, removed when the test ends.
struct scratch_dir {
  std::filesystem::path path;
  scratch_dir() {
    std::string templ = (std::filesystem::temp_directory_path() / "isv-keys-XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    path = templ;
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  ~scratch_dir() { std::filesystem::remove_all(path); }
};

} // namespace

TEST_CASE("the Ed25519 keys and signatures are RFC 8032's, byte for byte [D-SIGN-1]") {
  for (const auto& v : vectors) {
    const auto key = must(isv::ed25519_key_pair::from_seed(bytes_of(v.secret)));
    const auto pub = must(key.public_key());
    const auto expected_pub = bytes_of(v.public_key);
    CHECK(std::equal(pub.bytes().begin(), pub.bytes().end(), expected_pub.begin(), expected_pub.end()));
    const auto message = bytes_of(v.message);
    const auto sig = key.sign(message);
    const auto expected_sig = bytes_of(v.signature);
    CHECK(std::equal(sig.begin(), sig.end(), expected_sig.begin(), expected_sig.end()));
    // The verifier's check of a signature's form accepts every genuine one.
    CHECK(isv::detail::well_formed_ed25519_signature(sig));
  }
}

TEST_CASE("a public key is written as SubjectPublicKeyInfo PEM and read back, a PEM of no Ed25519 key is refused [D-SIGN-1]") {
  const auto pub = must(key_2026().public_key());
  const std::string pem = pub.to_pem();
  CHECK(pem.starts_with("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"));
  CHECK(pem.ends_with("-----END PUBLIC KEY-----\n"));
  CHECK(must(isv::ed25519_public_key::from_pem(pem)) == pub);
  // CR LF line ends, as a file edited on Windows has them, read the same.
  std::string crlf;
  for (const char c : pem) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  CHECK(must(isv::ed25519_public_key::from_pem(crlf)) == pub);

  CHECK(refusal(isv::ed25519_public_key::from_pem("not a key")) == isv::errc::invalid_argument);
  // An RSA-sized or otherwise different key: the DER is not Ed25519's.
  CHECK(refusal(isv::ed25519_public_key::from_pem("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VxAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n")) ==
        isv::errc::invalid_argument);
  // 32 bytes that are no point of the curve's main subgroup are no one's key.
  std::array<unsigned char, 32> zeros{};
  CHECK(refusal(isv::ed25519_public_key::from_bytes(zeros)) == isv::errc::invalid_argument);
  CHECK(refusal(isv::ed25519_public_key::from_bytes(std::span(zeros).first(31))) == isv::errc::invalid_argument);
}

TEST_CASE("a key pair is generated, saved with mode 0600 and loaded back, a key file is never overwritten [D-SIGN-1]") {
  const scratch_dir dir;
  const auto key = must(isv::ed25519_key_pair::generate());
  const auto file = dir.path / "publisher.key";
  must(key.save(file));

  struct stat info {};
  REQUIRE(::stat(file.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str().starts_with("-----BEGIN PRIVATE KEY-----\n"));

  const auto loaded = must(isv::ed25519_key_pair::load(file));
  CHECK(must(loaded.public_key()) == must(key.public_key()));
  CHECK(loaded.sign(std::string_view("same")) == key.sign(std::string_view("same")));

  // Saving another key to the same name would lose the first: refused, the file unchanged.
  const auto other = must(isv::ed25519_key_pair::generate());
  CHECK(refusal(other.save(file)) == isv::errc::already_exists);
  CHECK(must(must(isv::ed25519_key_pair::load(file)).public_key()) == must(key.public_key()));

  // Two generated keys differ.
  CHECK_FALSE(must(other.public_key()) == must(key.public_key()));
}

TEST_CASE("a key file others may read is refused, and so is a file that holds no key [D-SIGN-1]") {
  const scratch_dir dir;
  const auto file = dir.path / "shared.key";
  must(key_2026().save(file));
  REQUIRE(::chmod(file.c_str(), 0640) == 0);
  const auto open = isv::ed25519_key_pair::load(file);
  CHECK(refusal(open) == isv::errc::invalid_argument);
  CHECK(open.error().message.find("chmod 600") != std::string::npos);

  const auto garbage = dir.path / "garbage.key";
  { std::ofstream(garbage) << "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"; }
  REQUIRE(::chmod(garbage.c_str(), 0600) == 0);
  CHECK(refusal(isv::ed25519_key_pair::load(garbage)) == isv::errc::invalid_argument);
  CHECK(refusal(isv::ed25519_key_pair::load(dir.path / "missing.key")) == isv::errc::storage_fault);
}

TEST_CASE("a private key's PEM is PKCS#8, the form openssl genpkey writes [D-SIGN-1]") {
  // RFC 8410's example private key (section 10.3), whose seed is D4EE72DB...
  const std::string pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n-----END PRIVATE KEY-----\n";
  const auto key = must(isv::ed25519_key_pair::from_pem(pem));
  // RFC 8410 section 10.1 gives its public key: 19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1.
  const auto expected = bytes_of("19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1");
  const auto pub = must(key.public_key());
  CHECK(std::equal(pub.bytes().begin(), pub.bytes().end(), expected.begin(), expected.end()));
}
