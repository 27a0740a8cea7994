// disk_reserve.h: ReserveFile, the relay's reserve of disk space (docs/relay.md "Disk full"):
// `<data_dir>/relay.reserve`, disk_reserve_mib of blocks really allocated (posix_fallocate, not
// a sparse file) and fsync'd at startup. When the store finds the disk full, the relay's
// disk-full mode (relay/disk_full.h) releases it (unlinks it) so that acks, device removals and
// purges, which shrink the store, still have room for their write-ahead log; Restore recreates
// it once the filesystem has the reserve's size twice over free (the reserve, and as much again
// for the store to grow into), and the mode ends.
//
//   ReserveFile reserve(data_dir / kReserveFileName, 64 << 20);
//   if (auto e = reserve.Create(); !e.empty()) warn(e);   // the disk is already full: start in the mode
//   relay::DiskFullMode disk_full(&reserve);
//
// Thread safety: none; the store worker's thread uses it (Create before that thread starts).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "securecomm/relay/disk_full.h"

namespace sc::relay_app {

inline constexpr const char* kReserveFileName = "relay.reserve";

class ReserveFile final : public relay::DiskReserve {
 public:
  // `bytes` > 0; the file lives at `path` (its directory must exist).
  ReserveFile(std::filesystem::path path, uint64_t bytes) : path_(std::move(path)), bytes_(bytes) {}

  // Create allocates the file (keeping or completing one left by an earlier run, cutting one
  // larger than `bytes`) and fsyncs it and its directory. Returns "" or why it failed (ENOSPC:
  // the disk is full already); a failed Create leaves no file.
  std::string Create();

  // DiskReserve: Release unlinks the file; Restore creates it again once the filesystem has
  // 2 x bytes free (statvfs f_bavail: what an unprivileged writer may use).
  void Release() noexcept override;
  bool Restore() override;

  bool held() const noexcept { return held_; }
  uint64_t bytes() const noexcept { return bytes_; }
  const std::filesystem::path& path() const noexcept { return path_; }

  // FreeBytes: the space an unprivileged writer may use on the filesystem holding `dir`, or 0
  // if it cannot be read.
  static uint64_t FreeBytes(const std::filesystem::path& dir) noexcept;

 private:
  std::filesystem::path path_;
  uint64_t bytes_;
  bool held_ = false;
};

}  // namespace sc::relay_app
