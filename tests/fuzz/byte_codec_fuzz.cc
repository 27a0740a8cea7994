// Fuzz target: ByteReader, HexDecode and Base64Decode on arbitrary bytes.
// Invariants: no crash, no read out of bounds (ASan), decoders either fail or round-trip exactly.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "securecomm/base/byte_reader.h"
#include "securecomm/base/bytes.h"
#include "securecomm/base/encoding.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

// Interprets the input as a small program of reads, steered by the bytes themselves.
void DriveReader(std::span<const uint8_t> data) {
  sc::ByteReader r(data);
  while (!r.empty()) {
    const size_t before = r.remaining();
    auto op = r.ReadU8();
    Require(op.has_value());
    switch (*op % 8) {
      case 0:
        (void)r.ReadU16();
        break;
      case 1:
        (void)r.ReadU32();
        break;
      case 2:
        (void)r.ReadU64();
        break;
      case 3: {
        auto c = r.ReadPrefixed8();
        if (c) (void)c->Finish();
        break;
      }
      case 4: {
        auto c = r.ReadPrefixed16();
        if (c) (void)c->ReadRest();
        break;
      }
      case 5: {
        auto c = r.ReadPrefixed32();
        if (c) Require(c->remaining() <= before);
        break;
      }
      case 6: {
        auto b = r.ReadBytes(*op / 8);
        if (b) Require(b->size() == *op / 8u);
        break;
      }
      default:
        (void)r.Skip(*op / 8);
        break;
    }
    Require(r.remaining() < before);
  }
  Require(r.Finish().has_value());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  DriveReader(bytes);
  const std::string_view text = sc::AsChars(bytes);
  if (auto hex = sc::HexDecode(text); hex) {
    Require(hex->size() * 2 == size);
    auto again = sc::HexDecode(sc::HexEncode(*hex));
    Require(again.has_value() && *again == *hex);
  }
  if (auto b64 = sc::Base64Decode(text); b64) {
    auto again = sc::Base64Decode(sc::Base64Encode(*b64));
    Require(again.has_value() && *again == *b64);
  }
  return 0;
}
