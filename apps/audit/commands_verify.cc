// The verifier's commands (docs/protocol/audit.md §10.1): verify-checkpoint, verify-inclusion,
// verify-consistency. They need only the log's vkey and files: no access to the log.
#include <string>
#include <utility>
#include <vector>

#include "securecomm/audit/errors.h"
#include "securecomm/audit/proof.h"
#include "securecomm/audit/proof_codec.h"

#include "cli_limits.h"
#include "command_util.h"
#include "inputs.h"
#include "io.h"

namespace sc::audit_cli {
namespace {

int Verified(Output& out, const audit::Checkpoint& cp, std::string line) {
  out.Field("origin", cp.origin);
  out.Field("size", cp.size);
  out.Field("root", B64(cp.root));
  out.Line(std::move(line));
  return out.Ok();
}

int ProofFailed(Output& out, const Error& e, const std::string& what) {
  return out.Fail(kExitVerifyFailed, e.name(), what + ": " + DescribeAuditError(e));
}

}  // namespace

int RunVerifyCheckpoint(const Words& words) {
  static const char kSynopsis[] = "verify-checkpoint --vkey VKEY --checkpoint FILE [--json]";
  Output out(WantsJson(words));
  Args args;
  if (!ParseOrUsage(words, {.value_flags = {"vkey", "checkpoint"}, .required = {"vkey", "checkpoint"}},
                    kSynopsis, args, out)) {
    return kExitUsage;
  }
  auto key = LoadVerifier(args.Get("vkey"));
  if (!key) return Fail(out, key.error());
  auto cp = LoadCheckpoint(args.Get("checkpoint"), *key);
  if (!cp) return Fail(out, cp.error());
  const audit::Checkpoint& c = cp->checkpoint;
  return Verified(out, c,
                  "ok: a checkpoint of " + c.origin + " signed by its key: size " + std::to_string(c.size) +
                      ", root " + B64(c.root));
}

int RunVerifyInclusion(const Words& words) {
  static const char kSynopsis[] =
      "verify-inclusion --vkey VKEY --checkpoint FILE --entry FILE --index N --proof FILE [--json]";
  Output out(WantsJson(words));
  Args args;
  if (!ParseOrUsage(words,
                    {.value_flags = {"vkey", "checkpoint", "entry", "index", "proof"},
                     .required = {"vkey", "checkpoint", "entry", "index", "proof"}},
                    kSynopsis, args, out)) {
    return kExitUsage;
  }
  auto index = ParseIndexFlag("index", args.Get("index"));
  if (!index) return Fail(out, index.error());
  auto key = LoadVerifier(args.Get("vkey"));
  if (!key) return Fail(out, key.error());
  auto entry_text = ReadFile(args.Get("entry"), kMaxEntryInputSize);
  if (!entry_text) return out.Fail(kExitIo, "io", entry_text.error());
  // A JSON entry must state its time here: the leaf commits to it.
  auto entry = ParseEntryInput(*entry_text, std::nullopt);
  if (!entry) {
    return out.Fail(entry.error().exit_code, entry.error().code,
                    args.Get("entry") + ": " + entry.error().message);
  }
  auto cp = LoadCheckpoint(args.Get("checkpoint"), *key);
  if (!cp) return Fail(out, cp.error());
  auto bytes = LoadProofBytes(args.Get("proof"));
  if (!bytes) return Fail(out, bytes.error());
  auto proof = audit::DecodeInclusionProof(*bytes);
  if (!proof) return ProofFailed(out, proof.error(), "the proof " + args.Get("proof"));
  const audit::Checkpoint& c = cp->checkpoint;
  if (proof->leaf_index != *index) {
    return out.Fail(
        kExitVerifyFailed, "wrong_proof",
        "the proof is for entry " + std::to_string(proof->leaf_index) + ", not " + std::to_string(*index));
  }
  if (proof->tree_size != c.size) {
    return out.Fail(kExitVerifyFailed, "wrong_proof",
                    "the proof is for a tree of size " + std::to_string(proof->tree_size) +
                        " but the checkpoint is of size " + std::to_string(c.size));
  }
  const audit::Hash leaf = audit::LeafHash(*entry);
  if (auto s = audit::VerifyInclusion(*index, c.size, leaf, proof->path, c.root); !s) {
    return ProofFailed(out, s.error(),
                       "entry " + std::to_string(*index) + " is not proven in the checkpoint");
  }
  out.Field("index", *index);
  out.Field("leaf_hash", HexEncode(leaf.span()));
  return Verified(out, c,
                  "ok: the entry is at index " + std::to_string(*index) + " of " + c.origin + " at size " +
                      std::to_string(c.size));
}

int RunVerifyConsistency(const Words& words) {
  static const char kSynopsis[] =
      "verify-consistency --vkey VKEY --old-checkpoint FILE --new-checkpoint FILE --proof FILE [--json]";
  Output out(WantsJson(words));
  Args args;
  if (!ParseOrUsage(words,
                    {.value_flags = {"vkey", "old-checkpoint", "new-checkpoint", "proof"},
                     .required = {"vkey", "old-checkpoint", "new-checkpoint", "proof"}},
                    kSynopsis, args, out)) {
    return kExitUsage;
  }
  auto key = LoadVerifier(args.Get("vkey"));
  if (!key) return Fail(out, key.error());
  auto old_cp = LoadCheckpoint(args.Get("old-checkpoint"), *key);
  if (!old_cp) return Fail(out, old_cp.error());
  auto new_cp = LoadCheckpoint(args.Get("new-checkpoint"), *key);
  if (!new_cp) return Fail(out, new_cp.error());
  const audit::Checkpoint& o = old_cp->checkpoint;
  const audit::Checkpoint& n = new_cp->checkpoint;
  out.Field("old_size", o.size);
  if (o.size > n.size) {
    return out.Fail(kExitVerifyFailed, "rollback",
                    "the new checkpoint (size " + std::to_string(n.size) +
                        ") is smaller than the old one (size " + std::to_string(o.size) + ")");
  }
  if (o.size == 0) {
    // docs/protocol/audit.md §5.3: no proof from size 0; every tree extends the empty tree.
    if (o.root != audit::EmptyRootHash()) {
      return out.Fail(kExitVerifyFailed, "kRootMismatch",
                      "the old checkpoint claims a non-empty root at size 0");
    }
    return Verified(out, n, "ok: the old checkpoint is the empty tree, which every log extends");
  }
  auto bytes = LoadProofBytes(args.Get("proof"));
  if (!bytes) return Fail(out, bytes.error());
  auto proof = audit::DecodeConsistencyProof(*bytes);
  if (!proof) return ProofFailed(out, proof.error(), "the proof " + args.Get("proof"));
  if (proof->size1 != o.size || proof->size2 != n.size) {
    return out.Fail(kExitVerifyFailed, "wrong_proof",
                    "the proof is from size " + std::to_string(proof->size1) + " to " +
                        std::to_string(proof->size2) + ", but the checkpoints are of sizes " +
                        std::to_string(o.size) + " and " + std::to_string(n.size));
  }
  if (auto s = audit::VerifyConsistency(o.size, n.size, proof->path, o.root, n.root); !s) {
    const std::string what = o.size == n.size
                                 ? "split view: two checkpoints of the same size with different roots"
                                 : "the new checkpoint does not extend the old one";
    return ProofFailed(out, s.error(), what);
  }
  return Verified(
      out, n,
      "ok: the log at size " + std::to_string(n.size) + " extends the log at size " + std::to_string(o.size));
}

}  // namespace sc::audit_cli
