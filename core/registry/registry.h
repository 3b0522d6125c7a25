#pragma once
// The registry interface: where namespaces, metrics, experiments and the audit log live.
// Commands read a consistent snapshot, or run a pure planning function inside one write
// transaction. Implementations: SqliteRegistry (core/registry/sqlite_registry.h).

#include <functional>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/registry/state.h"

namespace expt {

struct AuditQuery {
  std::string entity_key;  // empty: all entities
  size_t limit = 0;        // 0: no limit; otherwise the newest `limit` entries
};

// What a command about some experiments or layers needs, so its cost does not grow with the
// registry: the experiments named, every experiment sharing a namespace with them (slot claims),
// and every experiment in `namespaces`, with their reviews. Namespaces, metrics, the global
// holdout and review policies are always read whole. When a named experiment or namespace does
// not exist, everything is read, so errors still suggest the closest key. Empty: everything.
struct ReadScope {
  std::vector<std::string> experiments;
  std::vector<std::string> namespaces;
  bool whole() const { return experiments.empty() && namespaces.empty(); }
};

class Registry {
 public:
  virtual ~Registry() = default;

  // A consistent snapshot of what `scope` asks for (by default everything the registry holds).
  virtual Result<RegistryState> read(const ReadScope& scope = {}) = 0;

  using Planner = std::function<Result<ChangeSet>(const RegistryState&)>;

  // Takes the write lock before reading (so two processes can never plan from the same
  // state), reads the state (as read(scope) would), calls `plan`, writes the change set it
  // returns and commits. When `plan` returns an Error or any write fails, nothing is written and
  // the Error is returned. An empty change set writes nothing.
  virtual Result<void> update(const Planner& plan, const ReadScope& scope = {}) = 0;

  // Audit entries in the order they were appended.
  virtual Result<std::vector<AuditEntry>> audit_log(const AuditQuery& query) = 0;

  // The analyses recorded for `experiment`, oldest first (`limit` > 0: the newest `limit`).
  virtual Result<std::vector<AnalysisRecord>> analyses(const std::string& experiment, size_t limit) = 0;

  // The document text of published bundle `version`, or nullopt when there is none.
  virtual Result<std::optional<std::string>> bundle_document(int64_t version) = 0;
};

}  // namespace expt
