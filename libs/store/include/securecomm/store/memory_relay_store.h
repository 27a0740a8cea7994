// memory_relay_store.h: MemoryRelayStore, the in-memory RelayStore (relay_store.h) for unit
// tests of the relay's services. It passes the same conformance suite as SqliteRelayStore;
// nothing it holds survives the object.
//
//   MemoryRelayStore store;
//   (void)store.Begin();
//   auto account = store.CreateAccount({"alice", salt, verifier, 3072, now_ms});
//   store.Rollback();  // as if never written
//
// Transactions copy the whole state on Begin and on Savepoint (fine for tests, wrong for a
// server). Message ids come from a counter outside those copies, so not even a rolled-back id
// is handed out twice. Its calls never fail except by the rules of the interface (kNotFound,
// kDuplicate, misuse: kSqliteError); allocation failure throws std::bad_alloc (tests only).
// Thread safety: none; one thread at a time.
#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/store/relay_store.h"

namespace sc::store {

class MemoryRelayStore : public RelayStore {  // not final: tests derive fault-injecting stores
 public:
  MemoryRelayStore();
  ~MemoryRelayStore() override;
  MemoryRelayStore(const MemoryRelayStore&) = delete;
  MemoryRelayStore& operator=(const MemoryRelayStore&) = delete;

  [[nodiscard]] Status Begin() override;
  [[nodiscard]] Status Commit() override;
  void Rollback() noexcept override;
  [[nodiscard]] Status Savepoint() override;
  [[nodiscard]] Status ReleaseSavepoint() override;
  void RollbackToSavepoint() noexcept override;

  [[nodiscard]] Result<AccountId> CreateAccount(const NewAccount& account) override;
  [[nodiscard]] Result<AccountRecord> FindAccount(std::string_view username) override;
  [[nodiscard]] Result<AccountRecord> GetAccount(AccountId id) override;
  [[nodiscard]] Status SetLoginFailures(AccountId id, uint32_t failed_logins,
                                        int64_t locked_until_ms) override;
  [[nodiscard]] Result<LoginFailures> GetDecoyFailures(const DecoyTag& tag) override;
  [[nodiscard]] Status SetDecoyFailures(const DecoyTag& tag, LoginFailures failures, int64_t now_ms) override;

  [[nodiscard]] Result<DeviceId> AddDevice(AccountId account, const PublicKey32& identity_key,
                                           int64_t created_ms) override;
  [[nodiscard]] Result<std::vector<DeviceRecord>> ListDevices(AccountId account) override;
  [[nodiscard]] Result<DeviceRecord> GetDevice(DeviceAddress device) override;
  [[nodiscard]] Status RemoveDevice(DeviceAddress device) override;

  [[nodiscard]] Status SetSignedPrekey(DeviceAddress device, const SignedPrekey& prekey) override;
  [[nodiscard]] Result<uint32_t> AddOneTimePrekeys(DeviceAddress device,
                                                   std::span<const OneTimePrekey> prekeys) override;
  [[nodiscard]] Result<uint32_t> CountOneTimePrekeys(DeviceAddress device) override;
  [[nodiscard]] Result<PrekeyBundle> TakePrekeyBundle(DeviceAddress device) override;

  [[nodiscard]] Result<MessageId> Enqueue(const NewMessage& message) override;
  [[nodiscard]] Result<uint32_t> QueueDepth(DeviceAddress device) override;
  [[nodiscard]] Result<std::vector<StoredMessage>> Fetch(DeviceAddress device, MessageId after,
                                                         uint32_t limit, int64_t now_ms) override;
  [[nodiscard]] Result<std::vector<StoredMessage>> FetchUrgent(DeviceAddress device, MessageId after,
                                                               uint32_t limit, int64_t now_ms) override;
  [[nodiscard]] Result<uint32_t> UrgentDepth(DeviceAddress device) override;
  [[nodiscard]] Result<uint32_t> Ack(DeviceAddress device, std::span<const MessageId> ids) override;
  [[nodiscard]] Result<uint32_t> PurgeExpired(int64_t now_ms, uint32_t limit) override;

 private:
  struct State;  // everything a transaction can roll back
  std::unique_ptr<State> state_;
  std::unique_ptr<State> transaction_start_;  // non-null while a transaction is open
  std::unique_ptr<State> savepoint_start_;    // non-null while a savepoint is open
  MessageId last_message_id_ = 0;             // never rolled back: ids are never reused
};

}  // namespace sc::store
