#include "commands/export_bundle.h"

#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "commands/render.h"
#include "core/base/atomic_file.h"
#include "core/assign/bundle.h"
#include "core/base/text_file.h"
#include "core/registry/bundle_publish.h"

namespace expt {

namespace fs = std::filesystem;

namespace {

// Writes `text` at `path` unless it already holds exactly that. A published version file with
// other bytes is never overwritten: it would silently change what clients already downloaded.
Result<bool> materialize(const fs::path& path, const std::string& text, bool immutable) {
  auto existing = read_text_file(path.string());  // an error means there is no file yet
  if (existing && *existing == text) return false;
  if (existing && immutable) {
    return Error::conflict(fmt::format("'{}' exists with different content; a published bundle file is never "
                                       "overwritten (was this folder written from another registry?)",
                                       path.string()));
  }
  auto written = write_file_atomically(path.string(), text);
  if (!written) return std::move(written).error();
  return true;
}

}  // namespace

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

  const int64_t version = plan.current.version;
  auto document = (*registry)->bundle_document(version);
  if (!document) return report(io, document.error());
  if (!*document) return report(io, Error::io(fmt::format("bundle {} is missing from the registry", version)));
  std::error_code ec;
  fs::create_directories(options.output, ec);
  if (ec) return report(io, Error::io(fmt::format("cannot create '{}': {}", options.output, ec.message()), options.output));

  std::vector<std::string> written;
  auto write = [&](const std::string& file, const std::string& text, bool immutable) -> Result<void> {
    fs::path path = fs::path(options.output) / file;
    auto wrote = materialize(path, text, immutable);
    if (!wrote) return std::move(wrote).error();
    if (*wrote) written.push_back(path.string());
    return {};
  };
  Result<void> ok = write(fmt::format("bundle-{}.json", version), **document, true);
  if (ok && version > 1) {
    auto previous = (*registry)->bundle_document(version - 1);
    if (!previous) return report(io, previous.error());
    if (*previous) {
      nlohmann::json diff = bundle_diff(nlohmann::json::parse(**previous), nlohmann::json::parse(**document));
      ok = write(fmt::format("diff-{}-{}.json", version - 1, version), canonical_text(diff), true);
    }
  }
  if (ok) ok = write("latest.json", **document, false);
  if (!ok) return report(io, ok.error());

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
