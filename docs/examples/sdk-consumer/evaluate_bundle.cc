// A minimal in-process SDK user: load an exported bundle, optionally move it forward with
// published diffs, then ask which experiment, variant and config entities get in each layer.
// It links only the SDK (expt::sdk) and needs no registry and no network.
//
//   evaluate_bundle bundles/bundle-1.json [--diff bundles/diff-1-2.json]... user-7 user-44
//
// Prints CSV: entity_id,namespace,experiment,variant,slot,in_holdout,config

#include <iostream>
#include <string>
#include <vector>

#include <expt/assign/evaluator.h>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: evaluate_bundle BUNDLE [--diff DIFF]... ENTITY...\n";
    return 2;
  }
  expt::Evaluator evaluator;
  if (auto loaded = evaluator.load_file(argv[1]); !loaded) {
    std::cerr << "error: " << loaded.error().message << '\n';
    return 2;
  }
  std::vector<std::string> entities;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--diff" && i + 1 < argc) {
      if (auto applied = evaluator.apply_diff_file(argv[++i]); !applied) {
        std::cerr << "error: " << applied.error().message << '\n';
        return 2;
      }
    } else {
      entities.push_back(arg);
    }
  }
  std::cerr << "bundle version " << evaluator.snapshot()->version() << '\n';
  std::cout << "entity_id,namespace,experiment,variant,slot,in_holdout,config\n";
  for (const std::string& entity : entities) {
    expt::Evaluation evaluation = evaluator.assign(entity);
    for (const expt::EvaluatedLayer& layer : evaluation.layers) {
      std::string config = layer.config->dump();
      std::string quoted;
      for (char c : config) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
      std::cout << entity << ',' << layer.namespace_key << ',' << layer.experiment << ',' << layer.variant << ','
                << layer.slot << ',' << (layer.in_global_holdout ? "true" : "false") << ",\"" << quoted << "\"\n";
    }
  }
  return 0;
}
