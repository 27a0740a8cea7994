// QR codes (qr.h): a safety number encodes in numeric mode, the terminal rendering has the stated
// shape and quiet zone, the PNG decodes back (with libpng) to the same module matrix, and a PNG
// that cannot be written leaves nothing behind.
#include "securecomm/qr/qr.h"

#include <png.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace sc::qr {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSafetyNumber = "300354477692869396892869876765458257569162576843440918079131";

// TempDir: a fresh directory, removed with its contents at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string t = (fs::temp_directory_path() / "sc-qr-test-XXXXXX").string();
    EXPECT_NE(::mkdtemp(t.data()), nullptr);
    path_ = t;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::vector<std::string> List() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path_)) names.push_back(e.path().filename().string());
    return names;
  }

 private:
  fs::path path_;
};

QrCode SafetyCode() {
  auto r = EncodeQr(kSafetyNumber);
  EXPECT_TRUE(r.has_value());
  return r.value_or(QrCode{});
}

// Lines splits `s` at '\n' (which must end it).
std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl = 0; (nl = s.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(s.substr(start, nl - start));
  }
  EXPECT_EQ(start, s.size());
  return lines;
}

// Glyphs splits a UTF-8 line into its characters.
std::vector<std::string> Glyphs(const std::string& line) {
  std::vector<std::string> out;
  for (size_t i = 0; i < line.size();) {
    const auto lead = static_cast<unsigned char>(line[i]);
    const size_t n = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    out.push_back(line.substr(i, n));
    i += n;
  }
  return out;
}

TEST(Qr, SafetyNumberEncodesInNumericModeVersion2) {
  const QrCode code = SafetyCode();
  EXPECT_TRUE(code.numeric);
  // 60 digits fit version 2-M only in numeric mode (capacity 63); as bytes they need version 4.
  EXPECT_EQ(code.version, 2);
  EXPECT_EQ(code.size, 25);
  ASSERT_EQ(code.modules.size(), 625u);
  // The three finder patterns: a dark 7x7 ring with a dark 3x3 centre, light between.
  for (auto [ox, oy] : {std::pair{0, 0}, std::pair{18, 0}, std::pair{0, 18}}) {
    EXPECT_TRUE(code.Dark(ox, oy) && code.Dark(ox + 6, oy + 6) && code.Dark(ox + 3, oy + 3));
    EXPECT_FALSE(code.Dark(ox + 1, oy + 1));
  }
  // The same text in 8-bit mode takes a bigger symbol.
  auto bytes = EncodeQr(std::string(kSafetyNumber) + "x");
  ASSERT_TRUE(bytes.has_value());
  EXPECT_FALSE(bytes->numeric);
  EXPECT_EQ(bytes->version, 4);
}

TEST(Qr, ErrorsAreSpecific) {
  auto empty = EncodeQr("");
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error(), Errc::kEmptyText);
  auto long_bytes = EncodeQr(std::string(kMaxByteModeBytes + 1, 'a'));
  ASSERT_FALSE(long_bytes.has_value());
  EXPECT_EQ(long_bytes.error(), Errc::kTextTooLong);
  EXPECT_EQ(long_bytes.error().domain(), ErrorDomain::kQr);
  auto long_digits = EncodeQr(std::string(kMaxNumericDigits + 1, '7'));
  ASSERT_FALSE(long_digits.has_value());
  EXPECT_EQ(long_digits.error(), Errc::kTextTooLong);
  // The named limits are the real capacities: exactly at the limit still encodes, as version 40.
  auto max_bytes = EncodeQr(std::string(kMaxByteModeBytes, 'a'));
  ASSERT_TRUE(max_bytes.has_value());
  EXPECT_EQ(max_bytes->version, 40);
  auto max_digits = EncodeQr(std::string(kMaxNumericDigits, '7'));
  ASSERT_TRUE(max_digits.has_value());
  EXPECT_EQ(max_digits->version, 40);
  EXPECT_EQ(ErrcName(Errc::kPngWriteFailed), "kPngWriteFailed");
}

TEST(Qr, TerminalRenderingHasTheQuietZoneAndOneCharacterPerModuleColumn) {
  const QrCode code = SafetyCode();
  const int modules = code.size + 2 * kQuietZoneModules;  // 33
  const auto lines = Lines(RenderQrTerminal(code, TerminalColors::kNone));
  ASSERT_EQ(lines.size(), static_cast<size_t>((modules + 1) / 2));  // 17
  for (size_t row = 0; row < lines.size(); ++row) {
    const auto glyphs = Glyphs(lines[row]);
    ASSERT_EQ(glyphs.size(), static_cast<size_t>(modules)) << "line " << row;
    for (int x = 0; x < modules; ++x) {
      // Decode the glyph back to its two modules and compare with the matrix.
      const std::string& g = glyphs[x];
      const bool top = g == "\u2588" || g == "\u2580";
      const bool bottom = g == "\u2588" || g == "\u2584";
      ASSERT_TRUE(top || bottom || g == " ") << "unexpected glyph at " << x << "," << row;
      auto dark = [&](int mx, int my) {
        mx -= kQuietZoneModules;
        my -= kQuietZoneModules;
        return mx >= 0 && my >= 0 && mx < code.size && my < code.size && code.Dark(mx, my);
      };
      EXPECT_EQ(top, dark(x, static_cast<int>(2 * row)));
      EXPECT_EQ(bottom, dark(x, static_cast<int>(2 * row + 1)));
    }
  }
  // The quiet zone: the first two lines are blank (4 module rows).
  EXPECT_EQ(lines[0], std::string(modules, ' '));
  EXPECT_EQ(lines[1], std::string(modules, ' '));
}

