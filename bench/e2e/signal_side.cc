// signal_side.cc: see signal_side.h. Written from the documentation in libsignal-protocol-c's
// public headers (signal_protocol.h: signal_crypto_provider and the store interfaces;
// session_builder.h, session_cipher.h, key_helper.h); none of the library's own test code.
#include "signal_side.h"

#include <key_helper.h>  // libsignal-protocol-c (pkg-config adds include/signal); C headers
#include <protocol.h>
#include <session_builder.h>
#include <session_cipher.h>
#include <session_pre_key.h>
#include <signal_protocol.h>

#include <climits>
#include <cstring>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

namespace sc::bench::e2e {
namespace {

using Bytes = std::vector<uint8_t>;

// ---------------------------------------------------------------------------------------------
// The crypto provider (signal_protocol.h, signal_crypto_provider), on OpenSSL 3 EVP. Everything
// that can be fetched or set up once is: the HMAC template (digest set), SHA-512, the six AES
// ciphers, and one cipher context reused by every encrypt / decrypt call (the benchmark is
// single-threaded, and so is the library's use of a provider within one context).

struct Provider {
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* hmac_template = nullptr;  // HMAC, digest SHA-256, no key yet
  EVP_MD* sha512 = nullptr;
  EVP_CIPHER* ciphers[2][3] = {};  // [CBC, CTR][AES-128, AES-192, AES-256]
  EVP_CIPHER_CTX* cipher_ctx = nullptr;
  Bytes scratch;  // cipher output before it is copied into a signal_buffer

  bool Init() {
    mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    hmac_template = mac != nullptr ? EVP_MAC_CTX_new(mac) : nullptr;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    if (hmac_template == nullptr || EVP_MAC_CTX_set_params(hmac_template, params) != 1) return false;
    sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
    cipher_ctx = EVP_CIPHER_CTX_new();
    static constexpr const char* kNames[2][3] = {{"AES-128-CBC", "AES-192-CBC", "AES-256-CBC"},
                                                 {"AES-128-CTR", "AES-192-CTR", "AES-256-CTR"}};
    for (int m = 0; m < 2; ++m) {
      for (int k = 0; k < 3; ++k) {
        ciphers[m][k] = EVP_CIPHER_fetch(nullptr, kNames[m][k], nullptr);
        if (ciphers[m][k] == nullptr) return false;
      }
    }
    return sha512 != nullptr && cipher_ctx != nullptr;
  }
  ~Provider() {
    EVP_CIPHER_CTX_free(cipher_ctx);
    for (auto& mode : ciphers) {
      for (EVP_CIPHER* c : mode) EVP_CIPHER_free(c);
    }
    EVP_MD_free(sha512);
    EVP_MAC_CTX_free(hmac_template);
    EVP_MAC_free(mac);
  }
};

Provider& P(void* user_data) {
  return *static_cast<Provider*>(user_data);
}

int RandomBytes(uint8_t* data, size_t len, void*) {
  return len <= INT_MAX && RAND_bytes(data, static_cast<int>(len)) == 1 ? SG_SUCCESS : SG_ERR_UNKNOWN;
}

int HmacInit(void** hmac_context, const uint8_t* key, size_t key_len, void* user_data) {
  static const uint8_t kEmpty = 0;  // a null key would mean "keep the old key" to EVP_MAC_init
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(P(user_data).hmac_template);
  if (ctx == nullptr) return SG_ERR_NOMEM;
  if (EVP_MAC_init(ctx, key_len == 0 ? &kEmpty : key, key_len, nullptr) != 1) {
    EVP_MAC_CTX_free(ctx);
    return SG_ERR_UNKNOWN;
  }
  *hmac_context = ctx;
  return SG_SUCCESS;
}
int HmacUpdate(void* hmac_context, const uint8_t* data, size_t data_len, void*) {
  return EVP_MAC_update(static_cast<EVP_MAC_CTX*>(hmac_context), data, data_len) == 1 ? SG_SUCCESS
                                                                                      : SG_ERR_UNKNOWN;
}
int HmacFinal(void* hmac_context, signal_buffer** output, void*) {
  uint8_t md[32];
  size_t len = 0;
  if (EVP_MAC_final(static_cast<EVP_MAC_CTX*>(hmac_context), md, &len, sizeof md) != 1) return SG_ERR_UNKNOWN;
  *output = signal_buffer_create(md, len);
  return *output != nullptr ? SG_SUCCESS : SG_ERR_NOMEM;
}
void HmacCleanup(void* hmac_context, void*) {
  EVP_MAC_CTX_free(static_cast<EVP_MAC_CTX*>(hmac_context));
}

int Sha512Init(void** digest_context, void* user_data) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return SG_ERR_NOMEM;
  if (EVP_DigestInit_ex2(ctx, P(user_data).sha512, nullptr) != 1) {
    EVP_MD_CTX_free(ctx);
    return SG_ERR_UNKNOWN;
  }
  *digest_context = ctx;
  return SG_SUCCESS;
}
int Sha512Update(void* digest_context, const uint8_t* data, size_t data_len, void*) {
  return EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(digest_context), data, data_len) == 1 ? SG_SUCCESS
                                                                                         : SG_ERR_UNKNOWN;
}
// "populate the output buffer with the result, and prepare the context for reuse"
int Sha512Final(void* digest_context, signal_buffer** output, void* user_data) {
  auto* ctx = static_cast<EVP_MD_CTX*>(digest_context);
  uint8_t md[64];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx, md, &len) != 1 || EVP_DigestInit_ex2(ctx, P(user_data).sha512, nullptr) != 1)
    return SG_ERR_UNKNOWN;
  *output = signal_buffer_create(md, len);
  return *output != nullptr ? SG_SUCCESS : SG_ERR_NOMEM;
}
void Sha512Cleanup(void* digest_context, void*) {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(digest_context));
}

