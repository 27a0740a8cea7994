#include "securecomm/store/client_vault.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "securecomm/base/byte_reader.h"
#include "securecomm/base/byte_writer.h"
#include "securecomm/base/bytes.h"
#include "securecomm/crypto/aead.h"
#include "securecomm/crypto/errors.h"
#include "securecomm/crypto/hash.h"
#include "securecomm/crypto/hkdf.h"
#include "securecomm/crypto/random.h"
#include "securecomm/store/errors.h"
#include "securecomm/store/limits.h"

#include "sqlite_db.h"

namespace sc::store {
namespace {

using internal::Database;
using internal::Statement;

// docs/protocol/client-store.md §3.
constexpr const char* kSchema = R"sql(
CREATE TABLE vault_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  kdf_salt BLOB NOT NULL CHECK (length(kdf_salt) = 16),
  kdf_ops INTEGER NOT NULL,
  kdf_mem INTEGER NOT NULL,
  wrap_nonce BLOB NOT NULL CHECK (length(wrap_nonce) = 24),
  wrapped_key BLOB NOT NULL CHECK (length(wrapped_key) = 48)
) STRICT;
CREATE TABLE rows (
  tbl INTEGER NOT NULL,
  idx BLOB NOT NULL CHECK (length(idx) = 32),
  seq INTEGER NOT NULL,
  nonce BLOB NOT NULL CHECK (length(nonce) = 24),
  sealed BLOB NOT NULL,
  PRIMARY KEY (tbl, idx)
) STRICT, WITHOUT ROWID;
CREATE INDEX rows_by_seq ON rows (tbl, seq);
)sql";

constexpr size_t kKeySize = 32;
constexpr size_t kSaltSize = 16;
constexpr size_t kNonceSize = 24;  // XChaCha20-Poly1305
constexpr size_t kTagSize = 16;
// Argon2 parameters read from a file are bounded, so a crafted file cannot make Open allocate
// or spin without bound: 16 passes and 4 GiB are far beyond any setting this code writes.
constexpr uint64_t kMaxFileArgon2Ops = 16;
constexpr uint64_t kMaxFileArgon2Mem = uint64_t{4} << 30;

constexpr std::string_view kWrapContext = "SecureComm client vault v1 key";
constexpr std::string_view kSealInfo = "SecureComm client vault v1 seal";
constexpr std::string_view kIndexInfo = "SecureComm client vault v1 index";
constexpr std::string_view kRowContext = "SecureComm client vault v1 row";

// WrapAd binds the KDF parameters to the wrapped key (docs/protocol/client-store.md §4).
std::vector<uint8_t> WrapAd(std::span<const uint8_t> salt, uint64_t ops, uint64_t mem) {
  ByteWriter w;
  (void)w.WriteBytes(AsBytes(kWrapContext));
  (void)w.WriteBytes(salt);
  (void)w.WriteU64(ops);
  (void)w.WriteU64(mem);
  return std::move(w).Take();
}

Status Configure(Database& db) {
  if (sqlite3_busy_timeout(db.get(), kBusyTimeoutMs) != SQLITE_OK) return Fail(Errc::kSqliteError);
  auto mode = db.QueryText("PRAGMA journal_mode=WAL");
  if (!mode) return Fail(mode.error());
  if (*mode != "wal") return Fail(Errc::kSqliteError);
  if (auto s = db.Exec("PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY; PRAGMA trusted_schema=OFF;"
                       "PRAGMA cell_size_check=ON;");
      !s) {
    return s;
  }
  if (auto s = db.QueryInt64("PRAGMA secure_delete=ON"); !s) return Fail(s.error());
  return OkStatus();
}

}  // namespace

struct ClientVault::State {
  Database db;
  std::optional<crypto::Aead> seal;
  SecretArray<kKeySize> data_key;
  SecretArray<kKeySize> index_key;
  bool in_transaction = false;
  Statement put, get, contains, del, list, count, trim;

