#include "securecomm/audit/note_key.h"

#include <array>

#include "securecomm/audit/checkpoint.h"
#include "securecomm/audit/errors.h"
#include "securecomm/audit/limits.h"
#include "securecomm/base/bytes.h"
#include "securecomm/base/encoding.h"
#include "securecomm/crypto/hash.h"

#include "text.h"

namespace sc::audit {
namespace {

constexpr size_t kKeyIdHexSize = 8;
constexpr size_t kEd25519SignatureSize = 64;
constexpr size_t kTimestampSize = 8;
constexpr std::string_view kSignerKeyPrefix = "PRIVATE+KEY+";

bool SupportedType(uint8_t t) {
  return t == static_cast<uint8_t>(SignatureType::kEd25519) ||
         t == static_cast<uint8_t>(SignatureType::kCosignatureV1);
}

std::string KeyIdHex(uint32_t id) {
  std::array<uint8_t, 4> be{};
  StoreBe32(be, id);
  return HexEncode(be);
}

// signed-note.md: "the fixed length lowercase Base 16 encoding"; HexDecode also takes upper case.
Result<uint32_t> ParseKeyIdHex(std::string_view hex) {
  if (hex.size() != kKeyIdHexSize) return Fail(Errc::kMalformedKey);
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return Fail(Errc::kMalformedKey);
  }
  auto bytes = HexDecode(hex);
  if (!bytes || bytes->size() != 4) return Fail(Errc::kMalformedKey);
  return LoadBe32(std::span(*bytes).first<4>());
}

// The fields of "<name>+<hex id>+base64(type || key)", shared by vkeys and signer keys. `key`
// holds the decoded key bytes (32), wiped by the destructor since a signer key's are a seed.
struct KeyFields {
  std::string_view name;
  uint32_t key_id = 0;
  uint8_t type = 0;
  SecretArray<32> key;
};

Result<KeyFields> ParseKeyFields(std::string_view text) {
  // The name cannot contain '+' and the id is hex, so the first two '+' are the separators;
  // the base64 part may contain '+' of its own.
  const size_t p1 = text.find('+');
  if (p1 == std::string_view::npos) return Fail(Errc::kMalformedKey);
  const size_t p2 = text.find('+', p1 + 1);
  if (p2 == std::string_view::npos) return Fail(Errc::kMalformedKey);
  KeyFields f;
  f.name = text.substr(0, p1);
  if (!internal::IsValidKeyName(f.name)) return Fail(Errc::kMalformedKey);
  auto id = ParseKeyIdHex(text.substr(p1 + 1, p2 - p1 - 1));
  if (!id) return Fail(id.error());
  f.key_id = *id;
  auto raw = internal::Base64DecodeAscii(text.substr(p2 + 1));
  if (!raw) return Fail(Errc::kMalformedKey);
  const bool ok = raw->size() == 1 + 32 && SupportedType((*raw)[0]);
  if (ok) {
    f.type = (*raw)[0];
    for (size_t i = 0; i < 32; ++i) f.key.MutableExpose()[i] = (*raw)[1 + i];
  }
  SecureWipe(*raw);
  if (!ok) return Fail(Errc::kMalformedKey);
  return f;
}

// Formats "<name>+<hex id>+base64(type || key)" into secret storage.
SecretBytes FormatKeyFields(std::string_view prefix, const NoteVerifier& v,
                            std::span<const uint8_t, 32> key) {
  SecretBytes raw(1 + 32);
  raw.MutableExpose()[0] = static_cast<uint8_t>(v.type());
  for (size_t i = 0; i < 32; ++i) raw.MutableExpose()[1 + i] = key[i];
  std::string b64 = Base64Encode(raw.Expose());
  const std::string head = std::string(prefix) + v.name() + "+" + KeyIdHex(v.key_id()) + "+";
  SecretBytes out;
  out.Append(AsBytes(head));
  out.Append(AsBytes(b64));
  SecureWipe(AsWritableBytes(b64));
  return out;
}

// Parses a signer key of the given type into (verifier, key pair).
struct ParsedSigner {
  NoteVerifier verifier;
  crypto::Ed25519KeyPair key;
};
Result<ParsedSigner> ParseSigner(std::string_view skey, SignatureType want) {
  if (!skey.starts_with(kSignerKeyPrefix)) return Fail(Errc::kMalformedKey);
  auto f = ParseKeyFields(skey.substr(kSignerKeyPrefix.size()));
  if (!f) return Fail(f.error());
  if (f->type != static_cast<uint8_t>(want)) return Fail(Errc::kMalformedKey);
  auto seed = crypto::Ed25519Seed::FromSpan(f->key.Expose());
  if (!seed) return Fail(Errc::kMalformedKey);
  crypto::Ed25519KeyPair key = crypto::Ed25519KeyPair::FromSeed(*seed);
  auto verifier = NoteVerifier::Create(f->name, want, key.public_key());
  if (!verifier) return Fail(verifier.error());
  if (verifier->key_id() != f->key_id) return Fail(Errc::kMalformedKey);
  return ParsedSigner{std::move(*verifier), std::move(key)};
}

}  // namespace

