#include "config.h"

#include <toml++/toml.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <limits>

#include <fmt/format.h>

#include "relay_limits.h"

namespace sc::relay_app {
namespace {

// Each setting once: its TOML key (also the flag --key with '_' as '-' and the variable
// SC_RELAY_KEY), and where it lives in RelayConfig.
template <typename F>
void ForEachSetting(RelayConfig& c, F&& f) {
  f("data_dir", c.data_dir);
  f("listen", c.listen);
  f("port", c.port);
  f("public_host", c.public_host);
  f("http_listen", c.http_listen);
  f("http_port", c.http_port);
  f("log_format", c.log_format);
  f("log_level", c.log_level);
  f("max_connections", c.max_connections);
  f("handshakes_per_address_per_second", c.handshakes_per_address_per_second);
  f("handshake_burst_per_address", c.handshake_burst_per_address);
  f("handshakes_per_second", c.handshakes_per_second);
  f("message_ttl_days", c.message_ttl_days);
  f("max_queued_per_device", c.max_queued_per_device);
  f("drain_timeout_seconds", c.drain_timeout_seconds);
  f("write_stall_timeout_seconds", c.write_stall_timeout_seconds);
  f("disk_reserve_mib", c.disk_reserve_mib);
}

template <typename T>
bool ParseValue(const std::string& text, T& out) {
  if constexpr (std::is_same_v<T, std::string>) {
    out = text;
    return true;
  } else if constexpr (std::is_floating_point_v<T>) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0') return false;
    out = v;
    return true;
  } else {
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || v < static_cast<long long>(std::numeric_limits<T>::min()) ||
        v > static_cast<long long>(std::numeric_limits<T>::max())) {
      return false;
    }
    out = static_cast<T>(v);
    return true;
  }
}

std::string ApplyToml(const std::string& path, RelayConfig& c) {
  toml::table table;
  try {  // toml++ here is built with exceptions: a parse error is thrown, and caught at once
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return fmt::format("config file {}: line {}: {}", path, e.source().begin.line, e.description());
  }
  std::string error;
  for (const auto& entry : table) {
    // Named references, not a structured binding: the lambda below captures them (C++20 allows
    // capturing bindings; clang 14, which lint uses, does not).
    const auto& key = entry.first;
    const auto& node = entry.second;
    bool known = false;
    ForEachSetting(c, [&](std::string_view name, auto& field) {
      if (name != key.str() || !error.empty()) return;
      known = true;
      using T = std::decay_t<decltype(field)>;
      if constexpr (std::is_same_v<T, std::string>) {
        if (auto v = node.value<std::string>(); v && v->empty()) {
          error =
              fmt::format("{}: {} is empty: give a value, or remove the line to use the default", path, name);
        } else if (v) {
          field = *v;
        } else {
          error = fmt::format("{}: {} must be a string", path, name);
        }
      } else if constexpr (std::is_floating_point_v<T>) {
        if (auto v = node.value<double>()) {
          field = *v;
        } else {
          error = fmt::format("{}: {} must be a number", path, name);
        }
      } else {
        auto v = node.value<int64_t>();
        if (!v || *v < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
            *v > static_cast<int64_t>(std::numeric_limits<T>::max())) {
          error = fmt::format("{}: {} must be an integer in range", path, name);
        } else {
          field = static_cast<T>(*v);
        }
      }
    });
    if (!error.empty()) return error;
    if (!known) return fmt::format("config file {}: unknown setting '{}'", path, key.str());
  }
  return "";
}

std::string ApplyEnvironment(RelayConfig& c) {
  std::string error;
  ForEachSetting(c, [&](std::string_view name, auto& field) {
    std::string var = "SC_RELAY_";
    for (char ch : name) var += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    const char* value = std::getenv(var.c_str());
    if (value == nullptr || !error.empty()) return;
    if (*value == '\0') {
      error =
          fmt::format("environment {} is set but empty: give a value, or unset it to use the default", var);
      return;
    }
    if (!ParseValue(value, field)) error = fmt::format("environment {}: not a valid value for {}", var, name);
  });
  return error;
}

