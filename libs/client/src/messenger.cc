// Messenger: creating and opening a device, registering, logging in, connecting with backoff,
// devices.
#include <sys/stat.h>

#include <algorithm>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <filesystem>

#include "securecomm/base/byte_reader.h"
#include "securecomm/base/byte_writer.h"
#include "securecomm/base/bytes.h"
#include "securecomm/base/log.h"
#include "securecomm/client/errors.h"
#include "securecomm/crypto/random.h"
#include "securecomm/e2e/errors.h"
#include "securecomm/scp/connection_string.h"
#include "securecomm/store/errors.h"

#include "messenger_impl.h"

namespace sc::client {

asio::awaitable<Status> Messenger::Impl::Open(asio::io_context& io) {
  if (link) {
    auto old = link;
    link.reset();
    old->Abort();
  }
  std::shared_ptr<const crypto::Ed25519KeyPair> id = identity;
  if (!connector) connector = RelayClientConnector(*clock);
  auto c = co_await connector(io, relay, id);
  if (!c) co_return Fail(c.error());
  link = std::move(*c);
  co_return OkStatus();
}

asio::awaitable<Result<LoginInfo>> Messenger::Impl::LogIn(const std::string& username,
                                                          std::span<const uint8_t> password, bool send_only) {
  auto c = link;
  co_return co_await client::LogIn(*c, username, password, send_only);
}

Status Messenger::Impl::StoreAccount(const Account& a, const Contact& self) {
  return InTransaction(vault, [&]() -> Status {
    auto key = keys::Setting("account");
    auto bytes = a.Encode();
    if (auto s = vault.Put(VaultTable::kSettings, key, bytes.Expose()); !s) return s;
    return contacts->Save(self);
  });
}

// ---------------------------------------------------------------------------------------------

Messenger::Messenger(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Messenger::~Messenger() {
  if (impl_ && impl_->link) impl_->link->Abort();
}

Result<std::unique_ptr<Messenger>> Messenger::Init(const std::string& home,
                                                   std::span<const uint8_t> passphrase,
                                                   const std::string& relay, const crypto::Argon2Params& kdf,
                                                   const Clock& clock) {
  if (auto cs = scp::ParseConnectionString(relay); !cs) return Fail(cs.error());
  std::error_code ec;
  std::filesystem::create_directories(home, ec);
  if (ec || ::chmod(home.c_str(), 0700) != 0) return Fail(store::Errc::kCannotOpen);
  const std::string path = (std::filesystem::path(home) / kStoreFileName).string();
  auto vault = store::ClientVault::Create(path, passphrase, kdf, crypto::SystemCsprng());
  if (!vault) return Fail(vault.error());
  auto impl = std::make_unique<Impl>(std::move(*vault));
  impl->clock = &clock;
  impl->relay = relay;
  impl->identity =
      std::make_shared<crypto::Ed25519KeyPair>(crypto::Ed25519KeyPair::Generate(crypto::SystemCsprng()));
  Impl& m = *impl;
  m.Wire();
  auto stored = InTransaction(m.vault, [&]() -> Status {
    const auto seed = m.identity->seed();
    auto id_key = keys::Setting("identity");
    auto relay_key = keys::Setting("relay");
    if (auto s = m.vault.Put(VaultTable::kSettings, id_key, seed.Expose()); !s) return s;
    return m.vault.Put(VaultTable::kSettings, relay_key, AsBytes(relay));
  });
  if (!stored) return Fail(stored.error());
  return std::unique_ptr<Messenger>(new Messenger(std::move(impl)));
}

Result<std::unique_ptr<Messenger>> Messenger::Open(const std::string& home,
                                                   std::span<const uint8_t> passphrase, const Clock& clock) {
  const std::string path = (std::filesystem::path(home) / kStoreFileName).string();
  auto vault = store::ClientVault::Open(path, passphrase);
  if (!vault) return Fail(vault.error());
  auto impl = std::make_unique<Impl>(std::move(*vault));
  impl->clock = &clock;
  auto id_key = keys::Setting("identity");
  auto seed = impl->vault.Get(VaultTable::kSettings, id_key);
  if (!seed) return Fail(seed.error());
  if (!seed->has_value()) return Fail(Errc::kMalformedRecord);
  auto parsed_seed = crypto::Ed25519Seed::FromSpan((*seed)->Expose());
  if (!parsed_seed) return Fail(Errc::kMalformedRecord);
  impl->identity = std::make_shared<crypto::Ed25519KeyPair>(crypto::Ed25519KeyPair::FromSeed(*parsed_seed));
  auto relay_key = keys::Setting("relay");
  auto relay = impl->vault.Get(VaultTable::kSettings, relay_key);
  if (!relay) return Fail(relay.error());
  if (!relay->has_value()) return Fail(Errc::kMalformedRecord);
  impl->relay.assign((*relay)->Expose().begin(), (*relay)->Expose().end());
  auto account_key = keys::Setting("account");
  auto account = impl->vault.Get(VaultTable::kSettings, account_key);
  if (!account) return Fail(account.error());
  if (account->has_value()) {
    auto a = Account::Decode((*account)->Expose());
    if (!a) return Fail(a.error());
    impl->account = std::move(*a);
  }
  impl->Wire();
  return std::unique_ptr<Messenger>(new Messenger(std::move(impl)));
}

const crypto::Ed25519PublicKey& Messenger::identity() const noexcept {
  return impl_->identity->public_key();
}
const std::string& Messenger::relay() const noexcept {
  return impl_->relay;
}
bool Messenger::connected() const noexcept {
  return impl_->link && impl_->link->connected();
}
void Messenger::UseRelayConnector(RelayConnector connector) {
  impl_->connector = std::move(connector);
}

std::optional<Account> Messenger::account() const {
  if (!impl_->account) return std::nullopt;
  const Account& a = *impl_->account;
  return Account{a.relay, a.username, a.password.Clone(), a.account_id, a.device_id};
}

asio::awaitable<Status> Messenger::Register(asio::io_context& io, const std::string& username,
                                            std::span<const uint8_t> password) {
  Impl& m = *impl_;
  if (m.account) co_return Fail(Errc::kAlreadyRegistered);
  if (auto s = co_await m.Open(io); !s) co_return Fail(s.error());
  auto c = m.link;
  if (auto registered = co_await RegisterAccount(*c, username, password); !registered) co_return registered;
  auto info = co_await m.LogIn(username, password, false);
  if (!info) co_return Fail(info.error());
  Account a{m.relay, username, SecretBytes(password), info->account_id, info->device_id};
  Contact self;
  self.username = username;
  self.account_id = info->account_id;
  self.devices.push_back({info->device_id, m.identity->public_key()});
  self.verified = true;  // this device is its own first device
  self.added_ms = m.clock->UnixMillis();
  if (auto s = m.StoreAccount(a, self); !s) co_return Fail(s.error());
  m.account = std::move(a);
  auto link = m.Link();
  if (!link) co_return Fail(link.error());
  co_return co_await m.prekeys->Upload(**link, true);
}

asio::awaitable<Status> Messenger::Login(asio::io_context& io, const std::string& username,
                                         std::span<const uint8_t> password) {
  Impl& m = *impl_;
  if (m.account) co_return Fail(Errc::kAlreadyRegistered);
  if (auto s = co_await m.Open(io); !s) co_return Fail(s.error());
  auto info = co_await m.LogIn(username, password, false);
  if (!info) co_return Fail(info.error());
  auto link = m.Link();
  if (!link) co_return Fail(link.error());
  auto dir = co_await LookupAccount(**link, username);
  if (!dir) co_return Fail(dir.error());
  Account a{m.relay, username, SecretBytes(password), info->account_id, info->device_id};
  Contact self;
  self.username = username;
  self.account_id = info->account_id;
  for (const auto& d : dir->devices()) {
    auto key = crypto::Ed25519PublicKey::FromSpan(AsBytes(d.identity_key()));
    if (!key) co_return Fail(Errc::kMalformedRecord);
    self.devices.push_back({d.device_id(), *key});
  }
  self.added_ms = m.clock->UnixMillis();
  if (auto s = m.StoreAccount(a, self); !s) co_return Fail(s.error());
  m.account = std::move(a);
  co_return co_await m.prekeys->Upload(**link, true);
}

asio::awaitable<Status> Messenger::Connect(asio::io_context& io, bool send_only) {
  Impl& m = *impl_;
  if (!m.account) co_return Fail(Errc::kNotRegistered);
  if (auto s = co_await m.Open(io); !s) co_return s;
  const std::string username = m.account->username;
  auto password = m.account->password.Clone();
  auto info = co_await m.LogIn(username, password.Expose(), send_only);
  if (!info) co_return Fail(info.error());
  if (info->device_id != m.account->device_id) {
    // The relay made this key a new device: the old device was removed from the account.
    co_return Fail(Errc::kNotRegistered);
  }
  if (!send_only) {
    auto link = m.Link();
    if (!link) co_return Fail(link.error());
    auto refilled = co_await m.prekeys->Refill(**link);
    if (!refilled) co_return Fail(refilled.error());
  }
  co_return OkStatus();
}

asio::awaitable<Status> Messenger::ConnectWithRetry(asio::io_context& io, bool send_only,
                                                    std::chrono::milliseconds give_up_after) {
  const auto deadline = std::chrono::steady_clock::now() + give_up_after;
  auto window = kReconnectBase;
  for (;;) {
    auto s = co_await Connect(io, send_only);
    if (s) co_return s;
    // Refusals (a wrong password, a removed device) are not retried; the relay's retryable
    // ones (shutting down, busy, storage, throttling) are, no sooner than its retry hint.
    const Error& e = s.error();
    const bool transient =
        e.domain() == ErrorDomain::kNet || e.domain() == ErrorDomain::kScp || e == Errc::kDisconnected ||
        (e.domain() == ErrorDomain::kRelay && proto::IsRetryable(static_cast<proto::RelayErrc>(e.code())));
    if (!transient) co_return s;
    std::uniform_int_distribution<int64_t> pick(0, window.count());
    const std::chrono::milliseconds wait =
        std::max(std::chrono::milliseconds{pick(impl_->jitter)}, e.retry_after());
    if (std::chrono::steady_clock::now() + wait > deadline) co_return s;
    SC_LOG_INFO("relay unreachable ({}); retrying in {} ms", s.error().name(), wait.count());
    asio::steady_timer timer(io, wait);
    co_await timer.async_wait(asio::use_awaitable);
    window = std::min(window * 2, std::chrono::milliseconds(kReconnectCap));
  }
}

asio::awaitable<void> Messenger::Close() {
  if (impl_->link) {
    auto c = impl_->link;
    impl_->link.reset();
    co_await c->Close();
  }
}

asio::awaitable<Result<std::vector<DeviceInfo>>> Messenger::Devices() {
  Impl& m = *impl_;
  pb::ClientFrame f;
  f.mutable_list_devices();
  auto link = m.Link();
  if (!link) co_return Fail(link.error());
  auto r = co_await (*link)->Request(std::move(f));
  if (!r) co_return Fail(r.error());
  std::vector<DeviceInfo> out;
  for (const auto& d : r->list_devices().devices()) {
    auto key = crypto::Ed25519PublicKey::FromSpan(AsBytes(d.identity_key()));
    if (!key) co_return Fail(Errc::kMalformedRecord);
    out.push_back({d.device_id(), *key, d.created_ms(), *key == m.identity->public_key()});
  }
  co_return out;
}

asio::awaitable<Status> Messenger::RemoveDevice(uint32_t device_id) {
  Impl& m = *impl_;
  pb::ClientFrame f;
  f.mutable_remove_device()->set_device_id(device_id);
  auto link = m.Link();
  if (!link) co_return Fail(link.error());
  auto r = co_await (*link)->Request(std::move(f));
  if (!r) co_return Fail(r.error());
  co_return OkStatus();
}

}  // namespace sc::client
