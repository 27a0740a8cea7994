// record.h: SCP record protection after the handshake (docs/protocol/scp.md §5, §7): per-direction
// key generations, AEAD with the sequence number as nonce and the header as additional data, then
// HMAC-SHA256 over header and ciphertext.
//
//   RecordSender tx(suite, std::move(k1), h, /*next_sequence=*/2);
//   std::vector<uint8_t> wire; (void)tx.SealInto(FrameType::kData, plaintext, wire);
//   RecordReceiver rx(suite, std::move(k1_copy), h, 2, Transport::kStream);
//   auto frame = DecodeFrame(wire);  auto n = rx.OpenInto(*frame, buffer);
//
// Both keep their keys keyed once (an Aead and an HmacSha256Key), so a record costs one AEAD and
// one HMAC call. Secrets of replaced generations are wiped. Not thread safe.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/aead.h"
#include "securecomm/crypto/hash.h"
#include "securecomm/scp/frame.h"
#include "securecomm/scp/noise.h"
#include "securecomm/scp/replay_window.h"

namespace sc::scp {

enum class Transport : uint8_t { kStream, kDatagram };

// RecordKeys: the keys of one direction and generation (scp.md §5.1).
struct RecordKeys {
  crypto::Aead aead;
  crypto::HmacSha256Key mac;
  // Derive returns the keys of traffic secret `ts` under handshake hash `h`.
  static RecordKeys Derive(NoiseSuite suite, const SecretArray<32>& ts, std::span<const uint8_t, 32> h);
};

// NextTrafficSecret returns ts_(n+1) from ts_n (scp.md §5.1).
[[nodiscard]] SecretArray<32> NextTrafficSecret(const SecretArray<32>& ts, std::span<const uint8_t, 32> h);

// KeySchedule: one direction's traffic secret and record keys, generation by generation
// (scp.md §5.1). Replacing a schedule (move-assignment) wipes the old secret and keys.
class KeySchedule {
 public:
  KeySchedule(NoiseSuite suite, SecretArray<32> traffic_secret, const std::array<uint8_t, 32>& h);

  RecordKeys& keys() noexcept { return keys_; }
  uint32_t generation() const noexcept { return generation_; }
  // Next returns the schedule of the following generation; this one is left as it is.
  [[nodiscard]] KeySchedule Next() const;

 private:
  NoiseSuite suite_;
  std::array<uint8_t, 32> h_;
  SecretArray<32> ts_;
  RecordKeys keys_;
  uint32_t generation_ = 0;
};

class RecordSender {
 public:
  RecordSender(NoiseSuite suite, SecretArray<32> traffic_secret, const std::array<uint8_t, 32>& h,
               uint64_t next_sequence);

  // SealInto appends one protected frame of `type` carrying `plaintext` to `out`.
  // kFrameTooLarge (plaintext over kMaxRecordPlaintext), kNonceExhausted (no sequence number
  // left). On error `out` is as it was.
  [[nodiscard]] Status SealInto(FrameType type, std::span<const uint8_t> plaintext,
                                std::vector<uint8_t>& out);

  // Update moves to the next key generation and wipes the current one.
  void Update();

  uint64_t next_sequence() const noexcept { return next_sequence_; }
  uint64_t bytes_since_update() const noexcept { return bytes_since_update_; }
  uint32_t generation() const noexcept { return schedule_.generation(); }

 private:
  KeySchedule schedule_;
  uint64_t next_sequence_;
  uint64_t bytes_since_update_ = 0;
};

class RecordReceiver {
 public:
  RecordReceiver(NoiseSuite suite, SecretArray<32> traffic_secret, const std::array<uint8_t, 32>& h,
                 uint64_t next_sequence, Transport transport);

  // OpenInto authenticates `frame` and writes its plaintext to `out`, returning the plaintext
  // length. Checks, in order: HMAC (kBadMac), sequence (kReplay), AEAD (kDecryptFailed);
  // datagram receivers also accept a record of the next key generation (its KEY_UPDATE may have
  // been lost) and then move to that generation;
  // kBufferTooSmall (base::Errc) if `out` is shorter than the plaintext. Sequence state changes
  // only on success; on error `out` holds no plaintext.
  [[nodiscard]] Result<size_t> OpenInto(const FrameView& frame, std::span<uint8_t> out);

  // Update moves to the next key generation and wipes the current one.
  void Update();

  uint64_t next_sequence() const noexcept { return next_sequence_; }
  uint32_t generation() const noexcept { return schedule_.generation(); }

 private:
  KeySchedule schedule_;
  Transport transport_;
  uint64_t next_sequence_;                  // stream: the one expected; datagram: one past the newest seen
  std::unique_ptr<ReplayWindow<>> window_;  // datagrams only (1 KiB a stream session does not need)
  std::unique_ptr<KeySchedule> next_;       // datagrams: the next generation, once a record needed it
};

// RecordNonce returns the 12-byte AEAD nonce for `sequence`: four zero bytes, then the sequence
// big-endian (scp.md §5.2).
std::array<uint8_t, 12> RecordNonce(uint64_t sequence) noexcept;

}  // namespace sc::scp
