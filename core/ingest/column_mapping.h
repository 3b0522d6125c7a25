#pragma once
// Which CSV column holds each field an input needs. Exports from real warehouses rarely use our
// names, so a mapping renames them: "entity_id=user,event_type=name" reads the entity ID from
// the column `user` and the event type from `name`.

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/error.h"
#include "core/ingest/csv_reader.h"

namespace expt {

// The fields of the two inputs, as mappings name them.
inline constexpr std::string_view k_event_field_names[] = {"event_id", "entity_id", "event_type", "timestamp", "value"};
inline constexpr std::string_view k_exposure_field_names[] = {"entity_id", "experiment", "variant", "timestamp"};

struct ColumnMapping {
  std::map<std::string, std::string, std::less<>> renames;  // field -> column name in the file
};

// Parses "field=column,field=column". Errors name `flag`: a pair without '=', an unknown field
// (with a suggestion), a field mapped twice.
Result<ColumnMapping> parse_column_mapping(std::string_view text, std::span<const std::string_view> fields,
                                           std::string_view flag);

struct ColumnField {
  std::string_view name;
  bool required = true;
};

// The column index of each field in `header` (-1 for an absent optional field). Error at
// file:1:1: a required column is missing; the message names the column looked for (and the
// mapping that renamed it) and the columns the header has.
Result<std::vector<int>> resolve_columns(std::span<const std::string_view> header, std::span<const ColumnField> fields,
                                         const ColumnMapping& mapping, const std::string& file);

struct HeaderColumns {
  std::vector<int> index;  // per field, as resolve_columns
  size_t needed = 0;       // fields a data row must have to hold every mapped column
};

// Reads the header row of `reader` and resolves `fields` in it. Errors: an empty input, broken
// quoting, a missing required column.
Result<HeaderColumns> read_header(CsvReader& reader, std::span<const ColumnField> fields, const ColumnMapping& mapping);

}  // namespace expt
