// raw_records.h: the raw anchor of scp_bench's record rows (row b). RawRecords is scp.md §5
// written directly against OpenSSL 3: keys derived once (HKDF, as RecordKeys::Derive), one
// pre-keyed AES-256-GCM context per direction (per record only the IV is set), one keyed
// HMAC-SHA256 context per direction (EVP_MAC_init with a NULL key reuses the key), a CRYPTO_memcmp
// tag check. The frame layout is that of frame.h: 14-byte header, ciphertext, tag, 32-byte HMAC.
// RecordSecrets is the fixed traffic secret and handshake hash that keys both halves of a row.
//
//   const RecordSecrets secrets;
//   RawRecords rec(secrets, /*first_sequence=*/2);
//   std::vector<uint8_t> wire(RawRecords::FrameSize(pt.size())), out(pt.size());
//   bool ok = rec.Seal(pt.data(), pt.size(), wire.data()) &&
//             rec.Open(wire.data(), wire.size(), out.data()) == static_cast<long>(pt.size());
//
// Setup failures end the program through Die. Not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <openssl/evp.h>

#include "securecomm/base/secret.h"

namespace sc::bench {

// RecordSecrets: a traffic secret `ts` and handshake hash `h` from fixed seeds (the same bytes in
// every run), as both halves of a record row key their records.
struct RecordSecrets {
  sc::SecretArray<32> ts;
  std::array<uint8_t, 32> h{};
  RecordSecrets();
};

// RawRecords: both directions of one record stream; Seal and Open each advance their own
// sequence number, starting at `first_sequence`.
class RawRecords {
 public:
  RawRecords(const RecordSecrets& secrets, uint64_t first_sequence);
  ~RawRecords();
  RawRecords(const RawRecords&) = delete;
  RawRecords& operator=(const RawRecords&) = delete;

  // FrameSize returns the size of the DATA frame carrying `n` plaintext bytes.
  static size_t FrameSize(size_t n) { return kHeader + n + kTag + kMac; }

  // Seal writes the DATA frame carrying pt[0..n) to `frame` (FrameSize(n) bytes).
  bool Seal(const uint8_t* pt, size_t n, uint8_t* frame);

  // Open checks a DATA frame of `size` bytes as the receiver does (header, HMAC, sequence, AEAD)
  // and writes its plaintext to `out`; returns the plaintext length, or -1.
  long Open(const uint8_t* frame, size_t size, uint8_t* out);

 private:
  static constexpr int kHeader = 14, kTag = 16, kMac = 32;
  EVP_CIPHER* cipher_ = nullptr;
  EVP_MAC* mac_ = nullptr;
  EVP_CIPHER_CTX* enc_ = nullptr;
  EVP_CIPHER_CTX* dec_ = nullptr;
  EVP_MAC_CTX* tx_mac_ = nullptr;
  EVP_MAC_CTX* rx_mac_ = nullptr;
  uint64_t tx_seq_, rx_seq_;
};

}  // namespace sc::bench