uint32_t ComputeKeyId(std::string_view name, SignatureType type,
                      const crypto::Ed25519PublicKey& public_key) noexcept {
  // signed-note.md §"Signatures": key ID = SHA-256(key name || 0x0A || type || public key)[:4].
  crypto::Sha256Hasher h;
  const std::array<uint8_t, 2> sep = {0x0A, static_cast<uint8_t>(type)};
  h.Update(AsBytes(name));
  h.Update(sep);
  h.Update(public_key.span());
  const Hash d = h.Final();
  return LoadBe32(d.span().first<4>());
}

bool IsValidKeyName(std::string_view name) noexcept {
  return internal::IsValidKeyName(name);
}

std::string CosignedMessage(std::string_view checkpoint_text, uint64_t timestamp) {
  std::string m = "cosignature/v1\ntime ";
  m += internal::FormatDecimal(timestamp);
  m += '\n';
  m += checkpoint_text;
  return m;
}

Result<NoteVerifier> NoteVerifier::Create(std::string_view name, SignatureType type,
                                          const crypto::Ed25519PublicKey& public_key) {
  if (!internal::IsValidKeyName(name) || !SupportedType(static_cast<uint8_t>(type))) {
    return Fail(Errc::kMalformedKey);
  }
  NoteVerifier v;
  v.name_ = std::string(name);
  v.type_ = type;
  v.public_key_ = public_key;
  v.key_id_ = ComputeKeyId(name, type, public_key);
  return v;
}

Result<NoteVerifier> NoteVerifier::Parse(std::string_view vkey) {
  auto f = ParseKeyFields(vkey);
  if (!f) return Fail(f.error());
  auto pk = crypto::Ed25519PublicKey::FromSpan(f->key.Expose());
  if (!pk) return Fail(Errc::kMalformedKey);
  auto v = Create(f->name, static_cast<SignatureType>(f->type), *pk);
  if (!v) return Fail(v.error());
  // signed-note.md: "The key name and ID MUST match those used in the signatures"; for Ed25519
  // keys the id is defined by the name and key, so a vkey with another id is corrupt.
  if (v->key_id() != f->key_id) return Fail(Errc::kMalformedKey);
  return v;
}

std::string NoteVerifier::ToString() const {
  std::array<uint8_t, 1 + 32> raw{};
  raw[0] = static_cast<uint8_t>(type_);
  for (size_t i = 0; i < 32; ++i) raw[1 + i] = public_key_.span()[i];
  return name_ + "+" + KeyIdHex(key_id_) + "+" + Base64Encode(raw);
}

