// http_endpoint.h: a minimal HTTP/1.1 server for health checks and Prometheus scrapes, over GNU
// libmicrohttpd (no HTTP parsing of our own). It answers GET and HEAD by calling one handler;
// routing by path is the handler's job.
//
//   auto http = HttpEndpoint::Start({.address = "127.0.0.1", .port = 9100},
//       [&](std::string_view method, std::string_view path) -> HttpResponse {
//         if (path == "/metrics") {
//           return {.content_type = std::string(kPrometheusContentType), .body = metrics.Render()};
//         }
//         if (path == "/healthz") return {.body = "ok\n"};
//         return {.status = 404, .body = "not found\n"};
//       });
//   if (!http) { SC_LOG_ERROR("metrics endpoint: {}", http.error().name()); return 1; }
//   SC_LOG_INFO("metrics on port {}", (*http)->port());
//
// Refused before the handler runs: methods other than GET and HEAD (405, with "Allow: GET, HEAD"),
// any request with a body, i.e. a non-zero Content-Length or any Transfer-Encoding (413: the server
// never buffers an upload; the connection closes after the reply), paths longer than
// kHttpMaxPathLength (414). For HEAD the handler runs as for GET and only the body is left out.
//
// Threading: one internal thread (MHD_USE_INTERNAL_POLLING_THREAD, no pool) accepts connections and
// calls the handler, one request at a time; the handler therefore runs on that thread, concurrently
// with the rest of the program, and must be thread safe with respect to whatever it reads (Metrics
// is). A slow handler delays other scrapes, never the caller of Start.
//
// Exposure: the endpoint has no authentication and no TLS. Bind it to loopback or a private
// management address, and serve nothing secret from it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "securecomm/base/error.h"
#include "securecomm/net/limits.h"

struct MHD_Daemon;

namespace sc::net {

// HttpResponse: what the handler answers. `status` must be 100..599 and `content_type` a single
// header line (no CR or LF); otherwise the client gets 500 instead.
struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body = {};  // initialised, so `HttpResponse{.status = 404}` compiles under -Wextra
};

// HttpHandler: called on the endpoint's thread with the method ("GET" or "HEAD") and the
// percent-decoded path, without the query string. The views are valid only during the call. If the
// handler throws, the client gets 500 and the exception goes no further.
using HttpHandler = std::function<HttpResponse(std::string_view method, std::string_view path)>;

class HttpEndpoint {
 public:
  struct Options {
    // An IPv4 address in dotted-quad form; exactly this address is bound, never the wildcard unless
    // "0.0.0.0" is asked for.
    std::string address = "127.0.0.1";
    uint16_t port = 0;  // 0: any free port; port() tells which
    // 1..kHttpMaxConnectionsCeiling. At the limit the server stops accepting: further connections
    // wait in the kernel's listen backlog until one closes (or the client gives up).
    size_t max_connections = kHttpDefaultMaxConnections;
    // 1 s..kHttpMaxConnectionTimeout; a connection idle this long is closed.
    std::chrono::seconds connection_timeout = kHttpDefaultConnectionTimeout;
  };

  // Start binds the address and port, starts the server thread and returns the running endpoint.
  // Errors: kBadAddress if `options.address` is not an IPv4 address; kHttpStartFailed if an option
  // is out of range, the port is taken, or libmicrohttpd fails to start (details go to the log).
  // `handler` is moved into the endpoint and lives as long as it. REQUIRES: `handler` non-empty.
  [[nodiscard]] static Result<std::unique_ptr<HttpEndpoint>> Start(const Options& options,
                                                                   HttpHandler handler);

  // ~HttpEndpoint closes the listening socket and all connections, and returns once the server
  // thread has exited (so no handler call runs after it). REQUIRES: not called from the handler.
  ~HttpEndpoint();
  HttpEndpoint(const HttpEndpoint&) = delete;
  HttpEndpoint& operator=(const HttpEndpoint&) = delete;

  // port returns the port actually bound (the chosen one when Options::port was 0).
  uint16_t port() const noexcept { return port_; }

 private:
  explicit HttpEndpoint(HttpHandler handler) : handler_(std::move(handler)) {}

  // The server thread reads handler_ through a pointer given to libmicrohttpd: the endpoint lives
  // on the heap and never moves, so the address holds until the destructor stops the thread.
  HttpHandler handler_;
  MHD_Daemon* daemon_ = nullptr;
  uint16_t port_ = 0;
};

}  // namespace sc::net
