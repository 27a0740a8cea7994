// Fuzz target: the SCP frame decoder (docs/protocol/scp.md §2). No crash; PeekFrameSize and
// DecodeFrame agree; decoded views stay inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "securecomm/scp/frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  auto peek = sc::scp::PeekFrameSize(in);
  auto frame = sc::scp::DecodeFrame(in);
  if (frame) {
    if (!peek || !peek->has_value() || **peek != size) std::abort();
    if (frame->payload.size() != frame->header.length) std::abort();
    if (frame->hmac.data() + frame->hmac.size() != data + size) std::abort();
  }
  if (peek && peek->has_value() && **peek <= size) {
    if (!sc::scp::DecodeFrame(in.first(**peek))) std::abort();
  }
  return 0;
}
