#pragma once
// Where a command writes its result: standard output for an empty path or "-" (the same word
// as `--events -` for input), else the file, written atomically (core/base/atomic_file.h):
// nothing is at the path until commit(), and a failure leaves no partial file. Every write is
// checked; a failed one is an Error that names the destination.

#include <memory>
#include <string>
#include <string_view>

#include "commands/common/command.h"
#include "core/base/atomic_file.h"

namespace expt {

class Output {
 public:
  // Errors: the file's folder is missing or not writable.
  static Result<Output> open(const std::string& path, Io& io);

  bool is_stdout() const { return m_file == nullptr; }
  // "standard output", or the path.
  std::string name() const { return is_stdout() ? "standard output" : m_path; }

  Result<void> write(std::string_view bytes);
  // A file's bytes made durable before commit (no-op for standard output).
  Result<void> flush();
  // The file takes its name; standard output is flushed, and checked.
  Result<void> commit();

 private:
  Output(Io& io, std::string path, std::unique_ptr<AtomicFileWriter> file)
      : m_io(&io), m_path(std::move(path)), m_file(std::move(file)) {}
  Io* m_io;
  std::string m_path;
  std::unique_ptr<AtomicFileWriter> m_file;
};

// True for the words that mean standard output: "" and "-".
inline bool is_stdout_path(const std::string& path) { return path.empty() || path == "-"; }

}  // namespace expt
