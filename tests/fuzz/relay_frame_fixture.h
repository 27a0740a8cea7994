// relay_frame_fixture.h: what relay_frame_fuzz.cc and its seed writer (relay_frame_seeds.cc)
// agree on: the input format, and the accounts, devices and keys the relay holds before the
// first record, so that seeds can address real devices and sign prekeys with a session's key.
//
// Input: one setup byte (Setup, mod 4), then up to kMaxRecords records, each
//
//   struct {
//     uint8 flags;              // Flag bits; bits 3..7: clock exponent e
//     opaque frame<0..2^16-1>;  // a ClientFrame as the relay receives it in one SCP record
//   } Record;
//
// Before each record the clock moves 0 ms (e == 0) or 2^(e-1) ms (up to ~12 days).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "securecomm/crypto/ed25519.h"
#include "securecomm/proto/relay.pb.h"
#include "securecomm/store/relay_store.h"

namespace sc::relay_frame_fuzz {

namespace pb = securecomm::relay::v1;

// The relay's state before the first record (built by the harness, checked once against a
// genuine register + SRP login + prekey upload through the service):
//   account 1 "alice": devices 1 (key kAlice1Key) and 2 (key kAlice2Key), no prekeys
//   account 2 "bob":   device 1 (key kBob1Key), signed prekey 1, one-time prekeys 1..kBobOneTimePrekeys
// Session 0 is logged in as alice/1; session 1 is whatever the setup byte says.
inline constexpr const char* kAliceName = "alice";
inline constexpr const char* kAlicePassword = "correct horse";
inline constexpr const char* kBobName = "bob";
inline constexpr const char* kBobPassword = "battery staple";
inline constexpr store::DeviceAddress kAlice1{1, 1};
inline constexpr store::DeviceAddress kAlice2{1, 2};
inline constexpr store::DeviceAddress kBob1{2, 1};
// 21: two bundle fetches cross kPrekeysLowThreshold (20), so PrekeysLow is reachable.
inline constexpr uint32_t kBobOneTimePrekeys = 21;
// Ed25519 seeds (32 copies of the byte).
inline constexpr uint8_t kAlice1Key = 0xa1;
inline constexpr uint8_t kAlice2Key = 0xa2;
inline constexpr uint8_t kBob1Key = 0xb1;
inline constexpr uint8_t kStrangerKey = 0xc1;  // a key that is no device yet

// Setup: who session 1 is (input byte 0, mod 4).
enum class Setup : uint8_t {
  kStranger = 0,         // not logged in; identity kStrangerKey
  kBob = 1,              // logged in as bob/1
  kAlice2 = 2,           // logged in as alice/2 (can remove session 0's device)
  kAlice2LoggedOut = 3,  // not logged in; identity kAlice2Key
};

// Record flags.
inline constexpr uint8_t kSession1 = 0x01;    // the record comes from session 1 (else session 0)
inline constexpr uint8_t kJoinBatch = 0x02;   // run in the open store transaction (group commit)
inline constexpr uint8_t kPurgeAfter = 0x04;  // then commit, and run the idle expiry purge
inline constexpr int kClockShift = 3;

// Records read per input: enough for login, upload, send, fetch and ack sequences in any order.
inline constexpr size_t kMaxRecords = 64;

// Identity returns the Ed25519 key pair whose seed is 32 copies of `fill`.
inline crypto::Ed25519KeyPair Identity(uint8_t fill) {
  const std::vector<uint8_t> seed(32, fill);
  return crypto::Ed25519KeyPair::FromSeed(*crypto::Ed25519Seed::FromSpan(seed));
}

// ClockFlags returns the flag bits that advance the clock by 2^(exponent-1) ms (0: none).
// REQUIRES: exponent < 32.
inline constexpr uint8_t ClockFlags(uint8_t exponent) {
  return static_cast<uint8_t>(exponent << kClockShift);
}

// AppendRecord appends one record carrying `frame` to `out`.
inline void AppendRecord(std::string& out, uint8_t flags, const pb::ClientFrame& frame) {
  const std::string bytes = frame.SerializeAsString();
  out.push_back(static_cast<char>(flags));
  out.push_back(static_cast<char>(bytes.size() >> 8));
  out.push_back(static_cast<char>(bytes.size()));
  out += bytes;
}

}  // namespace sc::relay_frame_fuzz
