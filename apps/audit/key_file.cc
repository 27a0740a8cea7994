#include "key_file.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "securecomm/base/bytes.h"
#include "securecomm/base/encoding.h"
#include "securecomm/crypto/aead.h"
#include "securecomm/crypto/argon2.h"
#include "securecomm/crypto/errors.h"

#include "cli_limits.h"

namespace sc::audit_cli {
namespace {

constexpr std::string_view kMagic = "SCAUDITKEY1";
constexpr size_t kNonceSize = 24;

Result<crypto::Aead> KeyFor(std::span<const uint8_t> passphrase, std::span<const uint8_t> salt) {
  SecretArray<32> key;
  if (auto s = crypto::Argon2id(passphrase, salt, kKeyFileArgon2, key.MutableExpose()); !s) {
    return Fail(s.error());
  }
  return crypto::Aead::Create(crypto::AeadAlgorithm::kXChaCha20Poly1305, key.Expose());
}

}  // namespace

tl::expected<SecretBytes, std::string> ReadPassphrase() {
  if (const char* env = std::getenv("SC_AUDIT_PASSPHRASE"); env != nullptr && *env != '\0') {
    return SecretBytes(AsBytes(env));
  }
  if (isatty(STDIN_FILENO) == 0) {
    return tl::unexpected(std::string("no passphrase: set SC_AUDIT_PASSPHRASE or run on a terminal"));
  }
  std::fprintf(stderr, "signer key passphrase: ");
  termios old{};
  tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  SecretBytes pass(kMaxPassphrase + 1);
  const ssize_t n = read(STDIN_FILENO, pass.MutableExpose().data(), pass.size());
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::fprintf(stderr, "\n");
  if (n <= 0) return tl::unexpected(std::string("no passphrase read"));
  size_t len = static_cast<size_t>(n);
  while (len > 0 && (pass.Expose()[len - 1] == '\n' || pass.Expose()[len - 1] == '\r')) --len;
  if (len == 0 || len > kMaxPassphrase) return tl::unexpected(std::string("empty or over-long passphrase"));
  pass.Resize(len);
  return pass;
}

Result<SecretBytes> SealKeyFile(std::span<const uint8_t> key_line, std::span<const uint8_t> passphrase,
                                Random& rng) {
  std::vector<uint8_t> salt(crypto::kArgon2SaltSize), nonce(kNonceSize);
  rng.Fill(salt);
  rng.Fill(nonce);
  auto aead = KeyFor(passphrase, salt);
  if (!aead) return Fail(aead.error());
  auto sealed = aead->Seal(nonce, AsBytes(kMagic), key_line);
  if (!sealed) return Fail(sealed.error());
  const std::string text = std::string(kMagic) + " " + Base64Encode(salt) + " " + Base64Encode(nonce) + " " +
                           Base64Encode(*sealed) + "\n";
  return SecretBytes(AsBytes(text));
}

Result<SecretBytes> OpenKeyFile(std::span<const uint8_t> file, std::span<const uint8_t> passphrase) {
  std::string_view text = AsChars(file);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::vector<std::string_view> parts;
  for (size_t start = 0; start <= text.size();) {
    const size_t sp = text.find(' ', start);
    parts.push_back(text.substr(start, sp == std::string_view::npos ? std::string_view::npos : sp - start));
    if (sp == std::string_view::npos) break;
    start = sp + 1;
  }
  if (parts.size() != 4 || parts[0] != kMagic) return Fail(sc::Errc::kInvalidEncoding);
  auto salt = Base64Decode(parts[1]);
  auto nonce = Base64Decode(parts[2]);
  auto sealed = Base64Decode(parts[3]);
  if (!salt || !nonce || !sealed || salt->size() != crypto::kArgon2SaltSize || nonce->size() != kNonceSize) {
    return Fail(sc::Errc::kInvalidEncoding);
  }
  auto aead = KeyFor(passphrase, *salt);
  if (!aead) return Fail(aead.error());
  auto line = aead->Open(*nonce, AsBytes(kMagic), *sealed);
  if (!line) return Fail(crypto::Errc::kAuthFailed);
  return line;
}

}  // namespace sc::audit_cli
