#include "core/warehouse/field_sql.h"

#include <fmt/format.h>

#include "core/base/excerpt.h"

namespace expt {

namespace {

// "Nullable(LowCardinality(String))" -> "String"; whether it was nullable.
std::string base_type(std::string type, bool& nullable) {
  nullable = false;
  for (;;) {
    if (type.starts_with("Nullable(") && type.ends_with(")")) {
      nullable = true;
      type = type.substr(9, type.size() - 10);
    } else if (type.starts_with("LowCardinality(") && type.ends_with(")")) {
      type = type.substr(15, type.size() - 16);
    } else {
      return type;
    }
  }
}

bool is_integer_type(const std::string& t) { return t.starts_with("Int") || t.starts_with("UInt"); }
bool is_number_type(const std::string& t) {
  return is_integer_type(t) || t.starts_with("Float") || t.starts_with("Decimal");
}

}  // namespace

Result<FieldSql::Column> FieldSql::column(std::string_view field, bool required) const {
  auto renamed = m_table.columns.renames.find(field);
  Column c;
  c.name = renamed != m_table.columns.renames.end() ? renamed->second : std::string(field);
  if (m_table.described && !m_table.types.contains(c.name)) {
    if (!required && renamed == m_table.columns.renames.end()) return Column{};
    std::string have;
    for (const auto& [column, type] : m_table.types) have += (have.empty() ? "" : ", ") + column;
    return Error::invalid(fmt::format("table {} has no column '{}'{} (its columns: {})", excerpt(m_table.name), excerpt(c.name),
                                      renamed != m_table.columns.renames.end() ? fmt::format(" (mapped from {})", field) : "",
                                      have),
                          SourceLocation{excerpt(m_table.name)}, std::string(field));
  }
  c.id = sql_identifier(c.name);
  if (auto it = m_table.types.find(c.name); it != m_table.types.end()) c.type = base_type(it->second, c.nullable);
  return c;
}

Result<std::string> FieldSql::text(std::string_view field) const {
  auto c = column(field);
  if (!c) return std::move(c).error();
  const std::string& id = c->id;
  if (c->type.empty() || c->type == "String" || c->type.starts_with("FixedString")) return c->nullable ? "ifNull(" + id + ", '')" : id;
  return c->nullable ? "ifNull(toString(" + id + "), '')" : "toString(" + id + ")";
}

Result<std::string> FieldSql::timestamp(std::string_view field) const {
  auto c = column(field);
  if (!c) return std::move(c).error();
  const std::string& id = c->id;
  const std::string& type = c->type;
  if (type.empty()) {
    // DateTime, DateTime64 and epoch integers each need their own SQL, and a wrong guess
    // counts other events without failing.
    return Error::invalid(fmt::format("the type of column '{}' of table {} is not known, and the query differs for each "
                                      "timestamp type: read it from the server (--source clickhouse://...) or name it "
                                      "(--timestamp-type DateTime, DateTime64(3), Int64, ...; docs/warehouse.md)",
                                      excerpt(c->name), excerpt(m_table.name)),
                          SourceLocation{excerpt(m_table.name)}, std::string(field));
  }
  if (type.starts_with("DateTime") && !type.starts_with("DateTime64")) return "toInt64(toUInt32(" + id + ")) * 1000";
  if (type.starts_with("DateTime64")) return "toInt64(toUnixTimestamp64Milli(" + id + "))";
  if (type == "Date") return "toInt64(toUInt32(toDateTime(" + id + "))) * 1000";
  if (is_integer_type(type)) {
    // Epoch seconds or milliseconds, told apart as the CSV reader does: 12 digits or more is ms.
    return "if(abs(toInt64(" + id + ")) < 100000000000, toInt64(" + id + ") * 1000, toInt64(" + id + "))";
  }
  return Error::invalid(fmt::format("column '{}' of table {} is {}; a timestamp must be DateTime, DateTime64, "
                                    "Date or an integer of epoch seconds or milliseconds",
                                    excerpt(c->name), excerpt(m_table.name), excerpt(type)),
                        SourceLocation{excerpt(m_table.name)}, std::string(field));
}

Result<std::string> FieldSql::value(std::string_view field) const {
  auto c = column(field, /*required=*/false);
  if (!c) return std::move(c).error();
  if (c->name.empty()) return std::string("toFloat64(1)");
  if (!c->type.empty() && !is_number_type(c->type)) {
    return Error::invalid(fmt::format("column '{}' of table {} is {}; a value must be a number (Float64, "
                                      "Nullable(Float64), an integer or a Decimal)",
                                      excerpt(c->name), excerpt(m_table.name), excerpt(c->type)),
                          SourceLocation{excerpt(m_table.name)}, std::string(field));
  }
  return "ifNull(toFloat64(" + c->id + "), 1)";
}

}  // namespace expt
