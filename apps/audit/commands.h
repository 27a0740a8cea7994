// commands.h (securecomm-audit): one function per subcommand. Each takes the words after the
// subcommand's name, parses its own flags, prints through an Output and returns the exit code
// (cli.h). docs/protocol/audit.md §10 documents every command, file format and output.
#pragma once

#include <string>
#include <vector>

namespace sc::audit_cli {

using Words = std::vector<std::string>;

// commands_log.cc: the operator's side, working on the SQLite log.
int RunInit(const Words& args);
int RunAppend(const Words& args);
int RunCheckpoint(const Words& args);
int RunGetEntry(const Words& args);
int RunProveInclusion(const Words& args);
int RunProveConsistency(const Words& args);

// commands_verify.cc: anyone's side, with a vkey and files only.
int RunVerifyCheckpoint(const Words& args);
int RunVerifyInclusion(const Words& args);
int RunVerifyConsistency(const Words& args);

// monitor.cc
int RunMonitor(const Words& args);

}  // namespace sc::audit_cli
