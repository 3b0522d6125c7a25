#include "commands/power.h"

#include <cmath>
#include <ostream>

#include <fmt/format.h>

#include "commands/render/render.h"
#include "core/spec/plan_check.h"

namespace expt {

namespace {

ExitCode run_plan_check(const PowerOptions& options, Io& io) {
  auto context = read_experiment(options.registry, options.experiment, io);
  if (!context) return report(io, context.error());
  const RegistryState& state = context->state;
  const ExperimentRecord* e = &context->experiment();
  if (!e->spec.plan) return report(io, Error::invalid(fmt::format("experiment '{}' has no plan: block", e->spec.key)));
  const MetricRecord* metric = state.find_metric(e->spec.plan->metric);
  const NamespaceRecord* ns = state.find_namespace(e->spec.namespace_key);
  if (metric == nullptr || ns == nullptr) return report(io, Error::not_found("the plan's metric or namespace is missing"));
  auto slots = requested_slot_count(e->spec.traffic, ns->spec.total_slots);
  if (e->slots) slots = e->slots->size();
  const uint32_t holdout = state.global_holdout ? state.global_holdout->spec.percent_bps : 0;
  auto check = check_plan(e->spec, metric->spec, slots.value_or(0), ns->spec.total_slots, holdout);
  if (!check) return report(io, check.error());
  if (options.format == OutputFormat::json) {
    print_json(io.out, {{"experiment", e->spec.key},
                        {"entities_in_experiment", check->entities_in_experiment},
                        {"control_n", check->control_n},
                        {"treatment_n", check->treatment_n},
                        {"required_control_n", check->required_control_n},
                        {"reachable_mde_relative", check->reachable.relative},
                        {"reachable_mde_absolute", check->reachable.absolute},
                        {"reaches_mde", check->reaches_mde}});
  } else {
    io.out << check->explanation << '\n' << (check->reaches_mde ? "the plan reaches its MDE\n" : "the plan does NOT reach its MDE\n");
  }
  return check->reaches_mde ? ExitCode::ok : ExitCode::check_failed;
}

}  // namespace

ExitCode run_power(const PowerOptions& options, Io& io) {
  if (!options.experiment.empty()) return run_plan_check(options, io);
  auto type = parse_metric_type(options.metric_type);
  if (!type || (*type != MetricType::conversion && *type != MetricType::mean)) {
    return report(io, Error::invalid(fmt::format("--metric-type must be conversion or mean, got '{}'", options.metric_type)));
  }
  auto mde_type = parse_mde_type(options.mde_type);
  if (!mde_type) {
    return report(io, Error::invalid(fmt::format("--mde-type must be relative or absolute, got '{}'", options.mde_type)));
  }
  if (!options.baseline) return report(io, Error::invalid("--baseline is required (a rate for conversion, a mean for mean)"));
  if (!options.mde && !options.sample_size) {
    return report(io, Error::invalid("missing --mde or --sample-size: give --mde to get the sample size needed, or "
                                     "--sample-size to get the smallest detectable effect"));
  }
  if (options.mde && options.sample_size) {
    return report(io, Error::invalid("give --mde (to get the sample size) or --sample-size (to get the MDE), not both"));
  }
  PowerQuestion q{*type, *options.baseline, options.std_dev, options.alpha, options.power, options.ratio};
  if (options.mde) {
    auto n = required_sample_size(q, *options.mde, *mde_type);
    if (!n) return report(io, n.error());
    auto effect = effect_of(q, *options.mde, *mde_type);
    const double control = whole_entities(*n), treatment = whole_entities(*n * options.ratio);
    if (options.format == OutputFormat::json) {
      print_json(io.out, {{"control_n", control},
                          {"treatment_n", treatment},
                          {"total_n", control + treatment},
                          {"exact_control_n", *n},
                          {"mde_absolute", effect->absolute},
                          {"mde_relative", effect->relative},
                          {"standardized_effect", effect->standardized}});
    } else {
      io.out << fmt::format("to detect {:+.4g} ({:+.3g}% relative) at alpha {} with power {}:\n", effect->absolute,
                            effect->relative * 100, options.alpha, options.power);
      io.out << fmt::format("  {:.0f} entities in control, {:.0f} in each treatment ({:.0f} for one treatment)\n", control,
                            treatment, control + treatment);
    }
    return ExitCode::ok;
  }
  auto effect = minimum_detectable_effect(q, *options.sample_size);
  if (!effect) return report(io, effect.error());
  if (options.format == OutputFormat::json) {
    print_json(io.out, {{"control_n", *options.sample_size},
                        {"mde_absolute", effect->absolute},
                        {"mde_relative", effect->relative},
                        {"standardized_effect", effect->standardized}});
  } else {
    io.out << fmt::format("with {:.0f} entities in control and {:.0f} in treatment, at alpha {} with power {}:\n",
                          *options.sample_size, *options.sample_size * options.ratio, options.alpha, options.power);
    io.out << fmt::format("  minimum detectable effect {:+.4g} ({:+.3g}% relative)\n", effect->absolute,
                          effect->relative * 100);
  }
  return ExitCode::ok;
}

}  // namespace expt
