#pragma once
// The registry's SQL schema as forward migrations. Migration i takes a database from
// `PRAGMA user_version` i to i+1; a released migration is never edited, a change is a new one.

#include <span>
#include <string_view>

namespace expt {

// Every migration in order; the schema version of a fully migrated registry is its size.
std::span<const std::string_view> registry_migrations();

// PRAGMA application_id of a registry: "EXPT" as a big-endian 32-bit number (schema 3 on).
inline constexpr int k_registry_application_id = 0x45585054;

// The tables of every schema version; a file with application_id 0 is taken for an older
// registry only when it has them all.
inline constexpr std::string_view k_registry_tables[] = {"settings", "namespaces", "metrics", "experiments",
                                                         "variants", "audit_log"};

inline int current_schema_version() { return static_cast<int>(registry_migrations().size()); }

}  // namespace expt
