// transcript_hash.h: the confirmed and interim transcript hashes (RFC 9420 §8.2) and the
// confirmation tag (§6.1) that every Commit carries.
//
//   struct {
//       WireFormat wire_format;
//       FramedContent content;   /* with content_type == commit */
//       opaque signature<V>;
//   } ConfirmedTranscriptHashInput;
//
//   struct { MAC confirmation_tag; } InterimTranscriptHashInput;
//
//   confirmed_transcript_hash_[epoch] = Hash(interim_transcript_hash_[epoch - 1] ||
//                                            ConfirmedTranscriptHashInput_[epoch])
//   interim_transcript_hash_[epoch]   = Hash(confirmed_transcript_hash_[epoch] ||
//                                            InterimTranscriptHashInput_[epoch])
//   confirmation_tag = MAC(confirmation_key, confirmed_transcript_hash)
//
//   auto confirmed = ConfirmedTranscriptHash(interim_before, commit_ac);
//   Status ok = VerifyConfirmationTag(secrets.confirmation_key, *confirmed, commit_ac.auth.confirmation_tag);
//   auto interim = InterimTranscriptHash(*confirmed, commit_ac.auth.confirmation_tag);
//
// Both hashes start as the empty string for epoch 0. Errors: kInvalidContentType (an
// AuthenticatedContent that is not a Commit), kBadConfirmationTag, kValueTooLarge. Transcript
// hashes are public values. Pure and thread safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/crypto/keys.h"
#include "securecomm/mls/framing.h"
#include "securecomm/mls/kdf.h"

namespace sc::mls {

// ConfirmedTranscriptHash returns confirmed_transcript_hash after the Commit `commit`.
[[nodiscard]] Result<std::vector<uint8_t>> ConfirmedTranscriptHash(std::span<const uint8_t> interim_before,
                                                                   const AuthenticatedContent& commit);

// InterimTranscriptHash returns interim_transcript_hash from the confirmed hash and the Commit's
// (or, for a new member, the GroupInfo's) confirmation_tag.
[[nodiscard]] Result<std::vector<uint8_t>> InterimTranscriptHash(std::span<const uint8_t> confirmed,
                                                                 std::span<const uint8_t> confirmation_tag);

// ConfirmationTag returns MAC(confirmation_key, confirmed_transcript_hash).
[[nodiscard]] crypto::HmacSha256Tag ConfirmationTag(const Secret& confirmation_key,
                                                    std::span<const uint8_t> confirmed_transcript_hash);

// VerifyConfirmationTag compares `tag` with ConfirmationTag in constant time (kBadConfirmationTag).
[[nodiscard]] Status VerifyConfirmationTag(const Secret& confirmation_key,
                                           std::span<const uint8_t> confirmed_transcript_hash,
                                           std::span<const uint8_t> tag);

}  // namespace sc::mls
