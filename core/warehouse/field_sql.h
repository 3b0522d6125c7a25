#pragma once
// SQL expressions for one warehouse table's fields, each of a fixed type whatever the column's:
// String for IDs and names, Int64 milliseconds since the epoch for timestamps, Float64 for values
// (a null or absent value counts 1, as an empty CSV field does). Errors name the table and column:
// a field without a column, a type that cannot hold it, a timestamp of unknown type.

#include <string>
#include <string_view>

#include "core/base/error.h"
#include "core/warehouse/aggregate_query.h"

namespace expt {

class FieldSql {
 public:
  explicit FieldSql(const WarehouseTable& table) : m_table(table) {}

  struct Column {
    std::string name;  // empty: an optional field whose column the table lacks
    std::string id;    // quoted for SQL
    std::string type;  // without Nullable/LowCardinality; empty when the table is not described
    bool nullable = false;
  };

  // The column for `field`, with its type. Error: the table is described and lacks it (an
  // optional field may be absent, unless the mapping names its column).
  Result<Column> column(std::string_view field, bool required = true) const;
  Result<std::string> text(std::string_view field) const;
  // Milliseconds since the epoch, the precision of the CSV path.
  Result<std::string> timestamp(std::string_view field) const;
  // The event value; null, like an empty CSV field, counts as 1, and so does an absent column.
  Result<std::string> value(std::string_view field) const;

 private:
  const WarehouseTable& m_table;
};

}  // namespace expt
