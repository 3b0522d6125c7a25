#include "core/client/bundle_client.h"

#include <random>

#include <httplib.h>

#include "core/assign/bundle_protocol.h"
#include "core/base/atomic_file.h"
#include "core/base/text_file.h"
#include "core/client/shared_snapshots.h"
#include "core/client/sse_parser.h"

namespace expt {

namespace {

// GET with one retry: a kept-alive connection that the server has since closed (its idle timeout)
// fails the first attempt without a response, and the retry opens a new one.
httplib::Result get(httplib::Client& client, const std::string& path, const httplib::Headers& headers = {}) {
  auto res = client.Get(path, headers);
  if (!res && res.error() != httplib::Error::Canceled) res = client.Get(path, headers);
  return res;
}

}  // namespace

// Two connections: one holds the stream, the other fetches (from inside the stream's callback).
struct BundleClient::Http {
  explicit Http(const BundleClientOptions& o) : stream(o.base_url), fetch(o.base_url) {
    for (httplib::Client* c : {&stream, &fetch}) {
      c->set_connection_timeout(std::chrono::duration_cast<std::chrono::seconds>(o.timeout).count());
      c->set_keep_alive(true);
      c->set_tcp_nodelay(true);  // small requests: no waiting on delayed ACKs
    }
    fetch.set_read_timeout(std::chrono::duration_cast<std::chrono::seconds>(o.timeout).count());
    // The stream is silent between heartbeats (15 s by default): allow a few of them.
    stream.set_read_timeout(60);
  }
  httplib::Client stream;
  httplib::Client fetch;
};

BundleClient::BundleClient(Evaluator& evaluator, BundleClientOptions options)
    : m_evaluator(evaluator), m_options(std::move(options)), m_http(std::make_unique<Http>(m_options)) {}

BundleClient::~BundleClient() { stop(); }

BundleClientCounters BundleClient::counters() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_counters;
}

void BundleClient::start() {
  if (!m_options.cache_path.empty()) {
    if (auto text = read_text_file(m_options.cache_path)) {
      auto snapshot = BundleSnapshot::parse(*text, m_options.cache_path);
      if (snapshot) {
        install(*snapshot, {}, "cache");
      } else {
        fail(snapshot.error());  // a damaged cache is ignored; the server's bundle replaces it
      }
    }
  }
  m_thread = std::thread([this] { run(); });
}

void BundleClient::stop() {
  if (m_stopping.exchange(true)) {
    if (m_thread.joinable()) m_thread.join();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(m_mutex);
  }
  m_wake.notify_all();
  m_http->stream.stop();  // interrupts a blocking stream read
  m_http->fetch.stop();
  if (m_thread.joinable()) m_thread.join();
}

bool BundleClient::sleep_for(std::chrono::milliseconds duration) {
  std::unique_lock<std::mutex> lock(m_mutex);
  m_wake.wait_for(lock, duration, [this] { return m_stopping.load(); });
  return !m_stopping.load();
}

void BundleClient::fail(const Error& error) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_counters.errors;
  }
  if (m_options.on_error) m_options.on_error(error);
}

// Whether `next` may replace `held`: a newer version of the same registry, or with
// follow_new_lineage any version of another. Refusals are counted and reported once per version.
bool BundleClient::acceptable(const BundleSnapshot& held, const BundleSnapshot& next) {
  const bool other_lineage = !held.lineage().empty() && !next.lineage().empty() && held.lineage() != next.lineage();
  if (other_lineage && m_options.follow_new_lineage) return true;
  if (!other_lineage && next.version() == held.version()) return false;  // what we have
  std::string why;
  if (other_lineage) {
    why = "the server offers version " + std::to_string(next.version()) + " of another registry (lineage " +
          next.lineage() + "; this client holds version " + std::to_string(held.version()) + " of lineage " +
          held.lineage() + "): refused; to follow a rebuilt registry, use --follow-new-lineage or remove the cache";
  } else if (next.version() < held.version()) {
    why = "the server offers version " + std::to_string(next.version()) + ", older than version " +
          std::to_string(held.version()) + " held: refused (a folder restored from a backup? versions only move forward)";
  } else {
    return true;
  }
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_counters.refused_versions;
    if (m_last_refused == next.content_hash()) return false;
    m_last_refused = next.content_hash();
  }
  fail(Error::invalid(why, SourceLocation{m_options.base_url}));
  return false;
}

