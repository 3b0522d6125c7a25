// Config delivery end to end on loopback: an in-process `expt serve` (BundleServer) over a bundle
// folder, real BundleClients, and real HTTP requests.
// - propagation: from a new version's files being written until each of N clients (each its own
//   BundleClient, threads and sockets) has swapped to it, by stream and by polling alone; with
//   the process's clients sharing snapshots (the default) and each building its own;
// - remote evaluation: POST /v1/assign, one entity and batches of 100, requests/s and p99;
// - bandwidth: bytes a client downloads per update, diff against the full bundle, for a change to
//   one experiment in a registry of 200.
// Figures: docs/performance.md ("Config delivery").

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <httplib.h>

#include "bench/synthetic_registry.h"
#include "core/assign/bundle.h"
#include "core/base/atomic_file.h"
#include "core/client/bundle_client.h"
#include "core/plan/bundle_publish.h"
#include "core/serve/bundle_server.h"

namespace {

using Steady = std::chrono::steady_clock;

// A bundle folder that publishes like `expt export bundle`: bundle, diff, then latest.json.
class Folder {
 public:
  Folder() : m_path(std::filesystem::temp_directory_path() / ("expt-delivery-" + std::to_string(getpid()))) {
    std::filesystem::create_directories(m_path);
    m_state = expt::bench::synthetic_registry();
    publish();
  }
  ~Folder() { std::filesystem::remove_all(m_path); }

  // Changes one experiment's treatment config and publishes the next version; returns the diff's size.
  size_t publish() {
    // Every version has new content, as `expt export bundle` only publishes a change.
    if (m_version > 0) m_state.experiments[0].spec.variants[1].config["color"] = "changed-" + std::to_string(m_version);
    nlohmann::json next = expt::bundle_document(expt::bundle_content(m_state), ++m_version, "2026-11-23T12:00:00Z");
    const std::string text = expt::canonical_text(next);
    write("bundle-" + std::to_string(m_version) + ".json", text);
    size_t diff_bytes = 0;
    if (m_version > 1) {
      const std::string diff = expt::canonical_text(expt::bundle_diff(m_current, next));
      diff_bytes = diff.size();
      write("diff-" + std::to_string(m_version - 1) + "-" + std::to_string(m_version) + ".json", diff);
    }
    write("latest.json", text);
    m_current = std::move(next);
    m_full_bytes = text.size();
    return diff_bytes;
  }
  int64_t version() const { return m_version; }
  size_t full_bytes() const { return m_full_bytes; }
  std::string path() const { return m_path.string(); }

 private:
  void write(const std::string& name, const std::string& text) {
    if (!expt::write_file_atomically((m_path / name).string(), text)) std::abort();
  }
  std::filesystem::path m_path;
  expt::RegistryState m_state;
  nlohmann::json m_current;
  int64_t m_version = 0;
  size_t m_full_bytes = 0;
};

struct Server {
  explicit Server(const std::string& folder) : server([&] {
    expt::ServeOptions o;
    o.folder = folder;
    o.port = 0;
    return o;
  }()) {
    if (!server.start()) std::abort();
    thread = std::thread([this] { server.run(); });
  }
  ~Server() {
    server.stop();
    thread.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server.port()); }
  expt::BundleServer server;
  std::thread thread;
};

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

