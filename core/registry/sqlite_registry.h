#pragma once
// The registry in a local SQLite file (through SQLiteCpp). Foreign keys on, WAL journal, a busy
// timeout so concurrent commands wait instead of failing, and every write under BEGIN IMMEDIATE
// so two processes allocating at once serialise. Not thread-safe: one object per thread.

#include <memory>
#include <string>

#include "core/registry/registry.h"

namespace expt {

enum class OpenMode { create_if_missing, must_exist };

struct OpenInfo {
  bool created = false;      // the file was created (or was empty) and initialised now
  int migrated_from = 0;     // the schema version before opening; 0 when created
  int schema_version = 0;    // the schema version now
};

class SqliteRegistry final : public Registry {
 public:
  // Opens the registry at `path`, creating it in OpenMode::create_if_missing and migrating an
  // older schema forward (both recorded in the audit log with `stamp`). Errors: not_found when
  // the file is missing in OpenMode::must_exist (the message says how to create one); io when
  // the file is not an expt registry, is newer than this build, or cannot be opened.
  static Result<std::unique_ptr<SqliteRegistry>> open(const std::string& path, OpenMode mode,
                                                      const AuditStamp& stamp);
  ~SqliteRegistry() override;

  Result<RegistryState> read(const ReadScope& scope = {}) override;
  Result<void> update(const Planner& plan, const ReadScope& scope = {}) override;
  Result<std::vector<AuditEntry>> audit_log(const AuditQuery& query) override;
  Result<std::optional<std::string>> bundle_document(int64_t version) override;
  Result<std::vector<AnalysisRecord>> analyses(const std::string& experiment, size_t limit) override;

  const OpenInfo& open_info() const { return m_info; }
  const std::string& path() const { return m_path; }

 private:
  // open(), with the file opened read-only when `read_only_reason` is not empty.
  static Result<std::unique_ptr<SqliteRegistry>> open_as(const std::string& path, OpenMode mode, const AuditStamp& stamp,
                                                         std::string read_only_reason);
  struct Impl;
  SqliteRegistry(std::string path, std::unique_ptr<Impl> impl, OpenInfo info);

  std::string m_path;
  std::unique_ptr<Impl> m_impl;
  OpenInfo m_info;
};

}  // namespace expt
