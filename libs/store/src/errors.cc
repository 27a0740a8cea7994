#include "securecomm/store/errors.h"

namespace sc::store {

std::string_view ErrcName(Errc e) noexcept {
  // clang-format off
  switch (e) {
    case Errc::kCannotOpen: return "kCannotOpen";
    case Errc::kNotADatabase: return "kNotADatabase";
    case Errc::kCorrupt: return "kCorrupt";
    case Errc::kIoError: return "kIoError";
    case Errc::kDiskFull: return "kDiskFull";
    case Errc::kBusy: return "kBusy";
    case Errc::kReadOnly: return "kReadOnly";
    case Errc::kNotAnAuditLog: return "kNotAnAuditLog";
    case Errc::kAlreadyExists: return "kAlreadyExists";
    case Errc::kSqliteError: return "kSqliteError";
    case Errc::kNotFound: return "kNotFound";
    case Errc::kDuplicate: return "kDuplicate";
    case Errc::kNotARelayStore: return "kNotARelayStore";
    case Errc::kWrongPassphrase: return "kWrongPassphrase";
    case Errc::kNotAClientVault: return "kNotAClientVault";
    case Errc::kTampered: return "kTampered";
  }
  // clang-format on
  return "kUnknown";
}

std::string_view Describe(Errc e) noexcept {
  // clang-format off
  switch (e) {
    case Errc::kCannotOpen: return "cannot open or create the file";
    case Errc::kNotADatabase: return "the file is not a SQLite database";
    case Errc::kCorrupt: return "the database file is damaged";
    case Errc::kIoError: return "an I/O error (read, write or fsync failed)";
    case Errc::kDiskFull: return "the disk or the store's quota is full";
    case Errc::kBusy: return "the database is locked by another process";
    case Errc::kReadOnly: return "the database cannot be written";
    case Errc::kNotAnAuditLog: return "the database is not an audit log (or of an unknown schema version)";
    case Errc::kAlreadyExists: return "the file already exists";
    case Errc::kSqliteError: return "an internal SQLite error";
    case Errc::kNotFound: return "no such account, device or record";
    case Errc::kDuplicate: return "the record already exists";
    case Errc::kNotARelayStore: return "the database is not a relay store (or of an unknown schema version)";
    case Errc::kWrongPassphrase: return "wrong passphrase";
    case Errc::kNotAClientVault: return "the database is not a SecureComm client store (or of an unknown version)";
    case Errc::kTampered: return "a stored record failed authentication (altered or damaged)";
  }
  // clang-format on
  return "unknown storage error";
}

}  // namespace sc::store