// N clients; each iteration publishes one version and waits until every client has it.
void propagation(benchmark::State& state, bool stream, bool share = true) {
  const int n = static_cast<int>(state.range(0));
  Folder folder;
  Server server(folder.path());
  std::vector<std::unique_ptr<expt::Evaluator>> evaluators;
  std::vector<std::unique_ptr<expt::BundleClient>> clients;
  std::vector<std::atomic<int64_t>> arrived_ns(static_cast<size_t>(n));
  std::atomic<int64_t> target{0};
  for (int i = 0; i < n; ++i) {
    evaluators.push_back(std::make_unique<expt::Evaluator>());
    expt::BundleClientOptions o;
    o.base_url = server.url();
    o.use_stream = stream;
    o.share_snapshots = share;
    o.poll_interval = std::chrono::milliseconds(1000);
    o.on_update = [&arrived_ns, &target, i](int64_t version, const std::string&) {
      if (version == target.load()) arrived_ns[static_cast<size_t>(i)] = Steady::now().time_since_epoch().count();
    };
    clients.push_back(std::make_unique<expt::BundleClient>(*evaluators.back(), o));
    clients.back()->start();
  }
  auto all_at = [&](int64_t version, std::chrono::seconds limit) {
    const auto until = Steady::now() + limit;
    while (Steady::now() < until) {
      bool all = std::all_of(clients.begin(), clients.end(), [&](const auto& c) { return c->version() >= version; });
      if (all) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  };
  if (!all_at(folder.version(), std::chrono::seconds(60))) state.SkipWithError("clients did not start");
  if (stream) {  // every stream open, so that the first iteration does not time a connection
    const auto until = Steady::now() + std::chrono::seconds(60);
    while (Steady::now() < until &&
           !std::all_of(clients.begin(), clients.end(), [](const auto& c) { return c->counters().stream_opens > 0; })) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::vector<double> delays_ms;
  for (auto _ : state) {
    target = folder.version() + 1;
    for (auto& a : arrived_ns) a = 0;
    const int64_t published = Steady::now().time_since_epoch().count();
    folder.publish();
    if (!all_at(folder.version(), std::chrono::seconds(30))) {
      state.SkipWithError("not every client updated within 30 s");
      break;
    }
    double worst = 0;
    std::vector<double> these;
    for (auto& a : arrived_ns) {
      const double ms = static_cast<double>(a.load() - published) / 1e6;
      delays_ms.push_back(ms);
      these.push_back(ms);
      worst = std::max(worst, ms);
    }
    if (getenv("EXPT_BENCH_DEBUG")) {
      std::sort(these.begin(), these.end());
      fprintf(stderr, "iteration: min %.1f p10 %.1f p50 %.1f p80 %.1f p90 %.1f p95 %.1f max %.1f\n", these[0], these[these.size() / 10],
              these[these.size() / 2], these[these.size() * 8 / 10], these[these.size() * 9 / 10], these[these.size() * 95 / 100], these.back());
    }
    state.SetIterationTime(worst / 1000);
    std::this_thread::sleep_for(std::chrono::milliseconds(stream ? 200 : 1100));
  }
  for (auto& c : clients) c->stop();
  expt::BundleClientCounters total;
  for (auto& c : clients) {
    const expt::BundleClientCounters k = c->counters();
    total.diff_updates += k.diff_updates;
    total.full_updates += k.full_updates;
    total.poll_updates += k.poll_updates;
    total.shared_updates += k.shared_updates;
    total.errors += k.errors;
  }
  state.counters["by_diff"] = static_cast<double>(total.diff_updates);
  state.counters["by_full"] = static_cast<double>(total.full_updates);
  state.counters["by_poll"] = static_cast<double>(total.poll_updates);
  state.counters["shared"] = static_cast<double>(total.shared_updates);
  state.counters["errors"] = static_cast<double>(total.errors);
  if (!delays_ms.empty()) {
    state.counters["p50_ms"] = quantile(delays_ms, 0.5);
    state.counters["p90_ms"] = quantile(delays_ms, 0.9);
    state.counters["p99_ms"] = quantile(delays_ms, 0.99);
    state.counters["max_ms"] = quantile(delays_ms, 1.0);
  }
}

void BM_propagation_stream(benchmark::State& state) { propagation(state, true); }
void BM_propagation_polling(benchmark::State& state) { propagation(state, false); }
// Each client builds its own snapshot, as clients in separate processes do: on this 2-core machine
// the 1,000 clients' CPU for copying, patching, verifying and indexing then adds up.
void BM_propagation_stream_unshared(benchmark::State& state) { propagation(state, true, false); }
BENCHMARK(BM_propagation_stream)->Arg(100)->Arg(1000)->Iterations(5)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_propagation_stream_unshared)->Arg(100)->Arg(1000)->Iterations(5)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_propagation_polling)->Arg(10)->Arg(100)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

// POST /v1/assign from one keep-alive connection: range(0) entities per request.
void BM_remote_assign(benchmark::State& state) {
  static Folder* folder = new Folder;
  static Server* server = new Server(folder->path());
  httplib::Client client(server->url());
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  const int batch = static_cast<int>(state.range(0));
  std::string body;
  if (batch == 1) {
    body = R"({"entity_id": "user-7"})";
  } else {
    body = R"({"requests": [)";
    for (int i = 0; i < batch; ++i) body += (i ? "," : "") + std::string(R"({"entity_id": "user-)") + std::to_string(i) + "\"}";
    body += "]}";
  }
  std::vector<double> latencies_us;
  for (auto _ : state) {
    const auto start = Steady::now();
    auto res = client.Post("/v1/assign", body, "application/json");
    if (!res || res->status != 200) {
      state.SkipWithError("request failed");
      break;
    }
    latencies_us.push_back(std::chrono::duration<double, std::micro>(Steady::now() - start).count());
  }
  state.SetItemsProcessed(state.iterations() * batch);
  if (!latencies_us.empty()) state.counters["p99_us"] = quantile(latencies_us, 0.99);
  state.counters["requests_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_remote_assign)->Arg(1)->Arg(100)->UseRealTime()->Threads(1)->Threads(2);

// Bytes per update: the diff of a one-experiment change, and the full bundle, of 200 experiments.
void BM_update_bytes(benchmark::State& state) {
  Folder folder;
  size_t diff = 0;
  for (auto _ : state) diff = folder.publish();
  state.counters["diff_bytes"] = static_cast<double>(diff);
  state.counters["full_bytes"] = static_cast<double>(folder.full_bytes());
  state.counters["full_over_diff"] = static_cast<double>(folder.full_bytes()) / static_cast<double>(diff);
}
BENCHMARK(BM_update_bytes)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
