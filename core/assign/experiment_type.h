#pragma once
// The four kinds of experiment, which decide how an entity in an experiment's slots is
// assigned: ab and multivariate split all traffic, a rollout serves its one variant to a
// fraction, a holdout serves the namespace default.

#include <optional>
#include <string_view>

namespace expt {

enum class ExperimentType { ab, multivariate, holdout, rollout };

std::string_view to_string(ExperimentType);
// nullopt for a word that is not an experiment type.
std::optional<ExperimentType> parse_experiment_type(std::string_view);

}  // namespace expt
