#pragma once
// Inference for one experiment, from per-variant sufficient statistics (core/ingest/event_aggregator.h
// produces them from CSV; a warehouse query could equally). Pure: every treatment against the
// control (the first variant) for each bound metric, Bayesian read-outs, multiple-testing
// correction over primary (or all) metrics x treatments, guardrail verdicts and the sample ratio check.

#include <optional>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/ingest/event_aggregator.h"
#include "core/spec/spec.h"
#include "core/stats/bayesian.h"
#include "core/stats/corrections.h"
#include "core/stats/cuped.h"
#include "core/stats/frequentist.h"
#include "core/stats/srm.h"

namespace expt {

struct AnalysisOptions {
  TestConfig test;
  Correction correction = Correction::holm;
  CorrectionScope correction_scope = CorrectionScope::primary;
  // Set: always-valid intervals and p-values (core/stats/sequential.h) with this tuning N*.
  std::optional<double> sequential_tuning;
  // Set when some metric's aggregate carries CUPED pairs: the covariate window they came from
  // (for the report; the adjustment itself needs only the pairs).
  std::optional<double> cuped_window_days;
  // From 2: the variants' percentile estimates, each a selection among all of a variant's values,
  // run at once, one per thread (the same bits as one after another).
  unsigned threads = 1;
};

// A guardrail's verdict for one treatment. Degradation is measured in the threshold's units
// (relative lift, or metric units) and is positive when the treatment is worse. A breach is an
// interval that lies entirely beyond the threshold on the bad side; "at risk" a point estimate
// beyond it whose interval still reaches acceptable values.
struct GuardrailCheck {
  double threshold = 0;
  ThresholdType threshold_type = ThresholdType::relative;
  std::optional<double> degradation;
  std::optional<double> degradation_ci_low;
  std::optional<double> degradation_ci_high;
  bool breached = false;
  bool at_risk = false;
};

struct TreatmentResult {
  std::string variant;
  Comparison comparison;
  BayesianResult bayesian;
  std::optional<double> adjusted_p_value;  // metrics in the correction's family
  std::optional<GuardrailCheck> guardrail;  // guardrail metrics
  bool significant = false;  // (adjusted, for primaries) p below 1 - confidence
};

// What CUPED did to one metric (core/stats/cuped.h): its theta, the covariate's mean, and the
// share of variance removed.
struct CupedSummary {
  double theta = 0;
  double covariate_mean = 0;
  std::optional<double> variance_reduction;
  std::vector<MeanStats> unadjusted;  // per variant, for the report's "before" values
};

struct MetricResult {
  MetricSpec metric;
  MetricBinding binding;
  Direction good = Direction::increase;
  std::optional<CupedSummary> cuped;  // set when the metric was adjusted
  std::vector<VariantEstimate> variants;      // per variant, control first
  std::vector<TreatmentResult> treatments;   // per variant but the control
};

struct AnalysisReport {
  std::string experiment;
  std::vector<std::string> variants;
  std::vector<double> weights;
  std::vector<int64_t> entities;  // exposed entities per variant
  SrmResult srm;
  std::vector<MetricResult> metrics;
  AnalysisOptions options;

  bool guardrail_breached() const;
};

// An error naming the first metric whose statistics are not finite, which happens only when its
// values are so large (beyond about 1e150) that squared deviations overflow a double; nullopt
// when every metric can be analysed. Check before analyze_experiment().
std::optional<Error> non_finite_metric(const std::vector<MetricAggregate>& aggregates);

// `aggregates` are aligned with experiment.metrics (the bindings), one per binding. A mean or
// conversion metric whose aggregate carries CUPED pairs is analysed on the adjusted values: its
// estimates and comparisons (Welch's test, also for conversions, whose adjusted values are not
// 0/1; normal Bayesian read-out) are those of Y' = Y - theta (X - mean X).
AnalysisReport analyze_experiment(const ExperimentSpec& experiment, const std::vector<MetricAggregate>& aggregates,
                                  const std::vector<int64_t>& entities, const AnalysisOptions& options);

}  // namespace expt
