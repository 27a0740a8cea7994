// SCP session: handshake, pinning, records, replay, rekey, keepalive, timeout, close, and the
// fail-closed behaviour on every kind of bad frame (docs/protocol/scp.md).
#include "securecomm/scp/session.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "securecomm/base/bytes.h"
#include "securecomm/crypto/hash.h"
#include "securecomm/scp/errors.h"

#include "session_test_util.h"

namespace sc::scp {
namespace {

using testing::Deliver;
using testing::Handshake;
using testing::Identities;
using Bytes = std::vector<uint8_t>;

class SessionTest : public ::testing::TestWithParam<NoiseSuite> {
 protected:
  Session MakeClient(SessionConfig c) {
    c.suites = {GetParam()};
    return *Session::Create(std::move(c), clock_, rng_);
  }
  Session MakeServer(SessionConfig c) { return *Session::Create(std::move(c), clock_, rng_); }
  // Established returns a connected pair.
  std::pair<Session, Session> Established(Transport t = Transport::kStream) {
    Session c = MakeClient(ids_.Client(t));
    Session s = MakeServer(ids_.Server(t));
    EXPECT_TRUE(Handshake(c, s).has_value());
    return {std::move(c), std::move(s)};
  }

  ManualClock clock_;
  DeterministicRandom rng_{99};
  Identities ids_ = Identities::FromSeed(1);
};

TEST_P(SessionTest, HandshakeAuthenticatesBothIdentitiesAndCarriesData) {
  auto [c, s] = Established();
  ASSERT_EQ(c.state(), SessionState::kEstablished);
  ASSERT_EQ(s.state(), SessionState::kEstablished);
  EXPECT_EQ(*c.peer_identity(), ids_.server_id->public_key());
  EXPECT_EQ(*s.peer_identity(), ids_.client_id->public_key());
  EXPECT_TRUE(std::equal(c.handshake_hash().begin(), c.handshake_hash().end(), s.handshake_hash().begin()));
  const Bytes hello = {'h', 'i'};
  ASSERT_TRUE(c.Send(hello));
  auto ev = Deliver(c, s);
  ASSERT_TRUE(ev && ev->size() == 1 && (*ev)[0].kind == SessionEvent::kData);
  EXPECT_EQ(Bytes(s.received().begin(), s.received().end()), hello);
  ASSERT_TRUE(s.Send(Bytes(kMaxRecordPlaintext, 7)));
  ev = Deliver(s, c);
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(c.received().size(), kMaxRecordPlaintext);
  EXPECT_EQ(c.Send(Bytes(kMaxRecordPlaintext + 1)).error(), Errc::kFrameTooLarge);
}

TEST_P(SessionTest, InitiatorRefusesWrongPinnedIdentityOrStatic) {
  Identities other = Identities::FromSeed(2);
  {
    SessionConfig cfg = ids_.Client();
    cfg.responder_identity = other.server_id->public_key();
    Session c = MakeClient(std::move(cfg));
    Session s = MakeServer(ids_.Server());
    auto r = Handshake(c, s);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), Errc::kUntrustedIdentity);
    EXPECT_EQ(c.state(), SessionState::kFailed);
  }
  {
    // A responder that holds another static key cannot even pass the INIT MAC.
    Session c = MakeClient(ids_.Client());
    Session s = MakeServer(other.Server());
    auto r = Handshake(c, s);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), Errc::kBadMac);
    EXPECT_FALSE(s.HasOutput());  // a forged INIT gets no answer
  }
}

TEST_P(SessionTest, ResponderAdmitsOnlyKnownInitiatorsWhenConfigured) {
  SessionConfig scfg = ids_.Server();
  scfg.allowed_initiators = {Identities::FromSeed(3).client_id->public_key()};
  Session c = MakeClient(ids_.Client());
  Session s = MakeServer(std::move(scfg));
  auto r = Handshake(c, s);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), Errc::kUntrustedIdentity);
  // The refusal reaches the client as an ERROR frame with the code.
  auto ev = Deliver(s, c);
  ASSERT_TRUE(ev && !ev->empty());
  EXPECT_EQ(ev->back().kind, SessionEvent::kPeerError);
  EXPECT_EQ(ev->back().peer_error_code, static_cast<uint16_t>(Errc::kUntrustedIdentity));
}

