#pragma once
// What inference must know about a metric, apart from where its numbers come from: its type
// (which test and interval apply), the direction that is good for the business, and whether a
// minimum detectable effect is relative or absolute. Specs declare these; stats consumes them.

#include <optional>
#include <string_view>

namespace expt {

enum class MetricType { conversion, mean, ratio, percentile };
enum class Direction { increase, decrease };  // the direction that is good for the business
enum class MdeType { relative, absolute };

std::string_view to_string(MetricType);
std::string_view to_string(Direction);
std::string_view to_string(MdeType);

// Each returns nullopt for a word that is not a value of the enum.
std::optional<MetricType> parse_metric_type(std::string_view);
std::optional<Direction> parse_direction(std::string_view);
std::optional<MdeType> parse_mde_type(std::string_view);

}  // namespace expt
