#include "securecomm/scp/session.h"

#include <algorithm>
#include <string_view>

#include "securecomm/base/bytes.h"
#include "securecomm/base/check.h"
#include "securecomm/crypto/hash.h"
#include "securecomm/scp/handshake_messages.h"

namespace sc::scp {
namespace {

constexpr std::string_view kPrologue = "SCP/1";
constexpr std::string_view kMacInitLabel = "SCP/1 mac init";
constexpr std::string_view kMacHandshakeLabel = "SCP/1 mac handshake";

// Handshake MAC keys are hashes of public values (scp.md §4.1): they keep off-path garbage out and
// are not secrets. They are used with the one-shot HMAC (a per-thread context, no allocation).
using MacKey = std::array<uint8_t, 32>;

MacKey ToMacKey(const crypto::Sha256Digest& d) {
  MacKey k;
  std::copy(d.span().begin(), d.span().end(), k.begin());
  return k;
}

// scp.md §4.1: mac_init_key = SHA-256("SCP/1 mac init" || S_r_pub).
MacKey MacInitKey(const crypto::X25519PublicKey& responder_static) {
  crypto::Sha256Hasher h;
  h.Update(AsBytes(kMacInitLabel));
  h.Update(responder_static.span());
  return ToMacKey(h.Final());
}

// scp.md §4.1: mac_hs_key = SHA-256("SCP/1 mac handshake" || S_r_pub || E_i_pub).
MacKey MacHandshakeKey(const crypto::X25519PublicKey& responder_static,
                       const crypto::X25519PublicKey& initiator_ephemeral) {
  crypto::Sha256Hasher h;
  h.Update(AsBytes(kMacHandshakeLabel));
  h.Update(responder_static.span());
  h.Update(initiator_ephemeral.span());
  return ToMacKey(h.Final());
}

// MacOk checks a handshake frame's HMAC in constant time.
bool MacOk(const MacKey& key, const FrameView& f) {
  return ConstantTimeEqual(crypto::HmacSha256(key, f.mac_input).span(), f.hmac);
}

// MayBeSpoofed: errors a datagram can cause without holding any key (scp.md §8): such a datagram
// is dropped and the session goes on. Anything else was authenticated and ends the session.
bool MayBeSpoofed(Error e) {
  for (Errc c : {Errc::kMalformedFrame, Errc::kUnsupportedVersion, Errc::kUnknownType, Errc::kFrameTooLarge,
                 Errc::kBadMac, Errc::kReplay, Errc::kDecryptFailed, Errc::kUnexpectedMessage,
                 Errc::kHandshakeFailed}) {
    if (e == c) return true;
  }
  return false;
}

}  // namespace

std::vector<NoiseSuite> DefaultSuites() {
  return {NoiseSuite::kAesGcm, NoiseSuite::kChaChaPoly};
}

struct Session::Impl {
  SessionConfig config;
  const Clock* clock{};
  Random* rng{};
  SessionState state = SessionState::kStart;
  std::optional<Error> error;
  NoiseSuite suite{};

  // Handshake-only state, freed when the records start (an idle session keeps none of it).
  struct Handshake {
    std::optional<NoiseXX> noise;
    MacKey mac_init{};             // responder: from its own static key
    std::optional<MacKey> mac_hs;  // once the initiator's ephemeral key is known
  };
  std::unique_ptr<Handshake> hs = std::make_unique<Handshake>();
  uint64_t handshake_send_sequence = 0;

  std::optional<RecordSender> sender;
  std::optional<RecordReceiver> receiver;
  std::array<uint8_t, 32> handshake_hash{};
  std::optional<crypto::Ed25519PublicKey> peer_identity;

  std::vector<uint8_t> out;
  std::vector<size_t> frame_ends;
  std::vector<uint8_t, ZeroizingAllocator<uint8_t>> rx;  // plaintext of the last DATA
  size_t rx_len = 0;

  Clock::TimePoint last_receive;
  Clock::TimePoint last_send;
  Clock::TimePoint last_rekey;

  // ---- output ----