  // Index returns HMAC(index key, table || key): the row's stored lookup key.
  crypto::HmacSha256Tag Index(VaultTable table, std::span<const uint8_t> key) const {
    ByteWriter w;
    (void)w.WriteU8(static_cast<uint8_t>(table));
    (void)w.WriteBytes(key);
    return crypto::HmacSha256(index_key.Expose(), w.bytes());
  }
  static std::vector<uint8_t> RowAd(VaultTable table, std::span<const uint8_t> index) {
    ByteWriter w;
    (void)w.WriteBytes(AsBytes(kRowContext));
    (void)w.WriteU8(static_cast<uint8_t>(table));
    (void)w.WriteBytes(index);
    return std::move(w).Take();
  }
  // Unseal authenticates and decodes one stored row into (key, value).
  Result<std::pair<SecretBytes, SecretBytes>> Unseal(VaultTable table, std::span<const uint8_t> index,
                                                     std::span<const uint8_t> nonce,
                                                     std::span<const uint8_t> sealed) {
    const auto ad = RowAd(table, index);
    auto plain = seal->Open(nonce, ad, sealed);
    if (!plain) return Fail(Errc::kTampered);
    ByteReader r(plain->Expose());
    auto key = r.ReadPrefixed16();
    if (!key) return Fail(Errc::kTampered);
    SecretBytes k(key->ReadRest());
    SecretBytes v(r.ReadRest());
    return std::make_pair(std::move(k), std::move(v));
  }
};

ClientVault::ClientVault(std::unique_ptr<State> state) noexcept : state_(std::move(state)) {}
ClientVault::ClientVault(ClientVault&&) noexcept = default;
ClientVault& ClientVault::operator=(ClientVault&&) noexcept = default;
ClientVault::~ClientVault() {
  if (state_ && state_->in_transaction) state_->db.Rollback();
}

