// The operator's commands (docs/protocol/audit.md §10.1): init, append, checkpoint, get-entry,
// prove-inclusion, prove-consistency. Each opens the SQLite log, which checks every stored row.
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "securecomm/audit/entry.h"
#include "securecomm/audit/errors.h"
#include "securecomm/audit/proof_codec.h"
#include "securecomm/base/clock.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/crypto/random.h"
#include "securecomm/store/errors.h"
#include "securecomm/store/sqlite_log_store.h"

#include "cli_limits.h"
#include "command_util.h"
#include "inputs.h"
#include "io.h"
#include "key_file.h"

namespace sc::audit_cli {
namespace {

// StoreFailure is the message and exit code for an error of a write to the log.
int StoreFailure(Output& out, const Error& e, const std::string& what) {
  if (e.domain() == ErrorDomain::kStore) {
    return out.Fail(kExitIo, e.name(),
                    what + ": " + std::string(store::Describe(static_cast<store::Errc>(e.code()))));
  }
  if (e == audit::Errc::kIndexOutOfRange) {
    return out.Fail(kExitIo, e.name(), what + ": another process appended at the same time; run it again");
  }
  if (e == audit::Errc::kMalformedKey) {
    return out.Fail(kExitUsage, e.name(), what + ": the key is not this log's key");
  }
  return out.Fail(kExitVerifyFailed, e.name(), what + ": " + DescribeAuditError(e));
}

// ReadStdinEntries reads one JSON entry per line (blank lines skipped) from standard input.
InputResult<std::vector<std::vector<uint8_t>>> ReadStdinEntries(int64_t now_ms) {
  std::vector<std::vector<uint8_t>> entries;
  std::string line(kMaxEntryInputSize + 2, '\0');
  for (size_t number = 1; std::fgets(line.data(), static_cast<int>(line.size()), stdin) != nullptr;
       ++number) {
    const std::string_view text(line.data());
    const std::string where = "standard input, line " + std::to_string(number);
    if (!text.ends_with('\n') && text.size() > kMaxEntryInputSize) {
      return tl::unexpected(InputError{
          kExitUsage, "usage", where + ": longer than " + std::to_string(kMaxEntryInputSize) + " bytes"});
    }
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) continue;
    if (entries.size() == kMaxEntriesPerAppend) {
      return tl::unexpected(
          InputError{kExitUsage, "usage",
                     "more than " + std::to_string(kMaxEntriesPerAppend) + " entries in one append"});
    }
    auto entry = ParseEntryInput(text, now_ms);
    if (!entry) {
      return tl::unexpected(
          InputError{entry.error().exit_code, entry.error().code, where + ": " + entry.error().message});
    }
    entries.push_back(std::move(*entry));
  }
  if (std::ferror(stdin)) return tl::unexpected(InputError{kExitIo, "io", "cannot read standard input"});
  return entries;
}

InputResult<std::vector<std::vector<uint8_t>>> ReadEntries(const std::vector<std::string>& files,
                                                           int64_t now_ms) {
  if (files.empty()) return ReadStdinEntries(now_ms);
  if (files.size() > kMaxEntriesPerAppend) {
    return tl::unexpected(InputError{
        kExitUsage, "usage", "more than " + std::to_string(kMaxEntriesPerAppend) + " entries in one append"});
  }
  std::vector<std::vector<uint8_t>> entries;
  for (const std::string& file : files) {
    if (file == "-") {
      auto more = ReadStdinEntries(now_ms);
      if (!more) return more;
      for (auto& e : *more) entries.push_back(std::move(e));
      continue;
    }
    auto text = ReadFile(file, kMaxEntryInputSize);
    if (!text) return tl::unexpected(InputError{kExitIo, "io", text.error()});
    auto entry = ParseEntryInput(*text, now_ms);
    if (!entry) {
      return tl::unexpected(
          InputError{entry.error().exit_code, entry.error().code, file + ": " + entry.error().message});
    }
    entries.push_back(std::move(*entry));
  }
  if (entries.size() > kMaxEntriesPerAppend) {
    return tl::unexpected(InputError{
        kExitUsage, "usage", "more than " + std::to_string(kMaxEntriesPerAppend) + " entries in one append"});
  }
  return entries;
}

// DefaultTreeSize: the size of the latest published checkpoint (the tree clients can check
// against), or the log's size if none was published.
uint64_t DefaultTreeSize(const audit::StoredLog& log) {
  return log.latest_checkpoint() ? log.latest_checkpoint()->size : log.size();
}

// EmitProof writes `bytes` to --out, or prints them in base64.
int EmitProof(Output& out, const Args& args, const std::vector<uint8_t>& bytes, const std::string& summary) {
  out.Field("proof", Base64Encode(bytes));
  if (args.Has("out")) {
    if (auto w = WriteFileAtomic(args.Get("out"), bytes); !w) return out.Fail(kExitIo, "io", w.error());
    out.Field("out", args.Get("out"));
    out.Line("wrote " + summary + " to " + args.Get("out"));
  } else {
    out.Line(Base64Encode(bytes));
  }
  return out.Ok();
}

}  // namespace

