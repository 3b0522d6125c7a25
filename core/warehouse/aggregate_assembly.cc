// assemble_aggregates (core/warehouse/aggregate_rows.h): the rows of one experiment and day,
// added up per metric and variant, checked against what real data satisfies
// (core/warehouse/aggregate_checks.h), and turned into inference input.

#include <algorithm>
#include <cmath>
#include <map>
#include <span>

#include <fmt/format.h>

#include "core/base/excerpt.h"
#include "core/warehouse/aggregate_checks.h"
#include "core/warehouse/aggregate_rows.h"

namespace expt {

namespace {

Result<int64_t> count_of(const AggregateRow& row, double v, std::string_view column) {
  if (!present(v) || v < 0 || v != std::floor(v) || v > 9.007199254740992e15) {
    return Error::invalid(fmt::format("{} must be a whole number of at least 0, got {}", column, v), row.at, std::string(column));
  }
  return static_cast<int64_t>(v);
}

struct Sums {  // added up over the rows of one metric and variant (slices, partitions)
  int64_t n = 0;
  double sum = 0, sum_squares = 0, denominator_sum = 0, denominator_sum_squares = 0, sum_product = 0;
  bool seen = false;
  SourceLocation first;  // the first row, for errors
  int rows = 0;
};

// The numbers a row of `kind` must have (beyond n), and what each is, for the error.
struct Needed {
  const char* column;
  double AggregateRow::*field;
};
constexpr Needed k_metric_needs[] = {{"sum", &AggregateRow::sum}, {"sum_squares", &AggregateRow::sum_squares}};
constexpr Needed k_ratio_needs[] = {{"denominator_sum", &AggregateRow::denominator_sum},
                                    {"denominator_sum_squares", &AggregateRow::denominator_sum_squares},
                                    {"sum_product", &AggregateRow::sum_product}};
constexpr Needed k_covariate_needs[] = {{"sum", &AggregateRow::sum},
                                        {"sum_squares", &AggregateRow::sum_squares},
                                        {"sum_product", &AggregateRow::sum_product}};

Result<void> require(const AggregateRow& r, std::span<const Needed> needs, const std::string& what) {
  for (const Needed& need : needs) {
    if (!present(r.*need.field)) {
      return Error::invalid(fmt::format("the {} row of {} has no {} (an empty or null value is not 0; docs/warehouse.md "
                                        "lists what each kind of row needs)",
                                        r.kind, what, need.column),
                            r.at, need.column);
    }
  }
  return {};
}

std::string describe_rows(const std::string& metric, const std::string& variant, const Sums& s) {
  return fmt::format("metric '{}', variant '{}'{}", metric, variant, s.rows > 1 ? fmt::format(" (its {} rows added up)", s.rows) : "");
}

void add_row_to(Sums& s, const AggregateRow& r, int64_t n) {
  if (!s.seen) s.first = r.at;
  s.seen = true;
  ++s.rows;
  s.n += n;
}

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
  // The metric's and covariate's sums of one variant against what real data satisfies.
  Result<void> check_sums(size_t metric, size_t variant) const;
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
    const std::string what = fmt::format("metric '{}', variant '{}'", spec.key, r.variant);
    if (auto ok = require(r, k_metric_needs, what); !ok) return ok;
    if (spec.type == MetricType::ratio) {
      if (auto ok = require(r, k_ratio_needs, what); !ok) return ok;
    }
    Sums& s = m_sums[m][v];
    add_row_to(s, r, n);
    s.sum += r.sum;
    s.sum_squares += r.sum_squares;
    if (spec.type == MetricType::ratio) {
      s.denominator_sum += r.denominator_sum;
      s.denominator_sum_squares += r.denominator_sum_squares;
      s.sum_product += r.sum_product;
    }
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
  if (auto broken = impossible_percentile(static_cast<double>(n), static_cast<double>(*events), r.value, r.ci_low, r.ci_high)) {
    return Error::invalid(fmt::format("percentile metric '{}', variant '{}': {}", spec.key, r.variant, *broken), r.at, "value");
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
  if (auto ok = require(r, k_covariate_needs, fmt::format("metric '{}', variant '{}'", m_metrics[m].key, r.variant)); !ok) {
    return ok;
  }
  Sums& s = m_covariate_sums[m][v];
  add_row_to(s, r, n);
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

Result<void> Assembler::check_sums(size_t m, size_t v) const {
  const Sums& s = m_sums[m][v];
  const SumsToCheck sums{static_cast<double>(s.n), s.sum, s.sum_squares, s.denominator_sum, s.denominator_sum_squares,
                         s.sum_product};
  if (s.seen) {
    if (auto broken = impossible_metric_sums(m_metrics[m].type, sums)) {
      return Error::invalid(describe_rows(m_metrics[m].key, m_variants[v], s) + ": " + *broken, s.first, "sum");
    }
  }
  const Sums& c = m_covariate_sums[m][v];
  if (c.seen) {
    if (auto broken = impossible_covariate_sums(sums, static_cast<double>(c.n), c.sum, c.sum_squares, c.sum_product)) {
      return Error::invalid("the covariate of " + describe_rows(m_metrics[m].key, m_variants[v], c) + ": " + *broken, c.first,
                            "sum_product");
    }
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
      if (auto ok = check_sums(m, v); !ok) return ok;
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
