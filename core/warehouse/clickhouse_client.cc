#include "core/warehouse/clickhouse_client.h"

#include <algorithm>
#include <charconv>
#include <sstream>

#include <fmt/format.h>
#include <httplib.h>

#include "core/base/excerpt.h"

namespace expt {

namespace {

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (ec != std::errc() || end != text.data() + i + 3) return std::nullopt;
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

// ClickHouse answers an error with "Code: N, e.displayText() = DB::Exception: ..." and more
// lines of stack; its first line is what a user needs.
std::string clickhouse_message(const std::string& body) {
  std::string line = body.substr(0, body.find('\n'));
  for (const char* noise : {", e.what() = DB::Exception", " (version "}) {
    if (auto at = line.find(noise); at != std::string::npos) line.erase(at);
  }
  return excerpt(line, 400);
}

}  // namespace

std::string ClickHouseSource::describe() const {
  return fmt::format("clickhouse://{}@{}:{}/{}", user, host, port, database);
}

Result<ClickHouseSource> parse_clickhouse_url(std::string_view url, const std::string& env_password) {
  constexpr std::string_view scheme = "clickhouse://";
  auto bad = [](std::string why) {
    return Error::invalid("--source: " + why + "; expected clickhouse://[USER[:PASSWORD]@]HOST[:PORT][/DATABASE]", {}, "source");
  };
  if (!url.starts_with(scheme)) return bad("only clickhouse:// sources are supported");
  std::string_view rest = url.substr(scheme.size());
  ClickHouseSource source;
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = credentials.find(':');
    auto user = percent_decode(credentials.substr(0, colon));
    if (!user || user->empty()) return bad("the user name is empty or badly percent-encoded");
    source.user = *user;
    if (colon != std::string_view::npos) {
      auto password = percent_decode(credentials.substr(colon + 1));
      if (!password) return bad("the password is badly percent-encoded");  // never echoed
      source.password = *password;
    }
  }
  if (source.password.empty()) source.password = env_password;
  std::string_view host_port = rest.substr(0, rest.find('/'));
  if (rest.find('/') != std::string_view::npos) {
    std::string_view database = rest.substr(rest.find('/') + 1);
    if (!database.empty()) source.database = std::string(database);
    if (source.database.find_first_of("/?#`") != std::string::npos) return bad("the database name '" + excerpt(database) + "' is not valid");
  }
  const auto colon = host_port.rfind(':');
  source.host = std::string(host_port.substr(0, colon));
  if (colon != std::string_view::npos) {
    std::string_view port = host_port.substr(colon + 1);
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), source.port);
    if (ec != std::errc() || end != port.data() + port.size() || source.port <= 0 || source.port > 65535) {
      return bad("the port '" + excerpt(port) + "' is not a number from 1 to 65535");
    }
  }
  if (source.host.empty()) return bad("the host is missing");
  return source;
}

ClickHouseClient::ClickHouseClient(ClickHouseSource source) : m_source(std::move(source)) {}
ClickHouseClient::~ClickHouseClient() = default;

Result<std::string> ClickHouseClient::query(const std::string& sql) {
  httplib::Client client(m_source.host, m_source.port);
  client.set_connection_timeout(m_source.connect_timeout.count());
  // The server stops the query at max_execution_time; the read timeout leaves it time to say so.
  client.set_read_timeout(m_source.query_timeout.count() + 5);
  client.set_basic_auth(m_source.user.c_str(), m_source.password.c_str());
  // The parser's limit (256 KiB by default) must admit the query: one with recomputed variants
  // carries them inline.
  const std::string path = fmt::format(
      "/?database={}&max_execution_time={}&max_query_size={}&output_format_json_quote_64bit_integers=0",
      httplib::detail::encode_query_param(m_source.database), m_source.query_timeout.count(),
      std::max<size_t>(262144, sql.size() + 65536));
  auto res = client.Post(path.c_str(), sql, "text/plain; charset=utf-8");
  if (!res) {
    const auto error = res.error();
    if (error == httplib::Error::Read) {
      return Error::io(fmt::format("{} did not answer within the query timeout of {} s (--query-timeout)", m_source.describe(),
                                   m_source.query_timeout.count()));
    }
    return Error::io(fmt::format("cannot reach {}: {} (connection timeout {} s, --connect-timeout)", m_source.describe(),
                                 httplib::to_string(error), m_source.connect_timeout.count()));
  }
  m_bytes += static_cast<int64_t>(res->body.size());
  if (res->status != 200) {
    std::string message = clickhouse_message(res->body);
    if (res->status == 401 || res->status == 403 || message.find("Code: 193") != std::string::npos ||
        message.find("Code: 516") != std::string::npos || message.find("Code: 192") != std::string::npos) {
      return Error::invalid(fmt::format("{} refused the credentials of user '{}': {}", m_source.describe(), m_source.user, message),
                            {}, "source");
    }
    return Error::invalid(fmt::format("{} answered HTTP {}: {}", m_source.describe(), res->status, message), {}, "source");
  }
  return std::move(res->body);
}

Result<ColumnTypes> ClickHouseClient::columns(const std::string& table) {
  std::string database = m_source.database, name = table;
  if (auto dot = table.find('.'); dot != std::string::npos) {
    database = table.substr(0, dot);
    name = table.substr(dot + 1);
  }
  auto answer = query(fmt::format("SELECT name, type FROM system.columns WHERE database = {} AND table = {} FORMAT TSV",
                                  sql_string(database), sql_string(name)));
  if (!answer) return std::move(answer).error();
  ColumnTypes types;
  std::istringstream lines(*answer);
  // TSV escapes a tab, a newline, a backslash and (in 18.16) a quote in names: a column named
  // ts'x arrives as ts\'x and is the column ts'x.
  for (std::string line; std::getline(lines, line);) {
    const auto tab = line.find('\t');
    if (tab != std::string::npos) types.emplace(tsv_unescape(line.substr(0, tab)), tsv_unescape(line.substr(tab + 1)));
  }
  if (types.empty()) {
    auto tables = query(fmt::format("SELECT name FROM system.tables WHERE database = {} ORDER BY name LIMIT 20 FORMAT TSV",
                                    sql_string(database)));
    std::vector<std::string> names;
    if (tables) {
      std::istringstream rows(*tables);
      for (std::string row; std::getline(rows, row);) names.push_back(excerpt(tsv_unescape(row)));
    }
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    // Names typed by a user are bounded like any quoted value: a 100 KB table name is not echoed.
    return Error::invalid(fmt::format("{} has no table {}.{} ({})", m_source.describe(), excerpt(database), excerpt(name),
                                      list.empty() ? "the database has no tables" : "its tables: " + list),
                          {}, "source");
  }
  return types;
}

std::string tsv_unescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    const char c = text[++i];
    out += c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c == '0' ? '\0' : c == 'b' ? '\b' : c == 'f' ? '\f' : c;
  }
  return out;
}

}  // namespace expt
