#include "commands/registry_access.h"

namespace expt {

Result<std::unique_ptr<SqliteRegistry>> open_registry(const RegistryOptions& options, OpenMode mode, const Io& io) {
  return SqliteRegistry::open(options.path, mode, io.stamp());
}

}  // namespace expt
