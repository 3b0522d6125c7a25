#include "core/registry/sqlite_registry.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <filesystem>
#include <map>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "core/registry/schema.h"
#include "core/registry/sqlite_registry_impl.h"
#include "core/spec/json_form.h"

namespace expt {

using nlohmann::json;

using namespace sqlite_detail;

namespace {

int read_user_version(SQLite::Database& db) {
  return db.execAndGet("PRAGMA user_version").getInt();
}

bool has_registry_tables(SQLite::Database& db) {
  for (std::string_view table : k_registry_tables) {
    SQLite::Statement st(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    st.bind(1, std::string(table));
    if (!st.executeStep()) return false;
  }
  return true;
}

// `path` as the path part of an SQLite URI: '?', '#' and '%' percent-encoded.
std::string uri_escape(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == '?' || c == '#' || c == '%') {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

bool is_empty_database(SQLite::Database& db) {
  return db.execAndGet("SELECT count(*) FROM sqlite_master").getInt() == 0;
}

// Runs `body`, turning SQLite and stored-data failures into Errors that name the file.
template <typename F>
auto guarded(const std::string& path, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const CorruptRegistry& e) {
    return Error::io(fmt::format("registry '{}' is inconsistent: {}", path, e.message), path);
  } catch (const SQLite::Exception& e) {
    std::string what = e.what();
    if (what.find("slot ranges overlap") != std::string::npos) {
      return Error::conflict(fmt::format("registry '{}' refused overlapping slot ranges", path));
    }
    return Error::io(fmt::format("registry '{}': {}", path, what), path);
  } catch (const json::exception& e) {
    return Error::io(fmt::format("registry '{}' is inconsistent: {}", path, e.what()), path);
  } catch (const std::exception& e) {
    return Error::io(fmt::format("registry '{}' is damaged: {}", path, e.what()), path);
  }
}

}  // namespace

SqliteRegistry::SqliteRegistry(std::string path, std::unique_ptr<Impl> impl, OpenInfo info)
    : m_path(std::move(path)), m_impl(std::move(impl)), m_info(info) {}

SqliteRegistry::~SqliteRegistry() = default;

Result<std::unique_ptr<SqliteRegistry>> SqliteRegistry::open(const std::string& path, OpenMode mode,
                                                             const AuditStamp& stamp) {
  std::error_code ec;
  bool exists = std::filesystem::exists(path, ec);
  std::string how_to_create = fmt::format("create one with `expt init --registry {}`, or point --registry or "
                                          "EXPT_REGISTRY at an existing registry", path);
  if (!exists && mode == OpenMode::must_exist) {
    return Error::not_found(fmt::format("no registry at '{}'; {}", path, how_to_create));
  }
  // A file we may not write (chmod 444, a read-only mount) is opened read-only: reading
  // commands work, and writing ones get a clear error from update().
  const bool may_not_write = exists && ::access(path.c_str(), W_OK) != 0;
  auto opened = open_as(path, mode, stamp, may_not_write ? std::strerror(errno) : "");
  // A full (or failing) disk can refuse the files SQLite creates beside a WAL registry before
  // anything is read; reading commands still work from a read-only open.
  if (!opened && exists && !may_not_write && mode == OpenMode::must_exist &&
      (opened.error().message.find("disk I/O error") != std::string::npos ||
       opened.error().message.find("disk is full") != std::string::npos)) {
    auto retried = open_as(path, mode, stamp, "the disk is full or failing; SQLite cannot create its files beside it");
    if (retried) return retried;
  }
  return opened;
}

Result<std::unique_ptr<SqliteRegistry>> SqliteRegistry::open_as(const std::string& path, OpenMode mode,
                                                                const AuditStamp& stamp, std::string read_only_reason) {
  const bool read_only = !read_only_reason.empty();
  std::string how_to_create = fmt::format("create one with `expt init --registry {}`, or point --registry or "
                                          "EXPT_REGISTRY at an existing registry", path);
  return guarded(path, [&]() -> Result<std::unique_ptr<SqliteRegistry>> {
    int flags = read_only ? SQLite::OPEN_READONLY
                          : SQLite::OPEN_READWRITE | (mode == OpenMode::create_if_missing ? SQLite::OPEN_CREATE : 0);
    auto impl = std::make_unique<Impl>(path, flags);
    if (read_only) {
      impl->read_only_reason = read_only_reason;
      try {
        (void)read_user_version(impl->db);
        impl->db.execAndGet("SELECT count(*) FROM sqlite_master");
      } catch (const SQLite::Exception&) {
        // A WAL registry on a read-only mount cannot get its shared-memory file; nobody can be
        // writing it there, so it can be read as immutable.
        impl = std::make_unique<Impl>("file:" + uri_escape(path) + "?immutable=1", SQLite::OPEN_READONLY | SQLite::OPEN_URI);
        impl->read_only_reason = read_only_reason;
      }
    }
    SQLite::Database& db = impl->db;
    OpenInfo info;
    int version = 0;
    try {
      // Identify the file before changing anything in it (even the journal mode).
      version = read_user_version(db);
      const int application_id = db.execAndGet("PRAGMA application_id").getInt();
      if (application_id != 0 && application_id != k_registry_application_id) {
        return Error::io(fmt::format("'{}' is an SQLite database of another application (application_id {}), "
                                     "not an expt registry; it was not changed",
                                     path, application_id),
                         path);
      }
      if (application_id == 0 && !is_empty_database(db) && !has_registry_tables(db)) {
        return Error::io(fmt::format("'{}' is an SQLite database but not an expt registry; it was not changed", path),
                         path);
      }
    } catch (const SQLite::Exception& e) {
      return Error::io(fmt::format("'{}' is not an expt registry: {}", path, e.what()), path);
    }
    if (!read_only) db.exec("PRAGMA foreign_keys = ON");
    if (version == 0 && mode == OpenMode::must_exist) {
      return Error::not_found(fmt::format("'{}' is empty, not an initialised registry; {}", path, how_to_create));
    }
    const int current = current_schema_version();
    if (version > current) {
      return Error::io(fmt::format("registry '{}' has schema version {}, newer than this expt understands ({}); "
                                   "upgrade expt",
                                   path, version, current),
                       path);
    }
    if (read_only) {
      if (version < current) {
        return Error::io(fmt::format("registry '{}' has schema version {} and needs upgrading to {}, but it is "
                                     "read-only ({}); open it once with write access",
                                     path, version, current, read_only_reason),
                         path);
      }
      info.migrated_from = info.schema_version = current;
      return std::unique_ptr<SqliteRegistry>(new SqliteRegistry(path, std::move(impl), info));
    }
    db.exec("PRAGMA journal_mode = WAL");
    if (version < current) {
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      version = read_user_version(db);  // another process may have migrated meanwhile
      info.migrated_from = version;
      for (int v = version; v < current; ++v) {
        db.exec(std::string(registry_migrations()[static_cast<size_t>(v)]));
      }
      if (version < current) {
        db.exec(fmt::format("PRAGMA user_version = {}", current));
        AuditEntry entry{0, stamp.at, stamp.actor, version == 0 ? "init" : "migrate", "registry", "",
                         json{{"from_schema", version}, {"to_schema", current}}};
        insert_audit(db, entry);
        info.created = version == 0;
      }
      tx.commit();
    } else {
      info.migrated_from = version;
    }
    info.schema_version = current;
    return std::unique_ptr<SqliteRegistry>(new SqliteRegistry(path, std::move(impl), info));
  });
}

Result<RegistryState> SqliteRegistry::read(const ReadScope& scope) {
  return guarded(m_path, [&]() -> Result<RegistryState> {
    SQLite::Transaction tx(m_impl->db, SQLite::TransactionBehavior::DEFERRED);
    return m_impl->load(scope);
  });
}

Result<void> SqliteRegistry::update(const Planner& plan, const ReadScope& scope) {
  if (!m_impl->read_only_reason.empty()) {
    return Error::io(fmt::format("registry '{}' is read-only ({}); this command changes it", m_path,
                                 m_impl->read_only_reason),
                     m_path);
  }
  return guarded(m_path, [&]() -> Result<void> {
    SQLite::Transaction tx(m_impl->db, SQLite::TransactionBehavior::IMMEDIATE);
    RegistryState state = m_impl->load(scope);
    Result<ChangeSet> changes = plan(state);
    if (!changes) return std::move(changes).error();
    if (changes->empty()) return {};
    m_impl->write(*changes);
    tx.commit();
    return {};
  });
}

Result<std::vector<AuditEntry>> SqliteRegistry::audit_log(const AuditQuery& query) {
  return guarded(m_path, [&]() -> Result<std::vector<AuditEntry>> {
    std::string sql = "SELECT id, at, actor, action, entity_kind, entity_key, details FROM audit_log";
    if (!query.entity_key.empty()) sql += " WHERE entity_key = ?1";
    sql += " ORDER BY id DESC";
    if (query.limit > 0) sql += fmt::format(" LIMIT {}", query.limit);
    SQLite::Statement st(m_impl->db, sql);
    if (!query.entity_key.empty()) st.bind(1, query.entity_key);
    std::vector<AuditEntry> entries;
    while (st.executeStep()) {
      entries.push_back(AuditEntry{st.getColumn(0).getInt64(), st.getColumn(1).getString(),
                                   st.getColumn(2).getString(), st.getColumn(3).getString(),
                                   st.getColumn(4).getString(), st.getColumn(5).getString(),
                                   parse_json_column(st.getColumn(6), "audit details")});
    }
    std::reverse(entries.begin(), entries.end());
    return entries;
  });
}

Result<std::vector<AnalysisRecord>> SqliteRegistry::analyses(const std::string& experiment, size_t limit) {
  return guarded(m_path, [&]() -> Result<std::vector<AnalysisRecord>> {
    std::string sql =
        "SELECT a.id, e.key, a.recorded_at, a.actor, a.data_from, a.data_to, a.bundle_version, a.inputs, a.summary "
        "FROM analyses a JOIN experiments e ON e.id = a.experiment_id WHERE e.key = ?1 ORDER BY a.id DESC";
    if (limit > 0) sql += fmt::format(" LIMIT {}", limit);
    SQLite::Statement st(m_impl->db, sql);
    st.bind(1, experiment);
    std::vector<AnalysisRecord> out;
    while (st.executeStep()) {
      m_impl->row = fmt::format("table 'analyses', id {}", st.getColumn(0).getInt64());
      AnalysisRecord a;
      a.id = st.getColumn(0).getInt64();
      a.experiment = st.getColumn(1).getString();
      a.recorded_at = st.getColumn(2).getString();
      a.actor = st.getColumn(3).getString();
      a.data_from = text_or_empty(st.getColumn(4));
      a.data_to = text_or_empty(st.getColumn(5));
      if (!st.getColumn(6).isNull()) a.bundle_version = st.getColumn(6).getInt64();
      a.inputs = parse_json_column(st.getColumn(7), "analysis inputs");
      a.summary = parse_json_column(st.getColumn(8), "analysis summary");
      out.push_back(std::move(a));
    }
    std::reverse(out.begin(), out.end());
    return out;
  });
}

Result<std::optional<std::string>> SqliteRegistry::bundle_document(int64_t version) {
  return guarded(m_path, [&]() -> Result<std::optional<std::string>> {
    SQLite::Statement st(m_impl->db, "SELECT document FROM bundles WHERE version = ?");
    st.bind(1, version);
    if (!st.executeStep()) return std::optional<std::string>();
    return std::optional<std::string>(st.getColumn(0).getString());
  });
}

}  // namespace expt
