// securecomm-audit: the audit log tool. Everything is in the commands library (cli.h).
#include "cli.h"

int main(int argc, char** argv) {
  return sc::audit_cli::Main(argc, argv);
}
