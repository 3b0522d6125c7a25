#include "core/warehouse/aggregate_rows.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <span>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/base/csv_field.h"
#include "core/base/excerpt.h"
#include "core/ingest/csv_reader.h"
#include "core/warehouse/aggregate_checks.h"

namespace expt {

namespace {

constexpr double k_absent = std::numeric_limits<double>::quiet_NaN();

struct NumberColumn {
  std::string_view name;
  double AggregateRow::*field;
};
constexpr NumberColumn k_numbers[] = {
    {"n", &AggregateRow::n},
    {"sum", &AggregateRow::sum},
    {"sum_squares", &AggregateRow::sum_squares},
    {"denominator_sum", &AggregateRow::denominator_sum},
    {"denominator_sum_squares", &AggregateRow::denominator_sum_squares},
    {"sum_product", &AggregateRow::sum_product},
    {"events", &AggregateRow::events},
    {"value", &AggregateRow::value},
    {"ci_low", &AggregateRow::ci_low},
    {"ci_high", &AggregateRow::ci_high},
    {"confidence", &AggregateRow::confidence},
};
struct TextColumn {
  std::string_view name;
  std::string AggregateRow::*field;
  bool required;
};
constexpr TextColumn k_texts[] = {
    {"experiment", &AggregateRow::experiment, false}, {"kind", &AggregateRow::kind, true},
    {"metric", &AggregateRow::metric, false},         {"variant", &AggregateRow::variant, false},
    {"name", &AggregateRow::name, false},             {"day", &AggregateRow::day, false},
};

std::optional<double> parse_number(std::string_view text) {
  if (text.empty() || text == "\\N" || text == "nan" || text == "NaN" || text == "null" || text == "NULL") return k_absent;
  double v = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (*begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, v);
  if (ec != std::errc() || ptr != end || std::isinf(v)) return std::nullopt;
  return v;
}

// Every number absent until a column gives it: a missing sum must not read as 0.
AggregateRow empty_row() {
  AggregateRow row;
  for (const NumberColumn& c : k_numbers) row.*c.field = k_absent;
  return row;
}

}  // namespace

Result<std::vector<AggregateRow>> read_aggregate_rows_csv(std::istream& in, const std::string& name) {
  CsvReader reader(in, name);
  std::vector<std::string_view> fields;
  auto header = reader.next(fields);
  if (!header) return std::move(header).error();
  if (!*header) return Error::invalid("the aggregates file is empty; it needs a header row", SourceLocation{name, 1, 1});
  std::map<std::string, size_t, std::less<>> index;
  for (size_t i = 0; i < fields.size(); ++i) index.emplace(std::string(fields[i]), i);
  for (const TextColumn& c : k_texts) {
    if (c.required && !index.contains(c.name)) {
      return Error::invalid(fmt::format("the aggregates have no '{}' column (docs/warehouse.md lists the columns)", c.name),
                            SourceLocation{name, 1, 1}, std::string(c.name));
    }
  }
  if (!index.contains("n")) {
    return Error::invalid("the aggregates have no 'n' column (docs/warehouse.md lists the columns)", SourceLocation{name, 1, 1}, "n");
  }
  std::vector<AggregateRow> rows;
  for (;;) {
    auto more = reader.next(fields);
    if (!more) return std::move(more).error();
    if (!*more) break;
    if (fields.size() == 1 && fields[0].empty()) continue;  // a blank line
    AggregateRow row = empty_row();
    row.at = SourceLocation{name, static_cast<int>(reader.line()), 1};
    for (const TextColumn& c : k_texts) {
      auto it = index.find(c.name);
      if (it != index.end() && it->second < fields.size()) row.*c.field = std::string(fields[it->second]);
    }
    for (const NumberColumn& c : k_numbers) {
      auto it = index.find(c.name);
      if (it == index.end() || it->second >= fields.size()) continue;
      auto v = parse_number(fields[it->second]);
      if (!v) {
        return Error::invalid(fmt::format("{} '{}' is not a number", c.name, excerpt(fields[it->second])),
                              SourceLocation{name, static_cast<int>(reader.line()), reader.column(it->second)},
                              std::string(c.name));
      }
      row.*c.field = *v;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<AggregateRow>> read_aggregate_rows_json(std::string_view text, const std::string& name) {
  nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) return Error::invalid("the aggregates are not valid JSON", SourceLocation{name});
  if (doc.is_object() && doc.contains("data")) doc = doc["data"];
  if (!doc.is_array()) {
    return Error::invalid("the aggregates must be a JSON array of rows, or ClickHouse's FORMAT JSON answer", SourceLocation{name});
  }
  std::vector<AggregateRow> rows;
  for (size_t i = 0; i < doc.size(); ++i) {
    const nlohmann::json& object = doc[i];
    const std::string where = fmt::format("[{}]", i);
    if (!object.is_object()) return Error::invalid("each row must be a JSON object", SourceLocation{name}, where);
    AggregateRow row = empty_row();
    row.at = SourceLocation{name, static_cast<int>(i + 1), 0};
    for (const TextColumn& c : k_texts) {
      auto it = object.find(std::string(c.name));
      if (it == object.end() || it->is_null()) {
        if (c.required) return Error::invalid(fmt::format("row has no '{}'", c.name), SourceLocation{name}, where + "." + std::string(c.name));
        continue;
      }
      if (!it->is_string()) return Error::invalid(fmt::format("'{}' must be a string", c.name), SourceLocation{name}, where + "." + std::string(c.name));
      row.*c.field = it->get<std::string>();
    }
    for (const NumberColumn& c : k_numbers) {
      auto it = object.find(std::string(c.name));
      if (it == object.end() || it->is_null()) continue;
      std::optional<double> v;
      if (it->is_number()) v = it->get<double>();
      if (it->is_string()) v = parse_number(it->get_ref<const std::string&>());
      if (!v) return Error::invalid(fmt::format("'{}' is not a number", c.name), SourceLocation{name}, where + "." + std::string(c.name));
      row.*c.field = *v;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

nlohmann::json aggregate_rows_json(const std::vector<AggregateRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const AggregateRow& row : rows) {
    nlohmann::json j = nlohmann::json::object();
    for (const TextColumn& c : k_texts) {
      if (c.name != "day" || !row.day.empty()) j[std::string(c.name)] = row.*c.field;
    }
    for (const NumberColumn& c : k_numbers) {
      const double v = row.*c.field;
      j[std::string(c.name)] = present(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
    }
    out.push_back(std::move(j));
  }
  return out;
}

std::string aggregate_rows_csv(const std::vector<AggregateRow>& rows) {
  std::string out;
  for (const TextColumn& c : k_texts) out += std::string(c.name) + ",";
  for (const NumberColumn& c : k_numbers) out += std::string(c.name) + ",";
  out.back() = '\n';
  for (const AggregateRow& row : rows) {
    for (const TextColumn& c : k_texts) {
      append_csv_field(out, row.*c.field);
      out += ',';
    }
    for (const NumberColumn& c : k_numbers) {
      const double v = row.*c.field;
      out += (present(v) ? fmt::format("{:.17g}", v) : std::string()) + ",";
    }
    out.back() = '\n';
  }
  return out;
}

}  // namespace expt
