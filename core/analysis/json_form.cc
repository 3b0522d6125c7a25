#include "core/analysis/json_form.h"

namespace expt {

using nlohmann::json;

json number_or_null(const std::optional<double>& value) { return value ? json(*value) : json(nullptr); }

json comparison_summary_json(const TreatmentResult& t) {
  const Comparison& k = t.comparison;
  return json{{"variant", t.variant},
              {"status", to_string(k.status)},
              {"difference", number_or_null(k.difference)},
              {"difference_ci_low", number_or_null(k.difference_ci_low)},
              {"difference_ci_high", number_or_null(k.difference_ci_high)},
              {"lift", number_or_null(k.lift)},
              {"lift_ci_low", number_or_null(k.lift_ci_low)},
              {"lift_ci_high", number_or_null(k.lift_ci_high)},
              {"p_value", number_or_null(k.p_value)},
              {"adjusted_p_value", number_or_null(t.adjusted_p_value)},
              {"significant", t.significant}};
}

}  // namespace expt
