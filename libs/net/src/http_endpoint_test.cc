// Tests for HttpEndpoint over real loopback connections. The client is a plain POSIX socket that
// writes raw HTTP/1.1 and reads the reply until the server closes, so what is checked is the bytes
// on the wire, not a client library's interpretation of them.
#include "securecomm/net/http_endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "securecomm/net/errors.h"

namespace sc::net {
namespace {

using namespace std::chrono_literals;

// Socket: an owned file descriptor.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// Connect opens a TCP connection to 127.0.0.1:port with a 5 s receive timeout (so a broken server
// fails the test instead of hanging it), or returns nullopt with errno set.
std::optional<int> Connect(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return std::nullopt;
  timeval timeout{.tv_sec = 5, .tv_usec = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // The sockets C API takes every address family through sockaddr.
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return std::nullopt;
  }
  return fd;
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// ReadUntilClose returns everything received until the peer closes (or an error or timeout).
std::string ReadUntilClose(int fd) {
  std::string out;
  char buf[4096];
  while (true) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  std::string raw;

  // Header returns the value of the header `lowercase_name`, or "" if absent.
  std::string Header(const std::string& lowercase_name) const {
    auto it = headers.find(lowercase_name);
    return it == headers.end() ? "" : it->second;
  }
};

Reply Parse(std::string raw) {
  Reply r;
  r.raw = raw;
  const size_t head_end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || !raw.starts_with("HTTP/1.1 ") || head_end == std::string::npos) return r;
  r.status = std::stoi(raw.substr(9, 3));
  r.body = raw.substr(head_end + 4);
  size_t line = raw.find("\r\n") + 2;
  while (line < head_end) {
    const size_t eol = raw.find("\r\n", line);
    const std::string header = raw.substr(line, eol - line);
    const size_t colon = header.find(':');
    std::string name = header.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = header.substr(header.find_first_not_of(' ', colon + 1));
    line = eol + 2;
  }
  return r;
}

// Exchange sends `request` verbatim on a new connection and returns the parsed reply.
Reply Exchange(uint16_t port, std::string_view request) {
  auto fd = Connect(port);
  if (!fd) return {};
  Socket s(*fd);
  if (!SendAll(s.fd(), request)) return {};
  return Parse(ReadUntilClose(s.fd()));
}

Reply Get(uint16_t port, std::string_view path, std::string_view method = "GET") {
  return Exchange(port, std::string(method) + " " + std::string(path) +
                            " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
}

// A handler that serves /metrics and /healthz, counts its calls and records the last request.
struct TestServer {
  std::atomic<int> calls{0};
  std::mutex mu;  // last_* are written on the server thread and read on the test's
  std::string last_method, last_path;
  std::unique_ptr<HttpEndpoint> endpoint;

  explicit TestServer(HttpEndpoint::Options options = {}) {
    auto started = HttpEndpoint::Start(options, [this](std::string_view method, std::string_view path) {
      ++calls;
      {
        std::lock_guard lock(mu);
        last_method = method;
        last_path = path;
      }
      if (path == "/metrics") {
        return HttpResponse{.content_type = "text/plain; version=0.0.4; charset=utf-8", .body = "sc_up 1\n"};
      }
      if (path == "/healthz") return HttpResponse{.body = "ok\n"};
      if (path == "/throw") throw std::runtime_error("handler bug");
      if (path == "/bad-status") return HttpResponse{.status = 42};
      if (path == "/bad-type") return HttpResponse{.content_type = "text/plain\r\nX-Injected: 1"};
      return HttpResponse{.status = 404, .body = "not found\n"};
    });
    EXPECT_TRUE(started.has_value());
    if (started) endpoint = std::move(*started);
  }
  uint16_t port() const { return endpoint->port(); }
  std::string LastMethod() {
    std::lock_guard lock(mu);
    return last_method;
  }
  std::string LastPath() {
    std::lock_guard lock(mu);
    return last_path;
  }
};

TEST(HttpEndpoint, PortZeroBindsARealPort) {
  TestServer server;
  ASSERT_NE(server.endpoint, nullptr);
  EXPECT_NE(server.port(), 0);
  auto fd = Connect(server.port());
  ASSERT_TRUE(fd.has_value());
  ::close(*fd);
}

TEST(HttpEndpoint, GetReturnsHandlerBodyAndContentType) {
  TestServer server;
  ASSERT_NE(server.endpoint, nullptr);
  const Reply r = Get(server.port(), "/metrics");
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body, "sc_up 1\n");
  EXPECT_EQ(r.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r.Header("content-length"), "8");
  EXPECT_EQ(server.LastMethod(), "GET");
  EXPECT_EQ(server.LastPath(), "/metrics");
}

TEST(HttpEndpoint, DefaultContentTypeAndQueryStringIsStripped) {
  TestServer server;
  ASSERT_NE(server.endpoint, nullptr);
  const Reply r = Get(server.port(), "/healthz?verbose=1");
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body, "ok\n");
  EXPECT_EQ(r.Header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(server.LastPath(), "/healthz");
}

TEST(HttpEndpoint, HeadSendsHeadersOnly) {
  TestServer server;
  ASSERT_NE(server.endpoint, nullptr);
  const Reply r = Get(server.port(), "/metrics", "HEAD");
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.Header("content-length"), "8");
  EXPECT_EQ(server.LastMethod(), "HEAD");
}

TEST(HttpEndpoint, HandlerStatusPassesThrough) {
  TestServer server;
  ASSERT_NE(server.endpoint, nullptr);
  const Reply r = Get(server.port(), "/nope");
  EXPECT_EQ(r.status, 404) << r.raw;
  EXPECT_EQ(r.body, "not found\n");
}

TEST(HttpEndpoint, OtherMethodsGet405WithAllow) {
  TestServer server;
  ASSERT_NE(server.endpoint, nullptr);
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS"}) {
    const Reply r = Get(server.port(), "/metrics", method);
    EXPECT_EQ(r.status, 405) << method << "\n" << r.raw;
    EXPECT_EQ(r.Header("allow"), "GET, HEAD");
  }
  EXPECT_EQ(server.calls.load(), 0);
}

