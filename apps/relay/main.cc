// securecomm-relay: the SecureComm relay server (docs/relay.md). A thin main: configuration,
// keys, the SQLite store, the services, the SCP listener and the health/metrics endpoint.
//
//   securecomm-relay [--config FILE] [--data-dir DIR] [--port N] [--check-config] ...
//
// Exit codes: 0 after a clean shutdown (SIGTERM or SIGINT), 1 a startup failure (the error is
// printed; another relay holding the data directory's relay.lock is one), 2 a configuration error.
#include <sys/stat.h>

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "securecomm/base/log.h"
#include "securecomm/base/metrics.h"
#include "securecomm/crypto/random.h"
#include "securecomm/net/http_endpoint.h"
#include "securecomm/relay/disk_full.h"
#include "securecomm/relay/service.h"
#include "securecomm/relay/store_worker.h"
#include "securecomm/relay_server/server.h"
#include "securecomm/scp/connection_string.h"
#include "securecomm/store/sqlite_relay_store.h"

#include "config.h"
#include "data_dir_lock.h"
#include "disk_reserve.h"
#include "relay_keys.h"

namespace {

using namespace sc;
namespace fs = std::filesystem;

log::Level ParseLevel(const std::string& s) {
  if (s == "debug") return log::Level::kDebug;
  if (s == "warn") return log::Level::kWarn;
  if (s == "error") return log::Level::kError;
  return log::Level::kInfo;
}

// ResidentBytes reads this process's resident set size from /proc (for the metrics).
double ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * 4096.0;
}