int RunInit(const Words& words) {
  static const char kSynopsis[] = "init --log PATH --origin NAME (--key-out FILE | --key FILE) [--json]";
  Output out(WantsJson(words));
  Args args;
  if (!ParseOrUsage(words,
                    {.value_flags = {"log", "origin", "key-out", "key"}, .required = {"log", "origin"}},
                    kSynopsis, args, out)) {
    return kExitUsage;
  }
  if (args.Has("key-out") == args.Has("key")) {
    return out.Fail(
        kExitUsage, "usage",
        std::string("give exactly one of --key-out and --key; usage: securecomm-audit ") + kSynopsis);
  }
  const std::string& origin = args.Get("origin");
  if (!audit::IsValidKeyName(origin)) {
    return out.Fail(kExitUsage, "usage", "--origin must be a key name: no spaces, no '+', at most 255 bytes");
  }
  std::optional<audit::NoteSigner> signer;
  SecretBytes passphrase;
  if (args.Has("key")) {
    auto loaded = LoadSigner(args.Get("key"));
    if (!loaded) return Fail(out, loaded.error());
    if (loaded->verifier().name() != origin) {
      return out.Fail(kExitUsage, "usage",
                      "the key is named " + loaded->verifier().name() + ", not " + origin);
    }
    signer.emplace(std::move(*loaded));
  } else {
    auto pass = ReadPassphrase();  // the new key file is sealed under it (audit.md §10.3)
    if (!pass) return out.Fail(kExitUsage, "usage", pass.error());
    passphrase = std::move(*pass);
    auto created =
        audit::NoteSigner::Create(origin, crypto::Ed25519KeyPair::Generate(crypto::SystemCsprng()));
    if (!created) return out.Fail(kExitUsage, "usage", "--origin is not a valid key name");
    signer.emplace(std::move(*created));
  }
  const std::string vkey = signer->verifier().ToString();
  const std::string& path = args.Get("log");
  auto store = store::SqliteLogStore::Create(path, {origin, vkey});
  if (!store) return StoreFailure(out, store.error(), "cannot create the log " + path);
  auto log = audit::StoredLog::Open(std::move(*store));
  if (!log) return StoreFailure(out, log.error(), "cannot open the new log " + path);
  auto note = log->PublishCheckpoint(*signer);
  if (!note) return StoreFailure(out, note.error(), "cannot publish the first checkpoint");
  if (args.Has("key-out")) {
    SecretBytes key_line = signer->ToString();
    auto sealed = SealKeyFile(key_line.Expose(), passphrase.Expose(), crypto::SystemCsprng());
    if (!sealed)
      return out.Fail(kExitIo, "io", "cannot seal the signer key: " + std::string(sealed.error().name()));
    if (auto w = WriteNewSecretFile(args.Get("key-out"), sealed->Expose()); !w) {
      std::error_code ignored;
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ignored);
      return out.Fail(kExitIo, "io", w.error() + " (so the log was not created either)");
    }
  }
  out.Field("log", path);
  out.Field("origin", origin);
  out.Field("vkey", vkey);
  if (args.Has("key-out")) out.Field("key_file", args.Get("key-out"));
  out.Field("checkpoint", *note);
  out.Line(vkey);
  std::string note_line = "created the log " + path + " (origin " + origin + ")";
  if (args.Has("key-out")) {
    note_line += "; signer key sealed under your passphrase in " + args.Get("key-out") + " (mode 0600)";
  }
  std::fprintf(stderr, "securecomm-audit: %s\n", note_line.c_str());
  return out.Ok();
}

