// Fuzz target: the e2e wire decoders (docs/protocol/e2e.md §4). Both formats are canonical, so a
// message that decodes must re-encode to exactly its input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "securecomm/e2e/wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sc::e2e;
  const std::span<const uint8_t> in(data, size);
  const std::vector<uint8_t> input(in.begin(), in.end());
  auto type = PeekMessageType(in);
  auto ratchet = RatchetMessage::Decode(in);
  auto prekey = PrekeyMessage::Decode(in);
  if (ratchet && (ratchet->Encode() != input || !type || *type != MessageType::kRatchet)) std::abort();
  if (prekey && (prekey->Encode() != input || !type || *type != MessageType::kPrekey)) std::abort();
  if (ratchet && prekey) std::abort();
  return 0;
}
