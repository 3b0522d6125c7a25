#include "core/registry/sqlite_registry.h"

#include <algorithm>
#include <set>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include "core/plan/allocation_plan.h"
#include "core/plan/bundle_publish.h"
#include "core/plan/spec_sync.h"
#include "core/registry/schema.h"
#include "core/spec/json_form.h"
#include "tests/support/fixtures.h"
#include "tests/support/spec_builders.h"

namespace expt {
namespace {

const AuditStamp k_stamp{"2026-11-23T12:00:00Z", "alice"};

std::unique_ptr<SqliteRegistry> open_new(const std::filesystem::path& path) {
  auto r = SqliteRegistry::open(path.string(), OpenMode::create_if_missing, k_stamp);
  REQUIRE(r);
  return std::move(*r);
}

SpecSet fixture_specs() {
  SpecSet all;
  for (const char* file : {"00-namespaces.yaml", "01-metrics.yaml", "checkout.yaml", "search.yaml", "pricing.yaml",
                           "onboarding.yaml"}) {
    all.append(testing::specs_from_yaml(testing::read_file(testing::fixture_path(std::string("specs/") + file)), file));
  }
  return all;
}

Result<void> load(Registry& registry, const SpecSet& specs) {
  return registry.update([&](const RegistryState& state) -> Result<ChangeSet> {
    SyncPlan plan = plan_spec_sync(state, specs, k_stamp);
    if (!plan.refusals.empty()) return plan.refusals[0];
    return plan.changes;
  });
}

TEST_CASE("a missing registry says how to create one", "[registry]") {
  testing::TempDir dir;
  auto r = SqliteRegistry::open((dir / "expt.db").string(), OpenMode::must_exist, k_stamp);
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == ErrorKind::not_found);
  CHECK(r.error().message == "no registry at '" + (dir / "expt.db").string() + "'; create one with `expt init --registry " +
                                 (dir / "expt.db").string() +
                                 "`, or point --registry or EXPT_REGISTRY at an existing registry");
  CHECK_FALSE(std::filesystem::exists(dir / "expt.db"));
}

TEST_CASE("init creates the schema once and records it in the audit log", "[registry]") {
  testing::TempDir dir;
  {
    auto registry = open_new(dir / "expt.db");
    CHECK(registry->open_info().created);
    CHECK(registry->open_info().schema_version == current_schema_version());
  }
  auto again = open_new(dir / "expt.db");
  CHECK_FALSE(again->open_info().created);
  auto log = again->audit_log({});
  REQUIRE(log);
  REQUIRE(log->size() == 1);
  CHECK((*log)[0].action == "init");
  CHECK((*log)[0].actor == "alice");
}

TEST_CASE("an older registry is migrated forward with its data, once, and audited", "[registry]") {
  testing::TempDir dir;
  const std::string path = (dir / "old.db").string();
  {
    // A version 1 registry as the first release wrote it, with a namespace in it.
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(std::string(registry_migrations()[0]));
    db.exec("PRAGMA user_version = 1");
    db.exec("INSERT INTO namespaces (key, created_at, updated_at) VALUES ('checkout', 't', 't')");
  }
  {
    auto registry = SqliteRegistry::open(path, OpenMode::must_exist, k_stamp);
    REQUIRE(registry);
    CHECK((*registry)->open_info().migrated_from == 1);
    CHECK((*registry)->open_info().schema_version == current_schema_version());
    auto state = (*registry)->read();
    REQUIRE(state);
    REQUIRE(state->namespaces.size() == 1);
    CHECK(state->namespaces[0].spec.total_slots == 1000);
    auto log = (*registry)->audit_log({});
    REQUIRE(log->size() == 1);
    CHECK((*log)[0].action == "migrate");
    CHECK((*log)[0].details == nlohmann::json{{"from_schema", 1}, {"to_schema", current_schema_version()}});
  }
  auto again = SqliteRegistry::open(path, OpenMode::must_exist, k_stamp);
  REQUIRE(again);
  CHECK((*again)->open_info().migrated_from == current_schema_version());
  CHECK((*again)->audit_log({})->size() == 1);
}

TEST_CASE("files that are not registries are refused", "[registry]") {
  testing::TempDir dir;
  SECTION("random bytes") {
    testing::write_file(dir / "x.db", std::string(4096, 'x'));
    auto r = SqliteRegistry::open((dir / "x.db").string(), OpenMode::must_exist, k_stamp);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::io);
    CHECK(r.error().message.find("is not an expt registry") != std::string::npos);
  }
  SECTION("another application's SQLite database") {
    { SQLite::Database db((dir / "x.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      db.exec("CREATE TABLE t (a)"); }
    auto r = SqliteRegistry::open((dir / "x.db").string(), OpenMode::create_if_missing, k_stamp);
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "'" + (dir / "x.db").string() + "' is an SQLite database but not an expt registry; it was not changed");
  }
  SECTION("a registry from a newer expt") {
    { auto registry = open_new(dir / "x.db"); }
    { SQLite::Database db((dir / "x.db").string(), SQLite::OPEN_READWRITE);
      db.exec("PRAGMA user_version = 99"); }
    auto r = SqliteRegistry::open((dir / "x.db").string(), OpenMode::must_exist, k_stamp);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("has schema version 99, newer than this expt understands (8)") != std::string::npos);
  }
}

TEST_CASE("everything written reads back identically", "[registry]") {
  testing::TempDir dir;
  auto registry = open_new(dir / "expt.db");
  SpecSet specs = fixture_specs();
  REQUIRE(load(*registry, specs));
  auto state = registry->read();
  REQUIRE(state);
  CHECK(state->namespaces.size() == specs.namespaces.size());
  for (const ExperimentSpec& e : specs.experiments) {
    const ExperimentRecord* r = state->find_experiment(e.key);
    REQUIRE(r != nullptr);
    CHECK(to_json(r->spec) == to_json(e));
  }
  for (const MetricSpec& m : specs.metrics) CHECK(to_json(state->find_metric(m.key)->spec) == to_json(m));
  for (const NamespaceSpec& n : specs.namespaces) CHECK(to_json(state->find_namespace(n.key)->spec) == to_json(n));
  REQUIRE(state->global_holdout.has_value());
  CHECK(to_json(state->global_holdout->spec) == to_json(specs.global_holdouts[0]));
}

TEST_CASE("a scoped read holds exactly its namespaces' experiments, as a whole read has them", "[registry]") {
  testing::TempDir dir;
  auto registry = open_new(dir / "expt.db");
  REQUIRE(load(*registry, fixture_specs()));
  auto whole = registry->read();
  REQUIRE(whole);
  CHECK_FALSE(whole->partial);
  auto same_as_whole = [&](const RegistryState& scoped, const std::set<std::string>& namespaces) {
    CHECK(scoped.partial);
    CHECK(scoped.namespaces.size() == whole->namespaces.size());  // always whole
    CHECK(scoped.metrics.size() == whole->metrics.size());
    size_t expected = 0;
    for (const ExperimentRecord& e : whole->experiments) {
      if (namespaces.count(e.spec.namespace_key) == 0) {
        CHECK(scoped.find_experiment(e.spec.key) == nullptr);
        continue;
      }
      ++expected;
      const ExperimentRecord* r = scoped.find_experiment(e.spec.key);
      REQUIRE(r != nullptr);
      CHECK(to_json(r->spec) == to_json(e.spec));  // variants and metric bindings included
      CHECK(r->status == e.status);
    }
    CHECK(scoped.experiments.size() == expected);
  };
  auto by_experiment = registry->read(ReadScope{{"checkout-cta-color"}, {}});
  REQUIRE(by_experiment);
  same_as_whole(*by_experiment, {"checkout"});
  auto by_namespaces = registry->read(ReadScope{{}, {"pricing", "search-ranking"}});
  REQUIRE(by_namespaces);
  same_as_whole(*by_namespaces, {"pricing", "search-ranking"});

  // Nothing that must see every experiment may be planned from it.
  CHECK_THROWS_AS(plan_bundle_publish(*by_namespaces, k_stamp), std::logic_error);
  CHECK_NOTHROW(plan_bundle_publish(*whole, k_stamp));

  // A key that does not exist: everything, so the error can suggest the closest key.
  auto unknown = registry->read(ReadScope{{"checkout-cta-colour"}, {}});
  REQUIRE(unknown);
  CHECK_FALSE(unknown->partial);
  CHECK(unknown->experiments.size() == whole->experiments.size());
}

TEST_CASE("a failed plan or write leaves the registry untouched", "[registry]") {
  testing::TempDir dir;
  auto registry = open_new(dir / "expt.db");
  SECTION("the planner returns an error") {
    auto r = registry->update([](const RegistryState&) -> Result<ChangeSet> { return Error::invalid("no"); });
    CHECK_FALSE(r);
  }
  SECTION("a write fails half-way: the namespace before it is rolled back") {
    ChangeSet changes;
    changes.namespaces.push_back(NamespaceRecord{testing::make_namespace("checkout"), "t", "t"});
    ExperimentRecord bad;
    bad.spec = testing::make_experiment("x", "checkout");
    bad.spec.metrics.push_back(MetricBinding{"no-such-metric", MetricRole::primary, {}, {}, {}, {}, {}});
    changes.experiments.push_back(bad);
    auto r = registry->update([&](const RegistryState&) -> Result<ChangeSet> { return changes; });
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("metric 'no-such-metric' does not exist") != std::string::npos);
  }
  auto state = registry->read();
  REQUIRE(state);
  CHECK(state->namespaces.empty());
  CHECK(state->experiments.empty());
  CHECK(registry->audit_log({})->size() == 1);  // only "init"
}