  void EndFrame() { frame_ends.push_back(out.size()); }

  void QueueHandshakeFrame(FrameType type, uint64_t seq, std::span<const uint8_t> payload,
                           const MacKey& mac) {
    const FrameHeader header{type, seq, static_cast<uint32_t>(payload.size())};
    const auto hb = header.Encode();
    const size_t start = out.size();
    out.insert(out.end(), hb.begin(), hb.end());
    out.insert(out.end(), payload.begin(), payload.end());
    const auto tag = crypto::HmacSha256(mac, {out.data() + start, out.size() - start});
    out.insert(out.end(), tag.span().begin(), tag.span().end());
    EndFrame();
    last_send = clock->Now();
  }

  Status QueueRecord(FrameType type, std::span<const uint8_t> plaintext) {
    if (auto s = sender->SealInto(type, plaintext, out); !s) return s;
    EndFrame();
    last_send = clock->Now();
    return OkStatus();
  }

  // QueueError sends ERROR when a key exists for it (scp.md §8), best effort.
  void QueueError(Error e) {
    if (e.domain() != ErrorDomain::kScp) return;
    uint8_t code[2];
    StoreBe16(code, e.code());
    if (sender) {
      (void)QueueRecord(FrameType::kError, code);
    } else if (hs && hs->mac_hs) {
      QueueHandshakeFrame(FrameType::kError, handshake_send_sequence++, code, *hs->mac_hs);
    }
  }

  Error FailWith(Error e, bool notify_peer) {
    if (notify_peer) QueueError(e);
    state = SessionState::kFailed;
    error = e;
    hs.reset();
    return e;
  }

  // ---- handshake ----

  void StartRecords(const NoiseXX& noise) {
    auto [k1, k2] = noise.symmetric_state().SplitKeys();
    handshake_hash = noise.handshake_hash();
    const bool initiator = config.role == Role::kInitiator;
    // scp.md §7: the initiator's first record is 2 (INIT 0, ACK 1), the responder's 1 (RESPONSE 0).
    if (initiator) {
      sender.emplace(suite, std::move(k1), handshake_hash, 2);
      receiver.emplace(suite, std::move(k2), handshake_hash, 1, config.transport);
    } else {
      sender.emplace(suite, std::move(k2), handshake_hash, 1);
      receiver.emplace(suite, std::move(k1), handshake_hash, 2, config.transport);
    }
    hs.reset();
    state = SessionState::kEstablished;
    last_rekey = clock->Now();
  }

  Result<SessionEvent> OnInit(const FrameView& f) {
    if (!MacOk(hs->mac_init, f)) return Fail(Errc::kBadMac);
    if (f.header.sequence != 0) return Fail(Errc::kReplay);
    if (!FrameTypeInfoOf(FrameType::kHandshakeInit).handshake_payload.Contains(f.payload.size())) {
      return Fail(Errc::kHandshakeFailed);
    }
    const auto ei = crypto::X25519PublicKey(f.payload.subspan(1).first<32>());
    hs->mac_hs = MacHandshakeKey(config.noise_static.public_key, ei);
    const uint8_t wanted = f.payload[0];
    auto it = std::find_if(config.suites.begin(), config.suites.end(),
                           [&](NoiseSuite s) { return static_cast<uint8_t>(s) == wanted; });
    if (it == config.suites.end()) return Fail(Errc::kUnsupportedSuite);
    suite = *it;
    NoiseXX noise = NoiseXX::Responder(suite, AsBytes(kPrologue), config.noise_static.Clone(), *rng);
    auto hello_bytes = noise.ReadMessage(f.payload.subspan(1));
    if (!hello_bytes) return Fail(hello_bytes.error());
    auto hello = ClientHello::Decode(hello_bytes->Expose());
    if (!hello) return Fail(hello.error());
    if (hello->version != kProtocolVersion) return Fail(Errc::kUnsupportedVersion);
    ServerHello reply{kProtocolVersion, suite,
                      IdentityCredential::Sign(*config.identity, config.noise_static.public_key)};
    auto msg2 = noise.WriteMessage(reply.Encode());
    if (!msg2) return Fail(msg2.error());
    QueueHandshakeFrame(FrameType::kHandshakeResponse, handshake_send_sequence++, *msg2, *hs->mac_hs);
    hs->noise.emplace(std::move(noise));
    state = SessionState::kAwaitFinish;
    return SessionEvent{};
  }

