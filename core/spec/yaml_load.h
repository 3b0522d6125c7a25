#pragma once
// Loads YAML documents with yaml-cpp 0.7.0 (Debian 12) within documented bounds
// (docs/reliability.md). A first pass over the parser's events refuses, with file, line and
// column, what would make yaml-cpp misbehave: a token at document level that its LoadAll never
// consumes (a stray ',' made it build empty documents forever, fixed upstream after 0.7.0),
// nesting deeper than k_max_yaml_depth (yaml-cpp's own guard fails at about 2,000 with
// "bad file"), and texts over k_max_yaml_bytes. Only then are the documents built.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/base/error.h"

namespace expt {

inline constexpr size_t k_max_yaml_bytes = size_t{8} << 20;
inline constexpr int k_max_yaml_depth = 64;

// The documents of `text`, named `file` in errors (code E001 yaml-syntax).
Result<std::vector<YAML::Node>> load_yaml_documents(std::string_view text, const std::string& file);

}  // namespace expt
