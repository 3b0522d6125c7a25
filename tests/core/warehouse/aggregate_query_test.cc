#include <catch2/catch.hpp>

#include "core/warehouse/aggregate_query.h"
#include "core/warehouse/clickhouse_client.h"
#include "tests/core/warehouse/aggregate_query_fixture.h"

namespace expt {
namespace {

AggregateQuery query() { return sample_aggregate_query(); }

TEST_CASE("SQL literals and identifiers are quoted so no name can inject SQL", "[warehouse]") {
  CHECK(sql_string("it's \\ fine") == R"('it\'s \\ fine')");
  CHECK(sql_identifier("db.ta`ble") == "`db`.`ta\\`ble`");
  auto sql = aggregate_query_sql(query());
  REQUIRE(sql);
  CHECK(sql->find("`analytics`.`events`") != std::string::npos);
  CHECK(sql->find(R"('it\'s')") != std::string::npos);
  CHECK(sql->find("FORMAT") == std::string::npos);
  CHECK(aggregate_query_sql(query(), "CSVWithNames")->ends_with("FORMAT CSVWithNames\n"));
}

TEST_CASE("the query reads each column type the way the CSV path reads text", "[warehouse]") {
  AggregateQuery q = query();
  q.events.types = {{"event_id", "String"}, {"entity_id", "UInt64"}, {"event_type", "LowCardinality(String)"},
                    {"timestamp", "Int64"}, {"value", "Nullable(Decimal(18, 2))"}};
  q.events.described = true;
  auto sql = aggregate_query_sql(q);
  REQUIRE(sql);
  CHECK(sql->find("toString(`entity_id`)") != std::string::npos);
  CHECK(sql->find("if(abs(toInt64(`timestamp`)) < 100000000000") != std::string::npos);  // seconds or ms, as in CSV
  CHECK(sql->find("ifNull(toFloat64(`value`), 1)") != std::string::npos);                // null counts as 1

  q.events.types["timestamp"] = "String";
  auto text_timestamp = aggregate_query_sql(q);
  REQUIRE_FALSE(text_timestamp);
  CHECK(text_timestamp.error().field == "timestamp");

  q.events.types.erase("timestamp");
  auto missing = aggregate_query_sql(q);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message ==
        "table analytics.events has no column 'timestamp' (its columns: entity_id, event_id, event_type, value)");

  q.events.types["timestamp"] = "DateTime";
  q.events.types.erase("value");  // an absent value column counts 1 per event
  REQUIRE(aggregate_query_sql(q));
  q.events.columns.renames["value"] = "amount";  // unless the mapping names one
  REQUIRE_FALSE(aggregate_query_sql(q));
}

TEST_CASE("each timestamp type gets its own SQL, and an unknown one is an error, never a guess", "[warehouse]") {
  AggregateQuery q = query();
  const std::pair<const char*, const char*> cases[] = {
      {"DateTime", "toInt64(toUInt32(`timestamp`)) * 1000"},
      {"DateTime('UTC')", "toInt64(toUInt32(`timestamp`)) * 1000"},
      {"DateTime64(3)", "toInt64(toUnixTimestamp64Milli(`timestamp`))"},
      {"DateTime64(6, 'UTC')", "toInt64(toUnixTimestamp64Milli(`timestamp`))"},
      {"Date", "toInt64(toUInt32(toDateTime(`timestamp`))) * 1000"},
      {"Int64", "if(abs(toInt64(`timestamp`)) < 100000000000, toInt64(`timestamp`) * 1000, toInt64(`timestamp`))"},
      {"Nullable(UInt32)", "if(abs(toInt64(`timestamp`)) < 100000000000"}};
  for (const auto& [type, expected] : cases) {
    INFO(type);
    q.events.types["timestamp"] = type;
    auto sql = aggregate_query_sql(q);
    REQUIRE(sql);
    CHECK(sql->find(expected) != std::string::npos);
  }
  q.exposures.types.clear();
  auto unknown = aggregate_query_sql(q);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().field == "timestamp");
  CHECK(unknown.error().message.starts_with("the type of column 'timestamp' of table exposures is not known"));
}

TEST_CASE("recomputed variants travel inline in the query", "[warehouse]") {
  AggregateQuery q = query();
  q.recompute = true;
  q.recomputed = {{"u1", "control"}, {"u2", ""}};
  auto sql = aggregate_query_sql(q);
  REQUIRE(sql);
  CHECK(sql->find("transform(x_e, ['u1', 'u2'], ['control', ''], '')") != std::string::npos);
  CHECK(sql->find("exposures.not_assigned") != std::string::npos);
}

TEST_CASE("a ClickHouse URL gives host, port, database and credentials, and describes itself without the password",
          "[warehouse]") {
  auto s = parse_clickhouse_url("clickhouse://ana%40lyst:p%3Ass@db.internal:9123/analytics", "");
  REQUIRE(s);
  CHECK(s->user == "ana@lyst");
  CHECK(s->password == "p:ss");
  CHECK(s->host == "db.internal");
  CHECK(s->port == 9123);
  CHECK(s->database == "analytics");
  CHECK(s->describe() == "clickhouse://ana@lyst@db.internal:9123/analytics");
  auto from_env = parse_clickhouse_url("clickhouse://localhost", "secret");
  REQUIRE(from_env);
  CHECK(from_env->password == "secret");
  CHECK(from_env->port == 8123);
  CHECK(from_env->database == "default");
  auto bad_port = parse_clickhouse_url("clickhouse://u:hunter2@host:99999/db", "");
  REQUIRE_FALSE(bad_port);
  CHECK(bad_port.error().message.find("hunter2") == std::string::npos);
  CHECK_FALSE(parse_clickhouse_url("http://host:8123/db", ""));
  CHECK_FALSE(parse_clickhouse_url("clickhouse://:8123/db", ""));
}

}  // namespace
}  // namespace expt
