#pragma once
// Plans `expt create`: compares validated specs with the registry and decides, per document,
// create / update / unchanged. Loading the same specs twice plans nothing. A change that would
// reshuffle entities already exposed (the namespace, type, traffic, variant keys or weights of
// a running or stopped experiment; the slot count of a namespace with claims; the global
// holdout while experiments run) is refused, as is any change to an archived experiment, and a
// change to what a metric measures while an experiment that binds it runs (unless forced with a
// reason, audited). A description or name a file leaves out keeps the registered one; a key
// given twice with one definition (validate_spec_set allows only that) is planned once.

#include <optional>
#include <string>
#include <vector>

#include "core/registry/state.h"
#include "core/spec/spec.h"

namespace expt {

enum class SyncAction { create, update, unchanged };
std::string_view to_string(SyncAction);

// One changed value of an update: `before` or `after` is null when the field was added or removed.
struct FieldChange {
  std::string field;  // dotted, as diagnostics name fields: "variants[1].config.cta_color"
  std::optional<nlohmann::json> before;
  std::optional<nlohmann::json> after;
};

struct SyncItem {
  std::string kind;  // "namespace", "metric", "experiment", "global_holdout"
  std::string key;
  SyncAction action = SyncAction::unchanged;
  std::vector<std::string> changed_fields;  // top-level fields that differ, for updates
  std::vector<FieldChange> changes;          // every changed value, for updates
  std::string note;                         // e.g. "slots 0-199 released; run expt allocate x"
};

struct SyncPlan {
  std::vector<SyncItem> items;  // in spec order: namespaces, metrics, global holdout, experiments
  std::vector<Error> refusals;  // when not empty, nothing may be written
  ChangeSet changes;

  size_t count(SyncAction action) const;
};

// `create --force --reason`: redefine metrics that running experiments bind.
struct SyncOverride {
  bool force = false;
  std::string reason;
};

// Plans loading `specs` (already validated with validate_spec_set) into `state`.
SyncPlan plan_spec_sync(const RegistryState& state, const SpecSet& specs, const AuditStamp& stamp,
                        const SyncOverride& override = {});

}  // namespace expt
