// olm_side.cc: see olm_side.h.
#include "olm_side.h"

#include <olm/olm.h>

#include <climits>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/rand.h>

namespace sc::bench::e2e {
namespace {

using Bytes = std::vector<uint8_t>;

bool Random(Bytes& out, size_t n) {
  out.resize(n);
  return n == 0 || (n <= INT_MAX && RAND_bytes(out.data(), static_cast<int>(n)) == 1);
}

// After returns the text between `prefix` and the next double quote in `json`, "" if `prefix`
// is not there. Olm's key lists are small JSON objects of base64 strings:
//   identity keys   {"curve25519":"<key>","ed25519":"<key>"}
//   one-time keys   {"curve25519":{"AAAAAQ":"<key>"}}
std::string After(std::string_view json, std::string_view prefix) {
  const size_t at = json.find(prefix);
  if (at == std::string_view::npos) return {};
  const size_t begin = at + prefix.size();
  const size_t end = json.find('"', begin);
  return end == std::string_view::npos ? std::string() : std::string(json.substr(begin, end - begin));
}
std::string IdentityCurveKey(std::string_view json) {
  return After(json, "\"curve25519\":\"");
}
std::string FirstOneTimeKey(std::string_view json) {
  const size_t at = json.find("\"curve25519\":{");
  return at == std::string_view::npos ? std::string() : After(json.substr(at), "\":\"");
}

}  // namespace

struct OlmSide::Impl {
  Bytes alice_memory, bob_memory, alice_session_memory, bob_session_memory;
  OlmAccount* alice = nullptr;
  OlmAccount* bob = nullptr;
  OlmSession* alice_session = nullptr;
  OlmSession* bob_session = nullptr;
  bool bob_has_session = false;
  std::string bob_identity_key;  // Curve25519, base64
  Bytes random, message, copy, decrypted;
  size_t last_wire_size = 0;
  std::string error;

  bool Fail(const char* what, const char* olm_error) {
    error = std::string("libolm: ") + what + ": " + olm_error;
    return false;
  }

  ~Impl() {
    if (alice_session != nullptr) olm_clear_session(alice_session);
    if (bob_session != nullptr) olm_clear_session(bob_session);
    if (alice != nullptr) olm_clear_account(alice);
    if (bob != nullptr) olm_clear_account(bob);
  }

  bool MakeAccount(Bytes& memory, OlmAccount** account) {
    memory.resize(olm_account_size());
    *account = olm_account(memory.data());
    if (!Random(random, olm_create_account_random_length(*account))) return Fail("random", "RAND_bytes");
    if (olm_create_account(*account, random.data(), random.size()) == olm_error())
      return Fail("olm_create_account", olm_account_last_error(*account));
    return true;
  }

  bool Init() {
    if (!MakeAccount(alice_memory, &alice) || !MakeAccount(bob_memory, &bob)) return false;
    std::string keys(olm_account_identity_keys_length(bob), '\0');
    if (olm_account_identity_keys(bob, keys.data(), keys.size()) == olm_error())
      return Fail("olm_account_identity_keys", olm_account_last_error(bob));
    bob_identity_key = IdentityCurveKey(keys);
    if (bob_identity_key.empty()) return Fail("identity keys", "no curve25519 key in the JSON");
    alice_session_memory.resize(olm_session_size());
    bob_session_memory.resize(olm_session_size());
    alice_session = olm_session(alice_session_memory.data());
    bob_session = olm_session(bob_session_memory.data());
    return true;
  }

