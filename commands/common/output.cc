#include "commands/common/output.h"

#include <cerrno>
#include <ostream>

#include "core/process/fd_output_buffer.h"

namespace expt {

namespace {

// The reason a write to stdout failed: kept by the buffer main() installs, else errno.
Error stdout_failed(std::ostream& out) {
  const auto* buffer = dynamic_cast<const FdOutputBuffer*>(out.rdbuf());
  const int error = buffer != nullptr && buffer->error() != 0 ? buffer->error() : errno;
  return Error::io(stdout_write_failure(error));
}

}  // namespace

Result<Output> Output::open(const std::string& path, Io& io) {
  if (is_stdout_path(path)) return Output(io, path, nullptr);
  auto file = AtomicFileWriter::open(path);
  if (!file) return std::move(file).error();
  return Output(io, path, std::move(*file));
}

Result<void> Output::write(std::string_view bytes) {
  if (m_file) return m_file->write(bytes);
  errno = 0;
  m_io->out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!m_io->out) return stdout_failed(m_io->out);
  return {};
}

Result<void> Output::flush() { return m_file ? m_file->flush() : Result<void>(); }

Result<void> Output::commit() {
  if (m_file) return m_file->commit();
  errno = 0;
  m_io->out.flush();
  if (!m_io->out) return stdout_failed(m_io->out);
  return {};
}

}  // namespace expt
