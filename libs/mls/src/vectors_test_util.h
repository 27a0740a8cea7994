// vectors_test_util.h: shared by the runners of mls_vectors_test (RFC 9420 interop vectors in
// tests/vectors/mls/, format in test-vectors.md there). Test-only.
//
// A runner calls RunSuiteCases(file, check): cases of a supported cipher_suite are checked, the
// others Skip()ped by suite id; Report() prints "cases run, passed, skipped by suite" and fails
// the test unless every run case passed and at least one ran.
#pragma once

#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "securecomm/base/encoding.h"
#include "securecomm/mls/cipher_suite.h"
#include "securecomm/mls/errors.h"
#include "securecomm/mls/kdf.h"

namespace sc::mls::testing {

// LoadVectorFile returns the parsed JSON array of tests/vectors/mls/<name>, or an empty array
// after a test failure when it cannot be read.
inline nlohmann::json LoadVectorFile(const std::string& name) {
  const std::string path = std::string(SC_VECTORS_DIR) + "/mls/" + name;
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot open " << path;
    return nlohmann::json::array();
  }
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) {
    ADD_FAILURE() << path << " is not a JSON array";
    return nlohmann::json::array();
  }
  return j;
}

// Hex returns the bytes of a hex string field; a test failure (and no bytes) if it is not hex.
inline std::vector<uint8_t> Hex(const nlohmann::json& field) {
  auto b = HexDecode(field.get<std::string>());
  if (!b) {
    ADD_FAILURE() << "not hex: " << field;
    return {};
  }
  return *b;
}

// ToSecret returns a hex field of exactly Nh bytes as a Secret; kInvalidLength otherwise.
inline Result<Secret> ToSecret(const nlohmann::json& field) {
  const std::vector<uint8_t> b = Hex(field);
  if (b.size() != kHashSize) return Fail(Errc::kInvalidLength);
  return Secret::FromSpan(std::span<const uint8_t, kHashSize>(b.data(), kHashSize));
}

// Bytes returns the bytes of a string field as they are (labels).
inline std::vector<uint8_t> Bytes(const nlohmann::json& field) {
  const std::string s = field.get<std::string>();
  return {s.begin(), s.end()};
}

// Same returns whether `got` equals `want`, adding a test failure naming `what` if not.
inline bool Same(std::span<const uint8_t> got, std::span<const uint8_t> want, const std::string& what) {
  if (got.size() == want.size() && std::equal(got.begin(), got.end(), want.begin())) return true;
  ADD_FAILURE() << what << ": got " << HexEncode(got) << ", want " << HexEncode(want);
  return false;
}

class Tally {
 public:
  explicit Tally(std::string file) : file_(std::move(file)) {}

  void Skip(uint64_t suite) { ++skipped_[suite]; }
  void Record(bool passed) {
    ++run_;
    if (passed) ++passed_;
  }
  int run() const { return run_; }

  // Report prints the counts and fails the test unless every run case passed and one ran.
  void Report() const {
    int skipped = 0;
    std::string by_suite;
    for (const auto& [suite, count] : skipped_) {
      skipped += count;
      by_suite += (by_suite.empty() ? "" : ", ") + std::string("suite ") + std::to_string(suite) + ": " +
                  std::to_string(count);
    }
    std::cout << "[mls vectors] " << file_ << ": " << run_ << " run, " << passed_ << " passed, " << skipped
              << " skipped" << (by_suite.empty() ? "" : " (" + by_suite + ")") << "\n";
    EXPECT_GT(run_, 0) << file_ << ": no case ran";
    EXPECT_EQ(passed_, run_) << file_ << ": " << (run_ - passed_) << " cases failed";
  }

 private:
  std::string file_;
  int run_ = 0;
  int passed_ = 0;
  std::map<uint64_t, int> skipped_;
};

// RunSuiteCases runs `check(suite, case)` on every case of `file` whose cipher_suite is
// supported, counts the others by suite id, and reports.
template <typename F>
void RunSuiteCases(const std::string& file, F&& check) {
  Tally tally(file);
  for (const auto& c : LoadVectorFile(file)) {
    const auto suite_id = c.at("cipher_suite").get<uint16_t>();
    auto suite = CipherSuite::Find(suite_id);
    if (!suite) {
      tally.Skip(suite_id);
      continue;
    }
    const bool ok = check(**suite, c);
    EXPECT_TRUE(ok) << file << ": a suite " << suite_id << " case failed";
    tally.Record(ok);
  }
  tally.Report();
}

}  // namespace sc::mls::testing
