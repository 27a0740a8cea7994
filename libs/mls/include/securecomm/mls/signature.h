// signature.h: SignWithLabel and VerifyWithLabel (RFC 9420 §5.1.2) with Ed25519, the signature
// scheme of both supported suites. The signed bytes are the encoded SignContent:
//
//   struct { opaque label<V> = "MLS 1.0 " + Label; opaque content<V>; } SignContent;
//
//   Result<crypto::Ed25519Signature> sig = SignWithLabel(identity, "LeafNodeTBS", tbs);
//   if (auto s = VerifyWithLabel(pk, "LeafNodeTBS", tbs, sig_bytes); !s) { /* kBadSignature */ }
//
// Verification is strict (crypto/ed25519.h). Thread safe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "securecomm/base/error.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/keys.h"

namespace sc::mls {

// SignWithLabel returns the Ed25519 signature of SignContent(label, content) by `key`.
// kValueTooLarge if content is over kMaxVectorLength.
[[nodiscard]] Result<crypto::Ed25519Signature> SignWithLabel(const crypto::Ed25519KeyPair& key,
                                                             std::string_view label,
                                                             std::span<const uint8_t> content);

// VerifyWithLabel returns OkStatus() iff `signature` is a valid signature of
// SignContent(label, content) by `key`; kBadSignature otherwise (including a signature that is not
// 64 bytes), kValueTooLarge for content over kMaxVectorLength.
[[nodiscard]] Status VerifyWithLabel(const crypto::Ed25519PublicKey& key, std::string_view label,
                                     std::span<const uint8_t> content, std::span<const uint8_t> signature);

}  // namespace sc::mls
