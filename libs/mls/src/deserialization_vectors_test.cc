// deserialization_vectors_test.cc: deserialization.json (test-vectors.md "Vector
// Deserialization"): each variable-length vector header decodes to its length, in its minimal
// form, and re-encodes to the same bytes. The file has no cipher suite: every case runs.
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/mls/codec.h"

#include "vectors_test_util.h"

namespace sc::mls {
namespace {

using testing::Hex;
using testing::Same;

TEST(MlsVectors, Deserialization) {
  testing::Tally tally("deserialization.json");
  for (const auto& v : testing::LoadVectorFile("deserialization.json")) {
    const std::vector<uint8_t> header = Hex(v.at("vlbytes_header"));
    const auto want = v.at("length").get<uint64_t>();
    Reader r(header);
    auto got = r.ReadVarint();
    bool ok = got && *got == want && r.Finish().has_value();
    Writer w;
    ok &= w.WriteVarint(want).has_value() && Same(w.bytes(), header, "re-encoded header");
    EXPECT_TRUE(ok) << "header " << v.at("vlbytes_header");
    tally.Record(ok);
  }
  tally.Report();
}

}  // namespace
}  // namespace sc::mls