// AesCrypt: SG_CIPHER_AES_CBC_PKCS5 (OpenSSL's default padding is PKCS#7, which is PKCS#5 for
// AES's 16-byte block) or SG_CIPHER_AES_CTR_NOPADDING; 128/192/256-bit keys, 16-byte IV.
int AesCrypt(signal_buffer** output, int cipher, const uint8_t* key, size_t key_len, const uint8_t* iv,
             size_t iv_len, const uint8_t* in, size_t in_len, int enc, void* user_data) {
  Provider& p = P(user_data);
  const int mode = cipher == SG_CIPHER_AES_CBC_PKCS5 ? 0 : cipher == SG_CIPHER_AES_CTR_NOPADDING ? 1 : -1;
  const int size = key_len == 16 ? 0 : key_len == 24 ? 1 : key_len == 32 ? 2 : -1;
  if (mode < 0 || size < 0 || iv_len != 16 || in_len > INT_MAX - 32) return SG_ERR_INVAL;
  p.scratch.resize(in_len + 16);
  int len = 0, fin = 0;
  if (EVP_CipherInit_ex2(p.cipher_ctx, p.ciphers[mode][size], key, iv, enc, nullptr) != 1 ||
      EVP_CipherUpdate(p.cipher_ctx, p.scratch.data(), &len, in, static_cast<int>(in_len)) != 1 ||
      EVP_CipherFinal_ex(p.cipher_ctx, p.scratch.data() + len, &fin) != 1) {
    return SG_ERR_UNKNOWN;
  }
  *output = signal_buffer_create(p.scratch.data(), static_cast<size_t>(len + fin));
  return *output != nullptr ? SG_SUCCESS : SG_ERR_NOMEM;
}
int AesEncrypt(signal_buffer** output, int cipher, const uint8_t* key, size_t key_len, const uint8_t* iv,
               size_t iv_len, const uint8_t* plaintext, size_t plaintext_len, void* user_data) {
  return AesCrypt(output, cipher, key, key_len, iv, iv_len, plaintext, plaintext_len, 1, user_data);
}
int AesDecrypt(signal_buffer** output, int cipher, const uint8_t* key, size_t key_len, const uint8_t* iv,
               size_t iv_len, const uint8_t* ciphertext, size_t ciphertext_len, void* user_data) {
  return AesCrypt(output, cipher, key, key_len, iv, iv_len, ciphertext, ciphertext_len, 0, user_data);
}

// ---------------------------------------------------------------------------------------------
// One party's stores (signal_protocol.h): serialized records in std::map, in memory.

