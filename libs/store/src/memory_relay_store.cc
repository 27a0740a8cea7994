#include "securecomm/store/memory_relay_store.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "securecomm/store/errors.h"
#include "securecomm/store/limits.h"

namespace sc::store {

struct MemoryRelayStore::State {
  struct Account {
    AccountRecord record;
    DeviceId next_device_id = 1;  // device ids are never reused within an account
  };
  struct Device {
    DeviceRecord record;
    std::optional<SignedPrekey> signed_prekey;
    std::map<uint32_t, PublicKey32> one_time;  // by prekey id: the lowest is taken first
    uint32_t queue_depth = 0;
  };

  std::map<AccountId, Account> accounts;
  std::map<std::string, AccountId, std::less<>> usernames;
  std::map<DeviceAddress, Device> devices;
  std::map<MessageId, StoredMessage> messages;
  struct Decoy {
    LoginFailures failures;
    int64_t last_failure_ms = 0;
  };
  std::map<DecoyTag, Decoy> decoys;
  AccountId last_account_id = 0;

  Account* FindAccount(AccountId id) {
    auto it = accounts.find(id);
    return it == accounts.end() ? nullptr : &it->second;
  }
  Device* FindDevice(DeviceAddress address) {
    auto it = devices.find(address);
    return it == devices.end() ? nullptr : &it->second;
  }
};

MemoryRelayStore::MemoryRelayStore() : state_(std::make_unique<State>()) {}
MemoryRelayStore::~MemoryRelayStore() = default;

Status MemoryRelayStore::Begin() {
  if (transaction_start_) return Fail(Errc::kSqliteError);
  transaction_start_ = std::make_unique<State>(*state_);
  return OkStatus();
}

Status MemoryRelayStore::Commit() {
  if (!transaction_start_) return Fail(Errc::kSqliteError);
  transaction_start_.reset();
  savepoint_start_.reset();
  return OkStatus();
}

void MemoryRelayStore::Rollback() noexcept {
  if (transaction_start_) state_ = std::move(transaction_start_);
  savepoint_start_.reset();
}

Status MemoryRelayStore::Savepoint() {
  if (!transaction_start_ || savepoint_start_) return Fail(Errc::kSqliteError);
  savepoint_start_ = std::make_unique<State>(*state_);
  return OkStatus();
}

Status MemoryRelayStore::ReleaseSavepoint() {
  if (!savepoint_start_) return Fail(Errc::kSqliteError);
  savepoint_start_.reset();
  return OkStatus();
}

void MemoryRelayStore::RollbackToSavepoint() noexcept {
  if (savepoint_start_) state_ = std::move(savepoint_start_);
}

Result<AccountId> MemoryRelayStore::CreateAccount(const NewAccount& account) {
  if (state_->usernames.contains(account.username)) return Fail(Errc::kDuplicate);
  const AccountId id = ++state_->last_account_id;
  AccountRecord record;
  record.id = id;
  record.username = account.username;
  record.srp_salt = account.srp_salt;
  record.srp_verifier = account.srp_verifier;
  record.srp_group_bits = account.srp_group_bits;
  record.created_ms = account.created_ms;
  state_->accounts.emplace(id, State::Account{std::move(record)});
  state_->usernames.emplace(account.username, id);
  return id;
}

Result<AccountRecord> MemoryRelayStore::FindAccount(std::string_view username) {
  auto it = state_->usernames.find(username);
  if (it == state_->usernames.end()) return Fail(Errc::kNotFound);
  return state_->accounts.at(it->second).record;
}

Result<AccountRecord> MemoryRelayStore::GetAccount(AccountId id) {
  const State::Account* account = state_->FindAccount(id);
  if (account == nullptr) return Fail(Errc::kNotFound);
  return account->record;
}

Status MemoryRelayStore::SetLoginFailures(AccountId id, uint32_t failed_logins, int64_t locked_until_ms) {
  State::Account* account = state_->FindAccount(id);
  if (account == nullptr) return Fail(Errc::kNotFound);
  account->record.failed_logins = failed_logins;
  account->record.locked_until_ms = locked_until_ms;
  return OkStatus();
}

Result<LoginFailures> MemoryRelayStore::GetDecoyFailures(const DecoyTag& tag) {
  auto it = state_->decoys.find(tag);
  return it == state_->decoys.end() ? LoginFailures{} : it->second.failures;
}

Status MemoryRelayStore::SetDecoyFailures(const DecoyTag& tag, LoginFailures failures, int64_t now_ms) {
  auto& decoys = state_->decoys;
  if (failures == LoginFailures{}) {
    decoys.erase(tag);
    return OkStatus();
  }
  decoys[tag] = State::Decoy{failures, now_ms};
  while (decoys.size() > kMaxDecoyRecords) {  // the oldest last failure goes (ties: lowest tag)
    auto oldest = decoys.begin();
    for (auto it = decoys.begin(); it != decoys.end(); ++it) {
      if (it->second.last_failure_ms < oldest->second.last_failure_ms) oldest = it;
    }
    decoys.erase(oldest);
  }
  return OkStatus();
}

Result<DeviceId> MemoryRelayStore::AddDevice(AccountId account_id, const PublicKey32& identity_key,
                                             int64_t created_ms) {
  State::Account* account = state_->FindAccount(account_id);
  if (account == nullptr) return Fail(Errc::kNotFound);
  const auto first = state_->devices.lower_bound(DeviceAddress{account_id, 0});
  for (auto it = first; it != state_->devices.end() && it->first.account == account_id; ++it) {
    if (it->second.record.identity_key == identity_key) return Fail(Errc::kDuplicate);
  }
  const DeviceId id = account->next_device_id++;
  state_->devices.emplace(DeviceAddress{account_id, id},
                          State::Device{DeviceRecord{id, identity_key, created_ms}, std::nullopt, {}, 0});
  return id;
}

Result<std::vector<DeviceRecord>> MemoryRelayStore::ListDevices(AccountId account) {
  if (state_->FindAccount(account) == nullptr) return Fail(Errc::kNotFound);
  std::vector<DeviceRecord> out;
  for (auto it = state_->devices.lower_bound(DeviceAddress{account, 0});
       it != state_->devices.end() && it->first.account == account; ++it) {
    out.push_back(it->second.record);
  }
  return out;
}

Result<DeviceRecord> MemoryRelayStore::GetDevice(DeviceAddress address) {
  const State::Device* device = state_->FindDevice(address);
  if (device == nullptr) return Fail(Errc::kNotFound);
  return device->record;
}

Status MemoryRelayStore::RemoveDevice(DeviceAddress address) {
  if (state_->devices.erase(address) == 0) return Fail(Errc::kNotFound);
  std::erase_if(state_->messages, [&](const auto& entry) { return entry.second.recipient == address; });
  return OkStatus();
}

Status MemoryRelayStore::SetSignedPrekey(DeviceAddress address, const SignedPrekey& prekey) {
  State::Device* device = state_->FindDevice(address);
  if (device == nullptr) return Fail(Errc::kNotFound);
  device->signed_prekey = prekey;
  return OkStatus();
}

Result<uint32_t> MemoryRelayStore::AddOneTimePrekeys(DeviceAddress address,
                                                     std::span<const OneTimePrekey> prekeys) {
  State::Device* device = state_->FindDevice(address);
  if (device == nullptr) return Fail(Errc::kNotFound);
  std::set<uint32_t> ids;
  for (const OneTimePrekey& prekey : prekeys) {
    if (device->one_time.contains(prekey.id) || !ids.insert(prekey.id).second) return Fail(Errc::kDuplicate);
  }
  for (const OneTimePrekey& prekey : prekeys) device->one_time.emplace(prekey.id, prekey.public_key);
  return static_cast<uint32_t>(device->one_time.size());
}

Result<uint32_t> MemoryRelayStore::CountOneTimePrekeys(DeviceAddress address) {
  const State::Device* device = state_->FindDevice(address);
  if (device == nullptr) return Fail(Errc::kNotFound);
  return static_cast<uint32_t>(device->one_time.size());
}

Result<PrekeyBundle> MemoryRelayStore::TakePrekeyBundle(DeviceAddress address) {
  State::Device* device = state_->FindDevice(address);
  if (device == nullptr || !device->signed_prekey) return Fail(Errc::kNotFound);
  PrekeyBundle bundle{device->record, *device->signed_prekey, std::nullopt, 0};
  if (!device->one_time.empty()) {
    auto lowest = device->one_time.begin();
    bundle.one_time = OneTimePrekey{lowest->first, lowest->second};
    device->one_time.erase(lowest);
  }
  bundle.one_time_remaining = static_cast<uint32_t>(device->one_time.size());
  return bundle;
}

Result<MessageId> MemoryRelayStore::Enqueue(const NewMessage& message) {
  State::Device* device = state_->FindDevice(message.recipient);
  if (device == nullptr) return Fail(Errc::kNotFound);
  const MessageId id = ++last_message_id_;
  state_->messages.emplace(id, StoredMessage{id, message.recipient, message.sender, message.server_time_ms,
                                             message.expires_ms, message.payload, message.urgent});
  ++device->queue_depth;
  return id;
}

Result<uint32_t> MemoryRelayStore::QueueDepth(DeviceAddress address) {
  const State::Device* device = state_->FindDevice(address);
  if (device == nullptr) return Fail(Errc::kNotFound);
  return device->queue_depth;
}

Result<std::vector<StoredMessage>> MemoryRelayStore::Fetch(DeviceAddress device, MessageId after,
                                                           uint32_t limit, int64_t now_ms) {
  limit = std::min(limit, kMaxFetchMessages);
  std::vector<StoredMessage> out;
  for (auto it = state_->messages.upper_bound(after); it != state_->messages.end(); ++it) {
    if (out.size() == limit) break;
    if (it->second.recipient == device && it->second.expires_ms > now_ms) out.push_back(it->second);
  }
  return out;
}

Result<std::vector<StoredMessage>> MemoryRelayStore::FetchUrgent(DeviceAddress device, MessageId after,
                                                                 uint32_t limit, int64_t now_ms) {
  limit = std::min(limit, kMaxFetchMessages);
  std::vector<StoredMessage> out;
  for (auto it = state_->messages.upper_bound(after); it != state_->messages.end() && out.size() < limit;
       ++it) {
    const StoredMessage& m = it->second;
    if (m.urgent && m.recipient == device && m.expires_ms > now_ms) out.push_back(m);
  }
  return out;
}

Result<uint32_t> MemoryRelayStore::UrgentDepth(DeviceAddress device) {
  uint32_t n = 0;
  for (const auto& [id, m] : state_->messages) n += (m.urgent && m.recipient == device) ? 1 : 0;
  return n;
}

Result<uint32_t> MemoryRelayStore::Ack(DeviceAddress address, std::span<const MessageId> ids) {
  uint32_t removed = 0;
  for (MessageId id : ids) {
    auto it = state_->messages.find(id);
    if (it == state_->messages.end() || it->second.recipient != address) continue;
    state_->messages.erase(it);
    ++removed;
  }
  // Messages are queued only for existing devices, and removing a device removes its queue.
  if (removed > 0) state_->devices.at(address).queue_depth -= removed;
  return removed;
}

Result<uint32_t> MemoryRelayStore::PurgeExpired(int64_t now_ms, uint32_t limit) {
  std::vector<std::pair<int64_t, MessageId>> expired;  // (expires_ms, id): the purge order
  for (const auto& [id, message] : state_->messages) {
    if (message.expires_ms <= now_ms) expired.emplace_back(message.expires_ms, id);
  }
  std::sort(expired.begin(), expired.end());
  if (expired.size() > limit) expired.resize(limit);
  for (const auto& [expires_ms, id] : expired) {
    auto it = state_->messages.find(id);
    --state_->devices.at(it->second.recipient).queue_depth;
    state_->messages.erase(it);
  }
  return static_cast<uint32_t>(expired.size());
}

}  // namespace sc::store
