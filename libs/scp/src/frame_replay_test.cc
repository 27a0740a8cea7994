// Frame codec limits and the replay window against WireGuard's vectors (tests/vectors/replay-window).
#include <fstream>
#include <string_view>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "securecomm/scp/errors.h"
#include "securecomm/scp/frame.h"
#include "securecomm/scp/replay_window.h"

namespace sc::scp {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes Frame(uint8_t version, uint8_t type, uint64_t seq, uint32_t length, size_t actual_payload) {
  FrameHeader h{static_cast<FrameType>(type), seq, length};
  auto hb = h.Encode();
  Bytes out(hb.begin(), hb.end());
  out[0] = version;
  out.resize(out.size() + actual_payload + kMacSize, 0xAB);
  return out;
}

TEST(FrameCodec, HeaderIsBigEndian) {
  const auto hb = FrameHeader{FrameType::kData, 0x0102030405060708ULL, 0x0A0B0C0DU}.Encode();
  const Bytes expected = {0x01, 0x03, 1, 2, 3, 4, 5, 6, 7, 8, 0x0A, 0x0B, 0x0C, 0x0D};
  EXPECT_EQ(Bytes(hb.begin(), hb.end()), expected);
}

TEST(FrameCodec, DecodesExactlyOneFrame) {
  const Bytes f = Frame(1, 3, 7, 5, 5);
  auto v = DecodeFrame(f);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->header.sequence, 7u);
  EXPECT_EQ(v->payload.size(), 5u);
  EXPECT_EQ(v->hmac.size(), kMacSize);
  EXPECT_EQ(v->mac_input.size(), kHeaderSize + 5);
}

TEST(FrameCodec, RefusesEachKindOfBadHeader) {
  EXPECT_EQ(DecodeFrame(Frame(2, 3, 0, 0, 0)).error(), Errc::kUnsupportedVersion);
  EXPECT_EQ(DecodeFrame(Frame(1, 0, 0, 0, 0)).error(), Errc::kUnknownType);
  EXPECT_EQ(DecodeFrame(Frame(1, 8, 0, 0, 0)).error(), Errc::kUnknownType);
  EXPECT_EQ(DecodeFrame(Frame(1, 3, 0, kMaxFramePayload + 1, 0)).error(), Errc::kFrameTooLarge);
  EXPECT_EQ(DecodeFrame(Frame(1, 3, 0, 10, 9)).error(), Errc::kMalformedFrame);   // truncated
  EXPECT_EQ(DecodeFrame(Frame(1, 3, 0, 10, 11)).error(), Errc::kMalformedFrame);  // trailing byte
  EXPECT_EQ(DecodeFrame(Bytes(13, 1)).error(), Errc::kMalformedFrame);
}

TEST(FrameCodec, PeekNeedsOnlyTheHeaderAndBoundsTheFrame) {
  const Bytes f = Frame(1, 3, 0, 100, 100);
  auto none = PeekFrameSize(std::span<const uint8_t>(f).first(13));
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());
  auto size = PeekFrameSize(std::span<const uint8_t>(f).first(14));
  ASSERT_TRUE(size && size->has_value());
  EXPECT_EQ(**size, kHeaderSize + 100 + kMacSize);
  // A peer announcing a huge frame is refused before we buffer it.
  EXPECT_EQ(PeekFrameSize(Frame(1, 3, 0, 0xFFFFFFFF, 0)).error(), Errc::kFrameTooLarge);
}

// ---- frame type registry ----

// scp.md §3 pins each value and its name: append only, never renumber.
TEST(FrameTypes, RegistryMatchesTheSpec) {
  const std::vector<std::pair<uint8_t, std::string_view>> spec = {
      {0x01, "HANDSHAKE_INIT"}, {0x02, "HANDSHAKE_RESPONSE"}, {0x03, "DATA"}, {0x04, "ACK"},
      {0x05, "CLOSE"},          {0x06, "KEY_UPDATE"},         {0x07, "ERROR"}};
  ASSERT_EQ(kFrameTypes.size(), spec.size());
  for (const auto& [value, name] : spec) {
    const FrameTypeInfo* row = FindFrameType(value);
    ASSERT_NE(row, nullptr) << int{value};
    EXPECT_EQ(static_cast<uint8_t>(row->type), value);
    EXPECT_EQ(row->name, name);
    EXPECT_EQ(&FrameTypeInfoOf(row->type), row);
  }
}