using AddressKey = std::pair<std::string, int32_t>;
AddressKey Key(const signal_protocol_address* a) {
  return {std::string(a->name, a->name_len), a->device_id};
}
signal_buffer* Buffer(const Bytes& b) {
  return signal_buffer_create(b.data(), b.size());
}

struct Party {
  uint32_t registration_id = 0;
  Bytes identity_public, identity_private;  // ec_public_key_serialize / ec_private_key_serialize
  std::map<AddressKey, Bytes> sessions, identities;
  std::map<uint32_t, Bytes> pre_keys, signed_pre_keys;
  signal_protocol_store_context* store = nullptr;
};
Party& Of(void* user_data) {
  return *static_cast<Party*>(user_data);
}

int LoadSession(signal_buffer** record, signal_buffer**, const signal_protocol_address* address, void* ud) {
  auto it = Of(ud).sessions.find(Key(address));
  if (it == Of(ud).sessions.end()) return 0;
  *record = Buffer(it->second);
  return *record != nullptr ? 1 : SG_ERR_NOMEM;
}
int SubDeviceSessions(signal_int_list** sessions, const char* name, size_t name_len, void* ud) {
  signal_int_list* list = signal_int_list_alloc();
  if (list == nullptr) return SG_ERR_NOMEM;
  const std::string_view n(name, name_len);
  for (const auto& [key, record] : Of(ud).sessions) {
    if (key.first == n && signal_int_list_push_back(list, key.second) != 0) {
      signal_int_list_free(list);
      return SG_ERR_NOMEM;
    }
  }
  *sessions = list;
  return static_cast<int>(signal_int_list_size(list));
}
int StoreSession(const signal_protocol_address* address, uint8_t* record, size_t record_len, uint8_t*, size_t,
                 void* ud) {
  Of(ud).sessions[Key(address)].assign(record, record + record_len);
  return SG_SUCCESS;
}
int ContainsSession(const signal_protocol_address* address, void* ud) {
  return Of(ud).sessions.count(Key(address)) != 0 ? 1 : 0;
}
int DeleteSession(const signal_protocol_address* address, void* ud) {
  return Of(ud).sessions.erase(Key(address)) != 0 ? 1 : 0;
}
int DeleteAllSessions(const char* name, size_t name_len, void* ud) {
  return static_cast<int>(
      std::erase_if(Of(ud).sessions,
                    [n = std::string_view(name, name_len)](const auto& kv) { return kv.first.first == n; }));
}

int LoadRecord(const std::map<uint32_t, Bytes>& records, signal_buffer** record, uint32_t id) {
  auto it = records.find(id);
  if (it == records.end()) return SG_ERR_INVALID_KEY_ID;
  *record = Buffer(it->second);
  return *record != nullptr ? SG_SUCCESS : SG_ERR_NOMEM;
}
int LoadPreKey(signal_buffer** record, uint32_t id, void* ud) {
  return LoadRecord(Of(ud).pre_keys, record, id);
}
int StorePreKey(uint32_t id, uint8_t* record, size_t len, void* ud) {
  Of(ud).pre_keys[id].assign(record, record + len);
  return SG_SUCCESS;
}
int ContainsPreKey(uint32_t id, void* ud) {
  return Of(ud).pre_keys.count(id) != 0 ? 1 : 0;
}
int RemovePreKey(uint32_t id, void* ud) {
  Of(ud).pre_keys.erase(id);
  return SG_SUCCESS;
}
int LoadSignedPreKey(signal_buffer** record, uint32_t id, void* ud) {
  return LoadRecord(Of(ud).signed_pre_keys, record, id);
}
int StoreSignedPreKey(uint32_t id, uint8_t* record, size_t len, void* ud) {
  Of(ud).signed_pre_keys[id].assign(record, record + len);
  return SG_SUCCESS;
}
int ContainsSignedPreKey(uint32_t id, void* ud) {
  return Of(ud).signed_pre_keys.count(id) != 0 ? 1 : 0;
}
int RemoveSignedPreKey(uint32_t id, void* ud) {
  Of(ud).signed_pre_keys.erase(id);
  return SG_SUCCESS;
}