TEST(HttpEndpoint, PostWithBodyGets405) {
  TestServer server;
  ASSERT_NE(server.endpoint, nullptr);
  const Reply r = Exchange(server.port(),
                           "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                           "Connection: close\r\n\r\nhello");
  EXPECT_EQ(r.status, 405) << r.raw;
  EXPECT_EQ(server.calls.load(), 0);
}

TEST(HttpEndpoint, RequestBodyGets413BeforeItIsSent) {
  TestServer server;
  ASSERT_NE(server.endpoint, nullptr);
  // Headers only: the reply must come without the server waiting for (or reading) the body.
  Reply r = Exchange(server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
  EXPECT_EQ(r.status, 413) << r.raw;
  // Expect: 100-continue gets the refusal instead of the invitation to send.
  r = Exchange(server.port(),
               "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(r.status, 413) << r.raw;
  EXPECT_EQ(r.raw.find("100 Continue"), std::string::npos);
  r = Exchange(server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  EXPECT_EQ(r.status, 413) << r.raw;
  EXPECT_EQ(server.calls.load(), 0);
}

TEST(HttpEndpoint, BodySentWithHeadersGets413) {
  TestServer server;
  ASSERT_NE(server.endpoint, nullptr);
  const Reply r = Exchange(server.port(),
                           "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                           "Connection: close\r\n\r\nhello");
  EXPECT_EQ(r.status, 413) << r.raw;
  EXPECT_EQ(server.calls.load(), 0);
}

TEST(HttpEndpoint, ZeroContentLengthIsNoBody) {
  TestServer server;
  ASSERT_NE(server.endpoint, nullptr);
  const Reply r = Exchange(
      server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body, "ok\n");
}

TEST(HttpEndpoint, LongPathGets414) {
  TestServer server;
  ASSERT_NE(server.endpoint, nullptr);
  EXPECT_EQ(Get(server.port(), "/" + std::string(kHttpMaxPathLength - 1, 'a')).status, 404);
  EXPECT_EQ(server.calls.load(), 1);
  const Reply r = Get(server.port(), "/" + std::string(kHttpMaxPathLength, 'a'));
  EXPECT_EQ(r.status, 414) << r.raw.substr(0, 200);
  EXPECT_EQ(server.calls.load(), 1);
}

TEST(HttpEndpoint, HandlerFailuresBecome500) {
  TestServer server;
  ASSERT_NE(server.endpoint, nullptr);
  EXPECT_EQ(Get(server.port(), "/throw").status, 500);
  EXPECT_EQ(Get(server.port(), "/bad-status").status, 500);
  const Reply r = Get(server.port(), "/bad-type");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.headers.count("x-injected"), 0u);
  EXPECT_EQ(Get(server.port(), "/healthz").status, 200);  // the server thread survived
}

TEST(HttpEndpoint, KeepAliveServesSeveralRequests) {
  TestServer server;
  ASSERT_NE(server.endpoint, nullptr);
  const Reply r = Exchange(server.port(),
                           "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                           "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_NE(r.raw.find("sc_up 1\n"), std::string::npos) << r.raw;
  EXPECT_EQ(server.calls.load(), 2);
}

TEST(HttpEndpoint, TwoEndpointsAtOnce) {
  auto a =
      HttpEndpoint::Start({}, [](std::string_view, std::string_view) { return HttpResponse{.body = "a"}; });
  auto b =
      HttpEndpoint::Start({}, [](std::string_view, std::string_view) { return HttpResponse{.body = "b"}; });
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  EXPECT_NE((*a)->port(), (*b)->port());
  EXPECT_EQ(Get((*a)->port(), "/").body, "a");
  EXPECT_EQ(Get((*b)->port(), "/").body, "b");
}

TEST(HttpEndpoint, ExplicitPortAndPortInUse) {
  auto first = HttpEndpoint::Start({}, [](std::string_view, std::string_view) { return HttpResponse{}; });
  ASSERT_TRUE(first.has_value());
  const uint16_t port = (*first)->port();
  auto clash =
      HttpEndpoint::Start({.port = port}, [](std::string_view, std::string_view) { return HttpResponse{}; });
  ASSERT_FALSE(clash.has_value());
  EXPECT_EQ(clash.error(), Errc::kHttpStartFailed);
  first->reset();
  auto again = HttpEndpoint::Start(
      {.port = port}, [](std::string_view, std::string_view) { return HttpResponse{.body = "again"}; });
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ((*again)->port(), port);
  EXPECT_EQ(Get(port, "/").body, "again");
}

TEST(HttpEndpoint, DestructorStopsServing) {
  auto endpoint = std::make_unique<TestServer>();
  ASSERT_NE(endpoint->endpoint, nullptr);
  const uint16_t port = endpoint->port();
  EXPECT_EQ(Get(port, "/healthz").status, 200);
  endpoint.reset();
  errno = 0;
  EXPECT_FALSE(Connect(port).has_value());
  EXPECT_EQ(errno, ECONNREFUSED);
}

TEST(HttpEndpoint, BadOptionsAreRefused) {
  auto handler = [](std::string_view, std::string_view) { return HttpResponse{}; };
  EXPECT_EQ(HttpEndpoint::Start({.address = "localhost"}, handler).error(), Errc::kBadAddress);
  EXPECT_EQ(HttpEndpoint::Start({.address = "::1"}, handler).error(), Errc::kBadAddress);
  EXPECT_EQ(HttpEndpoint::Start({.address = "127.0.0.256"}, handler).error(), Errc::kBadAddress);
  EXPECT_EQ(HttpEndpoint::Start({.max_connections = 0}, handler).error(), Errc::kHttpStartFailed);
  EXPECT_EQ(HttpEndpoint::Start({.max_connections = kHttpMaxConnectionsCeiling + 1}, handler).error(),
            Errc::kHttpStartFailed);
  EXPECT_EQ(HttpEndpoint::Start({.connection_timeout = 0s}, handler).error(), Errc::kHttpStartFailed);
  EXPECT_EQ(HttpEndpoint::Start({.connection_timeout = kHttpMaxConnectionTimeout + 1s}, handler).error(),
            Errc::kHttpStartFailed);
}

TEST(HttpEndpoint, BindsOnlyTheGivenAddress) {
  // 127.0.0.2 is loopback too on Linux; an endpoint bound there must not answer on 127.0.0.1.
  auto endpoint = HttpEndpoint::Start({.address = "127.0.0.2"},
                                      [](std::string_view, std::string_view) { return HttpResponse{}; });
  ASSERT_TRUE(endpoint.has_value());
  errno = 0;
  EXPECT_FALSE(Connect((*endpoint)->port()).has_value());
  EXPECT_EQ(errno, ECONNREFUSED);
}

TEST(HttpEndpoint, IdleConnectionTimesOut) {
  TestServer server({.connection_timeout = 1s});
  ASSERT_NE(server.endpoint, nullptr);
  auto fd = Connect(server.port());
  ASSERT_TRUE(fd.has_value());
  Socket s(*fd);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(ReadUntilClose(s.fd()), "");  // the server closes without a reply
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 4s);  // well before the client's own 5 s receive timeout
}

TEST(HttpEndpoint, ConnectionLimitHolds) {
  TestServer server({.max_connections = 1});
  ASSERT_NE(server.endpoint, nullptr);
  auto first_fd = Connect(server.port());
  ASSERT_TRUE(first_fd.has_value());
  auto first = std::make_unique<Socket>(*first_fd);
  std::this_thread::sleep_for(100ms);  // the server accepts the first connection: at its limit
  // The kernel completes the second handshake, but the server does not accept it yet.
  auto second_fd = Connect(server.port());
  ASSERT_TRUE(second_fd.has_value());
  Socket second(*second_fd);
  ASSERT_TRUE(SendAll(second.fd(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  pollfd readable{.fd = second.fd(), .events = POLLIN, .revents = 0};
  EXPECT_EQ(::poll(&readable, 1, 300), 0);  // no reply while the first connection is held
  EXPECT_EQ(server.calls.load(), 0);
  first.reset();  // a slot frees: the waiting connection is accepted and served
  const Reply r = Parse(ReadUntilClose(second.fd()));
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(server.calls.load(), 1);
}

}  // namespace
}  // namespace sc::net
