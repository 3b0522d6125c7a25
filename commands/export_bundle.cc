#include "commands/export_bundle.h"

#include <ostream>

#include <fmt/format.h>

#include "commands/render.h"
#include "core/registry/bundle_folder.h"
#include "core/registry/bundle_publish.h"

namespace expt {

ExitCode run_export_bundle(const ExportBundleOptions& options, Io& io) {
  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return report(io, registry.error());
  PublishPlan plan;
  const AuditStamp stamp = io.stamp();
  auto published = (*registry)->update([&](const RegistryState& state) -> Result<ChangeSet> {
    plan = plan_bundle_publish(state, stamp);
    return plan.changes;
  });
  if (!published) return report(io, published.error());

  // The registry holds every published bundle; the folder is completed from it, so an export
  // that failed or was killed after publishing is finished by the next one.
  const int64_t version = plan.current.version;
  auto synced = sync_bundle_folder(options.output, version,
                                   [&](int64_t v) { return (*registry)->bundle_document(v); });
  if (!synced) {
    Error error = std::move(synced).error();
    if (plan.is_new) {
      error.message += fmt::format(" (bundle {} is published in the registry; run `expt export bundle` again to "
                                   "write its files)",
                                   version);
    }
    return report(io, error);
  }
  const std::vector<std::string>& written = synced->written;

  if (options.format == OutputFormat::json) {
    print_json(io.out, {{"version", version},
                        {"content_hash", plan.current.content_hash},
                        {"created_at", plan.current.created_at},
                        {"new_version", plan.is_new},
                        {"output", options.output},
                        {"files_written", written}});
    return ExitCode::ok;
  }
  if (plan.is_new) {
    io.out << fmt::format("published bundle {} ({})\n", version, plan.current.content_hash);
  } else {
    io.out << fmt::format("bundle {} is current: nothing changed since it was published at {}\n", version,
                          plan.current.created_at);
  }
  if (written.empty()) {
    io.out << fmt::format("{} is up to date\n", options.output);
  } else {
    for (const std::string& file : written) io.out << "wrote " << file << '\n';
  }
  return ExitCode::ok;
}

}  // namespace expt