  Result<SessionEvent> OnResponse(const FrameView& f) {
    if (!MacOk(*hs->mac_hs, f)) return Fail(Errc::kBadMac);
    if (f.header.sequence != 0) return Fail(Errc::kReplay);
    NoiseXX noise = hs->noise->Clone();  // clone, try, commit
    auto hello_bytes = noise.ReadMessage(f.payload);
    if (!hello_bytes) return Fail(hello_bytes.error());
    auto hello = ServerHello::Decode(hello_bytes->Expose());
    if (!hello) return Fail(hello.error());
    if (hello->version != kProtocolVersion) return Fail(Errc::kUnsupportedVersion);
    if (hello->suite != suite) return Fail(Errc::kUnsupportedSuite);
    // scp.md §6: the static key and the identity must both be the pinned ones.
    if (!(*noise.remote_static() == *config.responder_static)) return Fail(Errc::kUntrustedIdentity);
    if (auto s = hello->credential.Verify(*noise.remote_static()); !s) return Fail(s.error());
    if (!(hello->credential.identity_key == *config.responder_identity)) {
      return Fail(Errc::kUntrustedIdentity);
    }
    ClientFinish finish{IdentityCredential::Sign(*config.identity, config.noise_static.public_key)};
    auto msg3 = noise.WriteMessage(finish.Encode());
    if (!msg3) return Fail(msg3.error());
    QueueHandshakeFrame(FrameType::kAck, handshake_send_sequence++, *msg3, *hs->mac_hs);
    peer_identity = hello->credential.identity_key;
    StartRecords(noise);
    last_receive = clock->Now();
    return SessionEvent{SessionEvent::kEstablished};
  }

  Result<SessionEvent> OnFinish(const FrameView& f) {
    if (!MacOk(*hs->mac_hs, f)) return Fail(Errc::kBadMac);
    if (f.header.sequence != 1) return Fail(Errc::kReplay);
    NoiseXX noise = hs->noise->Clone();
    auto finish_bytes = noise.ReadMessage(f.payload);
    if (!finish_bytes) return Fail(finish_bytes.error());
    auto finish = ClientFinish::Decode(finish_bytes->Expose());
    if (!finish) return Fail(finish.error());
    // Noise has authenticated the initiator's static key: from here on the initiator holds
    // record keys, so a refusal travels as a protected ERROR (the session then fails).
    const auto& id = finish->credential.identity_key;
    const bool admitted = config.allowed_initiators.empty() ||
                          std::find(config.allowed_initiators.begin(), config.allowed_initiators.end(), id) !=
                              config.allowed_initiators.end();
    const auto verified = finish->credential.Verify(*noise.remote_static());
    StartRecords(noise);
    if (!verified) return Fail(verified.error());
    if (!admitted) return Fail(Errc::kUntrustedIdentity);
    peer_identity = id;
    return SessionEvent{SessionEvent::kEstablished};
  }

  // OnHandshakeError: an ERROR before record keys exist, under mac_hs_key (scp.md §4.1).
  Result<SessionEvent> OnHandshakeError(const FrameView& f, uint64_t expected_sequence) {
    if (!MacOk(*hs->mac_hs, f)) return Fail(Errc::kBadMac);
    if (f.header.sequence != expected_sequence) return Fail(Errc::kReplay);
    if (!FrameTypeInfoOf(FrameType::kError).handshake_payload.Contains(f.payload.size())) {
      return Fail(Errc::kMalformedFrame);
    }
    const uint16_t code = LoadBe16(f.payload.first<2>());
    state = SessionState::kFailed;
    error = Errc::kPeerError;
    hs.reset();
    return SessionEvent{SessionEvent::kPeerError, code};
  }

  // ---- records ----

