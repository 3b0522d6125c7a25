#pragma once
// Parses YAML spec files (multi-document, one `kind:` per document) into SpecSet values. The
// only file that sees yaml-cpp. Checks everything a single document can show on its own: the
// schema, unknown and duplicate fields, key syntax, value ranges, variant sets; checks that need
// several documents or the registry live in spec_validator.h.

#include <string>
#include <string_view>
#include <vector>

#include "core/base/error.h"
#include "core/spec/spec.h"

namespace expt {

struct ParsedSpecs {
  SpecSet specs;              // the documents that parsed without error
  std::vector<Error> errors;  // every problem found, in file order
  size_t documents = 0;       // non-empty documents read, with or without errors
};

// Parses every document of `text`; `file` names it in locations. A document with any error is
// left out of `specs`, so a caller that needs all-or-nothing checks `errors.empty()`. Empty
// documents (a stray `---`) are skipped. A YAML syntax error yields one E001 error and no specs.
ParsedSpecs parse_specs(std::string_view text, const std::string& file);

// The most JSON values one config (default_config, a variant's config) may hold, counted after
// YAML aliases are expanded.
inline constexpr size_t k_max_config_values = 10000;

// Parses a YAML mapping into JSON (configs): plain scalars resolve by the YAML 1.2 core schema
// (null, true/false, integers, decimals), quoted scalars stay strings. Exposed for tests.
Result<nlohmann::json> parse_yaml_config(std::string_view text, const std::string& file);

}  // namespace expt
