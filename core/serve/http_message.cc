#include "core/serve/http_message.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/status.hpp>
#include <nlohmann/json.hpp>

namespace expt {

namespace {

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  for (char c : value) out += (c == '\r' || c == '\n') ? ' ' : c;
  out += "\r\n";
}

}  // namespace

std::optional<std::string> HttpRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (boost::beast::iequals(n, boost::beast::string_view(name.data(), name.size()))) return v;
  }
  return std::nullopt;
}

std::string response_head(const HttpResponse& response, bool keep_alive) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " ";
  const auto reason = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(response.status));
  out.append(reason.data(), reason.size());
  out += "\r\n";
  if (!response.content_type.empty()) append_header(out, "Content-Type", response.content_type);
  for (const auto& [name, value] : response.headers) append_header(out, name, value);
  // A 304 says "Content-Length: 0": cpp-httplib 0.11 clients (Debian 12's, and the SDK's) read a
  // 304 without a length until the connection closes. Caches do not take a length from a 304.
  if (response.status >= 200) {
    append_header(out, "Content-Length", response.status == 304 ? "0" : std::to_string(response.body.size()));
  }
  if (!keep_alive) append_header(out, "Connection", "close");
  out += "\r\n";
  return out;
}

HttpResponse json_error(int status, std::string_view message) {
  return HttpResponse{status, "application/json", {},
                      nlohmann::json{{"error", message}, {"status", status}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                          "\n"};
}

}  // namespace expt
