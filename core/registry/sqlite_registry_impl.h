#pragma once
// Private to core/registry/sqlite_registry*.cc: the SQLite registry's implementation object and
// the helpers its row readers and writers share. Nothing else includes it.

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <map>
#include <optional>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "core/registry/sqlite_registry.h"

namespace expt {
namespace sqlite_detail {

using nlohmann::json;

inline constexpr int k_busy_timeout_ms = 10000;

// Thrown inside this file only, when stored data does not read back; caught at the interface.
struct CorruptRegistry {
  std::string message;
};

inline std::string text_or_empty(const SQLite::Column& c) { return c.isNull() ? std::string() : c.getString(); }

inline json parse_json_column(const SQLite::Column& c, std::string_view what) {
  json j = json::parse(c.getString(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw CorruptRegistry{fmt::format("stored {} is not valid JSON", what)};
  return j;
}

template <typename E>
E parse_enum_column(const SQLite::Column& c, std::optional<E> (*parse)(std::string_view), std::string_view what) {
  std::string s = c.getString();
  auto v = parse(s);
  if (!v) throw CorruptRegistry{fmt::format("stored {} '{}' is not known to this expt", what, s)};
  return *v;
}

// "table 'experiments', key 'checkout-cta'", or with the owning row's id for child tables.
inline std::string describe_row(const char* table, const SQLite::Column& key, const std::optional<SQLite::Column>& owner = {}) {
  std::string text = fmt::format("table '{}', key '{}'", table, key.isNull() ? std::string("NULL") : key.getString());
  if (owner) text += fmt::format(" of experiment id {}", owner->getString());
  return text;
}

inline std::optional<std::string> nonempty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

inline void bind_optional(SQLite::Statement& st, int index, const std::optional<std::string>& v) {
  if (v) {
    st.bind(index, *v);
  } else {
    st.bind(index);
  }
}

inline void insert_audit(SQLite::Database& db, const AuditEntry& e) {
  SQLite::Statement st(db,
                       "INSERT INTO audit_log (at, actor, action, entity_kind, entity_key, details) "
                       "VALUES (?, ?, ?, ?, ?, ?)");
  st.bind(1, e.at);
  st.bind(2, e.actor);
  st.bind(3, e.action);
  st.bind(4, e.entity_kind);
  st.bind(5, e.entity_key);
  st.bind(6, e.details.dump());
  st.exec();
}

}  // namespace sqlite_detail

struct SqliteRegistry::Impl {
  explicit Impl(const std::string& path, int flags) : db(path, flags, sqlite_detail::k_busy_timeout_ms) {}
  SQLite::Database db;

  RegistryState load(const ReadScope& scope = {});
  RegistryState load_rows(const ReadScope& scope);
  void write(const ChangeSet& changes);
  std::string row;  // the row being read, for messages about damaged data
  std::string read_only_reason;  // why the file was opened read-only; empty when writable

 private:
  void load_namespaces(RegistryState& state);
  void load_metrics(RegistryState& state);
  // The SQL condition on experiments `e` that keeps `scope`'s, or "" for all of them (also when
  // a named key does not exist).
  std::string scope_filter(const ReadScope& scope);
  void load_experiments(RegistryState& state, const std::string& filter);
  void write_experiment(const ExperimentRecord& record);
  int64_t id_of(const char* table, const std::string& key);
};

}  // namespace expt
