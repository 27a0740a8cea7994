// RFC 9420 §5.1.2.
#include "securecomm/mls/signature.h"

#include <vector>

#include "securecomm/mls/codec.h"
#include "securecomm/mls/errors.h"

#include "labels.h"

namespace sc::mls {
namespace {

// EncodeSignContent returns SignContent with label "MLS 1.0 " + label.
Result<std::vector<uint8_t>> EncodeSignContent(std::string_view label, std::span<const uint8_t> content) {
  Writer w;
  if (auto s = internal::WriteLabeled(w, label, content); !s) return Fail(s.error());
  return std::move(w).Take();
}

}  // namespace

Result<crypto::Ed25519Signature> SignWithLabel(const crypto::Ed25519KeyPair& key, std::string_view label,
                                               std::span<const uint8_t> content) {
  auto tbs = EncodeSignContent(label, content);
  if (!tbs) return Fail(tbs.error());
  return key.Sign(*tbs);
}

Status VerifyWithLabel(const crypto::Ed25519PublicKey& key, std::string_view label,
                       std::span<const uint8_t> content, std::span<const uint8_t> signature) {
  auto sig = crypto::Ed25519Signature::FromSpan(signature);
  if (!sig) return Fail(Errc::kBadSignature);
  auto tbs = EncodeSignContent(label, content);
  if (!tbs) return Fail(tbs.error());
  if (!crypto::Ed25519Verify(key, *tbs, *sig)) return Fail(Errc::kBadSignature);
  return OkStatus();
}

}  // namespace sc::mls
