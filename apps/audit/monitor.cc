// monitor (docs/protocol/audit.md §4.5, §10.4): follow a log's checkpoints over time. Each
// iteration reads the latest signed checkpoint (a file the operator publishes, or the SQLite log
// itself), verifies its signature, proves it consistent with the last checkpoint this monitor
// trusted (the proof computed from the log), and only then trusts it, in the state file. A
// rollback, a split view, a bad signature or an inconsistent log stops it with exit 1.
#include <chrono>
#include <filesystem>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "securecomm/audit/errors.h"
#include "securecomm/audit/proof.h"
#include "securecomm/store/sqlite_log_store.h"

#include "cli_limits.h"
#include "command_util.h"
#include "inputs.h"
#include "io.h"

namespace sc::audit_cli {
namespace {

struct MonitorConfig {
  std::string source;  // a checkpoint file, or the SQLite log
  bool source_is_log = false;
  std::string proof_log;  // where consistency proofs come from (empty: none available)
  std::string state;
};

// ReadSourceNote returns the latest checkpoint note of the source. For a SQLite log it opens
// (and so checks) the log and keeps it in `log` for the proof.
InputResult<std::string> ReadSourceNote(const MonitorConfig& config, std::optional<audit::StoredLog>& log) {
  if (!config.source_is_log) {
    auto note = ReadFile(config.source, kMaxCheckpointFileSize);
    if (!note) return tl::unexpected(InputError{kExitIo, "io", note.error()});
    return std::move(*note);
  }
  auto opened = OpenLog(config.source);
  if (!opened) return tl::unexpected(opened.error());
  log.emplace(std::move(*opened));
  if (!log->latest_checkpoint()) {
    return tl::unexpected(InputError{kExitVerifyFailed, "no_checkpoint",
                                     "the log " + config.source + " has no published checkpoint"});
  }
  return log->latest_checkpoint()->note;
}

// ProveFromLog returns the consistency proof from `old_size` to `new_size`, computed from the
// proof log (opened now unless the source already was the log).
InputResult<std::vector<audit::Hash>> ProveFromLog(const MonitorConfig& config,
                                                   std::optional<audit::StoredLog>& log, uint64_t old_size,
                                                   uint64_t new_size) {
  if (!log) {
    if (config.proof_log.empty()) {
      return tl::unexpected(InputError{kExitUsage, "usage",
                                       "the log grew, and a consistency proof is needed: give --log PATH"});
    }
    auto opened = OpenLog(config.proof_log);
    if (!opened) return tl::unexpected(opened.error());
    log.emplace(std::move(*opened));
  }
  auto proof = log->ProveConsistency(old_size, new_size);
  if (!proof) {
    return tl::unexpected(InputError{kExitVerifyFailed, "inconsistent",
                                     "inconsistent log: it cannot prove size " + std::to_string(new_size) +
                                         " (it has " + std::to_string(log->size()) + " entries)"});
  }
  return std::move(*proof);
}

// Step runs one iteration; it prints the result and returns the exit code.
int Step(const MonitorConfig& config, const audit::NoteVerifier& key, uint64_t iteration, Output& out) {
  out.Field("iteration", iteration);
  std::optional<audit::StoredLog> log;
  auto note = ReadSourceNote(config, log);
  if (!note) return Fail(out, note.error());
  auto fresh = ParseCheckpointNote(*note, key, "the latest checkpoint of " + config.source);
  if (!fresh) {
    InputError e = fresh.error();
    if (e.code == "kBadSignature" || e.code == "kUnknownKey") e.message = "bad signature: " + e.message;
    return Fail(out, e);
  }
  const audit::Checkpoint& n = fresh->checkpoint;
  out.Field("size", n.size);
  out.Field("root", B64(n.root));

  std::string status;
  uint64_t trusted_size = 0;
  auto state = ReadFile(config.state, kMaxCheckpointFileSize);
  std::error_code ec;
  if (!state && std::filesystem::exists(config.state, ec)) return out.Fail(kExitIo, "io", state.error());
  if (!state) {
    status = "first";  // trust on first use: nothing to compare with yet
  } else {
    auto trusted = ParseCheckpointNote(*state, key, "the state file " + config.state);
    if (!trusted) return Fail(out, trusted.error());
    const audit::Checkpoint& o = trusted->checkpoint;
    trusted_size = o.size;
    out.Field("trusted_size", o.size);
    if (n.size < o.size) {
      return out.Fail(kExitVerifyFailed, "rollback",
                      "rollback: the latest checkpoint has size " + std::to_string(n.size) +
                          ", smaller than the trusted size " + std::to_string(o.size));
    }
    if (n.size == o.size) {
      if (n.root != o.root) {
        return out.Fail(kExitVerifyFailed, "split_view",
                        "split view: two signed checkpoints of size " + std::to_string(n.size) +
                            " with different roots (trusted " + B64(o.root) + ", now " + B64(n.root) + ")");
      }
      status = "unchanged";
    } else if (o.size == 0) {
      if (o.root != audit::EmptyRootHash()) {
        return out.Fail(kExitVerifyFailed, "inconsistent",
                        "inconsistent log: the trusted size-0 root is not empty");
      }
      status = "consistent";  // every tree extends the empty tree (docs/protocol/audit.md §5.3)
    } else {
      auto proof = ProveFromLog(config, log, o.size, n.size);
      if (!proof) return Fail(out, proof.error());
      if (auto s = audit::VerifyConsistency(o.size, n.size, *proof, o.root, n.root); !s) {
        return out.Fail(kExitVerifyFailed, "inconsistent",
                        "inconsistent log (a split view or a rewritten history): the checkpoint of size " +
                            std::to_string(n.size) + " does not extend the trusted one of size " +
                            std::to_string(o.size) + " (" + DescribeAuditError(s.error()) + ")");
      }
      status = "consistent";
    }
  }
  if (status != "unchanged") {
    if (auto w = WriteFileAtomic(config.state, AsBytes(*note)); !w) return out.Fail(kExitIo, "io", w.error());
  }
  out.Field("status", status);
  if (status == "first") {
    out.Line("trusting the first checkpoint seen: size " + std::to_string(n.size) + ", root " + B64(n.root));
  } else if (status == "unchanged") {
    out.Line("ok: unchanged at size " + std::to_string(n.size));
  } else {
    out.Line("ok: size " + std::to_string(trusted_size) + " -> " + std::to_string(n.size) + ", consistent");
  }
  return out.Ok();
}

}  // namespace

int RunMonitor(const Words& words) {
  static const char kSynopsis[] =
      "monitor --vkey VKEY --checkpoint-source LOG_OR_FILE --state FILE [--log PATH] [--interval SECONDS] "
      "[--iterations N] [--json]";
  Output out(WantsJson(words));
  Args args;
  if (!ParseOrUsage(words,
                    {.value_flags = {"vkey", "checkpoint-source", "state", "log", "interval", "iterations"},
                     .required = {"vkey", "checkpoint-source", "state"}},
                    kSynopsis, args, out)) {
    return kExitUsage;
  }
  auto key = LoadVerifier(args.Get("vkey"));
  if (!key) return Fail(out, key.error());
  double interval = 60;
  if (args.Has("interval")) {
    auto v = ParseSeconds(args.Get("interval"));
    if (!v) return out.Fail(kExitUsage, "usage", "--interval must be a number of seconds from 0 to 86400");
    interval = *v;
  }
  uint64_t iterations = 1;
  if (args.Has("iterations")) {
    auto v = ParseIndexFlag("iterations", args.Get("iterations"));
    if (!v) return Fail(out, v.error());
    iterations = *v;  // 0: run until something is wrong
  }
  MonitorConfig config;
  config.source = args.Get("checkpoint-source");
  config.source_is_log = store::LooksLikeSqliteFile(config.source);
  config.proof_log = args.Has("log") ? args.Get("log") : (config.source_is_log ? config.source : "");
  config.state = args.Get("state");
  for (uint64_t i = 1; iterations == 0 || i <= iterations; ++i) {
    if (const int rc = Step(config, *key, i, out); rc != kExitOk) return rc;
    if (iterations == 0 || i < iterations) {
      std::this_thread::sleep_for(std::chrono::duration<double>(interval));
    }
  }
  return kExitOk;
}

}  // namespace sc::audit_cli
