#include "core/serve/connection.h"

#include <array>
#include <optional>
#include <random>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "core/assign/bundle_protocol.h"
#include "core/serve/http_request_parser.h"
#include "core/serve/server_state.h"

namespace expt {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using Steady = std::chrono::steady_clock;

namespace {

constexpr size_t k_read_piece = 16 * 1024;
// After a response that ends the connection, what the client still sends is read and dropped for
// this long, so that the close does not reset the connection before the client read the answer.
constexpr auto k_linger = std::chrono::milliseconds(1000);

std::chrono::milliseconds jittered(std::chrono::milliseconds lifetime) {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  return lifetime - std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(0, lifetime.count() / 10)(random));
}

HttpResponse busy(std::string_view why) {
  HttpResponse res = json_error(503, why);
  res.headers.emplace_back("Retry-After", "5");
  return res;
}

constexpr std::string_view k_at_the_limit = "the server is at its connection limit; retry later";

}  // namespace

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, Admission admission, ServerState& state)
      : m_stream(std::move(socket)), m_timer(m_stream.get_executor()), m_state(state), m_admission(admission) {
    (m_admission == Admission::regular ? m_state.metrics.connections : m_state.metrics.reserved_connections) += 1;
  }

  ~Connection() {
    (m_admission == Admission::regular ? m_state.metrics.connections : m_state.metrics.reserved_connections) -= 1;
    if (m_streaming) m_state.metrics.streams -= 1;
    m_state.connections.remove(m_id);
  }

  void begin() {
    m_id = m_state.connections.add(shared_from_this());
    if (m_state.stopping) return close();
    read_request();
  }

  void wake() {
    net::post(m_stream.get_executor(), [self = shared_from_this()] { self->on_wake(); });
  }

 private:
  void on_wake() {
    if (m_closed) return;
    if (m_streaming) {
      m_timer.cancel();  // the waiting stream looks at the version (or the stop) now
    } else if (m_state.stopping && m_idle) {
      close();  // between requests: nothing to finish
    }
  }

  // --- requests ---

  void read_request() {
    m_parser.emplace(m_state.options.limits);
    m_sent_continue = false;
    m_idle = m_buffer.size() == 0;
    // A reserved slot is for a quick health check: a silent client must not hold it for long.
    const auto idle = m_state.options.limits.idle_timeout;
    m_stream.expires_after(m_admission == Admission::reserved ? std::min(idle, std::chrono::milliseconds(1000)) : idle);
    if (!m_idle) return parse();
    read_more();
  }

  void read_more() {
    m_stream.async_read_some(m_buffer.prepare(k_read_piece), [self = shared_from_this()](beast::error_code ec, size_t n) {
      if (ec || self->m_closed) return self->close();
      self->m_buffer.commit(n);
      self->parse();
    });
  }

  void parse() {
    if (m_idle && m_buffer.size() > 0) {
      // The first byte of a request: it must now arrive whole within the read timeout.
      m_idle = false;
      m_stream.expires_after(m_state.options.limits.read_timeout);
    }
    const auto data = m_buffer.data();
    m_buffer.consume(m_parser->put(std::string_view(static_cast<const char*>(data.data()), data.size())));
    if (const auto& refused = m_parser->rejected()) {
      m_state.metrics.count_request("other", refused->status);
      return respond(json_error(refused->status, refused->reason), false, false);
    }
    if (m_parser->done()) return dispatch();
    if (m_parser->wants_continue() && !m_sent_continue) {
      m_sent_continue = true;
      static const std::string k_continue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(m_stream, net::buffer(k_continue), [self = shared_from_this()](beast::error_code ec, size_t) {
        if (ec) return self->close();
        self->read_more();
      });
      return;
    }
    read_more();
  }

  void dispatch() {
    const bool keep_alive = m_parser->keep_alive() && m_admission == Admission::regular && !m_state.stopping;
    HttpRequest request = m_parser->take();
    m_parser.reset();
    const bool head = request.method == "HEAD";
    const bool reserved_route = request.path == k_health_path || request.path == k_metrics_path;
    if (request.path == k_stream_path && request.method == "GET" && m_admission == Admission::regular) {
      return open_stream(request);
    }
    HttpResponse response = m_admission == Admission::reserved && !reserved_route
                                ? busy(k_at_the_limit)
                                : handle_request(m_state.routes(), request);
    m_state.metrics.count_request(endpoint_of(request.path), response.status);
    respond(std::move(response), keep_alive, head);
  }

  void respond(HttpResponse response, bool keep_alive, bool head) {
    m_head = response_head(response, keep_alive);
    m_body = head ? std::string() : std::move(response.body);
    m_stream.expires_after(m_state.options.limits.write_timeout);
    const std::array<net::const_buffer, 2> pieces{net::buffer(m_head), net::buffer(m_body)};
    net::async_write(m_stream, pieces, [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
      if (ec || self->m_closed) return self->close();
      if (keep_alive && !self->m_state.stopping) return self->read_request();
      self->linger();
    });
  }

  // Half-closes, then reads and drops what the client still sends until it closes or k_linger.
  void linger() {
    beast::error_code ignored;
    m_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    m_stream.expires_after(k_linger);
    m_buffer.clear();
    m_stream.async_read_some(m_buffer.prepare(k_read_piece), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec || self->m_closed) return self->close();
      self->linger();
    });
  }

  // --- the event stream ---

  void open_stream(const HttpRequest& request) {
    const auto& o = m_state.options;
    if (m_state.stopping || static_cast<size_t>(m_state.metrics.streams.load()) >= o.max_streams) {
      m_state.metrics.count_request(endpoint_of(request.path), 503);
      m_state.metrics.refused_streams += 1;
      return respond(busy("too many open streams; retry later"), false, false);
    }
    m_state.metrics.count_request(endpoint_of(request.path), 200);
    m_streaming = true;
    m_state.metrics.streams += 1;
    m_state.metrics.streams_total += 1;
    if (auto last = request.header("Last-Event-ID")) m_sent = parse_bundle_version(*last).value_or(0);
    // A client ahead of this folder (a rebuilt registry) gets the version served, and decides.
    if (m_sent > m_state.version.load()) m_sent = 0;
    const auto now = Steady::now();
    m_ends = now + jittered(o.stream_lifetime);
    m_heartbeat_due = now + o.heartbeat;
    std::string out =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
        "X-Accel-Buffering: no\r\nConnection: close\r\n\r\nretry: " +
        std::to_string(o.retry.count()) + "\n\n";
    append_newer_version(out);
    m_buffer.clear();
    watch_peer();
    write_stream(std::move(out));
  }

  // A stream's client sends nothing more: any read completing means it left (or misbehaves).
  void watch_peer() {
    m_stream.socket().async_read_some(net::buffer(m_peek), [self = shared_from_this()](beast::error_code, size_t) {
      self->close();
    });
  }

  void write_stream(std::string text) {
    m_body = std::move(text);
    m_stream.expires_after(m_state.options.limits.write_timeout);
    net::async_write(m_stream, net::buffer(m_body), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec || self->m_closed) return self->close();
      self->m_stream.expires_never();
      self->next_event();
    });
  }

  void next_event() {
    if (m_closed) return;
    if (m_ending) return close();
    if (m_state.stopping) {
      m_ending = true;
      return write_stream("event: shutdown\ndata: {\"reason\":\"the server is stopping; reconnect\"}\n\n");
    }
    std::string out;
    append_newer_version(out);
    if (!out.empty()) return write_stream(std::move(out));
    const auto now = Steady::now();
    if (now >= m_ends) return close();
    if (now >= m_heartbeat_due) {
      m_heartbeat_due = now + m_state.options.heartbeat;
      return write_stream(": heartbeat\n\n");
    }
    m_timer.expires_at(std::min(m_heartbeat_due, m_ends));
    m_timer.async_wait([self = shared_from_this()](beast::error_code) { self->next_event(); });
  }

  void append_newer_version(std::string& out) {
    const int64_t version = m_state.version.load();
    if (version <= m_sent) return;
    auto folder = m_state.store.state();
    auto found = folder->versions.find(version);
    const std::string hash = found == folder->versions.end() ? "" : found->second.content_hash;
    ComposedDiff diff = m_sent > 0 ? m_state.store.composed_diff(m_sent, version) : ComposedDiff{};
    const bool inline_patch = diff.patch && diff.patch->size() <= k_inline_patch_bytes;
    out += bundle_event(version, hash, m_sent, inline_patch ? &*diff.patch : nullptr);
    m_sent = version;
    m_state.metrics.events_sent += 1;
  }

  void close() {
    if (m_closed) return;
    m_closed = true;
    beast::error_code ignored;
    m_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    m_stream.close();
    m_timer.cancel();
  }

  beast::tcp_stream m_stream;
  net::steady_timer m_timer;
  ServerState& m_state;
  const Admission m_admission;
  uint64_t m_id = 0;
  beast::flat_buffer m_buffer;
  std::optional<HttpRequestParser> m_parser;
  std::string m_head, m_body;
  std::array<char, 64> m_peek{};
  bool m_closed = false;
  bool m_idle = true;  // waiting for the first byte of a request
  bool m_sent_continue = false;
  // The stream's state.
  bool m_streaming = false;
  bool m_ending = false;  // the final event is on its way
  int64_t m_sent = 0;     // the version the client has
  Steady::time_point m_ends, m_heartbeat_due;
};

const std::string& refused_response() {
  static const std::string text = [] {
    const HttpResponse refused = busy(k_at_the_limit);
    return response_head(refused, false) + refused.body;
  }();
  return text;
}

void start_connection(tcp::socket socket, Admission admission, ServerState& state) {
  std::make_shared<Connection>(std::move(socket), admission, state)->begin();
}

void wake_connection(const std::shared_ptr<Connection>& connection) { connection->wake(); }

}  // namespace expt
