#include "core/serve/bundle_server.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "core/assign/bundle_protocol.h"
#include "core/serve/connection.h"
#include "core/serve/folder_watch.h"
#include "core/serve/rate_limited_log.h"
#include "core/serve/server_state.h"

namespace expt {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Steady = std::chrono::steady_clock;

namespace {

// File descriptors kept out of the connection cap: the listening socket, inotify, the spare
// descriptor, bundle and diff files being read, the log.
constexpr size_t k_fds_for_the_server = 64;

// Seconds from latest.json's modification to now: how long publishing took to reach the server.
double seconds_since_written(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return 0;
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  const double delay = static_cast<double>(now.tv_sec - st.st_mtim.tv_sec) +
                       static_cast<double>(now.tv_nsec - st.st_mtim.tv_nsec) / 1e9;
  return delay < 0 ? 0 : delay;
}

// Raises the soft limit on open files to the hard one; returns the limit in force.
size_t raise_fd_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? rlim_t{1} << 20 : limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? size_t{1} << 20 : static_cast<size_t>(limit.rlim_cur);
}

}  // namespace

struct BundleServer::Impl {
  explicit Impl(ServeOptions o) : state(std::move(o)) {}

  // Destroyed in reverse: the io_context (and every connection it still holds) before the state.
  ServerState state;
  RateLimitedLog refusals, sheds, rescans;
  int spare_fd = -1;  // given up to accept and close a connection when descriptors run out
  net::io_context io{1};
  tcp::acceptor acceptor{io};
  net::steady_timer accept_pause{io};
  net::steady_timer stop_deadline{io};
  std::unique_ptr<FolderWatch> watch;
  int bound_port = 0;
  std::mutex stop_mutex;
  bool stop_requested = false;

  ~Impl() {
    if (spare_fd >= 0) ::close(spare_fd);
  }

  void log(const std::string& line) const {
    if (state.options.log) state.options.log(line);
  }

  void publish_latest() {
    auto folder = state.store.state();
    if (!folder->latest) return;
    int64_t current = state.version.load();
    while (*folder->latest > current && !state.version.compare_exchange_weak(current, *folder->latest)) {
    }
    for (const auto& connection : state.connections.alive()) wake_connection(connection);
  }

  void refresh() {
    auto changed = state.store.rescan();
    if (!changed) {
      state.metrics.rescan_failures += 1;
      rescans.say(state.options.log, "cannot rescan the bundle folder: " + changed.error().message +
                                         "; still serving version " + std::to_string(state.version.load()));
      return;
    }
    if (!*changed) return;
    state.metrics.observe_publish_to_notify(
        seconds_since_written((std::filesystem::path(state.options.folder) / k_latest_file).string()));
    publish_latest();
  }

  void accept() {
    acceptor.async_accept(net::make_strand(io), [this](boost::system::error_code ec, tcp::socket socket) {
      if (state.stopping || !acceptor.is_open()) return;
      if (ec) return accept_failed(ec);
      admit(std::move(socket));
      accept();
    });
  }

  void admit(tcp::socket socket) {
    boost::system::error_code ignored;
    // Headers and body go out in one write, but an event after a pause would wait for the
    // client's delayed ACK under Nagle's algorithm.
    socket.set_option(tcp::no_delay(true), ignored);
    const auto& o = state.options;
    if (static_cast<size_t>(state.metrics.connections.load()) < o.max_connections) {
      return start_connection(std::move(socket), Admission::regular, state);
    }
    if (static_cast<size_t>(state.metrics.reserved_connections.load()) < o.reserved_connections) {
      return start_connection(std::move(socket), Admission::reserved, state);
    }
    state.metrics.refused_connections += 1;
    refusals.say(o.log, "at the connection limit (" + std::to_string(o.max_connections) + " and " +
                            std::to_string(o.reserved_connections) + " reserved): refusing new connections with 503");
    refuse(socket.native_handle());
  }

  static void refuse(int fd) {
    [[maybe_unused]] ssize_t n = ::send(fd, refused_response().data(), refused_response().size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  }

  void accept_failed(const boost::system::error_code& ec) {
    if (ec == net::error::operation_aborted) return;
    if (ec == net::error::no_descriptors || ec.value() == ENFILE || ec == net::error::no_buffer_space ||
        ec == net::error::no_memory) {
      // The queued connection would be offered again at once, and the loop would spin: give up the
      // spare descriptor, take the connection, refuse it, and keep the spare again.
      state.metrics.shed_connections += 1;
      sheds.say(state.options.log, "out of file descriptors (" + ec.message() + ", " +
                                       std::to_string(state.metrics.connections.load()) +
                                       " connections open): shedding new connections");
      if (spare_fd >= 0) {
        ::close(spare_fd);
        const int fd = ::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
          refuse(fd);
          ::close(fd);
        }
        spare_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      }
    } else {
      refusals.say(state.options.log, "accept failed: " + ec.message());
    }
    accept_pause.expires_after(std::chrono::milliseconds(10));
    accept_pause.async_wait([this](boost::system::error_code) {
      if (!state.stopping) accept();
    });
  }

