#include "securecomm/e2e/kdf.h"

#include <array>
#include <cstring>
#include <utility>

#include "securecomm/base/bytes.h"
#include "securecomm/base/check.h"
#include "securecomm/crypto/hkdf.h"
#include "securecomm/crypto/hmac_pads.h"

namespace sc::e2e {
namespace {

// F of X3DH §2.2 for curve X25519: 32 0xFF bytes, domain separation from XEdDSA.
constexpr size_t kFSize = 32;
// The zero-filled salt of X3DH §2.2 and DR §5.2 (ENCRYPT), one SHA-256 output long.
constexpr std::array<uint8_t, 32> kZeroSalt{};

// The KDF_CK inputs recommended by DR §5.2.
constexpr uint8_t kMessageKeyConstant = 0x01;
constexpr uint8_t kChainKeyConstant = 0x02;

// The largest KM: four X25519 outputs (DH1..DH4).
constexpr size_t kMaxKm = 4 * 32;

}  // namespace

SharedKey X3dhKdf(std::span<const uint8_t> km) noexcept {
  SC_CHECK(km.size() <= kMaxKm);
  SecretArray<kFSize + kMaxKm> ikm;  // F || KM, wiped on return
  auto buf = ikm.MutableExpose();
  std::memset(buf.data(), 0xFF, kFSize);
  if (!km.empty()) std::memcpy(buf.data() + kFSize, km.data(), km.size());
  SharedKey sk;
  SC_CHECK(
      crypto::HkdfSha256(buf.first(kFSize + km.size()), kZeroSalt, AsBytes(kX3dhInfo), sk.MutableExpose()));
  return sk;
}

RootKey FirstRootKey(SharedKey sk) noexcept {
  return RootKey(std::move(static_cast<SecretArray<32>&>(sk)));
}

RootStep KdfRk(const RootKey& rk, const crypto::X25519SharedSecret& dh_out) noexcept {
  SecretArray<64> okm;
  SC_CHECK(crypto::HkdfSha256(dh_out.Expose(), rk.Expose(), AsBytes(kRatchetInfo), okm.MutableExpose()));
  RootStep step;
  std::memcpy(step.root_key.MutableExpose().data(), okm.Expose().data(), 32);
  std::memcpy(step.chain_key.MutableExpose().data(), okm.Expose().data() + 32, 32);
  return step;
}

ChainStep KdfCk(const ChainKey& ck) noexcept {
  // One keying (the pads hashed once), two HMACs, straight into the new keys: on the path of
  // every message, so no OpenSSL object is made per step (crypto/hmac_pads.h).
  const crypto::HmacSha256Pads mac(ck.Expose());
  const std::array<uint8_t, 1> mk_input{kMessageKeyConstant};
  const std::array<uint8_t, 1> ck_input{kChainKeyConstant};
  ChainStep step;
  mac.ComputeInto({mk_input}, step.message_key.MutableExpose());
  mac.ComputeInto({ck_input}, step.chain_key.MutableExpose());
  return step;
}

}  // namespace sc::e2e
