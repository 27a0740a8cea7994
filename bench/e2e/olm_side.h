// olm_side.h: Alice and Bob talking through libolm (Debian's libolm-dev, Apache-2.0), an anchor
// of securecomm-e2e-compare (bench/README.md, "e2e"). Only its public olm.h API is used:
// olm_account, olm_session, olm_create_outbound_session / olm_create_inbound_session,
// olm_encrypt / olm_decrypt. Compiled only into the optional comparison target.
//
// Olm's messages are base64 text and olm_decrypt decodes in place (it destroys its input), so
// each receive copies the message first, as any caller must. Random bytes for a new ratchet key
// come from OpenSSL's RAND_bytes whenever olm_encrypt_random_length asks for them.
//
//   std::string error;
//   std::unique_ptr<OlmSide> o = OlmSide::Create(&error);
//   o->Establish(plaintext);              // a pre-key message and its answer: both can send
//   o->Send(/*from_alice=*/true, plaintext);
//
// Every call returns false on failure (last_error says why). Not thread safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace sc::bench::e2e {

class OlmSide {
 public:
  // Create makes Alice's and Bob's accounts (identity keys). nullptr and `error` on failure.
  static std::unique_ptr<OlmSide> Create(std::string* error);
  ~OlmSide();
  OlmSide(const OlmSide&) = delete;
  OlmSide& operator=(const OlmSide&) = delete;

  // Establish starts a new session pair: Bob makes a one-time key, Alice creates an outbound
  // session with it and sends `plaintext` (a PRE_KEY message), Bob creates the inbound session,
  // removes the one-time key and decrypts, then answers and Alice decrypts the answer.
  bool Establish(std::span<const uint8_t> plaintext);
  // Send encrypts `plaintext` on one side and decrypts it on the other (from a copy of the
  // message), and checks the plaintext that comes out. REQUIRES: Establish succeeded.
  bool Send(bool from_alice, std::span<const uint8_t> plaintext);

  // The wire size (base64 text) of the last message sent.
  size_t last_wire_size() const;
  const std::string& last_error() const;

 private:
  struct Impl;
  explicit OlmSide(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sc::bench::e2e
