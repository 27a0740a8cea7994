// qr.h: QR codes for safety numbers (docs/protocol/e2e.md §11.4), over libqrencode and libpng.
//
// A QrCode is the module matrix of one symbol at error-correction level M. It renders to a
// terminal as Unicode half blocks, or to a PNG file written atomically.
//
//   Result<qr::QrCode> code = qr::EncodeQr(safety_number);   // 60 digits: numeric mode, version 2
//   std::cout << qr::RenderQrTerminal(*code);
//   Status s = qr::WriteQrPng(*code, "/home/alice/safety.png");
//
// Every function is thread safe (libqrencode is built with pthread on Debian; libpng's simplified
// API keeps its state per call). QrCode is a plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "securecomm/base/error.h"

namespace sc::qr {

// qr::Errc: errors of the QR layer (error domain 7). Append only; never renumber.
enum class Errc : uint16_t {
  kTextTooLong = 1,      // the text does not fit a version-40 symbol at level M
  kEncodeFailed = 2,     // libqrencode failed for another reason (out of memory)
  kPngWriteFailed = 3,   // the PNG or its temporary could not be created, written, synced or renamed
  kEmptyText = 4,        // there is nothing to encode
  kBadModuleSize = 5,    // module_pixels is outside [1, kMaxModulePixels]
  kPngEncodeFailed = 6,  // libpng could not compress the image
};

std::string_view ErrcName(Errc e) noexcept;

// The capacity of a version-40 symbol at level M (ISO/IEC 18004 Table 7): texts longer than
// this cannot be encoded at all, so they are refused before libqrencode is asked.
inline constexpr size_t kMaxNumericDigits = 5596;
inline constexpr size_t kMaxByteModeBytes = 2331;
// The quiet zone, in modules, on each side (ISO/IEC 18004 §6.3.8 asks for 4; scanners need it).
inline constexpr int kQuietZoneModules = 4;
// PNG scale bound: a version-40 symbol (177 modules + quiet zone) at 16 px per module is a
// 2,960 px square, 8.8 MB in memory while it is compressed. A larger print scales the image.
inline constexpr int kMaxModulePixels = 16;
inline constexpr int kDefaultModulePixels = 8;

// QrCode: one symbol, without quiet zone. modules[y * size + x] is 1 for a dark module, 0 for light.
struct QrCode {
  int version = 0;       // 1..40
  int size = 0;          // modules per side: 17 + 4 * version
  bool numeric = false;  // encoded in numeric mode (else 8-bit byte mode)
  std::vector<uint8_t> modules;

  bool Dark(int x, int y) const noexcept { return modules[static_cast<size_t>(y) * size + x] != 0; }
};

// EncodeQr returns the smallest symbol at level M holding `text`: numeric mode when the text is
// ASCII digits only (a safety number: 60 digits fit version 2), else one 8-bit byte segment of
// its bytes as given (UTF-8 for SecureComm; no ECI header). Errors: kEmptyText, kTextTooLong,
// kEncodeFailed. Nothing is kept after the call.
[[nodiscard]] Result<QrCode> EncodeQr(std::string_view text);

// TerminalColors: how RenderQrTerminal makes the code readable whatever the terminal's theme.
enum class TerminalColors {
  // Each line is wrapped in SGR 30;107 (black on bright white) ... SGR 0: dark modules are black
  // foreground glyphs on a white background, on dark and light themes alike. The default.
  kAnsi,
  // No escape codes (for files and pipes): dark modules are block glyphs. Correct polarity on a
  // light background; on a dark one the code appears inverted, which not every scanner accepts.
  kNone,
};

// RenderQrTerminal returns the symbol with a kQuietZoneModules quiet zone as UTF-8 text: each
// character is one module wide and two modules tall (U+2580 upper half, U+2584 lower half,
// U+2588 full block, space), so the output is size + 8 columns by (size + 9) / 2 lines, each
// ending in '\n'. The bottom half of the last line is quiet zone when size + 8 is odd.
// REQUIRES: `code` came from EncodeQr.
[[nodiscard]] std::string RenderQrTerminal(const QrCode& code, TerminalColors colors = TerminalColors::kAnsi);

// WriteQrPng writes the symbol with its quiet zone as an 8-bit grayscale PNG (black 0, white
// 255), `module_pixels` pixels per module, to `path`: into a temporary file beside it
// (path + ".tmp-XXXXXX"), fsync'd, mode 0644, then renamed over `path` and the directory fsync'd.
// On an error before the rename the temporary is removed and `path` is left as it was; if only
// the final directory fsync fails, the new file is in place but kPngWriteFailed says it may not
// survive a crash.
// Errors: kBadModuleSize, kPngEncodeFailed, kPngWriteFailed (missing directory, no permission,
// `path` is a directory, disk full).
// REQUIRES: `code` came from EncodeQr.
[[nodiscard]] Status WriteQrPng(const QrCode& code, const std::string& path,
                                int module_pixels = kDefaultModulePixels);

}  // namespace sc::qr

SC_DEFINE_ERROR_ENUM(sc::qr::Errc, sc::ErrorDomain::kQr, sc::qr::ErrcName);