TEST(FrameTypes, DecoderAcceptsExactlyTheRegisteredTypes) {
  EXPECT_EQ(FindFrameType(0x00), nullptr);
  EXPECT_EQ(FindFrameType(0x08), nullptr);
  for (unsigned v = 0; v <= UINT8_MAX; ++v) {
    const auto f = DecodeFrame(Frame(1, static_cast<uint8_t>(v), 0, 0, 0));
    if (FindFrameType(static_cast<uint8_t>(v)) != nullptr) {
      ASSERT_TRUE(f.has_value()) << v;
      EXPECT_EQ(static_cast<unsigned>(f->header.type), v);
    } else {
      EXPECT_EQ(f.error(), Errc::kUnknownType) << v;
    }
  }
}

// scp.md §3, §4 and §8: what each type carries in the handshake, who sends it, and its record form.
TEST(FrameTypes, HandshakeAndRecordPropertiesFollowTheSpec) {
  const auto& init = FrameTypeInfoOf(FrameType::kHandshakeInit);
  EXPECT_EQ(init.handshake, HandshakeUse::kMessage1);
  EXPECT_TRUE(SentBy(init.handshake_sender, FrameSender::kInitiator));
  EXPECT_FALSE(SentBy(init.handshake_sender, FrameSender::kResponder));
  EXPECT_FALSE(init.handshake_payload.Contains(kNoiseDhLen));
  EXPECT_TRUE(init.handshake_payload.Contains(1 + kNoiseDhLen));
  EXPECT_FALSE(init.record);

  const auto& response = FrameTypeInfoOf(FrameType::kHandshakeResponse);
  EXPECT_EQ(response.handshake, HandshakeUse::kMessage2);
  EXPECT_TRUE(SentBy(response.handshake_sender, FrameSender::kResponder));
  EXPECT_FALSE(SentBy(response.handshake_sender, FrameSender::kInitiator));
  EXPECT_FALSE(response.record);

  const auto& ack = FrameTypeInfoOf(FrameType::kAck);
  EXPECT_EQ(ack.handshake, HandshakeUse::kMessage3);
  EXPECT_TRUE(SentBy(ack.handshake_sender, FrameSender::kInitiator));
  EXPECT_FALSE(SentBy(ack.handshake_sender, FrameSender::kResponder));
  EXPECT_TRUE(ack.record);
  EXPECT_TRUE(ack.record_plaintext.Contains(8));
  EXPECT_FALSE(ack.record_plaintext.Contains(7));
  EXPECT_FALSE(ack.record_plaintext.Contains(9));

  const auto& error = FrameTypeInfoOf(FrameType::kError);
  EXPECT_EQ(error.handshake, HandshakeUse::kError);
  EXPECT_TRUE(SentBy(error.handshake_sender, FrameSender::kInitiator));
  EXPECT_TRUE(SentBy(error.handshake_sender, FrameSender::kResponder));
  EXPECT_TRUE(error.handshake_payload.Contains(2));
  EXPECT_FALSE(error.handshake_payload.Contains(3));
  EXPECT_TRUE(error.record);
  EXPECT_TRUE(error.record_plaintext.Contains(2));
  EXPECT_FALSE(error.record_plaintext.Contains(1));

  for (FrameType t : {FrameType::kData, FrameType::kClose, FrameType::kKeyUpdate}) {
    const auto& row = FrameTypeInfoOf(t);
    EXPECT_EQ(row.handshake, HandshakeUse::kNone) << row.name;
    EXPECT_FALSE(SentBy(row.handshake_sender, FrameSender::kInitiator)) << row.name;
    EXPECT_FALSE(SentBy(row.handshake_sender, FrameSender::kResponder)) << row.name;
    EXPECT_TRUE(row.record) << row.name;
  }
  EXPECT_TRUE(FrameTypeInfoOf(FrameType::kData).record_plaintext.Contains(0));
  EXPECT_TRUE(FrameTypeInfoOf(FrameType::kData).record_plaintext.Contains(kMaxRecordPlaintext));
  EXPECT_FALSE(FrameTypeInfoOf(FrameType::kClose).record_plaintext.Contains(1));
  EXPECT_TRUE(FrameTypeInfoOf(FrameType::kKeyUpdate).record_plaintext.Contains(1));
  EXPECT_FALSE(FrameTypeInfoOf(FrameType::kKeyUpdate).record_plaintext.Contains(0));
}