namespace {

Result<std::unique_ptr<ClientVault::State>> Prepare(Database db) {
  auto state = std::make_unique<ClientVault::State>();
  state->db = std::move(db);
  struct {
    Statement* st;
    const char* sql;
  } const statements[] = {
      {&state->put,
       "INSERT INTO rows (tbl, idx, seq, nonce, sealed) VALUES (?1, ?2, "
       "(SELECT coalesce(max(seq), 0) + 1 FROM rows WHERE tbl = ?1), ?3, ?4) "
       "ON CONFLICT (tbl, idx) DO UPDATE SET nonce = excluded.nonce, sealed = excluded.sealed"},
      {&state->get, "SELECT nonce, sealed FROM rows WHERE tbl = ?1 AND idx = ?2"},
      {&state->contains, "SELECT 1 FROM rows WHERE tbl = ?1 AND idx = ?2"},
      {&state->del, "DELETE FROM rows WHERE tbl = ?1 AND idx = ?2"},
      {&state->list, "SELECT idx, nonce, sealed, seq FROM rows WHERE tbl = ?1 ORDER BY seq LIMIT ?2"},
      {&state->count, "SELECT count(*) FROM rows WHERE tbl = ?1"},
      {&state->trim,
       "DELETE FROM rows WHERE tbl = ?1 AND seq <= "
       "(SELECT seq FROM rows WHERE tbl = ?1 ORDER BY seq DESC LIMIT 1 OFFSET ?2)"},
  };
  for (const auto& s : statements) {
    auto st = state->db.Prepare(s.sql);
    if (!st) return Fail(st.error());
    *s.st = std::move(*st);
  }
  return state;
}

// DeriveKeys keeps the data key (for ChangePassphrase) and derives the sealing and index keys.
Status DeriveKeys(ClientVault::State& state, std::span<const uint8_t, kKeySize> data_key) {
  state.data_key = SecretArray<kKeySize>::FromSpan(data_key);
  SecretArray<kKeySize> seal_key;
  if (auto s = crypto::HkdfSha256(data_key, {}, AsBytes(kSealInfo), seal_key.MutableExpose()); !s) return s;
  if (auto s = crypto::HkdfSha256(data_key, {}, AsBytes(kIndexInfo), state.index_key.MutableExpose()); !s) {
    return s;
  }
  auto aead = crypto::Aead::Create(crypto::AeadAlgorithm::kXChaCha20Poly1305, seal_key.Expose());
  if (!aead) return Fail(aead.error());
  state.seal.emplace(std::move(*aead));
  return OkStatus();
}

// WriteKeyRow stores `data_key` wrapped under Argon2id(passphrase) with fresh salt and nonce.
Status WriteKeyRow(Database& db, std::span<const uint8_t> passphrase, const crypto::Argon2Params& params,
                   std::span<const uint8_t> data_key, Random& rng) {
  std::array<uint8_t, kSaltSize> salt{};
  std::array<uint8_t, kNonceSize> nonce{};
  rng.Fill(salt);
  rng.Fill(nonce);
  SecretArray<kKeySize> kek;
  if (auto s = crypto::Argon2id(passphrase, salt, params, kek.MutableExpose()); !s) return s;
  auto wrap = crypto::Aead::Create(crypto::AeadAlgorithm::kXChaCha20Poly1305, kek.Expose());
  if (!wrap) return Fail(wrap.error());
  const auto ad = WrapAd(salt, params.ops, params.mem_bytes);
  auto wrapped = wrap->Seal(nonce, ad, data_key);
  if (!wrapped) return Fail(wrapped.error());
  auto st = db.Prepare(
      "INSERT OR REPLACE INTO vault_key (id, kdf_salt, kdf_ops, kdf_mem, wrap_nonce, wrapped_key) "
      "VALUES (1, ?1, ?2, ?3, ?4, ?5)");
  if (!st) return Fail(st.error());
  if (auto s = st->BindBlob(1, salt); !s) return s;
  if (auto s = st->BindInt64(2, static_cast<int64_t>(params.ops)); !s) return s;
  if (auto s = st->BindInt64(3, static_cast<int64_t>(params.mem_bytes)); !s) return s;
  if (auto s = st->BindBlob(4, nonce); !s) return s;
  if (auto s = st->BindBlob(5, *wrapped); !s) return s;
  auto done = st->Step();
  if (!done) return Fail(done.error());
  return OkStatus();
}

// Opened: what Open learns from the key row.
Result<SecretArray<kKeySize>> UnwrapKey(Database& db, std::span<const uint8_t> passphrase) {
  auto st =
      db.Prepare("SELECT kdf_salt, kdf_ops, kdf_mem, wrap_nonce, wrapped_key FROM vault_key WHERE id = 1");
  if (!st) return Fail(st.error());
  auto row = st->Step();
  if (!row) return Fail(row.error());
  if (!*row) return Fail(Errc::kNotAClientVault);
  const auto salt = st->ColumnBlob(0);
  const int64_t ops = st->ColumnInt64(1);
  const int64_t mem = st->ColumnInt64(2);
  const auto nonce = st->ColumnBlob(3);
  const auto wrapped = st->ColumnBlob(4);
  if (ops <= 0 || mem <= 0 || static_cast<uint64_t>(ops) > kMaxFileArgon2Ops ||
      static_cast<uint64_t>(mem) > kMaxFileArgon2Mem || wrapped.size() != kKeySize + kTagSize) {
    return Fail(Errc::kTampered);
  }
  const crypto::Argon2Params params{static_cast<unsigned long long>(ops), static_cast<size_t>(mem)};
  SecretArray<kKeySize> kek;
  if (auto s = crypto::Argon2id(passphrase, salt, params, kek.MutableExpose()); !s) {
    return Fail(s.error() == crypto::Errc::kInvalidArgument ? Error(Errc::kTampered) : s.error());
  }
  auto wrap = crypto::Aead::Create(crypto::AeadAlgorithm::kXChaCha20Poly1305, kek.Expose());
  if (!wrap) return Fail(wrap.error());
  SecretArray<kKeySize> data_key;
  const auto ad = WrapAd(salt, static_cast<uint64_t>(ops), static_cast<uint64_t>(mem));
  if (auto s = wrap->Open(nonce, ad, wrapped, data_key.MutableExpose()); !s) {
    // A wrong passphrase and an altered key row are indistinguishable by design: both fail the tag.
    return Fail(Errc::kWrongPassphrase);
  }
  return data_key;
}

Result<Database> OpenDatabase(const std::string& path) {
  auto db = Database::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, "");
  if (!db) return Fail(db.error());
  auto application_id = db->QueryInt64("PRAGMA application_id");
  if (!application_id) return Fail(application_id.error());
  auto version = db->QueryInt64("PRAGMA user_version");
  if (!version) return Fail(version.error());
  if (*application_id != kClientVaultApplicationId || *version != kClientVaultSchemaVersion) {
    return Fail(Errc::kNotAClientVault);
  }
  if (auto s = Configure(*db); !s) return Fail(s.error());
  return std::move(*db);
}

}  // namespace

