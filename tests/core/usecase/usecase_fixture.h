#pragma once
// A registry holding one analysis fixture's spec (fixtures/analysis/<dataset>), allocated and
// started, opened for the use cases; and a Session over string streams.

#include <memory>
#include <sstream>
#include <string>

#include "core/process/progress.h"
#include "core/registry/sqlite_registry.h"
#include "core/usecase/session.h"
#include "tests/support/fixtures.h"

namespace expt::testing {

struct UseCaseFixture {
  TempDir dir;
  std::string path = (dir / "expt.db").string();
  std::unique_ptr<SqliteRegistry> registry;
  std::istringstream in;
  NoProgress progress;
  Environment environment;
  Session session{in, progress, environment, AuditStamp{"2026-11-23T12:00:00Z", "tester"}};

  // Loads fixtures/analysis/<dataset>/spec.yaml, allocates, and starts `experiment`.
  UseCaseFixture(const std::string& dataset, const std::string& experiment);
  std::string data(const std::string& dataset, const std::string& file) const;
};

}  // namespace expt::testing
