// libFuzzer harness: any bytes as a bundle for the SDK's loader, then an evaluation.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/assign/evaluator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  expt::Evaluator evaluator;
  if (evaluator.load_string(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json")) {
    (void)evaluator.assign("user-7");
  }
  return 0;
}
