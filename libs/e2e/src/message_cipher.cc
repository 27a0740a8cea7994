#include "securecomm/e2e/message_cipher.h"

#include <algorithm>
#include <array>

#include "securecomm/base/bytes.h"
#include "securecomm/base/check.h"
#include "securecomm/crypto/aead.h"
#include "securecomm/crypto/hkdf.h"
#include "securecomm/e2e/errors.h"
#include "securecomm/e2e/limits.h"

namespace sc::e2e {
namespace {

constexpr crypto::AeadAlgorithm kAlgorithm = crypto::AeadAlgorithm::kXChaCha20Poly1305;
constexpr size_t kAeadKeySize = 32;
constexpr size_t kNonceSize = 24;
constexpr std::array<uint8_t, 32> kZeroSalt{};  // DR §5.2: "a zero-filled byte sequence"
static_assert(kTagSize == crypto::kAeadTagSize);

// The AEAD key and nonce derived from one message key (e2e.md §5.2).
struct MessageAead {
  crypto::Aead aead;
  std::array<uint8_t, kNonceSize> nonce;
};

MessageAead Derive(const MessageKey& mk) {
  SecretArray<kAeadKeySize + kNonceSize> okm;
  SC_CHECK(crypto::HkdfSha256(mk.Expose(), kZeroSalt, AsBytes(kMessageKeyInfo), okm.MutableExpose()));
  auto aead = crypto::Aead::Create(kAlgorithm, okm.Expose().first<kAeadKeySize>());
  SC_CHECK(aead.has_value());  // the algorithm and key size are fixed
  MessageAead out{std::move(*aead), {}};
  const auto nonce = okm.Expose().subspan<kAeadKeySize>();
  std::copy(nonce.begin(), nonce.end(), out.nonce.begin());
  return out;
}

}  // namespace

std::vector<uint8_t> EncryptMessage(const MessageKey& mk, std::span<const uint8_t> plaintext,
                                    std::span<const uint8_t> ad) {
  SC_CHECK(plaintext.size() <= kMaxPlaintextSize);
  MessageAead m = Derive(mk);
  std::vector<uint8_t> out(plaintext.size() + kTagSize);
  SC_CHECK(m.aead.Seal(m.nonce, ad, plaintext, out));  // sizes are within every AEAD limit
  return out;
}

Result<SecretBytes> DecryptMessage(const MessageKey& mk, std::span<const uint8_t> ciphertext,
                                   std::span<const uint8_t> ad) {
  if (ciphertext.size() < kTagSize) return Fail(Errc::kAuthFailed);
  MessageAead m = Derive(mk);
  SecretBytes out(ciphertext.size() - kTagSize);
  if (!m.aead.Open(m.nonce, ad, ciphertext, out.MutableExpose())) return Fail(Errc::kAuthFailed);
  return out;
}

}  // namespace sc::e2e