TEST_CASE("the database itself refuses overlapping claims", "[registry][allocate]") {
  testing::TempDir dir;
  auto registry = open_new(dir / "expt.db");
  SpecSet specs;
  specs.namespaces.push_back(testing::make_namespace("checkout"));
  specs.experiments = {testing::make_experiment("a", "checkout"), testing::make_experiment("b", "checkout")};
  REQUIRE(load(*registry, specs));
  auto claim = [&](const std::string& key, SlotRange range) {
    return registry->update([&](const RegistryState& state) -> Result<ChangeSet> {
      ChangeSet c;
      ExperimentRecord r = *state.find_experiment(key);
      r.slots = range;
      c.experiments.push_back(r);
      return c;
    });
  };
  REQUIRE(claim("a", {0, 99}));
  auto overlapping = claim("b", {50, 149});
  REQUIRE_FALSE(overlapping);
  CHECK(overlapping.error().kind == ErrorKind::conflict);
  CHECK(claim("b", {100, 199}));
}

TEST_CASE("concurrent allocations from separate connections never overlap", "[registry][allocate]") {
  testing::TempDir dir;
  const std::string path = (dir / "expt.db").string();
  constexpr int k_writers = 8;
  constexpr int k_per_writer = 5;
  {
    auto registry = open_new(path);
    SpecSet specs;
    specs.namespaces.push_back(testing::make_namespace("checkout", 1000));
    for (int w = 0; w < k_writers; ++w) {
      for (int i = 0; i < k_per_writer; ++i) {
        specs.experiments.push_back(
            testing::make_experiment("e" + std::to_string(w) + "-" + std::to_string(i), "checkout", 20));
      }
    }
    REQUIRE(load(*registry, specs));
  }
  std::vector<std::thread> threads;
  std::vector<int> failures(k_writers, 0);
  for (int w = 0; w < k_writers; ++w) {
    threads.emplace_back([&, w] {
      auto registry = SqliteRegistry::open(path, OpenMode::must_exist, k_stamp);
      if (!registry) {
        failures[static_cast<size_t>(w)] = 100;
        return;
      }
      for (int i = 0; i < k_per_writer; ++i) {
        std::vector<std::string> keys{"e" + std::to_string(w) + "-" + std::to_string(i)};
        auto done = (*registry)->update([&](const RegistryState& state) -> Result<ChangeSet> {
          auto plan = plan_allocation(state, keys, false, k_stamp);
          if (!plan) return std::move(plan).error();
          return plan->changes;
        });
        if (!done) ++failures[static_cast<size_t>(w)];
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(std::all_of(failures.begin(), failures.end(), [](int f) { return f == 0; }));
  auto state = open_new(path)->read();
  REQUIRE(state);
  std::vector<SlotRange> ranges;
  for (const ExperimentRecord& e : state->experiments) {
    REQUIRE(e.slots.has_value());
    ranges.push_back(*e.slots);
  }
  REQUIRE(ranges.size() == k_writers * k_per_writer);
  for (size_t i = 0; i < ranges.size(); ++i) {
    for (size_t j = i + 1; j < ranges.size(); ++j) CHECK_FALSE(ranges[i].overlaps(ranges[j]));
  }
}

TEST_CASE("the audit log is append-only", "[registry]") {
  testing::TempDir dir;
  { auto registry = open_new(dir / "expt.db"); }
  SQLite::Database db((dir / "expt.db").string(), SQLite::OPEN_READWRITE);
  CHECK_THROWS_WITH(db.exec("UPDATE audit_log SET actor = 'mallory'"), Catch::Contains("append-only"));
  CHECK_THROWS_WITH(db.exec("DELETE FROM audit_log"), Catch::Contains("append-only"));
}

}  // namespace
}  // namespace expt
