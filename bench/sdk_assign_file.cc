// The in-process SDK on the same work as `expt assign --bundle B --input FILE`: read one ID per
// line and evaluate it in every layer of the bundle, with nothing written. The yardstick for the
// streaming command's overhead (docs/performance.md).
// Usage: sdk_assign_file BUNDLE IDS_FILE
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "core/assign/evaluator.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: sdk_assign_file BUNDLE IDS_FILE\n";
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  expt::Evaluator evaluator;
  if (auto loaded = evaluator.load_file(argv[1]); !loaded) {
    std::cerr << loaded.error().message << "\n";
    return 2;
  }
  std::ifstream in(argv[2], std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << argv[2] << "\n";
    return 2;
  }
  expt::Evaluation evaluation;
  size_t entities = 0, assignments = 0, in_experiment = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    evaluator.assign_into(line, evaluation);
    ++entities;
    for (const expt::EvaluatedLayer& layer : evaluation.layers) {
      ++assignments;
      in_experiment += layer.experiment.empty() ? 0 : 1;
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("{} entities, {} layer assignments ({} in an experiment) in {:.2f} s: {:.1f} M assignments/s\n",
             entities, assignments, in_experiment, seconds, static_cast<double>(assignments) / seconds / 1e6);
  return 0;
}
