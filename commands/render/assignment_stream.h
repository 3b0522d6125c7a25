#pragma once
// Shared by `assign` and `export assignments`: the streaming writer that turns entity IDs into
// CSV or JSON-lines rows in constant memory (the snapshot comes from
// core/usecase/assignment_source.h).

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "commands/common/command.h"
#include "core/assign/assignment.h"
#include "core/assign/layer_selection.h"

namespace expt {

// Receives output in large blocks; returns an Error to stop the stream.
using ByteSink = std::function<Result<void>(std::string_view)>;

struct AssignmentStream {
  std::string input;   // a file, or "-" for the command's stdin
  std::string column;  // CSV column holding IDs; empty: one ID per line
  OutputFormat format = OutputFormat::csv;  // csv or jsonl
  unsigned threads = 0;  // workers for one-ID-per-line input; 0: one per core. Output is the same.
};

// Reads IDs from `request.input` and writes one row per ID and layer to `sink`: the header
// `entity_id,namespace,experiment,variant,slot,in_holdout` (CSV), then the rows. Errors name the
// input file, line and column.
Result<void> stream_assignments(const AssignmentStream& request, const AssignmentSnapshot& snapshot,
                                const std::vector<size_t>& layers, const ByteSink& sink, std::istream& stdin_stream);

}  // namespace expt
