#include "commands/export_bundle.h"

#include <ostream>

#include <fmt/format.h>

#include "commands/render/render.h"
#include "core/usecase/bundle_publication.h"

namespace expt {

ExitCode run_export_bundle(const ExportBundleOptions& options, Io& io) {
  if (options.output == "-") {
    return report(io, Error::invalid("--output names a folder: a bundle is several files (bundle-V.json, its diff and "
                                     "latest.json); `expt export bundle --output DIR`, then read DIR/latest.json"));
  }
  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return report(io, registry.error());
  auto published = publish_bundle(**registry, options.output, io.stamp());
  if (!published) return report(io, published.error());
  const BundleInfo& current = published->current;
  const int64_t version = current.version;
  const std::vector<std::string>& written = published->written;

  if (options.format == OutputFormat::json) {
    print_json(io.out, {{"version", version},
                        {"content_hash", current.content_hash},
                        {"created_at", current.created_at},
                        {"new_version", published->is_new},
                        {"output", options.output},
                        {"files_written", written}});
    return ExitCode::ok;
  }
  if (published->is_new) {
    io.out << fmt::format("published bundle {} ({})\n", version, current.content_hash);
  } else {
    io.out << fmt::format("bundle {} is current: nothing changed since it was published at {}\n", version,
                          current.created_at);
  }
  if (written.empty()) {
    io.out << fmt::format("{} is up to date\n", options.output);
  } else {
    for (const std::string& file : written) io.out << "wrote " << file << '\n';
  }
  return ExitCode::ok;
}

}  // namespace expt
