// cli.h: securecomm-audit, the audit log's command-line tool (docs/protocol/audit.md §10):
// create a log and its key, append entries and publish signed checkpoints, print checkpoints and
// entries, prove and verify inclusion and consistency, and monitor a log for split views and
// rollbacks. main.cc only calls Main; the commands live in this directory's library so they stay
// small and testable.
//
//   securecomm-audit init --log audit.db --origin audit.example.org/relay1 --key-out log.key
//   echo '{"kind":"admin_action","actor":"admin:root","details_text":"rotate"}' |
//       securecomm-audit append --log audit.db --key log.key --checkpoint-out checkpoint.txt
//   securecomm-audit monitor --vkey "$VKEY" --checkpoint-source checkpoint.txt --log audit.db
//       --state monitor.state --interval 60 --iterations 0       (one command line)
//
// Exit codes (kExit*): 0 ok; 1 verification failed (a signature, proof, checkpoint or stored log
// did not verify; a split view or rollback); 2 usage (a bad command, flag, number, key or entry);
// 3 I/O (a file or database cannot be read or written).
#pragma once

namespace sc::audit_cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitVerifyFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitIo = 3;

// Main runs one command line and returns the process exit code. It never throws: every error
// becomes a message (stderr, and a JSON object on stdout under --json) and an exit code.
int Main(int argc, char** argv) noexcept;

}  // namespace sc::audit_cli