  Result<SessionEvent> OnRecord(const FrameView& f, const FrameTypeInfo& row) {
    if (rx.size() < f.payload.size()) rx.resize(std::max(f.payload.size(), size_t{256}));
    auto n = receiver->OpenInto(f, rx);
    if (!n) return Fail(n.error());
    // scp.md §3: the registry bounds each record's plaintext (ACK 8, CLOSE 0, KEY_UPDATE 1, ERROR 2).
    if (!row.record_plaintext.Contains(*n)) return Fail(Errc::kMalformedFrame);
    const std::span<const uint8_t> plaintext(rx.data(), *n);
    switch (row.type) {
      case FrameType::kData:
        rx_len = *n;
        return SessionEvent{SessionEvent::kData};
      case FrameType::kAck:  // uint64 largest_sequence_received; unused: an ACK counts by arriving (§10)
        if (state == SessionState::kClosing) {
          state = SessionState::kClosed;
          return SessionEvent{SessionEvent::kClosed};
        }
        return SessionEvent{};
      case FrameType::kClose:
        if (state == SessionState::kEstablished) (void)QueueAck();
        state = SessionState::kClosed;
        return SessionEvent{SessionEvent::kClosed};
      case FrameType::kKeyUpdate: {
        const uint8_t requested = plaintext[0];
        if (requested > 1) return Fail(Errc::kMalformedFrame);
        receiver->Update();
        if (requested == 1 && state == SessionState::kEstablished) {
          if (auto s = SendKeyUpdate(false); !s) return Fail(s.error());
        }
        return SessionEvent{};
      }
      case FrameType::kError:
        state = SessionState::kFailed;
        error = Errc::kPeerError;
        return SessionEvent{SessionEvent::kPeerError, LoadBe16(plaintext.first<2>())};
      default:
        return Fail(Errc::kUnexpectedMessage);
    }
  }

  Status QueueAck() {
    const uint64_t largest = receiver->next_sequence() - 1;
    uint8_t p[8];
    StoreBe64(p, largest);
    return QueueRecord(FrameType::kAck, p);
  }

  // SendKeyUpdate seals KEY_UPDATE under the current keys, then moves the sending direction on.
  Status SendKeyUpdate(bool request_peer) {
    const uint8_t p[1] = {static_cast<uint8_t>(request_peer ? 1 : 0)};
    if (auto s = QueueRecord(FrameType::kKeyUpdate, p); !s) return s;
    sender->Update();
    last_rekey = clock->Now();
    return OkStatus();
  }

