#pragma once
// Keeps an Evaluator on the newest bundle that `expt serve` publishes (docs/serving.md), so a
// service assigns in-process with no network call on its path:
// - start() loads the last-known-good bundle from the cache file first, so a service starts while
//   the server is down, then works on a background thread;
// - it follows GET /v1/stream; on each new version it fetches the diff (one composed patch from the
//   version it has), or the full bundle when the diff does not apply or verify; it swaps the
//   snapshot atomically and writes the bundle to the cache atomically;
// - when the stream fails it polls GET /v1/bundle with If-None-Match every poll interval, and
//   reconnects with capped exponential backoff and jitter.
// assign() on the Evaluator never waits for any of this.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/assign/evaluator.h"
#include "core/base/error.h"

namespace httplib {
struct Response;
}

namespace expt {

struct BundleClientOptions {
  std::string base_url;    // "http://127.0.0.1:8080"
  std::string cache_path;  // the last-known-good bundle; empty: no cache
  std::chrono::milliseconds poll_interval{30000};
  std::chrono::milliseconds backoff_initial{1000};
  std::chrono::milliseconds backoff_max{60000};
  std::chrono::milliseconds timeout{10000};  // connecting, and reading a non-stream answer
  bool use_stream = true;                    // false: poll only
  // A bundle from another registry (its lineage differs from the one held) is refused, and so is
  // any version older than the one held; true: follow a rebuilt registry to its bundles, whatever
  // their versions (docs/serving.md, "A rebuilt registry").
  bool follow_new_lineage = false;
  // Clients of one process that follow the same server build each version's snapshot once and
  // share it (core/client/shared_snapshots.h); false: each builds its own.
  bool share_snapshots = true;
  // Called on the client's thread after each swap, and for each failure it recovers from.
  // how: cache|stream-diff|shared|full|poll
  std::function<void(int64_t version, const std::string& how)> on_update;
  std::function<void(const Error& error)> on_error;
};

// What the client has done, for tests and monitoring.
struct BundleClientCounters {
  int64_t updates = 0;          // swaps to a newer version
  int64_t diff_updates = 0;     // of which through a diff
  int64_t full_updates = 0;     // of which through a full bundle after an event
  int64_t poll_updates = 0;     // of which found by polling
  int64_t shared_updates = 0;   // of which another client of the process had built the snapshot
  int64_t diff_failures = 0;    // diffs that did not apply or verify (then the full bundle)
  int64_t polls = 0;
  int64_t not_modified = 0;     // polls answered 304
  int64_t stream_opens = 0;
  int64_t stream_failures = 0;  // streams that could not open or broke
  int64_t errors = 0;
  int64_t refused_versions = 0;  // older than the one held, or from another lineage
};

class BundleClient {
 public:
  BundleClient(Evaluator& evaluator, BundleClientOptions options);
  ~BundleClient();
  BundleClient(const BundleClient&) = delete;
  BundleClient& operator=(const BundleClient&) = delete;

  // Loads the cache (if any) and starts the background thread.
  void start();
  // Stops the thread, interrupting an open stream; idempotent.
  void stop();

  int64_t version() const { return m_version.load(); }
  BundleClientCounters counters() const;

 private:
  struct Http;
  void run();
  std::optional<Error> follow_stream();  // nullopt: it ended normally (or stop())
  void poll();
  bool update_to(int64_t version, const std::string& diff_url, const std::string& content_hash);
  std::shared_ptr<const BundleSnapshot> build_from_diff(int64_t version, const std::string& diff_url);
  bool fetch_full(int64_t version);
  std::shared_ptr<const BundleSnapshot> parse_shared(const httplib::Response& response, const std::string& name);
  void install(std::shared_ptr<const BundleSnapshot> next, std::string_view text, const std::string& how);
  bool acceptable(const BundleSnapshot& held, const BundleSnapshot& next);
  void fail(const Error& error);
  bool sleep_for(std::chrono::milliseconds duration);  // false when stopping

  Evaluator& m_evaluator;
  BundleClientOptions m_options;
  std::unique_ptr<Http> m_http;
  std::atomic<int64_t> m_version{0};
  mutable std::mutex m_mutex;  // counters, and the stop flag's condition
  BundleClientCounters m_counters;
  std::string m_last_refused;  // the content hash of the version last refused (reported once)
  std::condition_variable m_wake;
  std::atomic<bool> m_stopping{false};
  std::thread m_thread;
};

}  // namespace expt
