// commands.h: the `securecomm` commands. Each returns its exit status (exit_codes.h); output goes
// to stdout (human text, or one JSON object per line with --json), diagnostics to stderr.
// Plaintext is printed only to stdout, never logged. command_table.cc parses the command line into
// Options and dispatches to them, one table row per command.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sc::cli {

struct Options {
  std::string home;  // the client's directory (store: client.db)
  bool json = false;
  // init
  std::string relay;             // connection string, or @file holding one (the relay's connection.txt)
  std::string kdf = "moderate";  // moderate | interactive
  // register, login, send, verify, trust, contacts
  std::string user;
  std::vector<std::string> text;  // send: the words of the message; "-" reads one message per stdin line
  // devices
  std::optional<uint32_t> remove_device;
  // recv, listen
  double wait_seconds = 0;     // recv: keep waiting this long after the queue is drained
  uint64_t count = 0;          // listen: stop after this many messages (0: never)
  double timeout_seconds = 0;  // listen: give up after this long (0: never)
  // verify
  bool qr = false;
  std::string png;
  bool mark = false;
};

int CmdInit(const Options& o);
int CmdRegister(const Options& o, bool link_existing);
int CmdDevices(const Options& o);
int CmdSend(const Options& o);
int CmdRecv(const Options& o);
int CmdListen(const Options& o);
int CmdContacts(const Options& o);
int CmdVerify(const Options& o);
int CmdTrust(const Options& o);
int CmdWhoami(const Options& o);

}  // namespace sc::cli
