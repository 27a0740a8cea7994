#include "securecomm/mls/errors.h"

namespace sc::mls {

std::string_view ErrcName(Errc e) noexcept {
  switch (e) {
    case Errc::kTruncated:
      return "kTruncated";
    case Errc::kTrailingData:
      return "kTrailingData";
    case Errc::kInvalidVarintPrefix:
      return "kInvalidVarintPrefix";
    case Errc::kNonMinimalVarint:
      return "kNonMinimalVarint";
    case Errc::kVectorTooLong:
      return "kVectorTooLong";
    case Errc::kInvalidOptional:
      return "kInvalidOptional";
    case Errc::kValueTooLarge:
      return "kValueTooLarge";
    case Errc::kUnsupportedCipherSuite:
      return "kUnsupportedCipherSuite";
    case Errc::kInvalidLength:
      return "kInvalidLength";
    case Errc::kBadSignature:
      return "kBadSignature";
    case Errc::kInvalidKey:
      return "kInvalidKey";
    case Errc::kDecryptFailed:
      return "kDecryptFailed";
    case Errc::kTreeTooLarge:
      return "kTreeTooLarge";
    case Errc::kInvalidLeafIndex:
      return "kInvalidLeafIndex";
    case Errc::kGenerationTooFarAhead:
      return "kGenerationTooFarAhead";
    case Errc::kGenerationConsumed:
      return "kGenerationConsumed";
    case Errc::kGenerationExhausted:
      return "kGenerationExhausted";
    case Errc::kTreeNotPerfect:
      return "kTreeNotPerfect";
    case Errc::kUnsupportedVersion:
      return "kUnsupportedVersion";
    case Errc::kInvalidPsk:
      return "kInvalidPsk";
    case Errc::kInvalidWireFormat:
      return "kInvalidWireFormat";
    case Errc::kInvalidContentType:
      return "kInvalidContentType";
    case Errc::kInvalidSenderType:
      return "kInvalidSenderType";
    case Errc::kUnsupportedProposalType:
      return "kUnsupportedProposalType";
    case Errc::kInvalidProposalOrRef:
      return "kInvalidProposalOrRef";
    case Errc::kUnsupportedCredentialType:
      return "kUnsupportedCredentialType";
    case Errc::kInvalidLeafNodeSource:
      return "kInvalidLeafNodeSource";
    case Errc::kBadMembershipTag:
      return "kBadMembershipTag";
    case Errc::kBadConfirmationTag:
      return "kBadConfirmationTag";
    case Errc::kNonZeroPadding:
      return "kNonZeroPadding";
    case Errc::kSenderNotMember:
      return "kSenderNotMember";
    case Errc::kBlankLeaf:
      return "kBlankLeaf";
    case Errc::kUnknownExternalSender:
      return "kUnknownExternalSender";
    case Errc::kPublicApplicationMessage:
      return "kPublicApplicationMessage";
    case Errc::kContentTypeNotAllowed:
      return "kContentTypeNotAllowed";
    case Errc::kWrongGroup:
      return "kWrongGroup";
    case Errc::kEpochInPast:
      return "kEpochInPast";
    case Errc::kEpochInFuture:
      return "kEpochInFuture";
  }
  return "kUnknown";
}

}  // namespace sc::mls