int GetIdentityKeyPair(signal_buffer** public_data, signal_buffer** private_data, void* ud) {
  *public_data = Buffer(Of(ud).identity_public);
  *private_data = Buffer(Of(ud).identity_private);
  return *public_data != nullptr && *private_data != nullptr ? SG_SUCCESS : SG_ERR_NOMEM;
}
int GetRegistrationId(void* ud, uint32_t* registration_id) {
  *registration_id = Of(ud).registration_id;
  return SG_SUCCESS;
}
int SaveIdentity(const signal_protocol_address* address, uint8_t* key_data, size_t key_len, void* ud) {
  if (key_data == nullptr) {
    Of(ud).identities.erase(Key(address));
  } else {
    Of(ud).identities[Key(address)].assign(key_data, key_data + key_len);
  }
  return SG_SUCCESS;
}
// Trust on first use, as the interface's documentation describes.
int IsTrustedIdentity(const signal_protocol_address* address, uint8_t* key_data, size_t key_len, void* ud) {
  auto it = Of(ud).identities.find(Key(address));
  if (it == Of(ud).identities.end()) return 1;
  return it->second.size() == key_len && std::memcmp(it->second.data(), key_data, key_len) == 0 ? 1 : 0;
}

bool SetStores(Party& party, signal_context* ctx) {
  if (signal_protocol_store_context_create(&party.store, ctx) != 0) return false;
  const signal_protocol_session_store sessions{
      LoadSession,   SubDeviceSessions, StoreSession, ContainsSession,
      DeleteSession, DeleteAllSessions, nullptr,      &party};
  const signal_protocol_pre_key_store pre_keys{LoadPreKey,   StorePreKey, ContainsPreKey,
                                               RemovePreKey, nullptr,     &party};
  const signal_protocol_signed_pre_key_store signed_pre_keys{
      LoadSignedPreKey, StoreSignedPreKey, ContainsSignedPreKey, RemoveSignedPreKey, nullptr, &party};
  const signal_protocol_identity_key_store identity{GetIdentityKeyPair, GetRegistrationId, SaveIdentity,
                                                    IsTrustedIdentity,  nullptr,           &party};
  return signal_protocol_store_context_set_session_store(party.store, &sessions) == 0 &&
         signal_protocol_store_context_set_pre_key_store(party.store, &pre_keys) == 0 &&
         signal_protocol_store_context_set_signed_pre_key_store(party.store, &signed_pre_keys) == 0 &&
         signal_protocol_store_context_set_identity_key_store(party.store, &identity) == 0;
}

Bytes Take(signal_buffer* b) {
  Bytes out(signal_buffer_data(b), signal_buffer_data(b) + signal_buffer_len(b));
  signal_buffer_bzero_free(b);
  return out;
}

constexpr uint32_t kSignedPreKeyId = 1;
constexpr uint32_t kPreKeyId = 100;
constexpr int32_t kDeviceId = 1;

}  // namespace

struct SignalSide::Impl {
  Provider provider;
  signal_context* ctx = nullptr;
  Party alice, bob;
  // The addresses each side files the other's session under; session_cipher keeps the pointer.
  const signal_protocol_address bob_address{"bob", 3, kDeviceId};      // in Alice's store
  const signal_protocol_address alice_address{"alice", 5, kDeviceId};  // in Bob's store
  ec_public_key* bob_identity = nullptr;
  session_pre_key_bundle* bundle = nullptr;
  Bytes pre_key_record;  // Bob's one-time prekey, serialized, to put back for each Handshake
  session_builder* alice_builder = nullptr;
  session_cipher* alice_cipher = nullptr;
  session_cipher* bob_cipher = nullptr;
  size_t last_wire_size = 0;
  std::string error;

  bool Fail(const char* what, int rc) {
    error = std::string("libsignal-protocol-c: ") + what + " returned " + std::to_string(rc);
    return false;
  }

  ~Impl() {
    session_cipher_free(alice_cipher);
    session_cipher_free(bob_cipher);
    session_builder_free(alice_builder);
    if (bundle != nullptr) SIGNAL_UNREF(bundle);
    if (bob_identity != nullptr) SIGNAL_UNREF(bob_identity);
    if (alice.store != nullptr) signal_protocol_store_context_destroy(alice.store);
    if (bob.store != nullptr) signal_protocol_store_context_destroy(bob.store);
    if (ctx != nullptr) signal_context_destroy(ctx);
  }

