// client_codec_fuzz: the client's decoders of untrusted bytes (docs/protocol/client.md §2,
// client-store.md §5) and the prekey bundle a relay hands out (libs/client/bundle.h), which then
// goes into X3DH. The first byte picks the decoder. Invariants: no crash or sanitizer report; a
// decoded record re-encodes to bytes that decode to the same record.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "securecomm/base/random.h"
#include "securecomm/client/bundle.h"
#include "securecomm/client/records.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/e2e/x3dh.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sc;
  using namespace sc::client;
  if (size == 0) return 0;
  const std::span<const uint8_t> in(data + 1, size - 1);
  switch (data[0] % 5) {
    case 0: {
      auto c = Content::Decode(in);
      if (c) {
        auto again = Content::Decode(c->Encode().Expose());
        Require(again.has_value() && again->body == c->body && again->sender == c->sender &&
                again->peer == c->peer && again->message_id == c->message_id);
      }
      break;
    }
    case 1: {
      auto c = Contact::Decode(in);
      if (c) {
        auto again = Contact::Decode(c->Encode());
        Require(again.has_value() && again->devices == c->devices && again->pending == c->pending);
      }
      break;
    }
    case 2: {
      auto e = InboxEntry::Decode(in);
      if (e) Require(InboxEntry::Decode(e->Encode().Expose()).has_value());
      break;
    }
    case 3: {
      auto a = Account::Decode(in);
      if (a) Require(Account::Decode(a->Encode().Expose()).has_value());
      break;
    }
    case 4: {
      securecomm::relay::v1::FetchPrekeyBundleResponse r;
      if (!r.ParseFromArray(in.data(), static_cast<int>(in.size()))) break;
      auto bundle = DecodeBundle(r);
      if (!bundle) break;
      // A hostile bundle goes through X3DH as a first contact would take it (its own key
      // expected): signature check, key conversion, DH; any failure must be a clean error.
      DeterministicRandom rng(1);
      static const auto identity = crypto::Ed25519KeyPair::Generate(rng);
      (void)e2e::X3dhInitiate(identity, *bundle, bundle->identity_key, rng);
      break;
    }
  }
  return 0;
}
