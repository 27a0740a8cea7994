// errors.h: store::Errc, errors of the storage adapters (libs/store). They say why the storage
// failed; what a store found wrong with the rows it holds (tampering, a malformed row) is an
// audit::Errc (audit/errors.h). Append only; never renumber.
#pragma once

#include <cstdint>
#include <string_view>

#include "securecomm/base/error.h"

namespace sc::store {

enum class Errc : uint16_t {
  kCannotOpen = 1,        // the file cannot be opened or created (missing, permissions, a directory)
  kNotADatabase = 2,      // the file is not a SQLite database
  kCorrupt = 3,           // SQLite found the database file damaged (SQLITE_CORRUPT)
  kIoError = 4,           // a read, write or fsync failed (SQLITE_IOERR)
  kDiskFull = 5,          // the disk, or the store's page quota, is full (SQLITE_FULL)
  kBusy = 6,              // another connection held the lock for longer than kBusyTimeout
  kReadOnly = 7,          // the database cannot be written (read-only file, directory or medium)
  kNotAnAuditLog = 8,     // a SQLite database, but not an audit log of a schema version known here
  kAlreadyExists = 9,     // Create: something already exists at the path
  kSqliteError = 10,      // any other SQLite failure (out of memory, a constraint: a bug)
  kNotFound = 11,         // no such account, device or row (RelayStore)
  kDuplicate = 12,        // a unique key already exists: a username, a device key, a prekey id
  kNotARelayStore = 13,   // a SQLite database, but not a relay store of a schema version known here
  kWrongPassphrase = 14,  // a client vault's passphrase does not open its key
  kNotAClientVault = 15,  // a SQLite database, but not a client vault of a schema version known here
  kTampered = 16,         // a client vault row failed authentication: altered, swapped or damaged
};

std::string_view ErrcName(Errc e) noexcept;

// Describe returns a one-line English description of `e`, for command-line messages.
std::string_view Describe(Errc e) noexcept;

}  // namespace sc::store

SC_DEFINE_ERROR_ENUM(sc::store::Errc, sc::ErrorDomain::kStore, sc::store::ErrcName);