int RunAppend(const Words& words) {
  static const char kSynopsis[] =
      "append --log PATH --key FILE [--checkpoint-out FILE] [ENTRY_FILE|-]... [--json]";
  Output out(WantsJson(words));
  Args args;
  if (!ParseOrUsage(
          words,
          {.value_flags = {"log", "key", "checkpoint-out"}, .required = {"log", "key"}, .positional = true},
          kSynopsis, args, out)) {
    return kExitUsage;
  }
  auto signer = LoadSigner(args.Get("key"));
  if (!signer) return Fail(out, signer.error());
  auto entries = ReadEntries(args.positional, SystemClock().UnixMillis());
  if (!entries) return Fail(out, entries.error());
  if (entries->empty()) return out.Fail(kExitUsage, "usage", "no entries to append");
  auto log = OpenLog(args.Get("log"));
  if (!log) return Fail(out, log.error());
  auto appended = log->Append(*entries, &*signer);
  if (!appended) return StoreFailure(out, appended.error(), "nothing was appended");
  out.Field("first_index", appended->first_index);
  out.Field("count", static_cast<uint64_t>(entries->size()));
  out.Field("size", appended->size);
  out.Field("root", B64(log->Root()));
  out.Field("checkpoint", appended->checkpoint);
  const std::string count = entries->size() == 1 ? "1 entry" : std::to_string(entries->size()) + " entries";
  out.Line("appended " + count + " (indices " + std::to_string(appended->first_index) + ".." +
           std::to_string(appended->size - 1) + "); the log has " + std::to_string(appended->size) +
           " entries; checkpoint published");
  if (args.Has("checkpoint-out")) {
    if (auto w = WriteFileAtomic(args.Get("checkpoint-out"), AsBytes(appended->checkpoint)); !w) {
      return out.Fail(kExitIo, "io", "the entries were appended, but " + w.error());
    }
    out.Line("wrote the checkpoint to " + args.Get("checkpoint-out"));
  }
  return out.Ok();
}

int RunCheckpoint(const Words& words) {
  static const char kSynopsis[] = "checkpoint --log PATH [--out FILE] [--json]";
  Output out(WantsJson(words));
  Args args;
  if (!ParseOrUsage(words, {.value_flags = {"log", "out"}, .required = {"log"}}, kSynopsis, args, out))
    return kExitUsage;
  auto log = OpenLog(args.Get("log"));
  if (!log) return Fail(out, log.error());
  const auto& latest = log->latest_checkpoint();
  if (!latest) return out.Fail(kExitVerifyFailed, "no_checkpoint", "the log has no published checkpoint");
  out.Field("size", latest->size);
  out.Field("root", B64(*log->RootAt(latest->size)));
  out.Field("checkpoint", latest->note);
  if (args.Has("out")) {
    if (auto w = WriteFileAtomic(args.Get("out"), AsBytes(latest->note)); !w)
      return out.Fail(kExitIo, "io", w.error());
    out.Line("wrote the checkpoint of size " + std::to_string(latest->size) + " to " + args.Get("out"));
  } else {
    std::string note = latest->note;
    if (note.ends_with('\n')) note.pop_back();  // Line adds it back: the note is printed verbatim
    out.Line(std::move(note));
  }
  return out.Ok();
}

int RunGetEntry(const Words& words) {
  static const char kSynopsis[] = "get-entry --log PATH --index N [--out FILE] [--json]";
  Output out(WantsJson(words));
  Args args;
  if (!ParseOrUsage(words, {.value_flags = {"log", "index", "out"}, .required = {"log", "index"}}, kSynopsis,
                    args, out)) {
    return kExitUsage;
  }
  auto index = ParseIndexFlag("index", args.Get("index"));
  if (!index) return Fail(out, index.error());
  auto log = OpenLog(args.Get("log"));
  if (!log) return Fail(out, log.error());
  if (*index >= log->size()) {
    return out.Fail(kExitUsage, "kIndexOutOfRange",
                    "the log has " + std::to_string(log->size()) + " entries");
  }
  auto bytes = log->ReadEntry(*index);
  if (!bytes) return StoreFailure(out, bytes.error(), "cannot read entry " + std::to_string(*index));
  out.Field("index", *index);
  out.Line("index: " + std::to_string(*index));
  if (auto e = audit::DecodeEntry(*bytes)) {
    out.Field("time_unix_ms", e->time_unix_ms);
    out.Field("kind", audit::EventKindName(e->kind));
    out.Field("actor", e->actor);
    out.Field("subject", e->subject);
    out.Field("details_hex", HexEncode(e->details));
    out.Line("time_unix_ms: " + std::to_string(e->time_unix_ms));
    out.Line("kind: " + std::string(audit::EventKindName(e->kind)));
    out.Line("actor: " + e->actor);
    out.Line("subject: " + e->subject);
    out.Line("details_hex: " + HexEncode(e->details));
  } else {
    out.Line("(an entry of a kind or version this program does not know)");
  }
  out.Field("leaf_hash", HexEncode(audit::LeafHash(*bytes).span()));
  out.Field("entry", Base64Encode(*bytes));
  out.Line("leaf_hash: " + HexEncode(audit::LeafHash(*bytes).span()));
  if (args.Has("out")) {
    if (auto w = WriteFileAtomic(args.Get("out"), *bytes); !w) return out.Fail(kExitIo, "io", w.error());
    out.Line("wrote the entry's bytes to " + args.Get("out"));
  }
  return out.Ok();
}