TEST_P(SessionTest, UnsupportedSuiteIsRefusedNotDowngraded) {
  SessionConfig scfg = ids_.Server();
  scfg.suites = {GetParam() == NoiseSuite::kAesGcm ? NoiseSuite::kChaChaPoly : NoiseSuite::kAesGcm};
  Session c = MakeClient(ids_.Client());
  Session s = MakeServer(std::move(scfg));
  ASSERT_TRUE(c.Start());
  auto r = Deliver(c, s);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), Errc::kUnsupportedSuite);
  auto ev = Deliver(s, c);
  ASSERT_TRUE(ev && ev->size() == 1);
  EXPECT_EQ((*ev)[0].kind, SessionEvent::kPeerError);
  EXPECT_EQ((*ev)[0].peer_error_code, static_cast<uint16_t>(Errc::kUnsupportedSuite));
  EXPECT_EQ(c.state(), SessionState::kFailed);
}

TEST_P(SessionTest, ConfigWithoutPinIsRefused) {
  SessionConfig cfg = ids_.Client();
  cfg.responder_identity.reset();
  EXPECT_EQ(Session::Create(std::move(cfg), clock_, rng_).error(), Errc::kUntrustedIdentity);
}

TEST_P(SessionTest, EveryBitFlipOfARecordIsRefusedWithoutStateChange) {
  // Datagram mode reports bad frames without failing the session, so one pair sees every variant
  // and must still accept the genuine frame afterwards: nothing the forgeries did stuck.
  auto [c, s] = Established(Transport::kDatagram);
  ASSERT_TRUE(c.Send(Bytes{1, 2, 3, 4}));
  auto frames = c.TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  const Bytes good = frames[0];
  const uint64_t before = s.next_receive_sequence();
  for (size_t byte = 0; byte < good.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes bad = good;
      bad[byte] ^= static_cast<uint8_t>(1 << bit);
      auto r = s.HandleFrame(bad);
      ASSERT_FALSE(r.has_value()) << "byte " << byte << " bit " << bit;
      const Error e = r.error();
      if (byte == 0) {
        EXPECT_EQ(e, Errc::kUnsupportedVersion);
      } else if (byte == 1) {
        EXPECT_TRUE(e == Errc::kUnknownType || e == Errc::kUnexpectedMessage || e == Errc::kBadMac)
            << e.name();
      } else if (byte >= 10 && byte < 14) {
        EXPECT_TRUE(e == Errc::kMalformedFrame || e == Errc::kFrameTooLarge) << e.name();
      } else {
        EXPECT_EQ(e, Errc::kBadMac) << "byte " << byte;
      }
      EXPECT_EQ(s.next_receive_sequence(), before);
      EXPECT_EQ(s.state(), SessionState::kEstablished);
    }
  }
  for (size_t n = 0; n < good.size(); ++n) {
    auto r = s.HandleFrame(std::span<const uint8_t>(good).first(n));
    ASSERT_FALSE(r.has_value());
    EXPECT_TRUE(r.error() == Errc::kMalformedFrame) << n << " " << r.error().name();
  }
  Bytes longer = good;
  longer.push_back(0);
  EXPECT_EQ(s.HandleFrame(longer).error(), Errc::kMalformedFrame);
  auto ok = s.HandleFrame(good);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->kind, SessionEvent::kData);
  EXPECT_EQ(s.HandleFrame(good).error(), Errc::kReplay);  // and exactly once
}

TEST_P(SessionTest, StreamFailsClosedOnABadFrameAndTellsThePeer) {
  auto [c, s] = Established();
  ASSERT_TRUE(c.Send(Bytes{1}));
  auto frames = c.TakeFrames();
  Bytes bad = frames[0];
  bad[20] ^= 0x80;
  const uint64_t before = s.next_receive_sequence();
  EXPECT_EQ(s.HandleFrame(bad).error(), Errc::kBadMac);
  EXPECT_EQ(s.state(), SessionState::kFailed);
  EXPECT_EQ(s.next_receive_sequence(), before);
  EXPECT_EQ(s.HandleFrame(frames[0]).error(), Errc::kClosed);  // no way back
  auto ev = Deliver(s, c);
  ASSERT_TRUE(ev && ev->size() == 1);
  EXPECT_EQ((*ev)[0].kind, SessionEvent::kPeerError);
  EXPECT_EQ((*ev)[0].peer_error_code, static_cast<uint16_t>(Errc::kBadMac));
}

