// signal_side.h: Alice and Bob talking through libsignal-protocol-c (Debian's
// libsignal-protocol-c-dev), the anchor of securecomm-e2e-compare (bench/README.md, "e2e").
//
// libsignal-protocol-c is GPL-3.0: this file and signal_side.cc are compiled only into the
// optional comparison target (CMake option SC_BENCH_E2E_COMPARE, OFF by default), never into a
// library or a shipped program. The header exposes no libsignal type, so the comparison's main
// does not see the library either.
//
// The library needs a crypto provider and four stores from its user. signal_side.cc writes them
// from the documentation of signal_protocol.h: the provider on OpenSSL 3 EVP (HMAC-SHA256 on a
// keyed EVP_MAC_CTX duplicated from a template, SHA-512, AES-CBC / AES-CTR with one reused
// EVP_CIPHER_CTX, RAND_bytes), the stores as std::map of serialized records in memory (the
// library serializes a session record on every store and parses it on every load; that is its
// API, not ours).
//
//   std::string error;
//   std::unique_ptr<SignalSide> s = SignalSide::Create(&error);
//   s->Establish();                       // X3DH, a message each way: both can send
//   s->Send(/*from_alice=*/true, plaintext);
//
// Every call returns false on failure (LastError says why); a failed side is not usable again.
// Not thread safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace sc::bench::e2e {

class SignalSide {
 public:
  // Create makes a library context with the provider, Alice's and Bob's stores, identities and
  // registration ids, and Bob's signed prekey and one-time prekey. nullptr and `error` on failure.
  static std::unique_ptr<SignalSide> Create(std::string* error);
  ~SignalSide();
  SignalSide(const SignalSide&) = delete;
  SignalSide& operator=(const SignalSide&) = delete;

  // Establish starts a new session pair: Alice processes Bob's bundle (X3DH), sends a
  // PreKeySignalMessage, Bob decrypts it and answers, Alice decrypts the answer. Afterwards both
  // send ordinary SignalMessages.
  bool Establish(std::span<const uint8_t> plaintext);
  // Send encrypts `plaintext` on one side, serializes, parses and decrypts it on the other, and
  // checks the plaintext that comes out. Alice's messages before Establish's answer would be
  // prekey messages; call Establish first.
  bool Send(bool from_alice, std::span<const uint8_t> plaintext);
  // Handshake is X3DH on both sides from scratch: both sides' session records deleted and Bob's
  // one-time prekey put back (the library removes it once used), then Alice processes the bundle
  // and encrypts `plaintext`, and Bob decrypts that PreKeySignalMessage (his side of X3DH, then
  // the first Double Ratchet step). Leaves the new session pair established one way.
  bool Handshake(std::span<const uint8_t> plaintext);

  // The wire size of the last message Send or Handshake produced.
  size_t last_wire_size() const;
  const std::string& last_error() const;

 private:
  struct Impl;
  explicit SignalSide(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sc::bench::e2e
