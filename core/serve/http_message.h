#pragma once
// HTTP requests and responses of `expt serve` as plain values, and the bytes of a response on
// the wire. The router (http_routes.h) maps one to the other without a socket; the connection
// (connection.h) parses the one and writes the other.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace expt {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // the target without its query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The first header named `name` (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// The status line and headers of `response`, with Content-Length (the body's size, also for HEAD)
// and `Connection: close` when the connection ends after it. Header values lose any CR or LF, so
// no text that reaches a header can split the response.
std::string response_head(const HttpResponse& response, bool keep_alive);

// {"error": message, "status": status} as a JSON response, the shape of every error of the server.
HttpResponse json_error(int status, std::string_view message);

}  // namespace expt
