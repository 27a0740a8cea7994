#include "securecomm/net/http_endpoint.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <new>
#include <optional>

#include "securecomm/base/check.h"
#include "securecomm/base/log.h"
#include "securecomm/net/errors.h"

namespace sc::net {
namespace {

constexpr char kAllowedMethods[] = "GET, HEAD";  // the Allow header of a 405

// LogFromMhd routes libmicrohttpd's diagnostics (bind failures, malformed requests) to the log,
// one line each: control characters, which a client could slip into a quoted request fragment to
// forge log lines, become '?'.
[[gnu::format(printf, 2, 0)]] void LogFromMhd(void* /*cls*/, const char* format, va_list args) {
  char line[512];
  const int n = std::vsnprintf(line, sizeof line, format, args);
  if (n < 0) return;
  std::string_view text(line, std::min(static_cast<size_t>(n), sizeof line - 1));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  for (size_t i = 0; i < text.size(); ++i) {
    if (static_cast<unsigned char>(line[i]) < 0x20 || line[i] == 0x7f) line[i] = '?';
  }
  SC_LOG_WARN("http endpoint: {}", text);
}

bool IsValidHeaderValue(std::string_view v) {
  return v.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Reply queues one response. MHD copies `body`, so it need only live for the call. Returns MHD_NO
// (MHD then closes the connection) if the response cannot be built.
MHD_Result Reply(MHD_Connection* connection, unsigned int status, const char* content_type,
                 std::string_view body, bool allow_header = false) {
  // MHD_RESPMEM_MUST_COPY: MHD only reads the buffer, its parameter is merely not const-qualified.
  MHD_Response* response =
      MHD_create_response_from_buffer(body.size(), const_cast<char*>(body.data()), MHD_RESPMEM_MUST_COPY);
  if (response == nullptr) return MHD_NO;
  MHD_Result ok = MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
  if (ok == MHD_YES && allow_header) {
    ok = MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, kAllowedMethods);
  }
  if (ok == MHD_YES) ok = MHD_queue_response(connection, status, response);
  MHD_destroy_response(response);  // MHD keeps its own reference while the response is queued
  return ok;
}

MHD_Result ReplyText(MHD_Connection* connection, unsigned int status, std::string_view body,
                     bool allow_header = false) {
  return Reply(connection, status, "text/plain; charset=utf-8", body, allow_header);
}

// HasBody: whether the request announces a body. HTTP/1.1 frames a request body only by
// Content-Length or Transfer-Encoding (RFC 9112 §6); "Content-Length: 0" is no body.
bool HasBody(MHD_Connection* connection) {
  if (MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING) !=
      nullptr) {
    return true;
  }
  const char* length =
      MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (length == nullptr) return false;
  const std::string_view digits(length);
  return digits.empty() || digits.find_first_not_of('0') != std::string_view::npos;
}

// Marks, through MHD's per-request pointer, a request whose headers passed Screen.
char g_screened;

// Screen runs on a request's first callback, when only the request line and headers are in, and
// refuses what the endpoint never serves. A reply queued at this point makes MHD discard the rest of
// the request (an announced body is never read) and close the connection after sending. Returns
// nullopt if the request may proceed.
std::optional<MHD_Result> Screen(MHD_Connection* connection, std::string_view method, std::string_view path) {
  if (method != MHD_HTTP_METHOD_GET && method != MHD_HTTP_METHOD_HEAD) {
    return ReplyText(connection, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n", /*allow_header=*/true);
  }
  if (HasBody(connection)) {
    return ReplyText(connection, MHD_HTTP_CONTENT_TOO_LARGE, "request bodies are not accepted\n");
  }
  if (path.size() > kHttpMaxPathLength) {
    return ReplyText(connection, MHD_HTTP_URI_TOO_LONG, "path too long\n");
  }
  return std::nullopt;
}

// Serve handles each callback of one request: Screen on the first; the handler on the second, which
// MHD makes at once since a screened request has no body. Answering on the second call, once the
// request is complete, is what lets MHD keep the connection alive for the next request.
MHD_Result Serve(const HttpHandler& handler, MHD_Connection* connection, const char* url,
                 const char* method_cstr, size_t* upload_data_size, void** request_state) {
  const std::string_view method(method_cstr);
  const std::string_view path(url);
  if (*request_state == nullptr) {
    if (auto refused = Screen(connection, method, path)) return *refused;
    *request_state = &g_screened;
    return MHD_YES;
  }
  if (*upload_data_size != 0) {
    // Unreachable: requests announcing a body were refused. Drop the connection rather than
    // buffer anything.
    *upload_data_size = 0;
    return MHD_NO;
  }

  HttpResponse response;
  try {
    response = handler(method, path);
  } catch (...) {  // the handler's failure is this request's 500, never the server thread's end
    SC_LOG_WARN("http endpoint: handler threw on a {} request", method);  // no path: client-chosen
    return ReplyText(connection, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal error\n");
  }
  if (response.status < 100 || response.status > 599 || !IsValidHeaderValue(response.content_type)) {
    SC_LOG_WARN("http endpoint: handler returned an invalid response (status {})", response.status);
    return ReplyText(connection, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal error\n");
  }
  return Reply(connection, static_cast<unsigned int>(response.status), response.content_type.c_str(),
               response.body);
}

// OnRequest is libmicrohttpd's access handler; `cls` is the endpoint's HttpHandler. Exceptions
// must not cross into C: any that escapes (bad_alloc) closes the connection instead.
MHD_Result OnRequest(void* cls, MHD_Connection* connection, const char* url, const char* method,
                     const char* /*version*/, const char* /*upload_data*/, size_t* upload_data_size,
                     void** con_cls) {
  try {
    return Serve(*static_cast<const HttpHandler*>(cls), connection, url, method, upload_data_size, con_cls);
  } catch (...) {
    return MHD_NO;
  }
}

}  // namespace

Result<std::unique_ptr<HttpEndpoint>> HttpEndpoint::Start(const Options& options, HttpHandler handler) {
  SC_CHECK(handler != nullptr);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(options.port);
  if (inet_pton(AF_INET, options.address.c_str(), &address.sin_addr) != 1) {
    return Fail(Errc::kBadAddress);
  }
  if (options.max_connections < 1 || options.max_connections > kHttpMaxConnectionsCeiling ||
      options.connection_timeout < std::chrono::seconds(1) ||
      options.connection_timeout > kHttpMaxConnectionTimeout) {
    SC_LOG_WARN("http endpoint: max_connections {} or connection_timeout {}s out of range",
                options.max_connections, options.connection_timeout.count());
    return Fail(Errc::kHttpStartFailed);
  }

  std::unique_ptr<HttpEndpoint> endpoint(new (std::nothrow) HttpEndpoint(std::move(handler)));
  if (endpoint == nullptr) return Fail(Errc::kHttpStartFailed);

  // One internal thread, no pool: handlers never run concurrently with each other. MHD_USE_AUTO
  // picks epoll on Linux, which unlike select() works whatever the fd numbers (the relay holds
  // thousands of sockets). MHD_USE_ITC wakes the thread at once on stop.
  constexpr unsigned int kFlags =
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC | MHD_USE_ERROR_LOG;
  // Variadic options: each value is cast to exactly the type MHD reads with va_arg; one option and
  // its value per line, which clang-format would not keep.
  // clang-format off
  endpoint->daemon_ = MHD_start_daemon(
      kFlags, options.port, /*apc=*/nullptr, /*apc_cls=*/nullptr, &OnRequest, &endpoint->handler_,
      // First, so that MHD's messages about the options that follow reach our log too.
      MHD_OPTION_EXTERNAL_LOGGER, &LogFromMhd, static_cast<void*>(nullptr),
      // The sockets C API takes every address family through sockaddr.
      MHD_OPTION_SOCK_ADDR, reinterpret_cast<const sockaddr*>(&address),
      MHD_OPTION_CONNECTION_LIMIT, static_cast<unsigned int>(options.max_connections),
      MHD_OPTION_CONNECTION_TIMEOUT, static_cast<unsigned int>(options.connection_timeout.count()),
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<size_t>(kHttpConnectionMemory),
      MHD_OPTION_END);
  // clang-format on
  if (endpoint->daemon_ == nullptr) {
    SC_LOG_WARN("http endpoint: cannot listen on {}:{}", options.address, options.port);
    return Fail(Errc::kHttpStartFailed);
  }

  const MHD_DaemonInfo* info = MHD_get_daemon_info(endpoint->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  if (info == nullptr || info->port == 0) {
    SC_LOG_WARN("http endpoint: bound port unknown");
    return Fail(Errc::kHttpStartFailed);  // the destructor stops the daemon
  }
  endpoint->port_ = info->port;
  return endpoint;
}

HttpEndpoint::~HttpEndpoint() {
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);  // joins the server thread
}

}  // namespace sc::net
