#pragma once
// The rows of `assign` and `export assignments` in CSV or JSON lines. Everything in a row but
// the entity and the slot depends only on (layer, experiment, variant), so those middles are
// formatted once per snapshot and each row is three copies and a number: the streaming
// command's cost was mostly formatting (docs/performance.md).

#include <string>
#include <string_view>
#include <vector>

#include "commands/common/command.h"
#include "core/assign/assignment.h"

namespace expt {

inline constexpr std::string_view k_assignment_csv_header = "entity_id,namespace,experiment,variant,slot,in_holdout\n";

class AssignmentRowWriter {
 public:
  // `format` is csv or jsonl; `snapshot` must outlive the writer.
  AssignmentRowWriter(const AssignmentSnapshot& snapshot, OutputFormat format);

  // Assigns `entity` in each of `layers` (indexes into the snapshot's layers) and appends its
  // rows to `out`.
  void append_entity(std::string& out, std::string_view entity, const std::vector<size_t>& layers);

 private:
  // The entity's field, escaped once for all its rows.
  void set_entity(std::string_view entity);
  // Appends the current entity's row in `layer` with assignment `a` to `out`.
  void append(std::string& out, size_t layer, const LayerAssignment& a) const;
  const std::string& middle(size_t layer, const LayerAssignment& a) const;

  const AssignmentSnapshot& m_snapshot;
  OutputFormat m_format;
  std::string m_entity;                   // the escaped entity and what precedes the middle
  std::vector<std::string> m_middles;     // every (layer, experiment, variant) row middle
  std::vector<size_t> m_layer_none;       // per layer: the middle of "no experiment"
  std::vector<size_t> m_experiment_first; // per experiment: its first middle (a holdout has one)
};

}  // namespace expt
