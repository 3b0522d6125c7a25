#include "core/warehouse/aggregate_rows.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/base/csv_field.h"
#include "core/base/excerpt.h"
#include "core/ingest/csv_reader.h"

namespace expt {

namespace {

constexpr double k_absent = std::numeric_limits<double>::quiet_NaN();

struct NumberColumn {
  std::string_view name;
  double AggregateRow::*field;
};
constexpr NumberColumn k_numbers[] = {
    {"n", &AggregateRow::n},
    {"sum", &AggregateRow::sum},
    {"sum_squares", &AggregateRow::sum_squares},
    {"denominator_sum", &AggregateRow::denominator_sum},
    {"denominator_sum_squares", &AggregateRow::denominator_sum_squares},
    {"sum_product", &AggregateRow::sum_product},
    {"events", &AggregateRow::events},
    {"value", &AggregateRow::value},
    {"ci_low", &AggregateRow::ci_low},
    {"ci_high", &AggregateRow::ci_high},
    {"confidence", &AggregateRow::confidence},
};
struct TextColumn {
  std::string_view name;
  std::string AggregateRow::*field;
  bool required;
};
constexpr TextColumn k_texts[] = {
    {"experiment", &AggregateRow::experiment, false}, {"kind", &AggregateRow::kind, true},
    {"metric", &AggregateRow::metric, false},         {"variant", &AggregateRow::variant, false},
    {"name", &AggregateRow::name, false},             {"day", &AggregateRow::day, false},
};

std::optional<double> parse_number(std::string_view text) {
  if (text.empty() || text == "\\N" || text == "nan" || text == "NaN" || text == "null" || text == "NULL") return k_absent;
  double v = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (*begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, v);
  if (ec != std::errc() || ptr != end || std::isinf(v)) return std::nullopt;
  return v;
}

AggregateRow empty_row() {
  AggregateRow row;
  for (const NumberColumn& c : k_numbers) row.*c.field = c.name == "n" ? k_absent : 0;
  row.events = row.value = row.ci_low = row.ci_high = row.confidence = k_absent;
  return row;
}

bool present(double v) { return !std::isnan(v); }

}  // namespace

Result<std::vector<AggregateRow>> read_aggregate_rows_csv(std::istream& in, const std::string& name) {
  CsvReader reader(in, name);
  std::vector<std::string_view> fields;
  auto header = reader.next(fields);
  if (!header) return std::move(header).error();
  if (!*header) return Error::invalid("the aggregates file is empty; it needs a header row", SourceLocation{name, 1, 1});
  std::map<std::string, size_t, std::less<>> index;
  for (size_t i = 0; i < fields.size(); ++i) index.emplace(std::string(fields[i]), i);
  for (const TextColumn& c : k_texts) {
    if (c.required && !index.contains(c.name)) {
      return Error::invalid(fmt::format("the aggregates have no '{}' column (docs/warehouse.md lists the columns)", c.name),
                            SourceLocation{name, 1, 1}, std::string(c.name));
    }
  }
  if (!index.contains("n")) {
    return Error::invalid("the aggregates have no 'n' column (docs/warehouse.md lists the columns)", SourceLocation{name, 1, 1}, "n");
  }
  std::vector<AggregateRow> rows;
  for (;;) {
    auto more = reader.next(fields);
    if (!more) return std::move(more).error();
    if (!*more) break;
    if (fields.size() == 1 && fields[0].empty()) continue;  // a blank line
    AggregateRow row = empty_row();
    row.at = SourceLocation{name, static_cast<int>(reader.line()), 1};
    for (const TextColumn& c : k_texts) {
      auto it = index.find(c.name);
      if (it != index.end() && it->second < fields.size()) row.*c.field = std::string(fields[it->second]);
    }
    for (const NumberColumn& c : k_numbers) {
      auto it = index.find(c.name);
      if (it == index.end() || it->second >= fields.size()) continue;
      auto v = parse_number(fields[it->second]);
      if (!v) {
        return Error::invalid(fmt::format("{} '{}' is not a number", c.name, excerpt(fields[it->second])),
                              SourceLocation{name, static_cast<int>(reader.line()), reader.column(it->second)},
                              std::string(c.name));
      }
      row.*c.field = *v;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<AggregateRow>> read_aggregate_rows_json(std::string_view text, const std::string& name) {
  nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) return Error::invalid("the aggregates are not valid JSON", SourceLocation{name});
  if (doc.is_object() && doc.contains("data")) doc = doc["data"];
  if (!doc.is_array()) {
    return Error::invalid("the aggregates must be a JSON array of rows, or ClickHouse's FORMAT JSON answer", SourceLocation{name});
  }
  std::vector<AggregateRow> rows;
  for (size_t i = 0; i < doc.size(); ++i) {
    const nlohmann::json& object = doc[i];
    const std::string where = fmt::format("[{}]", i);
    if (!object.is_object()) return Error::invalid("each row must be a JSON object", SourceLocation{name}, where);
    AggregateRow row = empty_row();
    row.at = SourceLocation{name, static_cast<int>(i + 1), 0};
    for (const TextColumn& c : k_texts) {
      auto it = object.find(std::string(c.name));
      if (it == object.end() || it->is_null()) {
        if (c.required) return Error::invalid(fmt::format("row has no '{}'", c.name), SourceLocation{name}, where + "." + std::string(c.name));
        continue;
      }
      if (!it->is_string()) return Error::invalid(fmt::format("'{}' must be a string", c.name), SourceLocation{name}, where + "." + std::string(c.name));
      row.*c.field = it->get<std::string>();
    }
    for (const NumberColumn& c : k_numbers) {
      auto it = object.find(std::string(c.name));
      if (it == object.end() || it->is_null()) continue;
      std::optional<double> v;
      if (it->is_number()) v = it->get<double>();
      if (it->is_string()) v = parse_number(it->get_ref<const std::string&>());
      if (!v) return Error::invalid(fmt::format("'{}' is not a number", c.name), SourceLocation{name}, where + "." + std::string(c.name));
      row.*c.field = *v;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

namespace {

Result<int64_t> count_of(const AggregateRow& row, double v, std::string_view column) {
  if (!present(v) || v < 0 || v != std::floor(v) || v > 9.007199254740992e15) {
    return Error::invalid(fmt::format("{} must be a whole number of at least 0, got {}", column, v), row.at, std::string(column));
  }
  return static_cast<int64_t>(v);
}

}  // namespace

nlohmann::json aggregate_rows_json(const std::vector<AggregateRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const AggregateRow& row : rows) {
    nlohmann::json j = nlohmann::json::object();
    for (const TextColumn& c : k_texts) {
      if (c.name != "day" || !row.day.empty()) j[std::string(c.name)] = row.*c.field;
    }
    for (const NumberColumn& c : k_numbers) {
      const double v = row.*c.field;
      j[std::string(c.name)] = present(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
    }
    out.push_back(std::move(j));
  }
  return out;
}

std::string aggregate_rows_csv(const std::vector<AggregateRow>& rows) {
  std::string out;
  for (const TextColumn& c : k_texts) out += std::string(c.name) + ",";
  for (const NumberColumn& c : k_numbers) out += std::string(c.name) + ",";
  out.back() = '\n';
  for (const AggregateRow& row : rows) {
    for (const TextColumn& c : k_texts) {
      append_csv_field(out, row.*c.field);
      out += ',';
    }
    for (const NumberColumn& c : k_numbers) {
      const double v = row.*c.field;
      out += (present(v) ? fmt::format("{:.17g}", v) : std::string()) + ",";
    }
    out.back() = '\n';
  }
  return out;
}

namespace {

struct Sums {  // added up over the rows of one metric and variant (slices, partitions)
  int64_t n = 0;
  double sum = 0, sum_squares = 0, denominator_sum = 0, denominator_sum_squares = 0, sum_product = 0;
  bool seen = false;
};

// The rows of one experiment and day, added up by kind: metric sums, covariate sums, percentile
// summaries (one row each: they cannot be added up), entity counts, data counts.
class Assembler {
 public:
  Assembler(const std::string& experiment, const std::vector<std::string>& variants, const std::vector<MetricSpec>& metrics,
            double confidence, const CovariateWindows& covariates)
      : m_experiment(experiment),
        m_variants(variants),
        m_metrics(metrics),
        m_confidence(confidence),
        m_covariates(covariates),
        m_window(fmt::format("{:g}", static_cast<double>(covariates.window_ms) / 86'400'000.0)),
        m_sums(metrics.size(), std::vector<Sums>(variants.size())),
        m_covariate_sums(metrics.size(), std::vector<Sums>(variants.size())),
        m_quantiles(metrics.size(), std::vector<std::optional<QuantileSummary>>(variants.size())),
        m_entities(variants.size(), 0) {}

  Result<void> add(const AggregateRow& r) {
    if (r.kind == "metric" || r.kind == "percentile") return add_metric(r);
    if (r.kind == "covariate") return add_covariate(r);
    if (r.kind == "count") return add_count(r);
    if (r.kind == "event_type" || r.kind == "exposure_experiment") {
      auto n = count_of(r, r.n, "n");
      if (!n) return std::move(n).error();
      (r.kind == "event_type" ? m_type_rows : m_experiment_rows)[r.name] += *n;
      return {};
    }
    return Error::invalid(fmt::format("kind '{}' is not one of metric, percentile, covariate, count, event_type, exposure_experiment",
                                      excerpt(r.kind)),
                          r.at, "kind");
  }

  // Exposure rows the analysis cannot use are an error, naming how many and why.
  Result<void> check_exposures(const std::string& name) {
    for (const char* problem : {"exposures.no_variant", "exposures.unknown_variant", "exposures.empty_entity"}) {
      if (m_counts[problem] == 0) continue;
      const int64_t n = m_counts[problem];
      const std::string what = std::string(problem) == "exposures.no_variant"
                                   ? "have no variant; recomputing variants by hashing needs the CSV path (--exposures)"
                               : std::string(problem) == "exposures.unknown_variant"
                                   ? fmt::format("name a variant the experiment does not have (variants: {})",
                                                 fmt::join(m_variants, ", "))
                                   : "have an empty entity_id";
      return Error::invalid(fmt::format("{} exposure row{} of experiment '{}' {}", n, n == 1 ? "" : "s", m_experiment, what),
                            SourceLocation{name});
    }
    return {};
  }

  Result<void> finish_metrics(const std::string& name, ExperimentAggregates& out);
  void finish_counts(ExperimentAggregates& out);

 private:
  Result<size_t> variant_of(const AggregateRow& r) const {
    auto it = std::find(m_variants.begin(), m_variants.end(), r.variant);
    if (it == m_variants.end()) {
      return Error::invalid(fmt::format("variant '{}' is not a variant of experiment '{}' (variants: {})", excerpt(r.variant),
                                        m_experiment, fmt::join(m_variants, ", ")),
                            r.at, "variant");
    }
    return static_cast<size_t>(it - m_variants.begin());
  }
  Result<size_t> metric_of(const AggregateRow& r) const {
    for (size_t i = 0; i < m_metrics.size(); ++i) {
      if (m_metrics[i].key == r.metric) return i;
    }
    return Error::invalid(fmt::format("metric '{}' is not bound to experiment '{}'", excerpt(r.metric), m_experiment), r.at, "metric");
  }
  bool wants_covariate(size_t m) const { return m < m_covariates.metrics.size() && m_covariates.metrics[m]; }
  // The variant and metric a metric, percentile or covariate row is for, and its n.
  struct Target {
    size_t variant = 0;
    size_t metric = 0;
    int64_t n = 0;
  };
  Result<Target> target_of(const AggregateRow& r) const {
    auto v = variant_of(r);
    if (!v) return std::move(v).error();
    auto m = metric_of(r);
    if (!m) return std::move(m).error();
    auto n = count_of(r, r.n, "n");
    if (!n) return std::move(n).error();
    return Target{*v, *m, *n};
  }

  Result<void> add_metric(const AggregateRow& r);
  Result<void> add_covariate(const AggregateRow& r);
  Result<void> add_count(const AggregateRow& r);

  const std::string& m_experiment;
  const std::vector<std::string>& m_variants;
  const std::vector<MetricSpec>& m_metrics;
  double m_confidence;
  const CovariateWindows& m_covariates;
  std::string m_window;  // the covariate window, in days, as its rows name it
  std::vector<std::vector<Sums>> m_sums;
  std::vector<std::vector<Sums>> m_covariate_sums;
  std::vector<std::vector<std::optional<QuantileSummary>>> m_quantiles;
  std::vector<int64_t> m_entities;
  bool m_have_entities = false;
  std::map<std::string, int64_t, std::less<>> m_counts;
  std::map<std::string, int64_t, std::less<>> m_type_rows, m_experiment_rows;
  std::optional<int64_t> m_first_ms, m_last_ms;
};

Result<void> Assembler::add_metric(const AggregateRow& r) {
  auto target = target_of(r);
  if (!target) return std::move(target).error();
  const auto [v, m, n] = *target;
  const MetricSpec& spec = m_metrics[m];
  const bool percentile = spec.type == MetricType::percentile;
  if (percentile != (r.kind == "percentile")) {
    return Error::invalid(fmt::format("metric '{}' is a {} metric; its rows must have kind '{}'", spec.key, to_string(spec.type),
                                      percentile ? "percentile" : "metric"),
                          r.at, "kind");
  }
  if (!percentile) {
    Sums& s = m_sums[m][v];
    s.seen = true;
    s.n += n;
    s.sum += r.sum;
    s.sum_squares += r.sum_squares;
    s.denominator_sum += r.denominator_sum;
    s.denominator_sum_squares += r.denominator_sum_squares;
    s.sum_product += r.sum_product;
    return {};
  }
  if (m_quantiles[m][v]) {
    return Error::invalid(fmt::format("a second row for percentile metric '{}', variant '{}': percentiles cannot be added up",
                                      spec.key, r.variant),
                          r.at, "metric");
  }
  auto events = count_of(r, r.events, "events");
  if (!events) return std::move(events).error();
  if (*events > 0 && present(r.ci_low) && std::abs(r.confidence - m_confidence) > 1e-12) {
    return Error::invalid(fmt::format("the interval of percentile metric '{}' was computed at confidence {}; analyse "
                                      "with --confidence {} or compute the aggregates again",
                                      spec.key, r.confidence, r.confidence),
                          r.at, "confidence");
  }
  QuantileSummary q;
  q.entities = n;
  q.events = *events;
  if (present(r.value)) q.value = r.value;
  if (present(r.ci_low)) q.ci_low = r.ci_low;
  if (present(r.ci_high)) q.ci_high = r.ci_high;
  q.confidence = m_confidence;
  m_quantiles[m][v] = q;
  return {};
}

Result<void> Assembler::add_covariate(const AggregateRow& r) {
  auto target = target_of(r);
  if (!target) return std::move(target).error();
  const auto [v, m, n] = *target;
  if (!wants_covariate(m)) return {};  // rows for an analysis without CUPED
  if (r.name != m_window) {
    return Error::invalid(fmt::format("the covariate of metric '{}' covers {} days before exposure, this analysis {}; "
                                      "use --cuped-window {} or compute the aggregates again",
                                      m_metrics[m].key, excerpt(r.name), m_window, excerpt(r.name)),
                          r.at, "name");
  }
  Sums& s = m_covariate_sums[m][v];
  s.seen = true;
  s.n += n;
  s.sum += r.sum;
  s.sum_squares += r.sum_squares;
  s.sum_product += r.sum_product;
  return {};
}

Result<void> Assembler::add_count(const AggregateRow& r) {
  auto n = count_of(r, r.n, "n");
  if (!n) return std::move(n).error();
  if (r.name == "entities") {
    auto v = variant_of(r);
    if (!v) return std::move(v).error();
    m_entities[*v] += *n;
    m_have_entities = true;
  } else if (r.name == "events.first_ms" || r.name == "events.last_ms") {
    // A time range: the earliest and latest over the rows (0: a variant without events).
    if (*n == 0) return {};
    const bool first = r.name == "events.first_ms";
    auto& range = first ? m_first_ms : m_last_ms;
    range = range ? (first ? std::min(*range, *n) : std::max(*range, *n)) : *n;
  } else {
    m_counts[r.name] += *n;
  }
  return {};
}

Result<void> Assembler::finish_metrics(const std::string& name, ExperimentAggregates& out) {
  for (size_t m = 0; m < m_metrics.size(); ++m) {
    MetricAggregate a;
    a.metric = m_metrics[m];
    bool any = false;
    for (size_t v = 0; v < m_variants.size(); ++v) {
      const Sums& s = m_sums[m][v];
      any = any || s.seen || m_quantiles[m][v].has_value();
      switch (a.metric.type) {
        case MetricType::conversion:
        case MetricType::mean: a.mean.push_back(MeanStats::from_sums(s.n, s.sum, s.sum_squares)); break;
        case MetricType::ratio:
          a.ratio.push_back(RatioStats::from_sums(s.n, s.sum, s.denominator_sum, s.sum_squares, s.denominator_sum_squares,
                                                  s.sum_product));
          break;
        case MetricType::percentile: a.quantile_summary.push_back(m_quantiles[m][v].value_or(QuantileSummary{})); break;
      }
    }
    if (!any && a.metric.type != MetricType::percentile) {
      return Error::invalid(fmt::format("the aggregates have no rows for metric '{}' of experiment '{}'", a.metric.key, m_experiment),
                            SourceLocation{name}, "metric");
    }
    if (wants_covariate(m) && (a.metric.type == MetricType::mean || a.metric.type == MetricType::conversion)) {
      for (size_t v = 0; v < m_variants.size(); ++v) {
        const Sums& s = m_sums[m][v];
        const Sums& c = m_covariate_sums[m][v];
        if (!c.seen && s.n > 0) {
          return Error::invalid(fmt::format("CUPED needs the covariate of metric '{}', and the aggregates have no covariate row "
                                            "for variant '{}' (compute them with `expt export sql --cuped`, or analyse with --no-cuped)",
                                            a.metric.key, m_variants[v]),
                                SourceLocation{name}, "kind");
        }
        if (c.n != s.n) {
          return Error::invalid(fmt::format("metric '{}', variant '{}': the covariate rows count {} entities, the metric rows {}",
                                            a.metric.key, m_variants[v], c.n, s.n),
                                SourceLocation{name}, "n");
        }
        a.cuped.push_back(RatioStats::from_sums(s.n, s.sum, c.sum, s.sum_squares, c.sum_squares, c.sum_product));
      }
    }
    if (!m_have_entities) {
      // Another engine's output may leave entity counts out: every entity has a row in a mean metric.
      for (size_t v = 0; v < m_variants.size() && !a.mean.empty(); ++v) m_entities[v] = std::max(m_entities[v], a.mean[v].n);
      for (size_t v = 0; v < m_variants.size() && !a.ratio.empty(); ++v) m_entities[v] = std::max(m_entities[v], a.ratio[v].n);
    }
    out.metrics.push_back(std::move(a));
  }
  out.entities = m_entities;
  return {};
}

void Assembler::finish_counts(ExperimentAggregates& out) {
  ExposureCounts& x = out.exposures;
  EventCounts& e = out.events;
  // The count rows by name (absent ones stay 0, as another engine may leave them out).
  const std::pair<const char*, int64_t*> named[] = {
      {"exposures.rows", &x.rows},           {"exposures.other_experiments", &x.other_experiments},
      {"exposures.repeated", &x.repeated},   {"exposures.conflicting_entities", &x.conflicting_entities},
      {"exposures.recomputed", &x.recomputed}, {"exposures.not_assigned", &x.not_assigned},
      {"events.rows", &e.rows},              {"events.other_event_types", &e.other_event_types},
      {"events.duplicates", &e.duplicates},  {"events.before_exposure", &e.before_exposure},
      {"events.counted", &e.counted},        {"events.covariate", &e.covariate}};
  for (const auto& [counter, field] : named) *field = m_counts[counter];
  e.first_ms = m_first_ms;
  e.last_ms = m_last_ms;
  for (const auto& [experiment_name, n] : m_experiment_rows) x.other_experiment_names.add(experiment_name, n);
  int64_t relevant = 0;
  std::vector<std::string> metric_types;
  for (const MetricSpec& m : m_metrics) {
    metric_types.push_back(m.measure.event_type);
    if (m.denominator) metric_types.push_back(m.denominator->event_type);
  }
  for (const auto& [type, n] : m_type_rows) {
    out.event_type_rows.emplace_back(type, n);
    if (std::find(metric_types.begin(), metric_types.end(), type) != metric_types.end()) {
      relevant += n;
    } else {
      e.other_event_type_names.add(type, n);
    }
  }
  if (m_counts.contains("events.joined")) e.unexposed = relevant - m_counts["events.joined"];
}

}  // namespace

Result<ExperimentAggregates> assemble_aggregates(const std::vector<AggregateRow>& all_rows, const std::string& experiment,
                                                 const std::vector<std::string>& variants,
                                                 const std::vector<MetricSpec>& metrics, double confidence,
                                                 const std::string& day, const std::string& name,
                                                 const CovariateWindows& covariates) {
  std::vector<const AggregateRow*> rows;
  std::string latest;
  for (const AggregateRow& row : all_rows) {
    if (!row.experiment.empty() && row.experiment != experiment) continue;
    rows.push_back(&row);
    latest = std::max(latest, row.day);
  }
  ExperimentAggregates out;
  out.day = day.empty() ? latest : day;
  if (!out.day.empty()) {
    std::erase_if(rows, [&](const AggregateRow* r) { return r->day != out.day; });
    if (rows.empty()) {
      return Error::invalid(fmt::format("the aggregates have no rows of experiment '{}' for day {}", experiment, out.day),
                            SourceLocation{name});
    }
  }
  if (rows.empty()) {
    return Error::invalid(fmt::format("the aggregates have no rows of experiment '{}'", experiment), SourceLocation{name});
  }
  Assembler assembler(experiment, variants, metrics, confidence, covariates);
  for (const AggregateRow* r : rows) {
    if (auto added = assembler.add(*r); !added) return std::move(added).error();
  }
  if (auto ok = assembler.check_exposures(name); !ok) return std::move(ok).error();
  if (auto ok = assembler.finish_metrics(name, out); !ok) return std::move(ok).error();
  assembler.finish_counts(out);
  return out;
}

}  // namespace expt