// ---- replay window ----

nlohmann::json LoadReplayVectors() {
  std::ifstream in(std::string(SC_VECTORS_DIR) + "/replay-window/wireguard_replay_vectors.json");
  return nlohmann::json::parse(in, nullptr, false);
}

TEST(ReplayWindow, WireGuardSequenceVectors) {
  const auto doc = LoadReplayVectors();
  ASSERT_FALSE(doc.is_discarded());
  ASSERT_EQ(doc.at("window_size").get<uint64_t>(), ReplayWindow<>::kWindow);
  const uint64_t limit = std::stoull(doc.at("limit").get<std::string>());
  ReplayWindow<> w(limit);
  int step = 0;
  for (const auto& s : doc.at("sequence")) {
    const uint64_t counter = std::stoull(s[0].get<std::string>());
    EXPECT_EQ(w.CheckAndCommit(counter), s[1].get<bool>()) << "step " << step << " counter " << counter;
    ++step;
  }
  EXPECT_EQ(step, 34);
}

// The six bulk cases of the vector file, written for any window size W (the file's note:
// rescale with T_LIM = W + 1), run at our size and at a smaller one.
template <size_t kBlocks>
void RunBulk() {
  using W = ReplayWindow<kBlocks>;
  constexpr uint64_t kW = W::kWindow;
  {  // bulk1: 1..W in order; 0 -> true; 0 -> false
    W w;
    for (uint64_t i = 1; i <= kW; ++i) ASSERT_TRUE(w.CheckAndCommit(i)) << i;
    EXPECT_TRUE(w.CheckAndCommit(0));
    EXPECT_FALSE(w.CheckAndCommit(0));
  }
  {  // bulk2: 2..W+1; 1 -> true; 0 -> false
    W w;
    for (uint64_t i = 2; i <= kW + 1; ++i) ASSERT_TRUE(w.CheckAndCommit(i)) << i;
    EXPECT_TRUE(w.CheckAndCommit(1));
    EXPECT_FALSE(w.CheckAndCommit(0));
  }
  {  // bulk3: W+1 down to 1
    W w;
    for (uint64_t i = kW + 1; i >= 1; --i) ASSERT_TRUE(w.CheckAndCommit(i)) << i;
  }
  {  // bulk4: W+2 down to 2; 0 -> false
    W w;
    for (uint64_t i = kW + 2; i >= 2; --i) ASSERT_TRUE(w.CheckAndCommit(i)) << i;
    EXPECT_FALSE(w.CheckAndCommit(0));
  }
  {  // bulk5: W down to 1; W+1 -> true; 0 -> false
    W w;
    for (uint64_t i = kW; i >= 1; --i) ASSERT_TRUE(w.CheckAndCommit(i)) << i;
    EXPECT_TRUE(w.CheckAndCommit(kW + 1));
    EXPECT_FALSE(w.CheckAndCommit(0));
  }
  {  // bulk6: W down to 1; 0 -> true; W+1 -> true
    W w;
    for (uint64_t i = kW; i >= 1; --i) ASSERT_TRUE(w.CheckAndCommit(i)) << i;
    EXPECT_TRUE(w.CheckAndCommit(0));
    EXPECT_TRUE(w.CheckAndCommit(kW + 1));
  }
}

TEST(ReplayWindow, WireGuardBulkVectorsAtOurSize) {
  RunBulk<kReplayWindowBlocks>();
}
TEST(ReplayWindow, WireGuardBulkVectorsAtASmallerSize) {
  RunBulk<32>();
}

TEST(ReplayWindow, CheckDoesNotChangeState) {
  ReplayWindow<> w;
  EXPECT_TRUE(w.Check(5));
  EXPECT_TRUE(w.Check(5));
  w.Commit(5);
  EXPECT_FALSE(w.Check(5));
  EXPECT_TRUE(w.Check(4));
  EXPECT_FALSE(w.Check(kMaxSequence + 1));
}

}  // namespace
}  // namespace sc::scp
