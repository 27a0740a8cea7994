// Fuzz target: Session::Deserialize (docs/protocol/e2e.md §7). The state format is canonical, so
// a state that decodes must serialize to exactly its input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "securecomm/base/secret.h"
#include "securecomm/e2e/session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  auto session = sc::e2e::Session::Deserialize(in);
  if (session && !sc::ConstantTimeEqual(session->Serialize().Expose(), in)) std::abort();
  return 0;
}