std::string Validate(const RelayConfig& c) {
  if (c.data_dir.empty()) return "data_dir: must not be empty";
  // NaN passes every comparison below and infinity disables a rate limit: refuse both for every
  // floating-point setting before the ranges are checked.
  std::string error;
  RelayConfig copy = c;
  ForEachSetting(copy, [&](std::string_view name, auto& field) {
    if constexpr (std::is_floating_point_v<std::decay_t<decltype(field)>>) {
      if (error.empty() && !std::isfinite(field)) {
        error = fmt::format("{}: must be a finite number, not {}", name, field);
      }
    }
  });
  if (!error.empty()) return error;
  if (c.log_format != "text" && c.log_format != "json") return "log_format: must be text or json";
  if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" && c.log_level != "error") {
    return "log_level: must be debug, info, warn or error";
  }
  if (c.http_port < -1 || c.http_port > 65535) return "http_port: must be -1 (off), 0 (any) or a port";
  if (c.max_connections == 0 || c.max_connections > kMaxConnectionsCeiling) {
    return fmt::format("max_connections: must be 1..{} (the descriptor limit, less the relay's own files)",
                       kMaxConnectionsCeiling);
  }
  if (!(c.handshakes_per_address_per_second > 0) || c.handshakes_per_address_per_second > kMaxHandshakeRate) {
    return fmt::format("handshakes_per_address_per_second: must be above 0 and at most {}",
                       kMaxHandshakeRate);
  }
  if (!(c.handshake_burst_per_address >= 1) || c.handshake_burst_per_address > kMaxHandshakeRate) {
    return fmt::format("handshake_burst_per_address: must be 1..{}", kMaxHandshakeRate);
  }
  if (!(c.handshakes_per_second > 0) || c.handshakes_per_second > kMaxHandshakeRate) {
    return fmt::format("handshakes_per_second: must be above 0 and at most {}", kMaxHandshakeRate);
  }
  if (c.message_ttl_days == 0 || c.message_ttl_days > kMaxTtlDays) {
    return fmt::format("message_ttl_days: must be 1..{}", kMaxTtlDays);
  }
  if (c.max_queued_per_device == 0 || c.max_queued_per_device > kMaxQueueCeiling) {
    return fmt::format("max_queued_per_device: must be 1..{}", kMaxQueueCeiling);
  }
  if (c.drain_timeout_seconds > kMaxDrainSeconds)
    return fmt::format("drain_timeout_seconds: at most {}", kMaxDrainSeconds);
  if (c.write_stall_timeout_seconds == 0 || c.write_stall_timeout_seconds > kMaxWriteStallSeconds) {
    return fmt::format("write_stall_timeout_seconds: must be 1..{}", kMaxWriteStallSeconds);
  }
  if (c.disk_reserve_mib > kMaxDiskReserveMib) {
    return fmt::format("disk_reserve_mib: must be 0..{} (0: no reserve)", kMaxDiskReserveMib);
  }
  return "";
}

}  // namespace

std::string LoadConfig(int argc, char** argv, RelayConfig& config, bool& exit_now) {
  exit_now = false;
  // Flags are parsed into a separate copy first so that they can override file and environment.
  CLI::App app{"securecomm-relay: the SecureComm relay (docs/relay.md)"};
  app.set_version_flag("--version", "securecomm-relay 0.1.0");
  std::string config_file;
  auto* config_option = app.add_option("-c,--config", config_file, "TOML configuration file");
  app.add_flag("--check-config", config.check_config, "validate the configuration, print it, and exit");
  std::map<std::string, std::string> flag_values;
  std::map<std::string, CLI::Option*> flag_options;
  ForEachSetting(config, [&](std::string_view name, auto&) {
    std::string flag = "--";
    for (char ch : name) flag += ch == '_' ? '-' : ch;
    flag_options[std::string(name)] =
        app.add_option(flag, flag_values[std::string(name)], fmt::format("overrides {} (SC_RELAY_*)", name));
  });
  // "--port=" is an empty value too (CLI11 would call it a missing argument).
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.size() > 3 && arg.starts_with("--") && arg.ends_with("=")) {
      return fmt::format("{}: empty value: give a value, or leave the flag out to use the default",
                         arg.substr(0, arg.size() - 1));
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    std::cout << app.help();
    exit_now = true;
    return "";
  } catch (const CLI::CallForVersion& e) {
    std::cout << "securecomm-relay 0.1.0\n";
    exit_now = true;
    return "";
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
  // An empty value is refused wherever it is given: left unset, the default applies, and an empty
  // string silently meaning "the default" hid mistakes like --data-dir "$UNSET_VARIABLE".
  if (config_option->count() > 0 && config_file.empty()) {
    return "--config: empty value: name a TOML file, or leave the flag out";
  }
  for (const auto& [name, option] : flag_options) {
    if (option->count() > 0 && flag_values[name].empty()) {
      std::string flag = name;
      for (char& ch : flag) ch = ch == '_' ? '-' : ch;
      return fmt::format("--{}: empty value: give a value, or leave the flag out to use the default", flag);
    }
  }
  if (config_file.empty()) {
    if (const char* env = std::getenv("SC_RELAY_CONFIG")) {
      if (*env == '\0') return "environment SC_RELAY_CONFIG is set but empty: name a TOML file, or unset it";
      config_file = env;
    }
  }
  if (!config_file.empty()) {
    config.config_file = config_file;
    if (auto e = ApplyToml(config_file, config); !e.empty()) return e;
  }
  if (auto e = ApplyEnvironment(config); !e.empty()) return e;
  std::string error;
  ForEachSetting(config, [&](std::string_view name, auto& field) {
    const auto& text = flag_values[std::string(name)];
    if (text.empty() || !error.empty()) return;
    if (!ParseValue(text, field)) error = fmt::format("--{}: not a valid value", name);
  });
  if (!error.empty()) return error;
  return Validate(config);
}

std::string Describe(const RelayConfig& config) {
  std::string out;
  RelayConfig copy = config;
  ForEachSetting(copy,
                 [&](std::string_view name, auto& field) { out += fmt::format("{} = {}\n", name, field); });
  return out;
}

}  // namespace sc::relay_app
