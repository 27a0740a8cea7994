#include "securecomm/audit/checkpoint.h"

#include "securecomm/audit/errors.h"
#include "securecomm/audit/limits.h"
#include "securecomm/base/encoding.h"

#include "text.h"

namespace sc::audit {
namespace {

bool ValidLine(std::string_view line) {
  return !line.empty() && line.find('\n') == std::string_view::npos &&
         internal::IsValidText(line, /*allow_newline=*/false);
}

}  // namespace

Result<Checkpoint> ParseCheckpoint(std::string_view text) {
  // A checkpoint is a note text, so it obeys the note's rules and bounds too.
  if (text.size() > kMaxNoteSize || !internal::IsValidNoteText(text)) return Fail(Errc::kMalformedCheckpoint);
  std::vector<std::string_view> lines;
  for (std::string_view rest = text; !rest.empty();) {
    const size_t nl = rest.find('\n');  // never npos: the text ends in '\n'
    lines.push_back(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
  // tlog-checkpoint.md §"Note text": "at least three non-empty lines"; extension lines "MUST be
  // non-empty".
  if (lines.size() < 3) return Fail(Errc::kMalformedCheckpoint);
  for (std::string_view line : lines) {
    if (line.empty()) return Fail(Errc::kMalformedCheckpoint);
  }
  Checkpoint cp;
  cp.origin = std::string(lines[0]);
  const auto size = internal::ParseDecimal(lines[1]);
  if (!size) return Fail(Errc::kMalformedCheckpoint);
  cp.size = *size;
  auto root = internal::Base64DecodeAscii(lines[2]);
  if (!root || root->size() != kHashSize) return Fail(Errc::kMalformedCheckpoint);
  cp.root = Hash(std::span<const uint8_t>(*root).first<kHashSize>());
  for (size_t i = 3; i < lines.size(); ++i) cp.extensions.emplace_back(lines[i]);
  return cp;
}

Result<std::string> FormatCheckpoint(const Checkpoint& checkpoint) {
  if (!ValidLine(checkpoint.origin)) return Fail(Errc::kMalformedCheckpoint);
  std::string out = checkpoint.origin;
  out += '\n';
  out += internal::FormatDecimal(checkpoint.size);
  out += '\n';
  out += Base64Encode(checkpoint.root.span());
  out += '\n';
  for (const std::string& ext : checkpoint.extensions) {
    if (!ValidLine(ext)) return Fail(Errc::kMalformedCheckpoint);
    out += ext;
    out += '\n';
  }
  return out;
}

Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, const NoteSigner& log_key) {
  auto text = FormatCheckpoint(checkpoint);
  if (!text) return Fail(text.error());
  auto sig = log_key.Sign(*text);
  if (!sig) return Fail(sig.error());
  return FormatNote(Note{std::move(*text), {std::move(*sig)}});
}

Result<OpenedCheckpoint> OpenCheckpoint(std::string_view note, std::string_view origin,
                                        const NoteVerifier& log_key,
                                        std::span<const NoteVerifier> witnesses) {
  std::vector<NoteVerifier> keys;
  keys.reserve(1 + witnesses.size());
  keys.push_back(log_key);
  keys.insert(keys.end(), witnesses.begin(), witnesses.end());
  auto opened = OpenNote(note, keys);
  if (!opened) return Fail(opened.error());
  OpenedCheckpoint out;
  bool log_signed = false;
  for (VerifiedSignature& v : opened->verified) {
    if (v.name == log_key.name() && v.key_id == log_key.key_id()) {
      log_signed = true;
    } else {
      out.cosignatures.push_back(std::move(v));
    }
  }
  // Witness signatures alone do not make a checkpoint: the log must have signed it.
  if (!log_signed) return Fail(Errc::kUnknownKey);
  auto cp = ParseCheckpoint(opened->text);
  if (!cp) return Fail(cp.error());
  if (cp->origin != origin) return Fail(Errc::kOriginMismatch);
  out.checkpoint = std::move(*cp);
  out.text = std::move(opened->text);
  out.unverified = std::move(opened->unverified);
  return out;
}

}  // namespace sc::audit
