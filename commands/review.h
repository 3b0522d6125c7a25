#pragma once
// `expt review request|approve|reject|status|list|policy`: reviews of an experiment's setup
// before launch (docs/governance.md). Requests and decisions are appended to the registry with
// the hash of the spec they were made on, and audited with the actor from EXPT_ACTOR; the
// reviewer's team comes from --team or EXPT_TEAM.

#include <optional>
#include <string>
#include <vector>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"

namespace expt {

enum class ReviewAction { request, approve, reject, status, list, policy };

struct ReviewOptions {
  RegistryOptions registry;
  ReviewAction action = ReviewAction::status;
  std::string experiment;
  std::string note;
  std::string team;       // empty: EXPT_TEAM
  bool pending = false;   // list: only experiments waiting for a decision
  // policy: the scope (a namespace, or none for the registry) and what to set; nothing set shows it.
  std::string namespace_key;
  std::optional<int> approvals;
  std::optional<std::string> teams;  // comma-separated; "" clears
  std::optional<bool> guardrail_required;
  std::optional<bool> actor_from_environment;
  OutputFormat format = OutputFormat::human;
};

ExitCode run_review(const ReviewOptions& options, Io& io);

}  // namespace expt
