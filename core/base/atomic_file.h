#pragma once
// Writes files so that a reader sees either the old file or the whole new one, never a part:
// the bytes go to a temporary file in the same folder, which is flushed to disk (fsync) and
// then renamed over the target; the folder is synced so the rename survives a crash.

#include <memory>
#include <string>
#include <string_view>

#include "core/base/error.h"

namespace expt {

// A file being written. Nothing is visible at `path` until commit(); destroying the writer
// without committing removes the temporary file, and so does a signal that ends the process
// (remove_partial_files_on_signal). Errors name `path`, the file the user asked for. Not
// thread-safe.
class AtomicFileWriter {
 public:
  // Creates the temporary file next to `path`. Errors: the folder is missing or not writable.
  static Result<std::unique_ptr<AtomicFileWriter>> open(const std::string& path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  Result<void> write(std::string_view bytes);
  // fsync the temporary file, so that commit() is left with only the rename: a caller can make
  // the bytes durable, then commit another change, then publish the file.
  Result<void> flush();
  // flush(), rename over the target, fsync the folder. After an error the target is untouched.
  Result<void> commit();

 private:
  AtomicFileWriter(std::string path, std::string temp_path, int fd);
  std::string m_path;
  std::string m_temp_path;
  int m_slot = -1;  // in the table of partial files removed on a signal; -1 when not registered
  int m_fd = -1;
  bool m_committed = false;
  bool m_flushed = false;
};

// Writes `content` to `path` atomically (see above).
Result<void> write_file_atomically(const std::string& path, std::string_view content);

// Removes the temporary file of every writer not yet committed or destroyed. Async-signal-safe:
// for a SIGINT or SIGTERM handler (cli/main.cc), so an interrupted command leaves no partial
// file behind, as a failed one does not.
void remove_partial_files_on_signal();

}  // namespace expt
