// Fuzz target: Session::Decrypt of arbitrary bytes by an established responder session. Any
// input that fails must leave the session byte for byte unchanged (docs/protocol/e2e.md §5.5).
// The first input byte chooses whether the rest is sent as is or patched into a message on the
// session's current chains, so the fuzzer reaches the ratchet and not only the decoders.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <vector>

#include "securecomm/base/random.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/e2e/session.h"

#include "e2e_session_fixture.h"

namespace {

using namespace sc;
using namespace sc::e2e;

// A responder session that has received one message and answered it. Built once; each input
// runs on a copy (through its serialized state).
const SecretBytes& EstablishedState(std::vector<uint8_t>* alice_header_key) {
  static std::optional<SecretBytes> state;
  static std::vector<uint8_t> header_key;
  if (!state) {
    DeterministicRandom rng(fuzz::kSessionFixtureSeed);
    auto f = fuzz::StartSessionFixture(rng);
    fuzz::ReplyToAlice(f, rng);
    auto next = RatchetMessage::Decode(*f.alice->Encrypt(fuzz::kHello));
    header_key.assign(next->header.dh.span().begin(), next->header.dh.span().end());
    state = f.bob->session.Serialize();
  }
  *alice_header_key = header_key;
  return *state;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::vector<uint8_t> alice_key;
  const SecretBytes& state = EstablishedState(&alice_key);
  auto session = Session::Deserialize(state.Expose());
  if (!session) std::abort();
  std::vector<uint8_t> wire(data + 1, data + size);
  if (data[0] % 2 == 1 && wire.size() >= kRatchetHeaderSize) {
    // A RatchetMessage on Alice's next chain: version, type and dh patched in.
    wire[0] = kWireVersion;
    wire[1] = static_cast<uint8_t>(MessageType::kRatchet);
    std::copy(alice_key.begin(), alice_key.end(), wire.begin() + 2);
  }
  DeterministicRandom rng(size);
  auto plaintext = session->Decrypt(wire, rng);
  if (!plaintext && !ConstantTimeEqual(session->Serialize().Expose(), state.Expose())) std::abort();
  return 0;
}