void BundleClient::install(std::shared_ptr<const BundleSnapshot> next, std::string_view text, const std::string& how) {
  const int64_t version = next->version();
  if (how != "cache") {
    if (auto held = m_evaluator.snapshot(); held && !acceptable(*held, *next)) return;
  }
  m_evaluator.replace(next);
  m_version.store(version);
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (how != "cache") ++m_counters.updates;
    if (how == "stream-diff") ++m_counters.diff_updates;
    if (how == "shared") ++m_counters.shared_updates;
    if (how == "full") ++m_counters.full_updates;
    if (how == "poll") ++m_counters.poll_updates;
  }
  if (!m_options.cache_path.empty() && how != "cache") {
    // The document as verified, so the cache never holds a half-applied or unverified bundle.
    const std::string bytes = text.empty() ? next->document().dump() + "\n" : std::string(text);
    if (auto written = write_file_atomically(m_options.cache_path, bytes); !written) fail(written.error());
  }
  if (m_options.share_snapshots && how != "shared") SharedSnapshots::process().remember(m_options.base_url, next);
  if (m_options.on_update) m_options.on_update(version, how);
}

bool BundleClient::fetch_full(int64_t version) {
  const std::string path = bundle_path(version);
  auto res = get(m_http->fetch, path);
  if (!res || res->status != 200) {
    fail(Error::io("GET " + path + " failed: " + (res ? "status " + std::to_string(res->status) : httplib::to_string(res.error())),
                   m_options.base_url));
    return false;
  }
  auto snapshot = parse_shared(*res, m_options.base_url + path);
  if (!snapshot) return false;
  install(snapshot, res->body, "full");
  return true;
}

// The snapshot of a full bundle answer, parsed by this client or, when another client of the
// process has parsed the same version (X-Expt-Bundle-Version and ETag), borrowed; nullptr after
// reporting why it does not parse.
std::shared_ptr<const BundleSnapshot> BundleClient::parse_shared(const httplib::Response& res, const std::string& name) {
  auto parse = [&]() -> std::shared_ptr<const BundleSnapshot> {
    auto snapshot = BundleSnapshot::parse(res.body, name);
    if (snapshot) return *snapshot;
    fail(snapshot.error());
    return nullptr;
  };
  const std::optional<std::string> hash = content_hash_of_etag(res.get_header_value("ETag"));
  auto version = parse_bundle_version(res.get_header_value(std::string(k_version_header)));
  if (!m_options.share_snapshots || !hash || hash->empty() || !version) return parse();
  auto snapshot = SharedSnapshots::process().get_or_build(m_options.base_url, *version, *hash, parse);
  // A borrowed snapshot is what this body holds only if the body says so: check, cheaply.
  if (snapshot && (snapshot->content_hash() != *hash || snapshot->version() != *version)) return parse();
  return snapshot;
}

// The snapshot of `version` from the composed diff at `diff_url` applied to the current one (or a
// full bundle the server sent instead); nullptr when there is no base, or it fails to apply or
// verify (counted).
std::shared_ptr<const BundleSnapshot> BundleClient::build_from_diff(int64_t version, const std::string& diff_url) {
  auto current = m_evaluator.snapshot();
  if (!current || diff_url.empty() || current->version() >= version) return nullptr;
  auto res = get(m_http->fetch, diff_url);
  if (res && res->status == 200) {
    if (res->get_header_value(std::string(k_diff_header)) == "full") {
      auto snapshot = BundleSnapshot::parse(res->body, m_options.base_url + diff_url);
      if (snapshot && (*snapshot)->version() == version) return *snapshot;
    } else {
      auto next = current->apply_diff(res->body, m_options.base_url + diff_url);
      if (next && (*next)->version() == version) return *next;
      if (!next) fail(next.error());
    }
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  ++m_counters.diff_failures;
  return nullptr;
}

bool BundleClient::update_to(int64_t version, const std::string& diff_url, const std::string& content_hash) {
  bool built_here = false;
  auto build = [&] {
    built_here = true;
    return build_from_diff(version, diff_url);
  };
  auto next = m_options.share_snapshots && !content_hash.empty()
                  ? SharedSnapshots::process().get_or_build(m_options.base_url, version, content_hash, build)
                  : build();
  if (next) {
    install(next, {}, built_here ? "stream-diff" : "shared");
    return true;
  }
  return fetch_full(version);  // no base, no diff, or it failed to apply or verify
}

void BundleClient::poll() {
  httplib::Headers headers;
  if (auto current = m_evaluator.snapshot()) headers.emplace("If-None-Match", etag_of(current->content_hash()));
  const std::string latest(k_latest_bundle_path);
  auto res = get(m_http->fetch, latest, headers);
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_counters.polls;
    if (res && res->status == 304) ++m_counters.not_modified;
  }
  if (!res) {
    fail(Error::io("GET " + latest + " failed: " + httplib::to_string(res.error()), m_options.base_url));
    return;
  }
  if (res->status != 200) return;
  if (auto snapshot = parse_shared(*res, m_options.base_url + latest)) install(snapshot, res->body, "poll");
}

