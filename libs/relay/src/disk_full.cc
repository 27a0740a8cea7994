#include "securecomm/relay/disk_full.h"

#include "securecomm/base/log.h"

namespace sc::relay {

void DiskFullMode::Enter() {
  failures_.fetch_add(1, std::memory_order_relaxed);
  if (active_.exchange(true, std::memory_order_relaxed)) return;
  entered_.fetch_add(1, std::memory_order_relaxed);
  warned_still_full_ = false;
  if (reserve_ != nullptr) reserve_->Release();
  SC_LOG_WARN(
      "relay store: the disk is full; disk-full mode: the reserve is released, sends, registrations "
      "and prekey uploads are refused (STORAGE_FAILURE), acks and device removals still work. Free "
      "space on the data directory's filesystem: the relay leaves this mode by itself once the "
      "reserve fits again");
}

bool DiskFullMode::Check(store::RelayStore& store) {
  if (!active()) return false;
  // Acks and purges left free pages and a long WAL: copy it back and cut it to zero, so that the
  // space it held is free before the reserve is measured (and so that no later checkpoint grows
  // the database file into the space the reserve needs). It may fail while the disk is full.
  const Status checkpointed = store.Checkpoint();
  const bool restored = reserve_ != nullptr ? reserve_->Restore() : static_cast<bool>(checkpointed);
  if (!restored) {
    if (!warned_still_full_) {
      SC_LOG_INFO("relay store: still in disk-full mode: the reserve does not fit in the free space yet");
      warned_still_full_ = true;
    }
    return false;
  }
  active_.store(false, std::memory_order_relaxed);
  SC_LOG_INFO(
      "relay store: space is back and the reserve recreated; disk-full mode left, all requests served");
  return true;
}

}  // namespace sc::relay
