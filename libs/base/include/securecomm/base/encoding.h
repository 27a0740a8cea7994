// encoding.h: hex and base64 text encodings, constant time.
//
// Both directions run in time that depends only on the length (libsodium's sodium_bin2hex,
// sodium_hex2bin, sodium_bin2base64 and sodium_base642bin), so they are safe for keys.
// Decoders reject any malformed input with kInvalidEncoding and never return partial output.
//
//   std::string h = HexEncode(bytes);
//   Result<std::vector<uint8_t>> b = HexDecode("00ff");
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "securecomm/base/error.h"

namespace sc {

// HexEncode returns lower-case hex, two characters per byte.
std::string HexEncode(std::span<const uint8_t> bytes);
// HexDecode accepts upper or lower case, an even number of digits, nothing else.
[[nodiscard]] Result<std::vector<uint8_t>> HexDecode(std::string_view text);

// Base64Encode returns standard base64 (RFC 4648 §4) with padding.
std::string Base64Encode(std::span<const uint8_t> bytes);
// Base64Decode accepts exactly the output of Base64Encode: padded standard alphabet, no spaces.
[[nodiscard]] Result<std::vector<uint8_t>> Base64Decode(std::string_view text);

}  // namespace sc
