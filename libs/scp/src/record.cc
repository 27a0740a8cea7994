#include "securecomm/scp/record.h"

#include <cstring>

#include "securecomm/base/bytes.h"
#include "securecomm/base/check.h"
#include "securecomm/crypto/hkdf.h"
#include "securecomm/scp/errors.h"

namespace sc::scp {
namespace {

constexpr std::string_view kRecordKeysLabel = "SCP/1 record keys";
constexpr std::string_view kKeyUpdateLabel = "SCP/1 key update";

}  // namespace

std::array<uint8_t, 12> RecordNonce(uint64_t sequence) noexcept {
  std::array<uint8_t, 12> n{};
  StoreBe64(std::span(n).subspan<4, 8>(), sequence);
  return n;
}

RecordKeys RecordKeys::Derive(NoiseSuite suite, const SecretArray<32>& ts, std::span<const uint8_t, 32> h) {
  SecretArray<64> okm;
  SC_CHECK(crypto::HkdfSha256(ts.Expose(), h, AsBytes(kRecordKeysLabel), okm.MutableExpose()).has_value());
  auto aead = crypto::Aead::Create(NoiseAead(suite), okm.Expose().first(32));
  SC_CHECK(aead.has_value());
  return RecordKeys{std::move(*aead), crypto::HmacSha256Key(okm.Expose().subspan(32, 32))};
}

SecretArray<32> NextTrafficSecret(const SecretArray<32>& ts, std::span<const uint8_t, 32> h) {
  SecretArray<32> next;
  SC_CHECK(crypto::HkdfSha256(ts.Expose(), h, AsBytes(kKeyUpdateLabel), next.MutableExpose()).has_value());
  return next;
}

// ---- KeySchedule ----

KeySchedule::KeySchedule(NoiseSuite suite, SecretArray<32> traffic_secret, const std::array<uint8_t, 32>& h)
    : suite_(suite), h_(h), ts_(std::move(traffic_secret)), keys_(RecordKeys::Derive(suite, ts_, h_)) {}

KeySchedule KeySchedule::Next() const {
  KeySchedule next(suite_, NextTrafficSecret(ts_, h_), h_);
  next.generation_ = generation_ + 1;
  return next;
}

// ---- RecordSender ----

RecordSender::RecordSender(NoiseSuite suite, SecretArray<32> traffic_secret, const std::array<uint8_t, 32>& h,
                           uint64_t next_sequence)
    : schedule_(suite, std::move(traffic_secret), h), next_sequence_(next_sequence) {}

Status RecordSender::SealInto(FrameType type, std::span<const uint8_t> plaintext, std::vector<uint8_t>& out) {
  if (plaintext.size() > kMaxRecordPlaintext) return Fail(Errc::kFrameTooLarge);
  if (next_sequence_ > kMaxSequence) return Fail(Errc::kNonceExhausted);
  const FrameHeader header{type, next_sequence_, static_cast<uint32_t>(plaintext.size() + kTagSize)};
  const auto header_bytes = header.Encode();
  const size_t start = out.size();
  out.resize(start + kHeaderSize + header.length + kMacSize);
  uint8_t* frame = out.data() + start;
  std::memcpy(frame, header_bytes.data(), kHeaderSize);
  const auto nonce = RecordNonce(next_sequence_);
  // scp.md §5.2: AEAD with the header as additional data, then HMAC over header || ciphertext.
  RecordKeys& keys = schedule_.keys();
  if (!keys.aead.Seal(nonce, header_bytes, plaintext, {frame + kHeaderSize, header.length})) {
    out.resize(start);
    return Fail(Errc::kFrameTooLarge);
  }
  const auto tag = keys.mac.Compute({frame, kHeaderSize + header.length});
  std::memcpy(frame + kHeaderSize + header.length, tag.data(), kMacSize);
  ++next_sequence_;
  bytes_since_update_ += plaintext.size();
  return OkStatus();
}

void RecordSender::Update() {
  schedule_ = schedule_.Next();  // the move-assignment wipes the old secret and keys
  bytes_since_update_ = 0;
}

// ---- RecordReceiver ----

RecordReceiver::RecordReceiver(NoiseSuite suite, SecretArray<32> traffic_secret,
                               const std::array<uint8_t, 32>& h, uint64_t next_sequence, Transport transport)
    : schedule_(suite, std::move(traffic_secret), h), transport_(transport), next_sequence_(next_sequence) {
  if (transport == Transport::kDatagram) {
    window_ = std::make_unique<ReplayWindow<>>();
    // Datagram sessions start with the handshake numbers already used.
    for (uint64_t s = 0; s < next_sequence; ++s) window_->Commit(s);
  }
}

Result<size_t> RecordReceiver::OpenInto(const FrameView& frame, std::span<uint8_t> out) {
  // Check 6 (scp.md §2): the HMAC first, the cheap gate before any AEAD work.
  RecordKeys* keys = &schedule_.keys();
  if (!keys->mac.Verify(frame.mac_input, frame.hmac)) {
    // Datagrams: the KEY_UPDATE that moved the sender on may have been lost, so a record of the
    // next generation is tried too (scp.md §10). Its keys are derived once and kept.
    if (transport_ != Transport::kDatagram) return Fail(Errc::kBadMac);
    if (!next_) next_ = std::make_unique<KeySchedule>(schedule_.Next());
    if (!next_->keys().mac.Verify(frame.mac_input, frame.hmac)) return Fail(Errc::kBadMac);
    keys = &next_->keys();
  }
  // Check 7: sequence.
  const uint64_t seq = frame.header.sequence;
  if (transport_ == Transport::kStream ? seq != next_sequence_ : !window_->Check(seq)) {
    return Fail(Errc::kReplay);
  }
  // Check 8: AEAD.
  if (frame.payload.size() < kTagSize) return Fail(Errc::kMalformedFrame);
  const size_t n = frame.payload.size() - kTagSize;
  if (out.size() < n) return Fail(sc::Errc::kBufferTooSmall);
  const auto nonce = RecordNonce(seq);
  if (!keys->aead.Open(nonce, frame.header_bytes, frame.payload, out.first(n))) {
    return Fail(Errc::kDecryptFailed);
  }
  if (keys != &schedule_.keys()) Update();  // the next generation authenticated: move to it
  if (transport_ == Transport::kStream) {
    ++next_sequence_;
  } else {
    window_->Commit(seq);
    if (seq >= next_sequence_) next_sequence_ = seq + 1;
  }
  return n;
}

void RecordReceiver::Update() {
  schedule_ = next_ ? std::move(*next_) : schedule_.Next();
  next_.reset();
}

}  // namespace sc::scp
