#include "core/analysis/experiment_analysis.h"

#include <cmath>
#include <future>

#include "core/stats/sequential.h"

namespace expt {

namespace {

GuardrailCheck check_guardrail(const Comparison& c, double threshold, ThresholdType type, Direction good) {
  GuardrailCheck g;
  g.threshold = threshold;
  g.threshold_type = type;
  const bool relative = type == ThresholdType::relative;
  std::optional<double> estimate = relative ? c.lift : c.difference;
  std::optional<double> low = relative ? c.lift_ci_low : c.difference_ci_low;
  std::optional<double> high = relative ? c.lift_ci_high : c.difference_ci_high;
  if (!estimate) return g;
  // Orient so that positive is worse.
  const double sign = good == Direction::increase ? -1.0 : 1.0;
  g.degradation = sign * *estimate;
  if (low && high) {
    g.degradation_ci_low = std::min(sign * *low, sign * *high);
    g.degradation_ci_high = std::max(sign * *low, sign * *high);
    g.breached = *g.degradation_ci_low > threshold;
  }
  g.at_risk = !g.breached && *g.degradation > threshold;
  return g;
}

}  // namespace

bool AnalysisReport::guardrail_breached() const {
  for (const MetricResult& m : metrics) {
    for (const TreatmentResult& t : m.treatments) {
      if (t.guardrail && t.guardrail->breached) return true;
    }
  }
  return false;
}

AnalysisReport analyze_experiment(const ExperimentSpec& experiment, const std::vector<MetricAggregate>& aggregates,
                                  const std::vector<int64_t>& entities, const AnalysisOptions& options) {
  AnalysisReport report;
  report.experiment = experiment.key;
  report.options = options;
  report.entities = entities;
  for (const VariantSpec& v : experiment.variants) {
    report.variants.push_back(v.key);
    report.weights.push_back(v.allocation_bps);
  }
  report.srm = sample_ratio_test(entities, report.weights);
  const TestConfig& config = options.test;
  const size_t variants = report.variants.size();

  for (size_t i = 0; i < aggregates.size() && i < experiment.metrics.size(); ++i) {
    const MetricAggregate& a = aggregates[i];
    MetricResult m;
    m.metric = a.metric;
    m.binding = experiment.metrics[i];
    m.good = m.binding.direction.value_or(a.metric.direction);
    const bool adjust = !a.cuped.empty() && (a.metric.type == MetricType::mean || a.metric.type == MetricType::conversion);
    std::vector<MeanStats> means = a.mean;
    if (adjust) {
      CupedAdjustment c = cuped_adjust(a.cuped);
      m.cuped = CupedSummary{c.theta, c.covariate_mean, c.variance_reduction, a.mean};
      means = std::move(c.adjusted);
    }
    std::vector<std::future<VariantEstimate>> selections;  // variants 1.. of a percentile metric, on threads
    if (a.metric.type == MetricType::percentile && a.quantile_summary.empty() && options.threads > 1) {
      for (size_t v = 1; v < variants; ++v) {
        selections.push_back(std::async(v < options.threads ? std::launch::async : std::launch::deferred,
                                        [&a, &config, v] { return estimate_quantile(a.quantile[v], a.metric.quantile, config); }));
      }
    }
    for (size_t v = 0; v < variants; ++v) {
      switch (a.metric.type) {
        case MetricType::conversion:
        case MetricType::mean: m.variants.push_back(estimate_mean(means[v], config)); break;
        case MetricType::ratio: m.variants.push_back(estimate_ratio(a.ratio[v], config)); break;
        case MetricType::percentile:
          m.variants.push_back(!a.quantile_summary.empty() ? estimate_quantile(a.quantile_summary[v], config)
                               : v > 0 && !selections.empty() ? selections[v - 1].get()
                                                              : estimate_quantile(a.quantile[v], a.metric.quantile, config));
          break;
      }
    }
    for (size_t v = 1; v < variants; ++v) {
      TreatmentResult t;
      t.variant = report.variants[v];
      switch (a.metric.type) {
        case MetricType::conversion:
          if (!adjust) {
            t.comparison = conversion_test(a.mean[0], a.mean[v], config);
            t.bayesian = beta_binomial(a.mean[0], a.mean[v], m.good);
            break;
          }
          [[fallthrough]];
        case MetricType::mean:
          t.comparison = welch_test(means[0], means[v], config);
          t.bayesian = normal_approximation(t.comparison, m.good);
          break;
        case MetricType::ratio:
          t.comparison = ratio_test(a.ratio[0], a.ratio[v], config);
          t.bayesian = normal_approximation(t.comparison, m.good);
          break;
        case MetricType::percentile: t.comparison = quantile_test(m.variants[0], m.variants[v], config); break;
      }
      if (options.sequential_tuning) {
        // The entities behind the comparison: for percentiles those with values.
        make_sequential(t.comparison, m.variants[0].n + m.variants[v].n, config.confidence, *options.sequential_tuning);
      }
      if (m.binding.role == MetricRole::guardrail && m.binding.threshold) {
        t.guardrail = check_guardrail(t.comparison, *m.binding.threshold, m.binding.threshold_type, m.good);
      }
      m.treatments.push_back(std::move(t));
    }
    report.metrics.push_back(std::move(m));
  }

  // One family: every primary metric (or every metric) against every treatment.
  std::vector<double> p;
  std::vector<TreatmentResult*> family;
  for (MetricResult& m : report.metrics) {
    if (options.correction_scope == CorrectionScope::primary && m.binding.role != MetricRole::primary) continue;
    for (TreatmentResult& t : m.treatments) {
      if (!t.comparison.p_value) continue;
      p.push_back(*t.comparison.p_value);
      family.push_back(&t);
    }
  }
  std::vector<double> adjusted = adjust_p_values(p, options.correction);
  for (size_t i = 0; i < family.size(); ++i) family[i]->adjusted_p_value = adjusted[i];
  const double alpha = 1 - config.confidence;
  for (MetricResult& m : report.metrics) {
    for (TreatmentResult& t : m.treatments) {
      std::optional<double> decisive = t.adjusted_p_value ? t.adjusted_p_value : t.comparison.p_value;
      t.significant = decisive && *decisive < alpha;
    }
  }
  return report;
}

std::optional<Error> non_finite_metric(const std::vector<MetricAggregate>& aggregates) {
  auto finite = [](std::initializer_list<double> values) {
    for (double v : values) {
      if (!std::isfinite(v)) return false;
    }
    return true;
  };
  for (const MetricAggregate& a : aggregates) {
    bool ok = true;
    for (const MeanStats& m : a.mean) ok = ok && finite({m.mean, m.m2});
    for (const RatioStats& r : a.ratio) ok = ok && finite({r.mean_x, r.mean_y, r.m2_x, r.m2_y, r.c_xy});
    if (!ok) {
      return Error::invalid("metric '" + a.metric.key +
                                "' cannot be analysed: its values are so large that their variance overflows a "
                                "double (beyond about 1e150 per entity); rescale the values",
                            {}, a.metric.key);
    }
  }
  return std::nullopt;
}

}  // namespace expt
