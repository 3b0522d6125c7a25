// libFuzzer harness: any bytes as the body of POST /v1/assign (core/serve/remote_assign.h) against
// a real bundle ($EXPT_FUZZ_BASE_BUNDLE); the answer must be a JSON document with a status.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "core/serve/remote_assign.h"

namespace {
std::shared_ptr<const expt::BundleSnapshot> base() {
  static std::shared_ptr<const expt::BundleSnapshot> snapshot = [] {
    expt::Evaluator e;
    const char* path = std::getenv("EXPT_FUZZ_BASE_BUNDLE");
    if (path == nullptr || !e.load_file(path)) {
      std::cerr << "set EXPT_FUZZ_BASE_BUNDLE to a valid bundle file\n";
      std::abort();
    }
    return e.snapshot();
  }();
  return snapshot;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  expt::HttpAnswer answer =
      expt::remote_assign(base(), std::string_view(reinterpret_cast<const char*>(data), size), 1000);
  if (answer.status != 200 && !answer.body.contains("error")) std::abort();
  if (answer.status == 200 && nlohmann::json::parse(answer.text, nullptr, false).is_discarded()) std::abort();
  (void)answer.body.dump();
  return 0;
}
