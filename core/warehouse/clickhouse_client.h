#pragma once
// Queries a ClickHouse server over its HTTP interface (cpp-httplib): the source of
// `expt analyze --source clickhouse://...`. Credentials come from the URL or
// EXPT_CLICKHOUSE_PASSWORD and appear in no message, log or report (describe() leaves them out).
// Every failure (unreachable, authentication, a missing table, a query error, a timeout) is an
// Error carrying ClickHouse's own text.

#include <chrono>
#include <memory>
#include <string>

#include "core/base/error.h"
#include "core/warehouse/aggregate_query.h"

namespace expt {

struct ClickHouseSource {
  std::string host;
  int port = 8123;
  std::string database = "default";
  std::string user = "default";
  std::string password;
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds query_timeout{600};

  // "clickhouse://user@host:port/database": what a report may say about where data came from.
  std::string describe() const;
};

// Parses clickhouse://[USER[:PASSWORD]@]HOST[:PORT][/DATABASE] (percent-encoding allowed in the
// user and password). `env_password` (EXPT_CLICKHOUSE_PASSWORD) is used when the URL has none.
Result<ClickHouseSource> parse_clickhouse_url(std::string_view url, const std::string& env_password);

class ClickHouseClient {
 public:
  explicit ClickHouseClient(ClickHouseSource source);
  ~ClickHouseClient();

  // The body of the answer to `sql` (sent as the POST body, in the source's database).
  Result<std::string> query(const std::string& sql);
  // The columns of `table` ("table" or "database.table"), from system.columns. A missing table
  // is an error listing the database's tables.
  Result<ColumnTypes> columns(const std::string& table);
  // Bytes of answers received so far.
  int64_t bytes_received() const { return m_bytes; }

 private:
  ClickHouseSource m_source;
  int64_t m_bytes = 0;
};

// One field of ClickHouse's TabSeparated output with its escapes undone ("a\\tb" -> "a<TAB>b").
std::string tsv_unescape(std::string_view field);

}  // namespace expt
