// raw_records.cc: the raw record anchor of raw_records.h, written against
// OpenSSL 3.

#include "raw_records.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "securecomm/base/bytes.h"
#include "securecomm/base/secret.h"
#include "securecomm/scp/frame.h"

#include "scp_bench_util.h"

namespace sc::bench {
namespace {

using sc::scp::FrameType;

}  // namespace

RecordSecrets::RecordSecrets() {
  const std::vector<uint8_t> ts_bytes = Bytes(32, 21), h_bytes = Bytes(32, 22);
  ts = sc::SecretArray<32>::FromSpan(std::span<const uint8_t, 32>(ts_bytes.data(), 32));
  std::copy(h_bytes.begin(), h_bytes.end(), h.begin());
}

RawRecords::RawRecords(const RecordSecrets& secrets, uint64_t first_sequence)
    : tx_seq_(first_sequence), rx_seq_(first_sequence) {
  uint8_t okm[64];
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  EVP_KDF_CTX* kctx = kdf != nullptr ? EVP_KDF_CTX_new(kdf) : nullptr;
  char digest[] = "SHA256";
  char info[] = "SCP/1 record keys";
  OSSL_PARAM kp[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(secrets.ts.Expose().data()),
                                        32),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<uint8_t*>(secrets.h.data()), 32),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, std::strlen(info)),
      OSSL_PARAM_construct_end()};
  const bool kdf_ok = kctx != nullptr && EVP_KDF_derive(kctx, okm, sizeof okm, kp) == 1;
  EVP_KDF_CTX_free(kctx);
  EVP_KDF_free(kdf);
  cipher_ = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  enc_ = EVP_CIPHER_CTX_new();
  dec_ = EVP_CIPHER_CTX_new();
  tx_mac_ = mac_ != nullptr ? EVP_MAC_CTX_new(mac_) : nullptr;
  rx_mac_ = mac_ != nullptr ? EVP_MAC_CTX_new(mac_) : nullptr;
  OSSL_PARAM mp[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                     OSSL_PARAM_construct_end()};
  if (!kdf_ok || cipher_ == nullptr || enc_ == nullptr || dec_ == nullptr || tx_mac_ == nullptr ||
      rx_mac_ == nullptr || EVP_EncryptInit_ex2(enc_, cipher_, okm, nullptr, nullptr) != 1 ||
      EVP_DecryptInit_ex2(dec_, cipher_, okm, nullptr, nullptr) != 1 ||
      EVP_MAC_init(tx_mac_, okm + 32, 32, mp) != 1 || EVP_MAC_init(rx_mac_, okm + 32, 32, mp) != 1) {
    Die("raw record contexts");
  }
  OPENSSL_cleanse(okm, sizeof okm);
}
RawRecords::~RawRecords() {
  EVP_CIPHER_CTX_free(enc_);
  EVP_CIPHER_CTX_free(dec_);
  EVP_MAC_CTX_free(tx_mac_);
  EVP_MAC_CTX_free(rx_mac_);
  EVP_CIPHER_free(cipher_);
  EVP_MAC_free(mac_);
}

bool RawRecords::Seal(const uint8_t* pt, size_t n, uint8_t* frame) {
  const uint64_t seq = tx_seq_;
  frame[0] = 0x01;
  frame[1] = static_cast<uint8_t>(FrameType::kData);
  StoreBe64(std::span<uint8_t, 8>(frame + 2, 8), seq);
  StoreBe32(std::span<uint8_t, 4>(frame + 10, 4), static_cast<uint32_t>(n + kTag));
  uint8_t iv[12] = {};
  StoreBe64(std::span<uint8_t, 8>(iv + 4, 8), seq);
  uint8_t* ct = frame + kHeader;
  int len = 0, fin = 0;
  size_t mac_len = 0;
  const bool ok = EVP_EncryptInit_ex2(enc_, nullptr, nullptr, iv, nullptr) == 1 &&
                  EVP_EncryptUpdate(enc_, nullptr, &len, frame, kHeader) == 1 &&
                  EVP_EncryptUpdate(enc_, ct, &len, pt, static_cast<int>(n)) == 1 &&
                  EVP_EncryptFinal_ex(enc_, ct + len, &fin) == 1 &&
                  EVP_CIPHER_CTX_ctrl(enc_, EVP_CTRL_GCM_GET_TAG, kTag, ct + n) == 1 &&
                  EVP_MAC_init(tx_mac_, nullptr, 0, nullptr) == 1 &&
                  EVP_MAC_update(tx_mac_, frame, kHeader + n + kTag) == 1 &&
                  EVP_MAC_final(tx_mac_, ct + n + kTag, &mac_len, kMac) == 1 && mac_len == kMac;
  ++tx_seq_;
  return ok;
}

long RawRecords::Open(const uint8_t* frame, size_t size, uint8_t* out) {
  if (size < kHeader + kTag + kMac || frame[0] != 0x01 ||
      frame[1] != static_cast<uint8_t>(FrameType::kData)) {
    return -1;
  }
  const size_t length = LoadBe32(std::span<const uint8_t, 4>(frame + 10, 4));
  if (kHeader + length + kMac != size || length < kTag) return -1;
  uint8_t tag[kMac];
  size_t mac_len = 0;
  if (EVP_MAC_init(rx_mac_, nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(rx_mac_, frame, kHeader + length) != 1 ||
      EVP_MAC_final(rx_mac_, tag, &mac_len, kMac) != 1 ||
      CRYPTO_memcmp(tag, frame + kHeader + length, kMac) != 0) {
    return -1;
  }
  const uint64_t seq = LoadBe64(std::span<const uint8_t, 8>(frame + 2, 8));
  if (seq != rx_seq_) return -1;
  const size_t n = length - kTag;
  uint8_t iv[12] = {};
  StoreBe64(std::span<uint8_t, 8>(iv + 4, 8), seq);
  int len = 0, fin = 0;
  if (EVP_DecryptInit_ex2(dec_, nullptr, nullptr, iv, nullptr) != 1 ||
      EVP_DecryptUpdate(dec_, nullptr, &len, frame, kHeader) != 1 ||
      EVP_DecryptUpdate(dec_, out, &len, frame + kHeader, static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(dec_, EVP_CTRL_GCM_SET_TAG, kTag, const_cast<uint8_t*>(frame + kHeader + n)) != 1 ||
      EVP_DecryptFinal_ex(dec_, out + len, &fin) != 1) {
    return -1;
  }
  ++rx_seq_;
  return static_cast<long>(n);
}

}  // namespace sc::bench
