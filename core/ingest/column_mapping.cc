#include "core/ingest/column_mapping.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/base/edit_distance.h"

namespace expt {

Result<ColumnMapping> parse_column_mapping(std::string_view text, std::span<const std::string_view> fields,
                                           std::string_view flag) {
  ColumnMapping mapping;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    size_t comma = text.find(',', start);
    std::string_view pair = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == pair.size()) {
      return Error::invalid(fmt::format("{}: '{}' is not field=column", flag, pair), {}, std::string(flag));
    }
    std::string_view field = pair.substr(0, eq);
    if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
      std::string known;
      for (std::string_view f : fields) known += (known.empty() ? "" : ", ") + std::string(f);
      return Error::invalid(
          fmt::format("{}: unknown field '{}'{}; fields: {}", flag, field, did_you_mean(field, fields), known), {},
          std::string(flag));
    }
    if (!mapping.renames.emplace(std::string(field), std::string(pair.substr(eq + 1))).second) {
      return Error::invalid(fmt::format("{}: field '{}' is mapped twice", flag, field), {}, std::string(flag));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return mapping;
}

Result<std::vector<int>> resolve_columns(std::span<const std::string_view> header, std::span<const ColumnField> fields,
                                         const ColumnMapping& mapping, const std::string& file) {
  std::vector<int> indexes;
  for (const ColumnField& field : fields) {
    auto renamed = mapping.renames.find(field.name);
    std::string_view column = renamed == mapping.renames.end() ? field.name : std::string_view(renamed->second);
    auto it = std::find(header.begin(), header.end(), column);
    if (it == header.end()) {
      if (!field.required) {
        indexes.push_back(-1);
        continue;
      }
      std::string columns;
      for (std::string_view h : header) columns += (columns.empty() ? "" : ", ") + std::string(h);
      std::string looked_for = renamed == mapping.renames.end()
                                   ? fmt::format("column '{}'", column)
                                   : fmt::format("column '{}' (mapped from {})", column, field.name);
      return Error::invalid(fmt::format("no {} in the header; columns: {}", looked_for, columns),
                            SourceLocation{file, 1, 1}, std::string(field.name));
    }
    indexes.push_back(static_cast<int>(it - header.begin()));
  }
  return indexes;
}

}  // namespace expt

namespace expt {

Result<HeaderColumns> read_header(CsvReader& reader, std::span<const ColumnField> fields, const ColumnMapping& mapping) {
  std::vector<std::string_view> header;
  auto read = reader.next(header);
  if (!read) return std::move(read).error();
  if (!*read) return Error::invalid("empty file: expected a header row", SourceLocation{reader.file(), 1, 1});
  auto columns = resolve_columns(header, fields, mapping, reader.file());
  if (!columns) return std::move(columns).error();
  HeaderColumns result;
  result.index = std::move(*columns);
  result.needed = static_cast<size_t>(*std::max_element(result.index.begin(), result.index.end())) + 1;
  return result;
}

}  // namespace expt
