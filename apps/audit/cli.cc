#include "cli.h"

#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include "commands.h"

namespace sc::audit_cli {
namespace {

constexpr char kHelp[] =
    "usage: securecomm-audit COMMAND [FLAGS] [--json]\n"
    "\n"
    "The log operator's commands (on a SQLite audit log):\n"
    "  init --log PATH --origin NAME (--key-out FILE | --key FILE)   create a log (and a signer key); prints "
    "the vkey\n"
    "  append --log PATH --key FILE [--checkpoint-out FILE] [ENTRY_FILE|-]...\n"
    "                                    append entries (files, or JSON lines on stdin) and publish a "
    "checkpoint\n"
    "  checkpoint --log PATH [--out FILE]                             print the latest signed checkpoint\n"
    "  get-entry --log PATH --index N [--out FILE]                    print an entry, write its bytes\n"
    "  prove-inclusion --log PATH --index N [--size M] [--out FILE]   an inclusion proof (base64 unless "
    "--out)\n"
    "  prove-consistency --log PATH --old M [--new N] [--out FILE]    a consistency proof (base64 unless "
    "--out)\n"
    "\n"
    "Anyone's commands (a vkey and files):\n"
    "  verify-checkpoint --vkey VKEY --checkpoint FILE\n"
    "  verify-inclusion --vkey VKEY --checkpoint FILE --entry FILE --index N --proof FILE\n"
    "  verify-consistency --vkey VKEY --old-checkpoint FILE --new-checkpoint FILE --proof FILE\n"
    "  monitor --vkey VKEY --checkpoint-source LOG_OR_FILE --state FILE [--log PATH]\n"
    "          [--interval SECONDS] [--iterations N]   follow checkpoints; alarm on split view or rollback\n"
    "\n"
    "Exit codes: 0 ok, 1 verification failed, 2 usage, 3 I/O. Formats: docs/protocol/audit.md §10.\n";

struct Command {
  std::string_view name;
  int (*run)(const Words&);
};

constexpr Command kCommands[] = {
    {"init", RunInit},
    {"append", RunAppend},
    {"checkpoint", RunCheckpoint},
    {"get-entry", RunGetEntry},
    {"prove-inclusion", RunProveInclusion},
    {"prove-consistency", RunProveConsistency},
    {"verify-checkpoint", RunVerifyCheckpoint},
    {"verify-inclusion", RunVerifyInclusion},
    {"verify-consistency", RunVerifyConsistency},
    {"monitor", RunMonitor},
};

}  // namespace

int Main(int argc, char** argv) noexcept {
  try {
    if (argc < 2) {
      std::fputs(kHelp, stderr);
      return kExitUsage;
    }
    const std::string_view name = argv[1];
    if (name == "help" || name == "--help" || name == "-h") {
      std::fputs(kHelp, stdout);
      return kExitOk;
    }
    const Words words(argv + 2, argv + argc);
    for (const Command& c : kCommands) {
      if (c.name == name) return c.run(words);
    }
    std::fprintf(stderr, "securecomm-audit: unknown command '%s'\n\n%s", argv[1], kHelp);
    return kExitUsage;
  } catch (const std::bad_alloc&) {
    std::fputs("securecomm-audit: out of memory\n", stderr);
    return kExitIo;
  } catch (const std::exception& e) {  // a bug: every expected failure is a value
    std::fprintf(stderr, "securecomm-audit: internal error: %s\n", e.what());
    return kExitIo;
  }
}

}  // namespace sc::audit_cli
