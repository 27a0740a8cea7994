// test_util.h (tests only): reading vector files and building byte strings and hashes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "securecomm/audit/hash.h"
#include "securecomm/base/encoding.h"

namespace sc::audit::testing {

inline std::filesystem::path VectorsDir() {
  return std::filesystem::path(SC_VECTORS_DIR);
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// ReadJson parses a vector file. Callers keep the result in a named variable before iterating
// over a member of it (a range-for over a member of a temporary would dangle).
inline nlohmann::json ReadJson(const std::filesystem::path& path) {
  return nlohmann::json::parse(ReadFile(path));
}

inline std::vector<uint8_t> Bytes(std::string_view s) {
  return {s.begin(), s.end()};
}

inline Hash HexHash(std::string_view hex) {
  auto b = HexDecode(hex);
  EXPECT_TRUE(b.has_value()) << hex;
  auto h = HashFromBytes(b.value_or(std::vector<uint8_t>{}));
  EXPECT_TRUE(h.has_value()) << hex;
  return h.value_or(Hash());
}

}  // namespace sc::audit::testing
