#include "core/serve/bundle_server.h"

#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <charconv>
#include <condition_variable>
#include <filesystem>

#include <httplib.h>

#include "core/assign/bundle_protocol.h"
#include "core/serve/bundle_store.h"
#include "core/serve/folder_watch.h"
#include "core/serve/http_routes.h"
#include "core/serve/server_metrics.h"
#include "core/serve/version_feed.h"

namespace expt {

namespace {

// One detached thread per connection with a 1 MiB stack, created when the connection arrives and
// gone when it closes, at most `max` at a time (the accept loop waits beyond that). cpp-httplib's
// own pool has a fixed number of threads, and every open event stream holds one.
class ThreadPerConnection : public httplib::TaskQueue {
 public:
  explicit ThreadPerConnection(size_t max) : m_max(max) {}

  void enqueue(std::function<void()> fn) override {
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_room.wait(lock, [&] { return m_running < m_max; });
      ++m_running;
    }
    auto* task = new Task{this, std::move(fn)};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, size_t{1} << 20);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t thread;
    const int failed = pthread_create(&thread, &attr, &ThreadPerConnection::run_task, task);
    pthread_attr_destroy(&attr);
    if (failed != 0) run_task(task);  // no thread to be had: serve it here rather than drop it
  }

  void shutdown() override {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_room.wait(lock, [&] { return m_running == 0; });
  }

 private:
  struct Task {
    ThreadPerConnection* queue;
    std::function<void()> fn;
  };
  static void* run_task(void* raw) {
    std::unique_ptr<Task> task(static_cast<Task*>(raw));
    task->fn();
    {
      std::lock_guard<std::mutex> lock(task->queue->m_mutex);
      --task->queue->m_running;
    }
    task->queue->m_room.notify_all();
    return nullptr;
  }

  size_t m_max;
  size_t m_running = 0;
  std::mutex m_mutex;
  std::condition_variable m_room;
};

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

}  // namespace

struct BundleServer::Impl {
  explicit Impl(ServeOptions o) : options(std::move(o)), store(options.folder) {}

  ServeOptions options;
  BundleStore store;
  VersionFeed feed;
  ServerMetrics metrics;
  httplib::Server http;
  std::unique_ptr<FolderWatch> watch;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  int bound_port = 0;

  void refresh() {
    auto changed = store.rescan();
    if (!changed || !*changed) return;
    auto state = store.state();
    if (!state->latest) return;
    metrics.observe_publish_to_notify(seconds_since_written((std::filesystem::path(options.folder) / k_latest_file).string()));
    feed.publish(*state->latest);
  }
};

BundleServer::BundleServer(ServeOptions options) : m_impl(std::make_unique<Impl>(std::move(options))) {}

BundleServer::~BundleServer() { stop(); }

Result<void> BundleServer::start() {
  Impl& s = *m_impl;
  if (auto scanned = s.store.rescan(); !scanned) return std::move(scanned).error();
  if (auto state = s.store.state(); state->latest) s.feed.publish(*state->latest);

  const size_t max_connections = s.options.max_connections;
  s.http.new_task_queue = [max_connections] { return new ThreadPerConnection(max_connections); };
  s.http.set_payload_max_length(s.options.max_body_bytes);
  s.http.set_keep_alive_max_count(1000);
  // Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm holds the
  // body until the client's delayed ACK (40 ms on Linux), for every small answer.
  s.http.set_tcp_nodelay(true);
  // The listening socket: SO_REUSEADDR only (cpp-httplib's default adds SO_REUSEPORT, which lets a
  // second server bind the same port silently), and a deep accept queue afterwards, since the
  // library listens with a backlog of 5 and a burst of reconnecting clients overflows it.
  auto listening = std::make_shared<int>(-1);
  s.http.set_socket_options([listening](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    *listening = sock;
  });
  RouteContext context{s.options, s.store, s.feed, s.metrics, s.started};
  install_routes(s.http, context);

  if (s.options.port == 0) {
    s.bound_port = s.http.bind_to_any_port(s.options.host);
    if (s.bound_port <= 0) return Error::io("cannot listen on " + s.options.host + " (any port)");
  } else {
    if (!s.http.bind_to_port(s.options.host, s.options.port)) {
      return Error::io("cannot listen on " + s.options.host + ":" + std::to_string(s.options.port) +
                       " (in use, or not an address of this machine)");
    }
    s.bound_port = s.options.port;
  }
  if (*listening >= 0) ::listen(*listening, SOMAXCONN);
  s.watch = std::make_unique<FolderWatch>(s.options.folder, s.options.rescan, [&s] { s.refresh(); });
  return {};
}

void BundleServer::run() { m_impl->http.listen_after_bind(); }

void BundleServer::stop() {
  m_impl->feed.close();  // streams end their response, so their threads are free
  m_impl->http.stop();
  m_impl->watch.reset();
}

int BundleServer::port() const { return m_impl->bound_port; }

}  // namespace expt
