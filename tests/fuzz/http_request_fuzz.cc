// libFuzzer harness: any bytes as what a client sends to `expt serve` (core/serve/
// http_request_parser.h), in pieces of sizes the input chooses, and every request that parses
// routed (core/serve/http_routes.h) over a real bundle folder ($EXPT_FUZZ_BUNDLE_FOLDER). A
// request is refused only with 400, 413, 414 or 431; nothing kept exceeds the limits; every
// response's head is one block of CRLF-terminated lines that no value can split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "core/serve/http_request_parser.h"
#include "core/serve/http_routes.h"

namespace {

struct Server {
  expt::ServeOptions options;
  expt::BundleStore store;
  expt::ServerMetrics metrics;
  expt::RouteContext context{options, store, metrics, std::chrono::steady_clock::now()};
  explicit Server(const char* folder) : store(folder) {
    options.folder = folder;
    options.limits.max_request_line = 256;  // small limits, so the fuzzer reaches them
    options.limits.max_header_bytes = 1024;
    options.limits.max_header_count = 8;
    options.limits.max_body_bytes = 4096;
    if (!store.rescan()) std::abort();
  }
};

Server& server() {
  static Server* s = [] {
    const char* folder = std::getenv("EXPT_FUZZ_BUNDLE_FOLDER");
    if (folder == nullptr) {
      std::cerr << "set EXPT_FUZZ_BUNDLE_FOLDER to a published bundle folder\n";
      std::abort();
    }
    return new Server(folder);
  }();
  return *s;
}

void check_head(const std::string& head) {
  if (head.size() < 4 || head.compare(head.size() - 4, 4, "\r\n\r\n") != 0) std::abort();
  if (head.find("\r\n\r\n") != head.size() - 4) std::abort();  // a value split the head
  for (size_t i = 0; i < head.size(); ++i) {
    if (head[i] == '\n' && (i == 0 || head[i - 1] != '\r')) std::abort();
    if (head[i] == '\r' && (i + 1 == head.size() || head[i + 1] != '\n')) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Server& s = server();
  if (size == 0) return 0;
  // The first byte sets the piece size the bytes arrive in (1 to 256), as a network would split them.
  const size_t piece = static_cast<size_t>(data[0]) + 1;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string held;
  size_t offered = 0;
  for (int requests = 0; requests < 16; ++requests) {
    expt::HttpRequestParser parser(s.options.limits);
    while (true) {
      held.erase(0, parser.put(held));
      if (parser.done() || parser.rejected()) break;
      if (offered == input.size()) {
        parser.put_eof();
        break;
      }
      const size_t n = std::min(piece, input.size() - offered);
      held.append(input.substr(offered, n));
      offered += n;
      // The parser must take the header as soon as it is whole, and never hold more than the limits.
      if (held.size() > s.options.limits.max_header_bytes + s.options.limits.max_request_line + 2 * piece) std::abort();
    }
    if (const auto& refused = parser.rejected()) {
      const int st = refused->status;
      if (st != 400 && st != 413 && st != 414 && st != 431) std::abort();
      check_head(expt::response_head(expt::json_error(st, refused->reason), false));
      return 0;
    }
    if (!parser.done()) return 0;
    const bool keep = parser.keep_alive();
    expt::HttpRequest request = parser.take();
    if (request.body.size() > s.options.limits.max_body_bytes) std::abort();
    if (request.headers.size() > s.options.limits.max_header_count) std::abort();
    expt::HttpResponse response = expt::handle_request(s.context, request);
    if (response.status < 200 || response.status > 599) std::abort();
    check_head(expt::response_head(response, keep));
    if (!keep) return 0;
  }
  return 0;
}
