#include "core/warehouse/aggregate_query.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/base/excerpt.h"
#include "core/stats/frequentist.h"
#include "core/warehouse/field_sql.h"

namespace expt {

std::string sql_string(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string sql_identifier(std::string_view name) {
  std::string out;
  size_t start = 0;
  for (;;) {
    const size_t dot = name.find('.', start);
    std::string_view part = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    out += '`';
    for (char c : part) {
      if (c == '`' || c == '\\') out += '\\';
      out += c;
    }
    out += '`';
    if (dot == std::string_view::npos) break;
    out += '.';
    start = dot + 1;
  }
  return out;
}

namespace {

std::string string_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + sql_string(items[i]);
  return out + "]";
}

// A number as a literal that reads back to the same double.
std::string number(double v) { return fmt::format("toFloat64({:.17g})", v); }

// The per-entity value of `measure` from its event type's count (c<i>) and sum (s<i>), or with
// `prefix` "p" the same over the CUPED window before the exposure (pc<i>, ps<i>).
std::string entity_value(Aggregation aggregation, size_t slot, std::string_view prefix = "") {
  switch (aggregation) {
    case Aggregation::sum: return fmt::format("{}s{}", prefix, slot);
    case Aggregation::count: return fmt::format("toFloat64({}c{})", prefix, slot);
    case Aggregation::avg: return fmt::format("if({0}c{1} > 0, {0}s{1} / {0}c{1}, 0)", prefix, slot);
  }
  return "0";
}

// One output row as a tuple: (kind, metric, name, n, sum, sum_squares, denominator_sum,
// denominator_sum_squares, sum_product, events, value, ci_low, ci_high, confidence), the last five
// zero: they are for percentile rows.
std::string row_tuple(const std::string& kind, const std::string& metric, const std::string& name, const std::string& n,
                      const std::string& sum = "0", const std::string& sum_squares = "0",
                      const std::string& denominator_sum = "0", const std::string& denominator_sum_squares = "0",
                      const std::string& sum_product = "0") {
  return fmt::format("({}, {}, {}, toFloat64({}), toFloat64({}), toFloat64({}), toFloat64({}), toFloat64({}), toFloat64({}), "
                     "toFloat64(0), toFloat64(0), toFloat64(0), toFloat64(0), toFloat64(0))",
                     sql_string(kind), sql_string(metric), sql_string(name), n, sum, sum_squares, denominator_sum,
                     denominator_sum_squares, sum_product);
}

std::string without_last_comma(std::string list) {
  if (list.ends_with(", ")) list.resize(list.size() - 2);
  return list;
}

constexpr const char* k_columns =
    "experiment, kind, metric, variant, name, n, sum, sum_squares, denominator_sum, denominator_sum_squares, "
    "sum_product, events, value, ci_low, ci_high, confidence";

}  // namespace

Result<std::string> unassigned_entities_sql(const AggregateQuery& q, size_t limit) {
  const FieldSql ex(q.exposures);
  auto entity = ex.text("entity_id");
  auto experiment = ex.text("experiment");
  auto variant = ex.text("variant");
  for (const auto* r : {&entity, &experiment, &variant}) {
    if (!*r) return r->error();
  }
  return fmt::format("SELECT DISTINCT {} FROM {} WHERE {} = {} AND {} = '' LIMIT {} FORMAT TSV\n", *entity,
                     sql_identifier(q.exposures.name), *experiment, sql_string(q.experiment), *variant, limit);
}

namespace {

// The SQL expressions of both tables' fields, and the names the query uses throughout.
struct QueryFields {
  std::string ev_id, ev_entity, ev_type, ev_ts, ev_value;
  std::string ex_entity, ex_experiment, ex_variant, ex_ts;
  std::string events, exposures;  // the tables, quoted
  std::string experiment;         // the experiment's key, quoted
  std::string variants;           // the variant keys, an array literal
};

Result<QueryFields> query_fields(const AggregateQuery& q) {
  const FieldSql ev(q.events), ex(q.exposures);
  auto ev_id = ev.text("event_id");
  auto ev_entity = ev.text("entity_id");
  auto ev_type = ev.text("event_type");
  auto ev_ts = ev.timestamp("timestamp");
  auto ev_value = ev.value("value");
  auto ex_entity = ex.text("entity_id");
  auto ex_experiment = ex.text("experiment");
  auto ex_variant = ex.text("variant");
  auto ex_ts = ex.timestamp("timestamp");
  for (const auto* r : {&ev_id, &ev_entity, &ev_type, &ev_ts, &ev_value, &ex_entity, &ex_experiment, &ex_variant, &ex_ts}) {
    if (!*r) return r->error();
  }
  return QueryFields{*ev_id,       *ev_entity,     *ev_type,
                     *ev_ts,       *ev_value,      *ex_entity,
                     *ex_experiment, *ex_variant,  *ex_ts,
                     sql_identifier(q.events.name), sql_identifier(q.exposures.name), sql_string(q.experiment),
                     string_array(q.variants)};
}

// The event types the metrics read; slot i holds type i's per-entity count c<i> and sum s<i>.
struct EventSlots {
  std::vector<std::string> types;
  size_t of(const std::string& type) {
    auto it = std::find(types.begin(), types.end(), type);
    if (it != types.end()) return static_cast<size_t>(it - types.begin());
    types.push_back(type);
    return types.size() - 1;
  }
};

// The experiment's exposure rows, with the variant hashing gives (x_v2) where a row has none:
// ClickHouse 18.16 has no xxHash64, so expt hashes those entities and sends the answer inline.
std::string resolved_exposures_sql(const AggregateQuery& q, const QueryFields& f, const std::string& ex_until) {
  std::string resolved = fmt::format("SELECT {} AS x_e, {} AS x_t, {} AS x_v FROM {} WHERE {} = {}{}", f.ex_entity, f.ex_ts,
                                     f.ex_variant, f.exposures, f.ex_experiment, f.experiment, ex_until);
  if (!q.recompute) return "SELECT x_e, x_t, x_v, x_v AS x_v2 FROM (" + resolved + ")";
  std::vector<std::string> ids, assigned;
  for (const auto& [entity, variant] : q.recomputed) {
    ids.push_back(entity);
    assigned.push_back(variant);
  }
  return fmt::format("SELECT x_e, x_t, x_v, if(x_v = '', transform(x_e, {}, {}, ''), x_v) AS x_v2 FROM ({})",
                     string_array(ids), string_array(assigned), resolved);
}

// One pass over the events feeds every metric. Rows of the metrics' types of kept entities,
// then one row per event_id: grouped on a 128-bit hash of it, as the CSV path's fingerprints,
// with the entity as two 64-bit hashes (SipHash and CityHash), so the big GROUP BYs have
// fixed-size keys and states (any() of a String or FixedString is several times slower).
// Copies of an event (producer retries) are the same row; should they differ, each column comes
// from one copy (ClickHouse's any(), the first read).
std::string deduplicated_events_sql(const QueryFields& f, const EventSlots& slots, const std::string& ev_until,
                                    const std::string& kept) {
  const std::vector<std::string>& types = slots.types;
  const std::string relevant = types.empty() ? "['']" : string_array(types);
  std::string relevant_set = "(";  // for IN, which takes a tuple
  for (size_t i = 0; i < types.size(); ++i) relevant_set += (i ? ", " : "") + sql_string(types[i]);
  relevant_set += types.empty() ? "'')" : ")";
  return fmt::format(
      "SELECT count() AS r_copies, any(x_k1) AS x_k1, any(x_k2) AS x_k2, any(r_type) AS r_type, any(r_at) AS r_at, "
      "any(r_y) AS r_y, any(x_at) AS x_at FROM ("
      "SELECT r_key, x_k1, x_k2, r_type, r_at, r_y, x_at FROM ("
      "SELECT sipHash128({0}) AS r_key, sipHash64({1}) AS x_k1, cityHash64({1}) AS x_k2, toUInt8(indexOf({2}, {3})) AS r_type, "
      "{4} AS r_at, {5} AS r_y FROM {6} WHERE {3} IN {7}{8}"
      // Both sides of a JOIN are named: ClickHouse 20.x and later refuse unnamed subqueries there
      // (joined_subquery_requires_alias, on by default); 18.16 accepts the names as well.
      ") AS l ALL INNER JOIN (SELECT sipHash64(x_entity) AS x_k1, cityHash64(x_entity) AS x_k2, x_at FROM ({9})) AS r "
      "USING x_k1, x_k2"
      ") GROUP BY r_key",
      f.ev_id, f.ev_entity, relevant, f.ev_type, f.ev_ts, f.ev_value, f.events, relevant_set, ev_until, kept);
}

bool has_covariate(const AggregateQuery& q, size_t metric) {
  return metric < q.covariates.metrics.size() && q.covariates.metrics[metric];
}

// Per entity: counts and sums per event type at or after the exposure, the values of each
// percentile metric, the data counts, and for CUPED, per event type a covariate reads, its count
// (pc<i>) and sum (ps<i>) in the window before the exposure.
std::string per_entity_sql(const AggregateQuery& q, EventSlots& slots, const std::string& deduplicated) {
  std::string per_type;
  for (size_t i = 0; i < slots.types.size(); ++i) {
    per_type += fmt::format("countIf(r_type = {0} AND r_at >= x_at) AS c{1}, sumIf(r_y, r_type = {0} AND r_at >= x_at) AS s{1}, ",
                            i + 1, i);
  }
  for (size_t i = 0; i < q.metrics.size(); ++i) {
    if (q.metrics[i].type != MetricType::percentile) continue;
    // The values within the bracket, and how many are below it (pl<i>, 0 without a bracket).
    const size_t type = slots.of(q.metrics[i].measure.event_type) + 1;
    auto bracket = q.brackets.find(i);
    if (bracket == q.brackets.end() || bracket->second.all()) {
      per_type += fmt::format("groupArrayIf(r_y, r_type = {} AND r_at >= x_at) AS pv{}, toUInt64(0) AS pl{}, ", type, i, i);
      continue;
    }
    const std::string low = std::isinf(bracket->second.low) ? "0" : "r_y < " + number(bracket->second.low);
    const std::string within = fmt::format("{}{}", std::isinf(bracket->second.low) ? "" : " AND r_y >= " + number(bracket->second.low),
                                           std::isinf(bracket->second.high) ? "" : " AND r_y <= " + number(bracket->second.high));
    per_type += fmt::format("groupArrayIf(r_y, r_type = {0} AND r_at >= x_at{1}) AS pv{2}, countIf(r_type = {0} AND r_at >= x_at AND {3}) AS pl{2}, ",
                            type, within, i, low);
  }
  const std::string window = fmt::format("r_at < x_at AND r_at >= x_at - {}", q.covariates.window_ms);
  std::vector<size_t> pre_slots;
  for (size_t i = 0; i < q.metrics.size(); ++i) {
    const size_t slot = slots.of(q.metrics[i].measure.event_type);
    if (!has_covariate(q, i) || std::find(pre_slots.begin(), pre_slots.end(), slot) != pre_slots.end()) continue;
    pre_slots.push_back(slot);
    per_type += fmt::format("countIf(r_type = {0} AND {2}) AS pc{1}, sumIf(r_y, r_type = {0} AND {2}) AS ps{1}, ", slot + 1, slot, window);
  }
  std::string pre_types = "0";
  for (size_t slot : pre_slots) pre_types += fmt::format(" OR r_type = {}", slot + 1);
  return fmt::format(
      "SELECT x_k1, x_k2, {}sum(r_copies) AS e_joined, sum(r_copies - 1) AS e_duplicates, countIf(r_at < x_at) AS e_before, "
      "countIf(r_at >= x_at) AS e_counted, minIf(r_at, r_at >= x_at) AS e_first, maxIf(r_at, r_at >= x_at) AS e_last, "
      "countIf(({}) AND {}) AS e_covariate FROM ({}) GROUP BY x_k1, x_k2",
      per_type, pre_types, window, deduplicated);
}

// What each metric adds to the per-variant layer: its per-entity value columns, its output
// rows (as tuples), and for percentiles the arrays and the quantile arithmetic on them.
struct MetricColumns {
  std::string value_columns;        // per kept entity
  std::vector<std::string> tuples;  // output rows
  std::vector<std::string> tuple_quantile;  // per tuple: its percentile metric's index, or ""
  std::string per_variant_columns;  // percentile arrays, per variant
  std::string quantile_columns;     // the percentile arithmetic on them
};

// The type-7 quantile q, then sigma of the empirical CDF at q with entities as clusters
// (estimate_quantile in core/stats/frequentist.h), from the values within the metric's bracket
// (percentile_bracket.h; every value without one) and the counts below it. With b and t an
// entity's values at or below q and all its values, and l its values below the bracket,
// sum (b - r t)^2 = sum b^2 - 2 r sum b t + r^2 sum t^2, where b = l + (its bracket values at or
// below q), so sum b^2 = sum l^2 + the sum of 2(l + k) - 1 over each entity's k-th bracket value
// at or below q, and sum b t = sum l t + the sum of t over those values. The ranks the answer
// needs (the quantile's two order statistics and the interval's) must fall within the bracket;
// otherwise the row is named bracket_missed and the analysis asks again with every value.
void add_percentile(const AggregateQuery& q, const MetricSpec& m, size_t i, size_t slot, MetricColumns& out) {
  // Per bracket value, its entity (a 64-bit hash: a collision, odds n^2 / 2^65, would only merge
  // two entities' counts in sigma), the entity's values below the bracket and its number of
  // values, as arrays, since no lambda may capture a column.
  out.value_columns += fmt::format(
      "pv{0}, pl{0}, toFloat64(c{1}) AS pn{0}, arrayResize([x_k1], length(pv{0}), x_k1) AS pk{0}, "
      "arrayResize([toFloat64(pl{0})], length(pv{0}), toFloat64(pl{0})) AS plv{0}, "
      "arrayResize([toFloat64(c{1})], length(pv{0}), toFloat64(c{1})) AS pt{0}, ",
      i, slot);
  out.per_variant_columns += fmt::format(
      "countIf(pn{0} > 0) AS m{0}, toInt64(sum(pn{0})) AS nv{0}, toInt64(sum(pl{0})) AS bl{0}, "
      "sum(toFloat64(pl{0}) * pl{0}) AS sll{0}, sum(pl{0} * pn{0}) AS slt{0}, sum(pn{0} * pn{0}) AS stt{0}, "
      "groupArrayArray(pv{0}) AS fv{0}, groupArrayArray(pk{0}) AS fk{0}, groupArrayArray(plv{0}) AS fl{0}, "
      "groupArrayArray(pt{0}) AS ft{0}, ",
      i);
  // Ranks are global (1 to nv); the bracket's sorted values hold ranks bl + 1 to bl + nb.
  out.quantile_columns += fmt::format(
      "arraySort(fv{0}) AS sv{0}, toInt64(length(sv{0})) AS nb{0}, (nv{0} - 1) * {1} AS h{0}, toInt64(floor(h{0})) AS lo{0}, "
      "lo{0} + 1 - bl{0} AS j1{0}, if(lo{0} + 1 < nv{0}, lo{0} + 2, lo{0} + 1) - bl{0} AS j2{0}, "
      "sv{0}[greatest(j1{0}, 1)] AS bv{0}, sv{0}[greatest(j2{0}, 1)] AS av{0}, "
      "bv{0} + (h{0} - lo{0}) * (av{0} - bv{0}) AS q{0}, arrayResize([q{0}], nb{0}, q{0}) AS qs{0}, "
      "(bl{0} + arrayCount((v, c) -> v <= c, fv{0}, qs{0})) / nv{0} AS r{0}, "
      "sll{0} + arraySum(arrayMap((k, l) -> 2 * (l + k) - 1, arrayEnumerateUniq(arrayFilter((e, v, c) -> v <= c, fk{0}, fv{0}, qs{0})), "
      "arrayFilter((l, v, c) -> v <= c, fl{0}, fv{0}, qs{0}))) AS bb{0}, "
      "slt{0} + arraySum(arrayFilter((t, v, c) -> v <= c, ft{0}, fv{0}, qs{0})) AS bt{0}, "
      "sqrt(greatest(toFloat64(0), bb{0} - 2 * r{0} * bt{0} + r{0} * r{0} * stt{0}) * m{0} / ((m{0} - 1) * nv{0} * nv{0})) AS sf{0}, "
      "toInt64(greatest(toFloat64(1), least(toFloat64(nv{0}), floor(nv{0} * ({1} - {2} * sf{0}))))) - bl{0} AS jl{0}, "
      "toInt64(greatest(toFloat64(1), least(toFloat64(nv{0}), ceil(nv{0} * ({1} + {2} * sf{0}))))) - bl{0} AS jh{0}, "
      "j1{0} < 1 OR j2{0} > nb{0} OR (m{0} >= 2 AND (jl{0} < 1 OR jh{0} > nb{0})) AS miss{0}, ",
      i, number(m.quantile), number(z_critical(q.confidence)));
  out.tuple_quantile.resize(out.tuples.size());
  out.tuple_quantile.push_back(std::to_string(i));
  out.tuples.push_back(fmt::format(
      "('percentile', {0}, if(miss{1}, {3}, ''), toFloat64(m{1}), toFloat64(0), toFloat64(0), toFloat64(0), toFloat64(0), "
      "toFloat64(0), toFloat64(nv{1}), toFloat64(q{1}), if(m{1} >= 2 AND NOT miss{1}, toFloat64(sv{1}[greatest(jl{1}, 1)]), nan), "
      "if(m{1} >= 2 AND NOT miss{1}, toFloat64(sv{1}[greatest(jh{1}, 1)]), nan), {2})",
      sql_string(m.key), i, number(q.confidence), sql_string(k_bracket_missed)));
}

// Per kept entity (those without events get zeros and empty arrays), each metric's value.
MetricColumns metric_columns(const AggregateQuery& q, EventSlots& slots) {
  MetricColumns out;
  out.tuples = {row_tuple("count", "", "entities", "count()"),
                row_tuple("count", "", "events.joined", "sum(e_joined)"),
                row_tuple("count", "", "events.duplicates", "sum(e_duplicates)"),
                row_tuple("count", "", "events.before_exposure", "sum(e_before)"),
                row_tuple("count", "", "events.counted", "sum(e_counted)"),
                row_tuple("count", "", "events.covariate", "sum(e_covariate)"),
                row_tuple("count", "", "events.first_ms", "minIf(e_first, e_counted > 0)"),
                row_tuple("count", "", "events.last_ms", "maxIf(e_last, e_counted > 0)")};
  out.tuple_quantile.resize(out.tuples.size());
  for (size_t i = 0; i < q.metrics.size(); ++i) {
    const MetricSpec& m = q.metrics[i];
    const size_t slot = slots.of(m.measure.event_type);
    switch (m.type) {
      case MetricType::conversion:
      case MetricType::mean:
        if (m.type == MetricType::conversion) {
          out.value_columns += fmt::format("if(c{} > 0, toFloat64(1), toFloat64(0)) AS y{}, ", slot, i);
        } else {
          out.value_columns += fmt::format("{} AS y{}, ", entity_value(m.measure.aggregation, slot), i);
        }
        out.tuples.push_back(row_tuple("metric", m.key, "", "count()", fmt::format("sum(y{})", i), fmt::format("sum(y{0} * y{0})", i)));
        if (has_covariate(q, i)) {
          // The covariate row: n, Σx, Σx², and Σxy as sum_product; its name is the window in days.
          const std::string x = m.type == MetricType::conversion ? fmt::format("if(pc{} > 0, toFloat64(1), toFloat64(0))", slot)
                                                                 : entity_value(m.measure.aggregation, slot, "p");
          out.value_columns += fmt::format("{} AS xv{}, ", x, i);
          out.tuples.push_back(row_tuple("covariate", m.key,
                                         fmt::format("{:g}", static_cast<double>(q.covariates.window_ms) / 86'400'000.0),
                                         "count()", fmt::format("sum(xv{})", i), fmt::format("sum(xv{0} * xv{0})", i), "0", "0",
                                         fmt::format("sum(y{0} * xv{0})", i)));
        }
        break;
      case MetricType::ratio:
        out.value_columns += fmt::format("{} AS y{}, {} AS d{}, ", entity_value(m.measure.aggregation, slot), i,
                                         entity_value(m.denominator->aggregation, slots.of(m.denominator->event_type)), i);
        out.tuples.push_back(row_tuple("metric", m.key, "", "count()", fmt::format("sum(y{})", i), fmt::format("sum(y{0} * y{0})", i),
                                       fmt::format("sum(d{})", i), fmt::format("sum(d{0} * d{0})", i),
                                       fmt::format("sum(y{0} * d{0})", i)));
        break;
      case MetricType::percentile:
        add_percentile(q, m, i, slot, out);
        break;
    }
  }
  out.tuple_quantile.resize(out.tuples.size());
  return out;
}

// The metric rows of every variant: the per-variant sums in one GROUP BY, the percentile
// arithmetic on its arrays in the layer above, which also turns everything into rows. A
// percentile metric without values in a variant gives no row there (an empty sample).
std::string metric_rows_sql(const QueryFields& f, const MetricColumns& c, const std::string& kept, const std::string& per_entity) {
  std::string sums, rows = "[", keep = "[";
  for (size_t i = 0; i < c.tuples.size(); ++i) {
    const bool percentile = !c.tuple_quantile[i].empty();
    if (!percentile) sums += fmt::format("{} AS t{}, ", c.tuples[i], i);
    rows += (i ? ", " : "") + (percentile ? c.tuples[i] : fmt::format("t{}", i));
    keep += (i ? ", " : "") + (percentile ? "nv" + c.tuple_quantile[i] + " > 0" : std::string("1"));
  }
  rows = "arrayFilter((t, keep) -> keep, " + rows + "], " + keep + "]) AS rows";
  const std::string per_variant = fmt::format(
      "SELECT x_variant, {}{} FROM ("
      "SELECT x_variant, {}e_joined, e_duplicates, e_before, e_counted, e_first, e_last, e_covariate FROM ("
      "SELECT sipHash64(x_entity) AS x_k1, cityHash64(x_entity) AS x_k2, x_variant FROM ({})) AS l ANY LEFT JOIN ({}) AS r "
      "USING x_k1, x_k2"
      ") GROUP BY x_variant",
      without_last_comma(sums + c.per_variant_columns), "", c.value_columns, kept, per_entity);
  return fmt::format(
      "SELECT {0} AS experiment, tupleElement(row, 1) AS kind, tupleElement(row, 2) AS metric, {1}[x_variant + 1] AS variant, "
      "tupleElement(row, 3) AS name, tupleElement(row, 4) AS n, tupleElement(row, 5) AS sum, tupleElement(row, 6) AS sum_squares, "
      "tupleElement(row, 7) AS denominator_sum, tupleElement(row, 8) AS denominator_sum_squares, "
      "tupleElement(row, 9) AS sum_product, tupleElement(row, 10) AS events, tupleElement(row, 11) AS value, "
      "tupleElement(row, 12) AS ci_low, tupleElement(row, 13) AS ci_high, tupleElement(row, 14) AS confidence "
      "FROM (SELECT x_variant, {2}{3} FROM ({4})) ARRAY JOIN rows AS row",
      f.experiment, f.variants, c.quantile_columns, rows, per_variant);
}

// Data counts: exposure rows by experiment, the experiment's entities, event rows by type.
std::vector<std::string> count_rows_sql(const AggregateQuery& q, const QueryFields& f, const EventSlots& slots,
                                        const std::string& entities, const std::string& resolved) {
  const std::string ex_all_until = q.day.empty() ? "" : fmt::format(" WHERE {} < {}", f.ex_ts, q.until_ms);
  const std::string ev_all_until = q.day.empty() ? "" : fmt::format(" WHERE {} < {}", f.ev_ts, q.until_ms);
  auto counts_branch = [&](const std::string& rows_source) {
    return fmt::format(
        "SELECT {} AS experiment, tupleElement(row, 1) AS kind, tupleElement(row, 2) AS metric, '' AS variant, "
        "tupleElement(row, 3) AS name, tupleElement(row, 4) AS n, toFloat64(0) AS sum, toFloat64(0) AS sum_squares, "
        "toFloat64(0) AS denominator_sum, toFloat64(0) AS denominator_sum_squares, toFloat64(0) AS sum_product, "
        "toFloat64(0) AS events, toFloat64(0) AS value, toFloat64(0) AS ci_low, toFloat64(0) AS ci_high, "
        "toFloat64(0) AS confidence FROM ({}) ARRAY JOIN rows AS row",
        f.experiment, rows_source);
  };
  std::vector<std::string> branches;
  branches.push_back(counts_branch(fmt::format(
      "SELECT arrayConcat([{}], arrayMap(x -> ('exposure_experiment', '', tupleElement(x, 1), tupleElement(x, 2)), "
      "groupArrayIf(100)((x_experiment, toFloat64(x_rows)), x_experiment != {}))) AS rows FROM ("
      "SELECT {} AS x_experiment, count() AS x_rows FROM {}{} GROUP BY x_experiment ORDER BY x_rows DESC)",
      "('count', '', 'exposures.rows', toFloat64(sum(x_rows))), ('count', '', 'exposures.other_experiments', "
      "toFloat64(sumIf(x_rows, x_experiment != " + f.experiment + ")))",
      f.experiment, f.ex_experiment, f.exposures, ex_all_until)));
  branches.push_back(counts_branch(fmt::format(
      "SELECT [('count', '', 'exposures.conflicting_entities', toFloat64(countIf(x_variants > 1))), "
      "('count', '', 'exposures.repeated', toFloat64(sumIf(x_rows - 1, x_variants = 1))), "
      "('count', '', 'exposures.no_variant', toFloat64(sum(x_no_variant))), "
      "('count', '', 'exposures.unknown_variant', toFloat64(sum(x_unknown_variant))), "
      "('count', '', 'exposures.empty_entity', toFloat64(sumIf(x_rows, x_entity = '')))] AS rows FROM ({})",
      entities)));
  if (q.recompute) {
    branches.push_back(counts_branch(fmt::format(
        "SELECT [('count', '', 'exposures.recomputed', toFloat64(countIf(x_v = ''))), "
        "('count', '', 'exposures.not_assigned', toFloat64(countIf(x_v = '' AND x_v2 = '')))] AS rows FROM ({})",
        resolved)));
  }
  const std::string relevant = slots.types.empty() ? "['']" : string_array(slots.types);
  std::string relevant_rows;
  for (const std::string& type : slots.types) {
    relevant_rows += fmt::format(", ('event_type', '', {0}, toFloat64(sumIf(t_rows, t_type = {0})))", sql_string(type));
  }
  branches.push_back(counts_branch(fmt::format(
      "SELECT arrayConcat([('count', '', 'events.rows', toFloat64(sum(t_rows))), "
      "('count', '', 'events.other_event_types', toFloat64(sumIf(t_rows, NOT has({0}, t_type)))){1}], "
      "arrayMap(x -> ('event_type', '', tupleElement(x, 1), tupleElement(x, 2)), "
      "groupArrayIf(100)((t_type, toFloat64(t_rows)), NOT has({0}, t_type)))) AS rows "
      "FROM (SELECT {2} AS t_type, count() AS t_rows FROM {3}{4} GROUP BY t_type ORDER BY t_rows DESC)",
      relevant, relevant_rows, f.ev_type, f.events, ev_all_until)));
  return branches;
}

}  // namespace

Result<std::string> aggregate_query_sql(const AggregateQuery& q, const std::string& format) {
  auto fields = query_fields(q);
  if (!fields) return std::move(fields).error();
  const QueryFields& f = *fields;
  const std::string ev_until = q.day.empty() ? "" : fmt::format(" AND {} < {}", f.ev_ts, q.until_ms);
  const std::string ex_until = q.day.empty() ? "" : fmt::format(" AND {} < {}", f.ex_ts, q.until_ms);
  EventSlots slots;
  for (const MetricSpec& m : q.metrics) {
    slots.of(m.measure.event_type);
    if (m.denominator) slots.of(m.denominator->event_type);
  }

  const std::string resolved = resolved_exposures_sql(q, f, ex_until);
  // Each exposed entity once: its earliest exposure, its variant, how many rows and variants.
  // Rows whose recomputed variant is empty are of entities the experiment does not own.
  const std::string entities = fmt::format(
      "SELECT x_entity, x_at, x_variant_name, x_variants, x_rows, x_no_variant, x_unknown_variant FROM ("
      "SELECT x_e AS x_entity, min(x_t) AS x_at, any(x_v2) AS x_variant_name, uniqExact(x_v2) AS x_variants, count() AS x_rows, "
      "countIf(x_v2 = '') AS x_no_variant, countIf(x_v2 != '' AND NOT has({0}, x_v2)) AS x_unknown_variant "
      "FROM ({1}){2} GROUP BY x_entity)",
      f.variants, resolved, q.recompute ? " WHERE x_v2 != ''" : "");
  // The entities the analysis keeps: exposed to one variant of the experiment.
  const std::string kept = fmt::format(
      "SELECT x_entity, x_at, toInt32(indexOf({0}, x_variant_name)) - 1 AS x_variant FROM ({1}) "
      "WHERE x_variants = 1 AND x_entity != '' AND has({0}, x_variant_name)",
      f.variants, entities);
  const std::string per_entity = per_entity_sql(q, slots, deduplicated_events_sql(f, slots, ev_until, kept));
  const MetricColumns columns = metric_columns(q, slots);

  std::vector<std::string> branches{metric_rows_sql(f, columns, kept, per_entity)};
  for (std::string& b : count_rows_sql(q, f, slots, entities, resolved)) branches.push_back(std::move(b));
  const std::string day = q.day.empty() ? "" : "toDate(" + sql_string(q.day) + ") AS day, ";
  std::string sql;
  for (const std::string& b : branches) {
    sql += (sql.empty() ? "SELECT " : "\nUNION ALL\nSELECT ") + day + std::string(k_columns) + " FROM (" + b + ")";
  }
  if (!format.empty()) sql += "\nFORMAT " + format;
  return sql + "\n";
}

}  // namespace expt