TEST_P(SessionTest, StreamRefusesReorderAndDuplicates) {
  {
    auto [c, s] = Established();
    ASSERT_TRUE(c.Send(Bytes{1}) && c.Send(Bytes{2}));
    auto frames = c.TakeFrames();
    EXPECT_EQ(s.HandleFrame(frames[1]).error(), Errc::kReplay);  // out of order
  }
  {
    auto [c, s] = Established();
    ASSERT_TRUE(c.Send(Bytes{1}));
    auto frames = c.TakeFrames();
    ASSERT_TRUE(s.HandleFrame(frames[0]).has_value());
    EXPECT_EQ(s.HandleFrame(frames[0]).error(), Errc::kReplay);  // duplicate
  }
}

TEST_P(SessionTest, DatagramsAcceptReorderButNotDuplicates) {
  auto [c, s] = Established(Transport::kDatagram);
  for (uint8_t i = 0; i < 10; ++i) ASSERT_TRUE(c.Send(Bytes{i}));
  auto frames = c.TakeFrames();
  for (size_t i = frames.size(); i-- > 0;) {
    auto r = s.HandleFrame(frames[i]);
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ(s.received()[0], i);
  }
  for (const auto& f : frames) EXPECT_EQ(s.HandleFrame(f).error(), Errc::kReplay);
}

// HandshakeErrorFrame builds an ERROR the responder could send before record keys exist, under
// mac_hs_key (scp.md §4.1), with `payload` as its body.
Bytes HandshakeErrorFrame(const crypto::X25519PublicKey& responder_static, std::span<const uint8_t> init,
                          const Bytes& payload) {
  crypto::Sha256Hasher h;
  h.Update(AsBytes("SCP/1 mac handshake"));
  h.Update(responder_static.span());
  h.Update(init.subspan(kHeaderSize + 1, kNoiseDhLen));  // E_i_pub, after the suite byte
  const auto key = h.Final();
  const auto header = FrameHeader{FrameType::kError, 0, static_cast<uint32_t>(payload.size())}.Encode();
  Bytes frame(kHeaderSize + payload.size() + kMacSize);
  std::copy(header.begin(), header.end(), frame.begin());
  std::copy(payload.begin(), payload.end(), frame.begin() + kHeaderSize);
  const auto mac_input = std::span<const uint8_t>(frame).first(kHeaderSize + payload.size());
  const auto tag = crypto::HmacSha256(key.span(), mac_input);
  std::copy(tag.span().begin(), tag.span().end(), frame.end() - kMacSize);
  return frame;
}

// scp.md §3: a handshake ERROR is a uint16 code, nothing shorter or longer.
TEST_P(SessionTest, AHandshakeErrorIsExactlyItsTwoByteCode) {
  for (size_t n : {size_t{1}, size_t{3}}) {
    Session c = MakeClient(ids_.Client());
    ASSERT_TRUE(c.Start());
    const auto init = c.TakeFrames();
    const Bytes frame = HandshakeErrorFrame(ids_.server_static.public_key, init[0], Bytes(n, 0));
    EXPECT_EQ(c.HandleFrame(frame).error(), Errc::kMalformedFrame) << n;
  }
  Session c = MakeClient(ids_.Client());
  ASSERT_TRUE(c.Start());
  const auto init = c.TakeFrames();
  auto ev = c.HandleFrame(HandshakeErrorFrame(ids_.server_static.public_key, init[0], Bytes{0x00, 0x0B}));
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(ev->kind, SessionEvent::kPeerError);
  EXPECT_EQ(ev->peer_error_code, 0x0B);
}

// scp.md §3: INIT comes only from an initiator, RESPONSE only from a responder.
TEST_P(SessionTest, HandshakeFramesFromTheWrongRoleAreUnexpected) {
  Session c = MakeClient(ids_.Client());
  ASSERT_TRUE(c.Start());
  const auto init = c.TakeFrames();
  Session idle_client = MakeClient(ids_.Client());
  EXPECT_EQ(idle_client.HandleFrame(init[0]).error(), Errc::kUnexpectedMessage);
  Session s = MakeServer(ids_.Server());
  ASSERT_TRUE(s.HandleFrame(init[0]).has_value());
  const auto response = s.TakeFrames();
  Session fresh_server = MakeServer(ids_.Server());
  EXPECT_EQ(fresh_server.HandleFrame(response[0]).error(), Errc::kUnexpectedMessage);
  EXPECT_TRUE(c.HandleFrame(response[0]).has_value());  // the right role takes it
}

