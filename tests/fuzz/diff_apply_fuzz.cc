// libFuzzer harness: any bytes as a diff applied to a real bundle ($EXPT_FUZZ_BASE_BUNDLE, which
// the runner exports from the fixture registry), then an evaluation of the result.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "core/assign/evaluator.h"

namespace {
const expt::Evaluator& base() {
  static expt::Evaluator* evaluator = [] {
    auto* e = new expt::Evaluator;
    const char* path = std::getenv("EXPT_FUZZ_BASE_BUNDLE");
    if (path == nullptr || !e->load_file(path)) {
      std::cerr << "set EXPT_FUZZ_BASE_BUNDLE to a valid bundle file\n";
      std::abort();
    }
    return e;
  }();
  return *evaluator;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto next = base().snapshot()->apply_diff(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
  if (next) (void)expt::evaluate(*next, "user-7");
  return 0;
}