TEST(Qr, AnsiRenderingWrapsEachLineInBlackOnWhite) {
  const QrCode code = SafetyCode();
  const auto plain = Lines(RenderQrTerminal(code, TerminalColors::kNone));
  const auto ansi = Lines(RenderQrTerminal(code));
  ASSERT_EQ(ansi.size(), plain.size());
  for (size_t i = 0; i < ansi.size(); ++i) {
    EXPECT_EQ(ansi[i], "\x1b[30;107m" + plain[i] + "\x1b[0m");
  }
}

// ReadPng decodes `path` as 8-bit grayscale; width 0 on failure.
struct Gray {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> pixels;
};
Gray ReadPng(const std::string& path) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str())) return {};
  image.format = PNG_FORMAT_GRAY;
  Gray g;
  g.pixels.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, g.pixels.data(), 0, nullptr)) {
    png_image_free(&image);
    return {};
  }
  g.width = image.width;
  g.height = image.height;
  return g;
}

TEST(Qr, PngDecodesBackToTheSameModules) {
  const QrCode code = SafetyCode();
  TempDir dir;
  const std::string path = (dir.path() / "safety.png").string();
  constexpr int kPx = 5;
  ASSERT_TRUE(WriteQrPng(code, path, kPx).has_value());

  std::ifstream in(path, std::ios::binary);
  const std::string head(std::istreambuf_iterator<char>(in), {});
  ASSERT_GE(head.size(), 8u);
  EXPECT_EQ(head.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));

  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  EXPECT_EQ(dir.List(), std::vector<std::string>{"safety.png"});  // no temporary left

  const Gray g = ReadPng(path);
  const int modules = code.size + 2 * kQuietZoneModules;
  ASSERT_EQ(g.width, static_cast<uint32_t>(modules * kPx));
  ASSERT_EQ(g.height, g.width);
  // Every pixel of every module, quiet zone included, has the module's colour.
  for (int my = 0; my < modules; ++my) {
    for (int mx = 0; mx < modules; ++mx) {
      const int x = mx - kQuietZoneModules, y = my - kQuietZoneModules;
      const bool dark = x >= 0 && y >= 0 && x < code.size && y < code.size && code.Dark(x, y);
      for (int py = 0; py < kPx; ++py) {
        for (int px = 0; px < kPx; ++px) {
          const uint8_t v = g.pixels[static_cast<size_t>(my * kPx + py) * g.width + mx * kPx + px];
          ASSERT_EQ(v, dark ? 0 : 255) << "module " << mx << "," << my;
        }
      }
    }
  }
}

TEST(Qr, PngReplacesAnExistingFile) {
  const QrCode code = SafetyCode();
  TempDir dir;
  const std::string path = (dir.path() / "safety.png").string();
  { std::ofstream(path) << "old"; }
  ASSERT_TRUE(WriteQrPng(code, path).has_value());
  const Gray g = ReadPng(path);
  EXPECT_EQ(g.width, static_cast<uint32_t>((code.size + 2 * kQuietZoneModules) * kDefaultModulePixels));
}

TEST(Qr, UnwritablePathFailsAndLeavesNothingBehind) {
  const QrCode code = SafetyCode();
  TempDir dir;
  // A missing directory: the temporary cannot even be created.
  auto missing = WriteQrPng(code, (dir.path() / "no-such-dir" / "safety.png").string());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error(), Errc::kPngWriteFailed);
  EXPECT_TRUE(dir.List().empty());
  // The target is a directory: the temporary is written, the rename fails, and it is removed.
  fs::create_directory(dir.path() / "taken");
  auto taken = WriteQrPng(code, (dir.path() / "taken").string());
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error(), Errc::kPngWriteFailed);
  EXPECT_EQ(dir.List(), std::vector<std::string>{"taken"});
  EXPECT_TRUE(fs::is_empty(dir.path() / "taken"));
  // Without write permission (meaningless as root, who may write anywhere).
  if (::geteuid() != 0) {
    fs::create_directory(dir.path() / "ro");
    fs::permissions(dir.path() / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    auto ro = WriteQrPng(code, (dir.path() / "ro" / "safety.png").string());
    ASSERT_FALSE(ro.has_value());
    EXPECT_EQ(ro.error(), Errc::kPngWriteFailed);
    EXPECT_TRUE(fs::is_empty(dir.path() / "ro"));
    fs::permissions(dir.path() / "ro", fs::perms::owner_all);
  }
}

TEST(Qr, ModuleSizeIsBounded) {
  const QrCode code = SafetyCode();
  TempDir dir;
  const std::string path = (dir.path() / "safety.png").string();
  for (int bad : {0, -1, kMaxModulePixels + 1}) {
    auto s = WriteQrPng(code, path, bad);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error(), Errc::kBadModuleSize);
  }
  EXPECT_TRUE(dir.List().empty());
  EXPECT_TRUE(WriteQrPng(code, path, kMaxModulePixels).has_value());
}

}  // namespace
}  // namespace sc::qr
