// scp_tcp_bench: bulk transfer through the asio TCP adapter (net::ScpStream) over loopback, beside
// the in-memory seal+open rate of the same suite and record size, in the same binary and run.
// Both run on one thread (client and server share one io_context), so the ratio is CPU for CPU:
// the adapter's cost (syscalls, buffers, copies) on top of the record protection.
//
//   ./build/release/bench/scp_tcp_bench [--mib N] [--rounds R]
//
// Goal (issue 3): TCP rate / in-memory rate >= 0.70 for every row. "batched" rows Queue records
// and Flush every 64 KiB (one write per batch) instead of one write per Send.
#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "securecomm/crypto/random.h"
#include "securecomm/net/scp_stream.h"
#include "securecomm/scp/record.h"

namespace {

using namespace sc;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);

struct Keys {
  crypto::X25519KeyPair server_static = crypto::X25519KeyPair::Generate(crypto::SystemCsprng());
  crypto::X25519KeyPair client_static = crypto::X25519KeyPair::Generate(crypto::SystemCsprng());
  std::shared_ptr<const crypto::Ed25519KeyPair> server_id = std::make_shared<const crypto::Ed25519KeyPair>(
      crypto::Ed25519KeyPair::Generate(crypto::SystemCsprng()));
  std::shared_ptr<const crypto::Ed25519KeyPair> client_id = std::make_shared<const crypto::Ed25519KeyPair>(
      crypto::Ed25519KeyPair::Generate(crypto::SystemCsprng()));
};

// InMemorySeconds: seal `count` records of `size` bytes and open each, with the session's record
// layer (RecordSender/RecordReceiver), the way the adapter uses it.
double InMemorySeconds(scp::NoiseSuite suite, size_t size, size_t count) {
  SecretArray<32> k1, k2;
  crypto::SystemCsprng().Fill(k1.MutableExpose());
  std::memcpy(k2.MutableExpose().data(), k1.Expose().data(), 32);
  std::array<uint8_t, 32> h{};
  scp::RecordSender tx(suite, std::move(k1), h, 2);
  scp::RecordReceiver rx(suite, std::move(k2), h, 2, scp::Transport::kStream);
  std::vector<uint8_t> msg(size, 0x5a), wire, plain(size);
  wire.reserve(size + 128);
  const auto start = Clock::now();
  for (size_t i = 0; i < count; ++i) {
    wire.clear();
    if (!tx.SealInto(scp::FrameType::kData, msg, wire)) std::abort();
    auto frame = scp::DecodeFrame(wire);
    if (!frame || !rx.OpenInto(*frame, plain)) std::abort();
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// TcpSeconds: one client sends `count` records of `size` bytes to one server over loopback TCP
// through ScpStream; the server receives them all. Handshake excluded from the timing.
double TcpSeconds(scp::NoiseSuite suite, size_t size, size_t count, const Keys& keys, size_t batch) {
  asio::io_context io(1);
  SystemClock clock;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  Clock::time_point start, end;
  size_t received = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
        if (ec) std::abort();
        scp::SessionConfig cfg;
        cfg.role = scp::Role::kResponder;
        cfg.noise_static = keys.server_static.Clone();
        cfg.identity = keys.server_id;
        net::ScpStream s(std::move(socket),
                         *scp::Session::Create(std::move(cfg), clock, crypto::SystemCsprng()), clock);
        if (!co_await s.Handshake()) std::abort();
        while (received < count) {
          auto msg = co_await s.ReceiveView();
          if (!msg || msg->size() != size) std::abort();
          ++received;
        }
        end = Clock::now();
      },
      asio::detached);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        tcp::socket socket(io);
        auto [ec] = co_await socket.async_connect(acceptor.local_endpoint(), kNoThrow);
        if (ec) std::abort();
        scp::SessionConfig cfg;
        cfg.role = scp::Role::kInitiator;
        cfg.suites = {suite};
        cfg.noise_static = keys.client_static.Clone();
        cfg.identity = keys.client_id;
        cfg.responder_static = keys.server_static.public_key;
        cfg.responder_identity = keys.server_id->public_key();
        net::ScpStream c(std::move(socket),
                         *scp::Session::Create(std::move(cfg), clock, crypto::SystemCsprng()), clock);
        if (!co_await c.Handshake()) std::abort();
        std::vector<uint8_t> msg(size, 0x5a);
        start = Clock::now();
        for (size_t i = 0; i < count; ++i) {
          if (batch == 0) {
            if (!co_await c.Send(msg)) std::abort();  // one write per record
          } else {
            if (!c.Queue(msg)) std::abort();
            if ((c.pending() >= batch || i + 1 == count) && !co_await c.Flush()) std::abort();
          }
        }
      },
      asio::detached);
  io.run();
  if (received != count) std::abort();
  return std::chrono::duration<double>(end - start).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) try {  // an exception (bad_alloc, a library's) ends with 1
  size_t mib = 64;
  int rounds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--mib") == 0) mib = std::strtoul(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::atoi(argv[i + 1]);
  }
  crypto::Init();
  Keys keys;
  std::printf("SCP bulk transfer over loopback TCP (net::ScpStream, client and server on one thread)\n");
  std::printf(
      "beside in-memory RecordSender+RecordReceiver on the same records; %zu MiB per run, median of %d\n",
      mib, rounds);
  std::printf("command: %s --mib %zu --rounds %d\n\n", argv[0], mib, rounds);
  std::printf("%-34s %12s %12s %8s %s\n", "row", "TCP MiB/s", "memory MiB/s", "ratio",
              "verdict (goal >= 0.70)");
  int over = 0;
  struct Row {
    size_t size;
    size_t batch;  // 0: Send (one write per record); else Queue + Flush per `batch` bytes
  };
  for (auto suite : {scp::NoiseSuite::kAesGcm, scp::NoiseSuite::kChaChaPoly}) {
    for (Row row_spec : {Row{1024, 0}, Row{1024, 64 * 1024}, Row{16384, 0}, Row{65535, 0}}) {
      const size_t size = row_spec.size;
      const size_t count = mib * 1024 * 1024 / size;
      std::vector<double> ratios, tcp_rates, mem_rates;
      for (int r = 0; r < rounds; ++r) {  // alternate so load changes hit both alike
        const double mem = InMemorySeconds(suite, size, count);
        const double tcp = TcpSeconds(suite, size, count, keys, row_spec.batch);
        ratios.push_back(mem / tcp);
        tcp_rates.push_back(static_cast<double>(mib) / tcp);
        mem_rates.push_back(static_cast<double>(mib) / mem);
      }
      const double ratio = Median(ratios);
      const std::string row =
          std::string(suite == scp::NoiseSuite::kAesGcm ? "AES-256-GCM" : "ChaCha20-Poly1305") + " " +
          std::to_string(size) + " B" + (row_spec.batch ? " batched" : "");
      std::printf("%-34s %12.1f %12.1f %8.3f %s\n", row.c_str(), Median(tcp_rates), Median(mem_rates), ratio,
                  ratio >= 0.70 ? "ok" : "under");
      over += ratio < 0.70 ? 1 : 0;
    }
  }
  std::printf("\n%d row(s) under the goal\n", over);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "fatal: %s\n", e.what());
  return 1;
} catch (...) {
  return 1;
}
