#include "commands/init.h"

#include <ostream>

#include <fmt/format.h>

#include "commands/render/render.h"

namespace expt {

ExitCode run_init(const InitOptions& options, Io& io) {
  auto registry = open_registry(options.registry, OpenMode::create_if_missing, io);
  if (!registry) return report(io, registry.error());
  const OpenInfo& info = (*registry)->open_info();
  std::string outcome = info.created ? "created" : info.migrated_from < info.schema_version ? "migrated" : "unchanged";
  if (options.format == OutputFormat::json) {
    print_json(io.out, nlohmann::json{{"registry", options.registry.path},
                                      {"outcome", outcome},
                                      {"schema_version", info.schema_version},
                                      {"previous_schema_version", info.migrated_from}});
  } else if (info.created) {
    io.out << fmt::format("initialised registry {} (schema version {})\n", options.registry.path, info.schema_version);
  } else if (outcome == "migrated") {
    io.out << fmt::format("migrated registry {} from schema version {} to {}\n", options.registry.path,
                          info.migrated_from, info.schema_version);
  } else {
    io.out << fmt::format("registry {} is already initialised (schema version {}); nothing changed\n",
                          options.registry.path, info.schema_version);
  }
  return ExitCode::ok;
}

}  // namespace expt
