#include "core/assign/experiment_type.h"

#include "core/base/name_table.h"

namespace expt {

namespace {
constexpr NameTable<ExperimentType, 4> k_experiment_types{{{ExperimentType::ab, "ab"},
                                                            {ExperimentType::multivariate, "multivariate"},
                                                            {ExperimentType::holdout, "holdout"},
                                                            {ExperimentType::rollout, "rollout"}}};
}  // namespace

std::string_view to_string(ExperimentType v) { return name_of(k_experiment_types, v); }
std::optional<ExperimentType> parse_experiment_type(std::string_view s) { return value_of(k_experiment_types, s); }

}  // namespace expt
