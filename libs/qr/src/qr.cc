#include "securecomm/qr/qr.h"

#include <fcntl.h>
#include <png.h>
#include <qrencode.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>

#include "securecomm/base/bytes.h"
#include "securecomm/base/check.h"

namespace sc::qr {
namespace {

// The QR Code model 2 range: versions 1..40 (ISO/IEC 18004 §5.3.1).
constexpr int kMinVersion = 1;
constexpr int kMaxVersion = 40;
constexpr int SizeOf(int version) {
  return 17 + 4 * version;
}

// libqrencode marks a dark module with bit 0 of each data byte; the other bits describe the
// module's role (finder, timing, ...), which we do not need.
constexpr uint8_t kDarkBit = 0x01;

constexpr uint8_t kBlack = 0;
constexpr uint8_t kWhite = 255;
constexpr mode_t kPngMode = 0644;  // a picture for the user to share: world-readable, like any file

// SGR 30 (black foreground) on 107 (bright white background); SGR 0 resets before each newline,
// so the background never bleeds into the rest of the line when the terminal wraps.
constexpr std::string_view kSgrBlackOnWhite = "\x1b[30;107m";
constexpr std::string_view kSgrReset = "\x1b[0m";
constexpr std::string_view kUpperHalf = "\u2580";
constexpr std::string_view kLowerHalf = "\u2584";
constexpr std::string_view kFullBlock = "\u2588";

struct QrInputDeleter {
  void operator()(QRinput* p) const noexcept { QRinput_free(p); }
};
struct QrCodeDeleter {
  void operator()(QRcode* p) const noexcept { QRcode_free(p); }
};

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void CheckCode(const QrCode& code) {
  SC_CHECK(code.version >= kMinVersion && code.version <= kMaxVersion);
  SC_CHECK(code.size == SizeOf(code.version));
  SC_CHECK(code.modules.size() == static_cast<size_t>(code.size) * code.size);
}

// DarkWithQuietZone: the module at (x, y) of the symbol framed by its quiet zone.
bool DarkWithQuietZone(const QrCode& code, int x, int y) {
  x -= kQuietZoneModules;
  y -= kQuietZoneModules;
  if (x < 0 || y < 0 || x >= code.size || y >= code.size) return false;
  return code.Dark(x, y);
}

// WriteAll writes all of `data` to `fd`, retrying short writes and EINTR.
bool WriteAll(int fd, const uint8_t* data, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// SyncDirectoryOf fsyncs the directory holding `path`, so the renamed name is durable.
bool SyncDirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0;
}

// EncodePng returns the PNG bytes of the symbol with its quiet zone, or an empty vector.
std::vector<uint8_t> EncodePng(const QrCode& code, int module_pixels) {
  const int modules = code.size + 2 * kQuietZoneModules;
  const uint32_t side = static_cast<uint32_t>(modules * module_pixels);
  std::vector<uint8_t> pixels(static_cast<size_t>(side) * side, kWhite);
  for (int my = 0; my < modules; ++my) {
    for (int mx = 0; mx < modules; ++mx) {
      if (!DarkWithQuietZone(code, mx, my)) continue;
      for (int py = 0; py < module_pixels; ++py) {
        uint8_t* row = pixels.data() + (static_cast<size_t>(my) * module_pixels + py) * side;
        std::fill_n(row + static_cast<size_t>(mx) * module_pixels, module_pixels, kBlack);
      }
    }
  }
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = side;
  image.height = side;
  image.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  if (!png_image_write_get_memory_size(image, size, 0, pixels.data(), 0, nullptr)) {
    png_image_free(&image);
    return {};
  }
  std::vector<uint8_t> png(size);
  if (!png_image_write_to_memory(&image, png.data(), &size, 0, pixels.data(), 0, nullptr)) {
    png_image_free(&image);
    return {};
  }
  png.resize(size);
  return png;
}

}  // namespace

std::string_view ErrcName(Errc e) noexcept {
  switch (e) {
    case Errc::kTextTooLong:
      return "kTextTooLong";
    case Errc::kEncodeFailed:
      return "kEncodeFailed";
    case Errc::kPngWriteFailed:
      return "kPngWriteFailed";
    case Errc::kEmptyText:
      return "kEmptyText";
    case Errc::kBadModuleSize:
      return "kBadModuleSize";
    case Errc::kPngEncodeFailed:
      return "kPngEncodeFailed";
  }
  return "kUnknown";
}

Result<QrCode> EncodeQr(std::string_view text) {
  if (text.empty()) return Fail(Errc::kEmptyText);
  const bool numeric = AllDigits(text);
  if (text.size() > (numeric ? kMaxNumericDigits : kMaxByteModeBytes)) return Fail(Errc::kTextTooLong);

  // Version 0: libqrencode picks the smallest version that holds the input.
  std::unique_ptr<QRinput, QrInputDeleter> input(QRinput_new2(0, QR_ECLEVEL_M));
  if (!input) return Fail(Errc::kEncodeFailed);
  const QRencodeMode mode = numeric ? QR_MODE_NUM : QR_MODE_8;
  if (QRinput_append(input.get(), mode, static_cast<int>(text.size()), AsBytes(text).data()) != 0) {
    return Fail(Errc::kEncodeFailed);
  }
  errno = 0;
  std::unique_ptr<QRcode, QrCodeDeleter> symbol(QRcode_encodeInput(input.get()));
  if (!symbol) return Fail(errno == ERANGE ? Errc::kTextTooLong : Errc::kEncodeFailed);
  if (symbol->version < kMinVersion || symbol->version > kMaxVersion ||
      symbol->width != SizeOf(symbol->version)) {
    return Fail(Errc::kEncodeFailed);
  }

  QrCode code;
  code.version = symbol->version;
  code.size = symbol->width;
  code.numeric = numeric;
  code.modules.resize(static_cast<size_t>(code.size) * code.size);
  for (size_t i = 0; i < code.modules.size(); ++i) code.modules[i] = symbol->data[i] & kDarkBit;
  return code;
}

std::string RenderQrTerminal(const QrCode& code, TerminalColors colors) {
  CheckCode(code);
  const int modules = code.size + 2 * kQuietZoneModules;
  const bool ansi = colors == TerminalColors::kAnsi;
  std::string out;
  for (int y = 0; y < modules; y += 2) {
    if (ansi) out.append(kSgrBlackOnWhite);
    for (int x = 0; x < modules; ++x) {
      const bool top = DarkWithQuietZone(code, x, y);
      const bool bottom = DarkWithQuietZone(code, x, y + 1);  // past the end: quiet zone
      if (top && bottom) {
        out.append(kFullBlock);
      } else if (top) {
        out.append(kUpperHalf);
      } else if (bottom) {
        out.append(kLowerHalf);
      } else {
        out.push_back(' ');
      }
    }
    if (ansi) out.append(kSgrReset);
    out.push_back('\n');
  }
  return out;
}

Status WriteQrPng(const QrCode& code, const std::string& path, int module_pixels) {
  CheckCode(code);
  if (module_pixels < 1 || module_pixels > kMaxModulePixels) return Fail(Errc::kBadModuleSize);
  const std::vector<uint8_t> png = EncodePng(code, module_pixels);
  if (png.empty()) return Fail(Errc::kPngEncodeFailed);

  std::string tmp = path + ".tmp-XXXXXX";
  const int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return Fail(Errc::kPngWriteFailed);  // nothing was created
  const bool written =
      ::fchmod(fd, kPngMode) == 0 && WriteAll(fd, png.data(), png.size()) && ::fsync(fd) == 0;
  const bool closed = ::close(fd) == 0;
  if (!written || !closed || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Fail(Errc::kPngWriteFailed);
  }
  if (!SyncDirectoryOf(path)) return Fail(Errc::kPngWriteFailed);  // renamed, but not yet durable
  return OkStatus();
}

}  // namespace sc::qr
