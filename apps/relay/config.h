// config.h: securecomm-relay's settings (docs/relay.md): defaults, then a TOML file, then
// SC_RELAY_* environment variables, then command-line flags; each layer overrides the one before.
#pragma once

#include <cstdint>
#include <string>

#include "relay_limits.h"

namespace sc::relay_app {

struct RelayConfig {
  std::string config_file;  // empty: none
  std::string data_dir = "securecomm-data";
  std::string listen = "127.0.0.1";
  uint16_t port = 4433;
  std::string public_host;  // the host clients dial (connection string); empty: `listen`
  std::string http_listen = "127.0.0.1";
  int http_port = 4480;             // health and metrics; 0: any free port; -1: off
  std::string log_format = "text";  // text | json
  std::string log_level = "info";   // debug | info | warn | error
  uint32_t max_connections = kMaxConnectionsCeiling;
  double handshakes_per_address_per_second = 5;
  double handshake_burst_per_address = 10;
  double handshakes_per_second = 2000;
  uint32_t message_ttl_days = static_cast<uint32_t>(
      std::chrono::duration_cast<std::chrono::hours>(relay::kDefaultMessageTtl).count() / 24);
  uint32_t max_queued_per_device = relay::kMaxQueuedPerDevice;
  uint32_t drain_timeout_seconds = static_cast<uint32_t>(relay_server::kDefaultDrainTimeout.count());
  uint32_t write_stall_timeout_seconds =
      static_cast<uint32_t>(relay_server::kDefaultWriteStallTimeout.count());
  // The disk space held back for acks and deletions when the disk fills (disk_reserve.h); 0: none.
  uint32_t disk_reserve_mib = kDefaultDiskReserveMib;
  bool check_config = false;
};

// LoadConfig fills `config` from argv (which may name a TOML file), the environment and the
// file. Returns "" on success, or a one-line error naming the setting and what is wrong with it.
// A `--help` prints usage and sets `exit_now`.
std::string LoadConfig(int argc, char** argv, RelayConfig& config, bool& exit_now);

// Describe: the effective configuration, one setting per line (no secrets: there are none here).
std::string Describe(const RelayConfig& config);

}  // namespace sc::relay_app