int Run(const relay_app::RelayConfig& cfg) {
  log::Configure(ParseLevel(cfg.log_level),
                 cfg.log_format == "json" ? log::Format::kJson : log::Format::kText);
  std::error_code ec;
  fs::create_directories(cfg.data_dir, ec);
  if (ec) {
    std::fprintf(stderr, "error: cannot create data_dir %s: %s\n", cfg.data_dir.c_str(),
                 ec.message().c_str());
    return 1;
  }
  ::chmod(cfg.data_dir.c_str(), 0700);
  // One relay per data directory, before the keys or the store are touched; held until exit.
  relay_app::DataDirLock lock;
  if (auto e = lock.Acquire(cfg.data_dir); !e.empty()) {
    std::fprintf(stderr, "error: %s\n", e.c_str());
    return 1;
  }

  relay_app::RelayKeys keys;
  bool created = false;
  if (auto e = relay_app::LoadOrCreateKeys(fs::path(cfg.data_dir) / "relay.key", keys, created); !e.empty()) {
    std::fprintf(stderr, "error: %s\n", e.c_str());
    return 1;
  }
  if (created)
    SC_LOG_INFO("created the relay identity in {}", (fs::path(cfg.data_dir) / "relay.key").string());

  // The disk reserve, taken before the store can grow into it, and the disk-full mode that
  // releases it (docs/relay.md "Disk full").
  std::unique_ptr<relay_app::ReserveFile> reserve;
  if (cfg.disk_reserve_mib > 0) {
    reserve = std::make_unique<relay_app::ReserveFile>(fs::path(cfg.data_dir) / relay_app::kReserveFileName,
                                                       uint64_t{cfg.disk_reserve_mib} << 20);
  } else {
    fs::remove(fs::path(cfg.data_dir) / relay_app::kReserveFileName, ec);  // one left by an earlier setting
  }
  relay::DiskFullMode disk_full(reserve.get());
  if (reserve) {
    if (auto e = reserve->Create(); !e.empty()) {
      SC_LOG_WARN("{}: starting in disk-full mode", e);
      disk_full.Enter();
    }
  }

  auto store = store::SqliteRelayStore::Open(fs::path(cfg.data_dir) / "relay.db");
  if (!store) {
    std::fprintf(stderr, "error: cannot open the store %s: %s\n",
                 (fs::path(cfg.data_dir) / "relay.db").c_str(), store.error().name().data());
    return 1;
  }

  SystemClock clock;
  Metrics metrics;
  relay::ServiceOptions service_options;
  service_options.default_ttl = std::chrono::hours(24) * cfg.message_ttl_days;
  service_options.max_queued_per_device = cfg.max_queued_per_device;
  service_options.decoy_key = keys.decoy_key.Clone();
  service_options.disk_full = &disk_full;
  relay::Service service(**store, clock, crypto::SystemCsprng(), std::move(service_options));
  auto& purged = metrics.AddCounter("securecomm_relay_messages_expired_total",
                                    "Queued messages removed after their TTL");
  relay::StoreWorker worker(
      **store,
      [&](store::RelayStore&) {
        if (auto n = service.PurgeExpired(); n && *n > 0) {
          purged.Inc(*n);
          SC_LOG_INFO("removed {} expired messages", *n);
        }
      },
      std::chrono::seconds(60), &disk_full);
  const auto& ws = worker.stats();
  metrics.AddGaugeCallback("securecomm_relay_store_batches", "Store transactions committed (fsync batches)",
                           [&ws] { return static_cast<double>(ws.batches.load()); });
  metrics.AddGaugeCallback("securecomm_relay_store_jobs", "Requests run by the store worker",
                           [&ws] { return static_cast<double>(ws.jobs.load()); });
  metrics.AddGaugeCallback("securecomm_relay_store_commit_failures",
                           "Store transactions that failed to commit",
                           [&ws] { return static_cast<double>(ws.commit_failures.load()); });
  metrics.AddGaugeCallback("securecomm_relay_store_queue_depth", "Requests waiting for the store worker",
                           [&ws] { return static_cast<double>(ws.pending.load()); });
  metrics.AddGaugeCallback(
      "securecomm_relay_disk_full",
      "1 while the store's disk is full: sends, registrations and prekey uploads refused",
      [&disk_full] { return disk_full.active() ? 1.0 : 0.0; });
  metrics.AddGaugeCallback("securecomm_relay_resident_bytes", "Resident memory of the relay process",
                           ResidentBytes);

  asio::io_context io(1);
  relay_server::ServerOptions options;
  options.listen_address = cfg.listen;
  options.port = cfg.port;
  options.noise_static = keys.noise.Clone();
  options.identity = keys.identity;
  options.handshake_limits.per_second = cfg.handshakes_per_address_per_second;
  options.handshake_limits.burst = cfg.handshake_burst_per_address;
  options.handshake_limits.global_per_second = cfg.handshakes_per_second;
  options.max_connections = cfg.max_connections;
  options.drain_timeout = std::chrono::seconds(cfg.drain_timeout_seconds);
  options.write_stall_timeout = std::chrono::seconds(cfg.write_stall_timeout_seconds);
  relay_server::RelayServer server(io, service, worker, clock, metrics, std::move(options));
  if (auto s = server.Start(); !s) {
    std::fprintf(stderr, "error: cannot listen on %s:%u\n", cfg.listen.c_str(), cfg.port);
    return 1;
  }

  std::unique_ptr<net::HttpEndpoint> http;
  if (cfg.http_port >= 0) {
    auto started = net::HttpEndpoint::Start(
        {.address = cfg.http_listen, .port = static_cast<uint16_t>(cfg.http_port)},
        [&](std::string_view, std::string_view path) -> net::HttpResponse {
          if (path == "/metrics")
            return {.content_type = std::string(kPrometheusContentType), .body = metrics.Render()};
          if (path == "/healthz") return {.body = "ok\n"};
          return {.status = 404, .body = "not found\n"};
        });
    if (!started) {
      std::fprintf(stderr, "error: cannot start the health endpoint on %s:%d\n", cfg.http_listen.c_str(),
                   cfg.http_port);
      return 1;
    }
    http = std::move(*started);
  }

  // Signals are handled before the connection string is printed: whoever reads it may stop us.
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const asio::error_code& e, int signal) {
    if (e) return;
    SC_LOG_INFO("signal {}: draining", signal);
    server.Drain([&] { io.stop(); });
  });
  const scp::ConnectionString cs{cfg.public_host.empty() ? cfg.listen : cfg.public_host, server.port(),
                                 keys.noise.public_key, keys.identity->public_key()};
  const std::string connection = scp::FormatConnectionString(cs);
  {
    std::ofstream out(fs::path(cfg.data_dir) / "connection.txt", std::ios::trunc);
    out << connection << "\n";
  }
  std::printf("securecomm-relay listening on %s:%u (SCP over TCP)\n", cfg.listen.c_str(), server.port());
  if (http) {
    std::printf("health and metrics: http://%s:%u/healthz  /metrics\n", cfg.http_listen.c_str(),
                http->port());
  }
  std::printf("relay identity fingerprint: %s\n", scp::IdentityFingerprint(cs.identity).c_str());
  std::printf("connection string (clients pin it):\n  %s\n", connection.c_str());
  std::fflush(stdout);
  SC_LOG_INFO("relay started: port {}, data in {}", server.port(), cfg.data_dir);

  io.run();
  http.reset();
  worker.Stop();  // every queued job runs and commits before the store closes
  SC_LOG_INFO("relay stopped cleanly");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  relay_app::RelayConfig cfg;
  bool exit_now = false;
  if (auto e = relay_app::LoadConfig(argc, argv, cfg, exit_now); !e.empty()) {
    std::fprintf(stderr, "securecomm-relay: configuration error: %s\n", e.c_str());
    return 2;
  }
  if (exit_now) return 0;
  if (cfg.check_config) {
    std::printf("configuration OK\n%s", relay_app::Describe(cfg).c_str());
    return 0;
  }
  try {
    return Run(cfg);
  } catch (const std::exception& e) {  // allocation failure at startup; nothing peer-driven throws
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
