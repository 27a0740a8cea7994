// fault_vfs.h (tests only): a SQLite VFS that forwards every call to the default VFS ("unix")
// except that, while failing is switched on, every write, truncate and fsync of any file fails
// with an I/O error. It makes "the disk failed under an append" reproducible.
//
//   SqliteOptions options{.vfs = FaultVfsName()};
//   SetFaultVfsFailing(true);  ... an append fails with kIoError ...  SetFaultVfsFailing(false);
//
// Thread safety: the switch is atomic; registration happens once.
#pragma once

namespace sc::store::testing {

// FaultVfsName registers the VFS on first use and returns its name.
const char* FaultVfsName();

// SetFaultVfsFailing switches the injected failures on or off, for every file of the VFS.
void SetFaultVfsFailing(bool failing);

}  // namespace sc::store::testing