  Result<SessionEvent> Handle(std::span<const uint8_t> bytes) {
    auto f = DecodeFrame(bytes);
    if (!f) return Fail(f.error());
    const FrameTypeInfo& row = FrameTypeInfoOf(f->header.type);
    // scp.md §3, §8: before record keys exist, a frame is expected when it carries the handshake
    // step of the current state and the peer's role may send it; afterwards, when it is a record.
    const FrameSender peer =
        config.role == Role::kInitiator ? FrameSender::kResponder : FrameSender::kInitiator;
    const auto carries = [&](HandshakeUse use) {
      return row.handshake == use && SentBy(row.handshake_sender, peer);
    };
    switch (state) {
      case SessionState::kStart:
        if (!carries(HandshakeUse::kMessage1)) return Fail(Errc::kUnexpectedMessage);
        return OnInit(*f);
      case SessionState::kAwaitResponse:
        if (carries(HandshakeUse::kError)) return OnHandshakeError(*f, 0);
        if (!carries(HandshakeUse::kMessage2)) return Fail(Errc::kUnexpectedMessage);
        return OnResponse(*f);
      case SessionState::kAwaitFinish:
        if (carries(HandshakeUse::kError)) return OnHandshakeError(*f, 1);
        if (!carries(HandshakeUse::kMessage3)) return Fail(Errc::kUnexpectedMessage);
        return OnFinish(*f);
      case SessionState::kEstablished:
      case SessionState::kClosing:
        if (!row.record) return Fail(Errc::kUnexpectedMessage);
        return OnRecord(*f, row);
      case SessionState::kClosed:
      case SessionState::kFailed:
        break;
    }
    return Fail(Errc::kClosed);
  }
};

Session::Session(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

Result<Session> Session::Create(SessionConfig config, const Clock& clock, Random& rng) {
  if (config.suites.empty()) return Fail(Errc::kUnsupportedSuite);
  if (!config.identity) return Fail(Errc::kBadCredential);
  if (config.role == Role::kInitiator && (!config.responder_static || !config.responder_identity)) {
    return Fail(Errc::kUntrustedIdentity);  // SCP never connects to an unpinned responder
  }
  auto impl = std::make_unique<Impl>();
  impl->clock = &clock;
  impl->rng = &rng;
  impl->suite = config.suites.front();
  if (config.role == Role::kResponder) impl->hs->mac_init = MacInitKey(config.noise_static.public_key);
  impl->config = std::move(config);
  impl->last_receive = impl->last_send = impl->last_rekey = clock.Now();
  return Session(std::move(impl));
}

Status Session::Start() {
  Impl& m = *impl_;
  if (m.config.role != Role::kInitiator || m.state != SessionState::kStart) {
    return Fail(Errc::kUnexpectedMessage);
  }
  NoiseXX noise = NoiseXX::Initiator(m.suite, AsBytes(kPrologue), m.config.noise_static.Clone(), *m.rng);
  ClientHello hello;
  for (NoiseSuite s : m.config.suites) hello.suites.push_back(static_cast<uint8_t>(s));
  auto msg1 = noise.WriteMessage(hello.Encode());
  if (!msg1) return Fail(msg1.error());
  std::vector<uint8_t> payload;
  payload.reserve(1 + msg1->size());
  payload.push_back(static_cast<uint8_t>(m.suite));
  payload.insert(payload.end(), msg1->begin(), msg1->end());
  m.QueueHandshakeFrame(FrameType::kHandshakeInit, m.handshake_send_sequence++, payload,
                        MacInitKey(*m.config.responder_static));
  m.hs->mac_hs = MacHandshakeKey(*m.config.responder_static, *noise.local_ephemeral_public());
  m.hs->noise.emplace(std::move(noise));
  m.state = SessionState::kAwaitResponse;
  return OkStatus();
}

Result<SessionEvent> Session::HandleFrame(std::span<const uint8_t> frame) {
  Impl& m = *impl_;
  if (m.state == SessionState::kClosed || m.state == SessionState::kFailed) return Fail(Errc::kClosed);
  auto event = m.Handle(frame);
  if (!event) {
    if (m.config.transport == Transport::kStream || !MayBeSpoofed(event.error())) {
      // A frame that failed before authentication must not be able to make us send on its behalf
      // in the handshake (a forged INIT gets no answer); any other failure is reported to the peer.
      const bool answer = !event.error().Is(Errc::kBadMac) || m.sender.has_value();
      m.FailWith(event.error(), answer);
    }
    return event;
  }
  m.last_receive = m.clock->Now();
  return event;
}

Status Session::Send(std::span<const uint8_t> data) {
  Impl& m = *impl_;
  if (m.state != SessionState::kEstablished) return Fail(Errc::kClosed);
  if (data.size() > kMaxRecordPlaintext) return Fail(Errc::kFrameTooLarge);
  if (m.sender->bytes_since_update() + data.size() > m.config.rekey_bytes ||
      m.clock->Now() - m.last_rekey >= m.config.rekey_interval) {
    if (auto s = m.SendKeyUpdate(false); !s) return Fail(m.FailWith(s.error(), false));
  }
  if (auto s = m.QueueRecord(FrameType::kData, data); !s) return Fail(m.FailWith(s.error(), false));
  return OkStatus();
}

Status Session::SendKeepalive() {
  Impl& m = *impl_;
  if (m.state != SessionState::kEstablished) return Fail(Errc::kClosed);
  if (auto s = m.QueueAck(); !s) return Fail(m.FailWith(s.error(), false));
  return OkStatus();
}

Status Session::Close() {
  Impl& m = *impl_;
  if (m.state != SessionState::kEstablished) return Fail(Errc::kClosed);
  if (auto s = m.QueueRecord(FrameType::kClose, {}); !s) return Fail(m.FailWith(s.error(), false));
  m.state = SessionState::kClosing;
  return OkStatus();
}

Error Session::Abort(Errc code) {
  Impl& m = *impl_;
  if (m.state == SessionState::kClosed || m.state == SessionState::kFailed) return Error(Errc::kClosed);
  return m.FailWith(Error(code), /*notify_peer=*/true);
}

Status Session::OnTick() {
  Impl& m = *impl_;
  if (m.state == SessionState::kClosed || m.state == SessionState::kFailed) return OkStatus();
  const auto now = m.clock->Now();
  if (now - m.last_receive >= m.config.idle_timeout) return Fail(m.FailWith(Errc::kTimeout, true));
  if (m.state != SessionState::kEstablished) return OkStatus();
  if (now - m.last_rekey >= m.config.rekey_interval) {
    if (auto s = m.SendKeyUpdate(false); !s) return Fail(m.FailWith(s.error(), false));
  }
  if (now - m.last_send >= m.config.keepalive_interval) {
    if (auto s = m.QueueAck(); !s) return Fail(m.FailWith(s.error(), false));
  }
  return OkStatus();
}

Clock::TimePoint Session::NextDeadline() const noexcept {
  const Impl& m = *impl_;
  auto deadline = m.last_receive + m.config.idle_timeout;
  if (m.state == SessionState::kEstablished) {
    deadline = std::min(
        {deadline, m.last_send + m.config.keepalive_interval, m.last_rekey + m.config.rekey_interval});
  }
  return deadline;
}

std::vector<uint8_t> Session::TakeOutput() {
  impl_->frame_ends.clear();
  return std::exchange(impl_->out, {});
}

std::vector<std::vector<uint8_t>> Session::TakeFrames() {
  Impl& m = *impl_;
  std::vector<std::vector<uint8_t>> frames;
  size_t start = 0;
  for (size_t end : m.frame_ends) {
    frames.emplace_back(m.out.begin() + static_cast<std::ptrdiff_t>(start),
                        m.out.begin() + static_cast<std::ptrdiff_t>(end));
    start = end;
  }
  m.out.clear();
  m.frame_ends.clear();
  return frames;
}

std::span<const uint8_t> Session::PendingOutput() const noexcept {
  return impl_->out;
}

void Session::ConsumeOutput() noexcept {
  impl_->out.clear();
  impl_->frame_ends.clear();
}

void Session::SwapOutput(std::vector<uint8_t>& buffer) noexcept {
  buffer.clear();
  impl_->out.swap(buffer);
  impl_->frame_ends.clear();
}

bool Session::HasOutput() const noexcept {
  return !impl_->out.empty();
}
std::span<const uint8_t> Session::received() const noexcept {
  return {impl_->rx.data(), impl_->rx_len};
}
SessionState Session::state() const noexcept {
  return impl_->state;
}
std::optional<Error> Session::error() const noexcept {
  return impl_->error;
}
const std::optional<crypto::Ed25519PublicKey>& Session::peer_identity() const noexcept {
  return impl_->peer_identity;
}
std::span<const uint8_t> Session::handshake_hash() const noexcept {
  return impl_->sender ? std::span<const uint8_t>(impl_->handshake_hash) : std::span<const uint8_t>();
}
uint64_t Session::next_send_sequence() const noexcept {
  return impl_->sender ? impl_->sender->next_sequence() : impl_->handshake_send_sequence;
}
uint64_t Session::next_receive_sequence() const noexcept {
  return impl_->receiver ? impl_->receiver->next_sequence() : 0;
}
uint32_t Session::send_generation() const noexcept {
  return impl_->sender ? impl_->sender->generation() : 0;
}
uint32_t Session::receive_generation() const noexcept {
  return impl_->receiver ? impl_->receiver->generation() : 0;
}

}  // namespace sc::scp
