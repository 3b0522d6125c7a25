// libFuzzer harness: any bytes as an aggregates file (`analyze --aggregates`, and the answer
// `analyze --source` reads from ClickHouse), as CSV and as JSON, assembled for an experiment with
// every metric type, then the whole inference when the statistics are finite.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "core/analysis/experiment_analysis.h"
#include "core/warehouse/aggregate_rows.h"

namespace {

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
  (void)expt::analyze_experiment(experiment, assembled->metrics, assembled->entities, expt::AnalysisOptions{});
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
