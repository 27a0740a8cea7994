// srp.h: SRP-6a password authentication (RFC 2945, RFC 5054) over OpenSSL 3.0's SRP functions, so
// a relay stores a salt and a verifier, never the password (DESIGN.md §1, "Accounts").
// Sans-I/O: the caller moves A, B and the proofs; randomness is injected. The exact messages and
// hashes are specified in docs/protocol/srp.md.
//
//   // registration (client side), then the relay stores `v`:
//   auto v = SrpMakeVerifier("alice", password, salt, SrpGroup::k3072);
//   // login:
//   auto client = SrpClient::Start(SrpGroup::k3072, rng);          // send client->A()
//   auto server = SrpServer::Start(*v, rng);                        // send server->B(), v->salt
//   auto m1 = client->Respond("alice", password, v->salt, server->B());
//   auto m2 = server->Finish("alice", client->A(), *m1);           // kAuthFailed: wrong password
//   if (client->VerifyServer(*m2)) { use client->session_key(); }
//
// Thread safety: objects are not thread safe; the free function is.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/base/secret.h"

namespace sc::crypto {

// RFC 5054 Appendix A groups. Append only; never renumber (stored with each verifier).
enum class SrpGroup : uint8_t {
  k1024 = 1,  // the RFC 5054 Appendix B test vector's group: tests only, never for accounts
  k3072 = 2,  // the default for accounts (DESIGN: 3072 bits or more)
  k4096 = 3,
};

inline constexpr size_t kSrpSaltSize = 16;
// RFC 5054 §2.5.3 asks for at least 256 bits of ephemeral secret.
inline constexpr size_t kSrpEphemeralSize = 32;
// Usernames and passwords longer than this are refused: OpenSSL hashes C strings, and no person
// types more.
inline constexpr size_t kSrpMaxInput = 1024;

// GroupBytes returns len(N) in bytes for `group` (128, 384 or 512).
size_t SrpGroupBytes(SrpGroup group) noexcept;

struct SrpVerifier {
  SrpGroup group = SrpGroup::k3072;
  std::vector<uint8_t> salt;      // kSrpSaltSize bytes
  std::vector<uint8_t> verifier;  // v = g^x mod N, big-endian, padded to len(N)
};

using SrpProof = std::array<uint8_t, 32>;

// SrpMakeVerifier computes v for (username, password, salt). kInvalidArgument for an empty or
// over-long username or password, one containing a NUL byte, or a salt that is not 16 bytes.
[[nodiscard]] Result<SrpVerifier> SrpMakeVerifier(std::string_view username,
                                                  std::span<const uint8_t> password,
                                                  std::span<const uint8_t> salt, SrpGroup group);

class SrpClient {
 public:
  // Start draws the ephemeral a and computes A = g^a.
  [[nodiscard]] static Result<SrpClient> Start(SrpGroup group, Random& rng);
  SrpClient(SrpClient&&) noexcept;
  SrpClient& operator=(SrpClient&&) noexcept;
  ~SrpClient();

  std::span<const uint8_t> A() const noexcept;
  // Respond computes the session key and the proof M1 from the server's salt and B.
  // kInvalidPublicKey if B % N == 0 or u == 0 (RFC 5054 §2.5.3, §2.6); kInvalidArgument as above.
  [[nodiscard]] Result<SrpProof> Respond(std::string_view username, std::span<const uint8_t> password,
                                         std::span<const uint8_t> salt, std::span<const uint8_t> B);
  // VerifyServer checks M2 in constant time: kAuthFailed on mismatch (or before Respond).
  [[nodiscard]] Status VerifyServer(std::span<const uint8_t> m2) const;
  // session_key: K, valid after a successful Respond.
  const SecretArray<32>& session_key() const noexcept;

 private:
  struct State;
  explicit SrpClient(std::unique_ptr<State> s) noexcept;
  std::unique_ptr<State> s_;
};

class SrpServer {
 public:
  // Start draws the ephemeral b and computes B = k*v + g^b. kInvalidArgument for a malformed verifier.
  [[nodiscard]] static Result<SrpServer> Start(const SrpVerifier& verifier, Random& rng);
  SrpServer(SrpServer&&) noexcept;
  SrpServer& operator=(SrpServer&&) noexcept;
  ~SrpServer();

  std::span<const uint8_t> B() const noexcept;
  // Finish checks the client's A and proof M1 and returns M2. kInvalidPublicKey if A % N == 0
  // (RFC 5054 §2.5.4) or A is longer than N; kAuthFailed if M1 is wrong (a wrong password).
  [[nodiscard]] Result<SrpProof> Finish(std::string_view username, std::span<const uint8_t> A,
                                        std::span<const uint8_t> m1);
  const SecretArray<32>& session_key() const noexcept;

 private:
  struct State;
  explicit SrpServer(std::unique_ptr<State> s) noexcept;
  std::unique_ptr<State> s_;
};

namespace srp_internal {
// Known-answer hooks for the RFC 5054 Appendix B test: the raw SRP values from fixed a and b.
struct RawValues {
  std::vector<uint8_t> x, v, A, B, u, client_S, server_S;
};
[[nodiscard]] Result<RawValues> ComputeRaw(SrpGroup group, std::string_view username,
                                           std::span<const uint8_t> password, std::span<const uint8_t> salt,
                                           std::span<const uint8_t> a, std::span<const uint8_t> b);
}  // namespace srp_internal

}  // namespace sc::crypto
