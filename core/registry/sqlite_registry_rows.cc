// The registry's rows: reading every table into a RegistryState, and writing a ChangeSet
// (core/registry/sqlite_registry.h).

#include "core/registry/sqlite_registry_impl.h"

#include <set>

#include "core/spec/json_form.h"

namespace expt {

using namespace sqlite_detail;

RegistryState SqliteRegistry::Impl::load(const ReadScope& scope) {
  // A damaged value anywhere (a bad number, truncated JSON, a dangling reference) is reported
  // with the table and row it was read from.
  try {
    return load_rows(scope);
  } catch (const CorruptRegistry& e) {
    throw CorruptRegistry{row.empty() ? e.message : row + ": " + e.message};
  } catch (const SQLite::Exception&) {
    throw;
  } catch (const std::exception& e) {
    throw CorruptRegistry{(row.empty() ? std::string() : row + ": ") + "a stored value does not read back (" +
                          e.what() + ")"};
  }
}

std::string SqliteRegistry::Impl::scope_filter(const ReadScope& scope) {
  if (scope.whole()) return "";
  std::set<int64_t> namespace_ids;
  auto collect = [&](const char* sql, const std::string& key) {
    SQLite::Statement st(db, sql);
    st.bind(1, key);
    if (!st.executeStep()) return false;
    namespace_ids.insert(st.getColumn(0).getInt64());
    return true;
  };
  for (const std::string& key : scope.experiments) {
    if (!collect("SELECT namespace_id FROM experiments WHERE key = ?", key)) return "";
  }
  for (const std::string& key : scope.namespaces) {
    if (!collect("SELECT id FROM namespaces WHERE key = ?", key)) return "";
  }
  std::string ids;
  for (int64_t id : namespace_ids) ids += (ids.empty() ? "" : ", ") + std::to_string(id);
  return "e.namespace_id IN (" + ids + ")";  // integers read from the registry itself
}

RegistryState SqliteRegistry::Impl::load_rows(const ReadScope& scope) {
  RegistryState state;
  const std::string filter = scope_filter(scope);
  state.partial = !filter.empty();
  row = "table 'settings', key 'hash_version'";
  auto version = hash_version_from_number(
      std::stoll(db.execAndGet("SELECT value FROM settings WHERE key = 'hash_version'").getString()));
  if (!version) throw CorruptRegistry{"registry uses a hash version this expt does not know"};
  state.hash_version = *version;
  row = "table 'settings', key 'lineage'";
  SQLite::Statement lineage(db, "SELECT value FROM settings WHERE key = 'lineage'");
  if (lineage.executeStep()) state.lineage = lineage.getColumn(0).getString();
  load_namespaces(state);
  load_metrics(state);
  load_experiments(state, filter);
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
  SQLite::Statement rp(db, "SELECT scope, approvals, teams, guardrail_required, actor_from_environment FROM review_policies ORDER BY scope");
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
    p.actor_from_environment = rp.getColumn(4).getInt() != 0;
    state.review_policies.push_back(std::move(p));
  }
  SQLite::Statement rv(db, "SELECT r.id, e.key, r.kind, r.actor, r.team, r.at, r.spec_hash, r.note FROM reviews r "
                           "JOIN experiments e ON e.id = r.experiment_id " +
                               (filter.empty() ? std::string() : "WHERE " + filter + " ") + "ORDER BY r.id");
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
  SQLite::Statement n(db, "SELECT id, created_at, experiment, payload FROM notifications WHERE sent_at IS NULL ORDER BY id");
  while (n.executeStep()) {
    row = fmt::format("table 'notifications', id {}", n.getColumn(0).getInt64());
    state.unsent_notifications.push_back(Notification{n.getColumn(0).getInt64(), n.getColumn(1).getString(),
                                                      n.getColumn(2).getString(),
                                                      parse_json_column(n.getColumn(3), "notification payload")});
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

void SqliteRegistry::Impl::load_experiments(RegistryState& state, const std::string& filter) {
  std::map<int64_t, size_t> index_by_id;
  const std::string where = filter.empty() ? std::string() : "WHERE " + filter + " ";
  // Rows of the scope's experiments only: the children's experiment ids must all resolve.
  const std::string of_scope =
      filter.empty() ? std::string() : "WHERE experiment_id IN (SELECT e.id FROM experiments e " + where + ") ";
  SQLite::Statement st(db,
                       "SELECT e.id, e.key, n.key, e.type, e.owner_team, e.description, e.traffic, e.plan, "
                       "e.slot_start, e.slot_end, e.status, e.created_at, e.updated_at, e.started_at, "
                       "e.stopped_at, e.archived_at, e.analysis FROM experiments e JOIN namespaces n ON n.id = e.namespace_id " +
                           where + "ORDER BY e.key");
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
                       "SELECT experiment_id, key, allocation_bps, config FROM variants " + of_scope +
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
                       "FROM experiment_metrics b JOIN metrics m ON m.id = b.metric_id " +
                           (filter.empty() ? std::string()
                                           : "WHERE b.experiment_id IN (SELECT e.id FROM experiments e " + where + ") ") +
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
    SQLite::Statement st(db, "INSERT OR REPLACE INTO review_policies (scope, approvals, teams, guardrail_required, actor_from_environment) "
                             "VALUES (?, ?, ?, ?, ?)");
    st.bind(1, p.scope);
    st.bind(2, p.approvals);
    st.bind(3, nlohmann::json(p.teams).dump());
    st.bind(4, p.guardrail_required ? 1 : 0);
    st.bind(5, p.actor_from_environment ? 1 : 0);
    st.exec();
  }
  for (const Notification& note : changes.notifications) {
    SQLite::Statement st(db, "INSERT INTO notifications (created_at, experiment, payload) VALUES (?, ?, ?)");
    st.bind(1, note.created_at);
    st.bind(2, note.experiment);
    st.bind(3, note.payload.dump());
    st.exec();
  }
  for (int64_t id : changes.notifications_sent) {
    SQLite::Statement st(db, "UPDATE notifications SET sent_at = ? WHERE id = ? AND sent_at IS NULL");
    st.bind(1, changes.sent_at);
    st.bind(2, id);
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

}  // namespace expt
