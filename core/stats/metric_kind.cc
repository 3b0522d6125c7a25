#include "core/stats/metric_kind.h"

#include "core/base/name_table.h"

namespace expt {

namespace {
constexpr NameTable<MetricType, 4> k_metric_types{{{MetricType::conversion, "conversion"},
                                                    {MetricType::mean, "mean"},
                                                    {MetricType::ratio, "ratio"},
                                                    {MetricType::percentile, "percentile"}}};
constexpr NameTable<Direction, 2> k_directions{
    {{Direction::increase, "increase"}, {Direction::decrease, "decrease"}}};
constexpr NameTable<MdeType, 2> k_mde_types{{{MdeType::relative, "relative"}, {MdeType::absolute, "absolute"}}};
}  // namespace

std::string_view to_string(MetricType v) { return name_of(k_metric_types, v); }
std::string_view to_string(Direction v) { return name_of(k_directions, v); }
std::string_view to_string(MdeType v) { return name_of(k_mde_types, v); }

std::optional<MetricType> parse_metric_type(std::string_view s) { return value_of(k_metric_types, s); }
std::optional<Direction> parse_direction(std::string_view s) { return value_of(k_directions, s); }
std::optional<MdeType> parse_mde_type(std::string_view s) { return value_of(k_mde_types, s); }

}  // namespace expt
