// securecomm: the command-line client (docs/cli.md). Thin: parsing here, the commands in
// commands.cc, all messaging logic in libs/client (Messenger).
#include <cstdlib>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "exit_codes.h"
#include "securecomm/base/log.h"

namespace {

std::string DefaultHome() {
  if (const char* h = std::getenv("SECURECOMM_HOME"); h != nullptr && *h != '\0') return h;
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') return std::string(h) + "/.securecomm";
  return ".securecomm";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sc::cli;
  sc::log::Configure(sc::log::Level::kWarn, sc::log::Format::kText);
  Options o;
  o.home = DefaultHome();
  CLI::App app{
      "securecomm: end-to-end encrypted messaging through a SecureComm relay.\n"
      "Secrets: SECURECOMM_PASSPHRASE (the local store) and SECURECOMM_PASSWORD (the account),\n"
      "else asked for on the terminal. Exit codes: 0 ok, 1 failure, 2 usage, 3 wrong passphrase,\n"
      "4 relay unreachable, 5 refused by the relay, 6 contact's keys changed, 7 unknown user,\n"
      "8 not set up, 9 local store error, 10 timeout."};
  app.require_subcommand(1);
  app.fallthrough();  // --home and --json also after the command
  app.add_option("--home", o.home, "client directory (default $SECURECOMM_HOME or ~/.securecomm)");
  app.add_flag("--json", o.json, "one JSON object per line");

  auto* init = app.add_subcommand("init", "create this device: its store and identity key");
  init->add_option("--relay", o.relay, "the relay's connection string, or @FILE holding it")->required();
  init->add_option("--kdf", o.kdf, "passphrase hardening: moderate (default) or interactive")
      ->check(CLI::IsMember({"moderate", "interactive"}));
  auto* reg = app.add_subcommand("register", "create an account on the relay with this device");
  reg->add_option("username", o.user)->required();
  auto* login = app.add_subcommand("login", "add this device to an existing account");
  login->add_option("username", o.user)->required();
  auto* devices = app.add_subcommand("devices", "list this account's devices");
  devices->add_option("--remove", o.remove_device, "remove the device with this id");
  auto* send = app.add_subcommand("send", "send a message (\"-\": one message per line of stdin)");
  send->add_option("to", o.user)->required();
  send->add_option("text", o.text)->required();
  auto* recv = app.add_subcommand("recv", "fetch and show what is waiting, then exit");
  recv->add_option("--wait", o.wait_seconds, "keep listening this many seconds after the queue is empty");
  auto* listen = app.add_subcommand("listen", "show messages as they arrive (reconnects)");
  listen->add_option("--count", o.count, "exit after this many messages");
  listen->add_option("--timeout", o.timeout_seconds, "exit with status 10 after this many seconds");
  auto* contacts = app.add_subcommand("contacts", "list contacts and their trust state");
  auto* verify = app.add_subcommand("verify", "show the safety number with a contact");
  verify->add_option("contact", o.user)->required();
  verify->add_flag("--qr", o.qr, "also print it as a QR code");
  verify->add_option("--png", o.png, "also save the QR code as a PNG file");
  verify->add_flag("--mark", o.mark, "record that you compared it with your contact");
  auto* trust = app.add_subcommand("trust", "accept a contact's new or changed keys");
  trust->add_option("contact", o.user)->required();
  auto* whoami = app.add_subcommand("whoami", "show this device, its account and relay");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  if (*init) return CmdInit(o);
  if (*reg) return CmdRegister(o, false);
  if (*login) return CmdRegister(o, true);
  if (*devices) return CmdDevices(o);
  if (*send) return CmdSend(o);
  if (*recv) return CmdRecv(o);
  if (*listen) return CmdListen(o);
  if (*contacts) return CmdContacts(o);
  if (*verify) return CmdVerify(o);
  if (*trust) return CmdTrust(o);
  if (*whoami) return CmdWhoami(o);
  return kExitUsage;
}
