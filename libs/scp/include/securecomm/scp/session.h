// session.h: the SCP session state machine (docs/protocol/scp.md §4-§10). Sans-I/O: frames in,
// frames out, and a deadline for the next timer; the clock and randomness are injected.
//
//   Session client = *Session::Create(client_config, clock, rng);
//   (void)client.Start();                          // queues HANDSHAKE_INIT
//   write(socket, client.TakeOutput());            // the adapter moves bytes
//   auto event = server.HandleFrame(frame_bytes);  // one complete frame (see PeekFrameSize)
//   if (event && event->kind == SessionEvent::kData) use(server.received());
//   (void)client.Send(bytes);  client.OnTick();    // timers: keepalive, idle timeout, rekey
//
// Failure is closed: on a stream, a frame that fails any check returns its error, changes no
// protocol state (keys, sequence numbers, handshake), queues an ERROR when a key exists for it,
// and moves the session to kFailed. On datagrams, a frame failing a check that needs no key (format,
// MAC, replay, AEAD, wrong state) is only reported, since anyone can spoof it; an authenticated
// failure (identity, credential, suite) ends the session as on a stream.
// Not thread safe: one session belongs to one connection's strand.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "securecomm/base/clock.h"
#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/x25519.h"
#include "securecomm/scp/errors.h"
#include "securecomm/scp/frame.h"
#include "securecomm/scp/limits.h"
#include "securecomm/scp/noise.h"
#include "securecomm/scp/record.h"

namespace sc::scp {

enum class Role : uint8_t { kInitiator, kResponder };

// DefaultSuites: AES-256-GCM first (AES-NI everywhere we run), then ChaCha20-Poly1305.
std::vector<NoiseSuite> DefaultSuites();

struct SessionConfig {
  Role role = Role::kInitiator;
  Transport transport = Transport::kStream;
  // Initiator: the suite it uses is suites[0] and it offers all. Responder: the accepted set.
  std::vector<NoiseSuite> suites = DefaultSuites();
  crypto::X25519KeyPair noise_static;
  std::shared_ptr<const crypto::Ed25519KeyPair> identity;
  // Initiator (required): the responder's keys from the connection string (scp.md §11).
  std::optional<crypto::X25519PublicKey> responder_static;
  std::optional<crypto::Ed25519PublicKey> responder_identity;
  // Responder: when non-empty, only these initiator identities are admitted.
  std::vector<crypto::Ed25519PublicKey> allowed_initiators;

  uint64_t rekey_bytes = kDefaultRekeyBytes;
  Clock::Duration rekey_interval = kDefaultRekeyInterval;
  Clock::Duration idle_timeout = kDefaultIdleTimeout;
  Clock::Duration keepalive_interval = kDefaultKeepaliveInterval;
};

enum class SessionState : uint8_t {
  kStart,
  kAwaitResponse,  // initiator sent INIT
  kAwaitFinish,    // responder sent RESPONSE
  kEstablished,
  kClosing,  // we sent CLOSE
  kClosed,
  kFailed,
};

struct SessionEvent {
  enum Kind : uint8_t {
    kNone,         // a frame was consumed (handshake step, ACK, KEY_UPDATE)
    kEstablished,  // the handshake completed; peer_identity() is set
    kData,         // received() holds the plaintext of a DATA frame
    kClosed,       // the peer closed, or acknowledged our CLOSE
    kPeerError,    // the peer sent ERROR; peer_error_code holds its code
  };
  Kind kind = kNone;
  uint16_t peer_error_code = 0;
};

class Session {
 public:
  // Create checks the configuration: kUntrustedIdentity if an initiator has no pinned responder
  // keys; kUnsupportedSuite if the suite list is empty. `clock` and `rng` must outlive the session.
  [[nodiscard]] static Result<Session> Create(SessionConfig config, const Clock& clock, Random& rng);
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();

  // Start (initiator only) queues HANDSHAKE_INIT. kUnexpectedMessage if called twice or on a responder.
  [[nodiscard]] Status Start();

  // HandleFrame consumes exactly one frame. See the file comment for failure behaviour.
  [[nodiscard]] Result<SessionEvent> HandleFrame(std::span<const uint8_t> frame);

  // Send queues one DATA record (at most kMaxRecordPlaintext bytes), preceded by a KEY_UPDATE when
  // a rekey limit is due. kClosed unless established; kFrameTooLarge; kNonceExhausted (fails the session).
  [[nodiscard]] Status Send(std::span<const uint8_t> data);

  // SendKeepalive queues an ACK record now (a datagram responder confirms the handshake with it).
  // kClosed unless established.
  [[nodiscard]] Status SendKeepalive();

  // Close queues CLOSE; the session is closed when the peer's ACK arrives.
  [[nodiscard]] Status Close();

  // Abort ends the session with `code` for a rule its adapter enforces (a stream's frame deadline
  // or read budget, scp.md §10): queues ERROR with that code when a key exists for it (scp.md §8),
  // moves to kFailed and returns the error. A closed or failed session stays as it is (kClosed).
  [[nodiscard]] Error Abort(Errc code);

  // OnTick runs the timers at clock.Now(): idle timeout (fails with kTimeout and queues ERROR),
  // keepalive ACK, time-based rekey. Returns the error if the session failed.
  [[nodiscard]] Status OnTick();
  // NextDeadline is when OnTick next has work, for the adapter's timer.
  Clock::TimePoint NextDeadline() const noexcept;

  // TakeOutput moves every queued byte out (stream: write them in order).
  std::vector<uint8_t> TakeOutput();
  // PendingOutput views the queued bytes without moving them; ConsumeOutput then drops them and
  // keeps the buffer's capacity (the zero-allocation path for stream adapters).
  std::span<const uint8_t> PendingOutput() const noexcept;
  void ConsumeOutput() noexcept;
  // SwapOutput exchanges the queued bytes with `buffer` (whose contents are discarded first), so
  // an adapter can write them while the session queues more into the other buffer: no copy, and
  // both buffers keep their capacity.
  void SwapOutput(std::vector<uint8_t>& buffer) noexcept;
  // TakeFrames moves the queued frames out one per element (datagrams: one per packet).
  std::vector<std::vector<uint8_t>> TakeFrames();
  bool HasOutput() const noexcept;

  // received: the plaintext of the last kData event; valid until the next HandleFrame.
  std::span<const uint8_t> received() const noexcept;

  SessionState state() const noexcept;
  // error: why the session failed (valid in kFailed).
  std::optional<Error> error() const noexcept;
  // peer_identity: the peer's authenticated Ed25519 identity, once established.
  const std::optional<crypto::Ed25519PublicKey>& peer_identity() const noexcept;
  // handshake_hash: the channel binding, once established.
  std::span<const uint8_t> handshake_hash() const noexcept;
  // Counters for tests, metrics and benchmarks.
  uint64_t next_send_sequence() const noexcept;
  uint64_t next_receive_sequence() const noexcept;
  uint32_t send_generation() const noexcept;
  uint32_t receive_generation() const noexcept;

 private:
  struct Impl;
  explicit Session(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sc::scp
