#include "commands/export_assignments.h"

#include <ostream>

#include "commands/common/output.h"
#include "commands/render/assignment_stream.h"
#include "core/usecase/assignment_source.h"

namespace expt {

ExitCode run_export_assignments(const ExportAssignmentsOptions& options, Io& io) {
  auto snapshot = load_assignment_snapshot(options.registry.path, options.bundle, io.stamp(), options.namespaces);
  if (!snapshot) return report(io, snapshot.error());
  auto layers = select_layers(**snapshot, options.namespaces);
  if (!layers) return report(io, layers.error());
  const AssignmentStream request{options.input, options.column, options.format, options.threads};

  auto output = Output::open(options.output, io);
  if (!output) return report(io, output.error());
  auto sink = [&output](std::string_view block) { return output->write(block); };
  auto streamed = stream_assignments(request, **snapshot, *layers, sink, io.in);
  if (!streamed) return report(io, streamed.error());  // a file's temporary is dropped
  auto committed = output->commit();
  return committed ? ExitCode::ok : report(io, committed.error());
}

}  // namespace expt