Result<ClientVault> ClientVault::Create(const std::string& path, std::span<const uint8_t> passphrase,
                                        const crypto::Argon2Params& params, Random& rng) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Fail(Errc::kAlreadyExists);
    if (errno == EROFS) return Fail(Errc::kReadOnly);
    return Fail(Errc::kCannotOpen);
  }
  ::close(fd);
  auto build = [&]() -> Result<ClientVault> {
    auto db = Database::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, "");
    if (!db) return Fail(db.error());
    if (auto s = Configure(*db); !s) return Fail(s.error());
    SecretArray<kKeySize> data_key;
    rng.Fill(data_key.MutableExpose());
    const std::string sql = std::string("BEGIN IMMEDIATE;") + kSchema +
                            "PRAGMA application_id=" + std::to_string(kClientVaultApplicationId) +
                            "; PRAGMA user_version=" + std::to_string(kClientVaultSchemaVersion) + ";";
    if (auto s = db->Exec(sql.c_str()); !s) {
      db->Rollback();
      return Fail(s.error());
    }
    if (auto s = WriteKeyRow(*db, passphrase, params, data_key.Expose(), rng); !s) {
      db->Rollback();
      return Fail(s.error());
    }
    if (auto s = db->Exec("COMMIT"); !s) {
      db->Rollback();
      return Fail(s.error());
    }
    if (auto s = internal::SyncDirectory(path); !s) return Fail(s.error());
    auto state = Prepare(std::move(*db));
    if (!state) return Fail(state.error());
    if (auto s = DeriveKeys(**state, data_key.Expose()); !s) return Fail(s.error());
    return ClientVault(std::move(*state));
  };
  auto vault = build();
  if (!vault) internal::RemoveDatabaseFiles(path);
  return vault;
}

Result<ClientVault> ClientVault::Open(const std::string& path, std::span<const uint8_t> passphrase) {
  auto db = OpenDatabase(path);
  if (!db) return Fail(db.error());
  auto data_key = UnwrapKey(*db, passphrase);
  if (!data_key) return Fail(data_key.error());
  auto state = Prepare(std::move(*db));
  if (!state) return Fail(state.error());
  if (auto s = DeriveKeys(**state, data_key->Expose()); !s) return Fail(s.error());
  return ClientVault(std::move(*state));
}

Status ClientVault::Begin() {
  if (state_->in_transaction) return Fail(Errc::kSqliteError);  // a bug: nested Begin
  if (auto s = state_->db.Exec("BEGIN IMMEDIATE"); !s) return s;
  state_->in_transaction = true;
  return OkStatus();
}

Status ClientVault::Commit() {
  if (!state_->in_transaction) return Fail(Errc::kSqliteError);
  state_->in_transaction = false;
  if (auto s = state_->db.Exec("COMMIT"); !s) {
    state_->db.Rollback();
    return s;
  }
  return OkStatus();
}

void ClientVault::Rollback() noexcept {
  if (!state_->in_transaction) return;
  state_->in_transaction = false;
  state_->db.Rollback();
}

Status ClientVault::Put(VaultTable table, std::span<const uint8_t> key, std::span<const uint8_t> value) {
  if (key.size() > kMaxVaultKeyBytes || value.size() > kMaxVaultValueBytes) {
    return Fail(sc::Errc::kLengthOverflow);
  }
  const auto index = state_->Index(table, key);
  SecretBytes plain;
  {
    ByteWriter w;
    (void)w.WriteU16(static_cast<uint16_t>(key.size()));
    (void)w.WriteBytes(key);
    (void)w.WriteBytes(value);
    auto bytes = std::move(w).Take();
    plain = SecretBytes(bytes);
    SecureWipe(bytes);
  }
  std::array<uint8_t, kNonceSize> nonce{};
  crypto::SystemCsprng().Fill(nonce);  // 192-bit random nonces: no counter to keep across processes
  const auto ad = State::RowAd(table, index.span());
  auto sealed = state_->seal->Seal(nonce, ad, plain.Expose());
  if (!sealed) return Fail(sealed.error());
  Statement& st = state_->put;
  st.Reset();
  if (auto s = st.BindInt64(1, static_cast<int64_t>(table)); !s) return s;
  if (auto s = st.BindBlob(2, index.span()); !s) return s;
  if (auto s = st.BindBlob(3, nonce); !s) return s;
  if (auto s = st.BindBlob(4, *sealed); !s) return s;
  auto done = st.Step();
  st.Reset();
  if (!done) return Fail(done.error());
  return OkStatus();
}

