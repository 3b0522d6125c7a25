#pragma once
// What `expt serve` counts, and its Prometheus text exposition (GET /metrics): open streams,
// requests by endpoint and status, the current version, and how long after latest.json was
// written the server noticed it and woke the streams.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace expt {

class ServerMetrics {
 public:
  void count_request(const std::string& endpoint, int status) {
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_requests[{endpoint, status}];
  }
  void observe_publish_to_notify(double seconds) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_notify_last = seconds;
    m_notify_sum += seconds;
    ++m_notify_count;
  }

  std::atomic<int64_t> streams{0};
  std::atomic<int64_t> streams_total{0};
  std::atomic<int64_t> events_sent{0};
  std::atomic<int64_t> connections{0};           // open, within max_connections
  std::atomic<int64_t> reserved_connections{0};  // open on the reserved slots beyond it
  std::atomic<int64_t> refused_connections{0};   // beyond every slot: a 503 and closed
  std::atomic<int64_t> refused_streams{0};       // beyond max_streams: 503
  std::atomic<int64_t> shed_connections{0};      // out of file descriptors: closed on arrival
  std::atomic<int64_t> rescan_failures{0};       // the folder could not be read

  // `versions_refused`: latest.json files not served (BundleStore::refused_versions()).
  std::string prometheus_text(int64_t version, double uptime_seconds, int64_t versions_refused) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::string out;
    out += "# HELP expt_serve_bundle_version The latest published bundle version served.\n";
    out += "# TYPE expt_serve_bundle_version gauge\n";
    out += "expt_serve_bundle_version " + std::to_string(version) + "\n";
    out += "# HELP expt_serve_uptime_seconds Seconds since the server started.\n";
    out += "# TYPE expt_serve_uptime_seconds gauge\n";
    out += "expt_serve_uptime_seconds " + number(uptime_seconds) + "\n";
    out += "# HELP expt_serve_streams Open event streams.\n# TYPE expt_serve_streams gauge\n";
    out += "expt_serve_streams " + std::to_string(streams.load()) + "\n";
    out += "# HELP expt_serve_streams_total Event streams opened.\n# TYPE expt_serve_streams_total counter\n";
    out += "expt_serve_streams_total " + std::to_string(streams_total.load()) + "\n";
    out += "# HELP expt_serve_events_total Bundle events sent on streams.\n# TYPE expt_serve_events_total counter\n";
    out += "expt_serve_events_total " + std::to_string(events_sent.load()) + "\n";
    gauge_or_counter(out, "expt_serve_connections", "gauge", "Open connections within the cap.", connections);
    gauge_or_counter(out, "expt_serve_reserved_connections", "gauge",
                     "Open connections on the reserved slots (health and metrics only).", reserved_connections);
    gauge_or_counter(out, "expt_serve_refused_connections_total", "counter",
                     "Connections answered 503 at once: beyond the cap and the reserved slots.", refused_connections);
    gauge_or_counter(out, "expt_serve_refused_streams_total", "counter", "Streams answered 503: beyond max_streams.",
                     refused_streams);
    gauge_or_counter(out, "expt_serve_shed_connections_total", "counter",
                     "Connections closed on arrival because the process was out of file descriptors.", shed_connections);
    gauge_or_counter(out, "expt_serve_rescan_failures_total", "counter", "Folder rescans that could not read the folder.",
                     rescan_failures);
    out += "# HELP expt_serve_versions_refused_total Bundles not served: older than the version served, or from "
           "another registry (lineage).\n# TYPE expt_serve_versions_refused_total counter\n"
           "expt_serve_versions_refused_total " + std::to_string(versions_refused) + "\n";
    out += "# HELP expt_serve_requests_total HTTP requests by endpoint and status.\n";
    out += "# TYPE expt_serve_requests_total counter\n";
    for (const auto& [key, n] : m_requests) {
      out += "expt_serve_requests_total{endpoint=\"" + key.first + "\",status=\"" + std::to_string(key.second) +
             "\"} " + std::to_string(n) + "\n";
    }
    out += "# HELP expt_serve_publish_to_notify_seconds From latest.json written to streams woken.\n";
    out += "# TYPE expt_serve_publish_to_notify_seconds summary\n";
    out += "expt_serve_publish_to_notify_seconds_sum " + number(m_notify_sum) + "\n";
    out += "expt_serve_publish_to_notify_seconds_count " + std::to_string(m_notify_count) + "\n";
    out += "# HELP expt_serve_publish_to_notify_last_seconds The latest of those delays.\n";
    out += "# TYPE expt_serve_publish_to_notify_last_seconds gauge\n";
    out += "expt_serve_publish_to_notify_last_seconds " + number(m_notify_last) + "\n";
    return out;
  }

 private:
  static void gauge_or_counter(std::string& out, const char* name, const char* type, const char* help,
                               const std::atomic<int64_t>& value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           std::to_string(value.load()) + "\n";
  }
  static std::string number(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", v);
    return buffer;
  }

  mutable std::mutex m_mutex;
  std::map<std::pair<std::string, int>, int64_t> m_requests;
  double m_notify_last = 0, m_notify_sum = 0;
  int64_t m_notify_count = 0;
};

}  // namespace expt
