// securecomm: the command-line client (docs/cli.md). Thin: the commands, their parsing and help in
// command_table.cc, the commands themselves in commands_*.cc, all messaging logic in libs/client.
#include <cstdlib>
#include <string>

#include "securecomm/base/log.h"

#include "command_table.h"

namespace {

std::string DefaultHome() {
  if (const char* h = std::getenv("SECURECOMM_HOME"); h != nullptr && *h != '\0') return h;
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') return std::string(h) + "/.securecomm";
  return ".securecomm";
}

}  // namespace

int main(int argc, char** argv) {
  sc::log::Configure(sc::log::Level::kWarn, sc::log::Format::kText);
  sc::cli::Options defaults;
  defaults.home = DefaultHome();
  return sc::cli::RunCommandLine(argc, argv, defaults);
}