std::optional<Error> BundleClient::follow_stream() {
  std::string broken;
  SseParser parser([&](const SseEvent& event) {
    if (event.event != k_bundle_event) return;
    auto data = nlohmann::json::parse(event.data, nullptr, false);
    auto version = parse_bundle_version(event.id);
    if (data.is_discarded() || !version) return;
    const std::string diff_url = data.value("diff_url", nlohmann::json()).is_string() ? data["diff_url"].get<std::string>() : "";
    const std::string hash = data.value("content_hash", nlohmann::json()).is_string() ? data["content_hash"].get<std::string>() : "";
    auto current = m_evaluator.snapshot();
    if (current && *version <= current->version()) {
      // What we have, or an older or equal-numbered version of another bundle (a rebuilt or
      // restored folder): fetched whole, so install() takes it (--follow-new-lineage) or says
      // why it is refused.
      if (*version < current->version() || (!hash.empty() && hash != current->content_hash())) fetch_full(*version);
      return;
    }
    // A small patch comes inside the event: no request at all when it applies to what we have.
    if (current && data.contains("patch") && data.value("patch_from", int64_t{0}) == current->version()) {
      bool built_here = false;
      auto build = [&]() -> std::shared_ptr<const BundleSnapshot> {
        built_here = true;
        auto next = current->apply_diff(data["patch"].dump(), m_options.base_url + std::string(k_stream_path));
        if (next && (*next)->version() == *version) return *next;
        if (!next) fail(next.error());
        std::lock_guard<std::mutex> lock(m_mutex);
        ++m_counters.diff_failures;
        return nullptr;
      };
      auto next = m_options.share_snapshots && !hash.empty()
                      ? SharedSnapshots::process().get_or_build(m_options.base_url, *version, hash, build)
                      : build();
      if (next) {
        install(next, {}, built_here ? "stream-diff" : "shared");
        return;
      }
    }
    update_to(*version, diff_url, hash);
  });
  httplib::Headers headers{{"Accept", "text/event-stream"}};
  if (m_version.load() > 0) headers.emplace("Last-Event-ID", std::to_string(m_version.load()));
  bool opened = false;
  auto res = m_http->stream.Get(
      std::string(k_stream_path), headers,
      [&](const httplib::Response& response) {
        opened = response.status == 200;
        if (opened) {
          std::lock_guard<std::mutex> lock(m_mutex);
          ++m_counters.stream_opens;
        }
        return opened && !m_stopping.load();
      },
      [&](const char* data, size_t length) {
        if (!parser.feed(std::string_view(data, length))) broken = "an event stream line over 1 MiB";
        return broken.empty() && !m_stopping.load();
      });
  if (m_stopping.load()) return std::nullopt;
  // A stream that ends after its lifetime is normal: the server asks clients to reconnect.
  if (!opened || !broken.empty() || (!res && res.error() != httplib::Error::Canceled && res.error() != httplib::Error::Success)) {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      ++m_counters.stream_failures;
    }
    std::string why = !broken.empty() ? broken
                      : res             ? "status " + std::to_string(res->status)
                                        : httplib::to_string(res.error());
    if (opened && broken.empty()) return std::nullopt;  // it ran, then the connection ended: reconnect
    return Error::io("the event stream failed: " + why, m_options.base_url);
  }
  return std::nullopt;
}

void BundleClient::run() {
  std::mt19937_64 random{std::random_device{}()};
  int failures = 0;
  // Whatever the cache held, the server's latest first.
  poll();
  while (!m_stopping.load()) {
    if (m_options.use_stream) {
      if (std::optional<Error> failed = follow_stream(); failed) {
        fail(*failed);
        ++failures;
      } else {
        failures = 0;
        // The stream ended (its lifetime, or the server restarting): reconnect after a short
        // jittered pause, so a fleet does not reconnect at once; Last-Event-ID catches it up.
        if (!sleep_for(std::chrono::milliseconds(100 + random() % 400))) return;
        continue;
      }
    }
    // No stream: poll until the next attempt, which backs off exponentially (with jitter).
    const auto base = std::min<int64_t>(m_options.backoff_max.count(),
                                        m_options.backoff_initial.count() << std::min(failures > 0 ? failures - 1 : 0, 16));
    const auto backoff = std::chrono::milliseconds(base / 2 + static_cast<int64_t>(random() % static_cast<uint64_t>(base + 1)));
    const auto next_attempt = std::chrono::steady_clock::now() + (m_options.use_stream ? backoff : m_options.poll_interval);
    do {
      poll();
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next_attempt - std::chrono::steady_clock::now());
      if (!sleep_for(std::max(std::chrono::milliseconds(0), std::min(left, m_options.poll_interval)))) return;
    } while (std::chrono::steady_clock::now() < next_attempt);
  }
}

}  // namespace expt
