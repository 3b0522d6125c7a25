// analyze_experiment is a pure function of the sufficient statistics: threads may change when
// its parts run, never what they give.
#include <random>

#include <catch2/catch.hpp>

#include "core/analysis/experiment_analysis.h"

namespace expt {
namespace {

TEST_CASE("percentile estimates are the same bits whether the variants run one after another or at once", "[analysis][threads]") {
  ExperimentSpec experiment;
  experiment.key = "exp";
  for (const char* key : {"control", "a", "b"}) {
    VariantSpec v;
    v.key = key;
    v.allocation_bps = 3333;
    experiment.variants.push_back(v);
  }
  MetricBinding binding;
  binding.metric = "load_p90";
  binding.role = MetricRole::primary;
  experiment.metrics.push_back(binding);

  MetricAggregate aggregate;
  aggregate.metric.key = "load_p90";
  aggregate.metric.type = MetricType::percentile;
  aggregate.metric.quantile = 0.9;
  std::mt19937_64 random(3);
  std::lognormal_distribution<double> load(6.0, 0.5);
  for (int v = 0; v < 3; ++v) {
    QuantileSample sample;
    for (uint32_t i = 0; i < 30000; ++i) sample.add(load(random) * (1.0 + 0.02 * v), i % 7000);
    sample.entities = 7000;
    aggregate.quantile.push_back(std::move(sample));
  }
  const std::vector<int64_t> entities = {7000, 7000, 7000};

  AnalysisOptions options;
  const AnalysisReport one = analyze_experiment(experiment, {aggregate}, entities, options);
  for (unsigned threads : {2u, 3u, 8u}) {
    INFO(threads << " threads");
    options.threads = threads;
    const AnalysisReport many = analyze_experiment(experiment, {aggregate}, entities, options);
    REQUIRE(many.metrics.size() == 1);
    REQUIRE(many.metrics[0].variants.size() == 3);
    for (size_t v = 0; v < 3; ++v) {
      const VariantEstimate& x = one.metrics[0].variants[v];
      const VariantEstimate& y = many.metrics[0].variants[v];
      CHECK(x.n == y.n);
      CHECK(x.events == y.events);
      REQUIRE(y.value);
      CHECK(x.value == y.value);
      CHECK(x.ci_low == y.ci_low);
      CHECK(x.ci_high == y.ci_high);
      CHECK(x.se == y.se);
    }
    // Each variant its own estimate: the treatments' shift shows, in order.
    CHECK(*many.metrics[0].variants[0].value < *many.metrics[0].variants[2].value);
    REQUIRE(many.metrics[0].treatments.size() == 2);
    CHECK(many.metrics[0].treatments[1].comparison.difference == one.metrics[0].treatments[1].comparison.difference);
  }
}

}  // namespace
}  // namespace expt
