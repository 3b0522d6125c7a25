#pragma once
// `expt results EXPERIMENT`: the analyses recorded with `expt analyze --record`, oldest first:
// when, by whom, over which data, and each primary and guardrail metric's lift and verdict.
// `--aggregates ID` prints one recorded analysis's sufficient statistics as aggregate rows (CSV),
// which `expt analyze --aggregates -` analyses again, after the raw events are gone.

#include <optional>
#include <string>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"

namespace expt {

struct ResultsOptions {
  RegistryOptions registry;
  std::string experiment;
  std::optional<long long> limit;       // the newest N
  std::optional<long long> aggregates;  // print this analysis's rows
  OutputFormat format = OutputFormat::human;
};

ExitCode run_results(const ResultsOptions& options, Io& io);

}  // namespace expt