  // Polls until every connection is gone or the deadline passes, then stops the io_context.
  void wait_for_connections(Steady::time_point deadline) {
    if (state.connections.size() == 0 || Steady::now() >= deadline) return io.stop();
    stop_deadline.expires_after(std::chrono::milliseconds(20));
    stop_deadline.async_wait([this, deadline](boost::system::error_code) { wait_for_connections(deadline); });
  }

  Result<void> bind() {
    boost::system::error_code ec;
    auto address = net::ip::make_address(state.options.host, ec);
    if (ec) {
      // A name, not an address: resolve it (localhost, a host name of this machine).
      tcp::resolver resolver(io);
      auto found = resolver.resolve(state.options.host, std::to_string(state.options.port), ec);
      if (ec || found.empty()) return Error::io("cannot listen on " + state.options.host + ": " + ec.message());
      address = found.begin()->endpoint().address();
    }
    const tcp::endpoint endpoint(address, static_cast<unsigned short>(state.options.port));
    const std::string where = state.options.host + ":" + std::to_string(state.options.port);
    acceptor.open(endpoint.protocol(), ec);
    // SO_REUSEADDR only: a second server on the same port must fail, not share it silently.
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (ec) return Error::io("cannot listen on " + where + " (in use, or not an address of this machine): " + ec.message());
    // A deep accept queue: a burst of reconnecting streams must not overflow it.
    acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return Error::io("cannot listen on " + where + ": " + ec.message());
    bound_port = acceptor.local_endpoint().port();
    return {};
  }
};

BundleServer::BundleServer(ServeOptions options) : m_impl(std::make_unique<Impl>(std::move(options))) {}

BundleServer::~BundleServer() {
  stop();
  m_impl->watch.reset();
}

Result<void> BundleServer::start() {
  Impl& s = *m_impl;
  ServeOptions& o = s.state.options;
  if (o.max_connections == 0 || o.max_streams == 0) return Error::invalid("max_connections and max_streams must be at least 1");
  const size_t fd_limit = raise_fd_limit();
  const size_t room = fd_limit > k_fds_for_the_server + o.reserved_connections ? fd_limit - k_fds_for_the_server - o.reserved_connections : 1;
  if (o.max_connections > room) o.max_connections = room;
  if (o.max_streams > o.max_connections) o.max_streams = o.max_connections;
  if (o.threads == 0) o.threads = std::max(1u, std::thread::hardware_concurrency());

  if (auto scanned = s.state.store.rescan(); !scanned) return std::move(scanned).error();
  s.publish_latest();
  if (auto bound = s.bind(); !bound) return bound;
  s.spare_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  s.log("capacity: open-file limit " + std::to_string(fd_limit) + ", so up to " + std::to_string(o.max_connections) +
        " connections (" + std::to_string(o.max_streams) + " of them streams) plus " +
        std::to_string(o.reserved_connections) + " reserved for /healthz and /metrics; " + std::to_string(o.threads) +
        " threads");
  s.watch = std::make_unique<FolderWatch>(o.folder, o.rescan, [&s] { s.refresh(); });
  s.accept();
  return {};
}

void BundleServer::run() {
  Impl& s = *m_impl;
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < s.state.options.threads; ++i) threads.emplace_back([&s] { s.io.run(); });
  s.io.run();
  for (auto& thread : threads) thread.join();
}

void BundleServer::stop() {
  Impl& s = *m_impl;
  {
    std::lock_guard<std::mutex> lock(s.stop_mutex);
    if (s.stop_requested) return;
    s.stop_requested = true;
  }
  net::post(s.io, [&s] {
    s.state.stopping = true;
    boost::system::error_code ignored;
    s.acceptor.close(ignored);
    s.accept_pause.cancel();
    for (const auto& connection : s.state.connections.alive()) wake_connection(connection);
    s.wait_for_connections(Steady::now() + s.state.options.shutdown_deadline);
  });
}

int BundleServer::port() const { return m_impl->bound_port; }
size_t BundleServer::max_connections() const { return m_impl->state.options.max_connections; }
size_t BundleServer::max_streams() const { return m_impl->state.options.max_streams; }

}  // namespace expt