Result<uint64_t> NoteVerifier::Verify(std::string_view text, std::span<const uint8_t> signature) const {
  if (type_ == SignatureType::kEd25519) {
    if (signature.size() != kEd25519SignatureSize) return Fail(Errc::kBadSignature);
    const crypto::Ed25519Signature sig(signature.first<kEd25519SignatureSize>());
    if (!crypto::Ed25519Verify(public_key_, AsBytes(text), sig)) return Fail(Errc::kBadSignature);
    return uint64_t{0};
  }
  // tlog-cosignature.md: timestamped_signature { u64 timestamp; opaque ed25519_signature[64]; }.
  if (signature.size() != kTimestampSize + kEd25519SignatureSize) return Fail(Errc::kBadSignature);
  const uint64_t timestamp = LoadBe64(signature.first<kTimestampSize>());
  if (timestamp > kMaxCosignatureTimestamp) return Fail(Errc::kBadTimestamp);
  const crypto::Ed25519Signature sig(signature.subspan(kTimestampSize).first<kEd25519SignatureSize>());
  const std::string message = CosignedMessage(text, timestamp);
  if (!crypto::Ed25519Verify(public_key_, AsBytes(message), sig)) return Fail(Errc::kBadSignature);
  return timestamp;
}

NoteSigner::NoteSigner(NoteVerifier verifier, crypto::Ed25519KeyPair key) noexcept
    : verifier_(std::move(verifier)), key_(std::move(key)) {}

Result<NoteSigner> NoteSigner::Create(std::string_view name, crypto::Ed25519KeyPair key) {
  auto v = NoteVerifier::Create(name, SignatureType::kEd25519, key.public_key());
  if (!v) return Fail(v.error());
  return NoteSigner(std::move(*v), std::move(key));
}

Result<NoteSigner> NoteSigner::Parse(std::string_view skey) {
  auto p = ParseSigner(skey, SignatureType::kEd25519);
  if (!p) return Fail(p.error());
  return NoteSigner(std::move(p->verifier), std::move(p->key));
}

SecretBytes NoteSigner::ToString() const {
  return FormatKeyFields(kSignerKeyPrefix, verifier_, key_.seed().Expose());
}

Result<NoteSignature> NoteSigner::Sign(std::string_view text) const {
  if (text.size() > kMaxNoteSize || !internal::IsValidNoteText(text)) return Fail(Errc::kMalformedNote);
  const crypto::Ed25519Signature sig = key_.Sign(AsBytes(text));
  return NoteSignature{verifier_.name(), verifier_.key_id(), {sig.span().begin(), sig.span().end()}};
}

CosignatureSigner::CosignatureSigner(NoteVerifier verifier, crypto::Ed25519KeyPair key) noexcept
    : verifier_(std::move(verifier)), key_(std::move(key)) {}

Result<CosignatureSigner> CosignatureSigner::Create(std::string_view name, crypto::Ed25519KeyPair key) {
  auto v = NoteVerifier::Create(name, SignatureType::kCosignatureV1, key.public_key());
  if (!v) return Fail(v.error());
  return CosignatureSigner(std::move(*v), std::move(key));
}

Result<CosignatureSigner> CosignatureSigner::Parse(std::string_view skey) {
  auto p = ParseSigner(skey, SignatureType::kCosignatureV1);
  if (!p) return Fail(p.error());
  return CosignatureSigner(std::move(p->verifier), std::move(p->key));
}

SecretBytes CosignatureSigner::ToString() const {
  return FormatKeyFields(kSignerKeyPrefix, verifier_, key_.seed().Expose());
}

Result<NoteSignature> CosignatureSigner::Cosign(std::string_view checkpoint_text, uint64_t timestamp) const {
  if (timestamp > kMaxCosignatureTimestamp) return Fail(Errc::kBadTimestamp);
  if (!ParseCheckpoint(checkpoint_text)) return Fail(Errc::kMalformedCheckpoint);
  const std::string message = CosignedMessage(checkpoint_text, timestamp);
  const crypto::Ed25519Signature sig = key_.Sign(AsBytes(message));
  NoteSignature out{verifier_.name(), verifier_.key_id(), {}};
  out.signature.reserve(kTimestampSize + kEd25519SignatureSize);
  AppendBe64(out.signature, timestamp);
  out.signature.insert(out.signature.end(), sig.span().begin(), sig.span().end());
  return out;
}

}  // namespace sc::audit
