#include "securecomm/audit/note.h"

#include "securecomm/audit/errors.h"
#include "securecomm/audit/limits.h"
#include "securecomm/base/bytes.h"
#include "securecomm/base/encoding.h"

#include "text.h"

namespace sc::audit {
namespace {

// U+2014 EM DASH then a space: the start of every signature line (signed-note.md §"Format").
constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";
constexpr size_t kKeyIdSize = 4;

Result<NoteSignature> ParseSignatureLine(std::string_view line) {
  if (!line.starts_with(kSignaturePrefix)) return Fail(Errc::kMalformedNote);
  line.remove_prefix(kSignaturePrefix.size());
  // Names contain no space, base64 contains none: the first space is the separator.
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) return Fail(Errc::kMalformedNote);
  NoteSignature sig;
  const std::string_view name = line.substr(0, space);
  if (!internal::IsValidKeyName(name)) return Fail(Errc::kMalformedNote);
  auto raw = internal::Base64DecodeAscii(line.substr(space + 1));
  // 4 bytes of key id and at least one of signature: an empty signature cannot verify anything.
  if (!raw || raw->size() <= kKeyIdSize) return Fail(Errc::kMalformedNote);
  const auto& b = *raw;
  sig.name = std::string(name);
  sig.key_id = LoadBe32(std::span(b).first<kKeyIdSize>());
  sig.signature.assign(b.begin() + kKeyIdSize, b.end());
  return sig;
}

std::string FormatSignatureLine(const NoteSignature& sig) {
  std::vector<uint8_t> raw;
  raw.reserve(kKeyIdSize + sig.signature.size());
  AppendBe32(raw, sig.key_id);
  raw.insert(raw.end(), sig.signature.begin(), sig.signature.end());
  std::string line(kSignaturePrefix);
  line += sig.name;
  line += ' ';
  line += Base64Encode(raw);
  line += '\n';
  return line;
}

}  // namespace

Result<Note> ParseNote(std::string_view note) {
  // signed-note.md §"Format": valid UTF-8, no control characters other than newline.
  if (note.size() > kMaxNoteSize || !internal::IsValidNoteText(note)) return Fail(Errc::kMalformedNote);
  // "the text is separated from the signatures by the last empty line in the note".
  const size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) return Fail(Errc::kMalformedNote);
  Note out;
  out.text = std::string(note.substr(0, split + 1));
  std::string_view rest = note.substr(split + 2);
  if (rest.empty()) return Fail(Errc::kMalformedNote);  // "one or more signature lines"
  while (!rest.empty()) {
    // The note ends in '\n' and holds no blank line after `split`, so every line is complete.
    const size_t nl = rest.find('\n');
    if (out.signatures.size() == kMaxNoteSignatures) return Fail(Errc::kMalformedNote);
    auto sig = ParseSignatureLine(rest.substr(0, nl));
    if (!sig) return Fail(sig.error());
    out.signatures.push_back(std::move(*sig));
    rest.remove_prefix(nl + 1);
  }
  return out;
}

Result<std::string> FormatNote(const Note& note) {
  if (!internal::IsValidNoteText(note.text) || note.signatures.empty() ||
      note.signatures.size() > kMaxNoteSignatures) {
    return Fail(Errc::kMalformedNote);
  }
  std::string out = note.text;
  out += '\n';
  for (const NoteSignature& sig : note.signatures) {
    if (!internal::IsValidKeyName(sig.name) || sig.signature.empty()) return Fail(Errc::kMalformedNote);
    out += FormatSignatureLine(sig);
    if (out.size() > kMaxNoteSize) return Fail(Errc::kMalformedNote);
  }
  return out;
}

Result<OpenedNote> OpenNote(std::string_view note, std::span<const NoteVerifier> verifiers) {
  for (size_t i = 0; i < verifiers.size(); ++i) {
    for (size_t j = i + 1; j < verifiers.size(); ++j) {
      if (verifiers[i].name() == verifiers[j].name() && verifiers[i].key_id() == verifiers[j].key_id()) {
        return Fail(Errc::kMalformedKey);  // ambiguous: the spec makes (name, id) unique
      }
    }
  }
  auto parsed = ParseNote(note);
  if (!parsed) return Fail(parsed.error());
  OpenedNote out;
  for (NoteSignature& sig : parsed->signatures) {
    const NoteVerifier* match = nullptr;
    for (const NoteVerifier& v : verifiers) {
      if (v.name() == sig.name && v.key_id() == sig.key_id) match = &v;
    }
    if (match == nullptr) {
      // "Verifiers MUST ignore signatures from unknown keys, even if they share a name or ID
      // (but not both) with a known key."
      out.unverified.push_back(std::move(sig));
      continue;
    }
    // "If a signature from a known key fails to verify, clients SHOULD reject the whole note."
    auto timestamp = match->Verify(parsed->text, sig.signature);
    if (!timestamp) return Fail(timestamp.error());
    bool seen = false;
    for (const VerifiedSignature& v : out.verified) {
      seen = seen || (v.name == sig.name && v.key_id == sig.key_id);
    }
    if (!seen) out.verified.push_back({match->name(), match->key_id(), match->type(), *timestamp});
  }
  // "If no signature from a known key verifies successfully, clients MUST reject the note."
  if (out.verified.empty()) return Fail(Errc::kUnknownKey);
  out.text = std::move(parsed->text);
  return out;
}

}  // namespace sc::audit