int RunProveInclusion(const Words& words) {
  static const char kSynopsis[] = "prove-inclusion --log PATH --index N [--size M] [--out FILE] [--json]";
  Output out(WantsJson(words));
  Args args;
  if (!ParseOrUsage(words, {.value_flags = {"log", "index", "size", "out"}, .required = {"log", "index"}},
                    kSynopsis, args, out)) {
    return kExitUsage;
  }
  auto index = ParseIndexFlag("index", args.Get("index"));
  if (!index) return Fail(out, index.error());
  auto log = OpenLog(args.Get("log"));
  if (!log) return Fail(out, log.error());
  uint64_t size = DefaultTreeSize(*log);
  if (args.Has("size")) {
    auto s = ParseIndexFlag("size", args.Get("size"));
    if (!s) return Fail(out, s.error());
    size = *s;
  }
  auto path = log->ProveInclusion(*index, size);
  if (!path) {
    return out.Fail(kExitUsage, path.error().name(),
                    "entry " + std::to_string(*index) + " is not in a tree of size " + std::to_string(size) +
                        " of this log (it has " + std::to_string(log->size()) + " entries)");
  }
  const size_t hashes = path->size();
  auto bytes = audit::EncodeInclusionProof({*index, size, std::move(*path)});
  if (!bytes) return out.Fail(kExitVerifyFailed, bytes.error().name(), "cannot encode the proof");
  out.Field("leaf_index", *index);
  out.Field("tree_size", size);
  out.Field("hashes", static_cast<uint64_t>(hashes));
  return EmitProof(out, args, *bytes,
                   "the inclusion proof of entry " + std::to_string(*index) + " in the tree of size " +
                       std::to_string(size) + " (" + std::to_string(hashes) + " hashes)");
}

int RunProveConsistency(const Words& words) {
  static const char kSynopsis[] = "prove-consistency --log PATH --old M [--new N] [--out FILE] [--json]";
  Output out(WantsJson(words));
  Args args;
  if (!ParseOrUsage(words, {.value_flags = {"log", "old", "new", "out"}, .required = {"log", "old"}},
                    kSynopsis, args, out)) {
    return kExitUsage;
  }
  auto old_size = ParseIndexFlag("old", args.Get("old"));
  if (!old_size) return Fail(out, old_size.error());
  auto log = OpenLog(args.Get("log"));
  if (!log) return Fail(out, log.error());
  uint64_t new_size = DefaultTreeSize(*log);
  if (args.Has("new")) {
    auto n = ParseIndexFlag("new", args.Get("new"));
    if (!n) return Fail(out, n.error());
    new_size = *n;
  }
  auto proof = log->ProveConsistency(*old_size, new_size);
  if (!proof) {
    const std::string why = proof.error() == audit::Errc::kSizeMismatch
                                ? "--old must be at least 1 and at most --new (the empty tree needs no proof)"
                                : "the log has only " + std::to_string(log->size()) + " entries";
    return out.Fail(kExitUsage, proof.error().name(),
                    "no consistency proof from " + std::to_string(*old_size) + " to " +
                        std::to_string(new_size) + ": " + why);
  }
  const size_t hashes = proof->size();
  auto bytes = audit::EncodeConsistencyProof({*old_size, new_size, std::move(*proof)});
  if (!bytes) return out.Fail(kExitVerifyFailed, bytes.error().name(), "cannot encode the proof");
  out.Field("old_size", *old_size);
  out.Field("new_size", new_size);
  out.Field("hashes", static_cast<uint64_t>(hashes));
  return EmitProof(out, args, *bytes,
                   "the consistency proof from size " + std::to_string(*old_size) + " to " +
                       std::to_string(new_size) + " (" + std::to_string(hashes) + " hashes)");
}

}  // namespace sc::audit_cli
