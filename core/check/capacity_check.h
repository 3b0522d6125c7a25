#pragma once
// Lint's question "would these specs fit?": replays `expt allocate --all` over a set of specs
// with the real allocator (explicit ranges first, then larger requests, best fit), starting from
// the slots already held in the registry. Pure.

#include <vector>

#include "core/base/error.h"
#include "core/registry/state.h"
#include "core/spec/spec.h"

namespace expt {

// Per namespace: E102 namespace-oversubscribed when the experiments ask for more slots than it
// has (one finding, at the first request that cannot be placed, naming every competitor and its
// size and the excess); otherwise E103 slots-fragmented for each request that finds no run long
// enough. Claims in `existing` of experiments outside `specs` count as fixed; an experiment in
// both keeps its registry range when that range still fits its request; archived ones are
// left out. Problems the validator reports (overlaps, bad percents, oversize requests) are
// skipped here.
std::vector<Error> check_capacity(const SpecSet& specs, const RegistryState& existing);

}  // namespace expt
