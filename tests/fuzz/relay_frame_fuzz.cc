// Fuzz target: the relay's request decoder and handlers (docs/protocol/relay.md §4-§8), from the
// bytes of an SCP record to the committed store, run as the relay server runs them: each record
// is parsed with ClientFrame::ParseFromArray (relay_server/src/connection.cc); a frame that
// parses goes to Service::Handle in a savepoint of a store transaction, its writes kept iff
// ok() or keep_writes, the batch committed, then Service::ApplyCommitted (relay/src/store_worker.cc).
//
// Input: relay_frame_fixture.h. The relay starts with two accounts, three devices and session 0
// logged in, so that records reach every authenticated handler. That state is written with store
// calls for each input (an SRP-3072 login per input would be far too slow); once per process it
// is checked to equal what a genuine register, SRP login and prekey upload through the service
// leave behind.
//
// Invariants (abort on violation): Handle never throws; the response echoes the request_id and
// carries a valid error code that a response may carry; a refused request (keep_writes or not)
// has no body and no effects and changes no queue depth; an accepted one changes exactly the
// queue depths it implies (send: +1 per envelope; ack: -removed on the sender's device;
// remove_device: that queue is gone); the in-memory store never fails (no STORAGE_FAILURE); an
// authenticated request only succeeds for a device that existed when its batch began (Strict).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "securecomm/base/byte_reader.h"
#include "securecomm/base/clock.h"
#include "securecomm/base/log.h"
#include "securecomm/base/random.h"
#include "securecomm/crypto/srp.h"
#include "securecomm/crypto/x25519.h"
#include "securecomm/e2e/prekey.h"
#include "securecomm/relay/limits.h"
#include "securecomm/relay/requests.h"
#include "securecomm/relay/service.h"
#include "securecomm/store/errors.h"
#include "securecomm/store/memory_relay_store.h"

#include "relay_frame_fixture.h"

