// sqlite_relay_file.h (private): the relay store file itself (docs/protocol/relay-store.md §3,
// §4): telling it from any other file before writing, creating it with its schema, and the
// settings every connection to it needs. SqliteRelayStore prepares its statements on top.
#pragma once

#include <filesystem>

#include "securecomm/base/error.h"
#include "securecomm/store/sqlite_log_store.h"  // SqliteOptions

#include "sqlite_db.h"

namespace sc::store::internal {

struct RelayStoreFile {
  Database db;           // configured: WAL, synchronous=FULL, foreign keys, busy timeout, ...
  bool created = false;  // this open created the file (remove it if what follows fails)
};

// OpenRelayStoreFile opens the relay store at `path`, creating it with mode 0600 if nothing is
// there, or initialising it if it is an empty database (0 pages). Errors and guarantees: those of
// SqliteRelayStore::Open (sqlite_relay_store.h); on error a file this call created is removed.
[[nodiscard]] Result<RelayStoreFile> OpenRelayStoreFile(const std::filesystem::path& path,
                                                        const SqliteOptions& options);

}  // namespace sc::store::internal
