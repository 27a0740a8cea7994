// RFC 9420 §8.2 (transcript hashes), §6.1 (confirmation tag).
#include "securecomm/mls/transcript_hash.h"

#include "securecomm/base/secret.h"
#include "securecomm/crypto/hash.h"
#include "securecomm/mls/errors.h"

namespace sc::mls {

Result<std::vector<uint8_t>> ConfirmedTranscriptHash(std::span<const uint8_t> interim_before,
                                                     const AuthenticatedContent& commit) {
  if (commit.content.content_type != ContentType::kCommit) return Fail(Errc::kInvalidContentType);
  Writer w;
  EncodeWireFormat(w, commit.wire_format);
  Status s = commit.content.Encode(w);
  if (s) s = w.WriteOpaque(commit.auth.signature);
  if (!s) return Fail(s.error());
  crypto::Sha256Hasher h;
  h.Update(interim_before);
  h.Update(w.bytes());
  const crypto::Sha256Digest d = h.Final();
  return std::vector<uint8_t>(d.span().begin(), d.span().end());
}

Result<std::vector<uint8_t>> InterimTranscriptHash(std::span<const uint8_t> confirmed,
                                                   std::span<const uint8_t> confirmation_tag) {
  Writer w;
  if (auto s = w.WriteOpaque(confirmation_tag); !s) return Fail(s.error());
  crypto::Sha256Hasher h;
  h.Update(confirmed);
  h.Update(w.bytes());
  const crypto::Sha256Digest d = h.Final();
  return std::vector<uint8_t>(d.span().begin(), d.span().end());
}

crypto::HmacSha256Tag ConfirmationTag(const Secret& confirmation_key,
                                      std::span<const uint8_t> confirmed_transcript_hash) {
  return crypto::HmacSha256(confirmation_key.Expose(), confirmed_transcript_hash);
}

Status VerifyConfirmationTag(const Secret& confirmation_key,
                             std::span<const uint8_t> confirmed_transcript_hash,
                             std::span<const uint8_t> tag) {
  const crypto::HmacSha256Tag want = ConfirmationTag(confirmation_key, confirmed_transcript_hash);
  if (!ConstantTimeEqual(want.span(), tag)) return Fail(Errc::kBadConfirmationTag);
  return OkStatus();
}

}  // namespace sc::mls