  // MakeIdentity gives `party` an identity key pair and a registration id; returns the pair (one
  // reference, the caller's).
  bool MakeIdentity(Party& party, ratchet_identity_key_pair** pair) {
    int rc = signal_protocol_key_helper_generate_identity_key_pair(pair, ctx);
    if (rc != 0) return Fail("generate_identity_key_pair", rc);
    signal_buffer* pub = nullptr;
    signal_buffer* priv = nullptr;
    if ((rc = ec_public_key_serialize(&pub, ratchet_identity_key_pair_get_public(*pair))) != 0 ||
        (rc = ec_private_key_serialize(&priv, ratchet_identity_key_pair_get_private(*pair))) != 0) {
      if (pub != nullptr) signal_buffer_free(pub);
      return Fail("key serialize", rc);
    }
    party.identity_public = Take(pub);
    party.identity_private = Take(priv);
    rc = signal_protocol_key_helper_generate_registration_id(&party.registration_id, 0, ctx);
    return rc == 0 || Fail("generate_registration_id", rc);
  }

  bool Init() {
    if (!provider.Init()) {
      error = "OpenSSL: cannot fetch HMAC, SHA-512 or AES";
      return false;
    }
    int rc = signal_context_create(&ctx, nullptr);
    if (rc != 0) return Fail("signal_context_create", rc);
    const signal_crypto_provider crypto{RandomBytes,   HmacInit,   HmacUpdate,   HmacFinal,
                                        HmacCleanup,   Sha512Init, Sha512Update, Sha512Final,
                                        Sha512Cleanup, AesEncrypt, AesDecrypt,   &provider};
    if ((rc = signal_context_set_crypto_provider(ctx, &crypto)) != 0) return Fail("set_crypto_provider", rc);
    if (!SetStores(alice, ctx) || !SetStores(bob, ctx)) return Fail("store setup", -1);

    ratchet_identity_key_pair* alice_pair = nullptr;
    ratchet_identity_key_pair* bob_pair = nullptr;
    const bool ok =
        MakeIdentity(alice, &alice_pair) && MakeIdentity(bob, &bob_pair) && MakeBobPrekeys(bob_pair);
    if (alice_pair != nullptr) SIGNAL_UNREF(alice_pair);
    if (bob_pair != nullptr) SIGNAL_UNREF(bob_pair);
    if (!ok) return false;

    if ((rc = session_builder_create(&alice_builder, alice.store, &bob_address, ctx)) != 0)
      return Fail("session_builder_create", rc);
    if ((rc = session_cipher_create(&alice_cipher, alice.store, &bob_address, ctx)) != 0 ||
        (rc = session_cipher_create(&bob_cipher, bob.store, &alice_address, ctx)) != 0) {
      return Fail("session_cipher_create", rc);
    }
    return true;
  }

  // MakeBobPrekeys: Bob's signed prekey and one one-time prekey, stored in his stores, and the
  // bundle Alice would fetch from a server.
  bool MakeBobPrekeys(ratchet_identity_key_pair* bob_pair) {
    session_signed_pre_key* spk = nullptr;
    int rc = signal_protocol_key_helper_generate_signed_pre_key(&spk, bob_pair, kSignedPreKeyId,
                                                                /*timestamp=*/1700000000000, ctx);
    if (rc != 0) return Fail("generate_signed_pre_key", rc);
    signal_protocol_key_helper_pre_key_list_node* head = nullptr;
    if ((rc = signal_protocol_key_helper_generate_pre_keys(&head, kPreKeyId, 1, ctx)) != 0) {
      SIGNAL_UNREF(spk);
      return Fail("generate_pre_keys", rc);
    }
    session_pre_key* pre_key = signal_protocol_key_helper_key_list_element(head);
    signal_buffer* spk_record = nullptr;
    signal_buffer* pk_record = nullptr;
    bob_identity = ratchet_identity_key_pair_get_public(bob_pair);
    SIGNAL_REF(bob_identity);
    rc = session_signed_pre_key_serialize(&spk_record, spk);
    if (rc == 0) rc = session_pre_key_serialize(&pk_record, pre_key);
    if (rc == 0) {
      rc = session_pre_key_bundle_create(&bundle, bob.registration_id, kDeviceId, kPreKeyId,
                                         ec_key_pair_get_public(session_pre_key_get_key_pair(pre_key)),
                                         kSignedPreKeyId,
                                         ec_key_pair_get_public(session_signed_pre_key_get_key_pair(spk)),
                                         session_signed_pre_key_get_signature(spk),
                                         session_signed_pre_key_get_signature_len(spk), bob_identity);
    }
    if (spk_record != nullptr) bob.signed_pre_keys[kSignedPreKeyId] = Take(spk_record);
    if (pk_record != nullptr) pre_key_record = Take(pk_record);
    signal_protocol_key_helper_key_list_free(head);
    SIGNAL_UNREF(spk);
    return rc == 0 || Fail("prekey setup", rc);
  }

