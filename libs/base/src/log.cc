#include "securecomm/base/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace sc::log {
namespace {

std::atomic<Level> g_min_level{Level::kInfo};
std::atomic<Format> g_format{Format::kText};

spdlog::logger& Logger() {
  // A plain stderr sink; the pattern carries time and level, the message carries the rest.
  static auto* logger = [] {
    auto l = spdlog::stderr_logger_mt("securecomm");
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
    l->set_level(spdlog::level::trace);
    return l.get();
  }();
  return *logger;
}

spdlog::level::level_enum ToSpd(Level level) {
  switch (level) {
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
  }
  return spdlog::level::err;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "error";
}

// JsonEscape escapes a message for a JSON string value (RFC 8259 §7).
std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace

void Configure(Level min_level, Format format) noexcept {
  g_min_level.store(min_level);
  g_format.store(format);
  try {
    Logger().set_pattern(format == Format::kJson ? "%v" : "%Y-%m-%dT%H:%M:%S.%eZ %l %v",
                         spdlog::pattern_time_type::utc);
  } catch (...) {
  }
}

bool Enabled(Level level) noexcept {
  return level >= g_min_level.load(std::memory_order_relaxed);
}

void Write(Level level, std::string_view message) noexcept {
  try {
    if (g_format.load() == Format::kJson) {
      const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      Logger().log(ToSpd(level), R"({{"ts_ms":{},"level":"{}","msg":"{}"}})", now, LevelName(level),
                   JsonEscape(message));
    } else {
      Logger().log(ToSpd(level), "{}", message);
    }
  } catch (...) {
  }
}

}  // namespace sc::log
