#pragma once
// `expt power`: pre-launch sample size and minimum detectable effect for conversion and mean
// metrics, from a baseline, an MDE (relative or absolute), alpha and power; or, with
// --experiment, the check of that experiment's `plan:` block that `expt start` enforces.

#include <optional>
#include <string>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"

namespace expt {

struct PowerOptions {
  RegistryOptions registry;
  std::string experiment;  // check this experiment's plan instead of the flags below
  std::string metric_type = "conversion";
  std::optional<double> baseline;
  std::optional<double> std_dev;
  std::optional<double> mde;
  std::string mde_type = "relative";
  std::optional<double> sample_size;  // per variant (control): report the reachable MDE
  double alpha = 0.05;
  double power = 0.8;
  double ratio = 1;  // treatment size / control size
  OutputFormat format = OutputFormat::human;
};

ExitCode run_power(const PowerOptions& options, Io& io);

}  // namespace expt