  bool Establish(std::span<const uint8_t> plaintext) {
    olm_clear_session(alice_session);
    olm_clear_session(bob_session);
    alice_session = olm_session(alice_session_memory.data());
    bob_session = olm_session(bob_session_memory.data());
    bob_has_session = false;
    // Bob publishes one one-time key; Alice fetches it with his identity key.
    if (!Random(random, olm_account_generate_one_time_keys_random_length(bob, 1)) ||
        olm_account_generate_one_time_keys(bob, 1, random.data(), random.size()) == olm_error()) {
      return Fail("olm_account_generate_one_time_keys", olm_account_last_error(bob));
    }
    std::string otks(olm_account_one_time_keys_length(bob), '\0');
    if (olm_account_one_time_keys(bob, otks.data(), otks.size()) == olm_error())
      return Fail("olm_account_one_time_keys", olm_account_last_error(bob));
    olm_account_mark_keys_as_published(bob);
    const std::string otk = FirstOneTimeKey(otks);
    if (otk.empty()) return Fail("one-time keys", "no curve25519 key in the JSON");
    if (!Random(random, olm_create_outbound_session_random_length(alice_session)) ||
        olm_create_outbound_session(alice_session, alice, bob_identity_key.data(), bob_identity_key.size(),
                                    otk.data(), otk.size(), random.data(), random.size()) == olm_error()) {
      return Fail("olm_create_outbound_session", olm_session_last_error(alice_session));
    }
    return Send(/*from_alice=*/true, plaintext) && Send(/*from_alice=*/false, plaintext);
  }

  bool Send(bool from_alice, std::span<const uint8_t> in) {
    OlmSession* sender = from_alice ? alice_session : bob_session;
    OlmSession* receiver = from_alice ? bob_session : alice_session;
    const size_t type = olm_encrypt_message_type(sender);
    if (!Random(random, olm_encrypt_random_length(sender))) return Fail("random", "RAND_bytes");
    message.resize(olm_encrypt_message_length(sender, in.size()));
    const size_t n = olm_encrypt(sender, in.data(), in.size(), random.data(), random.size(), message.data(),
                                 message.size());
    if (n == olm_error()) return Fail("olm_encrypt", olm_session_last_error(sender));
    last_wire_size = n;
    if (from_alice && !bob_has_session) {
      // Bob's side of the pre-key message: the inbound session (its 3DH), then the key is gone.
      copy.assign(message.begin(), message.begin() + static_cast<ptrdiff_t>(n));
      if (olm_create_inbound_session(bob_session, bob, copy.data(), n) == olm_error())
        return Fail("olm_create_inbound_session", olm_session_last_error(bob_session));
      if (olm_remove_one_time_keys(bob, bob_session) == olm_error())
        return Fail("olm_remove_one_time_keys", olm_account_last_error(bob));
      bob_has_session = true;
    }
    copy.assign(message.begin(), message.begin() + static_cast<ptrdiff_t>(n));  // olm_decrypt destroys it
    decrypted.resize(n);  // the base64 message is longer than its plaintext
    const size_t got = olm_decrypt(receiver, type, copy.data(), n, decrypted.data(), decrypted.size());
    if (got == olm_error()) return Fail("olm_decrypt", olm_session_last_error(receiver));
    if (got != in.size() || std::memcmp(decrypted.data(), in.data(), got) != 0) {
      error = "libolm: decrypted plaintext differs";
      return false;
    }
    return true;
  }
};

OlmSide::OlmSide(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OlmSide::~OlmSide() = default;

std::unique_ptr<OlmSide> OlmSide::Create(std::string* error) {
  auto impl = std::make_unique<Impl>();
  if (!impl->Init()) {
    *error = impl->error;
    return nullptr;
  }
  return std::unique_ptr<OlmSide>(new OlmSide(std::move(impl)));
}

bool OlmSide::Establish(std::span<const uint8_t> plaintext) {
  return impl_->Establish(plaintext);
}
bool OlmSide::Send(bool from_alice, std::span<const uint8_t> plaintext) {
  return impl_->Send(from_alice, plaintext);
}
size_t OlmSide::last_wire_size() const {
  return impl_->last_wire_size;
}
const std::string& OlmSide::last_error() const {
  return impl_->error;
}

}  // namespace sc::bench::e2e
