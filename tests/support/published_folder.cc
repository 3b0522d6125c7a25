#include "tests/support/published_folder.h"

#include <stdexcept>

#include "core/assign/bundle.h"
#include "core/plan/bundle_publish.h"
#include "core/registry/bundle_folder.h"
#include "tests/support/fixture_registry.h"

namespace expt::testing {

namespace {

// The registry with the first `stopped` running experiments stopped.
nlohmann::json content_with_stopped(size_t stopped) {
  RegistryState state = running_fixture_registry();
  size_t done = 0;
  for (ExperimentRecord& e : state.experiments) {
    if (done == stopped) break;
    if (e.status != ExperimentStatus::running) continue;
    e.status = ExperimentStatus::stopped;
    ++done;
  }
  return bundle_content(state);
}

}  // namespace

PublishedFolder::PublishedFolder(int versions) {
  for (int v = 0; v < versions; ++v) publish();
}

std::string PublishedFolder::text(int64_t version) const { return canonical_text(document(version)); }

int64_t PublishedFolder::publish() {
  const auto version = static_cast<int64_t>(m_documents.size()) + 1;
  m_documents.push_back(bundle_document(content_with_stopped(m_documents.size()), version, "2026-11-23T12:00:00Z"));
  auto synced = sync_bundle_folder(folder(), version, [this](int64_t v) -> Result<std::optional<std::string>> {
    return std::optional<std::string>(text(v));
  });
  if (!synced) throw std::runtime_error(synced.error().message);
  return version;
}

}  // namespace expt::testing
