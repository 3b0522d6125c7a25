#pragma once
// A registry for benchmarks: 20 namespaces with 10 running experiments each (200 in all), 2 or 4
// variants with small configs, and a global holdout.

#include <fmt/format.h>

#include "core/registry/state.h"

namespace expt::bench {

inline expt::RegistryState synthetic_registry() {
  using namespace expt;
  RegistryState state;
  state.global_holdout = GlobalHoldoutRecord{GlobalHoldoutSpec{"global-holdout", 200, "", {}, {}}, "t"};
  for (int n = 0; n < 20; ++n) {
    NamespaceRecord ns;
    ns.spec.key = fmt::format("layer-{:02}", n);
    ns.spec.default_config = {{"flag", false}, {"color", "blue"}, {"limit", 10}};
    state.namespaces.push_back(ns);
    for (int e = 0; e < 10; ++e) {
      ExperimentRecord r;
      r.spec.key = fmt::format("exp-{:02}-{}", n, e);
      r.spec.namespace_key = ns.spec.key;
      r.spec.type = e % 3 == 0 ? ExperimentType::multivariate : ExperimentType::ab;
      int variants = r.spec.type == ExperimentType::multivariate ? 4 : 2;
      for (int v = 0; v < variants; ++v) {
        r.spec.variants.push_back(VariantSpec{fmt::format("v{}", v), static_cast<uint32_t>(10000 / variants),
                                              {{"flag", v > 0}, {"color", fmt::format("c{}", v)}}, {}});
      }
      r.status = ExperimentStatus::running;
      r.slots = SlotRange{static_cast<uint32_t>(e * 100), static_cast<uint32_t>(e * 100 + 79)};
      state.experiments.push_back(r);
    }
  }
  return state;
}

}  // namespace expt::bench
