#include "securecomm/base/encoding.h"

#include <sodium/utils.h>

namespace sc {

std::string HexEncode(std::span<const uint8_t> bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.pop_back();  // the terminating NUL libsodium writes
  return out;
}

Result<std::vector<uint8_t>> HexDecode(std::string_view text) {
  if (text.size() % 2 != 0) return Fail(Errc::kInvalidEncoding);
  if (text.empty()) return std::vector<uint8_t>{};  // libsodium must not see a null buffer
  std::vector<uint8_t> out(text.size() / 2);
  size_t written = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr, &written, &end) != 0 ||
      written != out.size() || end != text.data() + text.size()) {
    return Fail(Errc::kInvalidEncoding);
  }
  return out;
}

std::string Base64Encode(std::span<const uint8_t> bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
  out.pop_back();
  return out;
}

namespace {

// AllAscii returns whether no byte of `text` has its high bit set, in time that depends only on
// the length. libsodium 1.0.18's base64 decoder reads bytes >= 0x80 as '/' (found by the audit
// note fuzzer), so they are refused before it sees them.
bool AllAscii(std::string_view text) {
  unsigned char acc = 0;
  for (char c : text) acc = static_cast<unsigned char>(acc | static_cast<unsigned char>(c));
  return (acc & 0x80) == 0;
}

}  // namespace

Result<std::vector<uint8_t>> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0 || !AllAscii(text)) return Fail(Errc::kInvalidEncoding);
  if (text.empty()) return std::vector<uint8_t>{};
  std::vector<uint8_t> out(text.size() / 4 * 3);
  size_t written = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &written, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return Fail(Errc::kInvalidEncoding);
  }
  out.resize(written);
  return out;
}

}  // namespace sc
