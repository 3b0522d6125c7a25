#include "commands/export_assignments.h"

#include <ostream>

#include "commands/render/assignment_stream.h"
#include "core/base/atomic_file.h"
#include "core/usecase/assignment_source.h"

namespace expt {

ExitCode run_export_assignments(const ExportAssignmentsOptions& options, Io& io) {
  auto snapshot = load_assignment_snapshot(options.registry.path, options.bundle, io.stamp(), options.namespaces);
  if (!snapshot) return report(io, snapshot.error());
  auto layers = select_layers(**snapshot, options.namespaces);
  if (!layers) return report(io, layers.error());
  const AssignmentStream request{options.input, options.column, options.format, options.threads};

  if (options.output.empty()) {
    auto to_stdout = [&io](std::string_view block) -> Result<void> {
      io.out.write(block.data(), static_cast<std::streamsize>(block.size()));
      return {};
    };
    auto streamed = stream_assignments(request, **snapshot, *layers, to_stdout, io.in);
    return streamed ? ExitCode::ok : report(io, streamed.error());
  }
  auto file = AtomicFileWriter::open(options.output);
  if (!file) return report(io, file.error());
  auto to_file = [&file](std::string_view block) { return (*file)->write(block); };
  auto streamed = stream_assignments(request, **snapshot, *layers, to_file, io.in);
  if (!streamed) return report(io, streamed.error());  // the temporary file is dropped
  auto committed = (*file)->commit();
  return committed ? ExitCode::ok : report(io, committed.error());
}

}  // namespace expt
