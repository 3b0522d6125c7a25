// libFuzzer harness: any bytes as a spec file, and as a YAML config. Must return errors, never
// crash, hang or leak (docs/reliability.md).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/check/spec_validator.h"
#include "core/registry/state.h"
#include "core/spec/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  expt::ParsedSpecs parsed = expt::parse_specs(text, "fuzz.yaml");
  if (parsed.errors.empty()) (void)expt::validate_spec_set(parsed.specs, expt::RegistryState{});
  (void)expt::parse_yaml_config(text, "fuzz.yaml");
  return 0;
}
