// command_table.cc: the one table of `securecomm` commands, and the parser and help built from it.
#include "command_table.h"

#include <array>
#include <iostream>
#include <string_view>
#include <vector>

#include "exit_codes.h"

namespace sc::cli {
namespace {

// What `securecomm --help` says above the options and the command list.
constexpr const char* kDescription =
    "securecomm: end-to-end encrypted messaging through a SecureComm relay.\n"
    "Secrets: SECURECOMM_PASSPHRASE (the local store) and SECURECOMM_PASSWORD (the account),\n"
    "else asked for on the terminal. Exit codes: 0 ok, 1 failure, 2 usage, 3 wrong passphrase,\n"
    "4 relay unreachable, 5 refused by the relay, 6 contact's keys changed, 7 unknown user,\n"
    "8 not set up, 9 local store error, 10 timeout.";

// Run adapts a command of commands.h to the table's handler signature.
template <int (*kCmd)(const Options&)>
int Run(const Invocation& in) {
  return kCmd(in.options);
}

void NoArguments(CLI::App& /*cmd*/, Invocation& /*in*/) {}

std::vector<std::string> CommandNames();
int RunHelp(const Invocation& in);

// The commands, in the order --help lists them. Usage and options are documented in docs/cli.md.
constexpr Command kCommands[] = {
    {"init", Run<CmdInit>, "create this device: its store and identity key",
     [](CLI::App& cmd, Invocation& in) {
       cmd.add_option("--relay", in.options.relay, "the relay's connection string, or @FILE holding it")
           ->required();
       cmd.add_option("--kdf", in.options.kdf, "passphrase hardening: moderate (default) or interactive")
           ->check(CLI::IsMember({"moderate", "interactive"}));
     }},
    {"register", [](const Invocation& in) { return CmdRegister(in.options, /*link_existing=*/false); },
     "create an account on the relay with this device",
     [](CLI::App& cmd, Invocation& in) { cmd.add_option("username", in.options.user)->required(); }},
    {"login", [](const Invocation& in) { return CmdRegister(in.options, /*link_existing=*/true); },
     "add this device to an existing account",
     [](CLI::App& cmd, Invocation& in) { cmd.add_option("username", in.options.user)->required(); }},
    {"devices", Run<CmdDevices>, "list this account's devices",
     [](CLI::App& cmd, Invocation& in) {
       cmd.add_option("--remove", in.options.remove_device, "remove the device with this id");
     }},
    {"send", Run<CmdSend>, "send a message (\"-\": one message per line of stdin)",
     [](CLI::App& cmd, Invocation& in) {
       cmd.add_option("to", in.options.user)->required();
       cmd.add_option("text", in.options.text)->required();
     }},
    {"recv", Run<CmdRecv>, "fetch and show what is waiting, then exit",
     [](CLI::App& cmd, Invocation& in) {
       cmd.add_option("--wait", in.options.wait_seconds,
                      "keep listening this many seconds after the queue is empty");
     }},
    {"listen", Run<CmdListen>, "show messages as they arrive (reconnects)",
     [](CLI::App& cmd, Invocation& in) {
       cmd.add_option("--count", in.options.count, "exit after this many messages");
       cmd.add_option("--timeout", in.options.timeout_seconds, "exit with status 10 after this many seconds");
     }},
    {"contacts", Run<CmdContacts>, "list contacts and their trust state", NoArguments},
    {"verify", Run<CmdVerify>, "show the safety number with a contact",
     [](CLI::App& cmd, Invocation& in) {
       cmd.add_option("contact", in.options.user)->required();
       cmd.add_flag("--qr", in.options.qr, "also print it as a QR code");
       cmd.add_option("--png", in.options.png, "also save the QR code as a PNG file");
       cmd.add_flag("--mark", in.options.mark, "record that you compared it with your contact");
     }},
    {"trust", Run<CmdTrust>, "accept a contact's new or changed keys",
     [](CLI::App& cmd, Invocation& in) { cmd.add_option("contact", in.options.user)->required(); }},
    {"whoami", Run<CmdWhoami>, "show this device, its account and relay", NoArguments},
    {"help", RunHelp, "show the commands, or one command's arguments and options",
     [](CLI::App& cmd, Invocation& in) {
       cmd.add_option("command", in.help_topic, "the command to describe")
           ->check(CLI::IsMember(CommandNames()));
     }},
};

constexpr bool NamesAreUnique() {
  for (size_t i = 0; i < std::size(kCommands); ++i) {
    for (size_t j = i + 1; j < std::size(kCommands); ++j) {
      if (std::string_view(kCommands[i].name) == kCommands[j].name) return false;
    }
  }
  return true;
}
static_assert(NamesAreUnique(), "two rows of kCommands share a name");

std::vector<std::string> CommandNames() {
  std::vector<std::string> names;
  for (const Command& c : kCommands) names.emplace_back(c.name);
  return names;
}

// RunHelp prints what `securecomm --help` or `securecomm COMMAND --help` would.
int RunHelp(const Invocation& in) {
  const CLI::App& app = *in.app;
  if (in.help_topic.empty()) {
    // Not app.help(): that describes the selected subcommand, which is `help` itself.
    std::cout << app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal);
  } else {
    std::cout << app.get_subcommand(in.help_topic)->help(app.get_name());
  }
  return kExitOk;
}

}  // namespace

std::span<const Command> Commands() {
  return kCommands;
}

int RunCommandLine(int argc, char** argv, const Options& defaults) {
  Invocation in;
  in.options = defaults;
  CLI::App app{kDescription};
  in.app = &app;
  app.require_subcommand(1);
  app.fallthrough();  // --home and --json also after the command
  app.add_option("--home", in.options.home, "client directory (default $SECURECOMM_HOME or ~/.securecomm)");
  app.add_flag("--json", in.options.json, "one JSON object per line");
  std::array<CLI::App*, std::size(kCommands)> parsers{};
  for (size_t i = 0; i < parsers.size(); ++i) {
    parsers[i] = app.add_subcommand(kCommands[i].name, kCommands[i].summary);
    kCommands[i].declare(*parsers[i], in);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  for (size_t i = 0; i < parsers.size(); ++i) {
    if (*parsers[i]) return kCommands[i].run(in);
  }
  return kExitUsage;
}

}  // namespace sc::cli
