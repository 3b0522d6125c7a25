#pragma once
// `expt lint PATH...`: checks a folder (recursively) or files of YAML specs for CI, without a
// registry unless --registry is given: every document alone, the whole set together (keys,
// references, slot overlaps), and whether every namespace can hold its experiments. Findings
// have stable codes (docs/lint.md). Exit 0 clean (warnings allowed unless strict), 1 when there
// are errors, 2 when an input cannot be read.

#include <string>
#include <vector>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"

namespace expt {

enum class LintFormat { human, json, github };

struct LintOptions {
  std::vector<std::string> paths;
  std::string context;  // a spec folder whose other files resolve references but are not linted
  RegistryOptions registry;
  bool use_registry = false;  // check against the registry's claims (only when --registry is given)
  bool strict = false;        // warnings fail too
  LintFormat format = LintFormat::human;
};

ExitCode run_lint(const LintOptions& options, Io& io);

// GitHub Actions workflow-command escaping: `%`, CR and LF in messages; also `:` and `,` in
// property values (file=, title=).
std::string github_escape_data(std::string_view text);
std::string github_escape_property(std::string_view text);

}  // namespace expt