namespace {

using namespace sc;
using namespace sc::relay_frame_fuzz;
using relay::Outcome;
using relay::Service;
using relay::SessionContext;
using store::DeviceAddress;

[[noreturn]] void Fail(const char* what, int line) {
  std::fprintf(stderr, "invariant failed at %s:%d: %s\n", __FILE__, line, what);
  std::abort();
}
#define Require(ok)                 \
  do {                              \
    if (!(ok)) Fail(#ok, __LINE__); \
  } while (0)

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
std::string String(std::span<const uint8_t> b) {
  return {b.begin(), b.end()};
}

store::PublicKey32 PublicKeyOf(uint8_t fill) {
  store::PublicKey32 out;
  const auto key = Identity(fill);
  std::copy(key.public_key().span().begin(), key.public_key().span().end(), out.begin());
  return out;
}

// Per-device queue limit: small, as a relay operator may set it, so that QUEUE_FULL is reachable.
constexpr uint32_t kQueueLimit = 8;

relay::ServiceOptions Options() {
  relay::ServiceOptions o;
  o.decoy_key = SecretArray<32>::FromSpan(std::span<const uint8_t, 32>(std::array<uint8_t, 32>{0x5e}));
  o.max_queued_per_device = kQueueLimit;
  return o;
}

// ---- The starting state ----

struct Fixture {
  crypto::SrpVerifier alice;
  crypto::SrpVerifier bob;
  store::SignedPrekey bob_signed;
  std::vector<store::OneTimePrekey> bob_one_time;
};

// Populate writes the fixture with store calls, as the service would have written it.
void Populate(store::RelayStore& store, const Fixture& f, int64_t now) {
  Require(store.Begin());
  Require(store.CreateAccount({kAliceName, f.alice.salt, f.alice.verifier, 3072, now}).value_or(0) ==
          kAlice1.account);
  Require(store.CreateAccount({kBobName, f.bob.salt, f.bob.verifier, 3072, now}).value_or(0) ==
          kBob1.account);
  Require(store.AddDevice(kAlice1.account, PublicKeyOf(kAlice1Key), now).value_or(0) == kAlice1.device);
  Require(store.AddDevice(kAlice2.account, PublicKeyOf(kAlice2Key), now).value_or(0) == kAlice2.device);
  Require(store.AddDevice(kBob1.account, PublicKeyOf(kBob1Key), now).value_or(0) == kBob1.device);
  Require(store.SetSignedPrekey(kBob1, f.bob_signed));
  Require(store.AddOneTimePrekeys(kBob1, f.bob_one_time).value_or(0) == kBobOneTimePrekeys);
  Require(store.Commit());
}

SessionContext NewSession(std::string address, uint8_t key, std::optional<DeviceAddress> device) {
  SessionContext s;
  s.peer_address = std::move(address);
  s.peer_identity = PublicKeyOf(key);
  s.device = device;
  return s;
}

// Step runs one request as the store worker runs a batch of one.
Outcome Step(store::RelayStore& store, Service& service, SessionContext& s, pb::ClientFrame f) {
  f.set_version(relay::kProtocolVersion);
  Require(store.Begin());
  Require(store.Savepoint());
  Outcome out = service.Handle(s, f);
  if (out.ok() || out.keep_writes) {
    Require(store.ReleaseSavepoint());
  } else {
    store.RollbackToSavepoint();
  }
  Require(store.Commit());
  Service::ApplyCommitted(s, out);
  return out;
}

void GenuineRegister(store::RelayStore& store, Service& service, const std::string& name,
                     const crypto::SrpVerifier& v) {
  SessionContext s = NewSession("192.0.2.1", kStrangerKey, std::nullopt);
  pb::ClientFrame f;
  auto* r = f.mutable_register_();
  r->set_username(name);
  r->set_srp_group(static_cast<uint32_t>(v.group));
  r->set_srp_salt(String(v.salt));
  r->set_srp_verifier(String(v.verifier));
  Require(Step(store, service, s, f).ok());
}

SessionContext GenuineLogin(store::RelayStore& store, Service& service, Random& rng, uint8_t key,
                            const std::string& name, const std::string& password) {
  SessionContext s = NewSession("192.0.2.1", key, std::nullopt);
  auto client = crypto::SrpClient::Start(crypto::SrpGroup::k3072, rng);
  Require(client);
  pb::ClientFrame start;
  start.mutable_login_start()->set_username(name);
  start.mutable_login_start()->set_srp_a(String(client->A()));
  const Outcome challenge = Step(store, service, s, start);
  Require(challenge.ok());
  auto m1 = client->Respond(name, Bytes(password), Bytes(challenge.response.login_start().srp_salt()),
                            Bytes(challenge.response.login_start().srp_b()));
  Require(m1);
  pb::ClientFrame finish;
  finish.mutable_login_finish()->set_srp_m1(String(*m1));
  const Outcome done = Step(store, service, s, finish);
  Require(done.ok() && s.device);
  Require(client->VerifyServer(Bytes(done.response.login_finish().srp_m2())));
  return s;
}

// Describe returns everything the fixture's accounts hold, as text. It takes prekey bundles:
// only for stores about to be thrown away.
std::string Describe(store::RelayStore& store) {
  std::string out;
  for (const char* name : {kAliceName, kBobName}) {
    auto a = store.FindAccount(name);
    Require(a);
    out += std::to_string(a->id) + " " + a->username + " " + String(a->srp_salt) + String(a->srp_verifier) +
           " " + std::to_string(a->srp_group_bits) + " " + std::to_string(a->created_ms) + " " +
           std::to_string(a->failed_logins) + " " + std::to_string(a->locked_until_ms) + "\n";
    auto devices = store.ListDevices(a->id);
    Require(devices);
    for (const auto& d : *devices) {
      const DeviceAddress at{a->id, d.id};
      out += " device " + std::to_string(d.id) + " " + String(d.identity_key) + " " +
             std::to_string(d.created_ms);
      out += " queue " + std::to_string(store.QueueDepth(at).value_or(999));
      out += " one-time " + std::to_string(store.CountOneTimePrekeys(at).value_or(999));
      if (auto b = store.TakePrekeyBundle(at)) {
        out += " signed " + std::to_string(b->signed_prekey.id) + String(b->signed_prekey.public_key) +
               String(b->signed_prekey.signature);
        out += " first " +
               (b->one_time ? std::to_string(b->one_time->id) + String(b->one_time->public_key) : "-");
      }
      out += "\n";
    }
  }
  return out;
}

Fixture MakeFixture() {
  Fixture f;
  f.alice = crypto::SrpMakeVerifier(kAliceName, Bytes(kAlicePassword), std::vector<uint8_t>(16, 0x5a),
                                    crypto::SrpGroup::k3072)
                .value();
  f.bob = crypto::SrpMakeVerifier(kBobName, Bytes(kBobPassword), std::vector<uint8_t>(16, 0x5b),
                                  crypto::SrpGroup::k3072)
              .value();
  const auto spk = crypto::X25519KeyPair::FromPrivate(
      crypto::X25519PrivateKey::FromSpan(std::vector<uint8_t>(32, 0xd1)).value());
  f.bob_signed.id = 1;
  std::copy(spk.public_key.span().begin(), spk.public_key.span().end(), f.bob_signed.public_key.begin());
  const auto sig = Identity(kBob1Key).Sign(e2e::SignedPrekeyMessage(1, spk.public_key));
  std::copy(sig.span().begin(), sig.span().end(), f.bob_signed.signature.begin());
  for (uint32_t id = 1; id <= kBobOneTimePrekeys; ++id) {
    store::OneTimePrekey k;
    k.id = id;
    k.public_key.fill(static_cast<uint8_t>(id));
    f.bob_one_time.push_back(k);
  }

  // The check: the same state through the service, with genuine SRP logins.
  ManualClock clock;
  DeterministicRandom rng(7);
  store::MemoryRelayStore genuine;
  Service service(genuine, clock, rng, Options());
  GenuineRegister(genuine, service, kAliceName, f.alice);
  GenuineRegister(genuine, service, kBobName, f.bob);
  Require(GenuineLogin(genuine, service, rng, kAlice1Key, kAliceName, kAlicePassword).device == kAlice1);
  Require(GenuineLogin(genuine, service, rng, kAlice2Key, kAliceName, kAlicePassword).device == kAlice2);
  SessionContext bob = GenuineLogin(genuine, service, rng, kBob1Key, kBobName, kBobPassword);
  Require(bob.device == kBob1);
  pb::ClientFrame upload;
  auto* u = upload.mutable_upload_prekeys();
  u->mutable_signed_prekey()->set_id(f.bob_signed.id);
  u->mutable_signed_prekey()->set_public_key(String(f.bob_signed.public_key));
  u->mutable_signed_prekey()->set_signature(String(f.bob_signed.signature));
  for (const auto& k : f.bob_one_time) {
    auto* o = u->add_one_time_prekeys();
    o->set_id(k.id);
    o->set_public_key(String(k.public_key));
  }
  Require(Step(genuine, service, bob, upload).ok());
  store::MemoryRelayStore direct;
  Populate(direct, f, clock.UnixMillis());
  Require(Describe(genuine) == Describe(direct));
  return f;
}

const Fixture& TheFixture() {
  static const Fixture fixture = [] {
    log::Configure(log::Level::kError, log::Format::kText);  // failed logins log at info, thousands a second
    return MakeFixture();
  }();
  return fixture;
}

// ---- The relay under test ----

// Every device the fixture has, and two it never has (nothing may create them: a new device
// needs a correct SRP proof).
constexpr std::array<DeviceAddress, 5> kWatched = {kAlice1, kAlice2, DeviceAddress{1, 3}, kBob1,
                                                   DeviceAddress{2, 2}};
using Depths = std::array<std::optional<uint32_t>, kWatched.size()>;

// NeedsLogin: the request table's login rule (relay/requests.h), the one the service applies.
bool NeedsLogin(const pb::ClientFrame& f) {
  const relay::RequestType* type = relay::FindRequestType(f.body_case());
  return type != nullptr && type->needs_login;
}

// A request that needs a login succeeds only while its device exists, even when another session
// removed it earlier in the same batch (corpus/relay_frame_fuzz/regression-removed-device-acts-
// in-batch was the fuzzer's reproducer before Service::Handle checked it).
bool EnvIs1(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && std::string_view(v) == "1";
}
// Trace: SC_RELAY_FUZZ_TRACE=1 prints each request and its answer, to read a reproducer.
bool Trace() {
  static const bool trace = EnvIs1("SC_RELAY_FUZZ_TRACE");
  return trace;
}

class Relay {
 public:
  Relay(const Fixture& fixture, Setup setup) : service_(store_, clock_, rng_, Options()) {
    Populate(store_, fixture, clock_.UnixMillis());
    sessions_[0].ctx = NewSession("192.0.2.10", kAlice1Key, kAlice1);
    switch (setup) {
      case Setup::kStranger:
        sessions_[1].ctx = NewSession("198.51.100.20", kStrangerKey, std::nullopt);
        break;
      case Setup::kBob:
        sessions_[1].ctx = NewSession("198.51.100.20", kBob1Key, kBob1);
        break;
      case Setup::kAlice2:
        sessions_[1].ctx = NewSession("198.51.100.20", kAlice2Key, kAlice2);
        break;
      case Setup::kAlice2LoggedOut:
        sessions_[1].ctx = NewSession("198.51.100.20", kAlice2Key, std::nullopt);
        break;
    }
  }

  void Advance(std::chrono::milliseconds d) { clock_.Advance(d); }

  // Request runs `frame` from session `i`: in the open transaction if `join` (group commit),
  // else in a new one after committing the open one.
  void Request(size_t i, bool join, const pb::ClientFrame& frame) {
    if (!join || batch_.size() >= relay::kMaxJobsPerBatch) Commit();
    Session& s = sessions_[i];
    if (s.ended) return;
    const bool new_batch = !open_;
    if (!open_) {
      Require(store_.Begin());
      open_ = true;
    }
    const Depths before = ReadDepths();
    const auto k = s.ctx.device ? Index(*s.ctx.device) : std::nullopt;
    const bool device_exists = k && before[*k];
    Require(store_.Savepoint());
    Outcome out;
    try {
      out = service_.Handle(s.ctx, frame);
    } catch (...) {
      Fail("Handle threw", __LINE__);
    }
    if (out.ok() || out.keep_writes) {
      Require(store_.ReleaseSavepoint());
    } else {
      store_.RollbackToSavepoint();
    }
    const Depths after = ReadDepths();
    if (Trace()) {
      std::fprintf(stderr, "%s session %zu: request %llu body %d -> %s%s\n",
                   new_batch ? "new batch" : "  batched", i,
                   static_cast<unsigned long long>(frame.request_id()), static_cast<int>(frame.body_case()),
                   pb::ErrorCode_Name(out.response.error()).c_str(), out.keep_writes ? " (keep writes)" : "");
    }
    CheckResponse(s.ctx, frame, out);
    CheckDepths(s.ctx, frame, out, before, after);
    if (out.ok() && NeedsLogin(frame)) Require(device_exists);
    batch_.push_back(Job{i, std::move(out)});
  }

  // Commit commits the open batch, then applies each outcome to its session as the store
  // worker's done callbacks do, and ends the sessions of removed devices as the adapter does
  // (connection.cc: End(DEVICE_REMOVED)).
  void Commit() {
    if (!open_) return;
    Require(store_.Commit());
    open_ = false;
    std::array<std::optional<DeviceAddress>, 2> devices = {sessions_[0].ctx.device, sessions_[1].ctx.device};
    std::vector<DeviceAddress> removed;
    for (const Job& job : batch_) {
      Service::ApplyCommitted(sessions_[job.session].ctx, job.outcome);
      removed.insert(removed.end(), job.outcome.effects.removed_devices.begin(),
                     job.outcome.effects.removed_devices.end());
    }
    for (size_t i = 0; i < sessions_.size(); ++i) {
      if (devices[i] && std::find(removed.begin(), removed.end(), *devices[i]) != removed.end()) {
        sessions_[i].ended = true;
      }
    }
    batch_.clear();
    for (auto& s : sessions_) {
      if (!s.ended && s.ctx.device) Require(store_.GetDevice(*s.ctx.device));
    }
  }

  // Purge runs the store worker's idle job (apps/relay/main.cc) in its own transaction.
  void Purge() {
    Commit();
    Require(store_.Begin());
    auto n = service_.PurgeExpired();
    Require(n && *n <= relay::kPurgeBatch);
    Require(store_.Commit());
  }

 private:
  struct Session {
    SessionContext ctx;
    bool ended = false;
  };
  struct Job {
    size_t session;
    Outcome outcome;
  };

  static std::optional<size_t> Index(DeviceAddress a) {
    for (size_t k = 0; k < kWatched.size(); ++k) {
      if (kWatched[k] == a) return k;
    }
    return std::nullopt;
  }

  Depths ReadDepths() {
    Depths d;
    for (size_t k = 0; k < kWatched.size(); ++k) {
      auto depth = store_.QueueDepth(kWatched[k]);
      if (depth) {
        d[k] = *depth;
      } else {
        Require(depth.error() == store::Errc::kNotFound);
      }
    }
    return d;
  }

  static void CheckResponse(const SessionContext& s, const pb::ClientFrame& frame, const Outcome& out) {
    const pb::Response& r = out.response;
    const pb::ErrorCode code = r.error();
    Require(r.request_id() == frame.request_id());
    Require(pb::ErrorCode_IsValid(code));
    // MALFORMED_FRAME and RELAY_BUSY are the adapter's; the push reasons after DEVICE_REMOVED
    // never answer a request; INTERNAL_ERROR is a relay bug.
    Require(code != pb::MALFORMED_FRAME && code <= pb::DEVICE_REMOVED);
    // DEVICE_REMOVED answers exactly a request of a session whose device is gone, and logs it out.
    if (code == pb::DEVICE_REMOVED) Require(!s.device);
    Require(code != pb::STORAGE_FAILURE);  // the memory store fails only by the interface's rules
    const relay::Effects& e = out.effects;
    if (out.ok()) {
      Require(static_cast<int>(r.body_case()) == static_cast<int>(frame.body_case()));
    } else {
      Require(r.body_case() == pb::Response::BODY_NOT_SET);
      Require(e.empty());
    }
    if (out.keep_writes) {
      Require(frame.has_login_finish() && (code == pb::BAD_CREDENTIALS || code == pb::TOO_MANY_DEVICES));
    }
    if (r.retry_after_ms() != 0) {
      Require(code == pb::ACCOUNT_THROTTLED || code == pb::ACCOUNT_LOCKED || code == pb::ADDRESS_THROTTLED);
    }
    if (r.error_index() != 0) {
      Require(code == pb::UNKNOWN_RECIPIENT || code == pb::ENVELOPE_TOO_LARGE || code == pb::QUEUE_FULL ||
              code == pb::INVALID_REQUEST);
      Require(frame.has_send() && static_cast<int64_t>(r.error_index()) < frame.send().envelopes_size());
    }
    if (e.logged_in)
      Require(frame.has_login_finish() && e.wants_deliveries == !frame.login_finish().send_only());
    if (!e.acknowledged.empty()) {
      Require(frame.has_ack() && static_cast<int>(e.acknowledged.size()) == frame.ack().message_ids_size());
    }
    if (!e.removed_devices.empty()) Require(frame.has_remove_device() && e.removed_devices.size() == 1);
    if (!e.new_messages.empty()) Require(frame.has_send());
    if (out.ok() && frame.has_send()) {
      const auto& ids = r.send().message_ids();
      Require(ids.size() == frame.send().envelopes_size());
      Require(e.new_messages.size() == static_cast<size_t>(ids.size()));
      for (int k = 0; k < ids.size(); ++k) {
        Require(k == 0 || ids[k] > ids[k - 1]);
        Require(e.new_messages[static_cast<size_t>(k)].id == ids[k]);
        Require(e.new_messages[static_cast<size_t>(k)].sender == *s.device);
      }
    }
  }

  static void CheckDepths(const SessionContext& s, const pb::ClientFrame& frame, const Outcome& out,
                          const Depths& before, const Depths& after) {
    std::array<int64_t, kWatched.size()> change{};
    std::optional<DeviceAddress> gone;
    if (out.ok()) {
      if (frame.has_send()) {
        for (const auto& env : frame.send().envelopes()) {
          const auto k = Index({env.recipient_account(), env.recipient_device()});
          Require(k && before[*k]);  // accepted only for an existing device
          ++change[*k];
        }
      } else if (frame.has_ack()) {
        const auto k = Index(*s.device);
        Require(out.response.ack().removed() <= static_cast<uint32_t>(frame.ack().message_ids_size()));
        if (k) change[*k] -= out.response.ack().removed();
      } else if (frame.has_remove_device()) {
        gone = DeviceAddress{s.device->account, frame.remove_device().device_id()};
      }
    }
    for (size_t k = 0; k < kWatched.size(); ++k) {
      if (gone && kWatched[k] == *gone) {
        Require(before[k] && !after[k]);
      } else if (!before[k]) {
        Require(!after[k]);
      } else {
        Require(after[k] && static_cast<int64_t>(*after[k]) == static_cast<int64_t>(*before[k]) + change[k]);
        Require(*after[k] <= kQueueLimit);
      }
    }
  }

  store::MemoryRelayStore store_;
  ManualClock clock_;
  DeterministicRandom rng_{1};
  Service service_;
  std::array<Session, 2> sessions_;
  bool open_ = false;
  std::vector<Job> batch_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& fixture = TheFixture();
  ByteReader r(std::span<const uint8_t>(data, size));
  auto setup = r.ReadU8();
  if (!setup) return 0;
  Relay relay(fixture, static_cast<Setup>(*setup % 4));
  for (size_t n = 0; n < kMaxRecords; ++n) {
    auto flags = r.ReadU8();
    if (!flags) break;
    auto record = r.ReadPrefixed16();
    if (!record) break;
    const auto bytes = record->ReadRest();
    if (const int e = *flags >> kClockShift; e > 0) {
      relay.Advance(std::chrono::milliseconds(int64_t{1} << (e - 1)));
    }
    pb::ClientFrame frame;
    // A record that does not parse is answered MALFORMED_FRAME by the adapter; the store never sees it.
    if (!frame.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) continue;
    relay.Request((*flags & kSession1) != 0 ? 1 : 0, (*flags & kJoinBatch) != 0, frame);
    if ((*flags & kPurgeAfter) != 0) relay.Purge();
  }
  relay.Commit();
  return 0;
}
