#include "securecomm/client/bundle.h"

#include <string>

#include "securecomm/e2e/errors.h"

namespace sc::client {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) noexcept {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

Result<e2e::PrekeyBundle> DecodeBundle(const securecomm::relay::v1::FetchPrekeyBundleResponse& r) {
  e2e::PrekeyBundle b;
  auto identity = crypto::Ed25519PublicKey::FromSpan(Bytes(r.identity_key()));
  if (!identity || !r.has_signed_prekey()) return Fail(e2e::Errc::kMalformedMessage);
  b.identity_key = *identity;
  auto spk = crypto::X25519PublicKey::FromSpan(Bytes(r.signed_prekey().public_key()));
  auto sig = crypto::Ed25519Signature::FromSpan(Bytes(r.signed_prekey().signature()));
  if (!spk || !sig) return Fail(e2e::Errc::kMalformedMessage);
  b.signed_prekey = {r.signed_prekey().id(), *spk, *sig};
  if (r.has_one_time_prekey()) {
    auto opk = crypto::X25519PublicKey::FromSpan(Bytes(r.one_time_prekey().public_key()));
    if (!opk) return Fail(e2e::Errc::kMalformedMessage);
    b.one_time_prekey = e2e::OneTimePrekey{r.one_time_prekey().id(), *opk};
  }
  return b;
}

}  // namespace sc::client
