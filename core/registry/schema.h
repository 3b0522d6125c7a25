#pragma once
// The registry's SQL schema as forward migrations. Migration i takes a database from
// `PRAGMA user_version` i to i+1; a released migration is never edited, a change is a new one.

#include <span>
#include <string_view>

namespace expt {

// Every migration in order; the schema version of a fully migrated registry is its size.
std::span<const std::string_view> registry_migrations();

inline int current_schema_version() { return static_cast<int>(registry_migrations().size()); }

}  // namespace expt