TEST_P(SessionTest, HandshakeFramesAfterEstablishmentAreUnexpected) {
  auto [c, s] = Established();
  Session c2 = MakeClient(ids_.Client());
  ASSERT_TRUE(c2.Start());
  auto init = c2.TakeFrames();
  EXPECT_EQ(s.HandleFrame(init[0]).error(), Errc::kUnexpectedMessage);
}

TEST_P(SessionTest, RekeysUnderTrafficByVolume) {
  SessionConfig ccfg = ids_.Client();
  ccfg.rekey_bytes = 1000;
  Session c = MakeClient(std::move(ccfg));
  Session s = MakeServer(ids_.Server());
  ASSERT_TRUE(Handshake(c, s));
  for (int i = 0; i < 100; ++i) {
    Bytes msg(100, static_cast<uint8_t>(i));
    ASSERT_TRUE(c.Send(msg));
    auto ev = Deliver(c, s);
    ASSERT_TRUE(ev.has_value()) << i << " " << ev.error().name();
    ASSERT_EQ(ev->back().kind, SessionEvent::kData);
    EXPECT_EQ(Bytes(s.received().begin(), s.received().end()), msg);
  }
  EXPECT_GE(c.send_generation(), 9u);
  EXPECT_EQ(c.send_generation(), s.receive_generation());
  EXPECT_EQ(s.send_generation(), 0u);  // each direction rekeys on its own
}

TEST_P(SessionTest, DatagramsSurviveALostKeyUpdate) {
  SessionConfig ccfg = ids_.Client(Transport::kDatagram);
  ccfg.rekey_bytes = 100;
  Session c = MakeClient(std::move(ccfg));
  Session s = MakeServer(ids_.Server(Transport::kDatagram));
  ASSERT_TRUE(Handshake(c, s));
  int delivered = 0, lost_updates = 0;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(c.Send(Bytes(60, static_cast<uint8_t>(i))));
    for (auto& f : c.TakeFrames()) {
      if (f[1] == static_cast<uint8_t>(FrameType::kKeyUpdate)) {
        ++lost_updates;  // every KEY_UPDATE is lost
        continue;
      }
      auto ev = s.HandleFrame(f);
      ASSERT_TRUE(ev.has_value()) << i << " " << ev.error().name();
      if (ev->kind == SessionEvent::kData) ++delivered;
    }
  }
  EXPECT_EQ(delivered, 20);
  EXPECT_GE(lost_updates, 9);
  EXPECT_EQ(s.receive_generation(), c.send_generation());
}

TEST_P(SessionTest, StreamsDoNotSkipAGeneration) {
  SessionConfig ccfg = ids_.Client();
  ccfg.rekey_bytes = 100;
  Session c = MakeClient(std::move(ccfg));
  Session s = MakeServer(ids_.Server());
  ASSERT_TRUE(Handshake(c, s));
  ASSERT_TRUE(c.Send(Bytes(60, 1)) && c.Send(Bytes(60, 2)));  // DATA, KEY_UPDATE, DATA
  auto frames = c.TakeFrames();
  ASSERT_EQ(frames.size(), 3u);
  ASSERT_TRUE(s.HandleFrame(frames[0]).has_value());
  EXPECT_EQ(s.HandleFrame(frames[2]).error(), Errc::kBadMac);  // a stream never guesses
}

TEST_P(SessionTest, RekeysByTimeAndKeepsTalking) {
  auto [c, s] = Established();
  // An hour of keepalives: ticks every 10 s keep the session alive until the rekey is due.
  for (auto t = std::chrono::seconds(0); t < kDefaultRekeyInterval; t += std::chrono::seconds(10)) {
    clock_.Advance(std::chrono::seconds(10));
    ASSERT_TRUE(c.OnTick());
    ASSERT_TRUE(s.OnTick());
    ASSERT_TRUE(Deliver(c, s) && Deliver(s, c));
  }
  EXPECT_EQ(c.send_generation(), 1u);
  EXPECT_EQ(s.receive_generation(), 1u);
  EXPECT_EQ(s.send_generation(), 1u);
  EXPECT_EQ(c.receive_generation(), 1u);
  ASSERT_TRUE(c.Send(Bytes{42}));
  auto ev = Deliver(c, s);
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(s.received()[0], 42);
}

