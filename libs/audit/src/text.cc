#include "text.h"

#include <charconv>

#include "securecomm/audit/limits.h"
#include "securecomm/base/encoding.h"

namespace sc::audit::internal {
namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// DecodeOne decodes the UTF-8 sequence at text[i] (RFC 3629 §4 table of well-formed sequences),
// advances i past it and returns the code point, or kInvalid for any ill-formed sequence.
char32_t DecodeOne(std::string_view text, size_t& i) noexcept {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  size_t len = 0;
  uint8_t lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  char32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong 3-byte forms
    if (b0 == 0xED) hi = 0x9F;  // no UTF-16 surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // no overlong 4-byte forms
    if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return kInvalid;  // a continuation byte, C0/C1 (overlong), or F5..FF
  }
  if (text.size() - i < len) return kInvalid;
  for (size_t k = 1; k < len; ++k) {
    const uint8_t b = byte(i + k);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return kInvalid;
    cp = (cp << 6) | (b & 0x3F);
  }
  i += len;
  return cp;
}

// The Unicode White_Space property (Unicode 15 PropList.txt), which is what "Unicode spaces"
// in signed-note.md means; it includes the ASCII spaces and controls U+0009..U+000D.
bool IsUnicodeSpace(char32_t cp) noexcept {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

}  // namespace

bool IsValidText(std::string_view text, bool allow_newline) noexcept {
  size_t i = 0;
  while (i < text.size()) {
    const char32_t cp = DecodeOne(text, i);
    if (cp == kInvalid) return false;
    if (cp < 0x20 && !(allow_newline && cp == U'\n')) return false;
  }
  return true;
}

bool IsValidNoteText(std::string_view text) noexcept {
  return !text.empty() && text.back() == '\n' && IsValidText(text, /*allow_newline=*/true);
}

bool IsValidKeyName(std::string_view name) noexcept {
  if (name.empty() || name.size() > kMaxKeyNameSize) return false;
  size_t i = 0;
  while (i < name.size()) {
    const char32_t cp = DecodeOne(name, i);
    if (cp == kInvalid || cp < 0x20 || cp == U'+' || IsUnicodeSpace(cp)) return false;
  }
  return true;
}

std::optional<uint64_t> ParseDecimal(std::string_view text) noexcept {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;  // v * 10 + d would overflow
    v = v * 10 + d;
  }
  return v;
}

std::string FormatDecimal(uint64_t v) {
  char buf[20];  // UINT64_MAX has 20 digits
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

std::optional<std::vector<uint8_t>> Base64DecodeAscii(std::string_view text) {
  unsigned acc = 0;
  for (char c : text) acc |= static_cast<unsigned char>(c);
  if ((acc & 0x80) != 0) return std::nullopt;
  auto bytes = Base64Decode(text);
  if (!bytes) return std::nullopt;
  return std::move(*bytes);
}

}  // namespace sc::audit::internal
