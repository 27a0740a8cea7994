// exit_codes.h: the exit status of every `securecomm` command (documented in docs/cli.md and
// `securecomm --help`). Scripts depend on them: append only; never renumber.
#pragma once

#include "securecomm/base/error.h"

namespace sc::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,          // anything not listed below
  kExitUsage = 2,            // bad arguments or options
  kExitWrongPassphrase = 3,  // the store's passphrase is wrong
  kExitUnreachable = 4,      // the relay cannot be reached, or the session ended
  kExitRefused = 5,          // the relay refused (wrong password, throttled, locked, a limit)
  kExitIdentityChanged = 6,  // a contact's keys changed: nothing sent until `trust`
  kExitUnknownUser = 7,      // no such user on the relay, or no such contact
  kExitNotSetUp = 8,         // no store here (`init`), or no account yet (`register`/`login`)
  kExitStore = 9,            // the local store failed: disk, lock, damaged or altered records
  kExitTimeout = 10,         // `listen --timeout` ran out before `--count` messages
};

// ExitCodeFor maps an error to the status above.
int ExitCodeFor(const Error& e) noexcept;

}  // namespace sc::cli