Result<std::optional<SecretBytes>> ClientVault::Get(VaultTable table, std::span<const uint8_t> key) {
  const auto index = state_->Index(table, key);
  Statement& st = state_->get;
  st.Reset();
  if (auto s = st.BindInt64(1, static_cast<int64_t>(table)); !s) return Fail(s.error());
  if (auto s = st.BindBlob(2, index.span()); !s) return Fail(s.error());
  auto row = st.Step();
  if (!row) {
    st.Reset();
    return Fail(row.error());
  }
  if (!*row) {
    st.Reset();
    return std::optional<SecretBytes>{};
  }
  auto opened = state_->Unseal(table, index.span(), st.ColumnBlob(0), st.ColumnBlob(1));
  st.Reset();
  if (!opened) return Fail(opened.error());
  // The stored key must be the one asked for: HMAC collisions aside, a mismatch is tampering.
  if (!ConstantTimeEqual(opened->first.Expose(), key)) return Fail(Errc::kTampered);
  return std::optional<SecretBytes>(std::move(opened->second));
}

Result<bool> ClientVault::Contains(VaultTable table, std::span<const uint8_t> key) {
  const auto index = state_->Index(table, key);
  Statement& st = state_->contains;
  st.Reset();
  if (auto s = st.BindInt64(1, static_cast<int64_t>(table)); !s) return Fail(s.error());
  if (auto s = st.BindBlob(2, index.span()); !s) return Fail(s.error());
  auto row = st.Step();
  st.Reset();
  if (!row) return Fail(row.error());
  return *row;
}

Result<bool> ClientVault::Delete(VaultTable table, std::span<const uint8_t> key) {
  const auto index = state_->Index(table, key);
  Statement& st = state_->del;
  st.Reset();
  if (auto s = st.BindInt64(1, static_cast<int64_t>(table)); !s) return Fail(s.error());
  if (auto s = st.BindBlob(2, index.span()); !s) return Fail(s.error());
  auto done = st.Step();
  st.Reset();
  if (!done) return Fail(done.error());
  return sqlite3_changes(state_->db.get()) > 0;
}

Result<std::vector<VaultRow>> ClientVault::List(VaultTable table, size_t limit) {
  Statement& st = state_->list;
  st.Reset();
  if (auto s = st.BindInt64(1, static_cast<int64_t>(table)); !s) return Fail(s.error());
  if (auto s = st.BindInt64(2, limit > INT64_MAX ? INT64_MAX : static_cast<int64_t>(limit)); !s) {
    return Fail(s.error());
  }
  std::vector<VaultRow> rows;
  for (;;) {
    auto row = st.Step();
    if (!row) {
      st.Reset();
      return Fail(row.error());
    }
    if (!*row) break;
    auto opened = state_->Unseal(table, st.ColumnBlob(0), st.ColumnBlob(1), st.ColumnBlob(2));
    if (!opened) {
      st.Reset();
      return Fail(opened.error());
    }
    // The index must be the one the decrypted key gives: a row copied under another index fails.
    const auto expected = state_->Index(table, opened->first.Expose());
    if (!ConstantTimeEqual(expected.span(), st.ColumnBlob(0))) {
      st.Reset();
      return Fail(Errc::kTampered);
    }
    rows.push_back(VaultRow{std::move(opened->first), std::move(opened->second), st.ColumnInt64(3)});
  }
  st.Reset();
  return rows;
}

Result<int64_t> ClientVault::Count(VaultTable table) {
  Statement& st = state_->count;
  st.Reset();
  if (auto s = st.BindInt64(1, static_cast<int64_t>(table)); !s) return Fail(s.error());
  auto row = st.Step();
  const int64_t n = (row && *row) ? st.ColumnInt64(0) : 0;
  st.Reset();
  if (!row) return Fail(row.error());
  return n;
}

Status ClientVault::DeleteOldest(VaultTable table, int64_t keep) {
  Statement& st = state_->trim;
  st.Reset();
  if (auto s = st.BindInt64(1, static_cast<int64_t>(table)); !s) return s;
  if (auto s = st.BindInt64(2, keep); !s) return s;
  auto done = st.Step();
  st.Reset();
  if (!done) return Fail(done.error());
  return OkStatus();
}

Status ClientVault::ChangePassphrase(std::span<const uint8_t> passphrase, const crypto::Argon2Params& params,
                                     Random& rng) {
  const bool own = !state_->in_transaction;
  if (own) {
    if (auto s = Begin(); !s) return s;
  }
  if (auto s = WriteKeyRow(state_->db, passphrase, params, state_->data_key.Expose(), rng); !s) {
    if (own) Rollback();
    return s;
  }
  return own ? Commit() : OkStatus();
}

}  // namespace sc::store
