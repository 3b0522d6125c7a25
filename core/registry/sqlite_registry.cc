#include "core/registry/sqlite_registry.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <filesystem>
#include <map>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "core/registry/schema.h"
#include "core/spec/json_form.h"

namespace expt {

using nlohmann::json;

namespace {

constexpr int k_busy_timeout_ms = 10000;

// Thrown inside this file only, when stored data does not read back; caught at the interface.
struct CorruptRegistry {
  std::string message;
};

std::string text_or_empty(const SQLite::Column& c) { return c.isNull() ? std::string() : c.getString(); }

json parse_json_column(const SQLite::Column& c, std::string_view what) {
  json j = json::parse(c.getString(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw CorruptRegistry{fmt::format("stored {} is not valid JSON", what)};
  return j;
}

template <typename E>
E parse_enum_column(const SQLite::Column& c, std::optional<E> (*parse)(std::string_view), std::string_view what) {
  std::string s = c.getString();
  auto v = parse(s);
  if (!v) throw CorruptRegistry{fmt::format("stored {} '{}' is not known to this expt", what, s)};
  return *v;
}

// "table 'experiments', key 'checkout-cta'", or with the owning row's id for child tables.
std::string describe_row(const char* table, const SQLite::Column& key, const std::optional<SQLite::Column>& owner = {}) {
  std::string text = fmt::format("table '{}', key '{}'", table, key.isNull() ? std::string("NULL") : key.getString());
  if (owner) text += fmt::format(" of experiment id {}", owner->getString());
  return text;
}

std::optional<std::string> nonempty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

void bind_optional(SQLite::Statement& st, int index, const std::optional<std::string>& v) {
  if (v) {
    st.bind(index, *v);
  } else {
    st.bind(index);
  }
}

int read_user_version(SQLite::Database& db) {
  return db.execAndGet("PRAGMA user_version").getInt();
}

bool has_registry_tables(SQLite::Database& db) {
  for (std::string_view table : k_registry_tables) {
    SQLite::Statement st(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    st.bind(1, std::string(table));
    if (!st.executeStep()) return false;
  }
  return true;
}

// `path` as the path part of an SQLite URI: '?', '#' and '%' percent-encoded.
std::string uri_escape(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == '?' || c == '#' || c == '%') {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

bool is_empty_database(SQLite::Database& db) {
  return db.execAndGet("SELECT count(*) FROM sqlite_master").getInt() == 0;
}

void insert_audit(SQLite::Database& db, const AuditEntry& e) {
  SQLite::Statement st(db,
                       "INSERT INTO audit_log (at, actor, action, entity_kind, entity_key, details) "
                       "VALUES (?, ?, ?, ?, ?, ?)");
  st.bind(1, e.at);
  st.bind(2, e.actor);
  st.bind(3, e.action);
  st.bind(4, e.entity_kind);
  st.bind(5, e.entity_key);
  st.bind(6, e.details.dump());
  st.exec();
}

}  // namespace

struct SqliteRegistry::Impl {
  explicit Impl(const std::string& path, int flags) : db(path, flags, k_busy_timeout_ms) {}
  SQLite::Database db;

  RegistryState load();
  RegistryState load_rows();
  void write(const ChangeSet& changes);
  std::string row;  // the row being read, for messages about damaged data
  std::string read_only_reason;  // why the file was opened read-only; empty when writable

 private:
  void load_namespaces(RegistryState& state);
  void load_metrics(RegistryState& state);
  void load_experiments(RegistryState& state);
  void write_experiment(const ExperimentRecord& record);
  int64_t id_of(const char* table, const std::string& key);
};

RegistryState SqliteRegistry::Impl::load() {
  // A damaged value anywhere (a bad number, truncated JSON, a dangling reference) is reported
  // with the table and row it was read from.
  try {
    return load_rows();
  } catch (const CorruptRegistry& e) {
    throw CorruptRegistry{row.empty() ? e.message : row + ": " + e.message};
  } catch (const SQLite::Exception&) {
    throw;
  } catch (const std::exception& e) {
    throw CorruptRegistry{(row.empty() ? std::string() : row + ": ") + "a stored value does not read back (" +
                          e.what() + ")"};
  }
}

RegistryState SqliteRegistry::Impl::load_rows() {
  RegistryState state;
  row = "table 'settings', key 'hash_version'";
  auto version = hash_version_from_number(
      std::stoll(db.execAndGet("SELECT value FROM settings WHERE key = 'hash_version'").getString()));
  if (!version) throw CorruptRegistry{"registry uses a hash version this expt does not know"};
  state.hash_version = *version;
  load_namespaces(state);
  load_metrics(state);
  load_experiments(state);
  SQLite::Statement gh(db, "SELECT key, percent_bps, description, updated_at FROM global_holdout WHERE id = 1");
  if (gh.executeStep()) {
    row = "table 'global_holdout'";
    GlobalHoldoutRecord r;
    r.spec.key = gh.getColumn(0).getString();
    r.spec.percent_bps = static_cast<uint32_t>(gh.getColumn(1).getInt64());
    r.spec.description = gh.getColumn(2).getString();
    r.updated_at = gh.getColumn(3).getString();
    state.global_holdout = std::move(r);
  }
  SQLite::Statement rp(db, "SELECT scope, approvals, teams, guardrail_required FROM review_policies ORDER BY scope");
  while (rp.executeStep()) {
    row = fmt::format("table 'review_policies', scope '{}'", rp.getColumn(0).getString());
    ReviewPolicy p;
    p.scope = rp.getColumn(0).getString();
    p.approvals = rp.getColumn(1).getInt();
    const nlohmann::json teams = parse_json_column(rp.getColumn(2), "review teams");
    if (!teams.is_array()) throw CorruptRegistry{row + ": teams is not a list"};
    for (const auto& t : teams) {
      if (!t.is_string()) throw CorruptRegistry{row + ": teams holds a non-string"};
      p.teams.push_back(t.get<std::string>());
    }
    p.guardrail_required = rp.getColumn(3).getInt() != 0;
    state.review_policies.push_back(std::move(p));
  }
  SQLite::Statement rv(db, "SELECT r.id, e.key, r.kind, r.actor, r.team, r.at, r.spec_hash, r.note FROM reviews r "
                           "JOIN experiments e ON e.id = r.experiment_id ORDER BY r.id");
  while (rv.executeStep()) {
    row = fmt::format("table 'reviews', id {}", rv.getColumn(0).getInt64());
    state.reviews.push_back(ReviewEntry{rv.getColumn(0).getInt64(), rv.getColumn(1).getString(), rv.getColumn(2).getString(),
                                        rv.getColumn(3).getString(), rv.getColumn(4).getString(), rv.getColumn(5).getString(),
                                        rv.getColumn(6).getString(), rv.getColumn(7).getString()});
  }
  SQLite::Statement b(db, "SELECT version, content_hash, created_at FROM bundles ORDER BY version DESC LIMIT 1");
  if (b.executeStep()) {
    state.latest_bundle = BundleInfo{b.getColumn(0).getInt64(), b.getColumn(1).getString(), b.getColumn(2).getString()};
  }
  return state;
}

void SqliteRegistry::Impl::load_namespaces(RegistryState& state) {
  SQLite::Statement st(db,
                       "SELECT key, description, total_slots, default_config, created_at, updated_at "
                       "FROM namespaces ORDER BY key");
  while (st.executeStep()) {
    row = describe_row("namespaces", st.getColumn(0));
    NamespaceRecord r;
    r.spec.key = st.getColumn(0).getString();
    r.spec.description = st.getColumn(1).getString();
    r.spec.total_slots = static_cast<uint32_t>(st.getColumn(2).getInt64());
    r.spec.default_config = parse_json_column(st.getColumn(3), "default_config");
    r.created_at = st.getColumn(4).getString();
    r.updated_at = st.getColumn(5).getString();
    state.namespaces.push_back(std::move(r));
  }
}

void SqliteRegistry::Impl::load_metrics(RegistryState& state) {
  SQLite::Statement st(db,
                       "SELECT key, name, description, type, event_type, aggregation, denominator_event_type, "
                       "denominator_aggregation, direction, created_at, updated_at FROM metrics ORDER BY key");
  while (st.executeStep()) {
    row = describe_row("metrics", st.getColumn(0));
    MetricRecord r;
    MetricSpec& m = r.spec;
    m.key = st.getColumn(0).getString();
    m.name = st.getColumn(1).getString();
    m.description = st.getColumn(2).getString();
    m.type = parse_enum_column(st.getColumn(3), parse_metric_type, "metric type");
    m.measure.event_type = st.getColumn(4).getString();
    std::string aggregation = st.getColumn(5).getString();
    if (m.type == MetricType::percentile) {
      // Stored as the spec spells it, e.g. "p95".
      m.quantile = std::stod(aggregation.substr(1)) / 100.0;
    } else if (m.type != MetricType::conversion) {
      m.measure.aggregation = parse_enum_column(st.getColumn(5), parse_aggregation, "aggregation");
    }
    if (!st.getColumn(6).isNull()) {
      m.denominator = EventMeasure{st.getColumn(6).getString(),
                                   parse_enum_column(st.getColumn(7), parse_aggregation, "aggregation")};
    }
    m.direction = parse_enum_column(st.getColumn(8), parse_direction, "direction");
    r.created_at = st.getColumn(9).getString();
    r.updated_at = st.getColumn(10).getString();
    state.metrics.push_back(std::move(r));
  }
}

void SqliteRegistry::Impl::load_experiments(RegistryState& state) {
  std::map<int64_t, size_t> index_by_id;
  SQLite::Statement st(db,
                       "SELECT e.id, e.key, n.key, e.type, e.owner_team, e.description, e.traffic, e.plan, "
                       "e.slot_start, e.slot_end, e.status, e.created_at, e.updated_at, e.started_at, "
                       "e.stopped_at, e.archived_at, e.analysis FROM experiments e JOIN namespaces n ON n.id = e.namespace_id "
                       "ORDER BY e.key");
  while (st.executeStep()) {
    row = describe_row("experiments", st.getColumn(1));
    ExperimentRecord r;
    ExperimentSpec& e = r.spec;
    e.key = st.getColumn(1).getString();
    e.namespace_key = st.getColumn(2).getString();
    e.type = parse_enum_column(st.getColumn(3), parse_experiment_type, "experiment type");
    e.owner_team = st.getColumn(4).getString();
    e.description = st.getColumn(5).getString();
    auto traffic = traffic_from_json(parse_json_column(st.getColumn(6), "traffic"));
    if (!traffic) throw CorruptRegistry{traffic.error().message};
    e.traffic = *traffic;
    if (!st.getColumn(7).isNull()) {
      auto plan = plan_from_json(parse_json_column(st.getColumn(7), "plan"));
      if (!plan) throw CorruptRegistry{plan.error().message};
      e.plan = *plan;
    }
    if (!st.getColumn(16).isNull()) {
      auto analysis = analysis_from_json(parse_json_column(st.getColumn(16), "analysis"));
      if (!analysis) throw CorruptRegistry{analysis.error().message};
      e.analysis = *analysis;
    }
    if (!st.getColumn(8).isNull()) {
      r.slots = SlotRange{static_cast<uint32_t>(st.getColumn(8).getInt64()),
                          static_cast<uint32_t>(st.getColumn(9).getInt64())};
    }
    r.status = parse_enum_column(st.getColumn(10), parse_experiment_status, "status");
    r.created_at = st.getColumn(11).getString();
    r.updated_at = st.getColumn(12).getString();
    r.started_at = text_or_empty(st.getColumn(13));
    r.stopped_at = text_or_empty(st.getColumn(14));
    r.archived_at = text_or_empty(st.getColumn(15));
    index_by_id[st.getColumn(0).getInt64()] = state.experiments.size();
    state.experiments.push_back(std::move(r));
  }

  SQLite::Statement vs(db,
                       "SELECT experiment_id, key, allocation_bps, config FROM variants "
                       "ORDER BY experiment_id, position");
  while (vs.executeStep()) {
    row = describe_row("variants", vs.getColumn(1), vs.getColumn(0));
    VariantSpec v;
    v.key = vs.getColumn(1).getString();
    v.allocation_bps = static_cast<uint32_t>(vs.getColumn(2).getInt64());
    v.config = parse_json_column(vs.getColumn(3), "variant config");
    state.experiments[index_by_id.at(vs.getColumn(0).getInt64())].spec.variants.push_back(std::move(v));
  }

  SQLite::Statement bs(db,
                       "SELECT b.experiment_id, m.key, b.role, b.direction, b.threshold, b.threshold_type, b.cuped "
                       "FROM experiment_metrics b JOIN metrics m ON m.id = b.metric_id "
                       "ORDER BY b.experiment_id, b.position");
  while (bs.executeStep()) {
    row = describe_row("experiment_metrics", bs.getColumn(1), bs.getColumn(0));
    MetricBinding b;
    b.metric = bs.getColumn(1).getString();
    b.role = parse_enum_column(bs.getColumn(2), parse_metric_role, "metric role");
    if (!bs.getColumn(3).isNull()) b.direction = parse_enum_column(bs.getColumn(3), parse_direction, "direction");
    if (!bs.getColumn(4).isNull()) b.threshold = bs.getColumn(4).getDouble();
    b.threshold_type = parse_enum_column(bs.getColumn(5), parse_threshold_type, "threshold type");
    b.cuped = bs.getColumn(6).getInt() != 0;
    state.experiments[index_by_id.at(bs.getColumn(0).getInt64())].spec.metrics.push_back(std::move(b));
  }
}

int64_t SqliteRegistry::Impl::id_of(const char* table, const std::string& key) {
  SQLite::Statement st(db, fmt::format("SELECT id FROM {} WHERE key = ?", table));
  st.bind(1, key);
  return st.executeStep() ? st.getColumn(0).getInt64() : 0;
}

void SqliteRegistry::Impl::write(const ChangeSet& changes) {
  for (const NamespaceRecord& r : changes.namespaces) {
    SQLite::Statement st(db,
                         "INSERT INTO namespaces (key, description, total_slots, default_config, created_at, "
                         "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                         "description = excluded.description, total_slots = excluded.total_slots, "
                         "default_config = excluded.default_config, updated_at = excluded.updated_at");
    st.bind(1, r.spec.key);
    st.bind(2, r.spec.description);
    st.bind(3, static_cast<int64_t>(r.spec.total_slots));
    st.bind(4, r.spec.default_config.dump());
    st.bind(5, r.created_at);
    st.bind(6, r.updated_at);
    st.exec();
  }
  for (const MetricRecord& r : changes.metrics) {
    const MetricSpec& m = r.spec;
    json canonical = to_json(m);
    std::string aggregation = canonical.contains("aggregation") ? canonical["aggregation"].get<std::string>()
                                                                 : std::string(to_string(m.measure.aggregation));
    SQLite::Statement st(db,
                         "INSERT INTO metrics (key, name, description, type, event_type, aggregation, "
                         "denominator_event_type, denominator_aggregation, direction, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                         "name = excluded.name, description = excluded.description, type = excluded.type, "
                         "event_type = excluded.event_type, aggregation = excluded.aggregation, "
                         "denominator_event_type = excluded.denominator_event_type, "
                         "denominator_aggregation = excluded.denominator_aggregation, "
                         "direction = excluded.direction, updated_at = excluded.updated_at");
    st.bind(1, m.key);
    st.bind(2, m.name);
    st.bind(3, m.description);
    st.bind(4, std::string(to_string(m.type)));
    st.bind(5, m.measure.event_type);
    st.bind(6, aggregation);
    bind_optional(st, 7, m.denominator ? std::optional<std::string>(m.denominator->event_type) : std::nullopt);
    bind_optional(st, 8,
                  m.denominator ? std::optional<std::string>(std::string(to_string(m.denominator->aggregation)))
                                : std::nullopt);
    st.bind(9, std::string(to_string(m.direction)));
    st.bind(10, r.created_at);
    st.bind(11, r.updated_at);
    st.exec();
  }
  if (changes.global_holdout) {
    const GlobalHoldoutRecord& r = *changes.global_holdout;
    SQLite::Statement st(db,
                         "INSERT OR REPLACE INTO global_holdout (id, key, percent_bps, description, updated_at) "
                         "VALUES (1, ?, ?, ?, ?)");
    st.bind(1, r.spec.key);
    st.bind(2, static_cast<int64_t>(r.spec.percent_bps));
    st.bind(3, r.spec.description);
    st.bind(4, r.updated_at);
    st.exec();
  }
  for (const ExperimentRecord& r : changes.experiments) write_experiment(r);
  if (changes.bundle) {
    SQLite::Statement st(db, "INSERT INTO bundles (version, content_hash, created_at, document) VALUES (?, ?, ?, ?)");
    st.bind(1, changes.bundle->info.version);
    st.bind(2, changes.bundle->info.content_hash);
    st.bind(3, changes.bundle->info.created_at);
    st.bind(4, changes.bundle->document);
    st.exec();
  }
  for (const ReviewPolicy& p : changes.review_policies) {
    SQLite::Statement st(db, "INSERT OR REPLACE INTO review_policies (scope, approvals, teams, guardrail_required) VALUES (?, ?, ?, ?)");
    st.bind(1, p.scope);
    st.bind(2, p.approvals);
    st.bind(3, nlohmann::json(p.teams).dump());
    st.bind(4, p.guardrail_required ? 1 : 0);
    st.exec();
  }
  for (const ReviewEntry& r : changes.reviews) {
    const int64_t experiment_id = id_of("experiments", r.experiment);
    if (experiment_id == 0) throw CorruptRegistry{fmt::format("experiment '{}' does not exist", r.experiment)};
    SQLite::Statement st(db, "INSERT INTO reviews (experiment_id, kind, actor, team, at, spec_hash, note) VALUES (?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, experiment_id);
    st.bind(2, r.kind);
    st.bind(3, r.actor);
    st.bind(4, r.team);
    st.bind(5, r.at);
    st.bind(6, r.spec_hash);
    st.bind(7, r.note);
    st.exec();
  }
  for (const AnalysisRecord& a : changes.analyses) {
    const int64_t experiment_id = id_of("experiments", a.experiment);
    if (experiment_id == 0) throw CorruptRegistry{fmt::format("experiment '{}' does not exist", a.experiment)};
    SQLite::Statement st(db, "INSERT INTO analyses (experiment_id, recorded_at, actor, data_from, data_to, bundle_version, "
                             "inputs, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, experiment_id);
    st.bind(2, a.recorded_at);
    st.bind(3, a.actor);
    bind_optional(st, 4, nonempty(a.data_from));
    bind_optional(st, 5, nonempty(a.data_to));
    if (a.bundle_version) {
      st.bind(6, *a.bundle_version);
    } else {
      st.bind(6);
    }
    st.bind(7, a.inputs.dump());
    st.bind(8, a.summary.dump());
    st.exec();
  }
  for (const AuditEntry& e : changes.audit) insert_audit(db, e);
}

void SqliteRegistry::Impl::write_experiment(const ExperimentRecord& r) {
  const ExperimentSpec& e = r.spec;
  int64_t namespace_id = id_of("namespaces", e.namespace_key);
  if (namespace_id == 0) throw CorruptRegistry{fmt::format("namespace '{}' does not exist", e.namespace_key)};
  int64_t id = id_of("experiments", e.key);
  // Plain UPDATE-or-INSERT rather than an upsert: the overlap trigger on INSERT would compare
  // the new row with its own old version.
  std::string sql =
      id != 0 ? "UPDATE experiments SET namespace_id = ?1, type = ?3, owner_team = ?4, description = ?5, "
                "traffic = ?6, plan = ?7, slot_start = ?8, slot_end = ?9, status = ?10, created_at = ?11, "
                "updated_at = ?12, started_at = ?13, stopped_at = ?14, archived_at = ?15, analysis = ?16 WHERE key = ?2"
              : "INSERT INTO experiments (namespace_id, key, type, owner_team, description, traffic, plan, "
                "slot_start, slot_end, status, created_at, updated_at, started_at, stopped_at, archived_at, analysis) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
  SQLite::Statement st(db, sql);
  st.bind(1, namespace_id);
  st.bind(2, e.key);
  st.bind(3, std::string(to_string(e.type)));
  st.bind(4, e.owner_team);
  st.bind(5, e.description);
  st.bind(6, to_json(e.traffic).dump());
  bind_optional(st, 7, e.plan ? std::optional<std::string>(to_json(*e.plan).dump()) : std::nullopt);
  if (r.slots) {
    st.bind(8, static_cast<int64_t>(r.slots->start));
    st.bind(9, static_cast<int64_t>(r.slots->end));
  } else {
    st.bind(8);
    st.bind(9);
  }
  st.bind(10, std::string(to_string(r.status)));
  st.bind(11, r.created_at);
  st.bind(12, r.updated_at);
  bind_optional(st, 13, nonempty(r.started_at));
  bind_optional(st, 14, nonempty(r.stopped_at));
  bind_optional(st, 15, nonempty(r.archived_at));
  bind_optional(st, 16, e.analysis ? std::optional<std::string>(to_json(*e.analysis).dump()) : std::nullopt);
  st.exec();
  if (id == 0) id = db.getLastInsertRowid();

  SQLite::Statement clear_variants(db, "DELETE FROM variants WHERE experiment_id = ?");
  clear_variants.bind(1, id);
  clear_variants.exec();
  SQLite::Statement clear_bindings(db, "DELETE FROM experiment_metrics WHERE experiment_id = ?");
  clear_bindings.bind(1, id);
  clear_bindings.exec();

  SQLite::Statement vs(db,
                       "INSERT INTO variants (experiment_id, position, key, allocation, allocation_bps, config) "
                       "VALUES (?, ?, ?, ?, ?, ?)");
  int position = 0;
  for (const VariantSpec& v : e.variants) {
    vs.bind(1, id);
    vs.bind(2, position++);
    vs.bind(3, v.key);
    vs.bind(4, bps_to_fraction(v.allocation_bps));
    vs.bind(5, static_cast<int64_t>(v.allocation_bps));
    vs.bind(6, v.config.dump());
    vs.exec();
    vs.reset();
  }
  SQLite::Statement bs(db,
                       "INSERT INTO experiment_metrics (experiment_id, metric_id, position, role, direction, "
                       "threshold, threshold_type, cuped) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  position = 0;
  for (const MetricBinding& b : e.metrics) {
    int64_t metric_id = id_of("metrics", b.metric);
    if (metric_id == 0) throw CorruptRegistry{fmt::format("metric '{}' does not exist", b.metric)};
    bs.bind(1, id);
    bs.bind(2, metric_id);
    bs.bind(3, position++);
    bs.bind(4, std::string(to_string(b.role)));
    bind_optional(bs, 5, b.direction ? std::optional<std::string>(std::string(to_string(*b.direction))) : std::nullopt);
    if (b.threshold) {
      bs.bind(6, *b.threshold);
    } else {
      bs.bind(6);
    }
    bs.bind(7, std::string(to_string(b.threshold_type)));
    bs.bind(8, b.cuped ? 1 : 0);
    bs.exec();
    bs.reset();
  }
}

namespace {

// Runs `body`, turning SQLite and stored-data failures into Errors that name the file.
template <typename F>
auto guarded(const std::string& path, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const CorruptRegistry& e) {
    return Error::io(fmt::format("registry '{}' is inconsistent: {}", path, e.message), path);
  } catch (const SQLite::Exception& e) {
    std::string what = e.what();
    if (what.find("slot ranges overlap") != std::string::npos) {
      return Error::conflict(fmt::format("registry '{}' refused overlapping slot ranges", path));
    }
    return Error::io(fmt::format("registry '{}': {}", path, what), path);
  } catch (const json::exception& e) {
    return Error::io(fmt::format("registry '{}' is inconsistent: {}", path, e.what()), path);
  } catch (const std::exception& e) {
    return Error::io(fmt::format("registry '{}' is damaged: {}", path, e.what()), path);
  }
}

}  // namespace

SqliteRegistry::SqliteRegistry(std::string path, std::unique_ptr<Impl> impl, OpenInfo info)
    : m_path(std::move(path)), m_impl(std::move(impl)), m_info(info) {}

SqliteRegistry::~SqliteRegistry() = default;

Result<std::unique_ptr<SqliteRegistry>> SqliteRegistry::open(const std::string& path, OpenMode mode,
                                                             const AuditStamp& stamp) {
  std::error_code ec;
  bool exists = std::filesystem::exists(path, ec);
  std::string how_to_create = fmt::format("create one with `expt init --registry {}`, or point --registry or "
                                          "EXPT_REGISTRY at an existing registry", path);
  if (!exists && mode == OpenMode::must_exist) {
    return Error::not_found(fmt::format("no registry at '{}'; {}", path, how_to_create));
  }
  // A file we may not write (chmod 444, a read-only mount) is opened read-only: reading
  // commands work, and writing ones get a clear error from update().
  const bool read_only = exists && ::access(path.c_str(), W_OK) != 0;
  const std::string read_only_reason = read_only ? std::strerror(errno) : "";
  return guarded(path, [&]() -> Result<std::unique_ptr<SqliteRegistry>> {
    int flags = read_only ? SQLite::OPEN_READONLY
                          : SQLite::OPEN_READWRITE | (mode == OpenMode::create_if_missing ? SQLite::OPEN_CREATE : 0);
    auto impl = std::make_unique<Impl>(path, flags);
    if (read_only) {
      impl->read_only_reason = read_only_reason;
      try {
        (void)read_user_version(impl->db);
        impl->db.execAndGet("SELECT count(*) FROM sqlite_master");
      } catch (const SQLite::Exception&) {
        // A WAL registry on a read-only mount cannot get its shared-memory file; nobody can be
        // writing it there, so it can be read as immutable.
        impl = std::make_unique<Impl>("file:" + uri_escape(path) + "?immutable=1", SQLite::OPEN_READONLY | SQLite::OPEN_URI);
        impl->read_only_reason = read_only_reason;
      }
    }
    SQLite::Database& db = impl->db;
    OpenInfo info;
    int version = 0;
    try {
      // Identify the file before changing anything in it (even the journal mode).
      version = read_user_version(db);
      const int application_id = db.execAndGet("PRAGMA application_id").getInt();
      if (application_id != 0 && application_id != k_registry_application_id) {
        return Error::io(fmt::format("'{}' is an SQLite database of another application (application_id {}), "
                                     "not an expt registry; it was not changed",
                                     path, application_id),
                         path);
      }
      if (application_id == 0 && !is_empty_database(db) && !has_registry_tables(db)) {
        return Error::io(fmt::format("'{}' is an SQLite database but not an expt registry; it was not changed", path),
                         path);
      }
    } catch (const SQLite::Exception& e) {
      return Error::io(fmt::format("'{}' is not an expt registry: {}", path, e.what()), path);
    }
    if (!read_only) db.exec("PRAGMA foreign_keys = ON");
    if (version == 0 && mode == OpenMode::must_exist) {
      return Error::not_found(fmt::format("'{}' is empty, not an initialised registry; {}", path, how_to_create));
    }
    const int current = current_schema_version();
    if (version > current) {
      return Error::io(fmt::format("registry '{}' has schema version {}, newer than this expt understands ({}); "
                                   "upgrade expt",
                                   path, version, current),
                       path);
    }
    if (read_only) {
      if (version < current) {
        return Error::io(fmt::format("registry '{}' has schema version {} and needs upgrading to {}, but it is "
                                     "read-only ({}); open it once with write access",
                                     path, version, current, read_only_reason),
                         path);
      }
      info.migrated_from = info.schema_version = current;
      return std::unique_ptr<SqliteRegistry>(new SqliteRegistry(path, std::move(impl), info));
    }
    db.exec("PRAGMA journal_mode = WAL");
    if (version < current) {
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      version = read_user_version(db);  // another process may have migrated meanwhile
      info.migrated_from = version;
      for (int v = version; v < current; ++v) {
        db.exec(std::string(registry_migrations()[static_cast<size_t>(v)]));
      }
      if (version < current) {
        db.exec(fmt::format("PRAGMA user_version = {}", current));
        AuditEntry entry{0, stamp.at, stamp.actor, version == 0 ? "init" : "migrate", "registry", "",
                         json{{"from_schema", version}, {"to_schema", current}}};
        insert_audit(db, entry);
        info.created = version == 0;
      }
      tx.commit();
    } else {
      info.migrated_from = version;
    }
    info.schema_version = current;
    return std::unique_ptr<SqliteRegistry>(new SqliteRegistry(path, std::move(impl), info));
  });
}

Result<RegistryState> SqliteRegistry::read() {
  return guarded(m_path, [&]() -> Result<RegistryState> {
    SQLite::Transaction tx(m_impl->db, SQLite::TransactionBehavior::DEFERRED);
    return m_impl->load();
  });
}

Result<void> SqliteRegistry::update(const Planner& plan) {
  if (!m_impl->read_only_reason.empty()) {
    return Error::io(fmt::format("registry '{}' is read-only ({}); this command changes it", m_path,
                                 m_impl->read_only_reason),
                     m_path);
  }
  return guarded(m_path, [&]() -> Result<void> {
    SQLite::Transaction tx(m_impl->db, SQLite::TransactionBehavior::IMMEDIATE);
    RegistryState state = m_impl->load();
    Result<ChangeSet> changes = plan(state);
    if (!changes) return std::move(changes).error();
    if (changes->empty()) return {};
    m_impl->write(*changes);
    tx.commit();
    return {};
  });
}

Result<std::vector<AuditEntry>> SqliteRegistry::audit_log(const AuditQuery& query) {
  return guarded(m_path, [&]() -> Result<std::vector<AuditEntry>> {
    std::string sql = "SELECT id, at, actor, action, entity_kind, entity_key, details FROM audit_log";
    if (!query.entity_key.empty()) sql += " WHERE entity_key = ?1";
    sql += " ORDER BY id DESC";
    if (query.limit > 0) sql += fmt::format(" LIMIT {}", query.limit);
    SQLite::Statement st(m_impl->db, sql);
    if (!query.entity_key.empty()) st.bind(1, query.entity_key);
    std::vector<AuditEntry> entries;
    while (st.executeStep()) {
      entries.push_back(AuditEntry{st.getColumn(0).getInt64(), st.getColumn(1).getString(),
                                   st.getColumn(2).getString(), st.getColumn(3).getString(),
                                   st.getColumn(4).getString(), st.getColumn(5).getString(),
                                   parse_json_column(st.getColumn(6), "audit details")});
    }
    std::reverse(entries.begin(), entries.end());
    return entries;
  });
}

Result<std::vector<AnalysisRecord>> SqliteRegistry::analyses(const std::string& experiment, size_t limit) {
  return guarded(m_path, [&]() -> Result<std::vector<AnalysisRecord>> {
    std::string sql =
        "SELECT a.id, e.key, a.recorded_at, a.actor, a.data_from, a.data_to, a.bundle_version, a.inputs, a.summary "
        "FROM analyses a JOIN experiments e ON e.id = a.experiment_id WHERE e.key = ?1 ORDER BY a.id DESC";
    if (limit > 0) sql += fmt::format(" LIMIT {}", limit);
    SQLite::Statement st(m_impl->db, sql);
    st.bind(1, experiment);
    std::vector<AnalysisRecord> out;
    while (st.executeStep()) {
      m_impl->row = fmt::format("table 'analyses', id {}", st.getColumn(0).getInt64());
      AnalysisRecord a;
      a.id = st.getColumn(0).getInt64();
      a.experiment = st.getColumn(1).getString();
      a.recorded_at = st.getColumn(2).getString();
      a.actor = st.getColumn(3).getString();
      a.data_from = text_or_empty(st.getColumn(4));
      a.data_to = text_or_empty(st.getColumn(5));
      if (!st.getColumn(6).isNull()) a.bundle_version = st.getColumn(6).getInt64();
      a.inputs = parse_json_column(st.getColumn(7), "analysis inputs");
      a.summary = parse_json_column(st.getColumn(8), "analysis summary");
      out.push_back(std::move(a));
    }
    std::reverse(out.begin(), out.end());
    return out;
  });
}

Result<std::optional<std::string>> SqliteRegistry::bundle_document(int64_t version) {
  return guarded(m_path, [&]() -> Result<std::optional<std::string>> {
    SQLite::Statement st(m_impl->db, "SELECT document FROM bundles WHERE version = ?");
    st.bind(1, version);
    if (!st.executeStep()) return std::optional<std::string>();
    return std::optional<std::string>(st.getColumn(0).getString());
  });
}

}  // namespace expt
