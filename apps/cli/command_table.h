// command_table.h: the `securecomm` commands as one table (WireGuard's wg.c {name, fn, description}).
// Each row gives a command's name, its handler, its one-line summary and its arguments; the parser,
// the dispatch, `securecomm --help`, `securecomm help [COMMAND]` and `securecomm COMMAND --help` all
// read it. Adding a command is one row, one handler (commands.h) and its section in docs/cli.md.
//
//   sc::cli::Options defaults;
//   defaults.home = "/home/alice/.securecomm";
//   return sc::cli::RunCommandLine(argc, argv, defaults);
#pragma once

#include <CLI/CLI.hpp>
#include <span>
#include <string>

#include "commands.h"

namespace sc::cli {

// Invocation is what a parsed command line hands to a command's handler.
struct Invocation {
  Options options;                // the commands' flags and arguments (commands.h)
  std::string help_topic;         // `help`: the command to describe, or empty for all
  const CLI::App* app = nullptr;  // the parser, for `help`; set before any handler runs
};

// Command is one row of the table.
struct Command {
  const char* name;                                // the subcommand, as typed
  int (*run)(const Invocation& in);                // returns the exit status (exit_codes.h)
  const char* summary;                             // one line for the command list of --help
  void (*declare)(CLI::App& cmd, Invocation& in);  // its arguments and options, bound to `in`
};

// Commands returns the table, in the order --help lists it. Names are unique (checked at compile time).
std::span<const Command> Commands();

// RunCommandLine parses argv against the table and runs the chosen command with `defaults` under
// what the command line sets. Returns the exit status: the command's, kExitOk after --help or
// `help`, kExitUsage for a command line that does not parse (the reason goes to stderr).
int RunCommandLine(int argc, char** argv, const Options& defaults);

}  // namespace sc::cli
