// Fuzz target: the handshake payload decoders (ClientHello, ServerHello, ClientFinish) and the
// Noise XX responder's message parsing, without the frame MAC in front.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "securecomm/scp/handshake_messages.h"
#include "securecomm/scp/noise.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sc::scp;
  if (size == 0) return 0;
  std::span<const uint8_t> in(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto h = ClientHello::Decode(in);
      if (h && ClientHello::Decode(h->Encode())->suites != h->suites) std::abort();
      break;
    }
    case 1: {
      auto h = ServerHello::Decode(in);
      if (h && h->Encode() != std::vector<uint8_t>(in.begin(), in.end())) std::abort();
      break;
    }
    case 2: {
      auto f = ClientFinish::Decode(in);
      if (f && f->Encode() != std::vector<uint8_t>(in.begin(), in.end())) std::abort();
      break;
    }
    default: {
      sc::DeterministicRandom rng(1);
      auto responder =
          NoiseXX::Responder(NoiseSuite::kAesGcm, {}, sc::crypto::X25519KeyPair::Generate(rng), rng);
      (void)responder.ReadMessage(in);
      break;
    }
  }
  return 0;
}