  bool Send(bool from_alice, std::span<const uint8_t> plaintext) {
    session_cipher* enc = from_alice ? alice_cipher : bob_cipher;
    session_cipher* dec = from_alice ? bob_cipher : alice_cipher;
    ciphertext_message* message = nullptr;
    int rc = session_cipher_encrypt(enc, plaintext.data(), plaintext.size(), &message);
    if (rc != 0) return Fail("session_cipher_encrypt", rc);
    // The receiver parses the wire bytes, as it would after the network.
    signal_buffer* wire = ciphertext_message_get_serialized(message);  // owned by `message`
    last_wire_size = signal_buffer_len(wire);
    signal_buffer* out = nullptr;
    const char* step = "";
    if (ciphertext_message_get_type(message) == CIPHERTEXT_PREKEY_TYPE) {
      pre_key_signal_message* m = nullptr;
      step = "pre_key_signal_message_deserialize";
      rc = pre_key_signal_message_deserialize(&m, signal_buffer_data(wire), signal_buffer_len(wire), ctx);
      if (rc == 0) {
        step = "session_cipher_decrypt_pre_key_signal_message";
        rc = session_cipher_decrypt_pre_key_signal_message(dec, m, nullptr, &out);
        SIGNAL_UNREF(m);
      }
    } else {
      signal_message* m = nullptr;
      step = "signal_message_deserialize";
      rc = signal_message_deserialize(&m, signal_buffer_data(wire), signal_buffer_len(wire), ctx);
      if (rc == 0) {
        step = "session_cipher_decrypt_signal_message";
        rc = session_cipher_decrypt_signal_message(dec, m, nullptr, &out);
        SIGNAL_UNREF(m);
      }
    }
    SIGNAL_UNREF(message);
    if (rc != 0) return Fail(step, rc);
    const bool same = signal_buffer_len(out) == plaintext.size() &&
                      std::memcmp(signal_buffer_data(out), plaintext.data(), plaintext.size()) == 0;
    signal_buffer_bzero_free(out);
    if (!same) error = "libsignal-protocol-c: decrypted plaintext differs";
    return same;
  }

  bool Handshake(std::span<const uint8_t> plaintext) {
    // A fresh pair of sessions: without this the library would archive the previous state in the
    // record (up to 40 of them), and every later load and store would carry them.
    alice.sessions.clear();
    bob.sessions.clear();
    bob.pre_keys[kPreKeyId] = pre_key_record;
    const int rc = session_builder_process_pre_key_bundle(alice_builder, bundle);
    if (rc != 0) return Fail("session_builder_process_pre_key_bundle", rc);
    return Send(/*from_alice=*/true, plaintext);
  }
};

SignalSide::SignalSide(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SignalSide::~SignalSide() = default;

std::unique_ptr<SignalSide> SignalSide::Create(std::string* error) {
  auto impl = std::make_unique<Impl>();
  if (!impl->Init()) {
    *error = impl->error;
    return nullptr;
  }
  return std::unique_ptr<SignalSide>(new SignalSide(std::move(impl)));
}

bool SignalSide::Establish(std::span<const uint8_t> plaintext) {
  return impl_->Handshake(plaintext) && impl_->Send(/*from_alice=*/false, plaintext);
}
bool SignalSide::Send(bool from_alice, std::span<const uint8_t> plaintext) {
  return impl_->Send(from_alice, plaintext);
}
bool SignalSide::Handshake(std::span<const uint8_t> plaintext) {
  return impl_->Handshake(plaintext);
}
size_t SignalSide::last_wire_size() const {
  return impl_->last_wire_size;
}
const std::string& SignalSide::last_error() const {
  return impl_->error;
}

}  // namespace sc::bench::e2e
