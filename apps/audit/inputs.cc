#include "inputs.h"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "securecomm/audit/entry.h"
#include "securecomm/audit/errors.h"
#include "securecomm/base/bytes.h"
#include "securecomm/base/encoding.h"
#include "securecomm/crypto/errors.h"
#include "securecomm/store/errors.h"
#include "securecomm/store/sqlite_log_store.h"

#include "args.h"
#include "cli.h"
#include "cli_limits.h"
#include "io.h"
#include "key_file.h"

namespace sc::audit_cli {
namespace {

InputError Usage(std::string message) {
  return {kExitUsage, "usage", std::move(message)};
}
InputError Io(std::string message) {
  return {kExitIo, "io", std::move(message)};
}

std::string_view Trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<audit::EventKind> KindByName(std::string_view name) {
  for (uint16_t v = 1; v < 256; ++v) {
    if (audit::IsKnownEventKind(v) && audit::EventKindName(static_cast<audit::EventKind>(v)) == name) {
      return static_cast<audit::EventKind>(v);
    }
  }
  return std::nullopt;
}

// EntryFromJson fills `e` from a parsed JSON entry object (docs/protocol/audit.md §10.2), or
// returns why it cannot.
std::optional<std::string> EntryFromJson(const nlohmann::json& j, std::optional<int64_t> default_time,
                                         audit::Entry& e) {
  if (!j.is_object()) return "a JSON entry must be an object";
  bool has_time = false, has_kind = false, has_actor = false, has_details = false;
  for (const auto& [key, value] : j.items()) {
    if (key == "time_unix_ms") {
      if (!value.is_number_integer() || (value.is_number_unsigned() && value.get<uint64_t>() > INT64_MAX) ||
          value.get<int64_t>() < 0) {
        return "time_unix_ms must be a non-negative integer (milliseconds since 1970)";
      }
      e.time_unix_ms = value.get<int64_t>();
      has_time = true;
    } else if (key == "kind") {
      std::optional<audit::EventKind> kind;
      if (value.is_string()) kind = KindByName(value.get<std::string>());
      if (value.is_number_unsigned() && value.get<uint64_t>() <= UINT16_MAX &&
          audit::IsKnownEventKind(value.get<uint16_t>())) {
        kind = static_cast<audit::EventKind>(value.get<uint16_t>());
      }
      if (!kind) return "kind must be an event kind name (e.g. \"auth_failure\") or its number";
      e.kind = *kind;
      has_kind = true;
    } else if (key == "actor" || key == "subject") {
      if (!value.is_string()) return key + " must be a string";
      (key == "actor" ? e.actor : e.subject) = value.get<std::string>();
      has_actor |= key == "actor";
    } else if (key == "details_hex" || key == "details_text") {
      if (has_details) return "give details_hex or details_text, not both";
      if (!value.is_string()) return key + " must be a string";
      has_details = true;
      const std::string text = value.get<std::string>();
      if (key == "details_text") {
        e.details.assign(text.begin(), text.end());
      } else {
        auto bytes = HexDecode(text);
        if (!bytes) return "details_hex is not hex";
        e.details = std::move(*bytes);
      }
    } else {
      return "unknown member \"" + key + "\"";
    }
  }
  if (!has_kind || !has_actor) return "an entry needs \"kind\" and \"actor\"";
  if (!has_time) {
    if (!default_time) return "this entry needs \"time_unix_ms\"";
    e.time_unix_ms = *default_time;
  }
  return std::nullopt;
}

}  // namespace

std::string DescribeAuditError(const Error& e) {
  using audit::Errc;
  if (e == Errc::kRootMismatch) return "the proof does not lead to the checkpoint's root";
  if (e == Errc::kBadProofLength) return "the proof has the wrong number of hashes for its sizes";
  if (e == Errc::kIndexOutOfRange) return "the index or size is beyond the tree";
  if (e == Errc::kSizeMismatch) return "the sizes admit no proof";
  if (e == Errc::kMalformedNote) return "it is not a well-formed signed note";
  if (e == Errc::kBadSignature) return "a signature by the log's key does not verify";
  if (e == Errc::kUnknownKey) return "it is not signed by the log's key";
  if (e == Errc::kMalformedEntry) return "it is not a valid audit entry";
  if (e == Errc::kMalformedKey) return "the key is malformed or not the log's key";
  if (e == Errc::kMalformedCheckpoint) return "it is not a well-formed checkpoint";
  if (e == Errc::kMalformedProof) return "it is not a well-formed proof";
  if (e == Errc::kOriginMismatch) return "it is from another log (the origin differs)";
  if (e == Errc::kBadTimestamp) return "a cosignature timestamp is out of range";
  if (e == Errc::kTamperedEntry) return "stored entries were modified, removed or added";
  if (e == Errc::kTamperedHash) return "a stored tree hash differs from the stored entries";
  if (e == Errc::kTamperedCheckpoint) return "a stored checkpoint does not verify";
  if (e == Errc::kCorruptStore) return "the stored rows are not a log";
  if (e == Errc::kLimitExceeded) return "a limit was exceeded";
  return std::string(e.name());
}

InputResult<uint64_t> ParseIndexFlag(const std::string& flag, const std::string& value) {
  auto v = ParseCount(value);
  if (!v) {
    return tl::unexpected(Usage("--" + flag + " must be a non-negative decimal number, not '" + value + "'"));
  }
  return *v;
}

InputResult<audit::NoteVerifier> LoadVerifier(const std::string& arg) {
  auto v = audit::NoteVerifier::Parse(arg);
  if (!v) {
    auto text = ReadFile(arg, kMaxVkeyFileSize);
    if (!text) {
      return tl::unexpected(Usage("--vkey is neither a verifier key nor a readable file holding one"));
    }
    v = audit::NoteVerifier::Parse(Trim(*text));
    if (!v) return tl::unexpected(Usage("the file " + arg + " does not hold a verifier key (name+id+key)"));
  }
  if (v->type() != audit::SignatureType::kEd25519) {
    return tl::unexpected(Usage("the verifier key is a witness (cosignature) key, not a log key"));
  }
  return std::move(*v);
}

InputResult<audit::NoteSigner> LoadSigner(const std::string& path) {
  auto sealed = ReadSecretFile(path, kMaxKeyFileSize);
  if (!sealed) return tl::unexpected(Io(sealed.error()));
  auto passphrase = ReadPassphrase();
  if (!passphrase) return tl::unexpected(Usage(passphrase.error()));
  auto bytes = OpenKeyFile(sealed->Expose(), passphrase->Expose());
  if (!bytes) {
    if (bytes.error() == crypto::Errc::kAuthFailed) {
      return tl::unexpected(InputError{kExitVerifyFailed, "kAuthFailed",
                                       "wrong passphrase for " + path + ", or the key file was modified"});
    }
    return tl::unexpected(Usage("the file " + path + " is not a sealed signer key (SCAUDITKEY1 ...)"));
  }
  const std::span<const uint8_t> b = bytes->Expose();
  const std::string_view text = Trim(AsChars(b));
  auto signer = audit::NoteSigner::Parse(text);  // wipes its own temporaries
  if (!signer) {
    return tl::unexpected(Usage("the file " + path + " does not hold a log signer key (PRIVATE+KEY+...)"));
  }
  return std::move(*signer);
}

InputResult<audit::OpenedCheckpoint> ParseCheckpointNote(std::string_view note,
                                                         const audit::NoteVerifier& key,
                                                         const std::string& what) {
  auto opened = audit::OpenCheckpoint(note, key.name(), key, {});
  if (!opened) {
    return tl::unexpected(InputError{kExitVerifyFailed, std::string(opened.error().name()),
                                     what + " does not verify: " + DescribeAuditError(opened.error())});
  }
  return std::move(*opened);
}

InputResult<audit::OpenedCheckpoint> LoadCheckpoint(const std::string& path, const audit::NoteVerifier& key) {
  auto note = ReadFile(path, kMaxCheckpointFileSize);
  if (!note) return tl::unexpected(Io(note.error()));
  return ParseCheckpointNote(*note, key, "the checkpoint " + path);
}

InputResult<std::vector<uint8_t>> ParseEntryInput(std::string_view text,
                                                  std::optional<int64_t> default_time_ms) {
  const std::string_view trimmed = Trim(text);
  if (trimmed.empty()) return tl::unexpected(Usage("an entry is empty"));
  if (trimmed.front() != '{') {
    // docs/protocol/audit.md §2.1: the binary form, taken exactly as given (no trimming).
    const std::span<const uint8_t> bytes = AsBytes(text);
    if (!audit::DecodeEntry(bytes)) {
      return tl::unexpected(
          Usage("not a binary audit entry (docs/protocol/audit.md §2.1) nor a JSON object"));
    }
    return std::vector<uint8_t>(bytes.begin(), bytes.end());
  }
  audit::Entry entry;
  std::optional<std::string> why;
  try {
    const nlohmann::json parsed = nlohmann::json::parse(trimmed, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) return tl::unexpected(Usage("an entry is not valid JSON"));
    why = EntryFromJson(parsed, default_time_ms, entry);
  } catch (const std::exception&) {  // nlohmann's type errors: refused input, not a crash
    why = "an entry has a member of the wrong type";
  }
  if (why) return tl::unexpected(Usage("bad entry: " + *why));
  auto bytes = audit::EncodeEntry(entry);
  if (!bytes) {
    return tl::unexpected(
        Usage("bad entry: an empty actor, a control character, invalid UTF-8 or a field over its "
              "limit (docs/protocol/audit.md §2.1)"));
  }
  return std::move(*bytes);
}

InputResult<std::vector<uint8_t>> LoadProofBytes(const std::string& path) {
  auto text = ReadFile(path, kMaxProofFileSize);
  if (!text) return tl::unexpected(Io(text.error()));
  std::string_view t = *text;
  if (t.ends_with("\n")) t.remove_suffix(1);
  if (t.ends_with("\r")) t.remove_suffix(1);
  const bool base64 = !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
  });
  if (!base64) return std::vector<uint8_t>(text->begin(), text->end());
  auto bytes = Base64Decode(t);
  if (!bytes) {
    return tl::unexpected(
        InputError{kExitVerifyFailed, "kMalformedProof", "the proof " + path + " is not valid base64"});
  }
  return std::move(*bytes);
}

InputResult<audit::StoredLog> OpenLog(const std::string& path) {
  std::string why;
  auto log = store::OpenSqliteLog(path, {}, &why);
  if (log) return std::move(*log);
  const Error e = log.error();
  if (e.domain() == ErrorDomain::kStore) {
    return tl::unexpected(
        InputError{kExitIo, std::string(e.name()), "cannot use the log " + path + ": " + why});
  }
  return tl::unexpected(InputError{
      kExitVerifyFailed, std::string(e.name()),
      "the log " + path + " failed verification on open: " + why + " (" + DescribeAuditError(e) + ")"});
}

}  // namespace sc::audit_cli
