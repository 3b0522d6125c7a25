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

  std::string prometheus_text(int64_t version, double uptime_seconds) const {
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