TEST_P(SessionTest, KeepalivesPreventTheIdleTimeout) {
  auto [c, s] = Established();
  for (int i = 0; i < 10; ++i) {  // 100 s of silence from the application
    clock_.Advance(std::chrono::seconds(10));
    ASSERT_TRUE(c.OnTick());
    ASSERT_TRUE(s.OnTick());
    ASSERT_TRUE(Deliver(c, s) && Deliver(s, c));
  }
  EXPECT_EQ(c.state(), SessionState::kEstablished);
  EXPECT_EQ(s.state(), SessionState::kEstablished);
}

TEST_P(SessionTest, SilenceTimesOutAndTellsThePeer) {
  auto [c, s] = Established();
  clock_.Advance(kDefaultIdleTimeout);
  EXPECT_EQ(s.OnTick().error(), Errc::kTimeout);
  EXPECT_EQ(s.state(), SessionState::kFailed);
  auto ev = Deliver(s, c);
  ASSERT_TRUE(ev && ev->size() == 1);
  EXPECT_EQ((*ev)[0].peer_error_code, static_cast<uint16_t>(Errc::kTimeout));
  EXPECT_EQ(c.state(), SessionState::kFailed);
}

TEST_P(SessionTest, AbortTellsThePeerTheAdaptersReason) {
  auto [c, s] = Established();
  EXPECT_EQ(s.Abort(Errc::kOverloaded), Errc::kOverloaded);
  EXPECT_EQ(s.state(), SessionState::kFailed);
  EXPECT_EQ(s.Abort(Errc::kTimeout), Errc::kClosed) << "a failed session stays as it is";
  auto ev = Deliver(s, c);
  ASSERT_TRUE(ev && ev->size() == 1);
  EXPECT_EQ((*ev)[0].peer_error_code, static_cast<uint16_t>(Errc::kOverloaded));
}

TEST_P(SessionTest, CloseIsAnsweredByAck) {
  auto [c, s] = Established();
  ASSERT_TRUE(c.Close());
  EXPECT_EQ(c.state(), SessionState::kClosing);
  EXPECT_EQ(c.Send(Bytes{1}).error(), Errc::kClosed);
  auto ev = Deliver(c, s);
  ASSERT_TRUE(ev && ev->back().kind == SessionEvent::kClosed);
  EXPECT_EQ(s.state(), SessionState::kClosed);
  ev = Deliver(s, c);
  ASSERT_TRUE(ev && ev->back().kind == SessionEvent::kClosed);
  EXPECT_EQ(c.state(), SessionState::kClosed);
}

TEST_P(SessionTest, MisuseIsRefused) {
  Session c = MakeClient(ids_.Client());
  EXPECT_EQ(c.Send(Bytes{1}).error(), Errc::kClosed);
  ASSERT_TRUE(c.Start());
  EXPECT_EQ(c.Start().error(), Errc::kUnexpectedMessage);
  Session s = MakeServer(ids_.Server());
  EXPECT_EQ(s.Start().error(), Errc::kUnexpectedMessage);
}

INSTANTIATE_TEST_SUITE_P(BothSuites, SessionTest,
                         ::testing::Values(NoiseSuite::kAesGcm, NoiseSuite::kChaChaPoly), [](const auto& p) {
                           return p.param == NoiseSuite::kAesGcm ? "AesGcm" : "ChaChaPoly";
                         });

TEST(RecordSenderTest, NonceExhaustionEndsTheDirection) {
  SecretArray<32> ts;
  std::array<uint8_t, 32> h{};
  RecordSender tx(NoiseSuite::kAesGcm, std::move(ts), h, kMaxSequence);
  Bytes out;
  ASSERT_TRUE(tx.SealInto(FrameType::kData, Bytes{1}, out));
  const size_t size = out.size();
  EXPECT_EQ(tx.SealInto(FrameType::kData, Bytes{1}, out).error(), Errc::kNonceExhausted);
  EXPECT_EQ(out.size(), size);
}

}  // namespace
}  // namespace sc::scp
