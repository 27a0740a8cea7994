// transcript_hash_vectors_test.cc: transcript-hashes.json (test-vectors.md "Transcript Hashes"):
// the AuthenticatedContent holds a Commit and re-encodes byte for byte, its confirmation_tag is
// the MAC of confirmed_transcript_hash_after under confirmation_key, and updating
// interim_transcript_hash_before with it gives both hashes after.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/mls/framing.h"
#include "securecomm/mls/transcript_hash.h"

#include "vectors_test_util.h"

namespace sc::mls {
namespace {

using testing::Hex;
using testing::Same;
using testing::ToSecret;

bool CheckCase(const CipherSuite& /*suite*/, const nlohmann::json& v) {
  auto key = ToSecret(v.at("confirmation_key"));
  const std::vector<uint8_t> bytes = Hex(v.at("authenticated_content"));
  auto ac = DecodeExact<AuthenticatedContent>(bytes);
  if (!key || !ac) {
    ADD_FAILURE() << "malformed case" << (ac ? "" : std::string(": ") + std::string(ac.error().name()));
    return false;
  }
  bool ok = ac->content.content_type == ContentType::kCommit;
  auto back = EncodeToBytes(*ac);
  ok &= back && Same(*back, bytes, "authenticated_content re-encoded");

  const std::vector<uint8_t> confirmed_after = Hex(v.at("confirmed_transcript_hash_after"));
  ok &= VerifyConfirmationTag(*key, confirmed_after, ac->auth.confirmation_tag).has_value();

  auto confirmed = ConfirmedTranscriptHash(Hex(v.at("interim_transcript_hash_before")), *ac);
  ok &= confirmed && Same(*confirmed, confirmed_after, "confirmed_transcript_hash_after");
  auto interim = InterimTranscriptHash(confirmed_after, ac->auth.confirmation_tag);
  ok &=
      interim && Same(*interim, Hex(v.at("interim_transcript_hash_after")), "interim_transcript_hash_after");

  // A tag under another key is refused with its own code.
  Secret other = key->Clone();
  other.MutableExpose()[0] ^= 1;
  auto refused = VerifyConfirmationTag(other, confirmed_after, ac->auth.confirmation_tag);
  ok &= !refused && refused.error() == Errc::kBadConfirmationTag;
  return ok;
}

TEST(MlsVectors, TranscriptHashes) {
  testing::RunSuiteCases("transcript-hashes.json", CheckCase);
}

}  // namespace
}  // namespace sc::mls
