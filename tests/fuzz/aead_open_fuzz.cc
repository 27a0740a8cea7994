// Fuzz target: Aead::Open on attacker-controlled nonce, aad and ciphertext, for every algorithm.
// Invariants: no crash; a forged input never authenticates (the key is fixed and secret to the
// fuzzer, so acceptance would be a forgery); on failure the output buffer is all zero.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "securecomm/base/byte_reader.h"
#include "securecomm/crypto/aead.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using sc::crypto::AeadAlgorithm;
  sc::ByteReader r(std::span<const uint8_t>(data, size));
  auto selector = r.ReadU8();
  auto nonce = r.ReadPrefixed8();
  auto aad = r.ReadPrefixed8();
  if (!selector || !nonce || !aad) return 0;
  const auto alg = static_cast<AeadAlgorithm>(1 + *selector % 5);
  const std::vector<uint8_t> key(sc::crypto::AeadKeySize(alg), 0x42);
  auto aead = sc::crypto::Aead::Create(alg, key);
  if (!aead) std::abort();
  const auto ct = r.ReadRest();
  std::vector<uint8_t> out(ct.size(), 0xAA);
  const auto nonce_bytes = nonce->ReadRest();
  auto s = aead->Open(nonce_bytes, aad->ReadRest(), ct, out);
  if (s) std::abort();  // a forgery under a key the input never saw
  for (uint8_t b : out) {
    if (b != 0) std::abort();  // unauthenticated plaintext leaked
  }
  return 0;
}
