#include "core/warehouse/percentile_bracket.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "core/stats/frequentist.h"
#include "core/warehouse/aggregate_query.h"
#include "core/warehouse/field_sql.h"

namespace expt {

namespace {

// Half-widths the pre-pass offers, as shares of the values; the bracket takes the narrowest that
// is wide enough (below). Wider than 0.2 is not worth a bracket.
constexpr double k_widths[] = {0.01, 0.02, 0.05, 0.1, 0.2};
// Below this many values sorting them all costs nothing worth a second query.
constexpr double k_min_values = 20'000;

std::vector<double> levels_of(double p) {
  std::vector<double> levels;
  // Rounded to 1e-9, so that 0.95 - 0.1 is written as 0.85 and read back as the same level.
  auto rounded = [](double level) { return std::round(level * 1e9) / 1e9; };
  for (double w : k_widths) {
    if (p - w > 0) levels.push_back(rounded(p - w));
    if (p + w < 1) levels.push_back(rounded(p + w));
  }
  std::sort(levels.begin(), levels.end());
  return levels;
}

std::vector<size_t> percentile_metrics(const AggregateQuery& q) {
  std::vector<size_t> out;
  for (size_t i = 0; i < q.metrics.size(); ++i) {
    if (q.metrics[i].type == MetricType::percentile) out.push_back(i);
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  for (size_t start = 0;;) {
    const size_t end = text.find(separator, start);
    out.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// A number of ClickHouse's TSV ("nan" and "inf" included); NaN when it is none.
double number_of(std::string_view text) {
  double v = std::nan("");
  if (text == "inf" || text == "+inf") return std::numeric_limits<double>::infinity();
  if (text == "-inf") return -std::numeric_limits<double>::infinity();
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

}  // namespace

Result<std::string> percentile_bracket_sql(const AggregateQuery& q) {
  const std::vector<size_t> metrics = percentile_metrics(q);
  if (metrics.empty()) return std::string();
  const FieldSql ev(q.events);
  auto type = ev.text("event_type");
  if (!type) return std::move(type).error();
  auto value = ev.value("value");
  if (!value) return std::move(value).error();
  std::string columns, types;
  for (size_t i : metrics) {
    const std::string event_type = sql_string(q.metrics[i].measure.event_type);
    std::string levels;
    for (double level : levels_of(q.metrics[i].quantile)) levels += fmt::format("{}{}", levels.empty() ? "" : ", ", level);
    columns += fmt::format("{}countIf({} = {}), quantilesTDigestIf({})({}, {} = {})", columns.empty() ? "" : ", ", *type, event_type,
                           levels, *value, *type, event_type);
    types += (types.empty() ? "" : ", ") + event_type;
  }
  return fmt::format("SELECT {} FROM {} WHERE {} IN ({}) FORMAT TSV\n", columns, sql_identifier(q.events.name), *type, types);
}

Result<std::map<size_t, PercentileBracket>> percentile_brackets(const AggregateQuery& q, std::string_view answer) {
  std::map<size_t, PercentileBracket> brackets;
  const std::vector<size_t> metrics = percentile_metrics(q);
  while (!answer.empty() && answer.back() == '\n') answer.remove_suffix(1);
  const std::vector<std::string_view> fields = split(answer, '\t');
  if (fields.size() != 2 * metrics.size()) {
    return Error::invalid(fmt::format("the percentile pre-pass answered {} fields, not {}", fields.size(), 2 * metrics.size()));
  }
  const double z = z_critical(q.confidence);
  for (size_t k = 0; k < metrics.size(); ++k) {
    const MetricSpec& m = q.metrics[metrics[k]];
    const double n = number_of(fields[2 * k]);
    std::string_view list = fields[2 * k + 1];
    if (!(n >= k_min_values) || list.size() < 2 || list.front() != '[' || list.back() != ']') continue;
    std::vector<double> quantiles;
    for (std::string_view item : split(list.substr(1, list.size() - 2), ',')) quantiles.push_back(number_of(item));
    const std::vector<double> levels = levels_of(m.quantile);
    if (quantiles.size() != levels.size()) continue;
    // Wide enough for the quantile of each variant (which may differ from the pooled one by a
    // treatment's effect) and its interval: the interval's half-width in ranks is about
    // z·sqrt(p(1-p)/n) times the design effect of entities with many values, allowed up to 16.
    const double p = m.quantile;
    const double needed = 0.01 + 4 * z * std::sqrt(p * (1 - p) / n);
    const double* width = std::find_if(std::begin(k_widths), std::end(k_widths), [&](double w) { return w >= needed; });
    if (width == std::end(k_widths)) continue;
    PercentileBracket bracket;
    for (size_t j = 0; j < levels.size(); ++j) {
      if (std::abs(levels[j] - (p - *width)) < 1e-8) bracket.low = quantiles[j];
      if (std::abs(levels[j] - (p + *width)) < 1e-8) bracket.high = quantiles[j];
    }
    if (std::isnan(bracket.low) || std::isnan(bracket.high) || bracket.low > bracket.high) continue;
    brackets[metrics[k]] = bracket;
  }
  return brackets;
}

}  // namespace expt
