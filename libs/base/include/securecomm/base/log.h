// log.h: the logging facade. The one door to spdlog, so the sink, format (text or JSON) and level
// are chosen in one place and no header pulls spdlog in.
//
//   SC_LOG_INFO("session {} closed: {}", session_id, err.name());
//
// Rules (DESIGN.md §7.4): never log keys, passwords, plaintext or message contents. Secret types
// have no formatter, so `SC_LOG_INFO("{}", key)` does not compile.
//
// Thread safety: every function here is thread safe.
#pragma once

#include <string_view>
#include <utility>

#include <fmt/core.h>

namespace sc::log {

enum class Level { kDebug, kInfo, kWarn, kError };
enum class Format { kText, kJson };

// Configure selects the minimum level and the output format of the process-wide logger (stderr).
void Configure(Level min_level, Format format) noexcept;
// Enabled returns whether a message at `level` would be written.
bool Enabled(Level level) noexcept;
// Write emits one line. `message` must already be free of secrets.
void Write(Level level, std::string_view message) noexcept;

template <typename... Args>
void Emit(Level level, fmt::format_string<Args...> f, Args&&... args) noexcept {
  if (!Enabled(level)) return;
  try {
    Write(level, fmt::format(f, std::forward<Args>(args)...));
  } catch (...) {  // formatting can throw bad_alloc; a log line is never worth a crash
  }
}

}  // namespace sc::log

#define SC_LOG_DEBUG(...) ::sc::log::Emit(::sc::log::Level::kDebug, __VA_ARGS__)
#define SC_LOG_INFO(...) ::sc::log::Emit(::sc::log::Level::kInfo, __VA_ARGS__)
#define SC_LOG_WARN(...) ::sc::log::Emit(::sc::log::Level::kWarn, __VA_ARGS__)
#define SC_LOG_ERROR(...) ::sc::log::Emit(::sc::log::Level::kError, __VA_ARGS__)
