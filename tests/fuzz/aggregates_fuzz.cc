// libFuzzer harness: any bytes as an aggregates file (`analyze --aggregates`, and the answer
// `analyze --source` reads from ClickHouse), as CSV and as JSON, assembled for an experiment with
// every metric type, then the whole inference when the statistics are finite. Aborts (a crash
// libFuzzer keeps) when an accepted file yields a negative variance, a conversion outside [0, 1],
// an unordered percentile interval, or a NaN or out-of-range p-value.
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <cstdint>
#include <sstream>
#include <string>

#include "core/analysis/experiment_analysis.h"
#include "core/warehouse/aggregate_rows.h"

namespace {

// A broken promise: abort, so libFuzzer keeps the input as a crash.
void require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "aggregates_fuzz: %s\n", what);
  std::abort();
}

expt::MetricSpec metric(const char* key, expt::MetricType type) {
  expt::MetricSpec m;
  m.key = key;
  m.type = type;
  m.measure = {"buy", expt::Aggregation::sum};
  if (type == expt::MetricType::ratio) m.denominator = expt::EventMeasure{"view", expt::Aggregation::count};
  if (type == expt::MetricType::percentile) m.quantile = 0.9;
  return m;
}

void analyse(const expt::Result<std::vector<expt::AggregateRow>>& rows, bool cuped) {
  if (!rows) return;
  static const std::vector<expt::MetricSpec> metrics = {metric("conv", expt::MetricType::conversion),
                                                         metric("rev", expt::MetricType::mean),
                                                         metric("ratio", expt::MetricType::ratio),
                                                         metric("p90", expt::MetricType::percentile)};
  static const expt::ExperimentSpec experiment = [] {
    expt::ExperimentSpec e;
    e.key = "exp";
    e.variants = {expt::VariantSpec{"control", 5000}, expt::VariantSpec{"treatment", 5000}};
    const expt::MetricRole roles[] = {expt::MetricRole::primary, expt::MetricRole::primary, expt::MetricRole::informational,
                                      expt::MetricRole::guardrail};
    for (size_t i = 0; i < metrics.size(); ++i) e.metrics.push_back(expt::MetricBinding{metrics[i].key, roles[i]});
    e.metrics.back().threshold = 0.1;
    return e;
  }();
  // With `cuped`, `covariate` rows are assembled and the two mean metrics adjusted too.
  const expt::CovariateWindows covariates{cuped ? std::vector<bool>{true, true, false, false} : std::vector<bool>{},
                                          14 * 86'400'000LL};
  auto assembled = expt::assemble_aggregates(*rows, "exp", {"control", "treatment"}, metrics, 0.95, {}, "fuzz", covariates);
  if (!assembled || expt::non_finite_metric(assembled->metrics)) return;
  // What the checks (core/warehouse/aggregate_checks.h) promise of every accepted file: no
  // negative variance, no correlation beyond 1, no conversion outside [0, 1].
  for (const expt::MetricAggregate& m : assembled->metrics) {
    for (const expt::MeanStats& s : m.mean) {
      require(s.m2 >= -1e-6 * (1 + std::abs(s.mean) * std::abs(s.mean) * static_cast<double>(s.n)), "a negative variance was accepted");
      if (m.metric.type == expt::MetricType::conversion && s.n > 0) require(s.mean >= 0 && s.mean <= 1, "a conversion outside [0, 1]");
    }
    for (const expt::RatioStats& r : m.ratio) {
      require(r.m2_x >= -1e-6 * (1 + r.mean_x * r.mean_x * static_cast<double>(r.n)) &&
                  r.m2_y >= -1e-6 * (1 + r.mean_y * r.mean_y * static_cast<double>(r.n)),
              "a ratio's negative variance was accepted");
    }
    for (const expt::QuantileSummary& q : m.quantile_summary) {
      if (q.value && q.ci_low && q.ci_high) require(*q.ci_low <= *q.value && *q.value <= *q.ci_high, "an unordered interval");
    }
  }
  const expt::AnalysisReport report =
      expt::analyze_experiment(experiment, assembled->metrics, assembled->entities, expt::AnalysisOptions{});
  // Every number the report states is a number: NaN is never printed as a p-value.
  for (const expt::MetricResult& m : report.metrics) {
    for (const expt::TreatmentResult& t : m.treatments) {
      for (const std::optional<double>& x : {t.comparison.p_value, t.comparison.difference, t.comparison.difference_se}) {
        require(!x || !std::isnan(*x), "a NaN in the report");
      }
      if (t.comparison.p_value) require(*t.comparison.p_value >= 0 && *t.comparison.p_value <= 1, "a p-value outside [0, 1]");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::istringstream in(text);
  const bool cuped = size > 0 && (data[0] & 1);  // about half the inputs as CUPED analyses
  analyse(expt::read_aggregate_rows_csv(in, "fuzz.csv"), cuped);
  analyse(expt::read_aggregate_rows_json(text, "fuzz.json"), cuped);
  return 0;
}
