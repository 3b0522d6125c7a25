#pragma once
// Checks that need more than one document: duplicate keys, references to namespaces and
// metrics, slot ranges against each other and against claims in the registry, percents that
// must resolve to whole slots, plans that must fit their metric. Pure; returns every finding.

#include <vector>

#include "core/base/error.h"
#include "core/registry/state.h"
#include "core/spec/spec.h"

namespace expt {

// Checks `specs` as one set and against `existing` (an empty state checks the specs alone).
// Specs in the set take precedence over registry records of the same key. Returns errors and
// warnings (Error::severity) sorted by file, line and column; an empty vector means clean.
std::vector<Error> validate_spec_set(const SpecSet& specs, const RegistryState& existing);

// True when `findings` holds at least one error (warnings do not count).
bool has_errors(const std::vector<Error>& findings);

// Sorts findings by file, line, column, then code, for stable output.
void sort_findings(std::vector<Error>& findings);

}  // namespace expt
